using System;
using System.Collections.Generic;
using System.IO;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// PyTorch checkpoints in PyTorch's own format (Reference/PyTorch, written by TorchSharp.PyBridge from libtorch's
/// tensors, named by module attribute as a PyTorch user's model names them) load through a name map into the generated
/// models and reproduce libtorch's outputs for each file's weights, in float32, float64, float16 and bfloat16.
/// </summary>
public class PyTorchReferenceTests
{
    /// <summary>nn.LSTM(3, 16) as 'lstm', nn.Linear(16, 1) as 'fc', on the last step.</summary>
    internal static readonly Dictionary<string, string> LstmNames = new()
    {
        ["lstm.weight_ih_l0"] = "0.weight_ih_l0",
        ["lstm.weight_hh_l0"] = "0.weight_hh_l0",
        ["lstm.bias_ih_l0"] = "0.bias_ih_l0",
        ["lstm.bias_hh_l0"] = "0.bias_hh_l0",
        ["fc.weight"] = "1.weight",
        ["fc.bias"] = "1.bias",
    };

    /// <summary>A two-layer nn.GRU(4, 6, num_layers=2) as 'gru': its second layer (suffix _l1) is the second [Gru] (index 1, suffix _l0).</summary>
    internal static readonly Dictionary<string, string> GruNames = new()
    {
        ["gru.weight_ih_l0"] = "0.weight_ih_l0",
        ["gru.weight_hh_l0"] = "0.weight_hh_l0",
        ["gru.bias_ih_l0"] = "0.bias_ih_l0",
        ["gru.bias_hh_l0"] = "0.bias_hh_l0",
        ["gru.weight_ih_l1"] = "1.weight_ih_l0",
        ["gru.weight_hh_l1"] = "1.weight_hh_l0",
        ["gru.bias_ih_l1"] = "1.bias_ih_l0",
        ["gru.bias_hh_l1"] = "1.bias_hh_l0",
        ["fc.weight"] = "2.weight",
        ["fc.bias"] = "2.bias",
    };

    private static string PyTorchPath(string fileName) => Path.Combine(AppContext.BaseDirectory, "Reference", "PyTorch", fileName);

    private static (IRnnModel Model, Dictionary<string, string> Names, string Declaration) Create(string name) => name switch
    {
        "lstm_fc" => (new PtLstmForecaster(), LstmNames, "[RnnModel(inputSize: 3, steps: 20)] [Lstm(16)] [Dense(1)]"),
        "gru2_fc" => (new PtGruStack(), GruNames, "[RnnModel(inputSize: 4, steps: 12)] [Gru(6, ReturnSequences = true)] [Gru(6)] [Dense(2)]"),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("lstm_fc", "f32")]
    [InlineData("lstm_fc", "f64")]
    [InlineData("lstm_fc", "f16")]
    [InlineData("lstm_fc", "bf16")]
    [InlineData("gru2_fc", "f32")]
    [InlineData("gru2_fc", "f64")]
    [InlineData("gru2_fc", "f16")]
    [InlineData("gru2_fc", "bf16")]
    public void PyTorch_checkpoints_load_through_a_name_map_and_reproduce_libtorch_outputs(string name, string dtype)
    {
        (IRnnModel model, Dictionary<string, string> names, string declaration) = Create(name);
        SafeTensorsFile io = SafeTensorsFile.Read(PyTorchPath($"{name}.io.safetensors"));
        Assert.Equal(declaration, io.Metadata["declaration"]); // the file was written for this model

        string path = PyTorchPath($"{name}.{dtype}.pt");
        PyTorchFile checkpoint = PyTorchFile.Read(path);
        string stored = dtype switch { "f32" => "F32", "f64" => "F64", "f16" => "F16", _ => "BF16" };
        Assert.All(checkpoint.Tensors, t => Assert.Equal(stored, t.DType.ToString()));
        WeightFile.Load(model, path, names);

        float[] inputs = io["input"].ToSingleArray();
        double[] expected = io[$"output_{dtype}"].ToDoubleArray();
        int batch = io["input"].Shape[0];
        int inputLength = model.Steps * model.InputSize;
        int outputLength = model.OutputSteps * model.OutputSize;
        Assert.Equal(batch * inputLength, inputs.Length);
        Assert.Equal(batch * outputLength, expected.Length);
        var outputs = new float[batch * outputLength];
        for (int b = 0; b < batch; b++)
        {
            model.Predict(inputs.AsSpan(b * inputLength, inputLength), outputs.AsSpan(b * outputLength, outputLength));
        }

        ReferenceAssert.Close($"{name}.{dtype}.pt", $"output_{dtype}", io[$"output_{dtype}"].Shape, expected, outputs, 1e-5);
    }

    [Fact]
    public void The_generated_LoadWeights_reads_a_checkpoint_and_refuses_it_without_the_map()
    {
        var model = new PtGruStack();
        model.Initialize(1);
        float[] before = model.Parameters.ToArray();
        string path = PyTorchPath("gru2_fc.f32.pt");
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains("The file's tensors: gru.weight_ih_l0 [18, 4], gru.weight_hh_l0 [18, 6]", e.Message, StringComparison.Ordinal);
        Assert.Contains("The model's parameters: 0.weight_ih_l0 [18, 4], 0.weight_hh_l0 [18, 6]", e.Message, StringComparison.Ordinal);
        Assert.True(model.Parameters.SequenceEqual(before));

        model.LoadWeights(path, GruNames);
        PyTorchFile checkpoint = PyTorchFile.Read(path);
        foreach (KeyValuePair<string, string> pair in GruNames)
        {
            Assert.Equal(checkpoint[pair.Key].ToSingleArray(), model.GetParameter(pair.Value).ToArray());
        }

        using FileStream stream = File.OpenRead(PyTorchPath("lstm_fc.bf16.pt"));
        var lstm = new PtLstmForecaster();
        lstm.LoadWeights(stream, LstmNames);
        Assert.Equal(PyTorchFile.Read(PyTorchPath("lstm_fc.bf16.pt"))["fc.bias"].ToSingleArray(), lstm.GetParameter("1.bias").ToArray());
    }
}

/// <summary>The model of Reference/PyTorch/lstm_fc.*.pt.</summary>
[RnnModel(inputSize: 3, steps: 20)]
[Lstm(16)]
[Dense(1)]
internal partial class PtLstmForecaster;

/// <summary>The model of Reference/PyTorch/gru2_fc.*.pt: PyTorch's two-layer GRU is two stacked [Gru] layers.</summary>
[RnnModel(inputSize: 4, steps: 12)]
[Gru(6, ReturnSequences = true)]
[Gru(6)]
[Dense(2)]
internal partial class PtGruStack;
