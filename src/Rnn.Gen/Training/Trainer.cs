using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Numerics.Tensors;
using System.Threading;
using Rnn.Gen.Data;
using Rnn.Gen.Decoding;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Serialization;
using Rnn.Gen.Training.Schedules;

namespace Rnn.Gen.Training;

/// <summary>
/// Trains a generated model on in-memory datasets: epochs of mini-batches in a seeded order, gradients averaged over
/// each batch, optional clipping, validation and early stopping, progress reports, cancellation between batches, and
/// checkpoints from which a run resumes exactly as if it had never stopped.
/// </summary>
/// <remarks>
/// <para>
/// One step, for a batch of <c>B</c> samples: <c>ZeroGradients</c>; for each sample <c>Forward</c>, the loss and its
/// gradient, the gradient scaled by <c>1/B</c>, <c>Backward</c>; then the check for non-finite values, clipping
/// (<see cref="TrainerOptions.ClipValue"/>, then <see cref="TrainerOptions.ClipNorm"/>) and the optimizer's step.
/// That is PyTorch's step for a loss with a mean reduction over the batch.
/// </para>
/// <para>
/// A trainer keeps the position of its run (epochs and batches done, the shuffling generator, the metrics so far).
/// <see cref="Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/> trains from that position
/// until <see cref="TrainerOptions.Epochs"/> epochs are done, so a call after a cancellation, or after
/// <see cref="LoadCheckpoint(string)"/> on a new trainer, continues the run. The first call of a new trainer whose
/// <see cref="TrainerOptions.CheckpointPath"/> exists loads that checkpoint first (<see cref="TrainerOptions.ResumeFromCheckpoint"/>),
/// so running a program again after a crash or a kill continues where its last checkpoint left off. After setup (and, when training in
/// parallel, after the first batch has started the worker threads), training allocates nothing per batch. A trainer is
/// not thread-safe: call it from one thread at a time.
/// </para>
/// <para>
/// A stateful model (<c>[RnnModel(..., Stateful = true)]</c>, Keras's <c>stateful=True</c>) sees the samples as
/// consecutive windows of one series: train it with <see cref="TrainerOptions.Shuffle"/> off, so that the windows come
/// in order (<c>Fit</c> refuses it with shuffling on); each epoch starts with <see cref="IRnnModel.ResetState"/>. Its carried state
/// (<see cref="IRnnModel.CarriedState"/>) goes into checkpoints, so a run resumes exactly mid-series.
/// </para>
/// <para>
/// Data-parallel training over the cores: set <see cref="TrainerOptions.Parallelism"/> to the number of shards to cut
/// each batch into and <see cref="TrainerOptions.ReplicaFactory"/> to create the models that train them beside the
/// trained one. The shards run on the calling thread and on worker threads that the trainer starts at its first
/// parallel batch and keeps; the shard gradients are summed in a fixed order, so a run's result depends on the number
/// of shards, never on the threads or the timing. Metrics, validation, early stopping, schedules, teacher forcing,
/// padded samples, dropout and noise, checkpoints with exact resume, cancellation and progress all work the same;
/// stateful models are refused. Dispose the trainer to end its worker threads (an undisposed one ends them when it is
/// collected; with <c>Parallelism = 1</c> there are none).
/// </para>
/// <code>
/// var model = new Forecaster();
/// model.Initialize(seed: 1);
/// using var trainer = new Trainer(model, new Adam(1e-3f), MeanSquaredErrorLoss.Instance, new TrainerOptions
/// {
///     Epochs = 50, BatchSize = 32, Seed = 1,
///     Parallelism = 2,                          // two shards per batch: this model and one replica, on two cores
///     ReplicaFactory = () => new Forecaster(),  // the replica: parameters copied from the model at every batch
/// });
/// trainer.Fit(training);
/// </code>
/// </remarks>
public sealed partial class Trainer
{
    private readonly IRnnModel _model;
    private readonly IOptimizer _optimizer;
    private readonly ILoss _loss;
    private readonly TrainerOptions _options;
    private readonly Shard[] _shards; // [0]: the trained model; [k]: replica k (TrainerOptions.Parallelism)

    // The run's position and metrics: everything a checkpoint saves besides the model, the optimizer and the schedule.
    private TrainingRun _run = new();

    // Whether the run is still as the constructor made it: no Fit has started it and no checkpoint was loaded. Only
    // then does Fit resume from the file at TrainerOptions.CheckpointPath.
    private bool _fresh = true;

    // The checkpoint this trainer's run was resumed from by Fit (for the result and for error messages); null otherwise.
    private string? _resumedFrom;

    // With TrainerOptions.ValidationSplit: the index, in the dataset given to Fit, of each sample of the two parts (the
    // reports name samples by their index there). Null otherwise.
    private int[]? _trainingSource;
    private int[]? _validationSource;

