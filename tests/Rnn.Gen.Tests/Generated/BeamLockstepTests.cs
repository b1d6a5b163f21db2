using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Decoding;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// <c>BeamSearch</c> with every live beam stepped in lockstep (one read of each weight per step for all the beams): the
/// hypotheses of a plain beam search written here, one beam after another, each step's probabilities from teacher
/// forcing of the beam's tokens; width 1 is greedy decoding bit for bit with attention too; <c>AttentionWeights</c>
/// after a search are the returned hypothesis's, and a predictor exposes its own; allocation-free once reserved.
/// </summary>
public class BeamLockstepTests
{
    /// <summary>One-hot rows of <paramref name="tokens"/>, zero rows for -1 (after the end).</summary>
    private static float[] OneHot(int[] tokens, int size)
    {
        float[] rows = new float[tokens.Length * size];
        for (int t = 0; t < tokens.Length; t++)
        {
            if (tokens[t] >= 0)
            {
                rows[(t * size) + tokens[t]] = 1f;
            }
        }

        return rows;
    }

    /// <summary>p(· | the first <paramref name="step"/> tokens of <paramref name="prefix"/>) at step <paramref name="step"/>, by teacher forcing.</summary>
    private static float[] StepProbabilities(IRnnModel model, float[] input, int length, List<int> prefix, int step)
    {
        int[] tokens = new int[model.OutputSteps];
        Array.Fill(tokens, -1);
        prefix.CopyTo(tokens);
        float[] output = new float[model.OutputSteps * model.OutputSize];
        model.ForwardTeacherForced(input, OneHot(tokens, model.OutputSize), output, length);
        return output.AsSpan(step * model.OutputSize, model.OutputSize).ToArray();
    }

    /// <summary>
    /// Beam search written plainly, beam after beam (the rule the runtime documents, fairseq's): the candidates of every
    /// live beam ranked by score (ties: the lower beam, then the lower token), the first 2 × width walked (width without an
    /// end token), an end candidate finishing a hypothesis when it ranks among the first width, the others continuing
    /// until width beams live; at the last step the live beams finish; the best by score over GNMT's length penalty.
    /// </summary>
    private static (int[] Tokens, int Length, double Score) Reference(IRnnModel model, float[] input, int length, int width, double alpha)
    {
        int endToken = model.EndToken ?? -1;
        int steps = model.OutputSteps;
        var beams = new List<(List<int> Tokens, double Score)> { (new List<int>(), 0) };
        var finished = new List<(List<int> Tokens, double Score, double Rank)>();
        for (int step = 0; step < steps && beams.Count > 0 && finished.Count < width; step++)
        {
            var candidates = new List<(double Score, int Beam, int Token)>();
            for (int b = 0; b < beams.Count; b++)
            {
                float[] p = StepProbabilities(model, input, length, beams[b].Tokens, step);
                for (int token = 0; token < p.Length; token++)
                {
                    candidates.Add((beams[b].Score + Math.Log(p[token]), b, token));
                }
            }

            var ranked = candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Beam).ThenBy(c => c.Token).Take(endToken < 0 ? width : 2 * width).ToList();
            var next = new List<(List<int> Tokens, double Score)>();
            for (int rank = 0; rank < ranked.Count && next.Count < width; rank++)
            {
                (double score, int beam, int token) = ranked[rank];
                var tokens = new List<int>(beams[beam].Tokens) { token };
                if (token == endToken)
                {
                    if (rank < width && finished.Count < width)
                    {
                        finished.Add((tokens, score, score / BeamSearch.LengthPenalty(tokens.Count, alpha)));
                    }

                    continue;
                }

                next.Add((tokens, score));
            }

            beams = next;
            if (step == steps - 1)
            {
                foreach (var (tokens, score) in beams.Where(_ => finished.Count < width).ToList())
                {
                    finished.Add((tokens, score, score / BeamSearch.LengthPenalty(tokens.Count, alpha)));
                }
            }
        }

        var best = finished[0];
        foreach (var hypothesis in finished.Skip(1))
        {
            best = hypothesis.Rank > best.Rank ? hypothesis : best;
        }

