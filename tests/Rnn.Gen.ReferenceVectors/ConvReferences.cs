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
/// The convolution and pooling reference cases (<c>Conv/</c>, <c>ConvReferenceModels.cs</c>): models with
/// <c>[Conv1D]</c>, <c>[MaxPool1D]</c>, <c>[AvgPool1D]</c>, <c>[GlobalMaxPool1D]</c> and <c>[GlobalAveragePool1D]</c>,
/// alone and composed with recurrent and Dense layers. The PyTorch computation is written out on <c>[batch = 1, steps,
/// features]</c>: a convolution is <c>nn.Conv1d</c> on the transposed sequence after <c>F.pad</c> (valid: none; same:
/// <c>Dilation·(k − 1)</c> zeros, the smaller half on the left, as PyTorch's <c>padding='same'</c>; causal: all of them
/// on the left), then the activation; pooling is <c>F.max_pool1d</c> / <c>F.avg_pool1d</c>; global pooling is
/// <c>F.max_pool1d</c> over the whole length / <c>mean</c> over the steps; recurrent and Linear layers as in
/// <see cref="TorchModel"/>. A padded case (<c>_Len…</c>) runs each sample on its valid prefix alone (what the generated
/// models define a padded sample to compute) and pads its output back with zeros to the full output steps; the
/// parameter gradients add up over the samples.
/// </summary>
internal static class ConvReferences
{
    internal enum Kind
    {
        Conv,
        MaxPool,
        AvgPool,
        GlobalMax,
        GlobalAverage,
        Lstm,
        Gru,
        Dense,
    }

    /// <summary>One layer: its kind, size (filters, hidden size, units or pool size), kernel, stride, dilation, padding, activation, and whether a recurrent layer returns sequences.</summary>
    internal sealed record Layer(Kind Kind, int Size = 0, int Kernel = 0, int Stride = 1, int Dilation = 1, string Padding = "Valid",
        Activation Activation = Activation.Identity, bool Sequences = false)
    {
        public string Attribute => Kind switch
        {
            Kind.Conv => $"[Conv1D({Size}, {Kernel}{(Stride != 1 ? $", Stride = {Stride}" : "")}{(Dilation != 1 ? $", Dilation = {Dilation}" : "")}"
                + $"{(Padding != "Valid" ? $", Padding = ConvPadding.{Padding}" : "")}{(Activation != Activation.Identity ? $", Activation = Activation.{Activation}" : "")})]",
            Kind.MaxPool => $"[MaxPool1D({Size}{(Stride != Size ? $", Stride = {Stride}" : "")})]",
            Kind.AvgPool => $"[AvgPool1D({Size}{(Stride != Size ? $", Stride = {Stride}" : "")})]",
            Kind.GlobalMax => "[GlobalMaxPool1D]",
            Kind.GlobalAverage => "[GlobalAveragePool1D]",
            Kind.Lstm => $"[Lstm({Size}{(Sequences ? ", ReturnSequences = true" : "")})]",
            Kind.Gru => $"[Gru({Size}{(Sequences ? ", ReturnSequences = true" : "")})]",
            _ => $"[Dense({Size}{(Activation != Activation.Identity ? $", Activation = Activation.{Activation}" : "")})]",
        };

        /// <summary>Steps out of <paramref name="steps"/> in (PyTorch's output-length arithmetic).</summary>
        public int OutputSteps(int steps) => Kind switch
        {
            Kind.Conv when Padding == "Valid" => ((steps - (Dilation * (Kernel - 1)) - 1) / Stride) + 1,
            Kind.MaxPool or Kind.AvgPool => ((steps - Size) / Stride) + 1,
            Kind.GlobalMax or Kind.GlobalAverage => 1,
            Kind.Lstm or Kind.Gru when !Sequences => 1,
            _ => steps,
        };

        /// <summary>Whether the output is still a sequence.</summary>
        public bool KeepsSequence => Kind is not (Kind.GlobalMax or Kind.GlobalAverage) && !(Kind is Kind.Lstm or Kind.Gru && !Sequences);
    }

