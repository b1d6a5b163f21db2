using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Layers.Pooling;
using Rnn.Gen.Generator.Model;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Pooling2D;

/// <summary>
/// 2D pooling with PyTorch's numerics, channel by channel, at every position (each frame): the maximum of a window (the
/// first maximal pixel in row-major order wins, a NaN wins, and the gradient goes to that pixel), or the mean (summed in
/// row-major order, divided by the window's pixels; the gradient, divided once, goes to every pixel of the window). A
/// global pool is one window over the whole image.
/// </summary>
internal sealed class Pool2DEmitter : LayerEmitter<Pool2DPlan>
{
    public Pool2DEmitter(Pool2DPlan layer)
        : base(layer)
    {
    }

    private Pool2DSpec Pool => Plan.Pool;

    private ImageShape InImage => Plan.In;

    private bool Global => Pool.Pooling.Global;

    private bool Max => Pool.Pooling.Reduction == PoolReduction.Max;

    private int OutLength => Layer.OutputSize;

    private string Positions => Layer.SequenceIn && Layer.Steps > 1 ? Len : "1";

    private string ArgMaxMethod => $"{Pool.Pooling.Name}{Layer.Index}ArgMax";

    public override string Description
    {
        get
        {
            string frames = Layer.Positions > 1 ? $" at each of {Layer.Positions} steps" : string.Empty;
            return Global
                ? $"layer {Layer.Index}, {Pool.Pooling.Name} {InImage} -> [{InImage.Channels}]{frames}"
                : $"layer {Layer.Index}, {Pool.Pooling.Name} {InImage} -> {Plan.Out}, windows of {Pool.PoolSize}x{Pool.PoolSize}{(Pool.Stride == Pool.PoolSize ? string.Empty : $" {Pool.Stride} apart")}{frames}";
        }
    }

    public override string Architecture
    {
        get
        {
            string kind = Global ? "GlobalAverage" : Max ? "Max" : "Average";
            string layer = $"new {Export}.Pooling2DLayer({Layer.Index}, {Conv2D.Conv2DEmitter.ImageInput(InImage)}, {Export}.PoolingKind.{kind})";
            return Global ? layer : $"{layer} {{ PoolSize = {Pool.PoolSize}, Stride = {Pool.Stride} }}";
        }
    }

    /// <summary>Where output pixel (c, oh, ow)'s window starts in the input image.</summary>
    private string WindowStart => $"{CodeWriter.Times("c", InImage.Pixels)} + {CodeWriter.Times("oh", (long)Pool.Stride * InImage.Width)} + {CodeWriter.Times("ow", Pool.Stride)}";

