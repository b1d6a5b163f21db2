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
/// The image reference cases (<c>Image/</c>, <c>ImageReferenceModels.cs</c>): models of one image per sample
/// (<c>[RnnModel(channels, height, width)]</c>) or of frames (<c>[RnnModel(steps, channels, height, width)]</c>) with
/// <c>[Conv2D]</c>, <c>[MaxPool2D]</c>, <c>[AvgPool2D]</c>, <c>[GlobalAveragePool2D]</c>, <c>[Flatten]</c>,
/// <c>[RowsAsSteps]</c> and <c>[ColumnsAsSteps]</c>, alone and composed with recurrent and Dense layers. The PyTorch
/// computation is written out on the frames as a batch <c>[n, C, H, W]</c>: a convolution is <c>nn.Conv2d</c> after
/// <c>F.pad</c> (valid: none; same: <c>Dilation·(k − 1)</c> zeros per axis, the smaller half before, as PyTorch's
/// <c>padding='same'</c>), then the activation; pooling is <c>F.max_pool2d</c> / <c>F.avg_pool2d</c>; global pooling
/// <c>mean((-2, -1))</c>; Flatten <c>reshape(1, n, C·H·W)</c> (the frames as steps of one sequence); rows
/// <c>permute(1, 0, 2).reshape(1, H, C·W)</c>, columns <c>permute(2, 0, 1).reshape(1, W, C·H)</c>; recurrent and
/// Linear layers as in <see cref="TorchModel"/>. A padded frames case (<c>_Len…</c>) runs each sample on its valid
/// frames alone and pads its output back with zeros.
/// </summary>
internal static class ImageReferences
{
    internal enum Kind
    {
        Conv,
        MaxPool,
        AvgPool,
        GlobalAverage,
        Flatten,
        Rows,
        Columns,
        Lstm,
        Gru,
        Dense,
    }

    /// <summary>One layer: its kind, size (filters, hidden size, units or pool size), kernel (height, width), stride, dilation, padding, activation, and whether a recurrent layer returns sequences.</summary>
    internal sealed record Layer(Kind Kind, int Size = 0, int KernelHeight = 0, int KernelWidth = 0, int Stride = 1, int Dilation = 1, string Padding = "Valid",
        Activation Activation = Activation.Identity, bool Sequences = false)
    {
        public string Attribute => Kind switch
        {
            Kind.Conv => $"[Conv2D({Size}, {KernelHeight}{(KernelWidth != KernelHeight ? $", KernelWidth = {KernelWidth}" : "")}{(Stride != 1 ? $", Stride = {Stride}" : "")}{(Dilation != 1 ? $", Dilation = {Dilation}" : "")}"
                + $"{(Padding != "Valid" ? $", Padding = ConvPadding.{Padding}" : "")}{(Activation != Activation.Identity ? $", Activation = Activation.{Activation}" : "")})]",
            Kind.MaxPool => $"[MaxPool2D({Size}{(Stride != Size ? $", Stride = {Stride}" : "")})]",
            Kind.AvgPool => $"[AvgPool2D({Size}{(Stride != Size ? $", Stride = {Stride}" : "")})]",
            Kind.GlobalAverage => "[GlobalAveragePool2D]",
            Kind.Flatten => "[Flatten]",
            Kind.Rows => "[RowsAsSteps]",
            Kind.Columns => "[ColumnsAsSteps]",
            Kind.Lstm => $"[Lstm({Size}{(Sequences ? ", ReturnSequences = true" : "")})]",
            Kind.Gru => $"[Gru({Size}{(Sequences ? ", ReturnSequences = true" : "")})]",
            _ => $"[Dense({Size}{(Activation != Activation.Identity ? $", Activation = Activation.{Activation}" : "")})]",
        };
    }

