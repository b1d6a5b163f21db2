using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Convolution and pooling layers in generated models: gradients against finite differences at full and padded
/// lengths, what a padded step becomes, the batch path bit for bit, streaming a causal convolution, the shortest valid
/// length, and no allocation per call.
/// </summary>
public class ConvolutionTests
{
    public static TheoryData<string, int> Models()
    {
        var data = new TheoryData<string, int>();
        foreach ((string name, int minLength) in ConvolutionModels.All)
        {
            data.Add(name, minLength);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Gradients_match_finite_differences_at_full_and_padded_lengths(string name, int minLength)
    {
        IRnnModel model = ConvolutionModels.Create(name);
        model.Initialize(seed: 7);
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] *= 2f;
        }

        var random = new SeededRandom(11);
        foreach (int length in new[] { model.Steps, Math.Max(minLength, model.Steps - 3), minLength }.Distinct())
        {
            float[] input = GradientCheckTests.RandomVector(random, model.Steps * model.InputSize, 1f);
            float[] dOutput = GradientCheckTests.RandomVector(random, model.OutputSteps * model.OutputSize, 1f);
            float[] output = new float[dOutput.Length], inputGradient = new float[input.Length];
            model.ZeroGradients();
            model.Forward(input, output, length);
            model.Backward(dOutput, inputGradient);
            float[] analytic = model.Gradients.ToArray();
            const float Epsilon = 1e-3f;
            foreach (ParameterInfo tensor in model.ParameterLayout)
            {
                int stride = Math.Max(1, tensor.Length / 24);
                for (int k = 0; k < tensor.Length; k += stride)
                {
                    double numeric = GradientCheckTests.ParameterDifference(model, null, input, dOutput, tensor.Offset + k, Epsilon, length);
                    AssertClose(numeric, analytic[tensor.Offset + k], $"{name} length {length}: d/d {tensor.Name}[{k}]");
                }
            }

            for (int i = 0; i < input.Length; i++)
            {
                double numeric = GradientCheckTests.Difference(model, null, input, dOutput, ref input[i], Epsilon, length);
                AssertClose(numeric, inputGradient[i], $"{name} length {length}: d/d input[{i}]");
                if (i >= length * model.InputSize)
                {
                    Assert.Equal(0f, inputGradient[i]); // padding receives no gradient
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Padded_steps_do_not_matter_and_output_zeros_past_the_valid_output(string name, int minLength)
    {
        IRnnModel model = ConvolutionModels.Create(name);
        model.Initialize(seed: 3);
        var random = new SeededRandom(2);
        int length = Math.Max(minLength, model.Steps - 4);
        float[] input = GradientCheckTests.RandomVector(random, model.Steps * model.InputSize, 1f);
        float[] zeroPadded = (float[])input.Clone();
        Array.Clear(zeroPadded, length * model.InputSize, zeroPadded.Length - (length * model.InputSize));
        float[] a = new float[model.OutputSteps * model.OutputSize], b = new float[a.Length];
        model.Predict(input, a, length);
        model.Predict(zeroPadded, b, length);
        Assert.Equal(b, a);

        if (name == nameof(ConvHead))
        {
            // 8 steps give 3 output steps; 6 valid steps give floor((6 - 3) / 2) + 1 = 2, the third row is zero.
            model.Predict(input, a, 6);
            Assert.All(a.Skip(2 * model.OutputSize), v => Assert.Equal(0f, v));
            Assert.Contains(a.Take(2 * model.OutputSize), v => v != 0f);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_batch_gives_bit_for_bit_what_its_samples_give_one_by_one(string name, int minLength)
    {
        IRnnModel single = ConvolutionModels.Create(name);
        if (ConvolutionModels.Create(name) is not IRnnBatchModel batched)
        {
            Assert.Equal(nameof(ConvBiGruGlobalMax), name); // bidirectional layers have no batch path
            return;
        }

        single.Initialize(seed: 5);
        single.Parameters.CopyTo(batched.Parameters);
        var random = new SeededRandom(17);
        const int Batch = 7;
        int inputLength = single.Steps * single.InputSize, outputLength = single.OutputSteps * single.OutputSize;
        float[] inputs = GradientCheckTests.RandomVector(random, Batch * inputLength, 1.5f);
        float[] dOutputs = GradientCheckTests.RandomVector(random, Batch * outputLength, 1f);
        int[] lengths = Enumerable.Range(0, Batch).Select(b => minLength + random.NextInt(single.Steps - minLength + 1)).ToArray();

        float[] expectedOutputs = new float[Batch * outputLength], expectedInputGradients = new float[inputs.Length];
        single.ZeroGradients();
        for (int b = 0; b < Batch; b++)
        {
            single.Forward(inputs.AsSpan(b * inputLength, inputLength), expectedOutputs.AsSpan(b * outputLength, outputLength), lengths[b]);
            single.Backward(dOutputs.AsSpan(b * outputLength, outputLength), expectedInputGradients.AsSpan(b * inputLength, inputLength));
        }

        float[] outputs = new float[Batch * outputLength], inputGradients = new float[inputs.Length];
        batched.ZeroGradients();
        batched.ForwardBatch(inputs, outputs, lengths);
        batched.BackwardBatch(dOutputs, inputGradients);

        Assert.Equal(expectedOutputs, outputs);
        Assert.Equal(expectedInputGradients, inputGradients);
        Assert.Equal(single.Gradients.ToArray(), batched.Gradients.ToArray());

        // A second backward of the same batch (from the head's lengths again) adds the same gradients once more.
        float[] once = batched.Gradients.ToArray();
        batched.BackwardBatch(dOutputs, default);
        for (int i = 0; i < once.Length; i++)
        {
            Assert.True(Math.Abs(batched.Gradients[i] - (2 * once[i])) <= 1e-5f * (1 + Math.Abs(once[i])), $"{name} gradient {i} after two backward passes");
        }

        Assert.Contains(batched.Gradients.ToArray(), g => g != 0f);
    }

    [Fact]
    public void A_causal_convolution_streams_what_Predict_gives_at_every_prefix()
    {
        var model = new CausalConvGruSequence();
        model.Initialize(seed: 9);
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(4), CausalConvGruSequence.Steps * CausalConvGruSequence.InputSize, 1f);
        float[] predicted = new float[CausalConvGruSequence.OutputSteps * CausalConvGruSequence.OutputSize];
        float[] step = new float[CausalConvGruSequence.OutputSize];
        model.ResetState();
        for (int t = 0; t < CausalConvGruSequence.Steps; t++)
        {
            model.Step(input.AsSpan(t * CausalConvGruSequence.InputSize, CausalConvGruSequence.InputSize), step);
            model.Predict(input, predicted, t + 1);
            for (int j = 0; j < step.Length; j++)
            {
                Assert.True(Math.Abs(step[j] - predicted[(t * step.Length) + j]) <= 1e-6f, $"step {t}, output {j}: Step {step[j]}, Predict {predicted[(t * step.Length) + j]}");
            }
        }

        // ResetState starts the window over: the first step again.
        model.ResetState();
        model.Step(input.AsSpan(0, CausalConvGruSequence.InputSize), step);
        model.Predict(input, predicted, 1);
        Assert.True(Math.Abs(step[0] - predicted[0]) <= 1e-6f);
    }

    [Theory]
    [InlineData(nameof(ConvPoolGru))]
    [InlineData(nameof(LstmConvGlobalAverage))]
    [InlineData(nameof(SameConvPools))]
    [InlineData(nameof(ConvHead))]
    public void Layers_that_read_ahead_do_not_stream(string name)
    {
        IRnnModel model = ConvolutionModels.Create(name);
        var exception = Assert.Throws<InvalidOperationException>(() => model.Step(new float[model.InputSize], new float[model.OutputSize]));
        Assert.Contains("Predict", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_length_shorter_than_the_windows_throws()
    {
        var model = new ConvPoolGru();
        float[] input = new float[ConvPoolGru.Steps * ConvPoolGru.InputSize], output = new float[ConvPoolGru.OutputSize];
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(input, output, 3));
        Assert.Contains("between 4 and 12", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(input, output, 13));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardBatch(new float[2 * input.Length], new float[2 * output.Length], new[] { 12, 3 }));
        model.Predict(input, output, 4);
    }

    [Fact]
    public void Noise_dense_and_dropout_around_a_causal_convolution_stream_and_train()
    {
        var model = new DenseCausalConvDense();
        model.Initialize(seed: 2);
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(8), DenseCausalConvDense.Steps * DenseCausalConvDense.InputSize, 1f);
        float[] predicted = new float[DenseCausalConvDense.OutputSteps * DenseCausalConvDense.OutputSize], step = new float[DenseCausalConvDense.OutputSize];
        model.Predict(input, predicted);
        model.ResetState();
        for (int t = 0; t < DenseCausalConvDense.Steps; t++)
        {
            model.Step(input.AsSpan(t * DenseCausalConvDense.InputSize, DenseCausalConvDense.InputSize), step);
            Assert.Equal(predicted.AsSpan(t * step.Length, step.Length).ToArray(), step);
        }

        // Training draws noise and dropout; Backward's gradients match finite differences of the same draws.
        (uint, uint, uint, uint) masks = model.TrainingRandom.State;
        float[] dOutput = GradientCheckTests.RandomVector(new SeededRandom(3), predicted.Length, 1f), output = new float[predicted.Length];
        model.ZeroGradients();
        model.Forward(input, output, 5);
        model.Backward(dOutput);
        float[] analytic = model.Gradients.ToArray();
        for (int i = 0; i < analytic.Length; i++)
        {
            double numeric = GradientCheckTests.ParameterDifference(model, masks, input, dOutput, i, 1e-3f, 5);
            AssertClose(numeric, analytic[i], $"d/d parameter {i}");
        }
    }

    [Fact]
    public void A_stateful_model_carries_its_lstm_state_past_a_causal_convolution()
    {
        var model = new StatefulCausalConvLstm();
        model.Initialize(seed: 4);
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(6), StatefulCausalConvLstm.Steps * StatefulCausalConvLstm.InputSize, 1f);
        float[] first = new float[1], second = new float[1];
        model.ResetState();
        model.Forward(input, first);
        model.Backward(new[] { 1f });
        model.Forward(input, second);
        Assert.NotEqual(first[0], second[0]); // the second chunk starts from the first's final LSTM state
        model.ResetState();
        model.Forward(input, second);
        Assert.Equal(first[0], second[0]);
        Assert.Contains(model.Gradients.ToArray(), g => g != 0f);
    }

    [Fact]
    public void Valid_output_steps_follow_the_windows_for_the_trainer()
    {
        Assert.Equal(2, ((IRnnModel)new ConvHead()).ValidOutputSteps(6)); // floor((6 - 3) / 2) + 1
        Assert.Equal(3, ((IRnnModel)new ConvHead()).ValidOutputSteps(8));
        Assert.Equal(2, ((IRnnModel)new TwoConvsTwoPools()).ValidOutputSteps(7)); // 7 → 7 → 5 → 4 → 2
        Assert.Equal(5, ((IRnnModel)new CausalConvGruSequence()).ValidOutputSteps(5));
        Assert.Equal(1, ((IRnnModel)new ConvPoolGru()).ValidOutputSteps(7));
        Assert.Equal(4, ((IRnnModel)new WideLstmSequence()).ValidOutputSteps(4));
    }

    [Fact]
    public void Output_steps_follow_the_windows()
    {
        Assert.Equal(3, ConvHead.OutputSteps);
        Assert.Equal(1, ConvPoolGru.OutputSteps);
        Assert.Equal(1, SameConvPools.OutputSteps);
        Assert.Equal(9, CausalConvGruSequence.OutputSteps);
        Assert.Equal(4, TwoConvsTwoPools.OutputSteps);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TwoConvsTwoPools().Predict(new float[24], new float[8], 4));
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight_ih_l0", "2.weight_hh_l0", "2.bias_ih_l0", "2.bias_hh_l0", "3.weight", "3.bias" },
            ConvPoolGru.ParameterLayout.Select(p => p.Name));
        Assert.Equal(new[] { 5, 3, 3 }, ConvPoolGru.ParameterLayout[0].Shape);
    }

    [Fact]
    public void Initialization_is_pytorchs_default_for_conv1d()
    {
        var model = new ConvPoolGru();
        model.Initialize(1);
        float bound = (float)(1.0 / Math.Sqrt(3 * 3)); // 1/sqrt(inChannels * kernelSize)
        Span<float> weight = model.GetParameter("0.weight");
        Assert.All(weight.ToArray(), w => Assert.InRange(Math.Abs(w), 0f, bound));
        Assert.Contains(weight.ToArray(), w => Math.Abs(w) > bound / 2);
    }

    [Fact]
    public void After_the_first_call_nothing_is_allocated()
    {
        var model = new CausalConvGruSequence();
        model.Initialize(1);
        const int Batch = 5;
        int inputLength = CausalConvGruSequence.Steps * CausalConvGruSequence.InputSize, outputLength = CausalConvGruSequence.OutputSteps * CausalConvGruSequence.OutputSize;
        float[] inputs = GradientCheckTests.RandomVector(new SeededRandom(1), Batch * inputLength, 1f);
        float[] outputs = new float[Batch * outputLength], dOutputs = Enumerable.Repeat(0.1f, Batch * outputLength).ToArray();
        int[] lengths = { 9, 3, 5, 1, 8 };
        var pooled = new ConvPoolGru();
        pooled.Initialize(1);
        float[] pooledInputs = new float[Batch * ConvPoolGru.Steps * ConvPoolGru.InputSize], pooledOutputs = new float[Batch * ConvPoolGru.OutputSize];
        int[] pooledLengths = { 12, 4, 7, 9, 5 };
        float[] step = new float[CausalConvGruSequence.OutputSize];
        long fewest = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            model.ForwardBatch(inputs, outputs, lengths);
            model.BackwardBatch(dOutputs);
            model.Forward(inputs.AsSpan(0, inputLength), outputs.AsSpan(0, outputLength), 4);
            model.Backward(dOutputs.AsSpan(0, outputLength));
            model.Step(inputs.AsSpan(0, CausalConvGruSequence.InputSize), step);
            pooled.ForwardBatch(pooledInputs, pooledOutputs, pooledLengths);
            pooled.BackwardBatch(pooledOutputs);
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
    }

    private static void AssertClose(double numeric, double analytic, string what)
    {
        double tolerance = 1e-3 + 1e-2 * Math.Abs(numeric);
        Assert.True(Math.Abs(numeric - analytic) <= tolerance, $"{what}: finite difference {numeric:G6}, backward {analytic:G6}");
    }
}
