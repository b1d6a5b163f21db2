using System;
using System.Linq;
using Rnn.Gen.Decoding;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Image captioning: image layers are a feature encoder whose one output vector is the start state h_0 of the decoder's
/// first recurrent layer ("init-inject"); the decoder feeds back tokens through its Embedding.
/// </summary>
public class CaptionTests
{
    private static float[] Image(int length, int seed)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, length).Select(_ => (2f * random.NextSingle()) - 1f).ToArray();
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

    [Fact]
    public void Greedy_decoding_equals_teacher_forcing_on_its_own_tokens()
    {
        var model = new TinyCaptioner();
        model.Initialize(3);
        float[] image = Image(TinyCaptioner.InputSize, 7);
        float[] greedy = new float[TinyCaptioner.OutputSteps * TinyCaptioner.OutputSize];
        model.Predict(image, greedy);
        int[] tokens = Enumerable.Range(0, TinyCaptioner.OutputSteps).Select(t => TokenSampler.MostProbable(greedy.AsSpan(t * 6, 6))).ToArray();

        float[] forced = new float[greedy.Length];
        model.ForwardTeacherForced(image, OneHot(tokens, 6), forced);
        Assert.Equal(greedy, forced);

        int[] generated = new int[TinyCaptioner.OutputSteps];
        model.Generate(image, new float[greedy.Length], generated, 0f, 0, new SeededRandom(1));
        Assert.Equal(tokens, generated);

        // Beam search starts from the same features: width 1 is greedy decoding.
        int[] beam = new int[TinyCaptioner.OutputSteps];
        Assert.Equal(TinyCaptioner.OutputSteps, model.BeamSearch(image, beam, 1));
        Assert.Equal(tokens, beam);
    }

    [Fact]
    public void The_image_reaches_the_caption_through_the_start_state()
    {
        var model = new TinyCaptioner();
        model.Initialize(3);
        float[] a = new float[24], b = new float[24];
        model.Predict(Image(TinyCaptioner.InputSize, 1), a);
        model.Predict(Image(TinyCaptioner.InputSize, 2), b);
        Assert.NotEqual(a.AsSpan(0, 6).ToArray(), b.AsSpan(0, 6).ToArray()); // the first step differs: only h_0 carries the image

        // With the projection's weights and bias zero, h_0 = tanh(0) = 0 whatever the image: the captions agree.
        model.GetParameter("3.weight").Clear();
        model.GetParameter("3.bias").Clear();
        model.Predict(Image(TinyCaptioner.InputSize, 1), a);
        model.Predict(Image(TinyCaptioner.InputSize, 2), b);
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData(nameof(TinyCaptioner))]
    [InlineData(nameof(PooledGruCaptioner))]
    public void Teacher_forced_gradients_match_finite_differences(string name)
    {
        IRnnModel model = name == nameof(TinyCaptioner) ? new TinyCaptioner() : new PooledGruCaptioner();
        model.Initialize(4);
        int vocabulary = model.OutputSize, steps = model.OutputSteps;
        float[] image = Image(model.InputSize, 9);
        float[] targets = OneHot(Enumerable.Range(0, steps).Select(t => ((3 * t) + 1) % vocabulary).ToArray(), vocabulary);
        var random = new SeededRandom(5);
        float[] dOutput = Enumerable.Range(0, steps * vocabulary).Select(_ => (2f * random.NextSingle()) - 1f).ToArray();
        float[] output = new float[dOutput.Length];
        model.ZeroGradients();
        model.ForwardTeacherForced(image, targets, output, 1);
        float[] inputGradient = new float[image.Length];
        model.Backward(dOutput, inputGradient);
        float[] analytic = model.Gradients.ToArray();

        double Loss(float[] x)
        {
            float[] y = new float[dOutput.Length];
            model.ForwardTeacherForced(x, targets, y, 1);
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
            int stride = Math.Max(1, tensor.Length / 10);
            for (int k = 0; k < tensor.Length; k += stride)
            {
                int index = tensor.Offset + k;
                float saved = model.Parameters[index];
                model.Parameters[index] = saved + 1e-2f;
                double up = Loss(image);
                model.Parameters[index] = saved - 1e-2f;
                double down = Loss(image);
                model.Parameters[index] = saved;
                Close((up - down) / 2e-2, analytic[index], $"d/d {tensor.Name}[{k}]");
            }
        }

        // The encoder's parameters learn through the decoder's start state: a feature encoder is not dead weight.
        ParameterInfo conv = model.ParameterLayout.Single(p => p.Name == "0.weight");
        Assert.Contains(analytic.AsSpan(conv.Offset, conv.Length).ToArray(), g => Math.Abs(g) > 1e-4f);

        for (int i = 0; i < image.Length; i += 5)
        {
            float saved = image[i];
            image[i] = saved + 1e-2f;
            double up = Loss(image);
            image[i] = saved - 1e-2f;
            double down = Loss(image);
            image[i] = saved;
            Close((up - down) / 2e-2, inputGradient[i], $"d/d pixel {i}");
        }
    }
}
