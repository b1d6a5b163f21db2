using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary>What a pooling layer computes.</summary>
public enum PoolingKind
{
    /// <summary><c>[MaxPool1D(poolSize)]</c>: the maximum of each window.</summary>
    Max,

    /// <summary><c>[AvgPool1D(poolSize)]</c>: the mean of each window.</summary>
    Average,

    /// <summary><c>[GlobalMaxPool1D]</c>: the maximum over every step, one position out.</summary>
    GlobalMax,

    /// <summary><c>[GlobalAveragePool1D]</c>: the mean over every step, one position out.</summary>
    GlobalAverage,
}

/// <summary>A pooling layer over time (nn.MaxPool1d / nn.AvgPool1d without padding, or global); it has no parameters.</summary>
public sealed class Pooling1DLayer : LayerArchitecture
{
    /// <summary>Layer <paramref name="index"/>, pooling <paramref name="kind"/> over <paramref name="inputSize"/> channels.</summary>
    public Pooling1DLayer(int index, int inputSize, PoolingKind kind)
        : base(index, inputSize) => Pooling = kind;

    /// <summary>What the layer computes.</summary>
    public PoolingKind Pooling { get; }

    /// <summary>Steps per window (windowed kinds).</summary>
    public int PoolSize { get; init; } = 1;

    /// <summary>Steps between two windows (windowed kinds).</summary>
    public int Stride { get; init; } = 1;

    /// <inheritdoc/>
    public override string Kind => Pooling switch
    {
        PoolingKind.Max => "MaxPool1D",
        PoolingKind.Average => "AvgPool1D",
        PoolingKind.GlobalMax => "GlobalMaxPool1D",
        _ => "GlobalAveragePool1D",
    };

    /// <inheritdoc/>
    public override int OutputSize => InputSize;

    /// <summary>ONNX MaxPool / AveragePool (no padding, floor) or GlobalMaxPool / GlobalAveragePool on [batch, channels, steps].</summary>
    internal override OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input)
    {
        string x = graph.As(input, SequenceLayout.ChannelsFirst);
        string y = Pooling switch
        {
            PoolingKind.Max => graph.Node("MaxPool", [x], OnnxAttribute.Ints("kernel_shape", PoolSize), OnnxAttribute.Ints("strides", Stride)),
            PoolingKind.Average => graph.Node("AveragePool", [x], OnnxAttribute.Ints("kernel_shape", PoolSize), OnnxAttribute.Ints("strides", Stride)),
            PoolingKind.GlobalMax => graph.Node("GlobalMaxPool", x),
            PoolingKind.GlobalAverage => graph.Node("GlobalAveragePool", x),
            _ => throw new System.NotSupportedException($"{this}: no ONNX node is written for {Pooling}."),
        };
        return new OnnxSequence(y, SequenceLayout.ChannelsFirst);
    }
}
