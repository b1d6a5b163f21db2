using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Encoder–decoder and one-to-many models: teacher-forced gradients against finite differences (through the
/// encoder-to-decoder state hand-over), free-running decoding consistent with teacher forcing on its own choices,
/// seeded sampling.
/// </summary>
public class DecoderTests
{
    public static TheoryData<string> Models => new() { nameof(Seq2SeqTokens), nameof(Seq2SeqValues), nameof(OneToManyTokens) };

    private static IRnnModel Create(string name) => name switch
    {
        nameof(Seq2SeqTokens) => new Seq2SeqTokens(),
        nameof(Seq2SeqValues) => new Seq2SeqValues(),
        _ => new OneToManyTokens(),
    };

    private static void TeacherForced(IRnnModel model, float[] input, float[] targets, float[] output)
    {
        switch (model)
        {
            case Seq2SeqTokens m: m.ForwardTeacherForced(input, targets, output); break;
            case Seq2SeqValues m: m.ForwardTeacherForced(input, targets, output); break;
            case OneToManyTokens m: m.ForwardTeacherForced(input, targets, output); break;
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Teacher_forced_gradients_match_finite_differences(string name)
    {
        IRnnModel model = Create(name);
        model.Initialize(3);
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] *= 2f;
        }

        var random = new SeededRandom(5);
        float[] input = GradientCheckTests.RandomVector(random, model.Steps * model.InputSize, 1f);
        float[] targets = GradientCheckTests.RandomVector(random, model.OutputSteps * model.OutputSize, 1f);
        float[] dOutput = GradientCheckTests.RandomVector(random, targets.Length, 1f);
        float[] output = new float[targets.Length], inputGradient = new float[input.Length];
        (uint, uint, uint, uint) masks = model.TrainingRandom!.State;

        double Loss()
        {
            model.TrainingRandom!.SetState(masks);
            float[] y = new float[targets.Length];
            TeacherForced(model, input, targets, y);
            return y.Select((v, i) => (double)v * dOutput[i]).Sum();
        }

        model.ZeroGradients();
        TeacherForced(model, input, targets, output);
        model.Backward(dOutput, inputGradient);
        float[] analytic = model.Gradients.ToArray();
        Assert.Contains(analytic.Take(model.ParameterLayout[0].Length), g => g != 0f); // the first layer learns

        const float h = 1e-2f;
        for (int i = 0; i < model.Parameters.Length; i += 2)
        {
            float saved = model.Parameters[i];
            model.Parameters[i] = saved + h;
            double plus = Loss();
            model.Parameters[i] = saved - h;
            double minus = Loss();
            model.Parameters[i] = saved;
            Check((plus - minus) / (2 * h), analytic[i], $"{name} parameter {i}");
        }

        for (int i = 0; i < input.Length; i++)
        {
            float saved = input[i];
            input[i] = saved + h;
            double plus = Loss();
            input[i] = saved - h;
            double minus = Loss();
            input[i] = saved;
            Check((plus - minus) / (2 * h), inputGradient[i], $"{name} input {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Free_running_decoding_equals_teacher_forcing_on_its_own_choices(string name)
    {
        IRnnModel model = Create(name);
        model.Initialize(8);
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(2), model.Steps * model.InputSize, 1f);
        int outputSize = model.OutputSize;
        float[] predicted = new float[model.OutputSteps * outputSize];
        model.Predict(input, predicted);

        // What greedy decoding fed back: the output itself, or the one-hot of its most probable token.
        float[] fed = (float[])predicted.Clone();
        if (name != nameof(Seq2SeqValues))
        {
            for (int t = 0; t < model.OutputSteps; t++)
            {
                Span<float> row = fed.AsSpan(t * outputSize, outputSize);
                int token = Rnn.Gen.Decoding.TokenSampler.MostProbable(row);
                row.Clear();
                row[token] = 1f;
            }

            Assert.True(predicted.Chunk(outputSize).All(row => Math.Abs(row.Sum() - 1f) < 1e-5f)); // softmax rows
        }

        float[] forced = new float[predicted.Length], forward = new float[predicted.Length];
        TeacherForced(model, input, fed, forced);
        model.Forward(input, forward);
        for (int i = 0; i < predicted.Length; i++)
        {
            Assert.True(Math.Abs(predicted[i] - forced[i]) < 1e-6f, $"element {i}: predicted {predicted[i]}, teacher-forced {forced[i]}");
        }

        // Forward decodes freely, then runs the training pass on what it fed back: exactly the teacher-forced pass.
        Assert.Equal(forced, forward);
        Assert.Throws<InvalidOperationException>(() => model.Step(new float[model.InputSize], new float[outputSize]));
    }

    [Fact]
    public void Generate_samples_seeded_tokens_and_is_greedy_at_zero_temperature()
    {
        var model = new Seq2SeqTokens();
        model.Initialize(4);
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] *= 3f;
        }

        float[] input = GradientCheckTests.RandomVector(new SeededRandom(1), Seq2SeqTokens.Steps * Seq2SeqTokens.InputSize, 1f);
        float[] output = new float[Seq2SeqTokens.OutputSteps * Seq2SeqTokens.OutputSize], predicted = new float[output.Length];
        int[] greedy = new int[Seq2SeqTokens.OutputSteps], a = new int[greedy.Length], b = new int[greedy.Length], top1 = new int[greedy.Length];
        model.Predict(input, predicted);
        model.Generate(input, output, greedy, 0f, 0, new SeededRandom(1));
        Assert.Equal(predicted, output);
        Assert.Equal(predicted.Chunk(Seq2SeqTokens.OutputSize).Select(r => Rnn.Gen.Decoding.TokenSampler.MostProbable(r)), greedy);

        model.Generate(input, output, top1, 5f, 1, new SeededRandom(9));
        Assert.Equal(greedy, top1); // top-1 sampling is greedy whatever the temperature

        // Hot sampling over many seeds: seeded (the same seed, the same tokens) and not always greedy.
        bool differs = false;
        for (int seed = 0; seed < 20; seed++)
        {
            model.Generate(input, output, a, 3f, 0, new SeededRandom(seed));
            model.Generate(input, output, b, 3f, 0, new SeededRandom(seed));
            Assert.Equal(a, b);
            differs |= !a.SequenceEqual(greedy);
        }

        Assert.True(differs);
    }

    [Fact]
    public void Token_sampler_respects_top_k_and_temperature()
    {
        float[] p = { 0.1f, 0.5f, 0.05f, 0.35f };
        var random = new SeededRandom(3);
        int[] counts = new int[4];
        for (int i = 0; i < 4000; i++)
        {
            counts[Rnn.Gen.Decoding.TokenSampler.Sample(p, 1f, 2, random)]++;
        }

        Assert.Equal(0, counts[0] + counts[2]);                     // outside the top 2
        Assert.InRange(counts[1] / 4000.0, 0.5 / 0.85 - 0.03, 0.5 / 0.85 + 0.03); // renormalized over the top 2
        Assert.Throws<ArgumentOutOfRangeException>(() => Rnn.Gen.Decoding.TokenSampler.Sample(p, 0f, 0, random));
    }

    private static void Check(double numeric, double analytic, string what)
    {
        double tolerance = 5e-4 + 5e-3 * Math.Abs(numeric);
        Assert.True(Math.Abs(numeric - analytic) <= tolerance, $"{what}: finite difference {numeric:G6}, backward {analytic:G6}");
    }
}
