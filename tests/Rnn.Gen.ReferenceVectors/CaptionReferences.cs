using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// The captioning cases (<c>Caption/</c>): image layers as a feature encoder whose one output vector is h_0 of the
/// decoder's recurrent layer (c_0 zero), then an Embedding of the fed-back tokens, the recurrent layer and a Softmax
/// head, teacher-forced on target ids. Written out in libtorch: <c>nn.Conv2d</c> → activation → pooling →
/// <c>reshape(1, -1)</c> → <c>nn.Linear</c> → tanh = h_0; ids <c>[start, targets[0..T−2]]</c> → <c>nn.Embedding</c> →
/// <c>nn.LSTM</c>/<c>nn.GRU</c> from <c>(h_0, 0)</c> / <c>h_0</c> → <c>nn.Linear</c> → softmax. The model declarations
/// are in the test project (CaptionReferenceTests), and each file's metadata holds its own for the test to compare.
/// </summary>
internal static class CaptionReferences
{
    /// <summary>One case: the image, the convolution (filters, kernel, activation), pooling (0: global average), the features, the decoder.</summary>
    internal sealed record Case(string Name, int Channels, int Height, int Width, int Filters, int Kernel, string ConvActivation, int Pool,
        int Features, int OutputSteps, int StartToken, int Vocabulary, int Embedding, bool Lstm)
    {
        public string Declaration => string.Join("\n",
            $"[RnnModel(channels: {Channels}, height: {Height}, width: {Width})]",
            $"[Conv2D({Filters}, {Kernel}, Activation = Activation.{ConvActivation})]",
            Pool > 0 ? $"[MaxPool2D({Pool})]\n[Flatten]" : "[GlobalAveragePool2D]",
            $"[Dense({Features}, Activation = Activation.Tanh)]",
            $"[Decoder({OutputSteps}, StartToken = {StartToken})]",
            $"[Embedding({Vocabulary}, {Embedding})]",
            Lstm ? $"[Lstm({Features})]" : $"[Gru({Features})]",
            $"[Dense({Vocabulary}, Activation = Activation.Softmax)]",
            $"public partial class {Name};");

        /// <summary>Layer indices: conv 0, (pool 1, flatten 2 | global 1), Dense, Embedding, recurrent, head.</summary>
        public int DenseIndex => Pool > 0 ? 3 : 2;
    }

    public static IReadOnlyList<Case> All { get; } = new[]
    {
        new Case("CaptionConvPoolLstm", 2, 6, 7, 3, 3, "Relu", 2, 5, 4, 1, 7, 3, Lstm: true),
        new Case("CaptionConvGlobalGru", 1, 5, 6, 4, 2, "Tanh", 0, 4, 3, 0, 5, 2, Lstm: false),
    };

    public static void Write(string reference)
    {
        string folder = Path.Combine(reference, "Caption");
        Directory.CreateDirectory(folder);
        foreach (string stale in Directory.GetFiles(folder, "*.safetensors"))
        {
            File.Delete(stale);
        }

        torch.set_default_dtype(ScalarType.Float64);
        foreach (Case spec in All)
        {
            string path = Path.Combine(folder, spec.Name + ".safetensors");
            WriteCase(spec, path);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{spec.Name,-60} {new FileInfo(path).Length,9:N0} B"));
        }

        Console.WriteLine($"{All.Count} captioning cases.");
    }

