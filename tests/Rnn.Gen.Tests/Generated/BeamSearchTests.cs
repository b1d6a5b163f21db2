using System;
using System.Linq;
using Rnn.Gen.Decoding;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// <c>BeamSearch</c> of token decoders: width 1 is greedy decoding bit for bit; a width that keeps every hypothesis finds
/// the most probable sequence found by enumerating all of them (scored by teacher forcing), with and without an end
/// token and GNMT's length penalty; deterministic and allocation-free once reserved.
/// </summary>
public class BeamSearchTests
{
    [Fact]
    public void Width_one_is_greedy_decoding_bit_for_bit()
    {
        var random = new SeededRandom(21);
        for (int sample = 0; sample < 20; sample++)
        {
            int[] greedy = new int[6], beam = new int[6];
            var seq = new EndTokenSeq2Seq();
            seq.Initialize(sample);
            seq.GetParameter("2.bias")[2] += 0.05f * sample; // from never meeting the end token to meeting it early
            float[] input = GradientCheckTests.RandomVector(random, 15, 1f);
            int count = seq.Generate(input, new float[24], greedy, 0f, 0, new SeededRandom(1));
            Assert.Equal(count, seq.BeamSearch(input, beam, 1));
            Assert.Equal(greedy, beam);

            var tokens = new Seq2SeqTokens();
            tokens.Initialize(sample);
            float[] longer = GradientCheckTests.RandomVector(random, 15, 1f);
            greedy = new int[4];
            beam = new int[4];
            tokens.Generate(longer, new float[20], greedy, 0f, 0, new SeededRandom(1));
            Assert.Equal(4, tokens.BeamSearch(longer, beam, 1, 0.6f));
            Assert.Equal(greedy, beam);

            // A padded sample: Predict's greedy tokens over its first 3 steps.
            float[] predicted = new float[20];
            tokens.Predict(longer, predicted, 3);
            tokens.BeamSearch(longer, beam, 1, 0f, 3);
            Assert.Equal(Enumerable.Range(0, 4).Select(t => TokenSampler.MostProbable(predicted.AsSpan(t * 5, 5))), beam);

            var oneToMany = new OneToManyTokens();
            oneToMany.Initialize(sample);
            float[] condition = GradientCheckTests.RandomVector(random, 4, 1f);
            greedy = new int[6];
            beam = new int[6];
            oneToMany.Generate(condition, new float[30], greedy, 0f, 0, new SeededRandom(1));
            oneToMany.BeamSearch(condition, beam, 1);
            Assert.Equal(greedy, beam);

            var embedded = new EndTokenTranslator();
            embedded.Initialize(sample);
            float[] ids = Enumerable.Range(0, 6).Select(_ => (float)random.NextInt(9)).ToArray();
            greedy = new int[5];
            beam = new int[5];
            count = embedded.Generate(ids, new float[35], greedy, 0f, 0, new SeededRandom(1));
            Assert.Equal(count, embedded.BeamSearch(ids, beam, 1));
            Assert.Equal(greedy, beam);
        }
    }

    /// <summary>The log-probability of <paramref name="tokens"/>' first <paramref name="length"/> steps, by teacher forcing.</summary>
    private static double LogProbability(IRnnModel model, float[] input, int[] tokens, int length)
    {
        float[] output = new float[model.OutputSteps * model.OutputSize];
        model.ForwardTeacherForced(input, DecoderEmbeddingTests.OneHot(tokens, model.OutputSize), output, model.Steps);
        double sum = 0;
        for (int t = 0; t < length; t++)
        {
            sum += Math.Log(output[(t * model.OutputSize) + tokens[t]]);
        }

        return sum;
    }

