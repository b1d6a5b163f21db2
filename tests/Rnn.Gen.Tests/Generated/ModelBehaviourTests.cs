using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>The generated members behave as the contract says: shapes, streaming, state, errors, initialization.</summary>
public class ModelBehaviourTests
{
    public static TheoryData<string> Models => AllModels.AllData();

    [Fact]
    public void Forecaster_has_the_contract_constants_and_pytorch_state_dict_layout()
    {
        Assert.Equal(3, Forecaster.InputSize);
        Assert.Equal(50, Forecaster.Steps);
        Assert.Equal(1, Forecaster.OutputSize);
        Assert.Equal(1, Forecaster.OutputSteps);
        string[] expected =
        {
            "0.weight_ih_l0 [256, 3]", "0.weight_hh_l0 [256, 64]", "0.bias_ih_l0 [256]", "0.bias_hh_l0 [256]",
            "1.weight_ih_l0 [96, 64]", "1.weight_hh_l0 [96, 32]", "1.bias_ih_l0 [96]", "1.bias_hh_l0 [96]",
            "2.weight [1, 32]", "2.bias [1]",
        };
        Assert.Equal(expected, Forecaster.ParameterLayout.Select(p => $"{p.Name} [{string.Join(", ", p.Shape)}]"));
        Assert.Equal((256 * 3) + (256 * 64) + 512 + (96 * 64) + (96 * 32) + 192 + 32 + 1, Forecaster.ParameterCount);
    }

    public static TheoryData<string> EveryModel => AllModels.EveryModelData();

    public static TheoryData<string> BidirectionalModels => new(AllModels.Bidirectional);

    [Fact]
    public void Bidirectional_layers_add_pytorch_reverse_parameters_and_merge_widths()
    {
        string[] expected =
        {
            "0.weight_ih_l0 [20, 3]", "0.weight_hh_l0 [20, 5]", "0.bias_ih_l0 [20]", "0.bias_hh_l0 [20]",
            "0.weight_ih_l0_reverse [20, 3]", "0.weight_hh_l0_reverse [20, 5]", "0.bias_ih_l0_reverse [20]", "0.bias_hh_l0_reverse [20]",
            "1.weight [2, 10]", "1.bias [2]",
        };
        Assert.Equal(expected, BiLstmConcatToDense.ParameterLayout.Select(p => $"{p.Name} [{string.Join(", ", p.Shape)}]"));

        // Sum and multiply keep the hidden size; concat doubles it.
        Assert.Equal(new[] { 4, 9 }, StackedBiGruSumElmanMultiply.ParameterLayout.Single(p => p.Name == "1.weight_ih_l0_reverse").Shape);
        Assert.Equal(new[] { 3, 4 }, StackedBiGruSumElmanMultiply.ParameterLayout.Single(p => p.Name == "2.weight").Shape);
        Assert.Equal(20, BiElmanAverageBiLstmSequence.OutputSize);
        Assert.Equal(4, BiElmanAverageBiLstmSequence.OutputSteps);
    }

    [Theory]
    [MemberData(nameof(BidirectionalModels))]
    public void Bidirectional_models_predict_whole_sequences_and_refuse_to_stream(string name)
    {
        IRnnModel model = AllModels.Create(name);
        model.Initialize(6);
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(3), model.Steps * model.InputSize, 1f);
        float[] predicted = new float[model.OutputSteps * model.OutputSize], forward = new float[predicted.Length];
        model.Predict(input, predicted);
        model.Forward(input, forward);
        Assert.Equal(predicted, forward);

        // Predict has its own cache: Backward after a Predict still sees the Forward's activations.
        model.ZeroGradients();
        model.Backward(forward);
        float[] gradients = model.Gradients.ToArray();
        model.Predict(GradientCheckTests.RandomVector(new SeededRandom(4), input.Length, 1f), new float[predicted.Length]);
        model.ZeroGradients();
        model.Backward(forward);
        Assert.True(model.Gradients.SequenceEqual(gradients));

