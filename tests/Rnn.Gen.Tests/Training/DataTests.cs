using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Data;
using Xunit;

namespace Rnn.Gen.Tests.Training;

/// <summary>Datasets, validation splits and mini-batch sampling.</summary>
public class DataTests
{
    [Fact]
    public void A_dataset_slices_samples_and_targets_sample_major()
    {
        float[] inputs = Enumerable.Range(0, 3 * 10).Select(i => (float)i).ToArray();
        float[] targets = Enumerable.Range(0, 3 * 2).Select(i => (float)-i).ToArray();
        var data = new Dataset(inputs, targets, steps: 5, inputSize: 2, outputSteps: 1, outputSize: 2);
        Assert.Equal(3, data.Count);
        Assert.Equal(10, data.InputLength);
        Assert.Equal(2, data.TargetLength);
        Assert.Equal(inputs[10..20], data.Input(1).ToArray());
        Assert.Equal(new float[] { -4, -5 }, data.Target(2).ToArray());
        Assert.Throws<InvalidOperationException>(() => data.ClassIndices(0).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Input(3).ToArray());
    }

    [Fact]
    public void A_dataset_copies_its_data()
    {
        float[] inputs = new float[10];
        float[] targets = new float[1];
        var data = new Dataset(inputs, targets, 5, 2, 1, 1);
        ulong hash = data.ContentHash;
        inputs[0] = 42;
        Assert.Equal(0f, data.Input(0)[0]);
        Assert.Equal(hash, data.ContentHash);
    }

    [Fact]
    public void Shape_errors_name_the_expected_lengths()
    {
        var model = new TinyRegressor();
        ArgumentException e = Assert.Throws<ArgumentException>(() => Dataset.ForModel(model, new float[25], new float[2]));
        Assert.Contains("multiple of 10", e.Message);
        Assert.Contains("5 steps × 2 features", e.Message);
        Assert.Equal("inputs", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => Dataset.ForModel(model, new float[30], new float[2]));
        Assert.Contains("Expected targets of length 3 (3 samples × 1 output steps × 1 outputs), got 2", e.Message);
        Assert.Equal("targets", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => Dataset.ForModel(model, Array.Empty<float>(), Array.Empty<float>()));
        Assert.Contains("at least one sample", e.Message);

        var classifier = new TinyClassifier();
        e = Assert.Throws<ArgumentException>(() => Dataset.ForClassifier(classifier, new float[24], new[] { 0 }));
        Assert.Contains("Expected class indices of length 2 (2 samples × 1 output steps), got 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => Dataset.ForClassifier(classifier, new float[12], new[] { 3 }));
        Assert.Contains("outside [0, 3)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Dataset.ForClassifier(classifier, new float[12], new[] { -1 }));
        Assert.Contains("negative", e.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[4], new float[1], 0, 2, 1, 1));
    }

    [Fact]
    public void The_validation_split_is_seeded_disjoint_complete_and_ordered()
    {
        (int[] training, int[] validation) = Dataset.SplitIndices(103, 0.2, seed: 9);
        Assert.Equal((int)Math.Floor(103 * 0.8), training.Length); // Keras: floor(N × (1 − fraction)) for training
        Assert.Equal(103 - training.Length, validation.Length);
        Assert.Equal(Enumerable.Range(0, 103), training.Concat(validation).OrderBy(i => i));
        Assert.Equal(training.OrderBy(i => i), training);
        Assert.Equal(validation.OrderBy(i => i), validation);

        (int[] again, int[] againValidation) = Dataset.SplitIndices(103, 0.2, seed: 9);
        Assert.Equal(training, again);
        Assert.Equal(validation, againValidation);
        (_, int[] otherValidation) = Dataset.SplitIndices(103, 0.2, seed: 10);
        Assert.NotEqual(validation, otherValidation);
        Assert.False(validation.SequenceEqual(Enumerable.Range(training.Length, validation.Length)), "not simply the tail");
    }

    [Fact]
    public void Split_datasets_hold_the_chosen_samples()
    {
        var model = new TinyRegressor();
        Dataset data = TrainingData.Regression(model, 20, seed: 1);
        (Dataset training, Dataset validation) = data.Split(0.25, seed: 3);
        (int[] trainingIndices, int[] validationIndices) = Dataset.SplitIndices(20, 0.25, seed: 3);
        Assert.Equal(15, training.Count);
        Assert.Equal(5, validation.Count);
        for (int i = 0; i < validation.Count; i++)
        {
            Assert.Equal(data.Input(validationIndices[i]).ToArray(), validation.Input(i).ToArray());
            Assert.Equal(data.Target(validationIndices[i]).ToArray(), validation.Target(i).ToArray());
        }

        Assert.Equal(data.Input(trainingIndices[^1]).ToArray(), training.Input(14).ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_split_fraction_outside_0_1_is_refused(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.SplitIndices(10, fraction, 0));

    [Fact]
    public void A_split_that_leaves_a_part_empty_is_refused()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Dataset.SplitIndices(1, 0.5, 0));
        Assert.Contains("leaves 0 for training and 1 for validation", e.Message);
        e = Assert.Throws<ArgumentException>(() => Dataset.SplitIndices(10, 1e-17, 0));
        Assert.Contains("leaves 10 for training and 0 for validation", e.Message);
    }

    [Fact]
    public void The_sampler_draws_a_seeded_permutation_per_epoch_with_a_short_last_batch()
    {
        var a = new MiniBatchSampler(10, 4, shuffle: true, seed: 5);
        var b = new MiniBatchSampler(10, 4, shuffle: true, seed: 5);
        var c = new MiniBatchSampler(10, 4, shuffle: true, seed: 6);
        Assert.Equal(3, a.BatchCount);
        var orders = new List<int[]>();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            a.NextEpoch();
            b.NextEpoch();
            c.NextEpoch();
            Assert.Equal(a.Order.ToArray(), b.Order.ToArray());
            Assert.Equal(Enumerable.Range(0, 10), a.Order.ToArray().OrderBy(i => i));
            Assert.Equal(new[] { 4, 4, 2 }, Enumerable.Range(0, 3).Select(i => a.Batch(i).Length));
            Assert.Equal(a.Order.ToArray(), Enumerable.Range(0, 3).SelectMany(i => a.Batch(i).ToArray()));
            orders.Add(a.Order.ToArray());
        }

        Assert.NotEqual(orders[0], orders[1]);
        Assert.NotEqual(orders[0], c.Order.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Batch(3).ToArray());
    }

    [Fact]
    public void Without_shuffling_batches_follow_the_sample_order()
    {
        var sampler = new MiniBatchSampler(5, 2, shuffle: false, seed: 1);
        sampler.NextEpoch();
        Assert.Equal(new[] { 0, 1 }, sampler.Batch(0).ToArray());
        Assert.Equal(new[] { 4 }, sampler.Batch(2).ToArray());
    }

    [Fact]
    public void A_restored_sampler_continues_the_same_sequence()
    {
        var a = new MiniBatchSampler(12, 5, true, 77);
        a.NextEpoch();
        var b = new MiniBatchSampler(12, 5, true, 1);
        b.Restore(a.Order, a.RandomState);
        Assert.Equal(a.Order.ToArray(), b.Order.ToArray());
        a.NextEpoch();
        b.NextEpoch();
        Assert.Equal(a.Order.ToArray(), b.Order.ToArray());
        Assert.Throws<ArgumentException>(() => b.Restore(new int[12], a.RandomState));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_batch_size_below_one_is_refused(int batchSize)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatchSampler(10, batchSize, true, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rnn.Gen.Training.TrainerOptions { BatchSize = batchSize });
    }
}
