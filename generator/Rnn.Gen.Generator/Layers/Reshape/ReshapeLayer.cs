using System;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Reshape;

/// <summary>How an image is rearranged into what the layers after it read.</summary>
internal enum ReshapeKind
{
    /// <summary>One vector per position, <c>[C · H · W]</c> in channel, row, column order (nn.Flatten).</summary>
    Flatten,

    /// <summary>The rows as steps: <c>[H, C · W]</c>, <c>x.permute(1, 0, 2).reshape(H, C * W)</c>.</summary>
    Rows,

    /// <summary>The columns as steps: <c>[W, C · H]</c>, <c>x.permute(2, 0, 1).reshape(W, C * H)</c>.</summary>
    Columns,
}

/// <summary>
/// The bridges from an image to the vector layers: <c>[Flatten]</c> (each position's image as one vector, so that with
/// frames each step's image becomes that step's features), <c>[RowsAsSteps]</c> and <c>[ColumnsAsSteps]</c> (one image
/// as a sequence of its rows or columns, for the recurrent layers that follow). No parameters.
/// </summary>
internal sealed class ReshapeLayer : LayerKind<ReshapeSpec, ReshapePlan>
{
    private ReshapeLayer(string name, ReshapeKind reshape)
    {
        Name = name;
        Reshape = reshape;
    }

    public static ReshapeLayer Flatten { get; } = new("Flatten", ReshapeKind.Flatten);

    public static ReshapeLayer RowsAsSteps { get; } = new("RowsAsSteps", ReshapeKind.Rows);

    public static ReshapeLayer ColumnsAsSteps { get; } = new("ColumnsAsSteps", ReshapeKind.Columns);

    public override string Name { get; }

    public override string AttributeName => $"Rnn.Gen.{Name}Attribute";

    public ReshapeKind Reshape { get; }

    public override LayerSpec? Parse(AttributeReader attribute) => new ReshapeSpec(this);

    protected override ReshapePlan Plan(ReshapeSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override LayerEmitter CreateEmitter(ReshapePlan plan) => new ReshapeEmitter(plan);
}

/// <summary>A reshaping layer: its kind; the image it reads is the base's <see cref="ImageLayerSpec.Input"/>.</summary>
internal sealed record ReshapeSpec(ReshapeLayer Layer) : ImageLayerSpec
{
    public override Int8Support Int8 => Int8Support.NothingToQuantize;

    public override LayerKind Kind => Layer;

    public ReshapeKind Reshape => Layer.Reshape;

    public override bool ImageToSteps => Reshape != ReshapeKind.Flatten;

    /// <summary>Steps of one image's sequence: its rows or columns.</summary>
    public int ImageSteps => Reshape == ReshapeKind.Rows ? Input.Height : Input.Width;

    /// <summary>
    /// Rows and columns turn the one step of an image model into <see cref="ImageSteps"/> steps. As a length map:
    /// <c>floor((L + (n − 1) − 1) / 1) + 1 = L + n − 1</c>, which is n for the one valid step an image model has.
    /// </summary>
    public LengthMap? LengthMap => Reshape == ReshapeKind.Flatten ? null : new LengthMap(ImageSteps - 1, 1, 1);

    public override int OutputSteps(int steps) => LengthMap?.Apply(steps) ?? steps;

    protected override int VectorSize => Reshape switch
    {
        ReshapeKind.Flatten => Input.Length,
        ReshapeKind.Rows => Input.Channels * Input.Width,
        ReshapeKind.Columns => Input.Channels * Input.Height,
        _ => throw new InvalidOperationException("No other reshape exists."),
    };
}

/// <summary>A reshaping layer's buffers: the rearranged copy and its gradient.</summary>
internal sealed class ReshapePlan : LayerPlan
{
    public ReshapePlan(ReshapeSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context)
    {
        Reshape = spec;
        In = spec.Input;
        long rows = spec.Reshape == ReshapeKind.Flatten ? Positions : spec.ImageSteps;
        string what = spec.Reshape switch
        {
            ReshapeKind.Flatten => "each position's image as one vector",
            ReshapeKind.Rows => "the image's rows as steps, channel-major within a step",
            _ => "the image's columns as steps, channel-major within a step",
        };
        Output = slabs.Cache.Add(Owner, "Output", rows * OutputSize, $"[{rows}, {OutputSize}] {what}");
        OutputGradient = slabs.Work.Add(Owner, "OutputGradient", rows * OutputSize, $"[{rows}, {OutputSize}] dL/dy");
    }

    public ReshapeSpec Reshape { get; }

    /// <summary>The image the layer reads.</summary>
    public ImageShape In { get; }

    public override LengthMap? LengthMap => Reshape.LengthMap;

    public override string? StreamingUnsupported => Reshape.Reshape == ReshapeKind.Flatten
        ? null
        : $"Layer {Index}, {Reshape.Layer.Name}, turns the whole image into a sequence of steps: it cannot stream one input step at a time. Use Predict.";
}