    /// <summary>A trainer of <paramref name="model"/> with <paramref name="optimizer"/> and <paramref name="loss"/>.</summary>
    /// <param name="model">The model; its parameters are trained in place (initialize it first).</param>
    /// <param name="optimizer">The optimizer, serving this model's parameters only.</param>
    /// <param name="loss">The loss, for example <see cref="MeanSquaredErrorLoss.Instance"/>.</param>
    /// <param name="options">Epochs, batch size and the rest; the defaults of <see cref="TrainerOptions"/> when null.</param>
    /// <exception cref="ArgumentException">
    /// The model's parameter buffers do not match its <see cref="IRnnModel.ParameterCount"/>; the schedule belongs to
    /// another optimizer; or <see cref="TrainerOptions.Parallelism"/> is above 1 and <see cref="TrainerOptions.ReplicaFactory"/>
    /// is missing or returns something other than a new instance of the model's class, or the model is stateful.
    /// </exception>
    public Trainer(IRnnModel model, IOptimizer optimizer, ILoss loss, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (model.Parameters.Length != model.ParameterCount || model.Gradients.Length != model.ParameterCount)
        {
            throw new ArgumentException(
                $"{model.GetType().Name}: Parameters has {model.Parameters.Length} elements and Gradients {model.Gradients.Length}; ParameterCount says {model.ParameterCount}.",
                nameof(model));
        }

        if (options?.Schedule is ILearningRateSchedule schedule && !ReferenceEquals(schedule.Optimizer, optimizer))
        {
            throw new ArgumentException("The learning-rate schedule is bound to another optimizer than the trainer's.", nameof(options));
        }

        _model = model;
        _optimizer = optimizer;
        _loss = loss;
        _options = options ?? new TrainerOptions();
        _shards = CreateShards(model, _options);
        _job = new ShardJob(this);
        ShardThreads = Math.Min(_shards.Length, Environment.ProcessorCount);
    }

    /// <summary>The model being trained.</summary>
    public IRnnModel Model => _model;

    /// <summary>The optimizer.</summary>
    public IOptimizer Optimizer => _optimizer;

    /// <summary>The loss.</summary>
    public ILoss Loss => _loss;

    /// <summary>The settings.</summary>
    public TrainerOptions Options => _options;

    /// <summary>Epochs finished in the run so far.</summary>
    public int EpochsCompleted => _run.EpochsCompleted;

    /// <summary>Batches done in the run so far, skipped ones included: the optimizer steps tried.</summary>
    public long BatchesCompleted => _run.BatchesCompleted;

    /// <summary>Batches so far whose optimizer step was skipped because of non-finite values.</summary>
    public long SkippedBatches => _run.SkippedBatches;

    /// <summary>The metrics of every finished epoch so far.</summary>
    public IReadOnlyList<EpochMetrics> History => _run.History;

