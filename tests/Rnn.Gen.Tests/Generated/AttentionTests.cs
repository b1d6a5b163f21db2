using System;
using System.Linq;
using Rnn.Gen.Decoding;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Attention in a decoder (Luong's global attention: Dot, General, Additive) and bidirectional encoders under a decoder:
/// gradients against finite differences, the weights' masks, decoding against teacher forcing.
/// </summary>
public class AttentionTests
{
    private static IRnnModel Create(string name) => name switch
    {
        nameof(DotAttentionValues) => new DotAttentionValues(),
        nameof(GeneralAttentionGru) => new GeneralAttentionGru(),
        nameof(AdditiveAttentionTranslator) => new AdditiveAttentionTranslator(),
        nameof(StackedGeneralAttention) => new StackedGeneralAttention(),
        nameof(BidirectionalEncoderValues) => new BidirectionalEncoderValues(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>Floats in [-1, 1), or for a token model ids below its vocabulary.</summary>
    private static float[] Input(IRnnModel model, int seed)
    {
        var random = new SeededRandom(seed);
        int vocabulary = model is IRnnTokenModel tokens ? tokens.VocabularySize : 0;
        return Enumerable.Range(0, model.InputSize * model.Steps)
            .Select(_ => vocabulary > 0 ? random.NextInt(vocabulary) : (2f * random.NextSingle()) - 1f).ToArray();
    }

    private static float[] OneHot(int[] tokens, int size)
    {
        float[] rows = new float[tokens.Length * size];
        for (int t = 0; t < tokens.Length; t++)
        {
            rows[(t * size) + tokens[t]] = 1f;
        }

        return rows;
    }

    /// <summary>Targets for teacher forcing: one-hot tokens (never the end token before the last step) or values.</summary>
    private static float[] Targets(IRnnModel model, int seed)
    {
        int size = model.OutputSize, steps = model.OutputSteps;
        if (model.OutputSize > 3)
        {
            return OneHot(Enumerable.Range(0, steps).Select(t => ((3 * t) + 3 + seed) % size == 2 ? 3 : ((3 * t) + 3 + seed) % size).ToArray(), size);
        }

        var random = new SeededRandom(seed);
        return Enumerable.Range(0, steps * size).Select(_ => (2f * random.NextSingle()) - 1f).ToArray();
    }

    public static TheoryData<string, int> GradientCases() => new()
    {
        { nameof(DotAttentionValues), 6 },
        { nameof(DotAttentionValues), 3 },
        { nameof(GeneralAttentionGru), 6 },
        { nameof(GeneralAttentionGru), 4 },
        { nameof(AdditiveAttentionTranslator), 7 },
        { nameof(AdditiveAttentionTranslator), 5 },
        { nameof(StackedGeneralAttention), 4 },
        { nameof(BidirectionalEncoderValues), 5 },
        { nameof(BidirectionalEncoderValues), 3 },
    };

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Teacher_forced_gradients_match_finite_differences(string name, int length)
    {
        IRnnModel model = Create(name);
        model.Initialize(4);
        float[] input = Input(model, 9);
        float[] targets = Targets(model, 1);
        var random = new SeededRandom(5);
        float[] dOutput = Enumerable.Range(0, model.OutputSteps * model.OutputSize).Select(_ => (2f * random.NextSingle()) - 1f).ToArray();
        float[] output = new float[dOutput.Length];
        model.ZeroGradients();
        model.ForwardTeacherForced(input, targets, output, length);
        bool tokens = model is IRnnTokenModel;
        float[] inputGradient = new float[input.Length];
        if (tokens)
        {
            model.Backward(dOutput);
        }
        else
        {
            model.Backward(dOutput, inputGradient);
        }

        float[] analytic = model.Gradients.ToArray();

        double Loss(float[] x)
        {
            float[] y = new float[dOutput.Length];
            model.ForwardTeacherForced(x, targets, y, length);
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                sum += y[i] * (double)dOutput[i];
            }

            return sum;
        }

        static void Close(double numeric, float analytic, string what) =>
            Assert.True(Math.Abs(numeric - analytic) <= 5e-4 + (5e-3 * Math.Abs(numeric)), $"{what}: numeric {numeric}, analytic {analytic}");

        foreach (ParameterInfo tensor in model.ParameterLayout)
        {
            int stride = Math.Max(1, tensor.Length / 12);
            for (int k = 0; k < tensor.Length; k += stride)
            {
                int index = tensor.Offset + k;
                float saved = model.Parameters[index];
                model.Parameters[index] = saved + 1e-2f;
                double up = Loss(input);
                model.Parameters[index] = saved - 1e-2f;
                double down = Loss(input);
                model.Parameters[index] = saved;
                Close((up - down) / 2e-2, analytic[index], $"d/d {tensor.Name}[{k}]");
            }
        }

        // The encoder's first weights learn: through the attention at every step and through the decoder's start state.
        ParameterInfo first = model.ParameterLayout[0];
        Assert.Contains(analytic.AsSpan(first.Offset, first.Length).ToArray(), g => Math.Abs(g) > 1e-5f);

        if (!tokens)
        {
            for (int i = 0; i < input.Length; i++)
            {
                float saved = input[i];
                input[i] = saved + 1e-2f;
                double up = Loss(input);
                input[i] = saved - 1e-2f;
                double down = Loss(input);
                input[i] = saved;
                if (i >= length * model.InputSize)
                {
                    Assert.Equal(0f, inputGradient[i]); // padding: no gradient
                    Assert.Equal(up, down);
                }
                else
                {
                    Close((up - down) / 2e-2, inputGradient[i], $"d/d input {i}");
                }
            }
        }
    }
}
