using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Rnn.Gen.Serialization;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// PyTorch checkpoints (<c>PyTorch/</c>): the <c>state_dict</c> of a PyTorch model written in PyTorch's own format
/// (<c>torch.save</c>: a zip with <c>data.pkl</c> and one storage per tensor) by TorchSharp.PyBridge, named as a PyTorch
/// user's module names them (<c>lstm.weight_ih_l0</c>, <c>fc.weight</c>), not by layer position. Two models, each a
/// multi-layer PyTorch module followed by a Linear head on the last step: <c>nn.LSTM(3, 16)</c> + <c>nn.Linear(16, 1)</c>
/// and a two-layer <c>nn.GRU(4, 6, num_layers=2)</c> + <c>nn.Linear(6, 2)</c> (its second layer is the generated
/// model's second <c>[Gru]</c>: <c>gru.weight_ih_l1</c> is <c>1.weight_ih_l0</c>). Each is written in float32, float64
/// (the float32 weights widened), float16 and bfloat16 (converted by libtorch), and read back with PyBridge's own
/// unpickler to check every tensor restores unchanged. A side file holds a batch of inputs and libtorch's outputs for
/// each file's weights.
/// </summary>
internal static class PyTorchReferences
{
    private const int Batch = 4;

    private sealed record Model(string Name, string Kind, int InputSize, int Hidden, int Layers, int Outputs, int Steps, long Seed)
    {
        public string Declaration =>
            $"[RnnModel(inputSize: {InputSize}, steps: {Steps})] "
            + string.Concat(Enumerable.Range(0, Layers).Select(l => $"[{Kind}({Hidden}{(l < Layers - 1 ? ", ReturnSequences = true" : "")})] "))
            + $"[Dense({Outputs})]";
    }

    private static readonly Model[] Models =
    {
        new("lstm_fc", "Lstm", 3, 16, 1, 1, 20, 20260101),
        new("gru2_fc", "Gru", 4, 6, 2, 2, 12, 20260102),
    };

    private static readonly (string Suffix, ScalarType Type)[] DTypes =
    {
        ("f32", ScalarType.Float32),
        ("f64", ScalarType.Float64),
        ("f16", ScalarType.Float16),
        ("bf16", ScalarType.BFloat16),
    };

    public static void Write(string reference)
    {
        string folder = Path.Combine(reference, "PyTorch");
        Directory.CreateDirectory(folder);
        foreach (Model model in Models)
        {
            WriteModel(folder, model);
        }
    }

    private static void WriteModel(string folder, Model spec)
    {
        torch.manual_seed(spec.Seed);
        using DisposeScope scope = torch.NewDisposeScope();

        // PyTorch's default initialization in float32, as a user's model would be trained and saved.
        nn.Module recurrent = Recurrent(spec, ScalarType.Float32);
        var head = nn.Linear(spec.Hidden, spec.Outputs, hasBias: true, dtype: ScalarType.Float32);
        string attribute = spec.Kind.ToLowerInvariant();
        var stateDict = new List<(string Name, Tensor Value)>();
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in recurrent.named_parameters())
        {
            stateDict.Add(($"{attribute}.{name}", parameter.detach()));
        }

        foreach ((string name, TorchSharp.Modules.Parameter parameter) in head.named_parameters())
        {
            stateDict.Add(($"fc.{name}", parameter.detach()));
        }

