using System;
using System.IO;
using System.Linq;
using System.Threading;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Serialization;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;
using Xunit;

namespace Rnn.Gen.Tests.Training;

/// <summary>
/// What keeps a run from being thrown away silently: non-finite validation losses and parameters, resuming from the
/// checkpoint at <see cref="TrainerOptions.CheckpointPath"/>, stale temporary files, and stateful models with shuffling.
/// </summary>
public sealed class TrainingSafetyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-safety-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static TinyRegressor NewRegressor(int seed = 1)
    {
        var model = new TinyRegressor();
        model.Initialize(seed);
        return model;
    }

    /// <summary><paramref name="data"/> with a NaN in the inputs of each sample in <paramref name="poisoned"/>.</summary>
    private static Dataset Poisoned(IRnnModel model, Dataset data, params int[] poisoned)
    {
        float[] inputs = Enumerable.Range(0, data.Count).SelectMany(i => data.Input(i).ToArray()).ToArray();
        float[] targets = Enumerable.Range(0, data.Count).SelectMany(i => data.Target(i).ToArray()).ToArray();
        foreach (int sample in poisoned)
        {
            inputs[(sample * data.InputLength) + 3] = float.NaN;
        }

        return Dataset.ForModel(model, inputs, targets);
    }

    // ----- non-finite validation losses -----

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_NaN_validation_loss_is_reported_and_ignored_by_early_stopping_not_taken_for_a_plateau(int parallelism)
    {
        // Before: the NaN validation loss never improved, early stopping fired after Patience epochs and put the
        // epoch-1 weights back, reporting EarlyStopped.
        TinyRegressor model = NewRegressor();
        Dataset training = TrainingData.Regression(model, 12, seed: 1);
        Dataset validation = Poisoned(model, TrainingData.Regression(model, 7, seed: 2), 5);
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions
        {
            Epochs = 5, BatchSize = 4, Seed = 3, Parallelism = parallelism, ReplicaFactory = () => new TinyRegressor(),
            EarlyStopping = new EarlyStopping { Patience = 1, RestoreBestWeights = true },
        });

        TrainingResult result = trainer.Fit(training, validation);

        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(5, result.EpochsCompleted);
        Assert.Equal(5, result.SkippedValidations);
        Assert.All(result.History, m => Assert.True(double.IsNaN(m.ValidationLoss!.Value)));
        Assert.False(result.RestoredBestWeights);
        Assert.Null(result.BestEpoch);
        Assert.Equal(0, result.SkippedBatches);
        NonFiniteReport report = Assert.IsType<NonFiniteReport>(result.FirstNonFinite);
        Assert.Equal(new NonFiniteReport(NonFiniteSource.Validation, 1, 0, 5, double.NaN), report);
        Assert.Contains("validation sample 5", report.Message);
        trainer.Dispose();
    }

    [Fact]
    public void The_stop_policy_ends_the_run_after_the_epoch_with_a_NaN_validation_loss()
    {
        TinyRegressor model = NewRegressor();
        Dataset training = TrainingData.Regression(model, 12, seed: 1);
        Dataset validation = Poisoned(model, TrainingData.Regression(model, 7, seed: 2), 2, 6);
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions
        {
            Epochs = 5, BatchSize = 4, NonFiniteGradients = NonFiniteGradientPolicy.Stop,
            EarlyStopping = new EarlyStopping { Patience = 1 },
        });

        TrainingResult result = trainer.Fit(training, validation);

        Assert.Equal(StopReason.NonFiniteValidationLoss, result.StopReason);
        Assert.Equal(1, result.EpochsCompleted);
        Assert.Equal(2, result.FirstNonFinite!.SampleIndex); // the first of the two, in the validation set's order
    }

    [Fact]
    public void The_schedule_does_not_step_on_a_NaN_validation_loss()
    {
        // ReduceOnPlateau with patience 0 halves the rate at every epoch that does not improve: a NaN would count.
        TinyRegressor model = NewRegressor();
        var adam = new Adam(0.01f);
        var trainer = new Trainer(model, adam, MeanSquaredErrorLoss.Instance, new TrainerOptions
        {
            Epochs = 3, BatchSize = 4, Schedule = new ReduceOnPlateau(adam, factor: 0.5, patience: 0),
        });
        trainer.Fit(TrainingData.Regression(model, 8, seed: 1), Poisoned(model, TrainingData.Regression(model, 3, seed: 2), 0));
        Assert.Equal(0.01f, adam.LearningRate);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_skipped_batch_names_its_first_non_finite_sample_by_its_index_in_the_dataset(int parallelism)
    {
        // Shuffled batches of 4 out of 10: the poisoned sample sits at some position of some batch; the report names
        // the sample itself (7), not its position in the batch or in the epoch's order.
        TinyRegressor model = NewRegressor();
        Dataset data = Poisoned(model, TrainingData.Regression(model, 10, seed: 4), 7);
        using var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions
        {
            Epochs = 2, BatchSize = 4, Seed = 11, Parallelism = parallelism, ReplicaFactory = () => new TinyRegressor(),
        });
        var recorder = new ProgressRecorder();

        TrainingResult result = trainer.Fit(data, recorder);

        Assert.Equal(2, result.SkippedBatches);
        int firstSkipped = recorder.Reports.First(r => r.SkippedBatches == 1).Batch;
        NonFiniteReport report = result.FirstNonFinite!;
        Assert.Equal(new NonFiniteReport(NonFiniteSource.TrainingBatch, 1, firstSkipped, 7, double.NaN), report);
        Assert.Contains("training sample 7", report.Message);
    }

    [Fact]
    public void With_a_validation_split_the_report_names_the_sample_of_the_given_dataset()
    {
        TinyRegressor model = NewRegressor();
        const int Count = 20, Poison = 13;
        (int[] trainingPart, int[] validationPart) = Dataset.SplitIndices(Count, 0.25, seed: 5);
        Assert.Contains(Poison, validationPart); // chosen so: its index in the validation part differs
        Assert.NotEqual(Poison, Array.IndexOf(validationPart, Poison));
        _ = trainingPart;

        Dataset data = Poisoned(model, TrainingData.Regression(model, Count, seed: 6), Poison);
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 1, ValidationSplit = 0.25, Seed = 5 });
        TrainingResult result = trainer.Fit(data);
        Assert.Equal(NonFiniteSource.Validation, result.FirstNonFinite!.Source);
        Assert.Equal(Poison, result.FirstNonFinite.SampleIndex);
    }

    [Fact]
    public void The_first_non_finite_report_travels_with_the_checkpoint()
    {
        TinyRegressor model = NewRegressor();
        Dataset training = TrainingData.Regression(model, 8, seed: 1);
        Dataset validation = Poisoned(model, TrainingData.Regression(model, 3, seed: 2), 1);
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 2, BatchSize = 4 });
        TrainingResult result = trainer.Fit(training, validation);
        var stream = new MemoryStream();
        trainer.SaveCheckpoint(stream);

        var loaded = new Trainer(NewRegressor(2), new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 2, BatchSize = 4 });
        loaded.LoadCheckpoint(new MemoryStream(stream.ToArray()));
        TrainingResult again = loaded.Fit(training, validation);
        Assert.Equal(result.FirstNonFinite, again.FirstNonFinite);
        Assert.Equal(2, again.SkippedValidations);
    }

    // ----- non-finite parameters -----

    [Fact]
    public void A_model_with_NaN_parameters_is_refused_naming_the_parameter_and_the_remedy()
    {
        // Before: every batch was skipped, silently, and the best value stayed empty.
        TinyRegressor model = NewRegressor();
        Dataset data = TrainingData.Regression(model, 8, seed: 1);
        ParameterInfo bias = ((IRnnModel)model).ParameterLayout.Last();
        model.Parameters[bias.Offset] = float.NaN;
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 2, BatchSize = 4 });

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(data));

        Assert.Contains($"'{bias.Name}'", e.Message);
        Assert.Contains("NaN", e.Message);
        Assert.Contains("Initialize", e.Message);
        Assert.Equal(0, trainer.BatchesCompleted);
    }

    // ----- stateful models -----

    [Fact]
    public void A_stateful_model_with_shuffling_on_is_refused_at_Fit()
    {
        var model = new TinyStateful();
        model.Initialize(1);
        Dataset data = TrainingData.Regression(model, 8, seed: 1);
        var shuffled = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 1, BatchSize = 2 });
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => shuffled.Fit(data));
        Assert.Contains("TinyStateful is stateful", e.Message);
        Assert.Contains("Shuffle = false", e.Message);
        Assert.Equal(0, shuffled.BatchesCompleted);

        var ordered = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 1, BatchSize = 2, Shuffle = false });
        Assert.Equal(StopReason.Completed, ordered.Fit(data).StopReason);
    }

    // ----- resuming from CheckpointPath -----

    private static readonly Dataset Training = TrainingData.Regression(new TinyRegressor(), 26, seed: 21);
    private static readonly Dataset Validation = TrainingData.Regression(new TinyRegressor(), 9, seed: 22);

    private static (TinyRegressor Model, Trainer Trainer) NewRun(string? checkpoint, int initSeed = 3, bool resume = true, int everyBatches = 0)
    {
        var model = new TinyRegressor();
        model.Initialize(initSeed);
        var adam = new Adam(0.02f);
        return (model, new Trainer(model, adam, MeanSquaredErrorLoss.Instance, new TrainerOptions
        {
            Epochs = 6, BatchSize = 5, Seed = 4, ClipNorm = 0.5f, CheckpointPath = checkpoint, ResumeFromCheckpoint = resume,
            CheckpointEveryBatches = everyBatches,
            EarlyStopping = new EarlyStopping { Patience = 10, RestoreBestWeights = true, MinDelta = 1e-4f },
            Schedule = new ReduceOnPlateau(adam, factor: 0.5, patience: 1),
        }));
    }

    private sealed class Crash : Exception;

    [Theory]
    [InlineData(3)]  // mid-epoch, in the first
    [InlineData(14)] // mid-epoch, after two epochs: the schedule, early stopping and the shuffling are under way
    public void Running_again_after_a_crash_resumes_from_the_checkpoint_and_ends_bit_identical(int crashAfterBatch)
    {
        (TinyRegressor straightModel, Trainer straightTrainer) = NewRun(checkpoint: null);
        TrainingResult straight = straightTrainer.Fit(Training, Validation);

        // A process that dies (here: an exception out of Fit) after a periodic checkpoint, every 2 batches.
        string path = PathOf("run.ckpt");
        (_, Trainer first) = NewRun(path, everyBatches: 2);
        Assert.Throws<Crash>(() => first.Fit(Training, Validation, new ProgressRecorder(r =>
        {
            if (r.Phase == TrainingPhase.Batch && r.BatchesCompleted == crashAfterBatch)
            {
                throw new Crash();
            }
        })));

        // Run again, as a new process would: a new model initialized otherwise, a new optimizer and trainer.
        (TinyRegressor model, Trainer second) = NewRun(path, initSeed: 99, everyBatches: 2);
        var recorder = new ProgressRecorder();
        TrainingResult resumed = second.Fit(Training, Validation, recorder);

        Assert.Equal(path, resumed.ResumedFrom);
        // From the last checkpoint before the crash on (the crashing batch's own checkpoint was not written).
        Assert.Equal((((crashAfterBatch - 1) / 2) * 2) + 1, recorder.Reports[0].BatchesCompleted);
        Assert.Equal(straightModel.Parameters.ToArray(), model.Parameters.ToArray());
        Assert.Equal(straight.History, resumed.History);
        Assert.Equal(straight.StopReason, resumed.StopReason);
        Assert.Equal(straight.BatchesCompleted, resumed.BatchesCompleted);
        Assert.Equal(straight.BestEpoch, resumed.BestEpoch);
        Assert.Equal(straight.BestValue, resumed.BestValue);
        Assert.Equal(straightTrainer.Optimizer.GetState().StepCount, second.Optimizer.GetState().StepCount);
    }

    [Fact]
    public void Resume_off_trains_from_scratch_and_overwrites_the_checkpoint()
    {
        string path = PathOf("run.ckpt");
        (_, Trainer first) = NewRun(path);
        using (var cancellation = new CancellationTokenSource())
        {
            first.Fit(Training, Validation, new ProgressRecorder(r => { if (r.BatchesCompleted == 7) cancellation.Cancel(); }), cancellation.Token);
        }

        (TinyRegressor straightModel, Trainer straightTrainer) = NewRun(checkpoint: null);
        straightTrainer.Fit(Training, Validation);

        (TinyRegressor model, Trainer fresh) = NewRun(path, resume: false);
        TrainingResult result = fresh.Fit(Training, Validation);
        Assert.Null(result.ResumedFrom);
        Assert.Equal(straightModel.Parameters.ToArray(), model.Parameters.ToArray());
        Assert.Equal(result.BatchesCompleted.ToString(System.Globalization.CultureInfo.InvariantCulture), SafeTensorsFile.Read(path).Metadata["run.steps"]);
    }

    [Fact]
    public void A_checkpoint_of_another_model_at_CheckpointPath_is_refused_saying_how_to_start_over()
    {
        string path = PathOf("run.ckpt");
        (_, Trainer first) = NewRun(path);
        first.Fit(Training, Validation, null, new CancellationToken(canceled: true));
        byte[] before = File.ReadAllBytes(path);

        var gru = new TinyGruRegressor();
        gru.Initialize(1);
        float[] parameters = gru.Parameters.ToArray();
        var adam = new Adam(0.02f);
        var trainer = new Trainer(gru, adam, MeanSquaredErrorLoss.Instance, new TrainerOptions
        {
            Epochs = 6, BatchSize = 5, Seed = 4, CheckpointPath = path,
            EarlyStopping = new EarlyStopping { Patience = 10, RestoreBestWeights = true },
            Schedule = new ReduceOnPlateau(adam, factor: 0.5, patience: 1),
        });

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => trainer.Fit(Training, Validation));

        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not match TinyGruRegressor", e.Message);
        Assert.Contains("ResumeFromCheckpoint = false", e.Message);
        Assert.Equal(parameters, gru.Parameters.ToArray());
        Assert.Equal(0, trainer.BatchesCompleted);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_checkpoint_made_on_other_data_at_CheckpointPath_is_refused_saying_how_to_start_over()
    {
        string path = PathOf("run.ckpt");
        (_, Trainer first) = NewRun(path);
        first.Fit(Training, Validation, null, new CancellationToken(canceled: true));

        (_, Trainer second) = NewRun(path);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => second.Fit(Validation, Training));
        Assert.Contains("other data", e.Message);
        Assert.Contains("ResumeFromCheckpoint = false", e.Message);
    }

    // ----- stale temporary files -----

    /// <summary>Leaves the files a killed write leaves (the writer's naming) and some that only look alike.</summary>
    private (string[] Stale, string[] Unrelated) LeaveTemporaryFiles(string name)
    {
        string[] stale = Enumerable.Range(0, 4).Select(_ => PathOf($".{name}.{Guid.NewGuid():N}.tmp")).ToArray();
        string[] unrelated =
        [
            PathOf($".other-{name}.{Guid.NewGuid():N}.tmp"),
            PathOf($".{name}.not-a-guid.tmp"),
            PathOf($"{name}.{Guid.NewGuid():N}.tmp"),
            PathOf($".{name}.{Guid.NewGuid():N}.tmp.keep"),
            PathOf("notes.txt"),
        ];
        foreach (string file in stale.Concat(unrelated))
        {
            File.WriteAllBytes(file, [1, 2, 3]);
        }

        return (stale, unrelated);
    }

    [Fact]
    public void Stale_temporary_files_of_the_checkpoint_go_when_a_run_starts()
    {
        string path = PathOf("run.ckpt");
        (string[] stale, string[] unrelated) = LeaveTemporaryFiles("run.ckpt");

        (_, Trainer trainer) = NewRun(path, resume: false);
        trainer.Fit(Training, Validation, null, new CancellationToken(canceled: true));

        Assert.All(stale, f => Assert.False(File.Exists(f), f));
        Assert.All(unrelated, f => Assert.True(File.Exists(f), f));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Stale_temporary_files_go_at_the_next_save_but_one_held_by_a_writer_stays()
    {
        string path = PathOf("run.ckpt");
        (string[] stale, string[] unrelated) = LeaveTemporaryFiles("run.ckpt");
        string held = PathOf($".run.ckpt.{Guid.NewGuid():N}.tmp");
        using (var writer = new FileStream(held, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            (_, Trainer trainer) = NewRun(null);
            trainer.SaveCheckpoint(path);
            Assert.True(File.Exists(held), "a write in progress keeps its temporary file");
        }

        Assert.All(stale, f => Assert.False(File.Exists(f), f));
        Assert.All(unrelated, f => Assert.True(File.Exists(f), f));
    }

    [Fact]
    public void A_failed_save_names_the_path_asked_for()
    {
        string path = Path.Combine(_folder, "missing-folder", "run.ckpt");
        (_, Trainer trainer) = NewRun(null);
        DirectoryNotFoundException e = Assert.Throws<DirectoryNotFoundException>(() => trainer.SaveCheckpoint(path));
        Assert.StartsWith($"Could not write '{path}': ", e.Message, StringComparison.Ordinal);
        Assert.Contains(".run.ckpt.", e.InnerException!.Message); // the temporary file, as detail
    }
}
