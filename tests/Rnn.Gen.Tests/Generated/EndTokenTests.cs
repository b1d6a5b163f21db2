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
/// <c>[Decoder(n, EndToken = k)]</c>: decoding stops at the end token (later rows zero, later tokens -1); teacher
/// forcing masks the steps after the target's end (zero outputs, no gradient), and the trainer's loss counts the
/// steps through it alone.
/// </summary>
public class EndTokenTests
{
    private const int End = 2;

    [Fact]
    public void Teacher_forcing_masks_the_steps_after_the_targets_end()
    {
        var model = new EndTokenSeq2Seq();
        model.Initialize(4);
        var random = new SeededRandom(3);
        float[] input = GradientCheckTests.RandomVector(random, 15, 1f);
        int[] target = { 1, 3, End, 0, 1, 3 }; // ends at step 2
        float[] targets = DecoderEmbeddingTests.OneHot(target, 4), output = new float[24];
        model.ForwardTeacherForced(input, targets, output);
        Assert.All(output.Skip(12), v => Assert.Equal(0f, v));
        Assert.All(output.Take(12).Chunk(4), row => Assert.True(Math.Abs(row.Sum() - 1f) < 1e-5f));

        // Backward gives the steps after the end no gradient: the same gradients as with those rows of dOutput zero.
        float[] dOutput = GradientCheckTests.RandomVector(random, 24, 1f);
        model.ZeroGradients();
        model.Backward(dOutput);
        float[] masked = model.Gradients.ToArray();
        float[] zeroed = (float[])dOutput.Clone();
        Array.Clear(zeroed, 12, 12);
        model.ForwardTeacherForced(input, targets, output);
        model.ZeroGradients();
        model.Backward(zeroed);
        Assert.Equal(model.Gradients.ToArray(), masked);
        Assert.Contains(masked, g => g != 0f);

        // And they are the gradients of the masked output: central differences of sum(y ⊙ dOutput).
        double Loss()
        {
            float[] y = new float[24];
            model.ForwardTeacherForced(input, targets, y);
            return y.Select((v, i) => (double)v * dOutput[i]).Sum();
        }

        const float h = 1e-2f;
        for (int i = 0; i < model.Parameters.Length; i += 3)
        {
            float saved = model.Parameters[i];
            model.Parameters[i] = saved + h;
            double plus = Loss();
            model.Parameters[i] = saved - h;
            double minus = Loss();
            model.Parameters[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - masked[i]) <= 2e-3 + (2e-2 * Math.Abs(numeric)), $"parameter {i}: numeric {numeric}, analytic {masked[i]}");
        }
    }

    /// <summary>
    /// An initialization seed, an input (from seeded random ones) and a raise of the end token's head bias with which
    /// greedy decoding chooses the end token after at least one other token and before the last step; the model is
    /// left so.
    /// </summary>
    private static float[] InputThatEndsEarly(IRnnModel model, string bias, Func<float[], int> decode, int floats, int steps, Func<SeededRandom, int, float[]> draw)
    {
        var random = new SeededRandom(11);
        for (int seed = 0; seed < 20; seed++)
        {
            for (int attempt = 0; attempt < 5; attempt++)
            {
                float[] input = draw(random, floats);
                for (int raise = 0; raise < 100; raise++)
                {
                    model.Initialize(seed);
                    ParameterInfo info = model.ParameterLayout.Single(p => p.Name == bias);
                    model.Parameters[info.Offset + End] += raise * 0.05f;
                    int count = decode(input);
                    if (count > 1 && count < steps)
                    {
                        return input;
                    }
                }
            }
        }

        throw new InvalidOperationException("No model and input decode to an end token mid-sequence; change the seeds.");
    }

    [Fact]
    public void Greedy_decoding_stops_at_the_end_token()
    {
        var model = new EndTokenSeq2Seq();
        model.Initialize(9);
        int[] tokens = new int[6];
        float[] output = new float[24];
        float[] input = InputThatEndsEarly(model, "2.bias", x => model.Generate(x, output, tokens, 0f, 0, new SeededRandom(1)), 15, 6,
            (r, n) => GradientCheckTests.RandomVector(r, n, 1f));
        int count = model.Generate(input, output, tokens, 0f, 0, new SeededRandom(1));
        Assert.Equal(End, tokens[count - 1]);
        Assert.DoesNotContain(End, tokens.Take(count - 1));
        Assert.All(tokens.Skip(count), t => Assert.Equal(-1, t));
        Assert.All(output.Skip(count * 4), v => Assert.Equal(0f, v));

        // Predict writes the same rows; teacher forcing on its own tokens (the end token's row repeated after it)
        // gives the same rows up to the end, bit for bit, and masks the rest.
        float[] predicted = new float[24];
        model.Predict(input, predicted);
        Assert.Equal(output, predicted);
        int[] fed = tokens.Select(t => t < 0 ? End : t).ToArray();
        float[] forced = new float[24];
        model.ForwardTeacherForced(input, DecoderEmbeddingTests.OneHot(fed, 4), forced);
        Assert.Equal(predicted, forced);

        // Free-running Forward decodes the same way and masks the same steps.
        float[] forward = new float[24];
        model.Forward(input, forward);
        Assert.Equal(predicted, forward);
    }

    [Fact]
    public void An_embedding_decoder_stops_at_the_end_token()
    {
        var model = new EndTokenTranslator();
        model.Initialize(5);
        int[] tokens = new int[5];
        float[] output = new float[35];
        float[] input = InputThatEndsEarly(model, "4.bias", x => model.Generate(x, output, tokens, 0f, 0, new SeededRandom(1)), 6, 5,
            (r, n) => Enumerable.Range(0, n).Select(_ => (float)r.NextInt(9)).ToArray());
        int count = model.Generate(input, output, tokens, 0f, 0, new SeededRandom(1));
        Assert.Equal(End, tokens[count - 1]);
        Assert.All(tokens.Skip(count), t => Assert.Equal(-1, t));
        Assert.All(output.Skip(count * 7), v => Assert.Equal(0f, v));
        float[] forced = new float[35];
        model.ForwardTeacherForced(input, DecoderEmbeddingTests.OneHot(tokens.Select(t => t < 0 ? End : t).ToArray(), 7), forced);
        Assert.Equal(output, forced);
    }

    [Fact]
    public void The_trainers_loss_counts_the_steps_through_the_targets_end()
    {
        var model = new EndTokenSeq2Seq();
        model.Initialize(2);
        Assert.Equal(End, ((IRnnModel)model).EndToken);
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(8), 15, 1f);
        int[] target = { 3, 1, End, 3, 3, 3 };
        Dataset data = Dataset.ForClassifier(model, input, target);
        var trainer = new Trainer(model, new Sgd(0.1f), CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions { Epochs = 1, BatchSize = 1 });
        double loss = trainer.Evaluate(data).Loss;

        float[] output = new float[24];
        model.Predict(input, output);
        double expected = -Enumerable.Range(0, 3).Select(t => Math.Log(Math.Max(output[(t * 4) + target[t]], 1e-7f))).Sum() / 3;
        Assert.Equal(expected, loss, 1e-6);
        Assert.Equal(3, SequenceEnd.Steps(target, End));
        Assert.Equal(6, SequenceEnd.Steps(new[] { 0, 1, 3, 3, 3, 3 }, End));
        Assert.Equal(3, SequenceEnd.Steps(DecoderEmbeddingTests.OneHot(target, 4), 4, End));
    }
}
