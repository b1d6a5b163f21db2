using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary>How an image becomes what the vector layers read.</summary>
public enum ImageReshape
{
    /// <summary><c>[Flatten]</c>: each position's image as one vector of <c>C · H · W</c> (nn.Flatten's order).</summary>
    Flatten,

    /// <summary><c>[RowsAsSteps]</c>: the image's H rows as steps of <c>C · W</c> (<c>x.permute(1, 0, 2).reshape(H, C·W)</c>).</summary>
    RowsAsSteps,

    /// <summary><c>[ColumnsAsSteps]</c>: the image's W columns as steps of <c>C · H</c> (<c>x.permute(2, 0, 1).reshape(W, C·H)</c>).</summary>
    ColumnsAsSteps,
}

/// <summary><c>[Flatten]</c>, <c>[RowsAsSteps]</c>, <c>[ColumnsAsSteps]</c>: the bridges from an image to vectors; no parameters.</summary>
public sealed class ReshapeLayer : LayerArchitecture
{
    /// <summary>Layer <paramref name="index"/>, <paramref name="reshape"/> of <paramref name="image"/>.</summary>
    public ReshapeLayer(int index, ImageInput image, ImageReshape reshape)
        : base(index, image.Length)
    {
        Image = image;
        Reshape = reshape;
    }

    /// <summary>The image the layer reads.</summary>
    public ImageInput Image { get; }

    /// <summary>What the layer does.</summary>
    public ImageReshape Reshape { get; }

    /// <inheritdoc/>
    public override string Kind => Reshape.ToString();

    /// <inheritdoc/>
    public override int OutputSize => Reshape switch
    {
        ImageReshape.Flatten => Image.Length,
        ImageReshape.RowsAsSteps => Image.Channels * Image.Width,
        _ => Image.Channels * Image.Height,
    };

    /// <summary>
    /// Flatten: [batch · positions, C, H, W] reshaped to [batch, positions, C·H·W]. Rows (columns): the one image
    /// transposed to [batch, H, C, W] ([batch, W, C, H]) and reshaped to [batch, H, C·W] ([batch, W, C·H]).
    /// </summary>
    internal override OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input)
    {
        string x = graph.AsImages(input, this);
        if (Reshape == ImageReshape.Flatten)
        {
            return graph.ImagesAsSteps(x, OutputSize);
        }

        bool rows = Reshape == ImageReshape.RowsAsSteps;
        int steps = rows ? Image.Height : Image.Width;
        string transposed = graph.Node("Transpose", [x], OnnxAttribute.Ints("perm", rows ? [0, 2, 1, 3] : [0, 3, 1, 2]));
        string y = graph.Node("Reshape", transposed, graph.Int64Initializer("shape", [3], -1, steps, OutputSize));

        // The one valid step of an image model becomes its rows' (columns') steps: L ↦ L + n − 1.
        graph.MapLengths(steps - 1, 1, 1);
        return new OnnxSequence(y, SequenceLayout.BatchMajor);
    }
}
