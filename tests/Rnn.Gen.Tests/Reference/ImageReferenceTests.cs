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
    public void Forward_backward_predict_and_the_batch_path_match_libtorch(string caseName) =>
        ReferenceAssert.MatchesEveryPath(caseName, ImageReferenceModels.Create(caseName), SafeTensorsFile.Read(CasePath(caseName)), OutputTolerance, GradientTolerance);

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