    /// <summary>A case: its name, the image, the frames per sample (0: one image, <c>[RnnModel(channels, height, width)]</c>), the layers and, for a padded case, one valid length per sample.</summary>
    internal sealed record Case(string Name, int Channels, int Height, int Width, int Frames, Layer[] Layers, int[]? Lengths = null)
    {
        public int Steps => Math.Max(1, Frames);

        public string Declaration => (Frames == 0
                ? $"[RnnModel(channels: {Channels}, height: {Height}, width: {Width})]\n"
                : $"[RnnModel(steps: {Frames}, channels: {Channels}, height: {Height}, width: {Width})]\n")
            + $"{string.Concat(Layers.Select(l => l.Attribute + "\n"))}internal partial class {Name};\n";
    }

    private static Layer Conv(int filters, int kernel, int kernelWidth = 0, int stride = 1, int dilation = 1, string padding = "Valid", Activation activation = Activation.Identity) =>
        new(Kind.Conv, filters, kernel, kernelWidth == 0 ? kernel : kernelWidth, stride, dilation, padding, activation);

    private static Layer Pool(Kind kind, int size, int stride = 0) => new(kind, size, Stride: stride == 0 ? size : stride);

    private static readonly Layer Flatten = new(Kind.Flatten);

    private static Layer Dense(int units, Activation activation = Activation.Identity) => new(Kind.Dense, units, Activation: activation);

    public static IReadOnlyList<Case> All { get; } = new[]
    {
        new Case("Conv2DValid_C1_H6_W7", 1, 6, 7, 0, new[] { Conv(3, 3) }),
        new Case("Conv2DSameTanh_C2_H5_W6", 2, 5, 6, 0, new[] { Conv(4, 3, padding: "Same", activation: Activation.Tanh) }),
        new Case("Conv2DStride2Relu_C3_H7_W8", 3, 7, 8, 0, new[] { Conv(4, 3, stride: 2, activation: Activation.Relu) }),
        new Case("Conv2DDilation2Sigmoid_C2_H8_W9", 2, 8, 9, 0, new[] { Conv(3, 3, dilation: 2, activation: Activation.Sigmoid) }),
        new Case("Conv2DRect2x4Same_C2_H5_W7", 2, 5, 7, 0, new[] { Conv(3, 2, kernelWidth: 4, padding: "Same") }),
        new Case("Conv2DRect3x1Stride2_C3_H9_W6", 3, 9, 6, 0, new[] { Conv(2, 3, kernelWidth: 1, stride: 2) }),
        new Case("MaxPool2_C3_H6_W7", 3, 6, 7, 0, new[] { Pool(Kind.MaxPool, 2) }),
        new Case("MaxPool3Stride2_C2_H7_W9", 2, 7, 9, 0, new[] { Pool(Kind.MaxPool, 3, 2) }),
        new Case("AvgPool2_C2_H6_W5", 2, 6, 5, 0, new[] { Pool(Kind.AvgPool, 2) }),
        new Case("AvgPool3Stride1_C2_H5_W6", 2, 5, 6, 0, new[] { Pool(Kind.AvgPool, 3, 1) }),
        new Case("Conv2DGlobalAverageDense_C2_H6_W6", 2, 6, 6, 0, new[] { Conv(5, 3, activation: Activation.Relu), new Layer(Kind.GlobalAverage), Dense(3, Activation.Softmax) }),
        new Case("FlattenDense_C2_H4_W5", 2, 4, 5, 0, new[] { Flatten, Dense(3, Activation.Tanh) }),
        new Case("MnistStack_C1_H28_W28", 1, 28, 28, 0, new[]
        {
            Conv(16, 3, activation: Activation.Relu), Pool(Kind.MaxPool, 2), Conv(32, 3, activation: Activation.Relu), Pool(Kind.MaxPool, 2), Flatten, Dense(10),
        }),
        new Case("RowsLstmDense_C2_H5_W6", 2, 5, 6, 0, new[] { new Layer(Kind.Rows), new Layer(Kind.Lstm, 4), Dense(3) }),
        new Case("ColumnsGruSeqDense_C2_H4_W6", 2, 4, 6, 0, new[] { new Layer(Kind.Columns), new Layer(Kind.Gru, 3, Sequences: true), Dense(2) }),
        new Case("Conv2DRowsGruDense_C1_H8_W7", 1, 8, 7, 0, new[] { Conv(3, 3, activation: Activation.Tanh), new Layer(Kind.Rows), new Layer(Kind.Gru, 4), Dense(2) }),
        new Case("FramesConvPoolFlattenLstm_T4_C2_H6_W6", 2, 6, 6, 4, new[] { Conv(3, 3, activation: Activation.Relu), Pool(Kind.MaxPool, 2), Flatten, new Layer(Kind.Lstm, 5), Dense(2) }),
        new Case("FramesConvGlobalAverageGruSeq_T5_C1_H5_W5", 1, 5, 5, 5, new[] { Conv(4, 3, padding: "Same", activation: Activation.Tanh), new Layer(Kind.GlobalAverage), new Layer(Kind.Gru, 3, Sequences: true), Dense(2) }),
        new Case("FramesConvPoolFlattenLstm_T4_C2_H6_W6_Len4_2_3", 2, 6, 6, 4, new[] { Conv(3, 3, activation: Activation.Relu), Pool(Kind.MaxPool, 2), Flatten, new Layer(Kind.Lstm, 5), Dense(2) }, new[] { 4, 2, 3 }),
        new Case("FramesFlattenGruSeqDense_T5_C1_H3_W4_Len5_3", 1, 3, 4, 5, new[] { Flatten, new Layer(Kind.Gru, 3, Sequences: true), Dense(2, Activation.Sigmoid) }, new[] { 5, 3 }),
    };