    private static void WriteCase(Case spec, string path)
    {
        long seed = Program.Seed(spec.Name);
        torch.manual_seed(seed);
        using DisposeScope scope = torch.NewDisposeScope();
        int convH = spec.Height - spec.Kernel + 1, convW = spec.Width - spec.Kernel + 1;
        int pooled = spec.Pool > 0 ? spec.Filters * (convH / spec.Pool) * (convW / spec.Pool) : spec.Filters;
        Conv2d conv = nn.Conv2d(spec.Channels, spec.Filters, (spec.Kernel, spec.Kernel), dtype: ScalarType.Float64);
        Linear project = nn.Linear(pooled, spec.Features, hasBias: true, dtype: ScalarType.Float64);
        Embedding embedding = nn.Embedding(spec.Vocabulary, spec.Embedding, dtype: ScalarType.Float64);
        nn.Module recurrent = spec.Lstm
            ? nn.LSTM(spec.Embedding, spec.Features, numLayers: 1, bias: true, batchFirst: true, dtype: ScalarType.Float64)
            : nn.GRU(spec.Embedding, spec.Features, numLayers: 1, bias: true, batchFirst: true, dtype: ScalarType.Float64);
        Linear head = nn.Linear(spec.Features, spec.Vocabulary, hasBias: true, dtype: ScalarType.Float64);
        int r = spec.DenseIndex;
        var named = new List<(string Name, Parameter Parameter, int Fan)>();
        void Add(int index, nn.Module module, int fan)
        {
            foreach ((string name, Parameter parameter) in module.named_parameters())
            {
                named.Add(($"{index}.{name}", parameter, fan));
            }
        }

        Add(0, conv, spec.Channels * spec.Kernel * spec.Kernel);
        Add(r, project, pooled);
        Add(r + 1, embedding, 1);
        Add(r + 2, recurrent, spec.Features);
        Add(r + 3, head, spec.Features);
        using (torch.no_grad())
        {
            foreach ((string _, Parameter parameter, int fan) in named)
            {
                double bound = Math.Min(1.0, 2.0 / Math.Sqrt(fan));
                parameter.uniform_(-bound, bound);
            }
        }

        Tensor input = (torch.rand(new long[] { spec.Channels * spec.Height * spec.Width }, ScalarType.Float64) * 2 - 1).requires_grad_(true);
        var random = new Random((int)seed);
        long[] targets = Enumerable.Range(0, spec.OutputSteps).Select(_ => (long)random.Next(spec.Vocabulary)).ToArray();
        long[] fed = new[] { (long)spec.StartToken }.Concat(targets.Take(spec.OutputSteps - 1)).ToArray();

        Tensor x = conv.call(input.reshape(1, spec.Channels, spec.Height, spec.Width));
        x = TorchModel.Activate(x, Enum.Parse<Activation>(spec.ConvActivation));
        x = spec.Pool > 0 ? nn.functional.max_pool2d(x, spec.Pool) : x.mean(new long[] { -2, -1 });
        Tensor h0 = torch.tanh(project.call(x.reshape(1, -1))).unsqueeze(0); // [1 layer, 1 sample, H]
        Tensor embedded = embedding.call(torch.tensor(fed, new long[] { 1, spec.OutputSteps }, ScalarType.Int64));
        Tensor hidden = recurrent is LSTM lstm
            ? lstm.call(embedded, (h0, torch.zeros_like(h0))).Item1
            : ((GRU)recurrent).call(embedded, h0).Item1;
        Tensor output = torch.softmax(head.call(hidden), -1).squeeze(0); // [T, V]
        Tensor doutput = torch.rand(output.shape, ScalarType.Float64) * 2 - 1;
        (output * doutput).sum().backward();

        byte[] targetBytes = new byte[targets.Length * sizeof(long)];
        for (int i = 0; i < targets.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(targetBytes.AsSpan(i * sizeof(long)), targets[i]);
        }

        var entries = new List<SafeTensorsEntry>
        {
            Program.Entry("input", input.detach()),
            SafeTensorsEntry.Raw("targets", SafeTensorsDType.I64, new[] { spec.OutputSteps }, targetBytes),
            Program.Entry("output", output.detach()),
            Program.Entry("doutput", doutput),
            Program.Entry("dinput", input.grad ?? throw new InvalidOperationException($"{spec.Name}: the input has no gradient.")),
        };
        foreach ((string name, Parameter parameter, int _) in named)
        {
            entries.Add(Program.Entry("param/" + name, parameter));
            entries.Add(Program.Entry("grad/" + name, parameter.grad ?? throw new InvalidOperationException($"{spec.Name}: {name} has no gradient.")));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["case"] = spec.Name,
            ["declaration"] = spec.Declaration,
            ["loss"] = "sum(output * doutput) of the teacher-forced output; grad/* and dinput are its gradients",
            ["init"] = "parameters U(-a, a), a = min(1, 2/sqrt(fan_in)) (the Embedding's table U(-1, 1)); input and doutput U(-1, 1)",
            ["targets"] = "int64 ids; the decoder reads the start token, then targets[0..T-2]",
            ["dtype"] = "float64",
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["libtorch"] = torch.__version__,
            ["writer"] = "tests/Rnn.Gen.ReferenceVectors",
        };
        SafeTensorsFile.Write(path, entries, metadata);
    }
}
