using System;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// Generated models against libtorch: for every case in Reference/Cases (written in float64 by
/// tests/Rnn.Gen.ReferenceVectors), the same parameters and input must give the same output, and the gradients of
/// sum(output * doutput) with respect to every parameter and the input must agree. A padded case (one with
/// <c>lengths</c>) is a batch of samples of different lengths that libtorch ran packed: each sample goes through
/// Forward/Predict with its length, and the parameter gradients add up over the batch.
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

    /// <summary>The cases a model can stream with Step: every one without a bidirectional layer.</summary>
    public static TheoryData<string> StreamingCases()
    {
        var data = new TheoryData<string>();
        foreach (string name in ReferenceModels.CaseNames.Where(n => !IsBidirectional(ReferenceModels.Create(n))))
        {
            data.Add(name);
        }

        return data;
    }

    private static bool IsBidirectional(IRnnModel model) =>
        model.ParameterLayout.Any(p => p.Name.EndsWith("_reverse", StringComparison.Ordinal));

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
        // The figures quoted in the notes: the worst relative error of any output and of any gradient, over all cases,
        // and over the bidirectional and the padded cases alone.
        var groups = new (string Name, Func<string, bool> Member)[]
        {
            ("all", _ => true),
            ("bidirectional", n => IsBidirectional(ReferenceModels.Create(n))),
            ("padded", n => SafeTensorsFile.Read(ReferenceAssert.CasePath(n)).TryGetTensor("lengths", out _)),
        };
        foreach ((string group, Func<string, bool> member) in groups)
        {
            string[] names = ReferenceModels.CaseNames.Where(member).ToArray();
            (double Error, string Case) forward = (0, ""), gradient = (0, "");
            foreach (string caseName in names)
            {
                (double f, double g) = Compare(caseName);
                forward = f > forward.Error ? (f, caseName) : forward;
                gradient = g > gradient.Error ? (g, caseName) : gradient;
            }

            _output.WriteLine($"{group}: {names.Length} cases; worst output error {forward.Error:G3} ({forward.Case}); worst gradient error {gradient.Error:G3} ({gradient.Case})");
            Assert.InRange(forward.Error, 0, OutputTolerance);
            Assert.InRange(gradient.Error, 0, GradientTolerance);
        }
    }

    [Fact]
    public void The_bidirectional_and_padded_cases_are_there()
    {
        // The issue's coverage: bidirectional layers of every kind, many-to-one and many-to-many, stacked, every merge
        // mode; padded batches of every kind, unidirectional and bidirectional, many-to-one and many-to-many.
        string[] bidirectional = ReferenceModels.CaseNames.Where(n => IsBidirectional(ReferenceModels.Create(n))).ToArray();
        string[] padded = ReferenceModels.CaseNames
            .Where(n => SafeTensorsFile.Read(ReferenceAssert.CasePath(n)).TryGetTensor("lengths", out _)).ToArray();
        foreach (string kind in new[] { "BiLstm", "BiGru", "BiRnnTanh", "BiRnnRelu" })
        {
            Assert.Contains(bidirectional, n => n.Contains(kind, StringComparison.Ordinal));
        }

        foreach (string merge in new[] { "Sum", "Multiply", "Average" })
        {
            Assert.Contains(bidirectional, n => n.Contains(merge, StringComparison.Ordinal));
        }

        Assert.Contains(bidirectional, n => n.Split('_').Count(t => t.StartsWith("Bi", StringComparison.Ordinal)) >= 2);
        foreach (string kind in new[] { "Lstm", "Gru", "RnnTanh", "RnnRelu" })
        {
            Assert.Contains(padded, n => n.StartsWith(kind, StringComparison.Ordinal));
            Assert.Contains(padded, n => n.Contains("Bi" + kind, StringComparison.Ordinal));
        }

        Assert.True(padded.Length >= 10, $"only {padded.Length} padded cases");
    }

    /// <summary>Runs one case; returns the worst relative error of its outputs and of its gradients.</summary>
    private static (double Output, double Gradient) Compare(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(ReferenceAssert.CasePath(caseName));
        IRnnModel model = ReferenceModels.Create(caseName);
        if (file.TryGetTensor("lengths", out SafeTensor? lengths))
        {
            return ComparePadded(caseName, model, file, ReferenceAssert.Lengths(caseName, lengths));
        }

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

    /// <summary>
    /// A padded case: a batch of samples padded at the end, one length each. Forward with each sample's length (the
    /// outputs must be zeros past it, or the last valid step's output), then Backward per sample with the gradients
    /// adding up over the batch as PyTorch's batched backward sums them; each sample's input gradient (zeros over the
    /// padding) and Predict with the length. Output buffers start with garbage, so every element must be written.
    /// </summary>
    private static (double Output, double Gradient) ComparePadded(string caseName, IRnnModel model, SafeTensorsFile file, int[] lengths)
    {
        int batch = lengths.Length;
        int inputLength = model.Steps * model.InputSize, outputLength = model.OutputSteps * model.OutputSize;
        CheckPaddedShapes(caseName, model, file, batch);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");

        float[] input = file["input"].ToSingleArray();
        float[] doutput = file["doutput"].ToSingleArray();
        float[] output = Enumerable.Repeat(7f, batch * outputLength).ToArray();
        float[] inputGradient = Enumerable.Repeat(7f, batch * inputLength).ToArray();

        model.ZeroGradients();
        for (int b = 0; b < batch; b++)
        {
            model.Forward(input.AsSpan(b * inputLength, inputLength), output.AsSpan(b * outputLength, outputLength), lengths[b]);
            model.Backward(doutput.AsSpan(b * outputLength, outputLength), inputGradient.AsSpan(b * inputLength, inputLength));
        }

        double worstOutput = ReferenceAssert.Close(caseName, "output (Forward with lengths)", file["output"], output, OutputTolerance);
        double worstGradient = 0;
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            worstGradient = Math.Max(worstGradient, ReferenceAssert.Close(caseName, "grad/" + parameter.Name + " (summed over the batch)",
                file["grad/" + parameter.Name], parameter.Slice(model.Gradients), GradientTolerance));
        }

        worstGradient = Math.Max(worstGradient, ReferenceAssert.Close(caseName, "grad/input", file["grad/input"], inputGradient, GradientTolerance));

        float[] predicted = Enumerable.Repeat(7f, batch * outputLength).ToArray();
        for (int b = 0; b < batch; b++)
        {
            model.Predict(input.AsSpan(b * inputLength, inputLength), predicted.AsSpan(b * outputLength, outputLength), lengths[b]);
        }

        worstOutput = Math.Max(worstOutput, ReferenceAssert.Close(caseName, "output (Predict with lengths)", file["output"], predicted, OutputTolerance));
        return (worstOutput, worstGradient);
    }

    [Theory]
    [MemberData(nameof(StreamingCases))]
    public void Streaming_steps_match_libtorch(string caseName)
    {
        // Step by step from a reset state: a many-to-many model's step t output is row t of the reference output,
        // a many-to-one model's last step output is the reference output. A padded case streams each sample's valid
        // steps only (the reference is zero past them).
        SafeTensorsFile file = SafeTensorsFile.Read(ReferenceAssert.CasePath(caseName));
        IRnnModel model = ReferenceModels.Create(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        if (file.TryGetTensor("lengths", out SafeTensor? lengths))
        {
            StreamPadded(caseName, model, file, ReferenceAssert.Lengths(caseName, lengths));
            return;
        }

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

    private static void StreamPadded(string caseName, IRnnModel model, SafeTensorsFile file, int[] lengths)
    {
        float[] input = file["input"].ToSingleArray();
        int steps = model.Steps, inputSize = model.InputSize, outputSize = model.OutputSize;
        bool manyToMany = file["output"].Shape.Count == 3;
        int outputLength = manyToMany ? steps * outputSize : outputSize;
        var streamed = new float[lengths.Length * outputLength];
        var step = new float[outputSize];
        for (int b = 0; b < lengths.Length; b++)
        {
            model.ResetState();
            for (int t = 0; t < lengths[b]; t++)
            {
                model.Step(input.AsSpan((b * steps + t) * inputSize, inputSize), step);
                if (manyToMany)
                {
                    step.CopyTo(streamed, b * outputLength + t * outputSize);
                }
            }

            if (!manyToMany)
            {
                step.CopyTo(streamed, b * outputLength);
            }
        }

        ReferenceAssert.Close(caseName, "output (Step over the valid steps)", file["output"], streamed, OutputTolerance);
    }

    private static void CheckPaddedShapes(string caseName, IRnnModel model, SafeTensorsFile file, int batch)
    {
        int[] inputShape = { batch, model.Steps, model.InputSize };
        Assert.True(file["input"].HasShape(inputShape) && file["grad/input"].HasShape(inputShape),
            $"{caseName}: the reference input is [{string.Join(", ", file["input"].Shape)}], the model takes {batch} x [{model.Steps}, {model.InputSize}].");
        int[] outputShape = file["output"].Shape.Count == 3 ? new[] { batch, model.OutputSteps, model.OutputSize } : new[] { batch, model.OutputSize };
        Assert.True(file["output"].HasShape(outputShape) && file["doutput"].HasShape(outputShape) && (file["output"].Shape.Count == 3 || model.OutputSteps == 1),
            $"{caseName}: the reference output is [{string.Join(", ", file["output"].Shape)}], the model writes {batch} x {model.OutputSteps} x {model.OutputSize}.");
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