    public override void EmitMethods(CodeWriter w)
    {
        int k = Pool.PoolSize, width = InImage.Width;
        if (Global)
        {
            w.Summary($"{Description}: each channel's pixels summed in order, divided by {InImage.Pixels}.");
            using (w.Block($"private static void {StepMethod}({ReadOnlySpan} x, {Span} y)"))
            using (w.Block($"for (int c = 0; c < {InImage.Channels}; c++)"))
            {
                w.Line($"{ReadOnlySpan} channel = x.Slice({CodeWriter.Times("c", InImage.Pixels)}, {InImage.Pixels});");
                w.Line("float sum = 0f;");
                w.Line($"for (int q = 0; q < {InImage.Pixels}; q++) sum += channel[q];");
                w.Line($"y[c] = sum / {InImage.Pixels};");
            }
        }
        else
        {
            var o = Plan.Out!;
            if (Max)
            {
                w.Summary($"The input pixel of the maximum of window <paramref name=\"start\"/> ({k}x{k} pixels, rows {width} apart): the first maximal one in row-major order, or the last NaN (PyTorch's rule).");
                using (w.Block($"private static int {ArgMaxMethod}({ReadOnlySpan} x, int start)"))
                {
                    w.Line("int best = start;");
                    using (w.Block($"for (int i = 0; i < {k}; i++)"))
                    using (w.Block($"for (int j = 0; j < {k}; j++)"))
                    {
                        w.Line($"int at = start + {CodeWriter.Times("i", width)} + j;");
                        w.Line("float v = x[at];");
                        w.Line("if (v > x[best] || float.IsNaN(v)) best = at;");
                    }

                    w.Line("return best;");
                }

                w.Line();
            }

            w.Summary($"{Description}: one image.");
            using (w.Block($"private static void {StepMethod}({ReadOnlySpan} x, {Span} y)"))
            {
                w.Line("int q = 0; // the output pixel (c, oh, ow)");
                using (w.Block($"for (int c = 0; c < {o.Channels}; c++)"))
                using (w.Block($"for (int oh = 0; oh < {o.Height}; oh++)"))
                using (w.Block($"for (int ow = 0; ow < {o.Width}; ow++, q++)"))
                {
                    w.Line($"int start = {WindowStart};");
                    if (Max)
                    {
                        w.Line($"y[q] = x[{ArgMaxMethod}(x, start)];");
                    }
                    else
                    {
                        w.Line("float sum = 0f;");
                        w.Line($"for (int i = 0; i < {k}; i++) for (int j = 0; j < {k}; j++) sum += x[start + {CodeWriter.Times("i", width)} + j]; // in row-major order");
                        w.Line($"y[q] = sum / {k * k};");
                    }
                }
            }
        }

        w.Line();
        w.Summary($"Backward for {Description}: when <paramref name=\"dx\"/> is not empty, adds dL/dx.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line("if (dx.IsEmpty) return; // no parameters");
            w.ForEachPosition(Positions, t =>
            {
                w.Line($"{ReadOnlySpan} dy = {CodeWriter.SliceAt("work", Layer.OutputGradient, OutLength, t)};");
                w.Line($"{Span} dxt = dx.Slice({CodeWriter.Times(t, In)}, {In});");
                if (Global)
                {
                    using (w.Block($"for (int c = 0; c < {InImage.Channels}; c++)"))
                    {
                        w.Line($"float share = dy[c] / {InImage.Pixels}; // dL/dy shared by the channel's pixels");
                        w.Line($"{Span} channel = dxt.Slice({CodeWriter.Times("c", InImage.Pixels)}, {InImage.Pixels});");
                        w.Line($"for (int q = 0; q < {InImage.Pixels}; q++) channel[q] += share;");
                    }

                    return;
                }

                var o = Plan.Out!;
                if (Max)
                {
                    w.Line($"{ReadOnlySpan} x = xs.Slice({CodeWriter.Times(t, In)}, {In});");
                }

                w.Line("int q = 0;");
                using (w.Block($"for (int c = 0; c < {o.Channels}; c++)"))
                using (w.Block($"for (int oh = 0; oh < {o.Height}; oh++)"))
                using (w.Block($"for (int ow = 0; ow < {o.Width}; ow++, q++)"))
                {
                    w.Line($"int start = {WindowStart};");
                    if (Max)
                    {
                        w.Line($"dxt[{ArgMaxMethod}(x, start)] += dy[q]; // to the pixel the maximum came from");
                    }
                    else
                    {
                        w.Line($"float share = dy[q] / {k * k}; // dL/dy shared by the window's pixels");
                        w.Line($"for (int i = 0; i < {k}; i++) for (int j = 0; j < {k}; j++) dxt[start + {CodeWriter.Times("i", width)} + j] += share;");
                    }
                }
            });
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}.");
        w.ForEachPosition(Positions, t =>
            w.Line($"{StepMethod}({inputs}.Slice({CodeWriter.Times(t, In)}, {In}), {CodeWriter.SliceAt("cache", Layer.Output, OutLength, t)});"));
        if (Layer.SequenceIn && !Layer.InDecoder && Layer.Steps > 1)
        {
            w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice({CodeWriter.Times("length", OutLength)}).Clear(); // frames past the sample's length output zeros");
        }
    }

    public override string EmitInferenceStep(CodeWriter w, string input, string state, string? destination)
    {
        string output = destination ?? CodeWriter.Slice("scratch", Plan.ScratchOutput);
        w.Line($"{StepMethod}({input}, {output}); // {Description}");
        return output;
    }
}
