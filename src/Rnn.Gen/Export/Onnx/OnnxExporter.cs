using System;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;

namespace Rnn.Gen.Export.Onnx;

/// <summary>
/// Writes a generated model as an ONNX graph (opset <see cref="Opset"/>) that computes what its <c>Predict</c>
/// computes, for every sample of a batch: input <c>input</c> [batch, Steps, InputSize] float (a token model:
/// [batch, Steps] int64 ids; an image model: [batch, C, H, W] for one image, [batch, Steps, C, H, W] for frames, the
/// same floats as Predict's flat input), output <c>output</c> [batch, OutputSteps, OutputSize] float, the batch dimension named
/// <c>batch</c>. The weights are initializers, in the layouts ONNX's operators read; the model's state_dict names
/// name them where the layout is PyTorch's (<c>2.bias</c>), or derived ones (<c>0.W</c>, <c>2.weight_t</c>).
/// </summary>
/// <remarks>
/// What has no export is refused before anything is written, with a <see cref="NotSupportedException"/> that names it:
/// a decoder (its greedy decoding feeds each step's chosen token back as the next step's input, a loop this exporter
/// does not write), and a layer kind without ONNX nodes.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set of the exported graphs (ONNX 1.12; ONNX Runtime 1.12 and later run it).</summary>
    public const int Opset = 17;

    /// <summary>The weights one ONNX file holds here: protobuf's 2 GiB limit on a message, less room for the graph itself.</summary>
    private const long MaxWeightBytes = 2_000_000_000;

    /// <summary>Writes <paramref name="model"/> as an ONNX file at <paramref name="path"/>, atomically (a temporary file, then a rename).</summary>
    /// <param name="model">A generated model.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="lengthsInput">
    /// Adds a second input, <c>lengths</c> [batch] int64: each sample's valid steps, 1 to Steps, the rest padding, as
    /// <c>Predict(input, output, length)</c>: recurrent layers stop at the length, convolution and pooling see the valid
    /// prefix, padded output rows are zero.
    /// </param>
    /// <exception cref="NotSupportedException">The model has a part with no ONNX export; the message says which and why.</exception>
    public static void Export(IRnnModel model, string path, bool lengthsInput = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = ToBytes(model, lengthsInput);
        SafeTensorsFile.WriteAtomically(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes <paramref name="model"/> as an ONNX model to <paramref name="stream"/>; see <see cref="Export(IRnnModel, string, bool)"/>.</summary>
    /// <exception cref="NotSupportedException">The model has a part with no ONNX export; the message says which and why.</exception>
    public static void Export(IRnnModel model, Stream stream, bool lengthsInput = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToBytes(model, lengthsInput));
    }

    /// <summary>The ONNX ModelProto of <paramref name="model"/> with its current parameters; see <see cref="Export(IRnnModel, string, bool)"/>.</summary>
    /// <exception cref="NotSupportedException">The model has a part with no ONNX export; the message says which and why.</exception>
    public static byte[] ToBytes(IRnnModel model, bool lengthsInput = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        string name = model.GetType().Name;
        ModelArchitecture architecture = model.Architecture
            ?? throw new NotSupportedException($"{name} describes no architecture (IRnnModel.Architecture is null): only models the generator wrote export to ONNX.");
        if (architecture.Decoder is { } decoder)
        {
            throw new NotSupportedException(
                $"{name} cannot be exported to ONNX: its decoder (layers {decoder.FirstLayer} on, {decoder.OutputSteps} steps) feeds each step's output "
                + "back as the next step's input, which needs an ONNX Loop around the decoder's layers; the exporter writes graphs without loops. "
                + "Models without [Decoder] export.");
        }

        string[] unsupported = architecture.Layers.Select(l => l.OnnxUnsupported).OfType<string>().ToArray();
        if (unsupported.Length > 0)
        {
            throw new NotSupportedException($"{name} cannot be exported to ONNX: {string.Join("; ", unsupported)}.");
        }

        if ((long)model.ParameterCount * sizeof(float) > MaxWeightBytes)
        {
            throw new NotSupportedException(
                $"{name} cannot be exported to ONNX: its {model.ParameterCount} parameters take {(long)model.ParameterCount * sizeof(float)} bytes, and an ONNX file "
                + $"(one protobuf message) holds at most 2 GiB; this exporter writes no external data files.");
        }

        var graph = new OnnxGraph(model, "input") { ImagePositions = architecture.Steps };
        if (lengthsInput)
        {
            graph.UseLengths("lengths");
        }

        OnnxSequence value = architecture.TokenInput
            ? new OnnxSequence("input", SequenceLayout.TokenIds)
            : new OnnxSequence("input", SequenceLayout.BatchMajor);
        if (architecture.Image is { } image)
        {
            // The image layers run at every position: frames [batch, T, C, H, W] become [batch · T, C, H, W] images.
            graph.BeginInput();
            value = architecture.Steps == 1
                ? new OnnxSequence("input", SequenceLayout.Images)
                : new OnnxSequence(graph.Node("Reshape", "input", graph.Int64Initializer("shape", [4], -1, image.Channels, image.Height, image.Width)), SequenceLayout.Images);
        }

        foreach (LayerArchitecture layer in architecture.Layers)
        {
            graph.BeginLayer(layer);
            value = layer.AddToOnnx(graph, value);
        }

        graph.BeginOutput();
        if (value.Layout == SequenceLayout.Images)
        {
            // A model whose head is an image layer outputs each position's image flat, as Predict: [batch, positions, C·H·W].
            value = graph.ImagesAsSteps(value.Name, model.OutputSize);
        }

        string output = graph.As(value, SequenceLayout.BatchMajor);
        if (lengthsInput && model.OutputSteps > 1)
        {
            // Padded steps output zeros: output[b, t, :] *= (t < the head's valid steps of sample b).
            output = graph.ZeroPadding(new OnnxSequence(output, SequenceLayout.BatchMajor)).Name;
        }
        graph.Output(output, "output");
        object[] inputShape = architecture switch
        {
            { TokenInput: true } => ["batch", architecture.Steps],
            { Image: { } one, Steps: 1 } => ["batch", one.Channels, one.Height, one.Width],
            { Image: { } frame } => ["batch", architecture.Steps, frame.Channels, frame.Height, frame.Width],
            _ => ["batch", architecture.Steps, architecture.InputSize],
        };
        ProtoWriter input = OnnxProto.ValueInfo("input", architecture.TokenInput ? OnnxProto.Int64 : OnnxProto.Float, inputShape);
        ProtoWriter? lengths = lengthsInput ? OnnxProto.ValueInfo("lengths", OnnxProto.Int64, ["batch"]) : null;
        ProtoWriter outputInfo = OnnxProto.ValueInfo("output", OnnxProto.Float, ["batch", model.OutputSteps, model.OutputSize]);
        string doc = $"{name}: Predict for a batch. input [{string.Join(", ", inputShape)}] {(architecture.TokenInput ? "int64 token ids" : "float")}, "
            + $"output [batch, {model.OutputSteps}, {model.OutputSize}] float. Layers: {string.Join(", ", architecture.Layers.Select(l => l.Kind))}.";
        ProtoWriter graphProto = OnnxProto.Graph(name, doc, graph.Nodes, graph.Initializers, lengths is null ? [input] : [input, lengths], outputInfo);
        string version = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        return OnnxProto.Model(graphProto, Opset, version, doc).Written.ToArray();
    }
}