    /// <summary>A case: its name (the model's class and the file's), input size, steps, layers and, for a padded case, one valid length per sample.</summary>
    internal sealed record Case(string Name, int InputSize, int Steps, Layer[] Layers, int[]? Lengths = null)
    {
        public string Declaration => $"[RnnModel(inputSize: {InputSize}, steps: {Steps})]\n{string.Concat(Layers.Select(l => l.Attribute + "\n"))}internal partial class {Name};\n";

        /// <summary>One sample's output shape: <c>[OutputSteps, OutputSize]</c> when the head returns a sequence, else <c>[OutputSize]</c>.</summary>
        public long[] SampleOutputShape
        {
            get
            {
                int steps = Steps, features = InputSize;
                bool sequence = true;
                foreach (Layer layer in Layers)
                {
                    steps = layer.OutputSteps(steps);
                    sequence &= layer.KeepsSequence;
                    features = layer.Kind is Kind.Conv or Kind.Lstm or Kind.Gru or Kind.Dense ? layer.Size : features;
                }

                return sequence ? new long[] { steps, features } : new long[] { features };
            }
        }
    }

    private static Layer Conv(int filters, int kernel, int stride = 1, int dilation = 1, string padding = "Valid", Activation activation = Activation.Identity) =>
        new(Kind.Conv, filters, kernel, stride, dilation, padding, activation);

    public static IReadOnlyList<Case> All { get; } = new[]
    {
        new Case("ConvValid_I3_T9", 3, 9, new[] { Conv(4, 3) }),
        new Case("ConvSameTanh_I2_T8", 2, 8, new[] { Conv(5, 4, padding: "Same", activation: Activation.Tanh) }),
        new Case("ConvCausalRelu_I3_T7", 3, 7, new[] { Conv(4, 3, padding: "Causal", activation: Activation.Relu) }),
        new Case("ConvStride2_I4_T11", 4, 11, new[] { Conv(3, 3, stride: 2) }),
        new Case("ConvDilation2Sigmoid_I2_T10", 2, 10, new[] { Conv(3, 3, dilation: 2, activation: Activation.Sigmoid) }),
        new Case("ConvCausalDilation2_I2_T8", 2, 8, new[] { Conv(3, 2, dilation: 2, padding: "Causal"), new Layer(Kind.Dense, 2) }),
        new Case("MaxPool3Stride2_I3_T10", 3, 10, new[] { new Layer(Kind.MaxPool, 3, Stride: 2) }),
        new Case("AvgPool2_I3_T9", 3, 9, new[] { new Layer(Kind.AvgPool, 2, Stride: 2) }),
        new Case("AvgPool3Stride1_I2_T7", 2, 7, new[] { new Layer(Kind.AvgPool, 3, Stride: 1) }),
        new Case("ConvGlobalMax_Dense_I3_T8", 3, 8, new[] { Conv(5, 3, activation: Activation.Tanh), new Layer(Kind.GlobalMax), new Layer(Kind.Dense, 2) }),
        new Case("GlobalAverage_Dense_I4_T6", 4, 6, new[] { new Layer(Kind.GlobalAverage), new Layer(Kind.Dense, 3, Activation: Activation.Softmax) }),
        new Case("ConvMaxPoolGruDense_I3_T12", 3, 12, new[] { Conv(5, 3, activation: Activation.Relu), new Layer(Kind.MaxPool, 2, Stride: 2), new Layer(Kind.Gru, 4), new Layer(Kind.Dense, 2) }),
        new Case("LstmSeqConvGlobalAverageDense_I3_T11", 3, 11, new[] { new Layer(Kind.Lstm, 6, Sequences: true), Conv(4, 2, stride: 2, dilation: 2), new Layer(Kind.GlobalAverage), new Layer(Kind.Dense, 2, Activation: Activation.Tanh) }),
        new Case("ConvCausalGruSeqDense_I2_T9", 2, 9, new[] { Conv(4, 3, dilation: 2, padding: "Causal", activation: Activation.Tanh), new Layer(Kind.Gru, 5, Sequences: true), new Layer(Kind.Dense, 2) }),
        new Case("ConvSameAvgPoolLstm_I3_T10_Len10_6_4", 3, 10, new[] { Conv(4, 3, padding: "Same"), new Layer(Kind.AvgPool, 2, Stride: 2), new Layer(Kind.Lstm, 3) }, new[] { 10, 6, 4 }),
        new Case("ConvMaxPoolGruDense_I3_T12_Len12_7_4", 3, 12, new[] { Conv(5, 3, activation: Activation.Relu), new Layer(Kind.MaxPool, 2, Stride: 2), new Layer(Kind.Gru, 4), new Layer(Kind.Dense, 2) }, new[] { 12, 7, 4 }),
        new Case("ConvStride2Head_I3_T8_Len8_5_3", 3, 8, new[] { Conv(4, 3, stride: 2) }, new[] { 8, 5, 3 }),
        new Case("ConvGlobalMax_I2_T7_Len7_3", 2, 7, new[] { Conv(3, 2), new Layer(Kind.GlobalMax) }, new[] { 7, 3 }),
    };

