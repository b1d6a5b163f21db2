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
        model.ZeroGradients();
        model.Forward(tokens, a, 9);
        model.Backward(dOutput);
        float[] analytic = model.Gradients.ToArray();
        double Loss()
        {
            float[] y = new float[3];
            model.Forward(tokens, y, 9);
            return (y[0] * (double)dOutput[0]) + (y[1] * (double)dOutput[1]) + (y[2] * (double)dOutput[2]);
        }

        foreach (ParameterInfo tensor in TokenConvBiLstm.ParameterLayout)
        {
            int stride = Math.Max(1, tensor.Length / 10);
            for (int k = 0; k < tensor.Length; k += stride)
            {
                int index = tensor.Offset + k;
                float saved = model.Parameters[index];
                model.Parameters[index] = saved + 1e-2f;
                double up = Loss();
                model.Parameters[index] = saved - 1e-2f;
                double down = Loss();
                model.Parameters[index] = saved;
                double numeric = (up - down) / 2e-2;
                Assert.True(Math.Abs(numeric - analytic[index]) <= 5e-4 + (5e-3 * Math.Abs(numeric)), $"d/d {tensor.Name}[{k}]: numeric {numeric}, analytic {analytic[index]}");
            }
        }
    }
}
