using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary>
/// A pooling layer over each position's image: <c>[MaxPool2D(poolSize)]</c>, <c>[AvgPool2D(poolSize)]</c> (square windows,
/// nn.MaxPool2d / nn.AvgPool2d without padding, floor mode) or <c>[GlobalAveragePool2D]</c> (a vector of channels); no parameters.
/// </summary>
public sealed class Pooling2DLayer : LayerArchitecture
{
    /// <summary>Layer <paramref name="index"/>, pooling <paramref name="kind"/> (Max, Average or GlobalAverage) over <paramref name="image"/>.</summary>
    public Pooling2DLayer(int index, ImageInput image, PoolingKind kind)
        : base(index, image.Length)
    {
        if (kind == PoolingKind.GlobalMax)
        {
            throw new System.ArgumentOutOfRangeException(nameof(kind), kind, "Images have no global max pooling layer.");
        }

        Image = image;
        Pooling = kind;
    }

    /// <summary>The image the layer reads.</summary>
    public ImageInput Image { get; }

    /// <summary>What the layer computes.</summary>
    public PoolingKind Pooling { get; }

    /// <summary>Pixels per window side (windowed kinds).</summary>
    public int PoolSize { get; init; } = 1;

    /// <summary>Pixels between two windows on both axes (windowed kinds).</summary>
    public int Stride { get; init; } = 1;

    private bool Global => Pooling == PoolingKind.GlobalAverage;

    /// <inheritdoc/>
    public override string Kind => Pooling switch
    {
        PoolingKind.Max => "MaxPool2D",
        PoolingKind.Average => "AvgPool2D",
        _ => "GlobalAveragePool2D",
    };

    /// <inheritdoc/>
    public override int OutputSize => Global
        ? Image.Channels
        : Image.Channels * (((Image.Height - PoolSize) / Stride) + 1) * (((Image.Width - PoolSize) / Stride) + 1);

    /// <summary>ONNX MaxPool / AveragePool (no padding, floor) on [batch · positions, C, H, W], or GlobalAveragePool and back to one vector per position.</summary>
    internal override OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input)
    {
        string x = graph.AsImages(input, this);
        if (Global)
        {
            return graph.ImagesAsSteps(graph.Node("GlobalAveragePool", x), Image.Channels);
        }

        string op = Pooling == PoolingKind.Max ? "MaxPool" : "AveragePool";
        string y = graph.Node(op, [x], OnnxAttribute.Ints("kernel_shape", PoolSize, PoolSize), OnnxAttribute.Ints("strides", Stride, Stride));
        return new OnnxSequence(y, SequenceLayout.Images);
    }
}