    /// <summary>Writes <c>Image/*.safetensors</c> (after deleting the old ones) and <c>ImageReferenceModels.cs</c> under <paramref name="reference"/>.</summary>
    public static void Write(string reference)
    {
        string folder = Path.Combine(reference, "Image");
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

        File.WriteAllText(Path.Combine(reference, "ImageReferenceModels.cs"), ModelsSource(), new UTF8Encoding(false));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Image/: {All.Count} cases, {total:N0} bytes, and ImageReferenceModels.cs"));
    }

    private static void WriteCase(Case spec, string path)
    {
        long seed = Program.Seed(spec.Name);
        torch.manual_seed(seed);
        using DisposeScope scope = torch.NewDisposeScope();
        var modules = new nn.Module?[spec.Layers.Length];
        var fans = new int[spec.Layers.Length];
        int channels = spec.Channels, height = spec.Height, width = spec.Width, features = 0;
        for (int i = 0; i < spec.Layers.Length; i++)
        {
            Layer layer = spec.Layers[i];
            switch (layer.Kind)
            {
                case Kind.Conv:
                    modules[i] = nn.Conv2d(channels, layer.Size, (layer.KernelHeight, layer.KernelWidth), stride: (layer.Stride, layer.Stride), dilation: (layer.Dilation, layer.Dilation), dtype: ScalarType.Float64);
                    fans[i] = channels * layer.KernelHeight * layer.KernelWidth;
                    int padH = layer.Padding == "Same" ? layer.Dilation * (layer.KernelHeight - 1) : 0, padW = layer.Padding == "Same" ? layer.Dilation * (layer.KernelWidth - 1) : 0;
                    height = ((height + padH - (layer.Dilation * (layer.KernelHeight - 1)) - 1) / layer.Stride) + 1;
                    width = ((width + padW - (layer.Dilation * (layer.KernelWidth - 1)) - 1) / layer.Stride) + 1;
                    channels = layer.Size;
                    break;
                case Kind.MaxPool or Kind.AvgPool:
                    height = ((height - layer.Size) / layer.Stride) + 1;
                    width = ((width - layer.Size) / layer.Stride) + 1;
                    break;
                case Kind.GlobalAverage:
                    features = channels;
                    break;
                case Kind.Flatten:
                    features = channels * height * width;
                    break;
                case Kind.Rows:
                    features = channels * width;
                    break;
                case Kind.Columns:
                    features = channels * height;
                    break;
                case Kind.Lstm:
                    modules[i] = nn.LSTM(features, layer.Size, numLayers: 1, bias: true, batchFirst: true, dtype: ScalarType.Float64);
                    fans[i] = layer.Size;
                    features = layer.Size;
                    break;
                case Kind.Gru:
                    modules[i] = nn.GRU(features, layer.Size, numLayers: 1, bias: true, batchFirst: true, dtype: ScalarType.Float64);
                    fans[i] = layer.Size;
                    features = layer.Size;
                    break;
                default:
                    modules[i] = nn.Linear(features, layer.Size, hasBias: true, dtype: ScalarType.Float64);
                    fans[i] = features;
                    features = layer.Size;
                    break;
            }
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
        Tensor input = (torch.rand(new long[] { batch, spec.Steps, spec.Channels, spec.Height, spec.Width }, ScalarType.Float64) * 2 - 1).detach().requires_grad_(true);
        var outputs = new List<Tensor>();
        long[]? fullShape = null;
        for (int b = 0; b < batch; b++)
        {
            int length = spec.Lengths?[b] ?? spec.Steps;
            Tensor y = Forward(spec, modules, input.select(0, b).narrow(0, 0, length));
            if (b == 0)
            {
                fullShape = y.shape; // the first sample is full length in every padded case
            }
            else if (y.dim() == 2 && y.shape[0] < fullShape![0])
            {
                y = torch.cat(new[] { y, torch.zeros(new[] { fullShape[0] - y.shape[0], y.shape[1] }, ScalarType.Float64) }, 0); // zeros past the valid output
            }

            outputs.Add(y);
        }

        if (spec.Lengths is not null && spec.Lengths[0] != spec.Steps)
        {
            throw new InvalidOperationException($"{spec.Name}: the first sample of a padded case must be full length.");
        }

        Tensor output = spec.Lengths is null ? outputs[0] : torch.stack(outputs, 0);
        Tensor doutput = torch.rand(output.shape, ScalarType.Float64) * 2 - 1;
        (output * doutput).sum().backward();
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
            ["loss"] = "sum(output * doutput); grad/* are its gradients",
            ["init"] = "parameters U(-a, a), a = min(0.5, 2/sqrt(fan_in)) per layer (Conv2d: in_channels * kH * kW); input and doutput U(-1, 1)",
            ["layout"] = "input [Steps, C, H, W] per sample (Steps 1 for one image); output per sample as the model returns it, flattened in row-major order",
            ["dtype"] = "float64",
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["libtorch"] = torch.__version__,
            ["writer"] = "tests/Rnn.Gen.ReferenceVectors (ImageReferences)",
        };
        if (spec.Lengths is not null)
        {
            metadata["lengths"] = $"[{string.Join(", ", spec.Lengths)}]";
            metadata["padding"] = "each sample runs on its valid frames alone; its output is padded with zeros to the full output steps; input, output, doutput and grad/input have the batch first; parameter gradients are summed over the batch";
        }

        SafeTensorsFile.Write(path, entries, metadata);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{spec.Name,-52} |out|max {output.abs().max().item<double>(),9:G4}  |dx|max {inputGradient.abs().max().item<double>(),9:G4}"));
    }