        var error = Assert.Throws<InvalidOperationException>(() => model.Step(new float[model.InputSize], new float[model.OutputSize]));
        Assert.Contains("bidirectional", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EveryModel))]
    public void Parameter_layout_tiles_the_flat_buffer(string name)
    {
        IRnnModel model = AllModels.Create(name);
        int offset = 0;
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            Assert.Equal(offset, parameter.Offset);
            Assert.Equal(parameter.Length, parameter.Shape.Aggregate(1, (a, b) => a * b));
            offset += parameter.Length;
        }

        Assert.Equal(model.ParameterCount, offset);
        Assert.Equal(model.ParameterCount, model.Parameters.Length);
        Assert.Equal(model.ParameterCount, model.Gradients.Length);
    }

    [Theory]
    [MemberData(nameof(EveryModel))]
    public void Initialize_is_deterministic_and_uses_pytorch_default_bounds(string name)
    {
        IRnnModel a = AllModels.Create(name), b = AllModels.Create(name), c = AllModels.Create(name);
        a.Initialize(42);
        b.Initialize(42);
        c.Initialize(43);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.False(a.Parameters.SequenceEqual(c.Parameters));

        foreach (ParameterInfo parameter in a.ParameterLayout)
        {
            // Recurrent tensors: 1/sqrt(hidden) with hidden = the last dim of weight_hh; nn.Linear: 1/sqrt(in_features), for a
            // weight its own second dimension (an attention's linear_in, linear_out, ...), for a bias its weight's.
            int fan = parameter.Name.Contains("_l0", StringComparison.Ordinal)
                ? a.ParameterLayout.First(p => p.Name == parameter.Name.Split('.')[0] + ".weight_hh_l0").Shape[1]
                : parameter.Name.EndsWith("weight", StringComparison.Ordinal) ? parameter.Shape[1]
                : a.ParameterLayout.First(p => p.Name == parameter.Name.Split('.')[0] + ".weight").Shape[1];
            float bound = (float)(1.0 / Math.Sqrt(fan));
            float[] values = parameter.Slice(a.Parameters).ToArray();
            Assert.All(values, v => Assert.InRange(v, -bound, bound));
            if (values.Length >= 64)
            {
                // Uniform on [-b, b]: the largest magnitude comes close to b and the mean is near 0.
                Assert.True(values.Max(Math.Abs) > 0.9f * bound, $"{parameter.Name}: values do not spread to the bound");
                Assert.InRange(values.Average(), -0.2 * bound, 0.2 * bound);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_Predict_and_streaming_Step_agree(string name)
    {
        IRnnModel model = AllModels.Create(name);
        model.Initialize(4);
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(2), model.Steps * model.InputSize, 1f);
        float[] predicted = new float[model.OutputSteps * model.OutputSize];
        float[] forward = new float[predicted.Length];
        model.Predict(input, predicted);
        model.Forward(input, forward);
        Assert.Equal(predicted, forward);
        Assert.Contains(predicted, v => v != 0f);

        for (int pass = 0; pass < 2; pass++)
        {
            // ResetState starts a new stream; a Predict in the middle leaves the stream's state alone.
            model.ResetState();
            float[] step = new float[model.OutputSize];
            for (int t = 0; t < model.Steps; t++)
            {
                model.Step(input.AsSpan(t * model.InputSize, model.InputSize), step);
                if (t == model.Steps / 2)
                {
                    model.Predict(GradientCheckTests.RandomVector(new SeededRandom(9), input.Length, 1f), new float[predicted.Length]);
                }

                if (model.OutputSteps == model.Steps && model.OutputSteps > 1)
                {
                    AssertClose(predicted.AsSpan(t * model.OutputSize, model.OutputSize), step, $"step {t}");
                }
            }

            AssertClose(predicted.AsSpan(predicted.Length - model.OutputSize), step, "last step");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Step_follows_parameters_changed_between_steps_through_every_member_that_can_change_them(string name)
    {
        IRnnModel model = AllModels.Create(name);
        IRnnModel reference = AllModels.Create(name);
        float[] x = GradientCheckTests.RandomVector(new SeededRandom(3), model.InputSize, 1f);
        float[] stepped = new float[model.OutputSize], expected = new float[model.OutputSize];

        // Step streams on a packed copy of the recurrent weights: every way of changing the parameters must reach it.
        for (int k = 0; k < 6; k++)
        {
            int seed = 10 + k;
            switch (k % 3)
            {
                case 0:
                    model.Initialize(seed);
                    break;
                case 1:
                    GradientCheckTests.RandomVector(new SeededRandom(seed), model.ParameterCount, 0.5f).CopyTo(model.Parameters);
                    break;
                default:
                    using (var weights = new System.IO.MemoryStream())
                    {
                        reference.Initialize(seed);
                        Rnn.Gen.Serialization.WeightFile.Save(reference, weights);
                        weights.Position = 0;
                        Rnn.Gen.Serialization.WeightFile.Load(model, weights);
                    }

                    break;
            }

            model.Parameters.CopyTo(reference.Parameters);
            model.ResetState();
            model.Step(x, stepped);
            float[] sequence = new float[model.Steps * model.InputSize];
            x.CopyTo(sequence, 0);
            float[] predicted = new float[model.OutputSteps * model.OutputSize];
            reference.Predict(sequence, predicted, 1);
            predicted.AsSpan(0, model.OutputSize).CopyTo(expected);
            AssertClose(expected, stepped, $"after change {k % 3}");
        }
    }

    [Fact]
    public void Step_follows_a_parameter_written_through_GetParameter()
    {
        var model = new LstmToDense();
        model.Initialize(1);
        float[] x = GradientCheckTests.RandomVector(new SeededRandom(3), LstmToDense.InputSize, 1f);
        float[] before = new float[LstmToDense.OutputSize], after = new float[LstmToDense.OutputSize];
        model.Step(x, before);
        model.GetParameter("0.weight_ih_l0").Fill(0.25f); // W_hh would not show: the first step multiplies it by the zero state
        model.ResetState();
        model.Step(x, after);

        float[] sequence = new float[LstmToDense.Steps * LstmToDense.InputSize], predicted = new float[LstmToDense.OutputSteps * LstmToDense.OutputSize];
        x.CopyTo(sequence, 0);
        model.Predict(sequence, predicted, 1);
        Assert.NotEqual(before, after);
        AssertClose(predicted.AsSpan(0, LstmToDense.OutputSize), after, "after GetParameter");
    }

    /// <summary>
    /// Step and Predict compute the same function with different kernels (one step at a time on PyTorch's layout; the
    /// whole sequence on packed weights), so they agree to float rounding, not bit for bit.
    /// </summary>
    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float tolerance = 1e-5f * Math.Max(1f, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{where}, element {i}: Predict {expected[i]}, Step {actual[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Wrong_lengths_throw_naming_the_expected_length_and_write_nothing(string name)
    {
        IRnnModel model = AllModels.Create(name);
        model.Initialize(1);
        int inputLength = model.Steps * model.InputSize, outputLength = model.OutputSteps * model.OutputSize;
        float[] output = Enumerable.Repeat(123f, outputLength + 1).ToArray();
        float[] gradientsBefore = model.Gradients.ToArray();

        AssertLength("input", inputLength, () => model.Predict(new float[inputLength + 1], new float[outputLength]));
        AssertLength("output", outputLength, () => model.Predict(new float[inputLength], output));
        AssertLength("input", inputLength, () => model.Forward(new float[inputLength - 1], new float[outputLength]));
        AssertLength("output", outputLength, () => model.Forward(new float[inputLength], output.AsSpan(0, outputLength - 1 >= 0 ? outputLength - 1 : 0)));
        AssertLength("inputStep", model.InputSize, () => model.Step(new float[model.InputSize + 1], new float[model.OutputSize]));
        AssertLength("outputStep", model.OutputSize, () => model.Step(new float[model.InputSize], output));
        Assert.All(output, v => Assert.Equal(123f, v));

        model.Forward(new float[inputLength], new float[outputLength]);
        AssertLength("outputGradient", outputLength, () => model.Backward(new float[outputLength + 1]));
        AssertLength("inputGradient", inputLength, () => model.Backward(new float[outputLength], new float[inputLength + 2]));
        Assert.True(model.Gradients.SequenceEqual(gradientsBefore));
    }

    [Fact]
    public void Backward_before_any_Forward_is_an_error()
    {
        var model = new LstmToDense();
        var error = Assert.Throws<InvalidOperationException>(() => model.Backward(new float[LstmToDense.OutputSize]));
        Assert.Contains("Forward", error.Message, StringComparison.Ordinal);
    }

    private static void AssertLength(string parameter, int expected, Action call)
    {
        var error = Assert.Throws<ArgumentException>(call);
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains($"must have {expected} elements", error.Message, StringComparison.Ordinal);
    }
}
