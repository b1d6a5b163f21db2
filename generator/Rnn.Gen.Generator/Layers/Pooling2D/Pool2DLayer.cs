using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Layers.Pooling;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Pooling2D;

/// <summary>
/// Pooling over images, one shape for three kinds: <c>[MaxPool2D(poolSize)]</c> and <c>[AvgPool2D(poolSize)]</c> (square
/// windows of <c>poolSize</c> pixels, <c>Stride</c> apart on both axes, PyTorch's nn.MaxPool2d / nn.AvgPool2d without
/// padding, floor mode), and <c>[GlobalAveragePool2D]</c> (each channel's mean over the image: a vector out).
/// </summary>
internal sealed class Pool2DLayer : LayerKind<Pool2DSpec, Pool2DPlan>
{
    private Pool2DLayer(string name, PoolReduction reduction, bool global)
    {
        Name = name;
        Reduction = reduction;
        Global = global;
    }

    public static Pool2DLayer MaxPool2D { get; } = new("MaxPool2D", PoolReduction.Max, global: false);

    public static Pool2DLayer AvgPool2D { get; } = new("AvgPool2D", PoolReduction.Average, global: false);

    public static Pool2DLayer GlobalAveragePool2D { get; } = new("GlobalAveragePool2D", PoolReduction.Average, global: true);

    public override string Name { get; }

    public override string AttributeName => $"Rnn.Gen.{Name}Attribute";

    public PoolReduction Reduction { get; }

    public bool Global { get; }

    public override LayerSpec? Parse(AttributeReader attribute)
    {
        if (Global)
        {
            return new Pool2DSpec(this, 0, 0);
        }

        return PoolWindow.Parse(attribute) is (int poolSize, int stride) ? new Pool2DSpec(this, poolSize, stride) : null;
    }

    protected override Pool2DPlan Plan(Pool2DSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override LayerEmitter CreateEmitter(Pool2DPlan plan) => new Pool2DEmitter(plan);
}

/// <summary>A 2D pooling layer: its kind, and for a windowed one its window's side and stride in pixels.</summary>
internal sealed record Pool2DSpec(Pool2DLayer Pooling, int PoolSize, int Stride) : ImageLayerSpec
{
    public override Int8Support Int8 => Int8Support.NothingToQuantize;

    public override LayerKind Kind => Pooling;

    /// <summary>A windowed pool outputs <c>[C, floor((H − PoolSize) / Stride) + 1, …]</c>; a global pool a vector of C.</summary>
    public override ImageShape? OutputImage => Pooling.Global
        ? null
        : new ImageShape(Input.Channels, OutputLength(Input.Height, 0, PoolSize, Stride), OutputLength(Input.Width, 0, PoolSize, Stride));

    protected override int VectorSize => Input.Channels;
}

/// <summary>A 2D pooling layer's buffers: its output at every position and that output's gradient; no parameters.</summary>
internal sealed class Pool2DPlan : LayerPlan
{
    public Pool2DPlan(Pool2DSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context)
    {
        Pool = spec;
        In = spec.Input;
        Out = spec.OutputImage;
        string shape = Out is null ? $"[{Positions}, {In.Channels}]" : $"[{Positions}, {Out.Channels}, {Out.Height}, {Out.Width}]";
        Output = slabs.Cache.Add(Owner, "Output", Positions * (long)OutputSize, $"{shape} y at every position");
        OutputGradient = slabs.Work.Add(Owner, "OutputGradient", Positions * (long)OutputSize, $"{shape} dL/dy");
        ScratchOutput = slabs.Scratch.Add(Owner, "ScratchOutput", OutputSize, $"{shape.Replace($"[{Positions}, ", "[")} y of one inference position");
    }

    public Pool2DSpec Pool { get; }

    /// <summary>The image the layer reads at each position.</summary>
    public ImageShape In { get; }

    /// <summary>The image the layer outputs at each position, or null for a global pool (a vector of channels).</summary>
    public ImageShape? Out { get; }

    /// <summary>One inference position's output in <c>_scratch</c>.</summary>
    public Region ScratchOutput { get; }
}
