using System;
using System.Collections.Generic;
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

/// <summary>Checkpoints: exact resume, round trip, atomic writes, and refusing files that do not fit.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-training-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static readonly Dataset Training = TrainingData.Regression(new TinyRegressor(), 26, seed: 21);
    private static readonly Dataset Validation = TrainingData.Regression(new TinyRegressor(), 9, seed: 22);

    private static Func<IOptimizer, TrainerOptions> Options(string? checkpoint = null, bool earlyStopping = true, bool schedule = true) =>
        optimizer => new()
        {
            Epochs = 6,
            BatchSize = 5, // 26 samples: batches of 5, 5, 5, 5, 5, 1
            Seed = 4,
            ClipNorm = 0.5f,
            CheckpointPath = checkpoint,
            EarlyStopping = earlyStopping ? new EarlyStopping { Patience = 10, RestoreBestWeights = true, MinDelta = 1e-4f } : null,
            Schedule = schedule ? new ReduceOnPlateau(optimizer, factor: 0.5, patience: 1) : null,
        };

    private static (TinyRegressor Model, Trainer Trainer) NewRun(Func<IOptimizer, TrainerOptions> options, int initSeed = 3)
    {
        var model = new TinyRegressor();
        model.Initialize(initSeed);
        var optimizer = new Adam(0.02f);
        return (model, new Trainer(model, optimizer, MeanSquaredErrorLoss.Instance, options(optimizer)));
    }

    private static TrainingResult Straight(out float[] parameters, bool earlyStopping = true, bool schedule = true)
    {
        (TinyRegressor model, Trainer trainer) = NewRun(Options(earlyStopping: earlyStopping, schedule: schedule));
        TrainingResult result = trainer.Fit(Training, Validation);
        parameters = model.Parameters.ToArray();
        return result;
    }

    [Theory]
    [InlineData(1, TrainingPhase.Batch)]
    [InlineData(4, TrainingPhase.Batch)]
    [InlineData(6, TrainingPhase.Epoch)] // at the boundary: the next epoch has not drawn its order yet
    [InlineData(6, TrainingPhase.Batch)] // after the epoch's last batch: its end (validation, early stopping) runs before the stop
    [InlineData(17, TrainingPhase.Batch)]
    [InlineData(35, TrainingPhase.Batch)]
    public void A_run_resumed_from_a_checkpoint_ends_bit_identical_to_an_uninterrupted_run(int stopAfterStep, TrainingPhase phase)
    {
        TrainingResult straight = Straight(out float[] expected);

        string path = PathOf("run.ckpt");
        using var cancellation = new CancellationTokenSource();
        (_, Trainer first) = NewRun(Options(path));
        var recorder = new ProgressRecorder(r =>
        {
            if (r.BatchesCompleted == stopAfterStep && r.Phase == phase)
            {
                cancellation.Cancel();
            }
        });
        TrainingResult interrupted = first.Fit(Training, Validation, recorder, cancellation.Token);
        Assert.Equal(StopReason.Cancelled, interrupted.StopReason);
        Assert.Equal(stopAfterStep, interrupted.BatchesCompleted);

        // A new model (initialized differently), a new optimizer and a new trainer: everything comes from the file.
        (TinyRegressor model, Trainer second) = NewRun(Options(path), initSeed: 99);
        second.LoadCheckpoint(path);
        Assert.Equal(interrupted.BatchesCompleted, second.BatchesCompleted);
        Assert.Equal(interrupted.History, second.History);
        TrainingResult resumed = second.Fit(Training, Validation);

        Assert.Equal(expected, model.Parameters.ToArray());
        Assert.Equal(straight.StopReason, resumed.StopReason);
        Assert.Equal(straight.BatchesCompleted, resumed.BatchesCompleted);
        Assert.Equal(straight.History, resumed.History);
        Assert.Equal(straight.BestEpoch, resumed.BestEpoch);
        Assert.Equal(straight.BestValue, resumed.BestValue);
    }

    [Fact]
    public void Dropout_masks_and_penalties_resume_exactly_too()
    {
        float[] Run(string? path, int cancelAt, out TrainingResult result)
        {
            var model = new TinyRegularized();
            model.Initialize(5);
            var adam = new Adam(0.02f);
            var options = new TrainerOptions
            {
                Epochs = 4, BatchSize = 4, Seed = 2, CheckpointPath = path,
                Schedule = new WarmupCosine(adam, warmupSteps: 5, totalSteps: 28), ScheduleInterval = ScheduleInterval.Batch,
            };
            var trainer = new Trainer(model, adam, MeanSquaredErrorLoss.Instance, options);
            using var cancellation = new CancellationTokenSource();
            result = trainer.Fit(Training, Validation, new ProgressRecorder(r => { if (r.BatchesCompleted == cancelAt) cancellation.Cancel(); }), cancellation.Token);
            if (path is not null)
            {
                var resumedModel = new TinyRegularized();
                resumedModel.Initialize(6);
                var resumedAdam = new Adam(0.02f);
                var resumed = new Trainer(resumedModel, resumedAdam, MeanSquaredErrorLoss.Instance, new TrainerOptions
                {
                    Epochs = 4, BatchSize = 4, Seed = 2, CheckpointPath = path,
                    Schedule = new WarmupCosine(resumedAdam, warmupSteps: 5, totalSteps: 28), ScheduleInterval = ScheduleInterval.Batch,
                });
                resumed.LoadCheckpoint(path);
                result = resumed.Fit(Training, Validation);
                return resumedModel.Parameters.ToArray();
            }

            return model.Parameters.ToArray();
        }

        float[] straight = Run(null, -1, out TrainingResult expected);
        float[] resumed = Run(PathOf("dropout.ckpt"), 10, out TrainingResult actual);
        Assert.Equal(straight, resumed);
        Assert.Equal(expected.History, actual.History);

        // The generator of the masks travels with the checkpoint.
        Assert.True(SafeTensorsFile.Read(PathOf("dropout.ckpt")).Metadata.ContainsKey("model.training_random"));
    }

    [Fact]
    public void A_finished_run_continues_when_more_epochs_are_asked_for()
    {
        TrainingResult straight = Straight(out float[] expected, earlyStopping: false, schedule: false);

        (_, Trainer first) = NewRun(_ => new TrainerOptions { Epochs = 2, BatchSize = 5, Seed = 4, ClipNorm = 0.5f });
        Assert.Equal(StopReason.Completed, first.Fit(Training, Validation).StopReason);
        var stream = new MemoryStream();
        first.SaveCheckpoint(stream);

        (TinyRegressor model, Trainer second) = NewRun(Options(earlyStopping: false, schedule: false), initSeed: 5);
        second.LoadCheckpoint(new MemoryStream(stream.ToArray()));
        TrainingResult resumed = second.Fit(Training, Validation);
        Assert.Equal(expected, model.Parameters.ToArray());
        Assert.Equal(straight.History, resumed.History);

        // Once done, another call trains nothing.
        TrainingResult again = second.Fit(Training, Validation);
        Assert.Equal(resumed.BatchesCompleted, again.BatchesCompleted);
        Assert.Equal(expected, model.Parameters.ToArray());
    }

    [Fact]
    public void Periodic_checkpoints_are_written_and_the_last_one_is_the_final_state()
    {
        string path = PathOf("periodic.ckpt");
        Func<IOptimizer, TrainerOptions> options = _ => new TrainerOptions { Epochs = 3, BatchSize = 5, Seed = 4, CheckpointPath = path, CheckpointEveryBatches = 4 };
        (TinyRegressor model, Trainer trainer) = NewRun(options);
        int writes = 0;
        trainer.CheckpointEntriesWriting = _ => writes++;
        trainer.Fit(Training);
        // 6 batches per epoch, 18 in all: after steps 4, 8 and 16 (step 12 ends epoch 2, which the epoch rule covers),
        // after epochs 1 and 2, and at the end of the run.
        Assert.Equal(6, writes);
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));

        (TinyRegressor loaded, Trainer reader) = NewRun(options, initSeed: 8);
        reader.LoadCheckpoint(path);
        Assert.Equal(model.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(3, reader.EpochsCompleted);
        Assert.Equal(trainer.History, reader.History);
    }

    [Fact]
    public void A_checkpoint_round_trips_byte_for_byte()
    {
        (_, Trainer trainer) = NewRun(Options());
        using var cancellation = new CancellationTokenSource();
        trainer.Fit(Training, Validation, new ProgressRecorder(r => { if (r.BatchesCompleted == 9) cancellation.Cancel(); }), cancellation.Token);
        var first = new MemoryStream();
        trainer.SaveCheckpoint(first);

        (_, Trainer copy) = NewRun(Options(), initSeed: 42);
        copy.LoadCheckpoint(new MemoryStream(first.ToArray()));
        var second = new MemoryStream();
        copy.SaveCheckpoint(second);
        Assert.Equal(first.ToArray(), second.ToArray());

        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(first.ToArray()));
        Assert.Equal("rnn.gen.training-checkpoint", file.Metadata["format"]);
        Assert.Equal("9", file.Metadata["run.steps"]);
        Assert.Equal("3", file.Metadata["run.batches_done"]);
        Assert.Equal("1", file.Metadata["run.epochs_completed"]);
        Assert.True(file.Contains("model.0.weight_ih_l0"));
        Assert.True(file.Contains("optimizer.exp_avg"));
        Assert.True(file.Contains("optimizer.exp_avg_sq"));
        Assert.True(file.Contains("early_stopping.best_weights"));
        Assert.Equal(26, file["sampler.order"].ElementCount);
    }

    [Fact]
    public void A_checkpoint_of_an_untrained_run_loads_and_trains_like_a_fresh_one()
    {
        (_, Trainer fresh) = NewRun(Options());
        var stream = new MemoryStream();
        fresh.SaveCheckpoint(stream);
        (TinyRegressor model, Trainer loaded) = NewRun(Options(), initSeed: 77);
        loaded.LoadCheckpoint(new MemoryStream(stream.ToArray()));
        loaded.Fit(Training, Validation);
        Straight(out float[] expected);
        Assert.Equal(expected, model.Parameters.ToArray());
    }

    [Fact]
    public void A_failing_checkpoint_write_leaves_the_previous_checkpoint_intact()
    {
        string path = PathOf("atomic.ckpt");
        (_, Trainer trainer) = NewRun(Options());
        trainer.Fit(Training, Validation, null, new CancellationToken(canceled: true));
        trainer.SaveCheckpoint(path);
        byte[] before = File.ReadAllBytes(path);

        trainer.Fit(Training, Validation, new ProgressRecorder(), CancellationToken.None);
        var failing = new ThrowingMemory(8, readsBeforeFailure: 1); // the first read hashes the data; the second, writing it, fails
        trainer.CheckpointEntriesWriting = entries => entries.Add(SafeTensorsEntry.F32("zz.fails", [8], failing.Data));
        Assert.Throws<IOException>(() => trainer.SaveCheckpoint(path));

        Assert.True(failing.Touched, "the write had started when it failed");
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder)); // no temporary file left behind
    }

    // ----- refusing checkpoints -----

    private static void AssertUnchanged(IRnnModel model, IOptimizer optimizer, float[] parameters, OptimizerState state)
    {
        Assert.Equal(parameters, model.Parameters.ToArray());
        OptimizerState now = optimizer.GetState();
        Assert.Equal(state.StepCount, now.StepCount);
        Assert.Equal(state.Buffers.Keys, now.Buffers.Keys);
        foreach (string key in state.Buffers.Keys)
        {
            Assert.Equal(state.Buffers[key], now.Buffers[key]);
        }
    }

    private (TinyRegressor, Trainer, float[], OptimizerState) TrainedABit()
    {
        (TinyRegressor model, Trainer trainer) = NewRun(_ => new TrainerOptions { Epochs = 1, BatchSize = 5, Seed = 1 });
        trainer.Fit(Training);
        return (model, trainer, model.Parameters.ToArray(), trainer.Optimizer.GetState());
    }

    private byte[] CheckpointBytes(Func<IOptimizer, TrainerOptions>? options = null)
    {
        (_, Trainer trainer) = NewRun(options ?? Options());
        using var cancellation = new CancellationTokenSource();
        trainer.Fit(Training, Validation, new ProgressRecorder(r => { if (r.BatchesCompleted == 8) cancellation.Cancel(); }), cancellation.Token);
        var stream = new MemoryStream();
        trainer.SaveCheckpoint(stream);
        return stream.ToArray();
    }

    [Fact]
    public void A_corrupt_file_is_refused_and_nothing_changes()
    {
        (TinyRegressor model, Trainer trainer, float[] parameters, OptimizerState state) = TrainedABit();
        byte[] good = CheckpointBytes(_ => new TrainerOptions { Epochs = 1, BatchSize = 5, Seed = 1 });

        string truncated = PathOf("truncated.ckpt");
        File.WriteAllBytes(truncated, good[..(good.Length / 2)]);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(truncated));
        Assert.Contains(truncated, e.Message);
        AssertUnchanged(model, trainer.Optimizer, parameters, state);

        string garbage = PathOf("garbage.ckpt");
        File.WriteAllBytes(garbage, Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray());
        Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(garbage));
        AssertUnchanged(model, trainer.Optimizer, parameters, state);

        string weights = PathOf("weights.safetensors");
        WeightFile.Save(model, weights);
        e = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(weights));
        Assert.Contains("Not a training checkpoint", e.Message);
        AssertUnchanged(model, trainer.Optimizer, parameters, state);
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_refused_naming_the_tensors()
    {
        var gru = new TinyGruRegressor();
        gru.Initialize(1);
        var adam = new Adam(0.02f);
        var trainer = new Trainer(gru, adam, MeanSquaredErrorLoss.Instance, Options()(adam));
        float[] parameters = gru.Parameters.ToArray();
        OptimizerState state = trainer.Optimizer.GetState();
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(new MemoryStream(CheckpointBytes())));
        Assert.Contains("does not match TinyGruRegressor", e.Message);
        Assert.Contains("'model.0.weight_ih_l0'", e.Message);
        AssertUnchanged(gru, trainer.Optimizer, parameters, state);
    }

    [Fact]
    public void A_checkpoint_of_another_optimizer_is_refused_and_nothing_changes()
    {
        var model = new TinyRegressor();
        model.Initialize(1);
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        var trainer = new Trainer(model, sgd, MeanSquaredErrorLoss.Instance, Options()(sgd));
        float[] parameters = model.Parameters.ToArray();
        OptimizerState state = trainer.Optimizer.GetState();
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(new MemoryStream(CheckpointBytes())));
        Assert.Contains("optimizer", e.Message);
        AssertUnchanged(model, trainer.Optimizer, parameters, state);
        Assert.Equal(0, trainer.BatchesCompleted);
    }

    [Fact]
    public void A_checkpoint_with_other_settings_is_refused()
    {
        byte[] bytes = CheckpointBytes();
        (_, Trainer otherBatch) = NewRun(o => new TrainerOptions { BatchSize = 6, EarlyStopping = Options()(o).EarlyStopping, Schedule = Options()(o).Schedule });
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => otherBatch.LoadCheckpoint(new MemoryStream(bytes)));
        Assert.Contains("batch size 5", e.Message);

        (_, Trainer noEarlyStopping) = NewRun(Options(earlyStopping: false));
        e = Assert.Throws<InvalidDataException>(() => noEarlyStopping.LoadCheckpoint(new MemoryStream(bytes)));
        Assert.Contains("early stopping", e.Message);

        (_, Trainer noSchedule) = NewRun(Options(schedule: false));
        e = Assert.Throws<InvalidDataException>(() => noSchedule.LoadCheckpoint(new MemoryStream(bytes)));
        Assert.Contains("ReduceOnPlateau learning-rate schedule; this trainer has none", e.Message);

        (TinyRegressor model, Trainer otherSchedule) = NewRun(o => new TrainerOptions
        {
            BatchSize = 5, EarlyStopping = Options()(o).EarlyStopping, Schedule = new StepDecay(o, stepSize: 2),
        });
        float[] parameters = model.Parameters.ToArray();
        OptimizerState state = otherSchedule.Optimizer.GetState();
        e = Assert.Throws<InvalidDataException>(() => otherSchedule.LoadCheckpoint(new MemoryStream(bytes)));
        Assert.Contains("schedule", e.Message);
        AssertUnchanged(model, otherSchedule.Optimizer, parameters, state); // the optimizer got its state back
        Assert.Equal(0.02f, otherSchedule.Optimizer.LearningRate);
    }

    [Fact]
    public void Resuming_on_other_data_is_refused_before_training()
    {
        (TinyRegressor model, Trainer trainer) = NewRun(Options());
        trainer.LoadCheckpoint(new MemoryStream(CheckpointBytes()));
        float[] loaded = model.Parameters.ToArray();
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(Validation, Training));
        Assert.Contains("other data", e.Message);
        Assert.Equal(loaded, model.Parameters.ToArray());
    }

    [Theory]
    [InlineData("run.batches_done", "99")]
    [InlineData("run.batches_done", "-1")]
    [InlineData("run.steps", "three")]
    [InlineData("sampler.random_state", "0 0 0 0")]
    [InlineData("run.finished", "Cancelled")]
    [InlineData("version", "2")]
    [InlineData("optimizer.learning_rate", "-1")]
    [InlineData("history.validation", "maybe")]
    [InlineData("epoch.samples", null)]
    public void A_checkpoint_with_bad_metadata_is_refused_and_nothing_changes(string key, string? value)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(CheckpointBytes()));
        var metadata = file.Metadata.ToDictionary(p => p.Key, p => p.Value);
        if (value is null)
        {
            metadata.Remove(key);
        }
        else
        {
            metadata[key] = value;
        }

        var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, file.Tensors.Select(t => SafeTensorsEntry.Raw(t.Name, t.DType, t.Shape.ToArray(), t.Data)).ToList(), metadata);

        (TinyRegressor model, Trainer trainer, float[] parameters, OptimizerState state) = TrainedABit();
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(new MemoryStream(stream.ToArray())));
        Assert.NotEmpty(e.Message);
        AssertUnchanged(model, trainer.Optimizer, parameters, state);
    }

    [Theory]
    [InlineData("sampler.order")]
    [InlineData("history.training_loss")]
    [InlineData("optimizer.exp_avg")]
    [InlineData("early_stopping.best_weights")]
    [InlineData("model.1.bias")]
    public void A_checkpoint_missing_a_tensor_is_refused_and_nothing_changes(string tensor)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(CheckpointBytes()));
        var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, file.Tensors.Where(t => t.Name != tensor)
            .Select(t => SafeTensorsEntry.Raw(t.Name, t.DType, t.Shape.ToArray(), t.Data)).ToList(),
            file.Metadata.Where(p => p.Key != SafeTensorsFile.DataHashKey).ToDictionary()); // other data: the recorded hash goes, so the missing tensor is what is refused

        (TinyRegressor model, Trainer trainer, float[] parameters, OptimizerState state) = TrainedABit();
        Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(new MemoryStream(stream.ToArray())));
        AssertUnchanged(model, trainer.Optimizer, parameters, state);
    }

    /// <summary>Memory whose span throws once read (after <paramref name="readsBeforeFailure"/> good reads): a write that fails halfway through a file.</summary>
    private sealed class ThrowingMemory(int length, int readsBeforeFailure = 0) : System.Buffers.MemoryManager<float>
    {
        private readonly float[] _values = new float[length];
        private int _reads;

        public bool Touched { get; private set; }

        public override Span<float> GetSpan()
        {
            if (_reads++ < readsBeforeFailure)
            {
                return _values;
            }

            Touched = true;
            throw new IOException("disk full (simulated)");
        }

        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }

        public ReadOnlyMemory<float> Data => CreateMemory(length);
    }
}
