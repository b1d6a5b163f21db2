using System;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// Image models against libtorch (Reference/Image, written by tests/Rnn.Gen.ReferenceVectors): Conv2D, 2D pooling,
/// global pooling, Flatten, rows and columns as steps and frames, alone and with recurrent and Dense layers; the output
/// within 1e-5 and the gradients of sum(output * doutput) within 1e-4, relative to the reference's largest magnitude,
/// through Forward/Backward, Predict and the batch path. A padded case is a batch of frame sequences whose samples
/// libtorch ran on their valid frames alone.
/// </summary>
public class ImageReferenceTests
{
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 1e-4;

    public static TheoryData<string> Cases() => new(ImageReferenceModels.CaseNames);

    private static string CasePath(string caseName) => Path.Combine(AppContext.BaseDirectory, "Reference", "Image", caseName + ".safetensors");

    [Fact]
    public void Every_case_file_has_a_model_and_every_model_a_file()
    {
        string[] files = Directory.GetFiles(Path.GetDirectoryName(CasePath("x"))!, "*.safetensors")
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(ImageReferenceModels.CaseNames.Order(StringComparer.Ordinal), files);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_backward_predict_and_the_batch_path_match_libtorch(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(CasePath(caseName));
        IRnnModel model = ImageReferenceModels.Create(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        int[] lengths = file.TryGetTensor("lengths", out SafeTensor? tensor) ? ReferenceAssert.Lengths(caseName, tensor) : new[] { model.Steps };
        int batch = lengths.Length, inputLength = model.Steps * model.InputSize, outputLength = model.OutputSteps * model.OutputSize;
        float[] input = file["input"].ToSingleArray();
        float[] doutput = file["doutput"].ToSingleArray();
        Assert.Equal(batch * inputLength, input.Length);
        Assert.Equal(batch * outputLength, file["output"].ElementCount);

        // One sample at a time; output buffers start as garbage, so every element must be written.
        float[] output = Enumerable.Repeat(7f, batch * outputLength).ToArray();
        float[] inputGradient = Enumerable.Repeat(7f, batch * inputLength).ToArray();
        model.ZeroGradients();
        for (int b = 0; b < batch; b++)
        {
            model.Forward(input.AsSpan(b * inputLength, inputLength), output.AsSpan(b * outputLength, outputLength), lengths[b]);
            model.Backward(doutput.AsSpan(b * outputLength, outputLength), inputGradient.AsSpan(b * inputLength, inputLength));
        }

        ReferenceAssert.Close(caseName, "output (Forward)", file["output"], output, OutputTolerance);
        CloseGradients(caseName, model, file, inputGradient, "Backward");

        float[] predicted = Enumerable.Repeat(7f, batch * outputLength).ToArray();
        for (int b = 0; b < batch; b++)
        {
            model.Predict(input.AsSpan(b * inputLength, inputLength), predicted.AsSpan(b * outputLength, outputLength), lengths[b]);
        }

        ReferenceAssert.Close(caseName, "output (Predict)", file["output"], predicted, OutputTolerance);

        // The batch path: the whole batch at once, with its lengths.
        var batched = (IRnnBatchModel)model;
        float[] outputs = Enumerable.Repeat(7f, batch * outputLength).ToArray(), inputGradients = new float[batch * inputLength];
        batched.ZeroGradients();
        batched.ForwardBatch(input, outputs, lengths);
        batched.BackwardBatch(doutput, inputGradients);
        ReferenceAssert.Close(caseName, "output (ForwardBatch)", file["output"], outputs, OutputTolerance);
        CloseGradients(caseName, model, file, inputGradients, "BackwardBatch");
    }

    /// <summary>Every parameter gradient (summed over the batch) and the input gradient against the reference's.</summary>
    private static void CloseGradients(string caseName, IRnnModel model, SafeTensorsFile file, float[] inputGradient, string pass)
    {
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            ReferenceAssert.Close(caseName, $"grad/{parameter.Name} ({pass})", file["grad/" + parameter.Name], parameter.Slice(model.Gradients), GradientTolerance);
        }

        ReferenceAssert.Close(caseName, $"grad/input ({pass})", file["grad/input"], inputGradient, GradientTolerance);
    }

    [Fact]
    public void Frames_stream_with_Step_as_libtorch_runs_them()
    {
        const string CaseName = "FramesConvGlobalAverageGruSeq_T5_C1_H5_W5";
        SafeTensorsFile file = SafeTensorsFile.Read(CasePath(CaseName));
        IRnnModel model = ImageReferenceModels.Create(CaseName);
        ReferenceAssert.LoadParameters(CaseName, model, file, "param/");
        float[] input = file["input"].ToSingleArray();
        float[] streamed = new float[model.Steps * model.OutputSize];
        model.ResetState();
        for (int t = 0; t < model.Steps; t++)
        {
            model.Step(input.AsSpan(t * model.InputSize, model.InputSize), streamed.AsSpan(t * model.OutputSize, model.OutputSize));
        }

        ReferenceAssert.Close(CaseName, "output (Step)", file["output"], streamed, OutputTolerance);
    }

    [Fact]
    public void The_cases_cover_every_kind_and_option()
    {
        string names = string.Join("\n", ImageReferenceModels.CaseNames);
        foreach (string token in new[] { "Conv2DValid", "Same", "Stride2", "Dilation2", "Rect2x4", "Rect3x1", "MaxPool", "AvgPool", "GlobalAverage", "Flatten", "MnistStack", "Rows", "Columns", "Frames", "_Len" })
        {
            Assert.Contains(token, names, StringComparison.Ordinal);
        }
    }
}
