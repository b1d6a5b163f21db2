using System;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Conv2D;

/// <summary><c>[Conv2D(filters, kernelSize)]</c>: PyTorch's nn.Conv2d over each position's image <c>[C, H, W]</c>, then an activation.</summary>
internal sealed class Conv2DLayer : LayerKind<Conv2DSpec, Conv2DPlan>
{
    public static Conv2DLayer Instance { get; } = new();

    public override string Name => "Conv2D";

    public override string AttributeName => "Rnn.Gen.Conv2DAttribute";

    public override LayerSpec? Parse(AttributeReader attribute)
    {
        if (LayerOptions.Convolution(attribute) is not (int filters, int kernelSize, int stride, int dilation, bool valid))
        {
            return null; // the compiler reports the malformed attribute
        }

        // KernelHeight / KernelWidth: 0 (the attribute's default) means the square kernelSize.
        int kernelHeight = attribute.Named<int>("KernelHeight") is int h && h != 0 ? h : kernelSize;
        int kernelWidth = attribute.Named<int>("KernelWidth") is int k && k != 0 ? k : kernelSize;
        valid &= attribute.CheckPositive($"The kernel height of [{attribute.Display}]", kernelHeight, attribute.NamedArgumentLocation("KernelHeight"));
        valid &= attribute.CheckPositive($"The kernel width of [{attribute.Display}]", kernelWidth, attribute.NamedArgumentLocation("KernelWidth"));
        var padding = (ConvPaddingKind)(attribute.Named<int>("Padding") ?? 0);
        if (padding is not (ConvPaddingKind.Valid or ConvPaddingKind.Same))
        {
            attribute.Report(DiagnosticDescriptors.UnsupportedImagePadding, attribute.NamedArgumentLocation("Padding"), attribute.Display,
                Enum.IsDefined(typeof(ConvPaddingKind), padding) ? $"ConvPadding.{padding}" : ((int)padding).ToString(System.Globalization.CultureInfo.InvariantCulture));
            valid = false;
        }
        else if (padding == ConvPaddingKind.Same && stride != 1 && stride > 0)
        {
            attribute.Report(DiagnosticDescriptors.PaddingNeedsStrideOne, attribute.NamedArgumentLocation("Stride"), attribute.Display, padding.ToString());
            valid = false;
        }

        Penalties? penalties = LayerOptions.ReadPenalties(attribute);
        ActivationKind? activation = LayerOptions.Activation(
            attribute, ActivationKind.Identity, ActivationKind.Identity, ActivationKind.Tanh, ActivationKind.Sigmoid, ActivationKind.Relu);
        if (!valid || penalties is null || activation is null)
        {
            return null;
        }

        return new Conv2DSpec(filters, kernelHeight, kernelWidth, stride, dilation, padding, activation.Value, penalties);
    }

