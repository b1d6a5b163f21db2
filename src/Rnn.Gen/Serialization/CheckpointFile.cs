using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;

namespace Rnn.Gen.Serialization;

/// <summary>
/// Training checkpoints: a <see cref="TrainingState"/> as one safetensors file, written and read through
/// <see cref="SafeTensorsFile"/> (its strict format checks) and, for the model's tensors, <see cref="WeightFile"/>'s
/// strict parameter reading under the <c>model.</c> prefix.
/// </summary>
/// <remarks>
/// <code>
/// Tensors                                   Metadata (strings; numbers round-trip exactly)
///   model.&lt;parameter name&gt;  F32 (layout)      format, version, model.type, loss, model.training_random
///   stateful.carried_state  F32 [S]           run.parallelism, replica.&lt;k&gt;.training_random (data-parallel runs only)
///   optimizer.&lt;buffer&gt;      F32 [P]           optimizer.kind, .step_count, .learning_rate
///                                             schedule.kind, .step_count, .base_learning_rate, .learning_rate, .value.&lt;name&gt;
///   early_stopping.best_weights F32 [P]       early_stopping.best, .best_epoch, .wait
///   sampler.order           I32 [N]           sampler.random_state
///   history.*               F64/F32/I32 [E]   run.* (position, counters, settings), epoch.* (running totals),
///                                             data.* (what the run trains on), history.* (which columns exist)
///                                             non_finite.* (the first skipped batch or validation; optional)
///                                             data_sha256 (the data buffer's SHA-256, verified on reading)
/// </code>
/// The keys <c>run.steps</c>, <c>run.skipped_steps</c> and <c>history.skipped_steps</c> hold the counts of batches
/// (<see cref="Trainer.BatchesCompleted"/>, <see cref="Trainer.SkippedBatches"/>, <see cref="EpochMetrics.SkippedBatches"/>):
/// the format's names predate the properties'.
/// </remarks>
internal static class CheckpointFile
{
    /// <summary>The metadata <c>format</c> of a checkpoint.</summary>
    public const string FormatName = "rnn.gen.training-checkpoint";

    /// <summary>The metadata <c>version</c> this library writes and reads.</summary>
    public const string FormatVersion = "1";

    /// <summary>Writes <paramref name="state"/> at <paramref name="path"/> atomically: a failure leaves the previous file as it was.</summary>
    /// <param name="path">The file.</param>
    /// <param name="state">The state to write.</param>
    /// <param name="entriesWriting">A test seam: sees the tensors just before they are written.</param>
    public static void Write(string path, TrainingState state, Action<List<SafeTensorsEntry>>? entriesWriting = null)
    {
        (List<SafeTensorsEntry> entries, Dictionary<string, string> metadata) = Build(state, entriesWriting);
        SafeTensorsFile.Write(path, entries, metadata);
    }

    /// <summary>Writes <paramref name="state"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, TrainingState state, Action<List<SafeTensorsEntry>>? entriesWriting = null)
    {
        (List<SafeTensorsEntry> entries, Dictionary<string, string> metadata) = Build(state, entriesWriting);
        SafeTensorsFile.Write(stream, entries, metadata);
    }

