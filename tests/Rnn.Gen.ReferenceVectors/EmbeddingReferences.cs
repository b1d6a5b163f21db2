using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Rnn.Gen.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// A model whose first layer is an Embedding: PyTorch's <c>nn.Embedding(vocabulary, dimension, padding_idx)</c>
/// followed by <paramref name="Tail"/>, the layers above it as an ordinary case whose input size is the dimension
/// (their parameter names are shifted by one layer). A tail with lengths makes a padded case.
/// </summary>
internal sealed record EmbeddingCase(int Vocabulary, int Dimension, int? PaddingIndex, CaseSpec Tail)
{
    public string Name => $"Emb{Vocabulary}x{Dimension}{(PaddingIndex is { } p ? $"Pad{p}" : "")}_{Tail.Name}";

    public int Steps => Tail.Steps;

    public int Batch => Tail.Lengths?.Count ?? 1;

    /// <summary>The model declaration the generator compiles for this case.</summary>
    public string Declaration()
    {
        string padding = PaddingIndex is { } p ? $", PaddingIndex = {p}" : "";
        string tail = Tail.Declaration();
        string layers = tail.Substring(tail.IndexOf('\n', StringComparison.Ordinal) + 1);
        return $"[RnnModel(inputSize: 1, steps: {Steps})]\n[Embedding({Vocabulary}, {Dimension}{padding})]\n"
            + layers.Replace("class " + Tail.Name + ";", "class " + Name + ";", StringComparison.Ordinal);
    }
}

/// <summary>
/// Writes Reference/Embedding: one float64 case per <see cref="EmbeddingCase"/>, with the token ids as int64 tensors,
/// and EmbeddingReferenceModels.cs with their declarations.
/// </summary>
internal static class EmbeddingReferences
{
    public static readonly IReadOnlyList<EmbeddingCase> All = new EmbeddingCase[]
    {
        new(13, 5, null, new CaseSpec(5, 6, new[] { new LayerSpec(LayerKind.Lstm, 7), new LayerSpec(LayerKind.Dense, 3) })),
        new(9, 4, 2, new CaseSpec(4, 8, new[] { new LayerSpec(LayerKind.Gru, 6, ReturnSequences: true), new LayerSpec(LayerKind.Dense, 2, Activation: Activation.Tanh) })),
        new(40, 16, 0, new CaseSpec(16, 10, new[] { new LayerSpec(LayerKind.Lstm, 12, ReturnSequences: true), new LayerSpec(LayerKind.Gru, 8), new LayerSpec(LayerKind.Dense, 4, Activation: Activation.Softmax) })),
        new(11, 3, 0, new CaseSpec(3, 7, new[] { new LayerSpec(LayerKind.Lstm, 4, Bidirectional: true), new LayerSpec(LayerKind.Dense, 2) }, new[] { 7, 4, 2 })),
        new(8, 5, 7, new CaseSpec(5, 6, new[] { new LayerSpec(LayerKind.Gru, 5, ReturnSequences: true), new LayerSpec(LayerKind.Dense, 3) }, new[] { 3, 6, 1 })),
    };

    public static void Write(string referenceFolder)
    {
        string folder = Path.Combine(referenceFolder, "Embedding");
        Directory.CreateDirectory(folder);
        foreach (string stale in Directory.GetFiles(folder, "*.safetensors"))
        {
            File.Delete(stale);
        }

        torch.set_default_dtype(ScalarType.Float64);
        foreach (EmbeddingCase spec in All)
        {
            string path = Path.Combine(folder, spec.Name + ".safetensors");
            WriteCase(spec, path);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{spec.Name,-60} {new FileInfo(path).Length,9:N0} B"));
        }

        File.WriteAllText(Path.Combine(referenceFolder, "EmbeddingReferenceModels.cs"), ModelsSource(), new UTF8Encoding(false));
        Console.WriteLine($"{All.Count} embedding cases, and EmbeddingReferenceModels.cs.");
    }

    private static void WriteCase(EmbeddingCase spec, string path)
    {
        long seed = Program.Seed(spec.Name);
        torch.manual_seed(seed);
        using DisposeScope scope = torch.NewDisposeScope();
        Embedding embedding = nn.Embedding(spec.Vocabulary, spec.Dimension, padding_idx: spec.PaddingIndex, dtype: ScalarType.Float64);
        var tail = new TorchModel(spec.Tail, ScalarType.Float64);
        using (torch.no_grad())
        {
            // The table U(-1, 1), the padding row zero as nn.Embedding keeps it; the layers above as the other cases.
            embedding.weight!.uniform_(-1, 1);
            if (spec.PaddingIndex is { } padding)
            {
                embedding.weight![padding].zero_();
            }

            foreach ((int layer, string _, Parameter parameter) in tail.ParametersByLayer())
            {
                double bound = Math.Min(0.5, 2.0 / Math.Sqrt(tail.FanIn(layer)));
                parameter.uniform_(-bound, bound);
            }
        }

        // Random ids, every sample holding the padding id (if any) at least twice, and past a padded sample's length too.
        int batch = spec.Batch;
        long[] ids = new long[batch * spec.Steps];
        var random = new Random((int)seed);
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = random.Next(spec.Vocabulary);
        }

