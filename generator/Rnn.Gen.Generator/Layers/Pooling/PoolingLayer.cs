using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Pooling;

/// <summary>What a pooling layer computes over its window.</summary>
internal enum PoolReduction
{
    /// <summary>The maximum; its gradient goes to the first maximal step (a NaN wins), as PyTorch's max pooling.</summary>
    Max,

    /// <summary>The mean; its gradient is shared equally by the window's steps.</summary>
    Average,
}

/// <summary>
/// The pooling family, one shape for four kinds: <c>[MaxPool1D(poolSize)]</c> and <c>[AvgPool1D(poolSize)]</c> (windows
/// of <c>poolSize</c> steps, <c>Stride</c> apart, PyTorch's nn.MaxPool1d / nn.AvgPool1d without padding), and
/// <c>[GlobalMaxPool1D]</c>, <c>[GlobalAveragePool1D]</c> (one window over the valid steps: one position out).
/// </summary>
internal sealed class PoolingLayer : LayerKind<PoolSpec, PoolPlan>
{
    private PoolingLayer(string name, PoolReduction reduction, bool global)
    {
        Name = name;
        Reduction = reduction;
        Global = global;
    }

    public static PoolingLayer MaxPool1D { get; } = new("MaxPool1D", PoolReduction.Max, global: false);

    public static PoolingLayer AvgPool1D { get; } = new("AvgPool1D", PoolReduction.Average, global: false);

    public static PoolingLayer GlobalMaxPool1D { get; } = new("GlobalMaxPool1D", PoolReduction.Max, global: true);

    public static PoolingLayer GlobalAveragePool1D { get; } = new("GlobalAveragePool1D", PoolReduction.Average, global: true);

    public override string Name { get; }

    public override string AttributeName => $"Rnn.Gen.{Name}Attribute";

    public PoolReduction Reduction { get; }

    public bool Global { get; }

    public override LayerSpec? Parse(AttributeReader attribute)
    {
        if (Global)
        {
            return new PoolSpec(this, 0, 0);
        }

        return PoolWindow.Parse(attribute) is (int poolSize, int stride) ? new PoolSpec(this, poolSize, stride) : null;
    }

    protected override PoolPlan Plan(PoolSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override LayerEmitter CreateEmitter(PoolPlan plan) => new PoolEmitter(plan);
}

/// <summary>A pooling layer: its kind (reduction, global or windowed), and for a windowed one its window and stride in steps.</summary>
internal sealed record PoolSpec(PoolingLayer Pooling, int PoolSize, int Stride) : LayerSpec
{
    public override Int8Support Int8 => Int8Support.NothingToQuantize;

    public override LayerKind Kind => Pooling;

    public override bool NeedsSequence => true;

    public override bool EndsSequence => Pooling.Global;

    public override bool SlidesOverTime => true;

    /// <summary>A windowed pool shortens the sequence: <c>floor((L − PoolSize) / Stride) + 1</c>.</summary>
    public LengthMap? LengthMap => Pooling.Global ? null : new LengthMap(0, PoolSize, Stride);

    public override int OutputSteps(int steps) => Pooling.Global ? 1 : LengthMap!.Apply(steps);

    public override int OutputSize(int inputSize) => inputSize;
}

/// <summary>A pooling layer's buffers: its output and that output's gradient; it has no parameters.</summary>
internal sealed class PoolPlan : LayerPlan
{
    public PoolPlan(PoolSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context)
    {
        Pool = spec;
        int positions = spec.Pooling.Global ? 1 : OutputSteps;
        string shape = spec.Pooling.Global ? $"[{InputSize}]" : $"[{positions}, {InputSize}]";
        Output = slabs.Cache.Add(Owner, "Output", positions * (long)InputSize, $"{shape} y {(spec.Pooling.Global ? "over the valid steps" : "at every output step")}");
        OutputGradient = slabs.Work.Add(Owner, "OutputGradient", positions * (long)InputSize, $"{shape} dL/dy");
    }

    public PoolSpec Pool { get; }

    public override bool SequenceOut => !Pool.Pooling.Global;

    public override LengthMap? LengthMap => Pool.LengthMap;

    public override string? StreamingUnsupported =>
        $"Layer {Index}, {Pool.Pooling.Name}, outputs a step only once its whole window has arrived: it cannot stream one input step at a time. Use Predict.";
}