    protected override Conv2DPlan Plan(Conv2DSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override LayerEmitter CreateEmitter(Conv2DPlan plan) => new Conv2DEmitter(plan);
}

/// <summary>
/// A Conv2D layer: <paramref name="Filters"/> output channels, a window of <paramref name="KernelHeight"/> ×
/// <paramref name="KernelWidth"/> taps <paramref name="Dilation"/> pixels apart, moved <paramref name="Stride"/> pixels at
/// a time on both axes.
/// </summary>
internal sealed record Conv2DSpec(int Filters, int KernelHeight, int KernelWidth, int Stride, int Dilation, ConvPaddingKind Padding, ActivationKind Activation, Penalties Penalties)
    : ImageLayerSpec
{
    public override LayerKind Kind => Conv2DLayer.Instance;

    /// <summary>Rows the window spans: <c>Dilation · (KernelHeight − 1) + 1</c> (int.MaxValue when that is more).</summary>
    public int SpanHeight => Span(KernelHeight);

    /// <summary>Columns the window spans.</summary>
    public int SpanWidth => Span(KernelWidth);

    /// <summary>Zero rows above the image: the smaller half of <c>SpanHeight − 1</c> for same padding (PyTorch's split), else none.</summary>
    public int PadTop => Padding == ConvPaddingKind.Same ? (SpanHeight - 1) / 2 : 0;

    /// <summary>Zero columns left of the image, as <see cref="PadTop"/>.</summary>
    public int PadLeft => Padding == ConvPaddingKind.Same ? (SpanWidth - 1) / 2 : 0;

    public override ImageShape? OutputImage => new(
        Filters,
        OutputLength(Input.Height, Padding == ConvPaddingKind.Same ? SpanHeight - 1 : 0, SpanHeight, Stride),
        OutputLength(Input.Width, Padding == ConvPaddingKind.Same ? SpanWidth - 1 : 0, SpanWidth, Stride));

    public override Int8Support Int8 => Int8Support.Float32;

    private int Span(int kernel) => (int)Math.Min(int.MaxValue, ((long)Dilation * (kernel - 1)) + 1);
}

/// <summary>
/// A Conv2D layer's tensors (nn.Conv2d's weight [filters, inChannels, kernelHeight, kernelWidth] and bias [filters])
/// and buffers: each position's windows laid out as rows of pixels (im2col, <c>[inChannels · kH · kW, outPixels]</c>),
/// so that the convolution of an image is one matrix product of the weight, as PyTorch stores it, with those rows,
/// whose result is already the output image <c>[filters, outHeight, outWidth]</c>.
/// </summary>
internal sealed class Conv2DPlan : LayerPlan
{
    public Conv2DPlan(Conv2DSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context)
    {
        Conv = spec;
        In = spec.Input;
        Out = spec.OutputImage!;
        Weight = AddParameter(slabs, "Weight", "weight", spec.Penalties.KernelL1, spec.Penalties.KernelL2, Out.Channels, In.Channels, spec.KernelHeight, spec.KernelWidth);
        Bias = AddParameter(slabs, "Bias", "bias", spec.Penalties.BiasL1, spec.Penalties.BiasL2, Out.Channels);
        string rows = $"{In.Channels} * {spec.KernelHeight} * {spec.KernelWidth}";
        Columns = slabs.Cache.Add(Owner, "Columns", Positions * ColumnsLength, $"[{Positions}, {rows}, {Out.Pixels}] each position's windows, a row per (channel, tap), a column per output pixel (im2col)");
        Output = slabs.Cache.Add(Owner, "Output", Positions * (long)Out.Length, $"[{Positions}, {Out.Channels}, {Out.Height}, {Out.Width}] y at every position");
        OutputGradient = slabs.Work.Add(Owner, "OutputGradient", Positions * (long)Out.Length, $"[{Positions}, {Out.Channels}, {Out.Height}, {Out.Width}] dL/dy");
        ColumnGradient = slabs.Work.Add(Owner, "ColumnGradient", ColumnsLength, $"[{rows}, {Out.Pixels}] one position's dL/d(columns), before it is added back to the pixels it came from");
        TransposedColumns = slabs.Work.Add(Owner, "TransposedColumns", ColumnsLength, $"[{Out.Pixels}, {rows}] one position's columns transposed, for the weight gradient");
        ScratchColumns = slabs.Scratch.Add(Owner, "ScratchColumns", ColumnsLength, $"[{rows}, {Out.Pixels}] one inference position's windows");
        ScratchOutput = slabs.Scratch.Add(Owner, "ScratchOutput", Out.Length, $"[{Out.Channels}, {Out.Height}, {Out.Width}] y of one inference position");
    }

    public Conv2DSpec Conv { get; }

    /// <summary>The image the layer reads at each position.</summary>
    public ImageShape In { get; }

    /// <summary>The image the layer outputs at each position.</summary>
    public ImageShape Out { get; }

    /// <summary>Floats of one window: <c>inChannels · kH · kW</c>, the summed index of the product (a same-padded kernel may be larger than the image: a model too large for an array is RNNGEN009).</summary>
    public long WindowLength => (long)In.Channels * Conv.KernelHeight * Conv.KernelWidth;

    /// <summary>Floats of one position's columns: a window per output pixel.</summary>
    public long ColumnsLength => WindowLength * Out.Pixels;

    public ParameterPlan Weight { get; }

    public ParameterPlan Bias { get; }

    /// <summary>Every position's windows in <c>_cache</c>, <c>[Positions, inChannels · kH · kW, outPixels]</c>.</summary>
    public Region Columns { get; }

    /// <summary>dL/d(columns) of one position in <c>_work</c>.</summary>
    public Region ColumnGradient { get; }

    /// <summary>One position's columns transposed, <c>[outPixels, inChannels · kH · kW]</c>, in <c>_work</c>.</summary>
    public Region TransposedColumns { get; }

    /// <summary>One inference position's windows in <c>_scratch</c>.</summary>
    public Region ScratchColumns { get; }

    /// <summary>One inference position's output in <c>_scratch</c>.</summary>
    public Region ScratchOutput { get; }
}
