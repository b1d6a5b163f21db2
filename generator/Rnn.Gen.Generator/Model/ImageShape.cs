using System.Globalization;
using Rnn.Gen.Generator.Layers;

namespace Rnn.Gen.Generator.Model;

/// <summary>
/// One image (or feature map) as the image layers read it: <c>[Channels, Height, Width]</c>, row-major, PyTorch's
/// layout. A model of images holds one per step (<see cref="ModelSpec.Image"/>): its <c>InputSize</c> is
/// <see cref="Length"/>.
/// </summary>
internal sealed record ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Floats of one image, <c>Channels · Height · Width</c> (int.MaxValue when that is more, which no emitted model has).</summary>
    public int Length => (int)System.Math.Min(int.MaxValue, Product);

    /// <summary><c>Channels · Height · Width</c> without overflow (in double: exact below 2^53, and anything larger is refused anyway).</summary>
    public double Product => (double)Channels * Height * Width;

    /// <summary>Pixels of one channel, <c>Height · Width</c>.</summary>
    public int Pixels => Height * Width;

    /// <summary>The shape as messages and comments write it: <c>[16, 13, 13]</c>.</summary>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "[{0}, {1}, {2}]", Channels, Height, Width);
}

/// <summary>
/// A layer that reads an image per position (convolution, pooling, flattening): the parser gives it the shape it reads
/// (<see cref="LayerSpec.WithInputImage"/>), from which it derives the shape it outputs; image layers run at every
/// position (every frame of a video) independently, as Dense does.
/// </summary>
internal abstract record ImageLayerSpec : LayerSpec
{
    /// <summary>The image the layer reads, set by the parser from the layers below.</summary>
    public ImageShape Input { get; init; } = new(1, 1, 1);

    public override bool ReadsImage => true;

    public override LayerSpec WithInputImage(ImageShape image) => this with { Input = image };

    public override int OutputSize(int inputSize) => OutputImage?.Length ?? VectorSize;

    /// <summary>Features per position of a layer that outputs a vector (<see cref="LayerSpec.OutputImage"/> null).</summary>
    protected virtual int VectorSize => Input.Length;

    /// <summary>PyTorch's output length of one axis: <c>floor((length + padding − span) / stride) + 1</c> (0 or less: empty).</summary>
    protected static int OutputLength(int length, int padding, int span, int stride) =>
        (long)length + padding - span < 0 ? 0 : (int)((((long)length + padding - span) / stride) + 1);
}
