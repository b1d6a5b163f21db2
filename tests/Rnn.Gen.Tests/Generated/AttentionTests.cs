using System;
using System.Linq;
using Rnn.Gen.Data;
using Rnn.Gen.Decoding;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Tests.Models;
using Rnn.Gen.Training;
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

    private const int End = AdditiveAttentionTranslator.EndToken;

    /// <summary>The most probable token of each output row, the end token for rows after the end (which are zero).</summary>
    private static int[] Tokens(float[] output, int size, int decoded) =>
        Enumerable.Range(0, output.Length / size).Select(t => t < decoded ? TokenSampler.MostProbable(output.AsSpan(t * size, size)) : End).ToArray();

    private static int Decoded(int[] tokens)
    {
        int end = Array.IndexOf(tokens, End);
        return end < 0 ? tokens.Length : end + 1;
    }

    [Theory]
    [InlineData(7, 2)]
    [InlineData(4, 2)]
    [InlineData(2, 5)]
    [InlineData(7, 11)]
    public void Greedy_decoding_equals_teacher_forcing_and_beam_width_one_and_its_weights_are_masked(int length, int seed)
    {
        var model = new AdditiveAttentionTranslator();
        model.Initialize(seed);
        int[] ids = Input(model, seed + 1).Select(v => (int)v).ToArray();
        float[] greedy = new float[AdditiveAttentionTranslator.OutputSteps * AdditiveAttentionTranslator.OutputSize];
        model.Predict(ids, greedy, length);
        float[] weights = model.AttentionWeights.ToArray();
        int[] firstPass = Tokens(greedy, 9, 5);
        int decoded = Decoded(firstPass);
        int[] tokens = Tokens(greedy, 9, decoded);
        const int s = 7;
        for (int t = 0; t < 5; t++)
        {
            double sum = 0;
            for (int j = 0; j < s; j++)
            {
                float a = weights[(t * s) + j];
                if (t >= decoded || j >= length)
                {
                    Assert.Equal(0f, a); // after the end token, or on padding: exactly zero
                }
                else
                {
                    Assert.True(a > 0f, $"a({t}, {j}) = {a}");
                    sum += a;
                }
            }

            if (t < decoded)
            {
                Assert.Equal(1.0, sum, 1e-5);
            }
        }

        // Teacher forcing on the greedy tokens gives the greedy outputs and weights, bit for bit.
        float[] forced = new float[greedy.Length];
        model.ForwardTeacherForced(ids.Select(i => (float)i).ToArray(), OneHot(tokens, 9), forced, length);
        Assert.Equal(greedy, forced);
        Assert.Equal(weights, model.AttentionWeights.ToArray());

        // Beam search of width 1 is greedy decoding; the attention's keys and memory are shared by the beams.
        int[] beam = new int[5];
        Assert.Equal(decoded, model.BeamSearch(ids.Select(i => (float)i).ToArray(), beam, 1, 0f, length));
        Assert.Equal(tokens.Take(decoded), beam.Take(decoded));
        Assert.All(beam.Skip(decoded), token => Assert.Equal(-1, token));

        // A wider beam decodes from the same memory and start states.
        Assert.InRange(model.BeamSearch(ids.Select(i => (float)i).ToArray(), beam, 3, 0.6f, length), 1, 5);
    }

    [Fact]
    public void Greedy_decoding_of_one_hot_feedback_equals_teacher_forcing()
    {
        var model = new GeneralAttentionGru();
        model.Initialize(6);
        float[] input = Input(model, 2);
        float[] greedy = new float[20];
        model.Predict(input, greedy, 5);
        int[] tokens = Enumerable.Range(0, 4).Select(t => TokenSampler.MostProbable(greedy.AsSpan(t * 5, 5))).ToArray();
        float[] weights = model.AttentionWeights.ToArray();
        float[] forced = new float[20];
        model.ForwardTeacherForced(input, OneHot(tokens, 5), forced, 5);
        Assert.Equal(greedy, forced);
        Assert.Equal(weights, model.AttentionWeights.ToArray());
        Assert.All(Enumerable.Range(0, 4), t => Assert.Equal(0f, weights[(t * 6) + 5]));
        int[] beam = new int[4];
        model.BeamSearch(input, beam, 1, 0f, 5);
        Assert.Equal(tokens, beam);
    }

    [Fact]
    public void Teacher_forcing_masks_the_steps_after_the_end_token_in_gradients_and_weights()
    {
        var model = new AdditiveAttentionTranslator();
        model.Initialize(3);
        float[] input = Input(model, 4);
        float[] targets = OneHot(new[] { 4, End, 5, 6, 7 }, 9);
        float[] output = new float[45];
        model.ForwardTeacherForced(input, targets, output, 6);
        Assert.All(output.Skip(18), v => Assert.Equal(0f, v));
        Assert.All(model.AttentionWeights.ToArray().Skip(14), v => Assert.Equal(0f, v));

        // The masked steps give no gradient: a different output gradient there changes nothing.
        var random = new SeededRandom(1);
        float[] dOutput = Enumerable.Range(0, 45).Select(_ => random.NextSingle()).ToArray();
        model.ZeroGradients();
        model.Backward(dOutput);
        float[] first = model.Gradients.ToArray();
        for (int i = 18; i < 45; i++)
        {
            dOutput[i] = -3f;
        }

        model.ZeroGradients();
        model.ForwardTeacherForced(input, targets, output, 6);
        model.Backward(dOutput);
        Assert.Equal(first, model.Gradients.ToArray());
        Assert.Contains(first, g => g != 0f);
    }

    [Fact]
    public void Predict_and_BeamSearch_allocate_zero_bytes()
    {
        var model = new AdditiveAttentionTranslator();
        model.Initialize(5);
        model.ReserveBeam(4);
        int[] ids = { 3, 4, 5, 6, 7, 8, 9 };
        float[] input = ids.Select(i => (float)i).ToArray();
        float[] output = new float[45];
        int[] tokens = new int[5];
        var predictor = model.CreatePredictor();
        void RunAll()
        {
            model.Predict(ids, output, 5);
            model.Predict(input, output);
            model.BeamSearch(input, tokens, 4, 0.6f, 6);
            model.BeamSearch(input, tokens, 1);
            predictor.Predict(ids, output, 4);
        }

        Assert.Equal(0, AllocationTests.FewestAllocatedBytes(RunAll)); // past tiering, then the fewest bytes of three rounds
    }

    [Fact]
    public void Attention_learns_to_reverse_a_sequence_where_the_start_state_alone_does_not()
    {
        // Reverse 8 tokens drawn from 2..9 (1 starts the decoder): each output step needs one input step, which
        // attention finds; a decoder that sees the input only through the encoder's final state must squeeze all 8 in.
        var random = new SeededRandom(21);
        const int count = 480, test = 100;
        int[] tokens = new int[count * 8], targets = new int[count * 8];
        for (int n = 0; n < count; n++)
        {
            for (int t = 0; t < 8; t++)
            {
                tokens[(n * 8) + t] = 2 + random.NextInt(8);
            }

            for (int t = 0; t < 8; t++)
            {
                targets[(n * 8) + t] = tokens[(n * 8) + 7 - t];
            }
        }

        double Accuracy(IRnnModel model)
        {
            var train = Dataset.ForClassifier(model, tokens.AsSpan(0, (count - test) * 8), targets.AsSpan(0, (count - test) * 8));
            using var trainer = new Trainer(model, new Adam(learningRate: 0.01f), CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions { Epochs = 8, BatchSize = 8, Seed = 3 });
            trainer.Fit(train);
            float[] output = new float[80];
            int right = 0;
            for (int n = count - test; n < count; n++)
            {
                model.Predict(tokens.AsSpan(n * 8, 8).ToArray().Select(i => (float)i).ToArray(), output);
                for (int t = 0; t < 8; t++)
                {
                    right += TokenSampler.MostProbable(output.AsSpan(t * 10, 10)) == targets[(n * 8) + t] ? 1 : 0;
                }
            }

            return right / (test * 8.0);
        }

        var attention = new ReverserWithAttention();
        attention.Initialize(1);
        var plain = new ReverserWithoutAttention();
        plain.Initialize(1);
        double withAttention = Accuracy(attention), without = Accuracy(plain);
        Assert.True(withAttention > 0.9 && withAttention > without + 0.2, $"held-out token accuracy with attention {withAttention}, without {without}");
    }
}