    /// <summary>Writes <c>Conv/*.safetensors</c> (after deleting the old ones) and <c>ConvReferenceModels.cs</c> under <paramref name="reference"/>.</summary>
    public static void Write(string reference)
    {
        string folder = Path.Combine(reference, "Conv");
        Directory.CreateDirectory(folder);
        foreach (string stale in Directory.GetFiles(folder, "*.safetensors"))
        {
            File.Delete(stale);
        }

        torch.set_default_dtype(ScalarType.Float64);
        long total = 0;
        foreach (Case spec in All)
        {
            string path = Path.Combine(folder, spec.Name + ".safetensors");
            WriteCase(spec, path);
            total += new FileInfo(path).Length;
        }

        File.WriteAllText(Path.Combine(reference, "ConvReferenceModels.cs"), ModelsSource(), new UTF8Encoding(false));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Conv/: {All.Count} cases, {total:N0} bytes, and ConvReferenceModels.cs"));
    }

    private static void WriteCase(Case spec, string path)
    {
        long seed = Program.Seed(spec.Name);
        torch.manual_seed(seed);
        using DisposeScope scope = torch.NewDisposeScope();
        var modules = new nn.Module?[spec.Layers.Length];
        var fans = new int[spec.Layers.Length];
        int features = spec.InputSize;
        for (int i = 0; i < spec.Layers.Length; i++)
        {
            Layer layer = spec.Layers[i];
            (modules[i], fans[i]) = layer.Kind switch
            {
                Kind.Conv => ((nn.Module?)nn.Conv1d(features, layer.Size, layer.Kernel, stride: layer.Stride, dilation: layer.Dilation, dtype: ScalarType.Float64), features * layer.Kernel),
                Kind.Lstm => (nn.LSTM(features, layer.Size, numLayers: 1, bias: true, batchFirst: true, dtype: ScalarType.Float64), layer.Size),
                Kind.Gru => (nn.GRU(features, layer.Size, numLayers: 1, bias: true, batchFirst: true, dtype: ScalarType.Float64), layer.Size),
                Kind.Dense => (nn.Linear(features, layer.Size, hasBias: true, dtype: ScalarType.Float64), features),
                _ => (null, 0),
            };
            features = layer.Kind is Kind.Conv or Kind.Lstm or Kind.Gru or Kind.Dense ? layer.Size : features;
        }

        var named = new List<(string Name, Parameter Parameter, int Fan)>();
        for (int i = 0; i < modules.Length; i++)
        {
            foreach ((string name, Parameter parameter) in modules[i]?.named_parameters() ?? Enumerable.Empty<(string, Parameter)>())
            {
                named.Add(($"{i}.{name}", parameter, fans[i]));
            }
        }

        using (torch.no_grad())
        {
            foreach ((string _, Parameter parameter, int fan) in named)
            {
                double bound = Math.Min(0.5, 2.0 / Math.Sqrt(fan));
                parameter.uniform_(-bound, bound);
            }
        }

        int batch = spec.Lengths?.Length ?? 1;
        long[] sampleShape = spec.SampleOutputShape;
        Tensor input = (torch.rand(new long[] { batch, spec.Steps, spec.InputSize }, ScalarType.Float64) * 2 - 1).detach().requires_grad_(true);
        var outputs = new List<Tensor>();
        for (int b = 0; b < batch; b++)
        {
            int length = spec.Lengths?[b] ?? spec.Steps;
            Tensor y = Forward(spec, modules, input.narrow(0, b, 1).narrow(1, 0, length)).squeeze(0);
            if (sampleShape.Length == 2 && y.shape[0] < sampleShape[0])
            {
                y = torch.cat(new[] { y, torch.zeros(new[] { sampleShape[0] - y.shape[0], sampleShape[1] }, ScalarType.Float64) }, 0); // zeros past the valid output
            }

            outputs.Add(y);
        }

        Tensor output = spec.Lengths is null ? outputs[0] : torch.stack(outputs, 0);
        Tensor doutput = torch.rand(output.shape, ScalarType.Float64) * 2 - 1;
        (output * doutput).sum().backward();
        if (!output.shape.Skip(spec.Lengths is null ? 0 : 1).SequenceEqual(sampleShape))
        {
            throw new InvalidOperationException($"{spec.Name}: output shape [{string.Join(", ", output.shape)}], expected [{string.Join(", ", sampleShape)}] per sample.");
        }

        Tensor inputGradient = input.grad ?? throw new InvalidOperationException($"{spec.Name}: the input has no gradient.");
        var entries = new List<SafeTensorsEntry>();
        if (spec.Lengths is not null)
        {
            byte[] bytes = new byte[batch * sizeof(long)];
            for (int b = 0; b < batch; b++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(b * sizeof(long)), spec.Lengths[b]);
            }

            entries.Add(SafeTensorsEntry.Raw("lengths", SafeTensorsDType.I64, new[] { batch }, bytes));
        }

