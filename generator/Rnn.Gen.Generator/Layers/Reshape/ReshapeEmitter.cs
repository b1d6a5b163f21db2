using System;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Reshape;

/// <summary>
/// Flatten (a copy: the CHW layout already is nn.Flatten's order), rows as steps (<c>y[h, c · W + w] = x[c, h, w]</c>)
/// and columns as steps (<c>y[w, c · H + h] = x[c, h, w]</c>); backward adds each gradient back where its value came from.
/// </summary>
internal sealed class ReshapeEmitter : LayerEmitter<ReshapePlan>
{
    public ReshapeEmitter(ReshapePlan layer)
        : base(layer)
    {
    }

    private ReshapeKind Kind => Plan.Reshape.Reshape;

    private ImageShape Image => Plan.In;

    private string Positions => Layer.SequenceIn && Layer.Steps > 1 ? Len : "1";

    public override string Description => Kind switch
    {
        ReshapeKind.Flatten => $"layer {Layer.Index}, Flatten {Image} -> [{Layer.OutputSize}]{(Layer.Positions > 1 ? $" at each of {Layer.Positions} steps" : string.Empty)}",
        ReshapeKind.Rows => $"layer {Layer.Index}, RowsAsSteps {Image} -> [{Image.Height}, {Layer.OutputSize}]",
        _ => $"layer {Layer.Index}, ColumnsAsSteps {Image} -> [{Image.Width}, {Layer.OutputSize}]",
    };

    public override string Architecture =>
        $"new {Export}.ReshapeLayer({Layer.Index}, {Conv2D.Conv2DEmitter.ImageInput(Image)}, {Export}.ImageReshape.{(Kind == ReshapeKind.Flatten ? "Flatten" : Kind == ReshapeKind.Rows ? "RowsAsSteps" : "ColumnsAsSteps")})";

    public override void EmitMethods(CodeWriter w)
    {
        w.Summary($"Backward for {Description}: when <paramref name=\"dx\"/> is not empty, adds dL/dx.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line("if (dx.IsEmpty) return; // no parameters");
            w.Line($"{ReadOnlySpan} dy = {CodeWriter.Slice("work", Layer.OutputGradient)};");
            EmitRearrange(w, "dy", "dx", backward: true);
        }
    }

    /// <summary>
    /// The rearrangement from <paramref name="from"/> to <paramref name="to"/>, or with <paramref name="backward"/> the
    /// gradient of <paramref name="to"/>'s layout added back into <paramref name="to"/> = dx from <paramref name="from"/> = dy.
    /// </summary>
    private void EmitRearrange(CodeWriter w, string from, string to, bool backward)
    {
        if (Kind == ReshapeKind.Flatten)
        {
            string count = CodeWriter.Times(Positions, In);
            w.Line(backward
                ? $"{VectorKernels}.Add({from}.Slice(0, {count}), {to}.Slice(0, {count}));"
                : $"{from}.Slice(0, {count}).CopyTo({to}); // the image's [C, H, W] order is nn.Flatten's");
            return;
        }

        int h = Image.Height, wd = Image.Width;
        using (w.Block($"for (int c = 0; c < {Image.Channels}; c++)"))
        {
            if (Kind == ReshapeKind.Rows)
            {
                using (w.Block($"for (int h = 0; h < {h}; h++)"))
                {
                    string image = $"{CodeWriter.Times("c", Image.Pixels)} + {CodeWriter.Times("h", wd)}";
                    string step = $"{CodeWriter.Times("h", Layer.OutputSize)} + {CodeWriter.Times("c", wd)}";
                    w.Line(backward
                        ? $"{VectorKernels}.Add({from}.Slice({step}, {wd}), {to}.Slice({image}, {wd})); // row h of channel c"
                        : $"{from}.Slice({image}, {wd}).CopyTo({to}.Slice({step}, {wd})); // row h of channel c");
                }
            }
            else
            {
                using (w.Block($"for (int h = 0; h < {h}; h++)"))
                using (w.Block($"for (int column = 0; column < {wd}; column++)"))
                {
                    string image = $"{CodeWriter.Times("c", Image.Pixels)} + {CodeWriter.Times("h", wd)} + column";
                    string step = $"{CodeWriter.Times("column", Layer.OutputSize)} + {CodeWriter.Times("c", h)} + h";
                    w.Line(backward ? $"{to}[{image}] += {from}[{step}];" : $"{to}[{step}] = {from}[{image}];");
                }
            }
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}.");
        using (w.Block())
        {
            w.Line($"{Span} y = {CodeWriter.Slice("cache", Layer.Output)};");
            EmitRearrange(w, inputs, "y", backward: false);
            if (Kind == ReshapeKind.Flatten && Layer.SequenceIn && !Layer.InDecoder && Layer.Steps > 1)
            {
                w.Line($"y.Slice({CodeWriter.Times("length", In)}).Clear(); // frames past the sample's length output zeros");
            }
        }
    }

    public override string EmitInferenceStep(CodeWriter w, string input, string state, string? destination)
    {
        if (Kind != ReshapeKind.Flatten)
        {
            throw new InvalidOperationException("Rows and columns as steps do not stream; the model's Step throws before any layer runs.");
        }

        w.Line($"// {Description}: the image's floats are already the vector.");
        return input;
    }
}
