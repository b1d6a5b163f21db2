using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary><c>[Conv1D(filters, kernelSize)]</c>: nn.Conv1d over time (<c>{i}.weight</c> [filters, in, kernelSize], <c>{i}.bias</c>), then an activation.</summary>
public sealed class Conv1DLayer : LayerArchitecture
{
    /// <summary>Layer <paramref name="index"/>, <paramref name="filters"/> filters of <paramref name="kernelSize"/> taps over <paramref name="inputSize"/> channels.</summary>
    public Conv1DLayer(int index, int inputSize, int filters, int kernelSize)
        : base(index, inputSize)
    {
        System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        Filters = filters;
        KernelSize = kernelSize;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Taps of the window.</summary>
    public int KernelSize { get; }

    /// <summary>Steps between two windows.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Steps between two taps.</summary>
    public int Dilation { get; init; } = 1;

    /// <summary>Valid (none), Same (PyTorch's split, the smaller half first) or Causal (all before the first step).</summary>
    public ConvPadding Padding { get; init; }

    /// <summary>The activation after the convolution.</summary>
    public Activation Activation { get; init; }

    /// <inheritdoc/>
    public override string Kind => "Conv1D";

    /// <inheritdoc/>
    public override int OutputSize => Filters;

    /// <summary>ONNX Conv on [batch, channels, steps] with the padding as explicit pads (begin, end), then the activation.</summary>
    internal override OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input)
    {
        long span = ((long)Dilation * (KernelSize - 1)) + 1;
        long before = Padding switch
        {
            ConvPadding.Valid => 0,
            ConvPadding.Same => (span - 1) / 2,
            ConvPadding.Causal => span - 1,
            _ => throw new System.NotSupportedException($"{this}: no ONNX pads are written for the padding {Padding}."),
        };
        long after = Padding == ConvPadding.Same ? span - 1 - before : 0;
        string weight = graph.Initializer($"{Index}.weight", [Filters, InputSize, KernelSize], graph.Parameter(this, "weight", Filters, InputSize, KernelSize));
        string bias = graph.Initializer($"{Index}.bias", [Filters], graph.Parameter(this, "bias", Filters));
        // A padded sample computes what its valid prefix alone computes: the padding's steps read as the zeros of a
        // sequence that ends at its length (same and causal padding), and the valid output steps follow the length map.
        var x = new OnnxSequence(graph.As(input, SequenceLayout.ChannelsFirst), SequenceLayout.ChannelsFirst);
        x = graph.ZeroPadding(x);
        graph.MapLengths(before + after, span, Stride);
        string y = graph.Node(
            "Conv",
            [x.Name, weight, bias],
            OnnxAttribute.Ints("kernel_shape", KernelSize),
            OnnxAttribute.Ints("strides", Stride),
            OnnxAttribute.Ints("dilations", Dilation),
            OnnxAttribute.Ints("pads", before, after));
        return graph.Activate(new OnnxSequence(y, SequenceLayout.ChannelsFirst), Activation);
    }
}