        entries.Add(Program.Entry("input", spec.Lengths is null ? input.squeeze(0) : input));
        entries.Add(Program.Entry("output", output));
        entries.Add(Program.Entry("doutput", doutput));
        entries.Add(Program.Entry("grad/input", spec.Lengths is null ? inputGradient.squeeze(0) : inputGradient));
        entries.AddRange(named.Select(p => Program.Entry("param/" + p.Name, p.Parameter)));
        entries.AddRange(named.Select(p => Program.Entry("grad/" + p.Name, p.Parameter.grad ?? throw new InvalidOperationException($"{spec.Name}: {p.Name} has no gradient."))));

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["case"] = spec.Name,
            ["declaration"] = spec.Declaration,
            ["output_shape"] = $"[{string.Join(", ", sampleShape)}]",
            ["loss"] = "sum(output * doutput); grad/* are its gradients",
            ["init"] = "parameters U(-a, a), a = min(0.5, 2/sqrt(fan_in)) per layer (Conv1d: in_channels * kernel_size); input and doutput U(-1, 1)",
            ["dtype"] = "float64",
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["libtorch"] = torch.__version__,
            ["writer"] = "tests/Rnn.Gen.ReferenceVectors (ConvReferences)",
        };
        if (spec.Lengths is not null)
        {
            metadata["lengths"] = $"[{string.Join(", ", spec.Lengths)}]";
            metadata["padding"] = "each sample runs on its valid prefix alone; its output is padded with zeros to the full output steps; input, output, doutput and grad/input have the batch first; parameter gradients are summed over the batch";
        }

        SafeTensorsFile.Write(path, entries, metadata);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{spec.Name,-52} |out|max {output.abs().max().item<double>(),9:G4}  |dx|max {inputGradient.abs().max().item<double>(),9:G4}"));
    }

    /// <summary>The model on one sample <c>[1, L, features]</c>.</summary>
    private static Tensor Forward(Case spec, nn.Module?[] modules, Tensor x)
    {
        for (int i = 0; i < spec.Layers.Length; i++)
        {
            Layer layer = spec.Layers[i];
            switch (layer.Kind)
            {
                case Kind.Conv:
                    int span = (layer.Dilation * (layer.Kernel - 1)) + 1;
                    long left = layer.Padding switch { "Same" => (span - 1) / 2, "Causal" => span - 1, _ => 0 };
                    long right = layer.Padding == "Same" ? span - 1 - left : 0;
                    Tensor channels = nn.functional.pad(x.transpose(1, 2), new[] { left, right });
                    x = TorchModel.Activate(((Conv1d)modules[i]!).call(channels).transpose(1, 2), layer.Activation);
                    break;
                case Kind.MaxPool:
                    x = nn.functional.max_pool1d(x.transpose(1, 2), layer.Size, layer.Stride).transpose(1, 2);
                    break;
                case Kind.AvgPool:
                    x = nn.functional.avg_pool1d(x.transpose(1, 2), layer.Size, layer.Stride).transpose(1, 2);
                    break;
                case Kind.GlobalMax:
                    x = nn.functional.max_pool1d(x.transpose(1, 2), x.shape[1]).squeeze(2);
                    break;
                case Kind.GlobalAverage:
                    x = x.mean(new long[] { 1 });
                    break;
                case Kind.Lstm:
                    x = ((LSTM)modules[i]!).call(x).Item1;
                    x = layer.Sequences ? x : x.select(1, x.shape[1] - 1);
                    break;
                case Kind.Gru:
                    x = ((GRU)modules[i]!).call(x, null).Item1;
                    x = layer.Sequences ? x : x.select(1, x.shape[1] - 1);
                    break;
                default:
                    x = TorchModel.Activate(((Linear)modules[i]!).call(x), layer.Activation);
                    break;
            }
        }

        return x;
    }

    private static string ModelsSource()
    {
        var text = new StringBuilder();
        text.Append("// <auto-generated>\n// Written by tests/Rnn.Gen.ReferenceVectors (ConvReferences); do not edit. To regenerate, see tests/Rnn.Gen.Tests/Reference/README.md.\n");
        text.Append("// One model per convolution and pooling reference case in Conv/; the source generator implements each of them.\n// </auto-generated>\n#nullable enable\n\n");
        text.Append("using System;\nusing System.Collections.Generic;\n\nnamespace Rnn.Gen.Tests.Reference;\n\n");
        foreach (Case spec in All)
        {
            text.Append(spec.Declaration).Append('\n');
        }

        text.Append("/// <summary>The convolution and pooling reference cases by name (the file names in Conv/ without extension).</summary>\n");
        text.Append("internal static class ConvReferenceModels\n{\n    public static IReadOnlyList<string> CaseNames { get; } = new[]\n    {\n");
        foreach (Case spec in All)
        {
            text.Append("        \"").Append(spec.Name).Append("\",\n");
        }

        text.Append("    };\n\n    /// <summary>A new, uninitialized model of the case named <paramref name=\"caseName\"/>.</summary>\n");
        text.Append("    public static global::Rnn.Gen.IRnnModel Create(string caseName) => caseName switch\n    {\n");
        foreach (Case spec in All)
        {
            text.Append("        \"").Append(spec.Name).Append("\" => new ").Append(spec.Name).Append("(),\n");
        }

        text.Append("        _ => throw new ArgumentException($\"No convolution reference case is named '{caseName}'.\", nameof(caseName)),\n    };\n}\n");
        return text.ToString();
    }
}
