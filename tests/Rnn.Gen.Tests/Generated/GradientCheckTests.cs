using System;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Backward against central finite differences of Forward, for every cell kind, stacked layers, time-distributed
/// heads and every Dense activation: the loss is L = Σ output · dOutput with a random dOutput, so dL/dOutput = dOutput.
/// </summary>
public class GradientCheckTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public GradientCheckTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Models => AllModels.GradientCheckData();

    [Theory]
    [MemberData(nameof(Models))]
    public void Parameter_and_input_gradients_match_finite_differences(string name)
    {
        IRnnModel model = AllModels.Create(name);
        model.Initialize(seed: 7);
        var random = new SeededRandom(11);
        float[] input = RandomVector(random, model.Steps * model.InputSize, 1.0f);
        float[] dOutput = RandomVector(random, model.OutputSteps * model.OutputSize, 1.0f);

        // Scale the weights up a little so the gates leave their linear region and every derivative matters.
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] *= 2f;
        }

        float[] output = new float[dOutput.Length];
        float[] inputGradient = new float[input.Length];
        model.ZeroGradients();

        // Dropout masks and noise come from TrainingRandom: every Forward below starts from the same state, so the
        // finite differences see the masks that Backward saw.
        (uint, uint, uint, uint)? masks = model.TrainingRandom?.State;
        model.Forward(input, output);
        model.Backward(dOutput, inputGradient);
        float[] analytic = model.Gradients.ToArray();

        // A ReLU kink inside the difference interval breaks the estimate: use a smaller step for ReLU models.
        float epsilon = name.Contains("Relu", StringComparison.Ordinal) || name == nameof(DenseOnly) ? 1e-3f : 1e-2f;
        int checkedCount = 0;
        double worst = 0; // the largest |difference| / (5e-4 + 5e-3 |numeric|): below 1 passes
        foreach (ParameterInfo tensor in model.ParameterLayout)
        {
            // Every element of small tensors, an even spread of 24 elements of larger ones.
            int stride = Math.Max(1, tensor.Length / 24);
            for (int k = 0; k < tensor.Length; k += stride)
            {
                int index = tensor.Offset + k;
                double numeric = ParameterDifference(model, masks, input, dOutput, index, epsilon);
                worst = Math.Max(worst, AssertClose(numeric, analytic[index], $"{name}: d/d {tensor.Name}[{k}]"));
                checkedCount++;
            }
        }

        for (int i = 0; i < input.Length; i++)
        {
            double numeric = Difference(model, masks, input, dOutput, ref input[i], epsilon);
            worst = Math.Max(worst, AssertClose(numeric, inputGradient[i], $"{name}: d/d input[{i}]"));
        }

        _output.WriteLine($"{name}: {checkedCount} parameters and {input.Length} inputs checked; worst difference at {worst:P1} of the tolerance");

        Assert.True(checkedCount >= model.ParameterLayout.Count);
    }

    [Fact]
    public void Gradients_accumulate_until_zeroed_as_in_pytorch()
    {
        var model = new GruToDense();
        model.Initialize(3);
        var random = new SeededRandom(5);
        float[] input = RandomVector(random, GruToDense.Steps * GruToDense.InputSize, 1f);
        float[] dOutput = RandomVector(random, GruToDense.OutputSize, 1f);
        float[] output = new float[GruToDense.OutputSize];

        model.ZeroGradients();
        model.Forward(input, output);
        model.Backward(dOutput);
        float[] once = model.Gradients.ToArray();
        model.Backward(dOutput);
        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], model.Gradients[i], 5);
        }

        Assert.Contains(once, g => g != 0f);
        model.ZeroGradients();
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    /// <summary>The central difference of the loss in <paramref name="variable"/>; <paramref name="length"/> valid steps when given (padded samples).</summary>
    /// <summary>
    /// The central difference with respect to parameter <paramref name="index"/>. Each write takes
    /// <see cref="IRnnModel.Parameters"/> anew, as the model's rule asks: a span kept across a computing call would write
    /// behind the model's packed weights.
    /// </summary>
    internal static double ParameterDifference(IRnnModel model, (uint, uint, uint, uint)? masks, float[] input, float[] dOutput, int index, float epsilon, int? length = null)
    {
        float saved = model.Parameters[index];
        model.Parameters[index] = saved + epsilon;
        double plus = Loss(model, masks, input, dOutput, length);
        model.Parameters[index] = saved - epsilon;
        double minus = Loss(model, masks, input, dOutput, length);
        model.Parameters[index] = saved;
        return (plus - minus) / (2.0 * epsilon);
    }

    internal static double Difference(IRnnModel model, (uint, uint, uint, uint)? masks, float[] input, float[] dOutput, ref float variable, float epsilon, int? length = null)
    {
        float saved = variable;
        variable = saved + epsilon;
        double plus = Loss(model, masks, input, dOutput, length);
        variable = saved - epsilon;
        double minus = Loss(model, masks, input, dOutput, length);
        variable = saved;
        return (plus - minus) / (2.0 * epsilon);
    }

    private static double Loss(IRnnModel model, (uint, uint, uint, uint)? masks, float[] input, float[] dOutput, int? length)
    {
        float[] output = new float[dOutput.Length];
        if (masks is { } state)
        {
            model.TrainingRandom!.SetState(state);
        }

        model.Forward(input, output, length ?? model.Steps);
        double loss = 0;
        for (int i = 0; i < output.Length; i++)
        {
            loss += (double)output[i] * dOutput[i];
        }

        return loss;
    }

    internal static double AssertClose(double numeric, double analytic, string what)
    {
        double tolerance = 5e-4 + 5e-3 * Math.Abs(numeric);
        if (Math.Abs(numeric - analytic) > tolerance)
        {
            Assert.Fail($"{what}: finite difference {numeric:G6}, backward {analytic:G6}, |difference| {Math.Abs(numeric - analytic):G3} > {tolerance:G3}");
        }

        return Math.Abs(numeric - analytic) / tolerance;
    }

    internal static float[] RandomVector(SeededRandom random, int length, float scale)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (2f * random.NextSingle() - 1f) * scale;
        }

        return values;
    }
}
