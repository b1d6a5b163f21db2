using System;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// Generated models against libtorch: for every case in Reference/Cases (written in float64 by
/// tests/Rnn.Gen.ReferenceVectors), the same parameters and input must give the same output, and the gradients of
/// sum(output * doutput) with respect to every parameter and the input must agree.
/// </summary>
public class ReferenceVectorTests
{
    /// <summary>Forward and Predict outputs: relative to the reference's largest magnitude.</summary>
    private const double OutputTolerance = 1e-5;

    /// <summary>Gradients (BPTT sums many float products): relative to the reference's largest magnitude.</summary>
    private const double GradientTolerance = 1e-4;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in ReferenceModels.CaseNames)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Every_case_file_has_a_model_and_every_model_a_file()
    {
        string folder = Path.GetDirectoryName(ReferenceAssert.CasePath("x"))!;
        string[] files = Directory.GetFiles(folder, "*.safetensors").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(ReferenceModels.CaseNames.Order(StringComparer.Ordinal), files);
        Assert.True(files.Length >= 30, $"only {files.Length} reference cases");
    }

    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ReferenceVectorTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_libtorch(string caseName) => Compare(caseName);

    [Fact]
    public void Worst_errors_over_all_cases()
    {
        // The figures quoted in the notes: the worst relative error of any output and of any gradient, over all cases.
        (double Error, string Case) forward = (0, ""), gradient = (0, "");
        foreach (string caseName in ReferenceModels.CaseNames)
        {
            (double f, double g) = Compare(caseName);
            forward = f > forward.Error ? (f, caseName) : forward;
            gradient = g > gradient.Error ? (g, caseName) : gradient;
        }

        _output.WriteLine($"{ReferenceModels.CaseNames.Count} cases; worst output error {forward.Error:G3} ({forward.Case}); worst gradient error {gradient.Error:G3} ({gradient.Case})");
        Assert.InRange(forward.Error, 0, OutputTolerance);
        Assert.InRange(gradient.Error, 0, GradientTolerance);
    }

    /// <summary>Runs one case; returns the worst relative error of its outputs and of its gradients.</summary>
    private static (double Output, double Gradient) Compare(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(ReferenceAssert.CasePath(caseName));
        IRnnModel model = ReferenceModels.Create(caseName);
        CheckShapes(caseName, model, file);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");

        float[] input = file["input"].ToSingleArray();
        float[] output = new float[file["output"].ElementCount];
        model.Forward(input, output);
        double worstOutput = ReferenceAssert.Close(caseName, "output (Forward)", file["output"], output, OutputTolerance);
        double worstGradient = 0;

        model.ZeroGradients();
        float[] inputGradient = new float[input.Length];
        model.Backward(file["doutput"].ToSingleArray(), inputGradient);
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            worstGradient = Math.Max(worstGradient, ReferenceAssert.Close(caseName, "grad/" + parameter.Name, file["grad/" + parameter.Name],
                parameter.Slice(model.Gradients), GradientTolerance));
        }

        worstGradient = Math.Max(worstGradient, ReferenceAssert.Close(caseName, "grad/input", file["grad/input"], inputGradient, GradientTolerance));

        float[] predicted = new float[output.Length];
        model.Predict(input, predicted);
        worstOutput = Math.Max(worstOutput, ReferenceAssert.Close(caseName, "output (Predict)", file["output"], predicted, OutputTolerance));
        return (worstOutput, worstGradient);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Streaming_steps_match_libtorch(string caseName)
    {
        // Step by step from a reset state: a many-to-many model's step t output is row t of the reference output,
        // a many-to-one model's last step output is the reference output.
        SafeTensorsFile file = SafeTensorsFile.Read(ReferenceAssert.CasePath(caseName));
        IRnnModel model = ReferenceModels.Create(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        float[] input = file["input"].ToSingleArray();
        double[] expected = file["output"].ToDoubleArray();
        int steps = model.Steps, inputSize = model.InputSize, outputSize = model.OutputSize;
        bool manyToMany = model.OutputSteps == steps && file["output"].Shape.Count == 2;
        var streamed = new float[manyToMany ? steps * outputSize : outputSize];
        var step = new float[outputSize];

        model.ResetState();
        for (int t = 0; t < steps; t++)
        {
            model.Step(input.AsSpan(t * inputSize, inputSize), step);
            if (manyToMany)
            {
                step.CopyTo(streamed, t * outputSize);
            }
        }

        if (!manyToMany)
        {
            step.CopyTo(streamed, 0);
        }

        ReferenceAssert.Close(caseName, "output (Step)", file["output"].Shape, expected, streamed, OutputTolerance);
    }

    private static void CheckShapes(string caseName, IRnnModel model, SafeTensorsFile file)
    {
        Assert.True(file["input"].HasShape(new[] { model.Steps, model.InputSize }),
            $"{caseName}: the reference input is [{string.Join(", ", file["input"].Shape)}], the model takes [{model.Steps}, {model.InputSize}].");
        int[] outputShape = file["output"].Shape.Count == 2 ? new[] { model.OutputSteps, model.OutputSize } : new[] { model.OutputSize };
        Assert.True(file["output"].HasShape(outputShape) && (file["output"].Shape.Count == 2 || model.OutputSteps == 1),
            $"{caseName}: the reference output is [{string.Join(", ", file["output"].Shape)}], the model writes {model.OutputSteps} x {model.OutputSize}.");
    }
}
