using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary><c>[Conv2D(filters, kernelSize)]</c>: nn.Conv2d over each position's image (<c>{i}.weight</c> [filters, in, kH, kW], <c>{i}.bias</c>), then an activation.</summary>
public sealed class Conv2DLayer : LayerArchitecture
{
    /// <summary>Layer <paramref name="index"/>, <paramref name="filters"/> filters of <paramref name="kernelHeight"/> × <paramref name="kernelWidth"/> taps over <paramref name="image"/>.</summary>
    public Conv2DLayer(int index, ImageInput image, int filters, int kernelHeight, int kernelWidth)
        : base(index, image.Length)
    {
        System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        Image = image;
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
    }

    /// <summary>The image the layer reads.</summary>
    public ImageInput Image { get; }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Rows of the window.</summary>
    public int KernelHeight { get; }

    /// <summary>Columns of the window.</summary>
    public int KernelWidth { get; }

    /// <summary>Pixels between two windows, on both axes.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Pixels between two taps, on both axes.</summary>
    public int Dilation { get; init; } = 1;

    /// <summary>Valid (none) or Same (PyTorch's split per axis, the smaller half first: top and left).</summary>
    public ConvPadding Padding { get; init; }

    /// <summary>The activation after the convolution.</summary>
    public Activation Activation { get; init; }

    /// <inheritdoc/>
    public override string Kind => "Conv2D";

    /// <inheritdoc/>
    public override int OutputSize => Filters * OutputHeight * OutputWidth;

    /// <summary>Rows of the output image.</summary>
    public int OutputHeight => OutputLength(Image.Height, KernelHeight);

    /// <summary>Columns of the output image.</summary>
    public int OutputWidth => OutputLength(Image.Width, KernelWidth);

    /// <summary>ONNX Conv on [batch · positions, C, H, W] with the padding as explicit pads (top, left, bottom, right), then the activation.</summary>
    internal override OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input)
    {
        (long top, long bottom) = Pads(KernelHeight);
        (long left, long right) = Pads(KernelWidth);
        string weight = graph.Initializer($"{Index}.weight", [Filters, Image.Channels, KernelHeight, KernelWidth], graph.Parameter(this, "weight", Filters, Image.Channels, KernelHeight, KernelWidth));
        string bias = graph.Initializer($"{Index}.bias", [Filters], graph.Parameter(this, "bias", Filters));
        string y = graph.Node(
            "Conv",
            [graph.AsImages(input, this), weight, bias],
            OnnxAttribute.Ints("kernel_shape", KernelHeight, KernelWidth),
            OnnxAttribute.Ints("strides", Stride, Stride),
            OnnxAttribute.Ints("dilations", Dilation, Dilation),
            OnnxAttribute.Ints("pads", top, left, bottom, right));
        return graph.Activate(new OnnxSequence(y, SequenceLayout.Images), Activation);
    }

    /// <summary>The zeros before and after an axis: none (valid), or <c>Dilation · (k − 1)</c> split with the smaller half first (same).</summary>
    private (long Before, long After) Pads(int kernel)
    {
        long total = Span(kernel) - 1;
        return Padding switch
        {
            ConvPadding.Valid => (0, 0),
            ConvPadding.Same => (total / 2, total - (total / 2)),
            _ => throw new System.NotSupportedException($"{this}: an image convolution has no {Padding} padding."),
        };
    }

    private long Span(int kernel) => ((long)Dilation * (kernel - 1)) + 1;

    private int OutputLength(int length, int kernel) =>
        Padding == ConvPadding.Same ? length : (int)(((length - Span(kernel)) / Stride) + 1);
}
