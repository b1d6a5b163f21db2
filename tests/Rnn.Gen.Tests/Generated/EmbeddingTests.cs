using System;
using System.Linq;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Tests.Models;
using Rnn.Gen.Training;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Models whose first layer is an Embedding: token-id entry points, their checks, the gradient of the table (finite
/// differences), the padding row, streaming, the batch path and training from a token dataset.
/// </summary>
public class EmbeddingTests
{
    private static int[] RandomTokens(SeededRandom random, int count, int vocabulary) =>
        Enumerable.Range(0, count).Select(_ => random.NextInt(vocabulary)).ToArray();

    [Fact]
    public void Token_overloads_equal_the_float_members_reading_the_same_ids()
    {
        var model = new TokenGruClassifier();
        model.Initialize(3);
        int[] tokens = { 4, 0, 22, 7, 7, 1, 13, 0, 5 };
        float[] ids = tokens.Select(t => (float)t).ToArray();
        float[] byInt = new float[3], byFloat = new float[3];
        model.Predict(tokens, byInt);
        model.Predict(ids, byFloat);
        Assert.Equal(byFloat, byInt);
        Assert.Equal(TokenGruClassifier.VocabularySize, 23);
        Assert.Equal(1, TokenGruClassifier.InputSize);

        model.Forward(tokens, byInt, 5);
        model.Forward(ids, byFloat, 5);
        Assert.Equal(byFloat, byInt);
    }

    [Fact]
    public void Predict_is_the_rows_of_the_table_through_the_layers_above()
    {
        // Setting a row by hand changes exactly the outputs of the samples that use its token.
        var model = new TokenGruClassifier();
        model.Initialize(5);
        int[] with9 = { 1, 2, 9, 3, 4, 5, 6, 7, 8 }, without9 = { 1, 2, 10, 3, 4, 5, 6, 7, 8 };
        float[] a = new float[3], b = new float[3], a2 = new float[3], b2 = new float[3];
        model.Predict(with9, a);
        model.Predict(without9, b);
        model.GetParameter("0.weight").Slice(9 * 6, 6).Fill(0.5f);
        model.Predict(with9, a2);
        model.Predict(without9, b2);
        Assert.NotEqual(a, a2);
        Assert.Equal(b, b2);
    }

    [Fact]
    public void An_id_outside_the_vocabulary_throws_naming_its_place_before_anything_is_written()
    {
        var model = new TokenGruClassifier();
        model.Initialize(1);
        float[] output = { 9f, 9f, 9f };
        int[] tokens = { 4, 0, 22, 23, 7, 1, 13, 0, 5 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(tokens, output));
        Assert.Equal("input", error.ParamName);
        Assert.Contains("input[3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("token id 23", error.Message, StringComparison.Ordinal);
        Assert.Contains("23 tokens", error.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { 9f, 9f, 9f }, output);

        tokens[3] = -1;
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(tokens, output));
        Assert.Equal(new[] { 9f, 9f, 9f }, output);

        // Through the float members (the trainer's path), an id must also be a whole number.
        float[] ids = { 4, 0, 2.5f, 3, 7, 1, 13, 0, 5 };
        error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(ids, output));
        Assert.Contains("input[2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("2.5", error.Message, StringComparison.Ordinal);

        // Padding past the valid length is not read, whatever it holds.
        tokens = new[] { 4, 0, 22, 3, -7, 99, -1, 1000, 5 };
        model.Predict(tokens, output, length: 4);
        Assert.NotEqual(9f, output[0]);
    }

    [Fact]
    public void Token_models_have_no_input_gradient()
    {
        var model = new TokenGruClassifier();
        model.Initialize(1);
        float[] output = new float[3];
        model.Forward(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, output);
        var error = Assert.Throws<InvalidOperationException>(() => model.Backward(new float[3], new float[9]));
        Assert.Contains("token ids", error.Message, StringComparison.Ordinal);
        model.Backward(new float[3]); // the overload without it works
    }

    [Fact]
    public void The_table_gradient_matches_finite_differences_and_the_padding_row_gets_none()
    {
        var model = new TokenGruClassifier();
        model.Initialize(7);
        int[] tokens = { 3, 0, 5, 3, 22, 0, 9, 1, 5 }; // 3 and 5 twice, 0 (padding) twice
        float[] dOutput = { 0.7f, -1.1f, 0.4f };
        float[] output = new float[3];
        model.ZeroGradients();
        model.Forward(tokens, output);
        model.Backward(dOutput);
        float[] analytic = model.Gradients.ToArray();
        float[] ids = tokens.Select(t => (float)t).ToArray(); // the float members read ids, as the trainer passes them
        foreach (int row in new[] { 0, 1, 2, 3, 5, 9, 22 })
        {
            for (int j = 0; j < 6; j++)
            {
                int index = (row * 6) + j;
                double numeric = GradientCheckTests.ParameterDifference(model, null, ids, dOutput, index, 1e-2f);
                if (row == 0 || row == 2)
                {
                    Assert.Equal(0f, analytic[index]); // the padding row, and a token that does not occur
                }
                else
                {
                    GradientCheckTests.AssertClose(numeric, analytic[index], $"d/d 0.weight[{row}, {j}]");
                }
            }
        }
    }

    [Fact]
    public void Initialization_is_normal_with_the_padding_row_zero_and_seeded()
    {
        var a = new TokenGruClassifier();
        var b = new TokenGruClassifier();
        a.Initialize(42);
        b.Initialize(42);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        float[] table = a.GetParameter("0.weight").ToArray();
        Assert.All(table.Take(6), v => Assert.Equal(0f, v));
        float[] rest = table.Skip(6).ToArray();
        double mean = rest.Average(v => (double)v), variance = rest.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.35, 0.35);       // 132 draws of N(0, 1): the mean's standard error is 0.09
        Assert.InRange(Math.Sqrt(variance), 0.75, 1.25);
        Assert.Contains(rest, v => Math.Abs(v) > 1.2f); // not the uniform ±1/√d of the other layers
    }

    [Fact]
    public void Step_on_tokens_equals_predict_on_every_prefix()
    {
        var model = new TokenLstmTagger();
        model.Initialize(9);
        int[] tokens = { 16, 3, 0, 3, 8, 11, 2, 5 };
        float[] whole = new float[8 * 4];
        model.Predict(tokens, whole);
        model.ResetState();
        float[] step = new float[4];
        for (int t = 0; t < tokens.Length; t++)
        {
            model.Step(tokens[t], step);
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(whole[(t * 4) + j], step[j], 5);
            }
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Step(17, step));
        Assert.Contains("token id 17", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_batch_path_on_tokens_is_forward_and_backward_sample_after_sample_bit_for_bit()
    {
        var batchModel = new TokenGruClassifier();
        var single = new TokenGruClassifier();
        batchModel.Initialize(4);
        single.Initialize(4);
        var random = new SeededRandom(2);
        const int count = 5;
        int[] tokens = RandomTokens(random, count * 9, 23);
        int[] lengths = { 9, 3, 7, 9, 1 };
        float[] outputs = new float[count * 3], gradients = Enumerable.Range(0, count * 3).Select(i => (float)Math.Sin(i)).ToArray();
        batchModel.ZeroGradients();
        batchModel.ForwardBatch(tokens, outputs, lengths);
        batchModel.BackwardBatch(gradients);

        single.ZeroGradients();
        float[] output = new float[3];
        for (int b = 0; b < count; b++)
        {
            single.Forward(tokens.AsSpan(b * 9, 9), output, lengths[b]);
            Assert.Equal(outputs.AsSpan(b * 3, 3).ToArray(), output);
            single.Backward(gradients.AsSpan(b * 3, 3));
        }

        Assert.Equal(single.Gradients.ToArray(), batchModel.Gradients.ToArray());
        Assert.Throws<InvalidOperationException>(() => batchModel.BackwardBatch(gradients, new float[count * 9]));

        tokens[(3 * 9) + 4] = 23;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => batchModel.ForwardBatch(tokens, outputs, lengths));
        Assert.Contains("sample 3, step 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bidirectional_token_model_predicts_and_refuses_to_stream()
    {
        var model = new TokenBidirectional();
        model.Initialize(2);
        float[] output = new float[2];
        model.Predict(new[] { 1, 2, 3, 4, 5, 6, 10 }, output);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
        Assert.Throws<InvalidOperationException>(() => model.Step(1, output));
    }

    [Fact]
    public void The_trainer_learns_from_a_token_dataset_and_never_moves_the_padding_row()
    {
        // Label: which of tokens 1, 2 or 3 occurs in a sequence of filler tokens (4..22), padded with 0 at the end.
        var random = new SeededRandom(8);
        const int count = 240;
        int[] tokens = new int[count * 9], labels = new int[count], lengths = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 3;
            lengths[n] = 4 + random.NextInt(6);
            for (int t = 0; t < 9; t++)
            {
                tokens[(n * 9) + t] = t < lengths[n] ? 4 + random.NextInt(19) : 0;
            }

            tokens[(n * 9) + random.NextInt(lengths[n])] = 1 + labels[n];
        }

        var model = new TokenGruClassifier();
        model.Initialize(1);
        Dataset data = Dataset.ForClassifier(model, tokens, labels).WithLengths(lengths);
        using var trainer = new Trainer(model, new Adam(learningRate: 0.02f), CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions { Epochs = 12, BatchSize = 16, Seed = 3 });
        TrainingResult result = trainer.Fit(data);
        Assert.True(result.History[^1].TrainingAccuracy > 0.9, $"accuracy {result.History[^1].TrainingAccuracy}");
        Assert.All(model.GetParameter("0.weight").Slice(0, 6).ToArray(), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentException>(() => Dataset.ForClassifier(new GruToDense(), tokens, labels));
    }

    [Fact]
    public void The_token_entry_points_allocate_zero_bytes()
    {
        var model = new TokenGruClassifier();
        model.Initialize(5);
        int[] tokens = { 4, 0, 22, 7, 7, 1, 13, 0, 5 }, batch = tokens.Concat(tokens).Concat(tokens).ToArray();
        float[] output = new float[3], outputs = new float[9];
        void RunAll()
        {
            model.Predict(tokens, output);
            model.ZeroGradients();
            model.Forward(tokens, output, 6);
            model.Backward(output);
            model.Step(7, output);
            model.ForwardBatch(batch, outputs);
            model.BackwardBatch(outputs);
        }

        Assert.Equal(0, AllocationTests.FewestAllocatedBytes(RunAll)); // past tiering, then the fewest bytes of three rounds
    }

    [Fact]
    public void Embeddings_penalties_add_their_gradient_to_the_table_and_leave_the_padding_row_at_zero()
    {
        var model = new TokenPenalized();
        model.Initialize(2);
        float[] table = model.GetParameter("0.weight").ToArray();
        model.ZeroGradients();
        float penalty = model.ApplyRegularization();
        float[] gradient = model.Gradients.Slice(0, table.Length).ToArray();
        double expected = 0;
        for (int i = 0; i < table.Length; i++)
        {
            expected += (0.01 * Math.Abs(table[i])) + (0.1 * table[i] * table[i]);
            float wanted = (0.01f * MathF.Sign(table[i])) + (2f * 0.1f * table[i]);
            Assert.Equal(wanted, gradient[i], 5);
        }

        Assert.True(Math.Abs(penalty - expected) <= 1e-4 * Math.Max(1, expected), $"penalty {penalty}, expected {expected}");
        Assert.All(gradient.Take(3), g => Assert.Equal(0f, g)); // the padding row is zero, so is its penalty's gradient
    }
}
