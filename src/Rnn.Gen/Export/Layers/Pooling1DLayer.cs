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
        var value = new OnnxSequence(graph.As(input, SequenceLayout.ChannelsFirst), SequenceLayout.ChannelsFirst);
        string x = value.Name;
        string y;
        if (graph.Lengths is not null && Pooling is PoolingKind.GlobalMax or PoolingKind.GlobalAverage)
        {
            // Over each sample's valid steps only: the padding as -inf for the maximum, left out of the mean's sum and count.
            string valid = graph.ValidSteps(value);
            y = Pooling == PoolingKind.GlobalMax
                ? graph.Node("GlobalMaxPool", graph.Node("Where", valid, x, graph.Initializer($"{Index}.minus_infinity", [], [float.NegativeInfinity])))
                : graph.Node(
                    "Div",
                    graph.Node("ReduceSum", graph.ZeroPadding(value).Name, graph.Int64Initializer("time_axis_2", [1], 2)),
                    graph.Node("Unsqueeze", graph.Node("Cast", [graph.Lengths], OnnxAttribute.Int("to", OnnxProto.Float)), graph.Int64Initializer("axes_12", [2], 1, 2)));
            graph.EndLengths();
            return new OnnxSequence(y, SequenceLayout.ChannelsFirst);
        }

        y = Pooling switch
        {
            PoolingKind.Max => graph.Node("MaxPool", [x], OnnxAttribute.Ints("kernel_shape", PoolSize), OnnxAttribute.Ints("strides", Stride)),
            PoolingKind.Average => graph.Node("AveragePool", [x], OnnxAttribute.Ints("kernel_shape", PoolSize), OnnxAttribute.Ints("strides", Stride)),
            PoolingKind.GlobalMax => graph.Node("GlobalMaxPool", x),
            PoolingKind.GlobalAverage => graph.Node("GlobalAveragePool", x),
            _ => throw new System.NotSupportedException($"{this}: no ONNX node is written for {Pooling}."),
        };

        // A window's valid outputs read valid steps only; the lengths follow the window's map.
        if (Pooling is PoolingKind.Max or PoolingKind.Average)
        {
            graph.MapLengths(0, PoolSize, Stride);
        }

        return new OnnxSequence(y, SequenceLayout.ChannelsFirst);
    }
}
