using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// Weight files as a PyTorch user would hand them over: the state_dict of a float32 model with PyTorch's default
/// initialization, the tensor bytes taken from libtorch unchanged, in F32 and (converted by libtorch) F16 and BF16; and
/// a side file with a batch of inputs and libtorch's outputs for them.
/// </summary>
internal static class WeightFiles
{
    public const string BaseName = "lstm_forecaster";

    public const string ClassName = "LstmForecaster";

    private const int Batch = 4;

    private const long Seed = 20240503;

    public static CaseSpec Spec { get; } = new(3, 20, new[] { new LayerSpec(LayerKind.Lstm, 16), new LayerSpec(LayerKind.Dense, 1) });

    public static void Write(string folder)
    {
        torch.manual_seed(Seed);
        using DisposeScope scope = torch.NewDisposeScope();

        var model32 = new TorchModel(Spec, ScalarType.Float32); // PyTorch's default initialization, float32
        (string Name, Tensor Value)[] stateDict = model32.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter.detach())).ToArray();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };

        WriteStateDict(Path.Combine(folder, BaseName + ".f32.safetensors"), stateDict, ScalarType.Float32, SafeTensorsDType.F32, metadata);
        WriteStateDict(Path.Combine(folder, BaseName + ".f16.safetensors"), stateDict, ScalarType.Float16, SafeTensorsDType.F16, metadata);
        WriteStateDict(Path.Combine(folder, BaseName + ".bf16.safetensors"), stateDict, ScalarType.BFloat16, SafeTensorsDType.BF16, metadata);

        Tensor input = torch.randn(new long[] { Batch, Spec.Steps, Spec.InputSize }, ScalarType.Float32);
        Tensor output32;
        using (torch.no_grad())
        {
            output32 = model32.Forward(input);
        }

        var entries = new List<SafeTensorsEntry>
        {
            Raw("input", input, SafeTensorsDType.F32),
            Raw("output", output32, SafeTensorsDType.F32),
            Program.Entry("output_f64", ForwardInFloat64(stateDict, ScalarType.Float32, input)),
            Program.Entry("output_f16_weights", ForwardInFloat64(stateDict, ScalarType.Float16, input)),
            Program.Entry("output_bf16_weights", ForwardInFloat64(stateDict, ScalarType.BFloat16, input)),
        };
        var ioMetadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = ClassName,
            ["declaration"] = Spec.Declaration(),
            ["input"] = $"[{Batch}, {Spec.Steps}, {Spec.InputSize}] float32, sample-major",
            ["output"] = $"libtorch float32 forward with {BaseName}.f32.safetensors, [{Batch}, {Spec.OutputSize}]",
            ["output_f64"] = "libtorch float64 forward with the F32 weights widened",
            ["output_f16_weights"] = "libtorch float64 forward with the F16 file's weights",
            ["output_bf16_weights"] = "libtorch float64 forward with the BF16 file's weights",
            ["seed"] = Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["libtorch"] = torch.__version__,
            ["writer"] = "tests/Rnn.Gen.ReferenceVectors",
        };
        SafeTensorsFile.Write(Path.Combine(folder, BaseName + ".io.safetensors"), entries, ioMetadata);
    }

    private static void WriteStateDict(string path, (string Name, Tensor Value)[] stateDict, ScalarType type, SafeTensorsDType dtype,
        IReadOnlyDictionary<string, string> metadata)
    {
        SafeTensorsFile.Write(path, stateDict.Select(p => Raw(p.Name, p.Value.to(type), dtype)).ToList(), metadata);
    }

    // The tensor's bytes exactly as libtorch holds them (little-endian on every platform libtorch ships for).
    private static SafeTensorsEntry Raw(string name, Tensor tensor, SafeTensorsDType dtype)
    {
        Tensor values = tensor.contiguous();
        return SafeTensorsEntry.Raw(name, dtype, values.shape.Select(d => (int)d).ToArray(), values.bytes.ToArray());
    }

    // Evaluates the model in float64 with the weights rounded through `storage` first, as loading that file would.
    private static Tensor ForwardInFloat64((string Name, Tensor Value)[] stateDict, ScalarType storage, Tensor input)
    {
        var model64 = new TorchModel(Spec, ScalarType.Float64);
        Dictionary<string, Tensor> values = stateDict.ToDictionary(p => p.Name, p => p.Value);
        using (torch.no_grad())
        {
            foreach ((string name, Parameter parameter) in model64.NamedParameters())
            {
                parameter.copy_(values[name].to(storage).to(ScalarType.Float64));
            }

            return model64.Forward(input.to(ScalarType.Float64));
        }
    }
}