        if (spec.PaddingIndex is { } pad)
        {
            for (int b = 0; b < batch; b++)
            {
                ids[b * spec.Steps] = pad;
                ids[(b * spec.Steps) + (spec.Steps / 2)] = pad;
            }
        }

        Tensor tokens = torch.tensor(ids, new long[] { batch, spec.Steps }, ScalarType.Int64);
        Tensor? lengths = spec.Tail.Lengths is null ? null : torch.tensor(spec.Tail.Lengths.Select(l => (long)l).ToArray(), ScalarType.Int64);
        Tensor output = tail.Forward(embedding.call(tokens), lengths);
        output = lengths is null ? output.squeeze(0) : output;
        Tensor doutput = torch.rand(output.shape, ScalarType.Float64) * 2 - 1;
        (output * doutput).sum().backward();

        Tensor tableGradient = embedding.weight!.grad ?? throw new InvalidOperationException($"{spec.Name}: the table has no gradient.");
        if (spec.PaddingIndex is { } row && tableGradient[row].abs().max().item<double>() != 0)
        {
            throw new InvalidOperationException($"{spec.Name}: libtorch gave the padding row a gradient.");
        }

        byte[] tokenBytes = new byte[ids.Length * sizeof(long)];
        for (int i = 0; i < ids.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(tokenBytes.AsSpan(i * sizeof(long)), ids[i]);
        }

        var entries = new List<SafeTensorsEntry>
        {
            SafeTensorsEntry.Raw("tokens", SafeTensorsDType.I64, lengths is null ? new[] { spec.Steps } : new[] { batch, spec.Steps }, tokenBytes),
            Program.Entry("output", output),
            Program.Entry("doutput", doutput),
            Program.Entry("param/0.weight", embedding.weight!),
            Program.Entry("grad/0.weight", tableGradient),
        };
        foreach ((string name, Parameter parameter) in tail.NamedParameters())
        {
            string shifted = Shift(name);
            entries.Add(Program.Entry("param/" + shifted, parameter));
            entries.Add(Program.Entry("grad/" + shifted, parameter.grad ?? throw new InvalidOperationException($"{spec.Name}: {name} has no gradient.")));
        }

        if (spec.Tail.Lengths is { } valid)
        {
            byte[] bytes = new byte[batch * sizeof(long)];
            for (int b = 0; b < batch; b++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(b * sizeof(long)), valid[b]);
            }

            entries.Add(SafeTensorsEntry.Raw("lengths", SafeTensorsDType.I64, new[] { batch }, bytes));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["case"] = spec.Name,
            ["declaration"] = spec.Declaration(),
            ["loss"] = "sum(output * doutput); grad/* are its gradients",
            ["init"] = "table U(-1, 1) with the padding row zero; the other layers U(-a, a), a = min(0.5, 2/sqrt(fan_in)); doutput U(-1, 1)",
            ["tokens"] = "int64 ids; a padded case has one row per sample, ids past its length random (they must not matter)",
            ["dtype"] = "float64",
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["libtorch"] = torch.__version__,
            ["writer"] = "tests/Rnn.Gen.ReferenceVectors",
        };
        SafeTensorsFile.Write(path, entries, metadata);
    }

    /// <summary>A tail parameter's name in the whole model: its layer index one more (the Embedding is layer 0).</summary>
    private static string Shift(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        int layer = int.Parse(name.AsSpan(0, dot), CultureInfo.InvariantCulture);
        return (layer + 1).ToString(CultureInfo.InvariantCulture) + name.Substring(dot);
    }

    private static string ModelsSource()
    {
        var text = new StringBuilder();
        text.Append("""
            // <auto-generated>
            // Written by tests/Rnn.Gen.ReferenceVectors; do not edit. To regenerate, see tests/Rnn.Gen.Tests/Reference/README.md.
            // One model per Embedding case in Embedding/; the source generator implements each of them.
            // </auto-generated>
            #nullable enable

            using System;
            using System.Collections.Generic;

            namespace Rnn.Gen.Tests.Reference;


            """);
        foreach (EmbeddingCase spec in All)
        {
            text.Append(spec.Declaration()).Append('\n');
        }

        text.Append("""
            /// <summary>The Embedding cases by name (the file names in Embedding/ without extension).</summary>
            internal static class EmbeddingReferenceModels
            {
                /// <summary>Every case, in the order the reference program lists them.</summary>
                public static IReadOnlyList<string> CaseNames { get; } = new[]
                {

            """);
        foreach (EmbeddingCase spec in All)
        {
            text.Append("        \"").Append(spec.Name).Append("\",\n");
        }

        text.Append("""
                };

                /// <summary>A new model of the case named <paramref name="caseName"/>.</summary>
                public static IRnnModel Create(string caseName) => caseName switch
                {

            """);
        foreach (EmbeddingCase spec in All)
        {
            text.Append("        \"").Append(spec.Name).Append("\" => new ").Append(spec.Name).Append("(),\n");
        }

        text.Append("""
                    _ => throw new ArgumentException($"No Embedding case is named {caseName}.", nameof(caseName)),
                };
            }

            """);
        return text.ToString();
    }
}
