namespace Rnn.Gen.Export;

/// <summary>The image an image layer reads at each position: <c>[Channels, Height, Width]</c>, PyTorch's row-major layout.</summary>
/// <param name="Channels">Channels (feature maps).</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public readonly record struct ImageInput(int Channels, int Height, int Width)
{
    /// <summary>Floats of one image: <c>Channels · Height · Width</c>.</summary>
    public int Length => Channels * Height * Width;

    /// <inheritdoc/>
    public override string ToString() => $"[{Channels}, {Height}, {Width}]";
}
