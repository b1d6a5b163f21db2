using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary>A layer of a kind that has no export yet: exporting a model with it throws, naming the layer.</summary>
public sealed class UnsupportedLayer : LayerArchitecture
{
    /// <summary>Layer <paramref name="index"/> of kind <paramref name="kind"/>, reading <paramref name="inputSize"/> and writing <paramref name="outputSize"/> features.</summary>
    public UnsupportedLayer(int index, string kind, int inputSize, int outputSize)
        : base(index, inputSize)
    {
        Kind = kind;
        OutputSize = outputSize;
    }

    /// <inheritdoc/>
    public override string Kind { get; }

    /// <inheritdoc/>
    public override int OutputSize { get; }

    /// <inheritdoc/>
    public override string OnnxUnsupported => $"layer {Index}, {Kind}, has no ONNX export yet (its kind describes no ONNX nodes)";

    internal override OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input) => throw new System.NotSupportedException(OnnxUnsupported);
}
