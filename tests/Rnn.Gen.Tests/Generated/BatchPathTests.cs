using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// The batch path (<see cref="IRnnBatchModel"/>): ForwardBatch and BackwardBatch against Forward and Backward sample
/// after sample (which the reference vectors and finite differences check), bit for bit; with dropout, against finite
/// differences of ForwardBatch itself; shapes, lengths and misuse; and which models have it.
/// </summary>
public class BatchPathTests
{
    public static TheoryData<string, int, bool> Deterministic()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (string name in AllModels.Small.Append(nameof(Forecaster)))
        {
            // One sample, a few, and more than a 12-row register tile; full lengths and mixed lengths.
            foreach (int batch in new[] { 1, 3, 14 })
            {
                data.Add(name, batch, false);
            }

            data.Add(name, 14, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Deterministic))]
    public void A_batch_gives_bit_for_bit_what_its_samples_give_one_by_one(string name, int batch, bool mixedLengths)
    {
        IRnnModel single = AllModels.Create(name);
        var batched = (IRnnBatchModel)AllModels.Create(name);
        single.Initialize(seed: 5);
        single.Parameters.CopyTo(batched.Parameters);
        var random = new SeededRandom(17);
        int inputLength = single.Steps * single.InputSize, outputLength = single.OutputSteps * single.OutputSize;
        float[] inputs = GradientCheckTests.RandomVector(random, batch * inputLength, 1.5f);
        float[] dOutputs = GradientCheckTests.RandomVector(random, batch * outputLength, 1f);
        int[] lengths = Enumerable.Range(0, batch).Select(b => mixedLengths ? 1 + random.NextInt(single.Steps) : single.Steps).ToArray();

        float[] expectedOutputs = new float[batch * outputLength], expectedInputGradients = new float[inputs.Length];
        single.ZeroGradients();
        for (int b = 0; b < batch; b++)
        {
            single.Forward(inputs.AsSpan(b * inputLength, inputLength), expectedOutputs.AsSpan(b * outputLength, outputLength), lengths[b]);
            single.Backward(dOutputs.AsSpan(b * outputLength, outputLength), expectedInputGradients.AsSpan(b * inputLength, inputLength));
        }

        float[] outputs = new float[batch * outputLength], inputGradients = new float[inputs.Length];
        batched.ZeroGradients();
        batched.ForwardBatch(inputs, outputs, mixedLengths ? lengths : default);
        batched.BackwardBatch(dOutputs, inputGradients);

        AssertBitwise(expectedOutputs, outputs, $"{name} outputs");
        AssertBitwise(single.Gradients.ToArray(), batched.Gradients.ToArray(), $"{name} gradients");
        AssertBitwise(expectedInputGradients, inputGradients, $"{name} input gradients");
        Assert.Contains(batched.Gradients.ToArray(), g => g != 0f);
    }

    [Fact]
    public void Gradients_of_two_batches_add_up_and_forward_keeps_the_one_sample_cache_alone()
    {
        var model = new GruToDense();
        model.Initialize(2);
        var random = new SeededRandom(3);
        float[] inputs = GradientCheckTests.RandomVector(random, 4 * GruToDense.Steps * GruToDense.InputSize, 1f);
        float[] dOutputs = GradientCheckTests.RandomVector(random, 4 * GruToDense.OutputSize, 1f);
        float[] outputs = new float[dOutputs.Length];
        float[] single = new float[GruToDense.OutputSize], sample = inputs.AsSpan(0, GruToDense.Steps * GruToDense.InputSize).ToArray();

        // A one-sample Forward, then a batch, then the one-sample Backward: it still sees its own Forward.
        model.ZeroGradients();
        model.Forward(sample, single);
        model.ForwardBatch(inputs, outputs);
        model.Backward(dOutputs.AsSpan(0, GruToDense.OutputSize));
        float[] fromSingle = model.Gradients.ToArray();

        var reference = new GruToDense();
        model.Parameters.CopyTo(reference.Parameters);
        reference.ZeroGradients();
        reference.Forward(sample, single);
        reference.Backward(dOutputs.AsSpan(0, GruToDense.OutputSize));
        AssertBitwise(reference.Gradients.ToArray(), fromSingle, "one-sample gradients after a batch forward");

        model.ZeroGradients();
        model.BackwardBatch(dOutputs);
        float[] once = model.Gradients.ToArray();
        model.BackwardBatch(dOutputs);
        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], model.Gradients[i], 5);
        }
    }

    public static TheoryData<string> Stochastic => new(AllModels.Stochastic.Where(n => AllModels.Create(n) is IRnnBatchModel));

    [Theory]
    [MemberData(nameof(Stochastic))]
    public void With_dropout_and_noise_backward_matches_finite_differences_of_the_batch_forward(string name)
    {
        var model = (IRnnBatchModel)AllModels.Create(name);
        model.Initialize(seed: 7);
        const int Batch = 3;
        var random = new SeededRandom(23);
        int inputLength = model.Steps * model.InputSize, outputLength = model.OutputSteps * model.OutputSize;
        float[] inputs = GradientCheckTests.RandomVector(random, Batch * inputLength, 1f);
        float[] dOutputs = GradientCheckTests.RandomVector(random, Batch * outputLength, 1f);
        int[] lengths = { model.Steps, 2, model.Steps - 1 };
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] *= 2f;
        }

        // Every ForwardBatch below starts from the same generator state: the same masks and noise as Backward saw.
        (uint, uint, uint, uint) masks = model.TrainingRandom!.State;
        float[] outputs = new float[dOutputs.Length], inputGradients = new float[inputs.Length];
        model.ZeroGradients();
        model.ForwardBatch(inputs, outputs, lengths);
        model.BackwardBatch(dOutputs, inputGradients);
        float[] analytic = model.Gradients.ToArray();

        double Loss()
        {
            model.TrainingRandom!.SetState(masks);
            float[] o = new float[dOutputs.Length];
            model.ForwardBatch(inputs, o, lengths);
            double loss = 0;
            for (int i = 0; i < o.Length; i++)
            {
                loss += (double)o[i] * dOutputs[i];
            }

            return loss;
        }

        // values() is taken anew for every write: a span of Parameters kept across a computing call would write behind
        // the model's packed weights.
        double Difference(Func<Span<float>> values, int index)
        {
            const float Epsilon = 1e-2f;
            float saved = values()[index];
            values()[index] = saved + Epsilon;
            double plus = Loss();
            values()[index] = saved - Epsilon;
            double minus = Loss();
            values()[index] = saved;
            return (plus - minus) / (2.0 * Epsilon);
        }

        int checkedCount = 0;
        foreach (ParameterInfo tensor in model.ParameterLayout)
        {
            for (int k = 0; k < tensor.Length; k += Math.Max(1, tensor.Length / 12))
            {
                AssertClose(Difference(() => model.Parameters, tensor.Offset + k), analytic[tensor.Offset + k], $"{name}: d/d {tensor.Name}[{k}]");
                checkedCount++;
            }
        }

        for (int i = 0; i < inputs.Length; i += 3)
        {
            AssertClose(Difference(() => inputs, i), inputGradients[i], $"{name}: d/d inputs[{i}]");
        }

        Assert.True(checkedCount >= model.ParameterLayout.Count);
        Assert.Contains(analytic, g => g != 0f);
    }

    [Fact]
    public void Padding_steps_output_zeros_and_the_batch_order_is_kept()
    {
        var model = new ElmanReluSequence();
        model.Initialize(4);
        var random = new SeededRandom(8);
        int inputLength = ElmanReluSequence.Steps * ElmanReluSequence.InputSize, outputLength = ElmanReluSequence.OutputSteps * ElmanReluSequence.OutputSize;
        float[] inputs = GradientCheckTests.RandomVector(random, 3 * inputLength, 1f);
        float[] outputs = new float[3 * outputLength];
        int[] lengths = { 2, 5, 3 };
        model.ForwardBatch(inputs, outputs, lengths);
        for (int b = 0; b < 3; b++)
        {
            float[] expected = new float[outputLength];
            model.Forward(inputs.AsSpan(b * inputLength, inputLength), expected, lengths[b]);
            AssertBitwise(expected, outputs.AsSpan(b * outputLength, outputLength).ToArray(), $"sample {b}");
            Assert.All(expected.AsSpan(lengths[b] * ElmanReluSequence.OutputSize).ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Wrong_shapes_lengths_and_order_of_calls_throw_before_anything_changes()
    {
        var model = new LstmToDense();
        model.Initialize(1);
        int inputLength = LstmToDense.Steps * LstmToDense.InputSize;
        float[] inputs = new float[2 * inputLength], outputs = new float[2 * LstmToDense.OutputSize];

        var noForward = Assert.Throws<InvalidOperationException>(() => model.BackwardBatch(outputs));
        Assert.Contains("call ForwardBatch first", noForward.Message);

        Assert.Contains("[B, Steps, InputSize]", Assert.Throws<ArgumentException>(() => model.ForwardBatch(new float[inputLength + 1], outputs)).Message);
        Assert.Contains("[B, Steps, InputSize]", Assert.Throws<ArgumentException>(() => model.ForwardBatch(Array.Empty<float>(), Array.Empty<float>())).Message);
        Assert.Contains("outputs must have 4 elements", Assert.Throws<ArgumentException>(() => model.ForwardBatch(inputs, new float[3])).Message);
        Assert.Contains("one length per sample (2)", Assert.Throws<ArgumentException>(() => model.ForwardBatch(inputs, outputs, new[] { 3 })).Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardBatch(inputs, outputs, new[] { 3, 8 }));
        Assert.Contains("lengths[1] must be between 1 and 7", range.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardBatch(inputs, outputs, new[] { 0, 3 }));
        Assert.All(outputs, v => Assert.Equal(0f, v)); // nothing written by the refused calls

        model.ForwardBatch(inputs, outputs);
        model.ZeroGradients();
        Assert.Contains("outputGradients must have 4 elements", Assert.Throws<ArgumentException>(() => model.BackwardBatch(new float[2])).Message);
        Assert.Contains("inputGradients must be empty or have 42", Assert.Throws<ArgumentException>(() => model.BackwardBatch(outputs, new float[5])).Message);
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));

        // A refused ForwardBatch leaves the last batch's activations usable.
        Assert.Throws<ArgumentException>(() => model.ForwardBatch(inputs, new float[3]));
        model.BackwardBatch(new float[] { 1, 0, 0, 1 });
        Assert.Contains(model.Gradients.ToArray(), g => g != 0f);
    }

    [Fact]
    public void Only_models_that_can_run_in_lockstep_have_the_batch_path()
    {
        Assert.IsAssignableFrom<IRnnBatchModel>(new Forecaster());
        Assert.IsAssignableFrom<IRnnBatchModel>(new RegularizedStack());
        Assert.IsAssignableFrom<IRnnBatchModel>(new DenseOnly());
        Assert.False(new BiLstmConcatToDense() is IRnnBatchModel, "bidirectional");
        Assert.False(new Seq2SeqTokens() is IRnnBatchModel, "decoder");
        Assert.False(new StatefulWindow() is IRnnBatchModel, "stateful");
    }

    [Fact]
    public void After_the_first_batch_of_a_size_nothing_is_allocated()
    {
        var model = new Forecaster();
        model.Initialize(1);
        const int Batch = 16;
        float[] inputs = GradientCheckTests.RandomVector(new SeededRandom(1), Batch * Forecaster.Steps * Forecaster.InputSize, 1f);
        float[] outputs = new float[Batch], dOutputs = Enumerable.Repeat(0.1f, Batch).ToArray();
        int[] lengths = Enumerable.Range(0, Batch).Select(b => 10 + b).ToArray();
        model.ReserveBatch(Batch);
        long fewest = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                model.ForwardBatch(inputs, outputs, lengths);
                model.BackwardBatch(dOutputs);
                model.ForwardBatch(inputs.AsSpan(0, 8 * Forecaster.Steps * Forecaster.InputSize), outputs.AsSpan(0, 8));
                model.BackwardBatch(dOutputs.AsSpan(0, 8));
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
    }

    internal static void AssertBitwise(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]) && !(expected[i] == 0f && actual[i] == 0f))
            {
                Assert.Fail($"{what}[{i}]: one by one {expected[i]:R}, batch {actual[i]:R}");
            }
        }
    }

    private static void AssertClose(double numeric, double analytic, string what)
    {
        double tolerance = 5e-4 + 5e-3 * Math.Abs(numeric);
        Assert.True(Math.Abs(numeric - analytic) <= tolerance, $"{what}: finite difference {numeric:G6}, backward {analytic:G6}");
    }
}