        var entries = new List<SafeTensorsEntry>();
        Tensor input = torch.randn(new long[] { Batch, spec.Steps, spec.InputSize }, ScalarType.Float32);
        entries.Add(SafeTensorsEntry.F32("input", new[] { Batch, spec.Steps, spec.InputSize }, input.data<float>().ToArray()));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["declaration"] = spec.Declaration,
            ["pytorch"] = $"nn.{spec.Kind.ToUpperInvariant()}({spec.InputSize}, {spec.Hidden}, num_layers={spec.Layers}, batch_first=True) as 'lstm'/'gru', "
                + $"nn.Linear({spec.Hidden}, {spec.Outputs}) as 'fc' on the last step",
            ["names"] = string.Join(", ", stateDict.Select(p => p.Name)),
            ["input"] = $"[{Batch}, {spec.Steps}, {spec.InputSize}] float32, sample-major",
            ["seed"] = spec.Seed.ToString(CultureInfo.InvariantCulture),
            ["libtorch"] = torch.__version__,
            ["writer"] = "tests/Rnn.Gen.ReferenceVectors (PyTorch files by TorchSharp.PyBridge 1.4.4)",
        };

        foreach ((string suffix, ScalarType type) in DTypes)
        {
            string path = Path.Combine(folder, $"{spec.Name}.{suffix}.pt");
            var dictionary = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach ((string name, Tensor value) in stateDict)
            {
                dictionary[name] = value.to(type).contiguous();
            }

            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
            {
                PyTorchPickler.PickleStateDict(stream, dictionary);
            }

            FixTimestamps(path);
            CheckRestores(path, dictionary);

            // float32: libtorch's float32 forward; the others: a float64 forward with the file's weights widened.
            Tensor output = type == ScalarType.Float32
                ? Forward(spec, stateDict.ToDictionary(p => p.Name, p => p.Value), input, ScalarType.Float32)
                : Forward(spec, dictionary, input.to(ScalarType.Float64), ScalarType.Float64);
            Tensor values = output.to(ScalarType.Float64).contiguous();
            entries.Add(SafeTensorsEntry.F64($"output_{suffix}", values.shape.Select(d => (int)d).ToArray(), values.data<double>().ToArray()));
            metadata[$"output_{suffix}"] = type == ScalarType.Float32
                ? $"libtorch float32 forward with {spec.Name}.f32.pt, [{Batch}, {spec.Outputs}]"
                : $"libtorch float64 forward with the weights of {spec.Name}.{suffix}.pt widened, [{Batch}, {spec.Outputs}]";
            Console.WriteLine($"{Path.GetFileName(path),-24} {new FileInfo(path).Length,7:N0} B");
        }

        SafeTensorsFile.Write(Path.Combine(folder, spec.Name + ".io.safetensors"), entries, metadata);
    }

    private static nn.Module Recurrent(Model spec, ScalarType type) => spec.Kind switch
    {
        "Lstm" => nn.LSTM(spec.InputSize, spec.Hidden, numLayers: spec.Layers, bias: true, batchFirst: true, dtype: type),
        "Gru" => nn.GRU(spec.InputSize, spec.Hidden, numLayers: spec.Layers, bias: true, batchFirst: true, dtype: type),
        _ => throw new InvalidOperationException(spec.Kind),
    };

    // The PyTorch model in `type` with `weights` (state_dict names) copied in: the recurrent module, its last step, the Linear head.
    private static Tensor Forward(Model spec, IReadOnlyDictionary<string, Tensor> weights, Tensor input, ScalarType type)
    {
        nn.Module recurrent = Recurrent(spec, type);
        var head = nn.Linear(spec.Hidden, spec.Outputs, hasBias: true, dtype: type);
        string attribute = spec.Kind.ToLowerInvariant();
        using (torch.no_grad())
        {
            foreach ((string name, TorchSharp.Modules.Parameter parameter) in recurrent.named_parameters())
            {
                parameter.copy_(weights[$"{attribute}.{name}"].to(type));
            }

            foreach ((string name, TorchSharp.Modules.Parameter parameter) in head.named_parameters())
            {
                parameter.copy_(weights[$"fc.{name}"].to(type));
            }

            Tensor sequence = recurrent switch
            {
                TorchSharp.Modules.LSTM lstm => lstm.call(input).Item1,
                TorchSharp.Modules.GRU gru => gru.call(input, null).Item1,
                _ => throw new InvalidOperationException(spec.Kind),
            };
            return head.call(sequence.select(1, spec.Steps - 1));
        }
    }

    // PyBridge stamps each entry with the time of writing; a fixed stamp (the zip format's first date, as PyTorch's own
    // writer uses) makes the same weights give the same bytes. Only the headers change: the entries are not reopened.
    private static void FixTimestamps(string path)
    {
        using var archive = new ZipArchive(new FileStream(path, FileMode.Open, FileAccess.ReadWrite), ZipArchiveMode.Update);
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        }
    }

    // PyBridge's own reader must give back every tensor, bit for bit, with its dtype and shape.
    private static void CheckRestores(string path, Dictionary<string, Tensor> written)
    {
        Hashtable restored = PyTorchUnpickler.UnpickleStateDict(path);
        if (restored.Count != written.Count)
        {
            throw new InvalidOperationException($"{path}: PyBridge restores {restored.Count} tensors, {written.Count} were written.");
        }

        foreach ((string name, Tensor value) in written)
        {
            if (restored[name] is not Tensor back || back.dtype != value.dtype || !back.shape.SequenceEqual(value.shape)
                || !back.bytes.ToArray().AsSpan().SequenceEqual(value.bytes.ToArray()))
            {
                throw new InvalidOperationException($"{path}: tensor '{name}' does not restore unchanged through PyBridge.");
            }
        }
    }
}