    /// <summary>Trains on <paramref name="training"/>, with <see cref="TrainerOptions.ValidationSplit"/> as validation when set.</summary>
    /// <inheritdoc cref="Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/>
    public TrainingResult Fit(Dataset training, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(training, null, progress, cancellationToken);

    /// <summary>
    /// Trains from the run's current position until <see cref="TrainerOptions.Epochs"/> epochs are done, early
    /// stopping ends the run, or <paramref name="cancellationToken"/> is signalled.
    /// </summary>
    /// <param name="training">The training samples.</param>
    /// <param name="validation">Samples to evaluate after each epoch; null for none (or for <see cref="TrainerOptions.ValidationSplit"/>).</param>
    /// <param name="progress">Receives a report after every batch and at the end of every epoch.</param>
    /// <param name="cancellationToken">
    /// Checked before each batch. When it is signalled the run stops there, with the model and the optimizer after a
    /// whole batch, writes its checkpoint (when <see cref="TrainerOptions.CheckpointPath"/> is set) and returns
    /// <see cref="StopReason.Cancelled"/>; another call continues from there.
    /// </param>
    /// <returns>Why the run stopped, and the metrics of every epoch.</returns>
    /// <exception cref="ArgumentException">
    /// A dataset's shapes or target kind do not fit the model and the loss (the message names the expected sizes), or
    /// both a validation set and <see cref="TrainerOptions.ValidationSplit"/> are given.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// Early stopping watches a validation metric without a validation set, or an accuracy with a loss that does not
    /// take class indices; the run's state (from a checkpoint or an earlier call) belongs to other data or settings;
    /// a model parameter is NaN or infinite; or the model is stateful and <see cref="TrainerOptions.Shuffle"/> is on.
    /// </exception>
    /// <exception cref="InvalidDataException">
    /// The checkpoint at <see cref="TrainerOptions.CheckpointPath"/>, which this call resumes from
    /// (<see cref="TrainerOptions.ResumeFromCheckpoint"/>), is corrupted or does not fit this trainer; the message names
    /// the file, the problem and how to start over. Nothing was changed.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The trainer has been disposed.</exception>
    public TrainingResult Fit(Dataset training, Dataset? validation, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(training);
        CheckDataset(training, nameof(training));
        if (validation is not null)
        {
            CheckDataset(validation, nameof(validation));
        }

        if (_options.ValidationSplit > 0)
        {
            if (validation is not null)
            {
                throw new ArgumentException("Give either a validation set or TrainerOptions.ValidationSplit, not both.", nameof(validation));
            }

            // Dataset.Split's parts, keeping their indices in the given dataset for the reports.
            (_trainingSource, _validationSource) = Dataset.SplitIndices(training.Count, _options.ValidationSplit, _options.Seed);
            (training, validation) = (training.Subset(_trainingSource), training.Subset(_validationSource));
        }
        else
        {
            (_trainingSource, _validationSource) = (null, null);
        }

        if (!_model.CarriedState.IsEmpty && _options.Shuffle)
        {
            string type = _model.GetType().Name;
            throw new InvalidOperationException(
                $"{type} is stateful: each window continues the recurrent state of the one before, so the windows must come in order, but " +
                "TrainerOptions.Shuffle is on (the default). Set Shuffle = false, or declare the model without Stateful = true to train on independent samples.");
        }

        if (_options.CheckpointPath is string checkpoint)
        {
            SafeTensorsFile.RemoveStaleTemporaryFiles(checkpoint);
            if (_fresh && _options.ResumeFromCheckpoint && File.Exists(checkpoint))
            {
                ResumeFrom(checkpoint);
            }
        }

        CheckParametersFinite();

        EarlyStopping? rule = _options.EarlyStopping;
        CheckMetricAvailable(_options.ScheduleMetric, validation, "The learning-rate schedule");
        if (rule is not null)
        {
            CheckMetricAvailable(rule.Monitor, validation, "Early stopping");
        }

        var fingerprint = new DataFingerprint(training.Count, training.ContentHash, validation?.Count ?? 0, validation?.ContentHash ?? 0);
        if (_run.Data is DataFingerprint known && known != fingerprint)
        {
            throw new InvalidOperationException(
                $"This run's state (from a checkpoint or an earlier Fit) was made on other data: {known.Describe()}; now {fingerprint.Describe()}. " +
                "Resume with the same datasets and ValidationSplit/Seed, or start a new Trainer" +
                (_resumedFrom is null ? "." : $" (this run was resumed from '{_resumedFrom}': set TrainerOptions.ResumeFromCheckpoint = false to train from scratch and overwrite it, or choose another CheckpointPath)."));
        }

        _fresh = false;

        if (_run.Sampler is null)
        {
            var sampler = new MiniBatchSampler(training.Count, _options.BatchSize, _options.Shuffle, _options.Seed);
            if (_run.SamplerState is SamplerState pending)
            {
                sampler.Restore(pending.Order, pending.RandomState);
            }

            _run.Sampler = sampler;
            _run.SamplerState = null;
        }

        _run.Data = fingerprint;
        if (rule is not null)
        {
            _run.EarlyStopping ??= new EarlyStoppingState(rule);
        }

        if (_run.Finished is StopReason finished)
        {
            // A run that ended stays ended, except one that completed its epochs and is now asked for more.
            if (finished != StopReason.Completed || _run.EpochsCompleted >= _options.Epochs)
            {
                return Result(finished, restored: false, clock);
            }

            _run.Finished = null;
        }

        MiniBatchSampler batches = _run.Sampler;
        StopReason reason = StopReason.Completed;
        while (_run.EpochsCompleted < _options.Epochs)
        {
            while (_run.BatchesDone < batches.BatchCount)
            {
                // Only between whole batches, and before a new epoch draws its order: the state stays resumable.
                if (cancellationToken.IsCancellationRequested)
                {
                    WriteCheckpointIfConfigured();
                    return Result(StopReason.Cancelled, restored: false, clock);
                }

                if (_run.BatchesDone == 0)
                {
                    batches.NextEpoch();
                    _run.Epoch = default;

                    // A stateful model (truncated BPTT over consecutive windows) starts its series again each epoch;
                    // for any other model this only clears the streaming state, which training does not use.
                    _model.ResetState();
                }

                (BatchResult batch, double batchLossSum, long batchPositions) = TrainBatch(training, batches.Batch(_run.BatchesDone));
                if (batch.Skipped)
                {
                    // The run's first non-finite batch, with its first non-finite sample (the shuffled order mapped back).
                    _run.FirstNonFinite ??= FirstSampleReport(NonFiniteSource.TrainingBatch, _run.BatchesDone + 1, _trainingSource, batch.GradientNorm);
                    if (_options.NonFiniteGradients == NonFiniteGradientPolicy.Stop)
                    {
                        reason = StopReason.NonFiniteGradients;
                        goto Finish;
                    }
                }

                _run.BatchesDone++;
                _run.BatchesCompleted++;
                if (batch.Skipped)
                {
                    _run.SkippedBatches++;
                    _run.Epoch.Skipped++;
                }
                else
                {
                    if (_options.Schedule is ILearningRateSchedule perStep && _options.ScheduleInterval == ScheduleInterval.Batch)
                    {
                        perStep.Step(batch.Loss);
                    }

                    int samples = batches.Batch(_run.BatchesDone - 1).Length;
                    _run.Epoch.LossSum += batchLossSum;
                    _run.Epoch.Samples += samples;
                    _run.Epoch.Correct += batch.Correct;
                    _run.Epoch.Positions += batchPositions;
                }

                progress?.Report(new TrainingProgress(
                    TrainingPhase.Batch, _run.EpochsCompleted + 1, _options.Epochs, _run.BatchesDone, batches.BatchCount, _run.BatchesCompleted, _run.SkippedBatches,
                    _run.Epoch.MeanLoss, TrainingAccuracy(), null, null, _run.LastLearningRate, _run.LastGradientNorm));

                if (_options.CheckpointEveryBatches > 0 && _run.BatchesCompleted % _options.CheckpointEveryBatches == 0 && _run.BatchesDone < batches.BatchCount)
                {
                    WriteCheckpointIfConfigured();
                }
            }

            EpochMetrics metrics = EndEpoch(validation);
            bool validationFailed = metrics.ValidationLoss is double validationLoss && !double.IsFinite(validationLoss);
            if (validationFailed)
            {
                // The same policy as for batches: reported either way; Skip keeps it from early stopping and the
                // schedule below, Stop ends the run after this epoch.
                _run.SkippedValidations++;
                _run.FirstNonFinite ??= FirstSampleReport(NonFiniteSource.Validation, 0, _validationSource, metrics.ValidationLoss!.Value, metrics.Epoch);
            }

            // A metric that is not finite (a non-finite validation loss, or the training loss of an epoch whose batches
            // were all skipped) says nothing about progress: early stopping and the schedule skip the epoch.
            bool stop = rule is not null && double.IsFinite(Monitored(rule.Monitor, metrics))
                && _run.EarlyStopping!.Update(rule, metrics.Epoch, Monitored(rule.Monitor, metrics), _model.Parameters);
            if (_options.Schedule is ILearningRateSchedule perEpoch && _options.ScheduleInterval == ScheduleInterval.Epoch)
            {
                MonitoredMetric watched = _options.ScheduleMetric
                    ?? (validation is null ? MonitoredMetric.TrainingLoss : MonitoredMetric.ValidationLoss);
                if (double.IsFinite(Monitored(watched, metrics)))
                {
                    perEpoch.Step(Monitored(watched, metrics));
                }
            }

            progress?.Report(new TrainingProgress(
                TrainingPhase.Epoch, metrics.Epoch, _options.Epochs, batches.BatchCount, batches.BatchCount, _run.BatchesCompleted, _run.SkippedBatches,
                metrics.TrainingLoss, metrics.TrainingAccuracy, metrics.ValidationLoss, metrics.ValidationAccuracy,
                metrics.LearningRate, _run.LastGradientNorm));
            if (validationFailed && _options.NonFiniteGradients == NonFiniteGradientPolicy.Stop)
            {
                reason = StopReason.NonFiniteValidationLoss;
                break;
            }

            if (stop)
            {
                reason = StopReason.EarlyStopped;
                break;
            }

            if (_options.CheckpointEveryEpochs > 0 && _run.EpochsCompleted % _options.CheckpointEveryEpochs == 0 && _run.EpochsCompleted < _options.Epochs)
            {
                WriteCheckpointIfConfigured();
            }
        }

    Finish:
        bool restored = false;
        if (rule is { RestoreBestWeights: true } && _run.EarlyStopping!.BestWeights is float[] best)
        {
            best.CopyTo(_model.Parameters);
            restored = true;
        }

        _run.Finished = reason;
        WriteCheckpointIfConfigured();
        return Result(reason, restored, clock);
    }

    /// <summary>
    /// One optimizer step on the samples <paramref name="sampleIndices"/> of <paramref name="data"/>, gradients averaged
    /// over them, with the options' clipping and non-finite check. Independent of the run's position (it is not
    /// counted as a step of <see cref="Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/>);
    /// allocates nothing (with <see cref="TrainerOptions.Parallelism"/> above 1, after the first call, which starts the
    /// worker threads, and apart from growing a buffer for a batch larger than any before). The batch is split into
    /// shards as in <see cref="Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/>; an exception
    /// of a shard (a loss that throws, say) is rethrown here once every shard has stopped, and the parameters are then
    /// unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset does not fit the model and the loss, or <paramref name="sampleIndices"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the dataset.</exception>
    /// <exception cref="ObjectDisposedException">The trainer has been disposed.</exception>
    public BatchResult TrainOnBatch(Dataset data, ReadOnlySpan<int> sampleIndices)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(data);
        CheckDataset(data, nameof(data), checkClassIndices: false);
        if (sampleIndices.IsEmpty)
        {
            throw new ArgumentException("A batch needs at least one sample index.", nameof(sampleIndices));
        }

        return TrainBatch(data, sampleIndices).Result;
    }

