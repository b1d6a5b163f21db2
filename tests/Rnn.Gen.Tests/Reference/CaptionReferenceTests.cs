using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Rnn.Gen.Decoding;
using Rnn.Gen.Initialization;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Reference;

/// <summary>Reference/Caption/CaptionConvPoolLstm.safetensors: Conv2D → MaxPool2D → Flatten → Dense tanh = h_0 of an LSTM decoder.</summary>
[RnnModel(channels: 2, height: 6, width: 7)]
[Conv2D(3, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Flatten]
[Dense(5, Activation = Activation.Tanh)]
[Decoder(4, StartToken = 1)]
[Embedding(7, 3)]
[Lstm(5)]
[Dense(7, Activation = Activation.Softmax)]
public partial class CaptionConvPoolLstm;

/// <summary>Reference/Caption/CaptionConvGlobalGru.safetensors: Conv2D → GlobalAveragePool2D → Dense tanh = h_0 of a GRU decoder.</summary>
[RnnModel(channels: 1, height: 5, width: 6)]
[Conv2D(4, 2, Activation = Activation.Tanh)]
[GlobalAveragePool2D]
[Dense(4, Activation = Activation.Tanh)]
[Decoder(3, StartToken = 0)]
[Embedding(5, 2)]
[Gru(4)]
[Dense(5, Activation = Activation.Softmax)]
public partial class CaptionConvGlobalGru;

/// <summary>
/// Captioning models against libtorch: the image features as h_0 of the decoder (c_0 zero), teacher forcing on the
/// target ids; the outputs, every parameter's gradient and the pixels' gradient must be libtorch's.
/// </summary>
public class CaptionReferenceTests
{
    private const double OutputTolerance = 1e-5;
    private const double GradientTolerance = 1e-4;

    private static IRnnModel Create(string name) => name switch
    {
        nameof(CaptionConvPoolLstm) => new CaptionConvPoolLstm(),
        nameof(CaptionConvGlobalGru) => new CaptionConvGlobalGru(),
        _ => throw new ArgumentException("No captioning case " + name, nameof(name)),
    };

    [Fact]
    public void Every_case_file_has_a_model_declared_as_its_metadata_says()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Reference", "Caption");
        string[] files = Directory.GetFiles(folder, "*.safetensors").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(new[] { nameof(CaptionConvGlobalGru), nameof(CaptionConvPoolLstm) }, files);
        string source = File.ReadAllText(Path.Combine(SourceFolder(), "CaptionReferenceTests.cs")).ReplaceLineEndings("\n");
        foreach (string name in files)
        {
            Assert.Contains(SafeTensorsFile.Read(Path.Combine(folder, name + ".safetensors")).Metadata["declaration"], source, StringComparison.Ordinal);
        }
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    [Theory]
    [InlineData(nameof(CaptionConvPoolLstm))]
    [InlineData(nameof(CaptionConvGlobalGru))]
    public void Teacher_forced_captions_match_libtorch(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Reference", "Caption", caseName + ".safetensors"));
        IRnnModel model = Create(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        int vocabulary = model.OutputSize, steps = model.OutputSteps;
        SafeTensor targetTensor = file["targets"];
        float[] targets = new float[steps * vocabulary];
        for (int t = 0; t < steps; t++)
        {
            targets[(t * vocabulary) + (int)BinaryPrimitives.ReadInt64LittleEndian(targetTensor.Data.Span[(t * sizeof(long))..])] = 1f;
        }

        float[] input = file["input"].ToSingleArray();
        float[] output = Enumerable.Repeat(7f, steps * vocabulary).ToArray(); // garbage: every element must be written
        float[] inputGradient = Enumerable.Repeat(7f, input.Length).ToArray();
        model.ZeroGradients();
        model.ForwardTeacherForced(input, targets, output, 1);
        model.Backward(file["doutput"].ToSingleArray(), inputGradient);

        ReferenceAssert.Close(caseName, "output", file["output"], output, OutputTolerance);
        ReferenceAssert.Close(caseName, "dinput", file["dinput"], inputGradient, GradientTolerance);
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            ReferenceAssert.Close(caseName, "grad/" + parameter.Name, file["grad/" + parameter.Name], parameter.Slice(model.Gradients), GradientTolerance);
        }
    }

    [Theory]
    [InlineData(nameof(CaptionConvPoolLstm))]
    [InlineData(nameof(CaptionConvGlobalGru))]
    public void Greedy_decoding_equals_teacher_forcing_on_its_own_tokens(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Reference", "Caption", caseName + ".safetensors"));
        IRnnModel model = Create(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        int vocabulary = model.OutputSize, steps = model.OutputSteps;
        float[] input = file["input"].ToSingleArray();
        float[] greedy = new float[steps * vocabulary];
        model.Predict(input, greedy);
        float[] chosen = new float[greedy.Length];
        for (int t = 0; t < steps; t++)
        {
            chosen[(t * vocabulary) + TokenSampler.MostProbable(greedy.AsSpan(t * vocabulary, vocabulary))] = 1f;
        }

        float[] forced = new float[greedy.Length];
        model.ForwardTeacherForced(input, chosen, forced, 1);
        Assert.Equal(greedy, forced);

        int[] tokens = new int[steps];
        Assert.True(model is CaptionConvPoolLstm or CaptionConvGlobalGru);
        float[] generated = new float[greedy.Length];
        if (model is CaptionConvPoolLstm lstm)
        {
            lstm.Generate(input, generated, tokens, 0f, 0, new SeededRandom(3));
        }
        else
        {
            ((CaptionConvGlobalGru)model).Generate(input, generated, tokens, 0f, 0, new SeededRandom(3));
        }

        Assert.Equal(greedy, generated);
    }
}
