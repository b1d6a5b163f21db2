using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>Token ids through convolution and pooling into recurrent layers: the compositions compile, train and agree with themselves.</summary>
public class TokenConvolutionTests
{
    private static readonly int[] Lengths = { 12, 7, 10, 4 };

    private static int[] Tokens(int count, int vocabulary, int seed)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, count).Select(_ => random.NextInt(vocabulary)).ToArray();
    }

    [Fact]
    public void The_batch_path_through_embedding_convolution_and_pooling_is_the_samples_one_by_one()
    {
        var batchModel = new TokenConvPoolGru();
        var single = new TokenConvPoolGru();
        batchModel.Initialize(3);
        single.Initialize(3);
        int[] tokens = Tokens(4 * 12, 20, 1);
        float[] outputs = new float[4 * 2], gradients = Enumerable.Range(0, 8).Select(i => (float)Math.Cos(i)).ToArray();
        batchModel.ZeroGradients();
        batchModel.ForwardBatch(tokens, outputs, Lengths);
        batchModel.BackwardBatch(gradients);

        single.ZeroGradients();
        float[] output = new float[2];
        for (int b = 0; b < 4; b++)
        {
            single.Forward(tokens.AsSpan(b * 12, 12), output, Lengths[b]);
            Assert.Equal(outputs.AsSpan(b * 2, 2).ToArray(), output);
            single.Backward(gradients.AsSpan(b * 2, 2));
        }

        Assert.Equal(single.Gradients.ToArray(), batchModel.Gradients.ToArray());
    }

    [Fact]
    public void Padding_past_the_length_does_not_matter_and_gradients_match_finite_differences()
    {
        var model = new TokenConvBiLstm();
        model.Initialize(8);
        int[] tokens = Tokens(12, 20, 4);
        int[] other = tokens.ToArray();
        for (int t = 9; t < 12; t++)
        {
            other[t] = -5; // padding is never read, not even checked
        }

        float[] a = new float[3], b = new float[3];
        model.Predict(tokens, a, 9);
        model.Predict(other, b, 9);
        Assert.Equal(a, b);

        float[] dOutput = { 0.3f, -0.8f, 0.5f };
        float[] ids = tokens.Select(t => (float)t).ToArray(); // the float members read ids, as the trainer passes them
        model.ZeroGradients();
        model.Forward(ids, a, 9);
        model.Backward(dOutput);
        float[] analytic = model.Gradients.ToArray();
        foreach (ParameterInfo tensor in TokenConvBiLstm.ParameterLayout)
        {
            for (int k = 0; k < tensor.Length; k += Math.Max(1, tensor.Length / 10))
            {
                double numeric = GradientCheckTests.ParameterDifference(model, null, ids, dOutput, tensor.Offset + k, 1e-2f, length: 9);
                GradientCheckTests.AssertClose(numeric, analytic[tensor.Offset + k], $"d/d {tensor.Name}[{k}]");
            }
        }
    }
}