    /// <summary>The mean sample loss (and accuracy, for class indices) of the model's inference (<see cref="IRnnModel.Predict(ReadOnlySpan{float}, Span{float})"/>) on <paramref name="data"/>.</summary>
    /// <remarks>
    /// With <see cref="TrainerOptions.Parallelism"/> above 1 the samples are split over the model and its replicas like a
    /// batch; the per-sample losses are summed in sample order, so the result is the same as with one model.
    /// </remarks>
    /// <exception cref="ArgumentException">The dataset does not fit the model and the loss.</exception>
    /// <exception cref="ObjectDisposedException">The trainer has been disposed.</exception>
    public Evaluation Evaluate(Dataset data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(data);
        CheckDataset(data, nameof(data));
        return EvaluateCore(data);
    }

    /// <summary>One step on <paramref name="indices"/>; also the batch's loss sum (penalty included) and output positions, for the epoch's totals.</summary>
    private (BatchResult Result, double LossSum, long Positions) TrainBatch(Dataset data, ReadOnlySpan<int> indices)
    {
        IRnnModel model = _model;
        float scale = (float)(1.0 / indices.Length);
        double lossSum;
        int correct;
        long positions;
        if (_shards.Length == 1)
        {
            Shard shard = _shards[0];
            shard.Clear();
            model.ZeroGradients();
            TrainSamples(shard, data, indices, scale, Span<float>.Empty);
            lossSum = shard.LossSum;
            correct = (int)shard.Correct;
            positions = shard.Positions;
        }
        else
        {
            (lossSum, correct, positions) = TrainShards(data, indices, scale);
        }

        // The layers' declared L1/L2 penalties, once per step on the averaged gradients (0 when none is declared).
        float penalty = model.ApplyRegularization();
        lossSum += (double)penalty * indices.Length;

        Span<float> gradients = model.Gradients;
        float norm;
        bool finite;
        if (_options.ClipValue is float limit)
        {
            norm = GradientClipping.ClipByGlobalNorm(gradients, float.PositiveInfinity);
            finite = IsFinite(norm, gradients);
            if (finite)
            {
                GradientClipping.ClipByValue(gradients, limit);
                if (_options.ClipNorm is float maxNorm)
                {
                    GradientClipping.ClipByGlobalNorm(gradients, maxNorm);
                }
            }
        }
        else
        {
            // Leaves non-finite gradients untouched and returns a non-finite norm for them.
            norm = GradientClipping.ClipByGlobalNorm(gradients, _options.ClipNorm ?? float.PositiveInfinity);
            finite = IsFinite(norm, gradients);
        }

        _run.LastGradientNorm = norm;
        _run.LastLearningRate = _optimizer.LearningRate;
        double meanLoss = lossSum / indices.Length;
        bool skipped = !finite || !double.IsFinite(lossSum);
        if (!skipped)
        {
            _optimizer.Step(model.Parameters, gradients);
        }

        return (new BatchResult(meanLoss, norm, skipped, correct), lossSum, positions);
    }

