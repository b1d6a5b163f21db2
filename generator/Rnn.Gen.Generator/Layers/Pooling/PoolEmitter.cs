using System;
using Rnn.Gen.Generator.Emit;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Pooling;

/// <summary>
/// Pooling with PyTorch's numerics, channel by channel: the maximum (the first maximal step wins, a NaN wins, and the
/// gradient goes to that step) or the mean (summed in step order, divided by the window's steps; the gradient, divided
/// once, goes to every step of the window). A global pool is one window over the sample's valid steps.
/// </summary>
internal sealed class PoolEmitter : LayerEmitter<PoolPlan>
{
    public PoolEmitter(PoolPlan layer)
        : base(layer)
    {
    }

    private PoolSpec Pool => Plan.Pool;

    private bool Global => Pool.Pooling.Global;

    private bool Max => Pool.Pooling.Reduction == PoolReduction.Max;

    /// <summary>The valid output steps as an expression of the input's valid <c>length</c> (one for a global pool).</summary>
    private string OutputLength => Plan.LengthMap?.Expression("length") ?? "1";

    /// <summary>Where output step <c>t</c>'s window starts, and how many steps it has.</summary>
    private (string Start, string Count) Window => Global ? ("0", "length") : (CodeWriter.Times("t", Pool.Stride), Pool.PoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The call that finds channel <c>c</c>'s maximal step in a window.</summary>
    private string ArgMax(string x, string start, string count) => $"{ArgMaxMethod}({x}, {start}, {count}, c)";

    private string ArgMaxMethod => $"{Pool.Pooling.Name}{Layer.Index}ArgMax";

    public override string Description => Global
        ? $"layer {Layer.Index}, {Pool.Pooling.Name} of {In} features over the valid steps of {T}"
        : $"layer {Layer.Index}, {Pool.Pooling.Name} of {In} features, windows of {Pool.PoolSize} steps{(Pool.Stride == Pool.PoolSize ? string.Empty : $" {Pool.Stride} apart")}, over {T} -> {Layer.OutputSteps} steps";

    public override string Architecture
    {
        get
        {
            string kind = (Global ? "Global" : string.Empty) + (Max ? "Max" : "Average");
            string layer = $"new {Export}.Pooling1DLayer({Layer.Index}, inputSize: {In}, {Export}.PoolingKind.{kind})";
            return Global ? layer : $"{layer} {{ PoolSize = {Pool.PoolSize}, Stride = {Pool.Stride} }}";
        }
    }

    public override void EmitMethods(CodeWriter w)
    {
        if (Max)
        {
            w.Summary($"The step of the maximum of channel <paramref name=\"c\"/> over <paramref name=\"count\"/> steps from <paramref name=\"start\"/>: the first maximal one, or the last NaN (PyTorch's rule).");
            using (w.Block($"private static int {ArgMaxMethod}({ReadOnlySpan} x, int start, int count, int c)"))
            {
                w.Line("int best = start;");
                using (w.Block("for (int u = start + 1; u < start + count; u++)"))
                {
                    w.Line($"float v = x[{CodeWriter.Times("u", In)} + c];");
                    w.Line($"if (v > x[{CodeWriter.Times("best", In)} + c] || float.IsNaN(v)) best = u;");
                }

                w.Line("return best;");
            }

            w.Line();
        }

        w.Summary($"{Description}: one output step from <paramref name=\"count\"/> input steps from <paramref name=\"start\"/>.");
        using (w.Block($"private static void {StepMethod}({ReadOnlySpan} x, int start, int count, {Span} y)"))
        {
            if (Max)
            {
                w.Line($"for (int c = 0; c < {In}; c++) y[c] = x[{ArgMax("x", "start", "count")}{(In == 1 ? string.Empty : $" * {In}")} + c];");
            }
            else
            {
                w.Line($"x.Slice({CodeWriter.Times("start", In)}, {In}).CopyTo(y);");
                w.Line($"for (int u = start + 1; u < start + count; u++) for (int c = 0; c < {In}; c++) y[c] += x[{CodeWriter.Times("u", In)} + c]; // summed in step order");
                w.Line($"for (int c = 0; c < {In}; c++) y[c] /= count;");
            }
        }

        w.Line();
        w.Summary($"Backward for {Description}: when <paramref name=\"dx\"/> is not empty, adds dL/dx over the <paramref name=\"length\"/> valid input steps.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line("if (dx.IsEmpty) return; // no parameters");
            w.Line($"{ReadOnlySpan} dy = {CodeWriter.Slice("work", Layer.OutputGradient)};");
            string count = Window.Count;
            w.ForEachPosition(OutputLength, t =>
            {
                string row = CodeWriter.Times(t, In);
                string first = Global ? "0" : CodeWriter.Times(t, Pool.Stride);
                if (Max)
                {
                    w.Line($"for (int c = 0; c < {In}; c++) dx[{ArgMax("xs", first, count)}{(In == 1 ? string.Empty : $" * {In}")} + c] += dy[{(row == "0" ? "c" : row + " + c")}]; // to the step the maximum came from");
                }
                else
                {
                    using (w.Block($"for (int c = 0; c < {In}; c++)"))
                    {
                        w.Line($"float share = dy[{(row == "0" ? "c" : row + " + c")}] / {count}; // dL/dy shared by the window's steps");
                        w.Line($"for (int u = {first}; u < {first} + {count}; u++) dx[{CodeWriter.Times("u", In)} + c] += share;");
                    }
                }
            });
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        (string start, string count) = Window;
        w.Line($"// {Description}.");
        if (Global)
        {
            w.Line($"{StepMethod}({inputs}, 0, length, {CodeWriter.Slice("cache", Layer.Output)});");
            return;
        }

        string steps = $"pool{Layer.Index}Steps";
        w.Line($"int {steps} = {OutputLength}; // the valid output steps of the valid input steps");
        w.Line($"for (int t = 0; t < {steps}; t++) {StepMethod}({inputs}, {start}, {count}, {CodeWriter.SliceAt("cache", Layer.Output, In, "t")});");
        w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice({CodeWriter.Times(steps, In)}).Clear(); // output steps past the valid ones are zero");
    }

    public override string EmitInferenceStep(CodeWriter w, string input, string state, string? destination) =>
        throw new InvalidOperationException("Pooling does not stream; the model's Step throws before any layer runs.");
}
