using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// Models whose first layer is an Embedding against libtorch (<c>nn.Embedding</c>, <c>padding_idx</c> included): for
/// every case in Reference/Embedding the token-id entry points must give libtorch's outputs and parameter gradients
/// (the table's too, with nothing for the padding row). A padded case runs each sample with its length and sums the
/// gradients over the batch, as libtorch's packed batch does.
/// </summary>
public class EmbeddingReferenceTests
{
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 1e-4;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in EmbeddingReferenceModels.CaseNames)
        {
            data.Add(name);
        }

        return data;
    }

    private static string CasePath(string caseName) =>
        Path.Combine(AppContext.BaseDirectory, "Reference", "Embedding", caseName + ".safetensors");

    [Fact]
    public void Every_case_file_has_a_model_and_the_cases_cover_padding_rows_and_padded_batches()
    {
        string[] files = Directory.GetFiles(Path.GetDirectoryName(CasePath("x"))!, "*.safetensors")
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(EmbeddingReferenceModels.CaseNames.Order(StringComparer.Ordinal), files);
        Assert.Contains(files, n => n.Contains("Pad", StringComparison.Ordinal) && n.Contains("_Len", StringComparison.Ordinal));
        Assert.Contains(files, n => n.Contains("Bi", StringComparison.Ordinal));
        Assert.Contains(files, n => !n.Contains("Pad", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Token_models_match_libtorch(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(CasePath(caseName));
        IRnnModel model = EmbeddingReferenceModels.Create(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        int steps = model.Steps, outputLength = model.OutputSteps * model.OutputSize;
        int[] tokens = Tokens(file["tokens"]);
        int[] lengths = file.TryGetTensor("lengths", out SafeTensor? lengthTensor) ? ReferenceAssert.Lengths(caseName, lengthTensor) : new[] { steps };
        int batch = lengths.Length;
        float[] doutput = file["doutput"].ToSingleArray();
        float[] output = Enumerable.Repeat(7f, batch * outputLength).ToArray(); // garbage: every element must be written

        // Through the int overloads (IRnnTokenModel), not the float members.
        var typed = Assert.IsAssignableFrom<IRnnTokenModel>(model);
        model.ZeroGradients();
        for (int b = 0; b < batch; b++)
        {
            typed.Forward(new ReadOnlySpan<int>(tokens, b * steps, steps), output.AsSpan(b * outputLength, outputLength), lengths[b]);
            model.Backward(doutput.AsSpan(b * outputLength, outputLength));
        }

        ReferenceAssert.Close(caseName, "output (Forward)", file["output"], output, OutputTolerance);
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            ReferenceAssert.Close(caseName, "grad/" + parameter.Name, file["grad/" + parameter.Name], parameter.Slice(model.Gradients), GradientTolerance);
        }

        float[] predicted = Enumerable.Repeat(7f, batch * outputLength).ToArray();
        for (int b = 0; b < batch; b++)
        {
            typed.Predict(new ReadOnlySpan<int>(tokens, b * steps, steps), predicted.AsSpan(b * outputLength, outputLength), lengths[b]);
        }

        ReferenceAssert.Close(caseName, "output (Predict)", file["output"], predicted, OutputTolerance);
    }

    private static int[] Tokens(SafeTensor tensor)
    {
        Assert.Equal(SafeTensorsDType.I64, tensor.DType);
        var ids = new int[tensor.ElementCount];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = checked((int)BinaryPrimitives.ReadInt64LittleEndian(tensor.Data.Span[(i * sizeof(long))..]));
        }

        return ids;
    }
}
