using System;
using Rnn.Gen.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// <c>Activations = ActivationPrecision.Fast</c> against libtorch's float64 reference vectors: the fast twin of a
/// reference model (<see cref="FastReferenceModels"/>) loads the case's parameters; its training Forward must still
/// match libtorch within 1e-5 (training keeps the exact activations); its Predict and Step must stay within
/// <see cref="FastBound"/> of libtorch's outputs and within 1e-5 of each other (they run different products).
/// </summary>
public sealed class FastReferenceTests(ITestOutputHelper output)
{
    /// <summary>The stated bound: the largest absolute error of a fast model's Predict or Step over these cases' outputs.</summary>
    public const double FastBound = 1e-5;

    public static TheoryData<string> Cases() => new(FastReferenceModels.CaseNames);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fast_inference_is_within_the_stated_bound_of_libtorch(string caseName)
    {
        (double predict, double step) = Measure(caseName);
        output.WriteLine($"{caseName}: max |Predict − libtorch| {predict:G3}, max |Step − libtorch| {step:G3}");
        Assert.True(predict <= FastBound, $"{caseName}: Predict's max abs error {predict:G4} exceeds {FastBound}");
        Assert.True(step <= FastBound, $"{caseName}: Step's max abs error {step:G4} exceeds {FastBound}");
    }

    /// <summary>Runs one case: the training Forward against libtorch at 1e-5, then the fast inference's worst absolute errors.</summary>
    private static (double Predict, double Step) Measure(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(ReferenceAssert.CasePath(caseName));
        IRnnModel model = FastReferenceModels.Create(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        int steps = model.Steps, inputSize = model.InputSize, outputSize = model.OutputSize;
        int outputLength = model.OutputSteps * outputSize;
        float[] input = file["input"].ToSingleArray();
        double[] expected = file["output"].ToDoubleArray();
        bool manyToMany = model.OutputSteps == steps && file["output"].Shape.Count == 2;

        float[] forward = new float[outputLength];
        model.Forward(input, forward);
        ReferenceAssert.Close(caseName, "output (Forward, fast model)", file["output"], forward, 1e-5);

        float[] predicted = new float[outputLength];
        model.Predict(input, predicted);

        float[] streamed = new float[outputLength];
        float[] stepOutput = new float[outputSize];
        model.ResetState();
        for (int t = 0; t < steps; t++)
        {
            model.Step(input.AsSpan(t * inputSize, inputSize), stepOutput);
            if (manyToMany)
            {
                stepOutput.CopyTo(streamed, t * outputSize);
            }
        }

        if (!manyToMany)
        {
            stepOutput.CopyTo(streamed, 0);
        }

        for (int i = 0; i < streamed.Length; i++)
        {
            Assert.True(Math.Abs(streamed[i] - predicted[i]) <= 1e-5, $"{caseName}: Step's output {i} is {streamed[i]:R}, Predict's {predicted[i]:R}");
        }

        return (ReferenceAssert.MaxAbs(expected, predicted), ReferenceAssert.MaxAbs(expected, streamed));
    }
}
