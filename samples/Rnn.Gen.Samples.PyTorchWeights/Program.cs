// Bring PyTorch weights to .NET: a model trained (here: initialized) in PyTorch is saved as safetensors with its
// state_dict names; the same architecture declared with Rnn.Gen attributes loads them by name and reproduces
// PyTorch's outputs. The files were written by libtorch (tests/Rnn.Gen.ReferenceVectors), in F32, F16 and BF16.
//
// In Python the export is one line:
//     safetensors.torch.save_file(model.state_dict(), "lstm_forecaster.f32.safetensors")
// for   model = nn.Sequential(LstmLastStep(nn.LSTM(3, 16, batch_first=True)), nn.Linear(16, 1))
//
// The second part loads PyTorch's own checkpoints, torch.save(model.state_dict(), "lstm_fc.f32.pt"), of a model whose
// modules are attributes (self.lstm, self.fc), so its tensors are named lstm.weight_ih_l0, ..., fc.bias: a name map
// gives the generated model's names. Those files were written in PyTorch's format by TorchSharp.PyBridge.

using System;
using System.Collections.Generic;
using System.IO;
using Rnn.Gen;
using Rnn.Gen.Serialization;

string data = Path.Combine(AppContext.BaseDirectory, "Data");
SafeTensorsFile io = SafeTensorsFile.Read(Path.Combine(data, "lstm_forecaster.io.safetensors"));
float[] inputs = io["input"].ToSingleArray();
int batch = io["input"].Shape[0];
const int InputLength = LstmForecaster.Steps * LstmForecaster.InputSize;

Console.WriteLine($"Model: [RnnModel(inputSize: {LstmForecaster.InputSize}, steps: {LstmForecaster.Steps})] [Lstm(16)] [Dense(1)], {LstmForecaster.ParameterCount} parameters:");
foreach (ParameterInfo parameter in LstmForecaster.ParameterLayout)
{
    Console.WriteLine($"  {parameter.Name,-16} [{string.Join(", ", parameter.Shape)}]");
}

Console.WriteLine();
Console.WriteLine($"{batch} input sequences of {LstmForecaster.Steps} steps; libtorch's outputs are in the same file.");
Console.WriteLine();
Console.WriteLine("weights file                          libtorch reference         largest |difference|");
foreach ((string file, string reference, string what) in new[]
{
    ("lstm_forecaster.f32.safetensors", "output", "float32 forward"),
    ("lstm_forecaster.f16.safetensors", "output_f16_weights", "float64, F16 weights"),
    ("lstm_forecaster.bf16.safetensors", "output_bf16_weights", "float64, BF16 weights"),
})
{
    var model = new LstmForecaster();
    model.LoadWeights(Path.Combine(data, file));   // strict: every name, no other, same shapes
    double[] expected = io[reference].ToDoubleArray();
    double worst = 0;
    float[] output = new float[LstmForecaster.OutputSize];
    for (int b = 0; b < batch; b++)
    {
        model.Predict(inputs.AsSpan(b * InputLength, InputLength), output);
        worst = Math.Max(worst, Math.Abs(output[0] - expected[b]));
    }

    Console.WriteLine($"{file,-37} {what,-26} {worst:0.00e+00}");
    if (worst > 1e-5)
    {
        Console.Error.WriteLine($"The outputs differ from libtorch's by more than 1e-5 for {file}.");
        return 1;
    }
}

// PyTorch checkpoints (torch.save): named by module attribute, so a name map says which parameter each tensor is.
var names = new Dictionary<string, string>
{
    ["lstm.weight_ih_l0"] = "0.weight_ih_l0", ["lstm.weight_hh_l0"] = "0.weight_hh_l0",
    ["lstm.bias_ih_l0"] = "0.bias_ih_l0", ["lstm.bias_hh_l0"] = "0.bias_hh_l0",
    ["fc.weight"] = "1.weight", ["fc.bias"] = "1.bias",
};
try
{
    new LstmForecaster().LoadWeights(Path.Combine(data, "lstm_fc.f32.pt"));   // no map: refused, nothing changes
}
catch (InvalidDataException e)
{
    Console.WriteLine();
    Console.WriteLine("Without a name map, lstm_fc.f32.pt is refused; the message lists both sides:");
    Console.WriteLine("  " + e.Message[(e.Message.IndexOf("The file's tensors", StringComparison.Ordinal))..]);
}

SafeTensorsFile ptIo = SafeTensorsFile.Read(Path.Combine(data, "lstm_fc.io.safetensors"));
float[] ptInputs = ptIo["input"].ToSingleArray();
int ptBatch = ptIo["input"].Shape[0];
Console.WriteLine();
Console.WriteLine("PyTorch checkpoint (torch.save)       libtorch reference         largest |difference|");
foreach ((string file, string reference, string what) in new[]
{
    ("lstm_fc.f32.pt", "output_f32", "float32 forward"),
    ("lstm_fc.f64.pt", "output_f64", "float64 forward"),
    ("lstm_fc.f16.pt", "output_f16", "float64, float16 weights"),
    ("lstm_fc.bf16.pt", "output_bf16", "float64, bfloat16 weights"),
})
{
    var model = new LstmForecaster();
    model.LoadWeights(Path.Combine(data, file), names);
    double[] expected = ptIo[reference].ToDoubleArray();
    double worst = 0;
    float[] output = new float[LstmForecaster.OutputSize];
    for (int b = 0; b < ptBatch; b++)
    {
        model.Predict(ptInputs.AsSpan(b * InputLength, InputLength), output);
        worst = Math.Max(worst, Math.Abs(output[0] - expected[b]));
    }

    Console.WriteLine($"{file,-37} {what,-26} {worst:0.00e+00}");
    if (worst > 1e-5)
    {
        Console.Error.WriteLine($"The outputs differ from libtorch's by more than 1e-5 for {file}.");
        return 1;
    }
}

Console.WriteLine();
Console.WriteLine("The generated model reproduces libtorch's outputs from PyTorch's own weight files.");
return 0;

/// <summary>The architecture of the PyTorch model, declared for the generator.</summary>
[RnnModel(inputSize: 3, steps: 20)]
[Lstm(16)]
[Dense(1)]
internal partial class LstmForecaster;
