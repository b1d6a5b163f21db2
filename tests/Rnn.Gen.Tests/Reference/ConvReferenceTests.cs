using System;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// Convolution and pooling models against libtorch (Reference/Conv, written by tests/Rnn.Gen.ReferenceVectors): the
/// output within 1e-5 and the gradients of sum(output * doutput) within 1e-4, relative to the reference's largest
/// magnitude, through Forward/Backward, Predict and the batch path. A padded case is a batch whose samples libtorch ran on
/// their valid prefixes alone; the generated model runs each with its length. The causal cases also stream with Step.
/// </summary>
public class ConvReferenceTests
{
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 1e-4;

    public static TheoryData<string> Cases() => new(ConvReferenceModels.CaseNames);

    public static TheoryData<string> CausalCases() => new(ConvReferenceModels.CaseNames.Where(n => n.StartsWith("ConvCausal", StringComparison.Ordinal)));

    private static string CasePath(string caseName) => Path.Combine(AppContext.BaseDirectory, "Reference", "Conv", caseName + ".safetensors");

    [Fact]
    public void Every_case_file_has_a_model_and_every_model_a_file()
    {
        string[] files = Directory.GetFiles(Path.GetDirectoryName(CasePath("x"))!, "*.safetensors")
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(ConvReferenceModels.CaseNames.Order(StringComparer.Ordinal), files);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_backward_predict_and_the_batch_path_match_libtorch(string caseName) =>
        ReferenceAssert.MatchesEveryPath(caseName, ConvReferenceModels.Create(caseName), SafeTensorsFile.Read(CasePath(caseName)), OutputTolerance, GradientTolerance);

    [Theory]
    [MemberData(nameof(CausalCases))]
    public void A_causal_convolution_streams_the_reference_output(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(CasePath(caseName));
        IRnnModel model = ConvReferenceModels.Create(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        float[] input = file["input"].ToSingleArray();
        float[] streamed = new float[model.Steps * model.OutputSize];
        model.ResetState();
        for (int t = 0; t < model.Steps; t++)
        {
            model.Step(input.AsSpan(t * model.InputSize, model.InputSize), streamed.AsSpan(t * model.OutputSize, model.OutputSize));
        }

        ReferenceAssert.Close(caseName, "output (Step)", file["output"], streamed, OutputTolerance);
    }

    [Fact]
    public void The_cases_cover_every_kind_and_option()
    {
        string declarations = string.Join("\n", ConvReferenceModels.CaseNames);
        foreach (string token in new[] { "ConvValid", "ConvSame", "ConvCausal", "Stride2", "Dilation2", "MaxPool", "AvgPool", "GlobalMax", "GlobalAverage", "ConvMaxPoolGruDense", "LstmSeqConvGlobalAverageDense", "_Len" })
        {
            Assert.Contains(token, declarations, StringComparison.Ordinal);
        }
    }
}