    /// <summary>Every token sequence of the model's output length, and the hypothesis each is (through its first end token).</summary>
    private static (int[] Tokens, int Length, double LogP)[] Hypotheses(IRnnModel model, float[] input, int endToken)
    {
        int steps = model.OutputSteps, vocabulary = model.OutputSize;
        int count = (int)Math.Pow(vocabulary, steps);
        var all = new (int[], int, double)[count];
        for (int n = 0; n < count; n++)
        {
            int[] tokens = new int[steps];
            for (int t = 0, rest = n; t < steps; t++, rest /= vocabulary)
            {
                tokens[t] = rest % vocabulary;
            }

            int length = endToken < 0 ? steps : SequenceEnd.Steps(tokens, endToken);
            all[n] = (tokens, length, LogProbability(model, input, tokens, length));
        }

        return all;
    }

    [Fact]
    public void A_width_that_keeps_every_hypothesis_finds_the_most_probable_sequence()
    {
        var model = new Seq2SeqTokens();
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(4), 15, 1f);
        bool greedyMissed = false;
        for (int seed = 0; seed < 12; seed++)
        {
            model.Initialize(seed);
            foreach (ref float p in model.Parameters)
            {
                p *= 3f; // sharper distributions, where the greedy choice at one step can cost more later
            }

            var best = Hypotheses(model, input, -1).MaxBy(h => h.LogP);
            int[] tokens = new int[4], greedy = new int[4];
            Assert.Equal(4, model.BeamSearch(input, tokens, 625));
            Assert.Equal(best.Tokens, tokens);
            model.BeamSearch(input, greedy, 1);
            greedyMissed |= !greedy.SequenceEqual(best.Tokens);
        }

        Assert.True(greedyMissed, "some case should be one where searching matters"); // else the search is untested
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(1f, 0f)]
    [InlineData(2f, 0f)]
    [InlineData(0f, 0.5f)]
    [InlineData(1f, 0.5f)]
    [InlineData(2f, 0.5f)]
    public void With_an_end_token_it_finds_the_best_hypothesis_by_gnmt_length_penalty(float alpha, float endBias)
    {
        var model = new EndTokenSeq2Seq();
        model.Initialize(3);
        model.GetParameter("2.bias")[2] += endBias;
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(6), 15, 1f);
        var hypotheses = Hypotheses(model, input, 2);
        var best = hypotheses.MaxBy(h => h.LogP / Math.Pow((5.0 + h.Length) / 6.0, alpha));
        int[] tokens = new int[6];
        int length = model.BeamSearch(input, tokens, 4096, alpha);
        Assert.Equal(best.Length, length);
        Assert.Equal(best.Tokens.Take(length), tokens.Take(length));
        Assert.All(tokens.Skip(length), t => Assert.Equal(-1, t));
    }

    [Fact]
    public void Beam_search_is_deterministic_and_allocation_free_once_reserved()
    {
        var model = new EndTokenTranslator();
        model.Initialize(1);
        float[] ids = { 3, 8, 0, 5, 5, 2 };
        model.ReserveBeam(5);
        int[] first = new int[5], again = new int[5];
        int length = model.BeamSearch(ids, first, 5, 0.6f);
        void RunAll()
        {
            model.BeamSearch(ids, again, 5, 0.6f);
            model.BeamSearch(ids, again, 1);
            model.BeamSearch(ids, again, 3, 0f, 4);
        }

        Assert.Equal(0, AllocationTests.FewestAllocatedBytes(RunAll));
        Assert.Equal(length, model.BeamSearch(ids, again, 5, 0.6f));
        model.BeamSearch(ids, again, 5, 0.6f);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Bad_arguments_throw_before_decoding()
    {
        var model = new Seq2SeqTokens();
        model.Initialize(1);
        float[] input = new float[15];
        Assert.Throws<ArgumentOutOfRangeException>(() => model.BeamSearch(input, new int[4], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.BeamSearch(input, new int[4], 2, -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.BeamSearch(input, new int[4], 2, float.NaN));
        Assert.Throws<ArgumentException>(() => model.BeamSearch(input, new int[3], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.BeamSearch(input, new int[4], 2, 0f, 0));
    }
}
