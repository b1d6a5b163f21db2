using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// A decoder whose first layer is an Embedding: it reads the start token at the first step, then the id of each chosen
/// token (greedy, sampled) or, with teacher forcing, of each target row; the gradient reaches both tables.
/// </summary>
public class DecoderEmbeddingTests
{
    private static readonly int[] Source = { 3, 8, 0, 5, 5, 2 };

    internal static float[] OneHot(ReadOnlySpan<int> tokens, int size)
    {
        float[] rows = new float[tokens.Length * size];
        for (int t = 0; t < tokens.Length; t++)
        {
            rows[(t * size) + tokens[t]] = 1f;
        }

        return rows;
    }

    [Fact]
    public void Greedy_decoding_reads_what_teacher_forcing_on_its_own_tokens_reads()
    {
        var model = new TokenTranslator();
        model.Initialize(6);
        float[] greedy = new float[5 * 7];
        model.Predict(Source, greedy);
        int[] tokens = Enumerable.Range(0, 5).Select(t => Rnn.Gen.Decoding.TokenSampler.MostProbable(greedy.AsSpan(t * 7, 7))).ToArray();

        // Teacher forcing on the greedy tokens feeds the decoder the same ids: the same outputs, bit for bit.
        float[] forced = new float[5 * 7];
        model.ForwardTeacherForced(Source.Select(t => (float)t).ToArray(), OneHot(tokens, 7), forced);
        Assert.Equal(greedy, forced);

        // Generate at temperature 0 chooses the same tokens.
        int[] generated = new int[5];
        model.Generate(Source.Select(t => (float)t).ToArray(), new float[5 * 7], generated, 0f, 0, new SeededRandom(1));
        Assert.Equal(tokens, generated);
    }

    [Fact]
    public void The_first_step_reads_the_start_token_row()
    {
        var model = new TokenTranslator();
        model.Initialize(2);
        float[] before = new float[5 * 7], after = new float[5 * 7];
        model.Predict(Source, before);
        model.GetParameter("2.weight").Slice(1 * 3, 3).Fill(0.9f); // the decoder table's row of the start token
        model.Predict(Source, after);
        Assert.NotEqual(before.AsSpan(0, 7).ToArray(), after.AsSpan(0, 7).ToArray());

        model.Initialize(2);
        model.GetParameter("2.weight").Slice(0, 3).Fill(0.9f); // a row the first step does not read
        model.Predict(Source, after);
        Assert.Equal(before.AsSpan(0, 7).ToArray(), after.AsSpan(0, 7).ToArray());
    }

    [Fact]
    public void Teacher_forced_gradients_of_both_tables_match_finite_differences()
    {
        var model = new TokenTranslator();
        model.Initialize(4);
        float[] input = Source.Select(t => (float)t).ToArray();
        float[] targets = OneHot(new[] { 4, 0, 6, 2, 4 }, 7);
        var random = new SeededRandom(5);
        float[] dOutput = Enumerable.Range(0, 35).Select(_ => (2f * random.NextSingle()) - 1f).ToArray();
        float[] output = new float[35];
        model.ZeroGradients();
        model.ForwardTeacherForced(input, targets, output);
        model.Backward(dOutput);
        float[] analytic = model.Gradients.ToArray();

        double Loss()
        {
            float[] y = new float[35];
            model.ForwardTeacherForced(input, targets, y);
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                sum += y[i] * (double)dOutput[i];
            }

            return sum;
        }

        int checkedCount = 0;
        foreach (ParameterInfo tensor in TokenTranslator.ParameterLayout)
        {
            int stride = Math.Max(1, tensor.Length / 12);
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
                Assert.True(Math.Abs(numeric - analytic[index]) <= 5e-4 + (5e-3 * Math.Abs(numeric)),
                    $"d/d {tensor.Name}[{k}]: numeric {numeric}, analytic {analytic[index]}");
                checkedCount++;
            }
        }

        Assert.True(checkedCount > 40);

        // The decoder table's rows that no step reads get nothing: ids 3 and 5 are neither the start token nor a target fed back.
        ParameterInfo table = TokenTranslator.ParameterLayout.Single(p => p.Name == "2.weight");
        Assert.All(analytic.AsSpan(table.Offset + (3 * 3), 3).ToArray(), g => Assert.Equal(0f, g));
        Assert.All(analytic.AsSpan(table.Offset + (5 * 3), 3).ToArray(), g => Assert.Equal(0f, g));
        Assert.Contains(analytic.AsSpan(table.Offset + (1 * 3), 3).ToArray(), g => g != 0f);
    }
}
