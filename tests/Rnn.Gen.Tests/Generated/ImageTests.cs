using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Image models (Conv2D, 2D pooling, Flatten, rows as steps, frames): gradients against finite differences, the batch
/// path bit for bit, the shapes and constants, PyTorch's initialization, streaming frames, and no allocation per call.
/// </summary>
public class ImageTests
{
    public static TheoryData<string> Small() => new(ImageModels.Small);

    [Theory]
    [MemberData(nameof(Small))]
    public void Gradients_match_finite_differences(string name)
    {
        IRnnModel model = ImageModels.Create(name);
        model.Initialize(seed: 7);
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] *= 2f;
        }

        var random = new SeededRandom(11);
        foreach (int length in new[] { model.Steps, Math.Max(1, model.Steps - 2) }.Distinct())
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
                    Assert.Equal(0f, inputGradient[i]); // padded frames receive no gradient
                }
            }

            Assert.Contains(analytic, g => g != 0f);
        }
    }

    [Theory]
    [MemberData(nameof(Small))]
    [InlineData(nameof(MnistConvNet))]
    public void A_batch_gives_bit_for_bit_what_its_samples_give_one_by_one(string name)
    {
        IRnnModel single = ImageModels.Create(name);
        var batched = (IRnnBatchModel)ImageModels.Create(name);
        single.Initialize(seed: 5);
        single.Parameters.CopyTo(batched.Parameters);
        var random = new SeededRandom(17);
        const int Batch = 4;
        int inputLength = single.Steps * single.InputSize, outputLength = single.OutputSteps * single.OutputSize;
        float[] inputs = GradientCheckTests.RandomVector(random, Batch * inputLength, 1.5f);
        float[] dOutputs = GradientCheckTests.RandomVector(random, Batch * outputLength, 1f);
        int[] lengths = Enumerable.Range(0, Batch).Select(b => 1 + random.NextInt(single.Steps)).ToArray();

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
        Assert.Contains(batched.Gradients.ToArray(), g => g != 0f);
    }

    [Fact]
    public void Shapes_and_constants_follow_the_declaration()
    {
        Assert.Equal((1, 28, 28, 784, 1), (MnistConvNet.Channels, MnistConvNet.Height, MnistConvNet.Width, MnistConvNet.InputSize, MnistConvNet.Steps));
        Assert.Equal((10, 1), (MnistConvNet.OutputSize, MnistConvNet.OutputSteps));
        // 16·1·3·3 + 16, 32·16·3·3 + 32, 10·(32·5·5) + 10: 28 → 26 → 13 → 11 → 5.
        Assert.Equal(160 + 4640 + 8010, MnistConvNet.ParameterCount);
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias", "5.weight", "5.bias" }, MnistConvNet.ParameterLayout.Select(p => p.Name));
        Assert.Equal(new[] { 32, 16, 3, 3 }, MnistConvNet.ParameterLayout[2].Shape.ToArray());
        Assert.Equal((5, 25, 1), (FramesConvGru.Steps, FramesConvGru.InputSize, FramesConvGru.OutputSteps));
        Assert.Equal((1, 30, 6, 2), (RowsLstm.Steps, RowsLstm.InputSize, RowsLstm.OutputSteps, RowsLstm.OutputSize)); // 6 rows of 5 pixels
        Assert.Equal(6, ((IRnnModel)new RowsLstm()).ValidOutputSteps(1));
    }

    [Fact]
    public void Initialization_is_pytorchs_default_for_conv2d()
    {
        var model = new MnistConvNet();
        model.Initialize(1);
        foreach ((string name, int fan) in new[] { ("0.weight", 9), ("0.bias", 9), ("2.weight", 16 * 9), ("2.bias", 16 * 9) })
        {
            float bound = (float)(1.0 / Math.Sqrt(fan)); // 1/sqrt(inChannels · kH · kW)
            float[] values = model.GetParameter(name).ToArray();
            Assert.All(values, w => Assert.InRange(Math.Abs(w), 0f, bound));
            Assert.Contains(values, w => Math.Abs(w) > bound / 2);
        }
    }

    [Fact]
    public void Frames_stream_with_Step_as_Predict_runs_them()
    {
        var model = new FramesConvGru();
        model.Initialize(3);
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(4), FramesConvGru.Steps * FramesConvGru.InputSize, 1f);
        float[] predicted = new float[FramesConvGru.OutputSize], streamed = new float[FramesConvGru.OutputSize];
        model.ResetState();
        for (int t = 0; t < FramesConvGru.Steps; t++)
        {
            model.Step(input.AsSpan(t * FramesConvGru.InputSize, FramesConvGru.InputSize), streamed);
            model.Predict(input, predicted, t + 1);
            Assert.Equal(predicted, streamed);
        }
    }

    [Fact]
    public void Rows_as_steps_do_not_stream()
    {
        var model = new RowsLstm();
        var error = Assert.Throws<InvalidOperationException>(() => model.Step(new float[RowsLstm.InputSize], new float[RowsLstm.OutputSize]));
        Assert.Contains("RowsAsSteps", error.Message, StringComparison.Ordinal);
        Assert.Contains("Predict", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_first_call_nothing_is_allocated()
    {
        var model = new MnistConvNet();
        model.Initialize(1);
        const int Batch = 3;
        float[] inputs = GradientCheckTests.RandomVector(new SeededRandom(1), Batch * MnistConvNet.InputSize, 1f);
        float[] outputs = new float[Batch * MnistConvNet.OutputSize], dOutputs = Enumerable.Repeat(0.1f, outputs.Length).ToArray();
        float[] gradient = new float[MnistConvNet.InputSize];
        var frames = new FramesConvGru();
        frames.Initialize(1);
        float[] frameInputs = new float[Batch * FramesConvGru.Steps * FramesConvGru.InputSize], frameOutputs = new float[Batch * FramesConvGru.OutputSize];
        int[] lengths = { 5, 2, 4 };
        var rows = new RowsLstm();
        float[] rowOutputs = new float[2 * RowsLstm.OutputSteps * RowsLstm.OutputSize];
        long fewest = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            model.Predict(inputs.AsSpan(0, MnistConvNet.InputSize), outputs.AsSpan(0, MnistConvNet.OutputSize));
            model.Forward(inputs.AsSpan(0, MnistConvNet.InputSize), outputs.AsSpan(0, MnistConvNet.OutputSize));
            model.Backward(dOutputs.AsSpan(0, MnistConvNet.OutputSize), gradient);
            model.ForwardBatch(inputs, outputs);
            model.BackwardBatch(dOutputs);
            model.Step(inputs.AsSpan(0, MnistConvNet.InputSize), outputs.AsSpan(0, MnistConvNet.OutputSize));
            frames.ForwardBatch(frameInputs, frameOutputs, lengths);
            frames.BackwardBatch(frameOutputs);
            rows.ForwardBatch(inputs.AsSpan(0, 2 * RowsLstm.InputSize), rowOutputs);
            rows.BackwardBatch(rowOutputs);
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