    /// <summary>The model on one sample's frames <c>[n, C, H, W]</c>: its output, <c>[steps, features]</c> for a sequence, <c>[features]</c> for one position.</summary>
    private static Tensor Forward(Case spec, nn.Module?[] modules, Tensor x)
    {
        bool image = true, sequence = true;
        for (int i = 0; i < spec.Layers.Length; i++)
        {
            Layer layer = spec.Layers[i];
            switch (layer.Kind)
            {
                case Kind.Conv:
                    long spanH = (layer.Dilation * (layer.KernelHeight - 1)) + 1, spanW = (layer.Dilation * (layer.KernelWidth - 1)) + 1;
                    long top = layer.Padding == "Same" ? (spanH - 1) / 2 : 0, left = layer.Padding == "Same" ? (spanW - 1) / 2 : 0;
                    long bottom = layer.Padding == "Same" ? spanH - 1 - top : 0, right = layer.Padding == "Same" ? spanW - 1 - left : 0;
                    Tensor padded = nn.functional.pad(x, new[] { left, right, top, bottom }); // the last axis first, as F.pad
                    x = TorchModel.Activate(((Conv2d)modules[i]!).call(padded), layer.Activation);
                    break;
                case Kind.MaxPool:
                    x = nn.functional.max_pool2d(x, new long[] { layer.Size, layer.Size }, new long[] { layer.Stride, layer.Stride });
                    break;
                case Kind.AvgPool:
                    x = nn.functional.avg_pool2d(x, new long[] { layer.Size, layer.Size }, new long[] { layer.Stride, layer.Stride });
                    break;
                case Kind.GlobalAverage:
                    x = x.mean(new long[] { -2, -1 }).unsqueeze(0); // [1, n, C]: the frames as steps
                    image = false;
                    break;
                case Kind.Flatten:
                    x = x.reshape(1, x.shape[0], -1); // [1, n, C·H·W]
                    image = false;
                    break;
                case Kind.Rows:
                    x = x.select(0, 0).permute(1, 0, 2).reshape(1, x.shape[2], -1); // [1, H, C·W]
                    image = false;
                    break;
                case Kind.Columns:
                    x = x.select(0, 0).permute(2, 0, 1).reshape(1, x.shape[3], -1); // [1, W, C·H]
                    image = false;
                    break;
                case Kind.Lstm:
                    x = ((LSTM)modules[i]!).call(x).Item1;
                    x = layer.Sequences ? x : x.select(1, x.shape[1] - 1).unsqueeze(1);
                    sequence = layer.Sequences;
                    break;
                case Kind.Gru:
                    x = ((GRU)modules[i]!).call(x, null).Item1;
                    x = layer.Sequences ? x : x.select(1, x.shape[1] - 1).unsqueeze(1);
                    sequence = layer.Sequences;
                    break;
                default:
                    x = TorchModel.Activate(((Linear)modules[i]!).call(x), layer.Activation);
                    break;
            }
        }

        // An image head returns one flattened image per frame; a sequence [steps, features]; one position [features].
        return image ? x.reshape(x.shape[0], -1) : sequence ? x.squeeze(0) : x.reshape(-1);
    }

    private static string ModelsSource()
    {
        var text = new StringBuilder();
        text.Append("// <auto-generated>\n// Written by tests/Rnn.Gen.ReferenceVectors (ImageReferences); do not edit. To regenerate, see tests/Rnn.Gen.Tests/Reference/README.md.\n");
        text.Append("// One model per image reference case in Image/; the source generator implements each of them.\n// </auto-generated>\n#nullable enable\n\n");
        text.Append("using System;\nusing System.Collections.Generic;\n\nnamespace Rnn.Gen.Tests.Reference;\n\n");
        foreach (Case spec in All)
        {
            text.Append(spec.Declaration).Append('\n');
        }

        text.Append("/// <summary>The image reference cases by name (the file names in Image/ without extension).</summary>\n");
        text.Append("internal static class ImageReferenceModels\n{\n    public static IReadOnlyList<string> CaseNames { get; } = new[]\n    {\n");
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

        text.Append("        _ => throw new ArgumentException($\"No image reference case is named '{caseName}'.\", nameof(caseName)),\n    };\n}\n");
        return text.ToString();
    }
}
