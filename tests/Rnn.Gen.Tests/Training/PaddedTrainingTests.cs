using System;
using System.Linq;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Tests.Generated;
using Rnn.Gen.Tests.Models;
using Rnn.Gen.Training;
using Xunit;

namespace Rnn.Gen.Tests.Training;

/// <summary>The trainer on padded samples: padded steps count neither in the loss, its mean, the gradient nor the accuracy.</summary>
public class PaddedTrainingTests
{
    [Fact]
    public void Training_on_padded_samples_equals_training_on_their_valid_prefixes()
    {
        const int count = 6;
        int shortSteps = PaddedLstmSequenceShort.Steps, longSteps = PaddedLstmSequenceLong.Steps, features = PaddedLstmSequenceLong.InputSize;
        int outputs = PaddedLstmSequenceLong.OutputSize;
        var random = new SeededRandom(3);
        float[] prefixes = GradientCheckTests.RandomVector(random, count * shortSteps * features, 1f);
        float[] prefixTargets = GradientCheckTests.RandomVector(random, count * shortSteps * outputs, 0.5f);

        // The same samples padded with garbage to the long model's steps, and their targets padded with garbage too.
        float[] padded = new float[count * longSteps * features];
        float[] paddedTargets = Enumerable.Repeat(9f, count * longSteps * outputs).ToArray();
        Array.Fill(padded, 5f);
        for (int i = 0; i < count; i++)
        {
            prefixes.AsSpan(i * shortSteps * features, shortSteps * features).CopyTo(padded.AsSpan(i * longSteps * features));
            prefixTargets.AsSpan(i * shortSteps * outputs, shortSteps * outputs).CopyTo(paddedTargets.AsSpan(i * longSteps * outputs));
        }

        var shortModel = new PaddedLstmSequenceShort();
        var longModel = new PaddedLstmSequenceLong();
        shortModel.Initialize(1);
        shortModel.Parameters.CopyTo(longModel.Parameters);
        Dataset shortData = Dataset.ForModel(shortModel, prefixes, prefixTargets);
        Dataset longData = Dataset.ForModel(longModel, padded, paddedTargets).WithLengths(Enumerable.Repeat(shortSteps, count).ToArray());
        var options = new TrainerOptions { Epochs = 3, BatchSize = 4, Seed = 2 };
        var shortTrainer = new Trainer(shortModel, new Adam(0.01f), MeanSquaredErrorLoss.Instance, options);
        var longTrainer = new Trainer(longModel, new Adam(0.01f), MeanSquaredErrorLoss.Instance, options);

        TrainingResult a = shortTrainer.Fit(shortData);
        TrainingResult b = longTrainer.Fit(longData);

        for (int i = 0; i < shortModel.Parameters.Length; i++)
        {
            Assert.True(Math.Abs(shortModel.Parameters[i] - longModel.Parameters[i]) < 1e-5f, $"parameter {i}: {shortModel.Parameters[i]} vs {longModel.Parameters[i]}");
        }

        Assert.Equal(shortTrainer.History.Select(h => h.TrainingLoss), longTrainer.History.Select(h => h.TrainingLoss), (x, y) => Math.Abs(x - y) < 1e-5);
        Assert.Equal(shortTrainer.Evaluate(shortData).Loss, longTrainer.Evaluate(longData).Loss, 5);
    }

    [Fact]
    public void Lengths_are_checked_and_kept_by_subsets()
    {
        var model = new PaddedLstmSequenceLong();
        Dataset data = Dataset.ForModel(model, new float[2 * 15], new float[2 * 20]);
        Assert.Contains("between 1 and 5", Assert.Throws<ArgumentException>(() => data.WithLengths(new[] { 0, 3 })).Message, StringComparison.Ordinal);
        Assert.Contains("Expected 2 lengths", Assert.Throws<ArgumentException>(() => data.WithLengths(new[] { 3 })).Message, StringComparison.Ordinal);
        Dataset padded = data.WithLengths(new[] { 4, 2 });
        Assert.Equal(2, padded.Subset(new[] { 1 }).Length(0));
        Assert.NotEqual(data.ContentHash, padded.ContentHash);
        Assert.Equal(5, data.Length(1));
    }
}

/// <summary>A stateful model's carried state goes into checkpoints, so a run resumes exactly in the middle of a series.</summary>
public class StatefulCheckpointTests
{
    [Fact]
    public void A_checkpoint_taken_mid_series_resumes_exactly()
    {
        var random = new SeededRandom(2);
        const int windows = 4;
        float[] inputs = GradientCheckTests.RandomVector(random, windows * StatefulWindow.Steps * StatefulWindow.InputSize, 1f);
        float[] targets = GradientCheckTests.RandomVector(random, windows * StatefulWindow.OutputSteps * StatefulWindow.OutputSize, 1f);
        var straight = new StatefulWindow();
        straight.Initialize(7);
        Dataset data = Dataset.ForModel(straight, inputs, targets);
        var options = new TrainerOptions { Epochs = 1, BatchSize = 1, Shuffle = false };
        var a = new Trainer(straight, new Adam(0.01f), MeanSquaredErrorLoss.Instance, options);
        a.TrainOnBatch(data, new[] { 0 });
        a.TrainOnBatch(data, new[] { 1 });
        using var checkpoint = new System.IO.MemoryStream();
        a.SaveCheckpoint(checkpoint);
        a.TrainOnBatch(data, new[] { 2 });

        var resumed = new StatefulWindow();
        var b = new Trainer(resumed, new Adam(0.01f), MeanSquaredErrorLoss.Instance, options);
        checkpoint.Position = 0;
        b.LoadCheckpoint(checkpoint);
        b.TrainOnBatch(data, new[] { 2 });
        Assert.True(straight.Parameters.SequenceEqual(resumed.Parameters));
        Assert.True(straight.CarriedState.SequenceEqual(resumed.CarriedState));
        Assert.Contains(straight.CarriedState.ToArray(), v => v != 0f);
    }

    [Fact]
    public void A_carried_state_stored_as_another_dtype_is_refused()
    {
        var model = new StatefulWindow();
        model.Initialize(7);
        var options = new TrainerOptions { Epochs = 1, BatchSize = 1, Shuffle = false };
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, options);
        using var checkpoint = new System.IO.MemoryStream();
        trainer.SaveCheckpoint(checkpoint);

        // The same values as F64: right count, wrong dtype (a checkpoint resumes bit for bit from F32 only).
        Rnn.Gen.Serialization.SafeTensorsFile file = Rnn.Gen.Serialization.SafeTensorsFile.Read(new System.IO.MemoryStream(checkpoint.ToArray()));
        using var edited = new System.IO.MemoryStream();
        Rnn.Gen.Serialization.SafeTensorsFile.Write(edited, file.Tensors.Select(t => t.Name == "stateful.carried_state"
            ? Rnn.Gen.Serialization.SafeTensorsEntry.F64(t.Name, t.Shape.ToArray(), t.ToDoubleArray())
            : Rnn.Gen.Serialization.SafeTensorsEntry.Raw(t.Name, t.DType, t.Shape.ToArray(), t.Data)).ToList(),
            file.Metadata.Where(p => p.Key != Rnn.Gen.Serialization.SafeTensorsFile.DataHashKey).ToDictionary()); // edited data: its hash goes
        edited.Position = 0;
        var e = Assert.Throws<System.IO.InvalidDataException>(() => new Trainer(new StatefulWindow(), new Adam(0.01f), MeanSquaredErrorLoss.Instance, options).LoadCheckpoint(edited));
        Assert.Contains("carried state is F64", e.Message);
    }
}
