using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Serialization;
using Rnn.Gen.Training.Schedules;

namespace Rnn.Gen.Training;

// Checkpoints: one safetensors file holding everything a run needs to continue exactly.
//
// Tensors                                   Metadata (strings; numbers round-trip exactly)
//   model.<parameter name>  F32 (layout)      format, version, model.type, loss, model.training_random
//                                             run.parallelism, replica.<k>.training_random (data-parallel runs only)
//   optimizer.<buffer>      F32 [P]           optimizer.kind, .step_count, .learning_rate
//                                             schedule.kind, .step_count, .base_learning_rate, .learning_rate, .value.<name>
//   early_stopping.best_weights F32 [P]       early_stopping.best, .best_epoch, .wait
//   sampler.order           I32 [N]           sampler.random_state
//   history.*               F64/F32/I32 [E]   run.* (position, counters, settings), epoch.* (running totals),
//                                             data.* (what the run trains on), history.* (which columns exist)
public sealed partial class Trainer
{
    private const string FormatName = "rnn.gen.training-checkpoint";
    private const string FormatVersion = "1";

    /// <summary>A test seam: sees the tensors of a checkpoint just before they are written.</summary>
    internal Action<List<SafeTensorsEntry>>? CheckpointEntriesWriting { get; set; }

    /// <summary>
    /// Writes the run's whole state at <paramref name="path"/>, atomically: the model's parameters, the optimizer's
    /// state, the position in the run (epoch, batch, the shuffling generator and the epoch's order), the metrics so
    /// far and early stopping's best. A failure leaves the previous file at <paramref name="path"/> as it was.
    /// </summary>
    public void SaveCheckpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        (List<SafeTensorsEntry> entries, Dictionary<string, string> metadata) = BuildCheckpoint();
        SafeTensorsFile.Write(path, entries, metadata);
    }

    /// <summary>Writes the run's whole state to <paramref name="stream"/>; see <see cref="SaveCheckpoint(string)"/>.</summary>
    public void SaveCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (List<SafeTensorsEntry> entries, Dictionary<string, string> metadata) = BuildCheckpoint();
        SafeTensorsFile.Write(stream, entries, metadata);
    }

    /// <summary>
    /// Restores a run from a checkpoint written by <see cref="SaveCheckpoint(string)"/>: the model's parameters, the
    /// optimizer's state and the run's position, so that the next
    /// <see cref="Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, System.Threading.CancellationToken)"/>, given the
    /// same data, continues exactly as the saved run would have. Either everything is restored or nothing is.
    /// A data-parallel run (<see cref="TrainerOptions.Parallelism"/>) continues exactly with the same parallelism (the
    /// checkpoint holds its replicas' dropout and noise generators); another parallelism continues the run from the
    /// same position, the same training up to float rounding.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid checkpoint, or it does not match this trainer (the model's parameter layout, the
    /// optimizer's kind and size, the batch size, shuffling or early stopping); nothing was changed.
    /// </exception>
    public void LoadCheckpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeTensorsFile file;
        try
        {
            file = SafeTensorsFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a readable checkpoint: {e.Message}", e);
        }

        try
        {
            Restore(Parse(file));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Restores a run from a checkpoint stream; see <see cref="LoadCheckpoint(string)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a valid checkpoint or does not match this trainer; nothing was changed.</exception>
    public void LoadCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Restore(Parse(SafeTensorsFile.Read(stream)));
    }

    private (List<SafeTensorsEntry>, Dictionary<string, string>) BuildCheckpoint()
    {
        var entries = new List<SafeTensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["version"] = FormatVersion,
            ["model.type"] = _model.GetType().FullName ?? _model.GetType().Name,
            ["loss"] = _loss.Name,
        };

        float[] parameters = _model.Parameters.ToArray();
        foreach (ParameterInfo parameter in _model.ParameterLayout)
        {
            entries.Add(SafeTensorsEntry.F32("model." + parameter.Name, parameter.Shape.ToArray(),
                new ReadOnlyMemory<float>(parameters, parameter.Offset, parameter.Length)));
        }

        if (_model.TrainingRandom is { } trainingRandom)
        {
            metadata["model.training_random"] = FormatState(trainingRandom.State);
        }

        // A stateful model's carried state: where its next Forward starts, mid-series.
        if (!_model.CarriedState.IsEmpty)
        {
            entries.Add(SafeTensorsEntry.F32("stateful.carried_state", [_model.CarriedState.Length], _model.CarriedState.ToArray()));
        }

        OptimizerState optimizer = _optimizer.GetState();
        metadata["optimizer.kind"] = optimizer.Kind;
        metadata["optimizer.step_count"] = Format(optimizer.StepCount);
        metadata["optimizer.learning_rate"] = Format(optimizer.LearningRate);
        foreach ((string name, float[] buffer) in optimizer.Buffers)
        {
            entries.Add(SafeTensorsEntry.F32("optimizer." + name, [buffer.Length], buffer));
        }

        if (_options.Schedule is ILearningRateSchedule schedule)
        {
            LearningRateScheduleState state = schedule.GetState();
            metadata["schedule.kind"] = state.Kind;
            metadata["schedule.step_count"] = Format(state.StepCount);
            metadata["schedule.base_learning_rate"] = Format(state.BaseLearningRate);
            metadata["schedule.learning_rate"] = Format(state.LearningRate);
            foreach ((string name, double value) in state.Values)
            {
                metadata["schedule.value." + name] = Format(value);
            }
        }

        metadata["run.epochs_completed"] = Format(_epochsCompleted);
        metadata["run.batches_done"] = Format(_batchesDone);
        metadata["run.steps"] = Format(_steps);
        metadata["run.skipped_steps"] = Format(_skippedSteps);
        metadata["run.finished"] = _finished?.ToString() ?? "";
        metadata["run.batch_size"] = Format(_options.BatchSize);
        metadata["run.shuffle"] = _options.Shuffle ? "true" : "false";

        // Data-parallel runs: the replicas' dropout and noise generators, once seeded (absent keys keep single-model
        // checkpoints as they were). Their parameters are the model's: every batch copies them.
        if (_shards.Length > 1)
        {
            metadata["run.parallelism"] = Format(_shards.Length);
            if (_replicaRandomsSeeded)
            {
                for (int k = 1; k < _shards.Length; k++)
                {
                    if (_shards[k].Model.TrainingRandom is { } replicaRandom)
                    {
                        metadata[$"replica.{k}.training_random"] = FormatState(replicaRandom.State);
                    }
                }
            }
        }

        metadata["epoch.loss_sum"] = Format(_epoch.LossSum);
        metadata["epoch.samples"] = Format(_epoch.Samples);
        metadata["epoch.correct"] = Format(_epoch.Correct);
        metadata["epoch.positions"] = Format(_epoch.Positions);
        metadata["epoch.skipped"] = Format(_epoch.Skipped);

        SamplerState? sampler = _sampler is not null ? new SamplerState(_sampler.Order.ToArray(), _sampler.RandomState) : _pendingSampler;
        if (sampler is SamplerState s)
        {
            metadata["sampler.random_state"] = FormatState(s.RandomState);
            entries.Add(SafeTensorsEntry.Raw("sampler.order", SafeTensorsDType.I32, [s.Order.Length], ToBytes(s.Order)));
        }

        if (_fingerprint is DataFingerprint data)
        {
            metadata["data.training_count"] = Format(data.TrainingCount);
            metadata["data.training_hash"] = data.TrainingHash.ToString("x16", CultureInfo.InvariantCulture);
            metadata["data.validation_count"] = Format(data.ValidationCount);
            metadata["data.validation_hash"] = data.ValidationHash.ToString("x16", CultureInfo.InvariantCulture);
        }

        if (_earlyStopping is EarlyStoppingState early)
        {
            metadata["early_stopping.best"] = Format(early.Best);
            metadata["early_stopping.best_epoch"] = Format(early.BestEpoch);
            metadata["early_stopping.wait"] = Format(early.Wait);
            if (early.BestWeights is float[] best)
            {
                entries.Add(SafeTensorsEntry.F32("early_stopping.best_weights", [best.Length], (float[])best.Clone()));
            }
        }

        int epochs = _history.Count;
        bool hasValidation = _history.Count > 0 && _history[0].ValidationLoss is not null;
        bool hasAccuracy = _loss.Targets == TargetKind.ClassIndices;
        metadata["history.validation"] = hasValidation ? "true" : "false";
        metadata["history.accuracy"] = hasAccuracy ? "true" : "false";
        entries.Add(SafeTensorsEntry.F64("history.training_loss", [epochs], _history.Select(m => m.TrainingLoss).ToArray()));
        entries.Add(SafeTensorsEntry.F32("history.learning_rate", [epochs], _history.Select(m => m.LearningRate).ToArray()));
        entries.Add(SafeTensorsEntry.Raw("history.skipped_steps", SafeTensorsDType.I32, [epochs], ToBytes(_history.Select(m => m.SkippedSteps).ToArray())));
        if (hasAccuracy)
        {
            entries.Add(SafeTensorsEntry.F64("history.training_accuracy", [epochs], _history.Select(m => m.TrainingAccuracy ?? double.NaN).ToArray()));
        }

        if (hasValidation)
        {
            entries.Add(SafeTensorsEntry.F64("history.validation_loss", [epochs], _history.Select(m => m.ValidationLoss ?? double.NaN).ToArray()));
            if (hasAccuracy)
            {
                entries.Add(SafeTensorsEntry.F64("history.validation_accuracy", [epochs], _history.Select(m => m.ValidationAccuracy ?? double.NaN).ToArray()));
            }
        }

        CheckpointEntriesWriting?.Invoke(entries);
        return (entries, metadata);
    }

    /// <summary>Everything a checkpoint restores, parsed and checked against this trainer before anything changes.</summary>
    private sealed record Checkpoint(
        float[] Parameters,
        (uint, uint, uint, uint)? TrainingRandom,
        OptimizerState Optimizer,
        LearningRateScheduleState? Schedule,
        int EpochsCompleted,
        int BatchesDone,
        long Steps,
        long SkippedSteps,
        StopReason? Finished,
        EpochTotals Epoch,
        SamplerState? Sampler,
        DataFingerprint? Data,
        EarlyStoppingState? EarlyStopping,
        List<EpochMetrics> History)
    {
        /// <summary>A stateful model's carried state; null for other models.</summary>
        public float[]? CarriedState { get; init; }

        /// <summary>
        /// The training generators of replicas 1 … Parallelism − 1, when the checkpoint's run had this trainer's
        /// parallelism and had seeded them; null otherwise (they are then seeded from the model's at the next batch).
        /// </summary>
        public (uint, uint, uint, uint)[]? ReplicaRandoms { get; init; }
    }

    private Checkpoint Parse(SafeTensorsFile file)
    {
        var reader = new MetadataReader(file.Metadata);
        string format = reader.String("format");
        if (format != FormatName)
        {
            throw new InvalidDataException($"Not a training checkpoint: the metadata 'format' is '{format}', expected '{FormatName}'.");
        }

        string version = reader.String("version");
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Checkpoint version '{version}' is not supported (this library reads version {FormatVersion}).");
        }

        var known = new HashSet<string>(StringComparer.Ordinal);

        // The model: the same layout as WeightFile's strict load, under the "model." prefix.
        float[] parameters = new float[_model.ParameterCount];
        var problems = new List<string>();
        foreach (ParameterInfo parameter in _model.ParameterLayout)
        {
            string name = "model." + parameter.Name;
            known.Add(name);
            if (!file.TryGetTensor(name, out SafeTensor? tensor))
            {
                problems.Add($"missing tensor '{name}' [{string.Join(", ", parameter.Shape)}]");
            }
            else if (tensor.DType != SafeTensorsDType.F32 || !tensor.HasShape(parameter.Shape))
            {
                problems.Add($"tensor '{name}' is {tensor.DType} [{string.Join(", ", tensor.Shape)}], the model's is F32 [{string.Join(", ", parameter.Shape)}]");
            }
            else
            {
                tensor.CopyTo(parameters.AsSpan(parameter.Offset, parameter.Length));
            }
        }

        foreach (SafeTensor tensor in file.Tensors)
        {
            if (tensor.Name.StartsWith("model.", StringComparison.Ordinal) && !known.Contains(tensor.Name))
            {
                problems.Add($"unexpected tensor '{tensor.Name}' (the model has no such parameter)");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(
                $"The checkpoint's model does not match {_model.GetType().Name}: {string.Join("; ", problems.Take(8))}{(problems.Count > 8 ? $"; and {problems.Count - 8} more" : "")}.");
        }

        // The generator of the model's dropout masks and noise, when it has one.
        (uint, uint, uint, uint)? trainingRandom = null;
        if (reader.Has("model.training_random") != (_model.TrainingRandom is not null))
        {
            throw new InvalidDataException(_model.TrainingRandom is null
                ? $"The checkpoint holds a training random state, but {_model.GetType().Name} has no training randomness."
                : $"The checkpoint has no 'model.training_random', which {_model.GetType().Name} needs for its dropout and noise.");
        }

        if (_model.TrainingRandom is not null)
        {
            trainingRandom = reader.RandomState("model.training_random");
        }

        float[]? carriedState = null;
        int carriedLength = _model.CarriedState.Length;
        if (file.TryGetTensor("stateful.carried_state", out SafeTensor? carried))
        {
            if (carried.ElementCount != carriedLength)
            {
                throw new InvalidDataException(
                    $"The checkpoint's carried state has {carried.ElementCount} values, but {_model.GetType().Name} carries {carriedLength}.");
            }

            carriedState = carried.ToSingleArray();
        }
        else if (carriedLength > 0)
        {
            throw new InvalidDataException($"The checkpoint has no 'stateful.carried_state', which the stateful {_model.GetType().Name} needs to resume its series.");
        }

        // The optimizer: its buffers are checked by SetState; here only that they fit the model.
        var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (SafeTensor tensor in file.Tensors)
        {
            if (tensor.Name.StartsWith("optimizer.", StringComparison.Ordinal))
            {
                if (tensor.DType != SafeTensorsDType.F32 || !tensor.HasShape([_model.ParameterCount]))
                {
                    throw new InvalidDataException(
                        $"Optimizer buffer '{tensor.Name}' is {tensor.DType} [{string.Join(", ", tensor.Shape)}]; expected F32 [{_model.ParameterCount}] (the model's parameter count).");
                }

                buffers.Add(tensor.Name["optimizer.".Length..], tensor.ToSingleArray());
            }
        }

        OptimizerState optimizer;
        try
        {
            optimizer = new OptimizerState(reader.String("optimizer.kind"), reader.Int64("optimizer.step_count"), reader.Single("optimizer.learning_rate"), buffers);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The checkpoint's optimizer state is invalid: {e.Message}", e);
        }

        // The learning-rate schedule: checked by its SetState, when the trainer has one.
        LearningRateScheduleState? schedule = null;
        bool hasSchedule = reader.Has("schedule.kind");
        if (hasSchedule && _options.Schedule is null)
        {
            throw new InvalidDataException($"The checkpoint was written with a {reader.String("schedule.kind")} learning-rate schedule; this trainer has none.");
        }

        if (hasSchedule)
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (string key in file.Metadata.Keys)
            {
                if (key.StartsWith("schedule.value.", StringComparison.Ordinal))
                {
                    values.Add(key["schedule.value.".Length..], reader.Double(key));
                }
            }

            try
            {
                schedule = new LearningRateScheduleState(reader.String("schedule.kind"), reader.Int64("schedule.step_count"),
                    reader.Double("schedule.base_learning_rate"), reader.Double("schedule.learning_rate"), values);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"The checkpoint's schedule state is invalid: {e.Message}", e);
            }
        }

        // The run's settings must be those of this trainer: a batch position means nothing with another batch size.
        int batchSize = reader.Int32("run.batch_size");
        bool shuffle = reader.Boolean("run.shuffle");
        if (batchSize != _options.BatchSize || shuffle != _options.Shuffle)
        {
            throw new InvalidDataException(
                $"The checkpoint was written with batch size {batchSize} and shuffle {shuffle}; this trainer has batch size {_options.BatchSize} and shuffle {_options.Shuffle}.");
        }

        int epochsCompleted = reader.Int32("run.epochs_completed");
        int batchesDone = reader.Int32("run.batches_done");
        long steps = reader.Int64("run.steps");
        long skippedSteps = reader.Int64("run.skipped_steps");
        if (epochsCompleted < 0 || batchesDone < 0 || steps < 0 || skippedSteps < 0 || skippedSteps > steps)
        {
            throw new InvalidDataException(
                $"The checkpoint's position is inconsistent: {epochsCompleted} epochs, {batchesDone} batches, {steps} steps, {skippedSteps} skipped.");
        }

        string finishedText = reader.String("run.finished");
        StopReason? finished = null;
        if (finishedText.Length > 0)
        {
            if (!Enum.TryParse(finishedText, out StopReason parsed) || parsed == StopReason.Cancelled || !Enum.IsDefined(parsed))
            {
                throw new InvalidDataException($"The checkpoint's 'run.finished' is '{finishedText}', not a way a run ends.");
            }

            finished = parsed;
        }

        var epoch = new EpochTotals
        {
            LossSum = reader.Double("epoch.loss_sum"),
            Samples = reader.Int64("epoch.samples"),
            Correct = reader.Int64("epoch.correct"),
            Positions = reader.Int64("epoch.positions"),
            Skipped = reader.Int32("epoch.skipped"),
        };

        DataFingerprint? data = null;
        if (reader.Has("data.training_count"))
        {
            data = new DataFingerprint(reader.Int32("data.training_count"), reader.Hex64("data.training_hash"),
                reader.Int32("data.validation_count"), reader.Hex64("data.validation_hash"));
        }

        SamplerState? sampler = null;
        if (file.TryGetTensor("sampler.order", out SafeTensor? orderTensor))
        {
            if (orderTensor.DType != SafeTensorsDType.I32 || orderTensor.Shape.Count != 1)
            {
                throw new InvalidDataException($"'sampler.order' is {orderTensor.DType} [{string.Join(", ", orderTensor.Shape)}]; expected a one-dimensional I32 tensor.");
            }

            int[] order = ToInt32s(orderTensor);
            (uint, uint, uint, uint) state = reader.RandomState("sampler.random_state");
            try
            {
                MiniBatchSampler.CheckPermutation(order, order.Length);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"'sampler.order': {e.Message}", e);
            }

            if (data is not DataFingerprint d || d.TrainingCount != order.Length)
            {
                throw new InvalidDataException($"'sampler.order' holds {order.Length} indices, but the checkpoint's training set has {data?.TrainingCount.ToString(CultureInfo.InvariantCulture) ?? "no"} samples.");
            }

            int batchCount = (order.Length + batchSize - 1) / batchSize;
            if (batchesDone >= batchCount)
            {
                throw new InvalidDataException($"The checkpoint is at batch {batchesDone} of an epoch of {batchCount} batches.");
            }

            sampler = new SamplerState(order, state);
        }
        else if (batchesDone != 0 || data is not null)
        {
            throw new InvalidDataException("The checkpoint is inside a run but has no 'sampler.order'.");
        }

        EarlyStoppingState? early = null;
        EarlyStopping? rule = _options.EarlyStopping;
        bool hasEarly = reader.Has("early_stopping.best");
        if (hasEarly != (rule is not null) && (hasEarly || data is not null))
        {
            throw new InvalidDataException(hasEarly
                ? "The checkpoint was written with early stopping; this trainer has none."
                : "The checkpoint was written without early stopping; this trainer has it.");
        }

        if (hasEarly && rule is not null)
        {
            early = new EarlyStoppingState(rule)
            {
                Best = reader.Double("early_stopping.best"),
                BestEpoch = reader.Int32("early_stopping.best_epoch"),
                Wait = reader.Int32("early_stopping.wait"),
            };
            if (file.TryGetTensor("early_stopping.best_weights", out SafeTensor? best))
            {
                if (best.DType != SafeTensorsDType.F32 || !best.HasShape([_model.ParameterCount]))
                {
                    throw new InvalidDataException($"'early_stopping.best_weights' is {best.DType} [{string.Join(", ", best.Shape)}]; expected F32 [{_model.ParameterCount}].");
                }

                early.BestWeights = best.ToSingleArray();
            }
            else if (rule.RestoreBestWeights && early.BestEpoch > 0)
            {
                throw new InvalidDataException("The checkpoint has no 'early_stopping.best_weights', but this trainer restores the best weights.");
            }
        }

        if (!hasSchedule && _options.Schedule is not null && data is not null)
        {
            throw new InvalidDataException("The checkpoint was written without a learning-rate schedule; this trainer has one.");
        }

        // Data parallelism: another number of shards continues the run (the same training up to float rounding), but
        // only the same number continues it exactly, with the replicas' generators where they were.
        int parallelism = reader.Has("run.parallelism") ? reader.Int32("run.parallelism") : 1;
        if (parallelism < 1)
        {
            throw new InvalidDataException($"The checkpoint's 'run.parallelism' is {parallelism}; expected 1 or more.");
        }

        (uint, uint, uint, uint)[]? replicaRandoms = null;
        if (parallelism == _shards.Length && parallelism > 1 && _model.TrainingRandom is not null && reader.Has("replica.1.training_random"))
        {
            replicaRandoms = new (uint, uint, uint, uint)[parallelism - 1];
            for (int k = 1; k < parallelism; k++)
            {
                replicaRandoms[k - 1] = reader.RandomState($"replica.{k}.training_random");
            }
        }

        List<EpochMetrics> history = ParseHistory(file, reader, epochsCompleted);
        return new Checkpoint(parameters, trainingRandom, optimizer, schedule, epochsCompleted, batchesDone, steps, skippedSteps, finished, epoch,
            sampler, data, early, history) { CarriedState = carriedState, ReplicaRandoms = replicaRandoms };
    }

    private static List<EpochMetrics> ParseHistory(SafeTensorsFile file, MetadataReader reader, int epochs)
    {
        bool hasValidation = reader.Boolean("history.validation");
        bool hasAccuracy = reader.Boolean("history.accuracy");
        double[] trainingLoss = Column(file, "history.training_loss", SafeTensorsDType.F64, epochs).ToDoubleArray();
        float[] learningRate = Column(file, "history.learning_rate", SafeTensorsDType.F32, epochs).ToSingleArray();
        int[] skipped = ToInt32s(Column(file, "history.skipped_steps", SafeTensorsDType.I32, epochs));
        double[]? trainingAccuracy = hasAccuracy ? Column(file, "history.training_accuracy", SafeTensorsDType.F64, epochs).ToDoubleArray() : null;
        double[]? validationLoss = hasValidation ? Column(file, "history.validation_loss", SafeTensorsDType.F64, epochs).ToDoubleArray() : null;
        double[]? validationAccuracy = hasValidation && hasAccuracy
            ? Column(file, "history.validation_accuracy", SafeTensorsDType.F64, epochs).ToDoubleArray()
            : null;
        var history = new List<EpochMetrics>(epochs);
        for (int e = 0; e < epochs; e++)
        {
            history.Add(new EpochMetrics(e + 1, trainingLoss[e], trainingAccuracy?[e], validationLoss?[e], validationAccuracy?[e], learningRate[e], skipped[e]));
        }

        return history;
    }

    private static SafeTensor Column(SafeTensorsFile file, string name, SafeTensorsDType dtype, int epochs)
    {
        if (!file.TryGetTensor(name, out SafeTensor? tensor))
        {
            throw new InvalidDataException($"Missing tensor '{name}'.");
        }

        if (tensor.DType != dtype || !tensor.HasShape([epochs]))
        {
            throw new InvalidDataException($"'{name}' is {tensor.DType} [{string.Join(", ", tensor.Shape)}]; expected {dtype} [{epochs}] (one value per finished epoch).");
        }

        return tensor;
    }

    /// <summary>
    /// Applies a parsed checkpoint. The optimizer and the schedule check their states themselves, so they go first; when
    /// the schedule refuses, the optimizer gets its previous state back.
    /// </summary>
    private void Restore(Checkpoint checkpoint)
    {
        OptimizerState previous = _optimizer.GetState();
        try
        {
            _optimizer.SetState(checkpoint.Optimizer);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The checkpoint's optimizer state does not fit this optimizer: {e.Message}", e);
        }

        if (checkpoint.Schedule is LearningRateScheduleState schedule)
        {
            try
            {
                _options.Schedule!.SetState(schedule);
            }
            catch (ArgumentException e)
            {
                _optimizer.SetState(previous);
                throw new InvalidDataException($"The checkpoint's schedule state does not fit this schedule: {e.Message}", e);
            }
        }

        checkpoint.Parameters.CopyTo(_model.Parameters);
        if (checkpoint.TrainingRandom is { } trainingRandom)
        {
            _model.TrainingRandom!.SetState(trainingRandom);
        }

        checkpoint.CarriedState?.CopyTo(_model.CarriedState);

        // The replicas' parameters follow the model's at the next batch; their generators come from the checkpoint,
        // or are seeded from the model's restored one as in a run that had not trained in parallel yet.
        _replicaRandomsSeeded = checkpoint.ReplicaRandoms is not null;
        if (checkpoint.ReplicaRandoms is { } replicaRandoms)
        {
            for (int k = 1; k < _shards.Length; k++)
            {
                _shards[k].Model.TrainingRandom!.SetState(replicaRandoms[k - 1]);
            }
        }

        _epochsCompleted = checkpoint.EpochsCompleted;
        _batchesDone = checkpoint.BatchesDone;
        _steps = checkpoint.Steps;
        _skippedSteps = checkpoint.SkippedSteps;
        _finished = checkpoint.Finished;
        _epoch = checkpoint.Epoch;
        _sampler = null;
        _pendingSampler = checkpoint.Sampler;
        _fingerprint = checkpoint.Data;
        _earlyStopping = checkpoint.EarlyStopping;
        _history.Clear();
        _history.AddRange(checkpoint.History);
        _lastGradientNorm = float.NaN;
    }

    private static ReadOnlyMemory<byte> ToBytes(int[] values)
    {
        var bytes = new byte[values.Length * sizeof(int)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * sizeof(int)), values[i]);
        }

        return bytes;
    }

    private static int[] ToInt32s(SafeTensor tensor)
    {
        ReadOnlySpan<byte> bytes = tensor.Data.Span;
        var values = new int[tensor.ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * sizeof(int)));
        }

        return values;
    }

    private static string FormatState((uint A, uint B, uint C, uint D) state) =>
        string.Create(CultureInfo.InvariantCulture, $"{state.A:x8} {state.B:x8} {state.C:x8} {state.D:x8}");

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Reads checkpoint metadata strictly: a missing or malformed value is an <see cref="InvalidDataException"/>.</summary>
    private readonly struct MetadataReader(IReadOnlyDictionary<string, string> metadata)
    {
        public bool Has(string key) => metadata.ContainsKey(key);

        public string String(string key) =>
            metadata.TryGetValue(key, out string? value) ? value : throw new InvalidDataException($"The checkpoint's metadata has no '{key}'.");

        public int Int32(string key) => Parse(key, static (string s, out int v) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v));

        public long Int64(string key) => Parse(key, static (string s, out long v) => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v));

        public double Double(string key) => Parse(key, static (string s, out double v) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v));

        public float Single(string key) => Parse(key, static (string s, out float v) => float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v));

        public ulong Hex64(string key) => Parse(key, static (string s, out ulong v) => ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out v));

        public bool Boolean(string key) => String(key) switch
        {
            "true" => true,
            "false" => false,
            string other => throw new InvalidDataException($"The checkpoint's '{key}' is '{other}', expected 'true' or 'false'."),
        };

        public (uint, uint, uint, uint) RandomState(string key)
        {
            string[] parts = String(key).Split(' ');
            var words = new uint[4];
            if (parts.Length != 4 || !parts.Select((p, i) => uint.TryParse(p, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out words[i])).All(ok => ok)
                || (words[0] | words[1] | words[2] | words[3]) == 0)
            {
                throw new InvalidDataException($"The checkpoint's '{key}' is '{String(key)}', not four hexadecimal words of a valid generator state.");
            }

            return (words[0], words[1], words[2], words[3]);
        }

        private T Parse<T>(string key, TryParser<T> parse) =>
            parse(String(key), out T value) ? value : throw new InvalidDataException($"The checkpoint's '{key}' is '{String(key)}', not a valid {typeof(T).Name}.");

        private delegate bool TryParser<T>(string text, out T value);
    }
}