    /// <summary>
    /// Reads a checkpoint from <paramref name="stream"/> and checks it against the trainer of <paramref name="model"/>
    /// with <paramref name="options"/>: the model's parameter layout, training generator and carried state, the
    /// optimizer buffers' size, the batch size, shuffling, early stopping, the schedule's presence and the parallelism.
    /// The optimizer's and the schedule's states are checked by their owners when they are restored.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is not a valid checkpoint or does not fit; the message says what was expected.</exception>
    public static TrainingState Read(Stream stream, IRnnModel model, TrainerOptions options)
    {
        SafeTensorsFile file;
        try
        {
            file = SafeTensorsFile.Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Not a readable checkpoint: {e.Message}", e);
        }

        return Parse(file, model, options);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Writing
    // ---------------------------------------------------------------------------------------------------------------

    private static (List<SafeTensorsEntry>, Dictionary<string, string>) Build(TrainingState state, Action<List<SafeTensorsEntry>>? entriesWriting)
    {
        TrainingRun run = state.Run;
        List<SafeTensorsEntry> entries = WeightFile.Entries(state.ParameterLayout, state.Parameters, "model.");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["version"] = FormatVersion,
            ["model.type"] = state.ModelType,
            ["loss"] = state.LossName,
        };

        if (state.TrainingRandom is { } trainingRandom)
        {
            metadata["model.training_random"] = FormatState(trainingRandom);
        }

        // A stateful model's carried state: where its next Forward starts, mid-series.
        if (state.CarriedState is float[] carried)
        {
            entries.Add(SafeTensorsEntry.F32("stateful.carried_state", [carried.Length], carried));
        }

        OptimizerState optimizer = state.Optimizer;
        metadata["optimizer.kind"] = optimizer.Kind;
        metadata["optimizer.step_count"] = Format(optimizer.StepCount);
        metadata["optimizer.learning_rate"] = Format(optimizer.LearningRate);
        foreach ((string name, float[] buffer) in optimizer.Buffers)
        {
            entries.Add(SafeTensorsEntry.F32("optimizer." + name, [buffer.Length], buffer));
        }

        if (state.Schedule is LearningRateScheduleState schedule)
        {
            metadata["schedule.kind"] = schedule.Kind;
            metadata["schedule.step_count"] = Format(schedule.StepCount);
            metadata["schedule.base_learning_rate"] = Format(schedule.BaseLearningRate);
            metadata["schedule.learning_rate"] = Format(schedule.LearningRate);
            foreach ((string name, double value) in schedule.Values)
            {
                metadata["schedule.value." + name] = Format(value);
            }
        }

        metadata["run.epochs_completed"] = Format(run.EpochsCompleted);
        metadata["run.batches_done"] = Format(run.BatchesDone);
        metadata["run.steps"] = Format(run.BatchesCompleted);
        metadata["run.skipped_steps"] = Format(run.SkippedBatches);
        metadata["run.finished"] = run.Finished?.ToString() ?? "";
        metadata["run.batch_size"] = Format(state.BatchSize);
        metadata["run.shuffle"] = state.Shuffle ? "true" : "false";

        // Data-parallel runs: the replicas' dropout and noise generators, once seeded (absent keys keep single-model
        // checkpoints as they were). Their parameters are the model's: every batch copies them.
        if (state.Parallelism > 1)
        {
            metadata["run.parallelism"] = Format(state.Parallelism);
            if (state.ReplicaRandoms is { } replicaRandoms)
            {
                for (int k = 1; k < state.Parallelism; k++)
                {
                    metadata[$"replica.{k}.training_random"] = FormatState(replicaRandoms[k - 1]);
                }
            }
        }

        // The first non-finite batch or validation, and the count of skipped validations: absent while there has been
        // none (older checkpoints read as none).
        if (run.SkippedValidations > 0)
        {
            metadata["run.skipped_validations"] = Format(run.SkippedValidations);
        }

        if (run.FirstNonFinite is NonFiniteReport report)
        {
            metadata["non_finite.source"] = report.Source.ToString();
            metadata["non_finite.epoch"] = Format(report.Epoch);
            metadata["non_finite.batch"] = Format(report.Batch);
            metadata["non_finite.sample"] = report.SampleIndex is int sample ? Format(sample) : "";
            metadata["non_finite.value"] = Format(report.Value);
        }

        metadata["epoch.loss_sum"] = Format(run.Epoch.LossSum);
        metadata["epoch.samples"] = Format(run.Epoch.Samples);
        metadata["epoch.correct"] = Format(run.Epoch.Correct);
        metadata["epoch.positions"] = Format(run.Epoch.Positions);
        metadata["epoch.skipped"] = Format(run.Epoch.Skipped);

        if (run.SamplerState is SamplerState sampler)
        {
            metadata["sampler.random_state"] = FormatState(sampler.RandomState);
            entries.Add(SafeTensorsEntry.Raw("sampler.order", SafeTensorsDType.I32, [sampler.Order.Length], ToBytes(sampler.Order)));
        }

        if (run.Data is DataFingerprint data)
        {
            metadata["data.training_count"] = Format(data.TrainingCount);
            metadata["data.training_hash"] = data.TrainingHash.ToString("x16", CultureInfo.InvariantCulture);
            metadata["data.validation_count"] = Format(data.ValidationCount);
            metadata["data.validation_hash"] = data.ValidationHash.ToString("x16", CultureInfo.InvariantCulture);
        }

        if (run.EarlyStopping is EarlyStoppingState early)
        {
            metadata["early_stopping.best"] = Format(early.Best);
            metadata["early_stopping.best_epoch"] = Format(early.BestEpoch);
            metadata["early_stopping.wait"] = Format(early.Wait);
            if (early.BestWeights is float[] best)
            {
                entries.Add(SafeTensorsEntry.F32("early_stopping.best_weights", [best.Length], best));
            }
        }

        List<EpochMetrics> history = run.History;
        int epochs = history.Count;
        bool hasValidation = epochs > 0 && history[0].ValidationLoss is not null;
        metadata["history.validation"] = hasValidation ? "true" : "false";
        metadata["history.accuracy"] = state.Accuracy ? "true" : "false";
        entries.Add(SafeTensorsEntry.F64("history.training_loss", [epochs], history.Select(m => m.TrainingLoss).ToArray()));
        entries.Add(SafeTensorsEntry.F32("history.learning_rate", [epochs], history.Select(m => m.LearningRate).ToArray()));
        entries.Add(SafeTensorsEntry.Raw("history.skipped_steps", SafeTensorsDType.I32, [epochs], ToBytes(history.Select(m => m.SkippedBatches).ToArray())));
        if (state.Accuracy)
        {
            entries.Add(SafeTensorsEntry.F64("history.training_accuracy", [epochs], history.Select(m => m.TrainingAccuracy ?? double.NaN).ToArray()));
        }

        if (hasValidation)
        {
            entries.Add(SafeTensorsEntry.F64("history.validation_loss", [epochs], history.Select(m => m.ValidationLoss ?? double.NaN).ToArray()));
            if (state.Accuracy)
            {
                entries.Add(SafeTensorsEntry.F64("history.validation_accuracy", [epochs], history.Select(m => m.ValidationAccuracy ?? double.NaN).ToArray()));
            }
        }

        entriesWriting?.Invoke(entries);

        // Last: the SHA-256 of the data buffer, verified when the file is read.
        return (entries, SafeTensorsFile.WithDataHash(entries, metadata));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading
    // ---------------------------------------------------------------------------------------------------------------

    private static TrainingState Parse(SafeTensorsFile file, IRnnModel model, TrainerOptions options)
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

        string type = model.GetType().Name;
        int parameterCount = model.ParameterCount;

        // The model: WeightFile's strict reading, under the "model." prefix, F32 only (the run resumes bit for bit).
        IReadOnlyList<ParameterInfo> layout = model.ParameterLayout;
        float[] parameters = WeightFile.ReadParameters(model, layout, file, "model.", f32Only: true, "The checkpoint's model does not match");

        // The generator of the model's dropout masks and noise, when it has one.
        (uint, uint, uint, uint)? trainingRandom = null;
        if (reader.Has("model.training_random") != (model.TrainingRandom is not null))
        {
            throw new InvalidDataException(model.TrainingRandom is null
                ? $"The checkpoint holds a training random state, but {type} has no training randomness."
                : $"The checkpoint has no 'model.training_random', which {type} needs for its dropout and noise.");
        }

        if (model.TrainingRandom is not null)
        {
            trainingRandom = reader.RandomState("model.training_random");
        }

        float[]? carriedState = null;
        int carriedLength = model.CarriedState.Length;
        if (file.TryGetTensor("stateful.carried_state", out SafeTensor? carried))
        {
            if (carried.DType != SafeTensorsDType.F32 || !carried.HasShape([carriedLength]))
            {
                throw new InvalidDataException(
                    $"The checkpoint's carried state is {Describe(carried)}, but {type} carries F32 [{carriedLength}].");
            }

            carriedState = carried.ToSingleArray();
        }
        else if (carriedLength > 0)
        {
            throw new InvalidDataException($"The checkpoint has no 'stateful.carried_state', which the stateful {type} needs to resume its series.");
        }

        // The optimizer: its buffers are checked by SetState; here only that they fit the model.
        var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (SafeTensor tensor in file.Tensors)
        {
            if (tensor.Name.StartsWith("optimizer.", StringComparison.Ordinal))
            {
                buffers.Add(tensor.Name["optimizer.".Length..], Vector(tensor, tensor.Name, SafeTensorsDType.F32, parameterCount, "the model's parameter count").ToSingleArray());
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

        LearningRateScheduleState? schedule = ParseSchedule(file, reader, options);

        // The run's settings must be those of this trainer: a batch position means nothing with another batch size.
        int batchSize = reader.Int32("run.batch_size");
        bool shuffle = reader.Boolean("run.shuffle");
        if (batchSize != options.BatchSize || shuffle != options.Shuffle)
        {
            throw new InvalidDataException(
                $"The checkpoint was written with batch size {batchSize} and shuffle {shuffle}; this trainer has batch size {options.BatchSize} and shuffle {options.Shuffle}.");
        }

        TrainingRun run = ParseRun(file, reader, batchSize);
        run.EarlyStopping = ParseEarlyStopping(file, reader, options.EarlyStopping, parameterCount, inRun: run.Data is not null);
        if (schedule is null && options.Schedule is not null && run.Data is not null)
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
        if (parallelism == options.Parallelism && parallelism > 1 && model.TrainingRandom is not null && reader.Has("replica.1.training_random"))
        {
            replicaRandoms = new (uint, uint, uint, uint)[parallelism - 1];
            for (int k = 1; k < parallelism; k++)
            {
                replicaRandoms[k - 1] = reader.RandomState($"replica.{k}.training_random");
            }
        }

        bool accuracy = reader.Boolean("history.accuracy");
        run.History.AddRange(ParseHistory(file, reader, accuracy, run.EpochsCompleted));
        return new TrainingState(layout, parameters, trainingRandom, carriedState, optimizer, schedule, run)
        {
            ModelType = reader.Has("model.type") ? reader.String("model.type") : "",
            LossName = reader.Has("loss") ? reader.String("loss") : "",
            Accuracy = accuracy,
            BatchSize = batchSize,
            Shuffle = shuffle,
            Parallelism = parallelism,
            ReplicaRandoms = replicaRandoms,
        };
    }

    /// <summary>The learning-rate schedule's state, checked later by its <c>SetState</c>; null when the checkpoint has none.</summary>
    private static LearningRateScheduleState? ParseSchedule(SafeTensorsFile file, MetadataReader reader, TrainerOptions options)
    {
        if (!reader.Has("schedule.kind"))
        {
            return null;
        }

        string kind = reader.String("schedule.kind");
        if (options.Schedule is null)
        {
            throw new InvalidDataException($"The checkpoint was written with a {kind} learning-rate schedule; this trainer has none.");
        }

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
            return new LearningRateScheduleState(kind, reader.Int64("schedule.step_count"),
                reader.Double("schedule.base_learning_rate"), reader.Double("schedule.learning_rate"), values);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The checkpoint's schedule state is invalid: {e.Message}", e);
        }
    }

    /// <summary>The run's position: counters, the epoch's running totals, the data it trains on and the sampler.</summary>
    private static TrainingRun ParseRun(SafeTensorsFile file, MetadataReader reader, int batchSize)
    {
        var run = new TrainingRun
        {
            EpochsCompleted = reader.Int32("run.epochs_completed"),
            BatchesDone = reader.Int32("run.batches_done"),
            BatchesCompleted = reader.Int64("run.steps"),
            SkippedBatches = reader.Int64("run.skipped_steps"),
        };
        if (run.EpochsCompleted < 0 || run.BatchesDone < 0 || run.BatchesCompleted < 0 || run.SkippedBatches < 0 || run.SkippedBatches > run.BatchesCompleted)
        {
            throw new InvalidDataException(
                $"The checkpoint's position is inconsistent: {run.EpochsCompleted} epochs, {run.BatchesDone} batches, {run.BatchesCompleted} batches in all, {run.SkippedBatches} skipped.");
        }

        if (reader.Has("run.skipped_validations"))
        {
            run.SkippedValidations = reader.Int32("run.skipped_validations");
            if (run.SkippedValidations < 0 || run.SkippedValidations > run.EpochsCompleted)
            {
                throw new InvalidDataException(
                    $"The checkpoint's 'run.skipped_validations' is {run.SkippedValidations}; expected 0 to the {run.EpochsCompleted} epochs completed.");
            }
        }

        if (reader.Has("non_finite.source"))
        {
            string source = reader.String("non_finite.source");
            if (!Enum.TryParse(source, out NonFiniteSource parsedSource) || !Enum.IsDefined(parsedSource) || source != parsedSource.ToString())
            {
                throw new InvalidDataException($"The checkpoint's 'non_finite.source' is '{source}', expected '{NonFiniteSource.TrainingBatch}' or '{NonFiniteSource.Validation}'.");
            }

            int? sample = reader.String("non_finite.sample").Length == 0 ? null : reader.Int32("non_finite.sample");
            run.FirstNonFinite = new NonFiniteReport(parsedSource, reader.Int32("non_finite.epoch"), reader.Int32("non_finite.batch"), sample, reader.Double("non_finite.value"));
        }

        string finished = reader.String("run.finished");
        if (finished.Length > 0)
        {
            if (!Enum.TryParse(finished, out StopReason parsed) || parsed == StopReason.Cancelled || !Enum.IsDefined(parsed))
            {
                throw new InvalidDataException($"The checkpoint's 'run.finished' is '{finished}', not a way a run ends.");
            }

            run.Finished = parsed;
        }

        run.Epoch = new EpochTotals
        {
            LossSum = reader.Double("epoch.loss_sum"),
            Samples = reader.Int64("epoch.samples"),
            Correct = reader.Int64("epoch.correct"),
            Positions = reader.Int64("epoch.positions"),
            Skipped = reader.Int32("epoch.skipped"),
        };

        if (reader.Has("data.training_count"))
        {
            run.Data = new DataFingerprint(reader.Int32("data.training_count"), reader.Hex64("data.training_hash"),
                reader.Int32("data.validation_count"), reader.Hex64("data.validation_hash"));
        }

        if (file.TryGetTensor("sampler.order", out SafeTensor? orderTensor))
        {
            if (orderTensor.DType != SafeTensorsDType.I32 || orderTensor.Shape.Count != 1)
            {
                throw new InvalidDataException($"'sampler.order' is {Describe(orderTensor)}; expected a one-dimensional I32 tensor.");
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

            if (run.Data is not DataFingerprint data || data.TrainingCount != order.Length)
            {
                throw new InvalidDataException($"'sampler.order' holds {order.Length} indices, but the checkpoint's training set has {run.Data?.TrainingCount.ToString(CultureInfo.InvariantCulture) ?? "no"} samples.");
            }

            int batchCount = (order.Length + batchSize - 1) / batchSize;
            if (run.BatchesDone >= batchCount)
            {
                throw new InvalidDataException($"The checkpoint is at batch {run.BatchesDone} of an epoch of {batchCount} batches.");
            }

            run.SamplerState = new SamplerState(order, state);
        }
        else if (run.BatchesDone != 0 || run.Data is not null)
        {
            throw new InvalidDataException("The checkpoint is inside a run but has no 'sampler.order'.");
        }

        return run;
    }

    /// <summary>Early stopping's state, which the checkpoint has exactly when the trainer has early stopping (or no run has started).</summary>
    private static EarlyStoppingState? ParseEarlyStopping(SafeTensorsFile file, MetadataReader reader, EarlyStopping? rule, int parameterCount, bool inRun)
    {
        bool hasEarly = reader.Has("early_stopping.best");
        if (hasEarly != (rule is not null) && (hasEarly || inRun))
        {
            throw new InvalidDataException(hasEarly
                ? "The checkpoint was written with early stopping; this trainer has none."
                : "The checkpoint was written without early stopping; this trainer has it.");
        }

        if (!hasEarly || rule is null)
        {
            return null;
        }

        var early = new EarlyStoppingState(rule)
        {
            Best = reader.Double("early_stopping.best"),
            BestEpoch = reader.Int32("early_stopping.best_epoch"),
            Wait = reader.Int32("early_stopping.wait"),
        };
        if (file.TryGetTensor("early_stopping.best_weights", out SafeTensor? best))
        {
            early.BestWeights = Vector(best, best.Name, SafeTensorsDType.F32, parameterCount, "the model's parameter count").ToSingleArray();
        }
        else if (rule.RestoreBestWeights && early.BestEpoch > 0)
        {
            throw new InvalidDataException("The checkpoint has no 'early_stopping.best_weights', but this trainer restores the best weights.");
        }

        return early;
    }

    private static List<EpochMetrics> ParseHistory(SafeTensorsFile file, MetadataReader reader, bool hasAccuracy, int epochs)
    {
        bool hasValidation = reader.Boolean("history.validation");
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

    private static SafeTensor Column(SafeTensorsFile file, string name, SafeTensorsDType dtype, int epochs) =>
        file.TryGetTensor(name, out SafeTensor? tensor)
            ? Vector(tensor, name, dtype, epochs, "one value per finished epoch")
            : throw new InvalidDataException($"Missing tensor '{name}'.");

    /// <summary><paramref name="tensor"/> when it is a <paramref name="dtype"/> vector of <paramref name="length"/> elements.</summary>
    private static SafeTensor Vector(SafeTensor tensor, string name, SafeTensorsDType dtype, int length, string why) =>
        tensor.DType == dtype && tensor.HasShape([length])
            ? tensor
            : throw new InvalidDataException($"'{name}' is {Describe(tensor)}; expected {dtype} [{length}] ({why}).");

    private static string Describe(SafeTensor tensor) => $"{tensor.DType} [{string.Join(", ", tensor.Shape)}]";

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
