using System;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Conv1D;

/// <summary><c>[Conv1D(filters, kernelSize)]</c>: PyTorch's nn.Conv1d over time, the step's features as channels, then an activation.</summary>
internal sealed class Conv1DLayer : LayerKind<Conv1DSpec, Conv1DPlan>
{
    public static Conv1DLayer Instance { get; } = new();

    public override string Name => "Conv1D";

    public override string AttributeName => "Rnn.Gen.Conv1DAttribute";

    public override LayerSpec? Parse(AttributeReader attribute)
    {
        if (LayerOptions.Convolution(attribute) is not (int filters, int kernelSize, int stride, int dilation, bool valid))
        {
            return null; // the compiler reports the malformed attribute
        }

        var padding = (ConvPaddingKind)(attribute.Named<int>("Padding") ?? 0);
        if (!Enum.IsDefined(typeof(ConvPaddingKind), padding))
        {
            attribute.Report(DiagnosticDescriptors.UnsupportedConvPadding, attribute.NamedArgumentLocation("Padding"), attribute.Display,
                ((int)padding).ToString(System.Globalization.CultureInfo.InvariantCulture));
            valid = false;
        }
        else if (padding != ConvPaddingKind.Valid && stride != 1 && stride > 0)
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

        return new Conv1DSpec(filters, kernelSize, stride, dilation, padding, activation.Value, penalties);
    }

    protected override Conv1DPlan Plan(Conv1DSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override LayerEmitter CreateEmitter(Conv1DPlan plan) => new Conv1DEmitter(plan);
}

/// <summary>A Conv1D layer: <paramref name="Filters"/> output channels, a window of <paramref name="KernelSize"/> taps <paramref name="Dilation"/> steps apart, moved <paramref name="Stride"/> steps at a time.</summary>
internal sealed record Conv1DSpec(int Filters, int KernelSize, int Stride, int Dilation, ConvPaddingKind Padding, ActivationKind Activation, Penalties Penalties) : LayerSpec
{
    public override LayerKind Kind => Conv1DLayer.Instance;

    public override bool NeedsSequence => true;

    public override bool SlidesOverTime => true;

    /// <summary>The steps the window spans: <c>Dilation · (KernelSize − 1) + 1</c> (int.MaxValue when that is more: no model has as many steps).</summary>
    public int Span => (int)Math.Min(int.MaxValue, ((long)Dilation * (KernelSize - 1)) + 1);

    /// <summary>Zeros before the first step: none (valid), the smaller half of <c>Span − 1</c> (same, PyTorch's split), all of it (causal).</summary>
    public int LeftPadding => Padding switch
    {
        ConvPaddingKind.Valid => 0,
        ConvPaddingKind.Same => (Span - 1) / 2,
        ConvPaddingKind.Causal => Span - 1,
        _ => throw new InvalidOperationException("The parser admits no other padding."),
    };

    /// <summary>Valid padding shortens the sequence; same and causal (stride 1) keep its length.</summary>
    public LengthMap? LengthMap => Padding == ConvPaddingKind.Valid ? new LengthMap(0, Span, Stride) : null;

    public override int OutputSteps(int steps) => LengthMap?.Apply(steps) ?? steps;

    public override int OutputSize(int inputSize) => Filters;

    public override Int8Support Int8 => Int8Support.Float32;
}

/// <summary>
/// A Conv1D layer's tensors (nn.Conv1d's weight [filters, inChannels, kernelSize] and bias [filters]) and buffers: the
/// windows of every output step laid out as columns (im2col), so that all the steps are one matrix product with the
/// weight, packed transposed as [inChannels · kernelSize, filters].
/// </summary>
internal sealed class Conv1DPlan : LayerPlan
{
    public Conv1DPlan(Conv1DSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context)
    {
        Conv = spec;
        Weight = AddParameter(slabs, "Weight", "weight", spec.Penalties.KernelL1, spec.Penalties.KernelL2, Filters, InputSize, spec.KernelSize);
        Bias = AddParameter(slabs, "Bias", "bias", spec.Penalties.BiasL1, spec.Penalties.BiasL2, Filters);
        int steps = OutputSteps;
        Columns = slabs.Cache.Add(Owner, "Columns", steps * (long)ColumnLength, $"[{steps}, {InputSize} * {spec.KernelSize}] each output step's window, channel-major (im2col)");
        PackedWeight = slabs.Packed.AddAligned(Owner, "PackedWeight", ColumnLength * (long)Filters, $"[{InputSize} * {spec.KernelSize}, {Filters}] W transposed");
        Output = slabs.Cache.Add(Owner, "Output", steps * (long)Filters, $"[{steps}, {Filters}] y at every output step");
        OutputGradient = slabs.Work.Add(Owner, "OutputGradient", steps * (long)Filters, $"[{steps}, {Filters}] dL/dy");
        ColumnGradient = slabs.Work.Add(Owner, "ColumnGradient", steps * (long)ColumnLength, $"[{steps}, {InputSize} * {spec.KernelSize}] dL/d(window), before it is added back to the steps it came from");
        if (StreamingUnsupported is null)
        {
            Window = slabs.State.Add(Owner, "Window", (spec.Span) * (long)InputSize, $"[{spec.Span}, {InputSize}] Step: the last {spec.Span - 1} inputs, then the current one");
            ScratchColumn = slabs.Scratch.Add(Owner, "ScratchColumn", ColumnLength, $"[{InputSize} * {spec.KernelSize}] one inference step's window");
            ScratchOutput = slabs.Scratch.Add(Owner, "ScratchOutput", Filters, $"[{Filters}] y of one inference step");
        }
    }

    public Conv1DSpec Conv { get; }

    public int Filters => Conv.Filters;

    /// <summary>Floats of one window: <c>inChannels · kernelSize</c>.</summary>
    public int ColumnLength => InputSize * Conv.KernelSize;

    public ParameterPlan Weight { get; }

    public ParameterPlan Bias { get; }

    /// <summary>Every output step's window in <c>_cache</c>, <c>[OutputSteps, inChannels · kernelSize]</c>.</summary>
    public Region Columns { get; }

    /// <summary>
    /// The weight transposed, <c>[inChannels · kernelSize, filters]</c> in <c>_packed</c>: every output step's window
    /// times it is one matrix product over all the steps (each weight row loaded once for the sequence, not once per
    /// step), and one step's product in Step runs the same chain of each element.
    /// </summary>
    public Region PackedWeight { get; }

    /// <summary>dL/d(window) in <c>_work</c>, shaped like <see cref="Columns"/>.</summary>
    public Region ColumnGradient { get; }

    /// <summary>Causal layers: the inputs Step keeps in <c>_state</c>, <c>[Span, inChannels]</c>, oldest first.</summary>
    public Region Window { get; }

    /// <summary>Causal layers: one inference step's window in <c>_scratch</c>.</summary>
    public Region ScratchColumn { get; }

    /// <summary>Causal layers: one inference step's output in <c>_scratch</c>.</summary>
    public Region ScratchOutput { get; }

    public override LengthMap? LengthMap => Conv.LengthMap;

    public override string? StreamingUnsupported => Conv.Padding == ConvPaddingKind.Causal
        ? null
        : $"Layer {Index}, Conv1D with Padding = ConvPadding.{Conv.Padding}, reads steps after the current one: it cannot stream one step at a time. Use Predict, or declare the convolution with Padding = ConvPadding.Causal.";
}