    /// <summary>
    /// Forward, loss and Backward of the samples <paramref name="indices"/> in <paramref name="shard"/>'s model, in order:
    /// the gradients add into its <see cref="IRnnModel.Gradients"/>, each sample's scaled by <paramref name="scale"/>;
    /// the loss, correct outputs and positions add into the shard's totals, and each sample's loss is also written to
    /// <paramref name="losses"/> when it is not empty.
    /// </summary>
    private void TrainSamples(Shard shard, Dataset data, ReadOnlySpan<int> indices, float scale, Span<float> losses)
    {
        IRnnModel model = shard.Model;
        bool classes = data.TargetKind == TargetKind.ClassIndices;
        if (indices.Length > 1 && (_options.TeacherForcing ? model is IRnnDecoderBatchModel : model is IRnnBatchModel))
        {
            TrainBatch(shard, data, indices, scale, losses, classes);
            return;
        }

        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            int length = data.Length(index);
            if (_options.TeacherForcing)
            {
                model.ForwardTeacherForced(data.Input(index), TeacherRows(shard, data, index), shard.Output, length);
            }
            else
            {
                model.Forward(data.Input(index), shard.Output, length);
            }

            float loss = SampleLoss(shard, data, index, length, classes);
            shard.AddLoss(index, loss);
            if (!losses.IsEmpty)
            {
                losses[i] = loss;
            }

            // The batch loss is the mean of the sample losses: each sample contributes 1/B of its gradient.
            TensorPrimitives.Multiply(shard.OutputGradient, scale, shard.OutputGradient);
            model.Backward(shard.OutputGradient);
        }
    }

    /// <summary>
    /// <see cref="TrainSamples"/> through the model's batch path: the samples gathered into one batch, one
    /// <see cref="IRnnBatchModel.ForwardBatch"/>, each sample's loss and scaled gradient in order, one
    /// <see cref="IRnnBatchModel.BackwardBatch"/>. The gradients add up in sample order, as one sample at a time would.
    /// With teacher forcing, the decoder models' batch path (<see cref="IRnnDecoderBatchModel"/>) the same way, each
    /// sample's teacher rows gathered first.
    /// </summary>
    private void TrainBatch(Shard shard, Dataset data, ReadOnlySpan<int> indices, float scale, Span<float> losses, bool classes)
    {
        int count = indices.Length, inputLength = data.InputLength, outputLength = shard.Output.Length;
        shard.ReserveBatch(count, inputLength);
        Span<float> inputs = shard.BatchInputs.AsSpan(0, count * inputLength);
        Span<float> outputs = shard.BatchOutputs.AsSpan(0, count * outputLength);
        Span<float> gradients = shard.BatchGradients.AsSpan(0, count * outputLength);
        Span<int> lengths = shard.BatchLengths.AsSpan(0, count);
        for (int i = 0; i < count; i++)
        {
            data.Input(indices[i]).CopyTo(inputs.Slice(i * inputLength, inputLength));
            lengths[i] = data.Length(indices[i]);
        }

        if (shard.Model is IRnnDecoderBatchModel decoderModel)
        {
            // The teacher rows go where the output gradients go next: the forward pass reads them only while it runs.
            for (int i = 0; i < count; i++)
            {
                TeacherRows(shard, data, indices[i]).CopyTo(gradients.Slice(i * outputLength, outputLength));
            }

            decoderModel.ForwardBatchTeacherForced(inputs, gradients, outputs, lengths);
        }
        else
        {
            ((IRnnBatchModel)shard.Model).ForwardBatch(inputs, outputs, lengths);
        }

        for (int i = 0; i < count; i++)
        {
            outputs.Slice(i * outputLength, outputLength).CopyTo(shard.Output);
            float loss = SampleLoss(shard, data, indices[i], lengths[i], classes);
            shard.AddLoss(indices[i], loss);
            if (!losses.IsEmpty)
            {
                losses[i] = loss;
            }

            TensorPrimitives.Multiply(shard.OutputGradient, scale, gradients.Slice(i * outputLength, outputLength));
        }

        if (shard.Model is IRnnDecoderBatchModel decoderBatch)
        {
            decoderBatch.BackwardBatch(gradients, Span<float>.Empty);
        }
        else
        {
            ((IRnnBatchModel)shard.Model).BackwardBatch(gradients, Span<float>.Empty);
        }
    }

    /// <summary>The targets of sample <paramref name="index"/> as decoder inputs: the values, or one-hot rows of the classes.</summary>
    private ReadOnlySpan<float> TeacherRows(Shard shard, Dataset data, int index)
    {
        if (data.TargetKind == TargetKind.Values)
        {
            return data.Target(index);
        }

        int outputSize = _model.OutputSize;
        ReadOnlySpan<int> classes = data.ClassIndices(index);
        float[] teacher = shard.Teacher;
        Array.Clear(teacher);
        for (int step = 0; step < classes.Length; step++)
        {
            teacher[(step * outputSize) + classes[step]] = 1f;
        }

        return teacher;
    }

    /// <summary>
    /// The loss of sample <paramref name="index"/> on the output of <paramref name="shard"/>'s model (in its
    /// <see cref="Shard.Output"/>), its gradient in <see cref="Shard.OutputGradient"/>; the positions and correct
    /// outputs add into the shard's totals. For a padded sample of a many-to-many model, only the valid output steps
    /// (<see cref="IRnnModel.ValidOutputSteps"/>) count: the loss sees them alone (so its mean is over them) and the
    /// padded steps get no gradient. For a decoder with an end token (<see cref="IRnnModel.EndToken"/>), only the steps
    /// through the target's first end token count, the same way.
    /// </summary>
    private float SampleLoss(Shard shard, Dataset data, int index, int length, bool classes)
    {
        int outputSize = _model.OutputSize;
        int steps = _model.ValidOutputSteps(length);
        if (_model.EndToken is int end)
        {
            // A decoder with an end token: the steps after the target's end carry no loss and no gradient.
            steps = Math.Min(steps, classes
                ? SequenceEnd.Steps(data.ClassIndices(index), end)
                : SequenceEnd.Steps(data.Target(index), outputSize, end));
        }

        int valid = steps * outputSize;
        Span<float> output = shard.Output.AsSpan(0, valid);
        Span<float> gradient = shard.OutputGradient.AsSpan(0, valid);
        shard.OutputGradient.AsSpan(valid).Clear();
        shard.Positions += steps;
        if (classes)
        {
            ReadOnlySpan<int> target = data.ClassIndices(index)[..steps];
            shard.Correct += CountCorrect(output, target, outputSize);
            return _loss.Compute(output, target, gradient);
        }

        return _loss.Compute(output, data.Target(index)[..valid], gradient);
    }

    // ClipByGlobalNorm returns +∞ both for an infinite gradient and for finite gradients whose norm exceeds float's
    // range (it clips those normally); only the first is a reason to skip. Rare, so the gradients are scanned only then.
    private static bool IsFinite(float norm, ReadOnlySpan<float> gradients)
    {
        if (float.IsFinite(norm))
        {
            return true;
        }

        if (float.IsNaN(norm))
        {
            return false;
        }

        foreach (float g in gradients)
        {
            if (!float.IsFinite(g))
            {
                return false;
            }
        }

        return true;
    }

    private Evaluation EvaluateCore(Dataset data)
    {
        bool classes = data.TargetKind == TargetKind.ClassIndices;
        double lossSum;
        long correct;
        long positions;
        if (_shards.Length == 1)
        {
            Shard shard = _shards[0];
            shard.Clear();
            EvaluateSamples(shard, data, 0, data.Count, Span<float>.Empty);
            (lossSum, correct, positions) = (shard.LossSum, shard.Correct, shard.Positions);
        }
        else
        {
            (lossSum, correct, positions) = EvaluateShards(data);
        }

        double? accuracy = classes ? (double)correct / positions : null;
        return new Evaluation(lossSum / data.Count, accuracy);
    }

    /// <summary>
    /// Inference and loss of samples <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> − 1
    /// in <paramref name="shard"/>'s model, into the shard's totals (and each loss into <paramref name="losses"/>, indexed
    /// from <paramref name="start"/>, when it is not empty).
    /// </summary>
    private void EvaluateSamples(Shard shard, Dataset data, int start, int count, Span<float> losses)
    {
        bool classes = data.TargetKind == TargetKind.ClassIndices;
        for (int i = start; i < start + count; i++)
        {
            int length = data.Length(i);
            shard.Model.Predict(data.Input(i), shard.Output, length);
            float loss = SampleLoss(shard, data, i, length, classes);
            shard.AddLoss(i, loss);
            if (!losses.IsEmpty)
            {
                losses[i - start] = loss;
            }
        }
    }

    /// <summary>Output steps whose largest output (the first on ties, as <c>torch.argmax</c>) is the target class.</summary>
    private static int CountCorrect(ReadOnlySpan<float> output, ReadOnlySpan<int> classes, int outputSize)
    {
        int correct = 0;
        for (int step = 0; step < classes.Length; step++)
        {
            ReadOnlySpan<float> row = output.Slice(step * outputSize, outputSize);
            int best = 0;
            for (int k = 1; k < row.Length; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            if (best == classes[step])
            {
                correct++;
            }
        }

        return correct;
    }

    private EpochMetrics EndEpoch(Dataset? validation)
    {
        Evaluation? validated = validation is null ? null : EvaluateCore(validation);
        var metrics = new EpochMetrics(
            _run.EpochsCompleted + 1, _run.Epoch.MeanLoss, TrainingAccuracy(), validated?.Loss, validated?.Accuracy,
            _run.LastLearningRate, _run.Epoch.Skipped);
        _run.History.Add(metrics);
        _run.EpochsCompleted++;
        _run.BatchesDone = 0;
        _run.Epoch = default;
        return metrics;
    }

    private double? TrainingAccuracy() =>
        _loss.Targets == TargetKind.ClassIndices ? (_run.Epoch.Positions == 0 ? double.NaN : (double)_run.Epoch.Correct / _run.Epoch.Positions) : null;

    private static double Monitored(MonitoredMetric metric, EpochMetrics metrics) => metric switch
    {
        MonitoredMetric.ValidationLoss => metrics.ValidationLoss!.Value,
        MonitoredMetric.TrainingLoss => metrics.TrainingLoss,
        MonitoredMetric.ValidationAccuracy => metrics.ValidationAccuracy!.Value,
        _ => metrics.TrainingAccuracy!.Value,
    };

    private TrainingResult Result(StopReason reason, bool restored, Stopwatch clock)
    {
        EarlyStoppingState? early = _run.EarlyStopping;
        return new TrainingResult(
            reason, _run.EpochsCompleted, _run.BatchesCompleted, _run.SkippedBatches, _run.History.ToArray(),
            early is { BestEpoch: > 0 } ? early.BestEpoch : null,
            early is not null && double.IsFinite(early.Best) ? early.Best : null,
            restored, clock.Elapsed, _run.SkippedValidations, _run.FirstNonFinite, _resumedFrom);
    }

    /// <summary>
    /// The report of the last job's first non-finite sample (<see cref="FirstNonFiniteSample"/>), its index mapped to
    /// the dataset given to Fit through <paramref name="source"/> (null: the same); <paramref name="fallback"/> is the
    /// value reported when no sample's loss was non-finite.
    /// </summary>
    private NonFiniteReport FirstSampleReport(NonFiniteSource where, int batch, int[]? source, double fallback, int? epoch = null)
    {
        (int Index, float Loss)? sample = FirstNonFiniteSample();
        int? index = sample is { } s ? (source is null ? s.Index : source[s.Index]) : null;
        return new NonFiniteReport(where, epoch ?? _run.EpochsCompleted + 1, batch, index, sample?.Loss ?? fallback);
    }

    /// <summary>
    /// Refuses to train a model whose parameters are not all finite: every batch would be skipped (or the run stopped)
    /// and early stopping would have nothing to watch.
    /// </summary>
    private void CheckParametersFinite()
    {
        ReadOnlySpan<float> parameters = _model.Parameters;
        int bad = -1;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!float.IsFinite(parameters[i]))
            {
                bad = i;
                break;
            }
        }

        if (bad < 0)
        {
            return;
        }

        string where = $"element {bad}";
        foreach (ParameterInfo parameter in _model.ParameterLayout)
        {
            if (bad >= parameter.Offset && bad < parameter.Offset + parameter.Length)
            {
                where = $"parameter '{parameter.Name}' (element {bad - parameter.Offset} of {parameter.Length})";
                break;
            }
        }

        string origin = _resumedFrom is null ? "" : $" (loaded from the checkpoint '{_resumedFrom}')";
        throw new InvalidOperationException(
            $"{_model.GetType().Name}'s {where} is {parameters[bad]}{origin}: with non-finite parameters every loss is NaN and every batch would be skipped. " +
            "Initialize the model (Initialize(seed)) or load finite weights (LoadWeights) before training.");
    }

    private void CheckMetricAvailable(MonitoredMetric? metric, Dataset? validation, string who)
    {
        if (metric is MonitoredMetric.ValidationLoss or MonitoredMetric.ValidationAccuracy && validation is null)
        {
            throw new InvalidOperationException(
                $"{who} watches {metric}, but there is no validation set (pass one, or set ValidationSplit).");
        }

        if (metric is MonitoredMetric.ValidationAccuracy or MonitoredMetric.TrainingAccuracy && _loss.Targets != TargetKind.ClassIndices)
        {
            throw new InvalidOperationException(
                $"{who} watches {metric}, but the loss '{_loss.Name}' does not take class indices, so there is no accuracy.");
        }
    }

    private void WriteCheckpointIfConfigured()
    {
        if (_options.CheckpointPath is string path)
        {
            SaveCheckpoint(path);
        }
    }

    private void CheckDataset(Dataset data, string parameterName, bool checkClassIndices = true)
    {
        IRnnModel model = _model;
        if (data.Steps != model.Steps || data.InputSize != model.InputSize)
        {
            throw new ArgumentException(
                $"The {parameterName} samples' inputs are [{data.Steps}, {data.InputSize}] ({data.InputLength} floats); the model expects [{model.Steps}, {model.InputSize}] ({model.Steps * model.InputSize} floats).",
                parameterName);
        }

        if (data.TargetKind != _loss.Targets)
        {
            throw new ArgumentException(
                $"The loss '{_loss.Name}' compares with {Describe(_loss.Targets)}, but the {parameterName} samples hold {Describe(data.TargetKind)}.",
                parameterName);
        }

        if (data.OutputSteps != model.OutputSteps || (data.TargetKind == TargetKind.Values && data.OutputSize != model.OutputSize))
        {
            string expected = data.TargetKind == TargetKind.Values
                ? $"[{model.OutputSteps}, {model.OutputSize}] ({model.OutputSteps * model.OutputSize} floats)"
                : $"[{model.OutputSteps}] (one class index per output step)";
            string actual = data.TargetKind == TargetKind.Values ? $"[{data.OutputSteps}, {data.OutputSize}]" : $"[{data.OutputSteps}]";
            throw new ArgumentException($"The {parameterName} samples' targets are {actual}; the model's outputs need {expected}.", parameterName);
        }

        if (checkClassIndices && data.TargetKind == TargetKind.ClassIndices)
        {
            data.CheckClassIndices(model.OutputSize);
        }

        static string Describe(TargetKind kind) => kind == TargetKind.Values ? "values" : "class indices";
    }
}