        int[] result = Enumerable.Repeat(-1, steps).ToArray();
        best.Tokens.CopyTo(result);
        return (result, best.Tokens.Count, best.Score);
    }

    /// <summary>The log-probability of the first <paramref name="count"/> tokens, by teacher forcing.</summary>
    private static double LogProbability(IRnnModel model, float[] input, int length, int[] tokens, int count)
    {
        float[] output = new float[model.OutputSteps * model.OutputSize];
        model.ForwardTeacherForced(input, OneHot(tokens, model.OutputSize), output, length);
        double sum = 0;
        for (int t = 0; t < count; t++)
        {
            sum += Math.Log(output[(t * model.OutputSize) + tokens[t]]);
        }

        return sum;
    }

    /// <summary>Seeded token decoders, each with an input: with and without attention, an end token, an Embedding, an Elman layer; sharpened so that searching matters.</summary>
    private sealed record Case(string Name, IRnnModel Model, Func<int[], int, float, int, int> Search, float[] Input, int Length, Func<float[]>? Weights = null);

    private static IEnumerable<Case> Cases()
    {
        for (int seed = 0; seed < 4; seed++)
        {
            var random = new SeededRandom(100 + seed);
            var general = new GeneralAttentionGru(); // one-hot token feedback, attention over a bidirectional GRU
            general.Initialize(seed);
            Sharpen(general.Parameters, 3f);
            yield return new($"GeneralAttentionGru {seed}", general, (t, w, a, l) => general.BeamSearch(GeneralInput(seed), t, w, a, l), GeneralInput(seed), 6 - (seed % 2), () => general.AttentionWeights.ToArray());

            var additive = new AdditiveAttentionTranslator(); // Embedding decoder, end token, additive attention
            additive.Initialize(seed);
            Sharpen(additive.Parameters, 2f);
            additive.GetParameter("5.bias")[2] += 0.6f * seed;
            float[] ids = Enumerable.Range(0, 7).Select(_ => (float)random.NextInt(12)).ToArray();
            yield return new($"AdditiveAttentionTranslator {seed}", additive, (t, w, a, l) => additive.BeamSearch(ids, t, w, a, l), ids, 7 - seed, () => additive.AttentionWeights.ToArray());

            var reverser = new ReverserWithAttention(); // Embedding decoder, general attention, no end token
            reverser.Initialize(seed);
            Sharpen(reverser.Parameters, 3f);
            float[] source = Enumerable.Range(0, 8).Select(_ => (float)random.NextInt(10)).ToArray();
            yield return new($"ReverserWithAttention {seed}", reverser, (t, w, a, l) => reverser.BeamSearch(source, t, w, a, l), source, 8, () => reverser.AttentionWeights.ToArray());

            var plain = new EndTokenSeq2Seq(); // no attention, one-hot feedback, an end token
            plain.Initialize(seed);
            Sharpen(plain.Parameters, 3f);
            plain.GetParameter("2.bias")[2] += 0.3f * seed;
            float[] values = GradientCheckTests.RandomVector(random, 15, 1f);
            yield return new($"EndTokenSeq2Seq {seed}", plain, (t, w, a, l) => plain.BeamSearch(values, t, w, a, l), values, 5);

            var embedded = new EndTokenTranslator(); // no attention, an Embedding decoder, an end token
            embedded.Initialize(seed);
            Sharpen(embedded.Parameters, 3f);
            float[] words = Enumerable.Range(0, 6).Select(_ => (float)random.NextInt(9)).ToArray();
            yield return new($"EndTokenTranslator {seed}", embedded, (t, w, a, l) => embedded.BeamSearch(words, t, w, a, l), words, 6);

            var elman = new ElmanTokenDecoder(); // an Elman decoder: one product over the beams' rows, then each beam's tanh
            elman.Initialize(seed);
            Sharpen(elman.Parameters, 3f);
            float[] series = GradientCheckTests.RandomVector(random, 12, 1f);
            yield return new($"ElmanTokenDecoder {seed}", elman, (t, w, a, l) => elman.BeamSearch(series, t, w, a, l), series, 4 - (seed % 2));
        }
    }

    private static float[] GeneralInput(int seed) => GradientCheckTests.RandomVector(new SeededRandom(200 + seed), 18, 1f);

    private static void Sharpen(Span<float> parameters, float factor)
    {
        foreach (ref float p in parameters)
        {
            p *= factor;
        }
    }

    [Fact]
    public void Lockstep_search_finds_the_hypotheses_of_a_plain_beam_by_beam_search()
    {
        int differsFromGreedy = 0, cases = 0;
        foreach ((string name, IRnnModel model, var search, float[] input, int length, _) in Cases())
        {
            foreach ((int width, float alpha) in new[] { (2, 0f), (3, 0.6f), (5, 0f), (5, 1f) })
            {
                var expected = Reference(model, input, length, width, alpha);
                int[] tokens = new int[model.OutputSteps], greedy = new int[model.OutputSteps];
                int count = search(tokens, width, alpha, length);
                Assert.True(expected.Tokens.SequenceEqual(tokens), $"{name}, width {width}, α {alpha}: [{string.Join(", ", tokens)}], expected [{string.Join(", ", expected.Tokens)}]");
                Assert.Equal(expected.Length, count);
                Assert.Equal(expected.Score, LogProbability(model, input, length, tokens, count), 9);
                search(greedy, 1, 0f, length);
                differsFromGreedy += greedy.SequenceEqual(tokens) ? 0 : 1;
                cases++;
            }
        }

        Assert.True(differsFromGreedy >= cases / 10, $"only {differsFromGreedy} of {cases} searches differ from greedy decoding: the cases do not test the search");
    }

    [Fact]
    public void Width_one_is_greedy_decoding_bit_for_bit_with_attention()
    {
        for (int seed = 0; seed < 10; seed++)
        {
            var general = new GeneralAttentionGru(); // one-hot token feedback
            general.Initialize(seed);
            float[] input = GeneralInput(seed);
            int[] greedy = new int[4], beam = new int[4];
            general.Generate(input, new float[20], greedy, 0f, 0, new SeededRandom(1));
            float[] greedyWeights = general.AttentionWeights.ToArray();
            Assert.Equal(4, general.BeamSearch(input, beam, 1));
            Assert.Equal(greedy, beam);
            Assert.Equal(greedyWeights, general.AttentionWeights.ToArray()); // bit for bit: the same steps

            var additive = new AdditiveAttentionTranslator(); // token feedback through an Embedding, an end token
            additive.Initialize(seed);
            additive.GetParameter("5.bias")[2] += 0.4f * seed;
            float[] ids = Enumerable.Range(0, 7).Select(i => (float)((i * 5 + seed) % 12)).ToArray();
            greedy = new int[5];
            beam = new int[5];
            int count = additive.Generate(ids, new float[45], greedy, 0f, 0, new SeededRandom(1));
            greedyWeights = additive.AttentionWeights.ToArray();
            Assert.Equal(count, additive.BeamSearch(ids, beam, 1));
            Assert.Equal(greedy, beam);
            Assert.Equal(greedyWeights, additive.AttentionWeights.ToArray());
        }
    }

    [Fact]
    public void Attention_weights_after_a_search_are_the_teacher_forced_weights_of_the_returned_tokens()
    {
        int beyondGreedy = 0;
        foreach ((string name, IRnnModel model, var search, float[] input, int length, var weights) in Cases().Where(c => c.Weights is not null))
        {
            foreach (int width in new[] { 1, 3, 5 })
            {
                int[] tokens = new int[model.OutputSteps], greedy = new int[model.OutputSteps];
                int count = search(tokens, width, 0.6f, length);
                float[] searched = weights!();
                model.ForwardTeacherForced(input, OneHot(tokens, model.OutputSize), new float[model.OutputSteps * model.OutputSize], length);
                float[] forced = weights!();
                int encoderSteps = searched.Length / model.OutputSteps;
                for (int i = 0; i < forced.Length; i++)
                {
                    if (i >= count * encoderSteps)
                    {
                        Assert.Equal(0f, searched[i]); // no rows after the returned hypothesis's end
                        forced[i] = 0f; // teacher forcing runs on over the steps after it
                    }

                    Assert.True(Math.Abs(forced[i] - searched[i]) <= 1e-5, $"{name}, width {width}: weight {i} is {searched[i]}, teacher forcing gives {forced[i]}");
                }

                search(greedy, 1, 0f, length);
                beyondGreedy += greedy.SequenceEqual(tokens) ? 0 : 1;
            }
        }

        Assert.True(beyondGreedy > 2, "the searches should return hypotheses other than greedy decoding's, whose weights the beams' steps overwrite");
    }

    [Fact]
    public void A_predictor_exposes_the_attention_weights_of_its_last_decoding()
    {
        var model = new AdditiveAttentionTranslator();
        model.Initialize(3);
        var predictor = model.CreatePredictor();
        float[] ids = { 4, 1, 7, 7, 0, 11, 3 };
        int[] tokens = new int[5], again = new int[5];
        float[] output = new float[45];

        model.Predict(ids, output);
        float[] predicted = model.AttentionWeights.ToArray();
        predictor.Predict(ids, output);
        Assert.Equal(predicted, predictor.AttentionWeights.ToArray());

        model.BeamSearch(ids, tokens, 4, 0.6f);
        float[] searched = model.AttentionWeights.ToArray();
        predictor.BeamSearch(ids, again, 4, 0.6f);
        Assert.Equal(tokens, again);
        Assert.Equal(searched, predictor.AttentionWeights.ToArray());

        model.Predict(new float[] { 9, 9, 2, 5, 6, 1, 0 }, output); // the model's own decoding leaves the predictor's alone
        Assert.Equal(searched, predictor.AttentionWeights.ToArray());
        Assert.NotEqual(searched, model.AttentionWeights.ToArray());
    }

    [Fact]
    public void Lockstep_search_with_attention_allocates_nothing_once_reserved()
    {
        var model = new AdditiveAttentionTranslator();
        model.Initialize(2);
        float[] ids = { 4, 1, 7, 7, 0, 11, 3 };
        int[] tokens = new int[5];
        model.ReserveBeam(5);
        void RunAll()
        {
            model.BeamSearch(ids, tokens, 5, 0.6f);
            model.BeamSearch(ids, tokens, 1);
            model.BeamSearch(ids, tokens, 3, 0f, 4);
        }

        Assert.Equal(0, AllocationTests.FewestAllocatedBytes(RunAll));
    }
}
