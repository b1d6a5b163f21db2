using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Layers.Conv1D;
using Rnn.Gen.Generator.Model;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Conv2D;

/// <summary>
/// Conv2D as PyTorch's nn.Conv2d followed by the activation, at every position (each frame of a video). The windows of
/// an image are gathered as rows of pixels (im2col: <c>columns[(c · kH + i) · kW + j, oh · outW + ow] = x[c, oh · s + i
/// · d − top, ow · s + j · d − left]</c>, zero in the padding), then <c>y = act(b + W columns)</c> with W read as
/// PyTorch stores it, <c>[filters, inChannels · kH · kW]</c>: one matrix product whose result is the output image
/// <c>[filters, outH, outW]</c>, each element one chain of fused multiply-adds from its bias over the window in the
/// weight's order. Backward: dW += dz columnsᵀ, db += the pixel sums of dz, dcolumns = Wᵀ dz added back to the pixels
/// they were gathered from.
/// </summary>
internal sealed class Conv2DEmitter : LayerEmitter<Conv2DPlan>
{
    public Conv2DEmitter(Conv2DPlan layer)
        : base(layer)
    {
    }

    private Conv2DSpec Conv => Plan.Conv;

    private ImageShape InImage => Plan.In;

    private ImageShape OutImage => Plan.Out;

    private long Window => Plan.WindowLength;

    private int Pixels => OutImage.Pixels;

    private string GatherMethod => $"Conv2D{Layer.Index}Gather";

    private string ScatterMethod => $"Conv2D{Layer.Index}Scatter";

    /// <summary>The positions the layer runs at: every valid step (frame), or the one image of a one-step model (written without a loop).</summary>
    private string Positions => Layer.SequenceIn && Layer.Steps > 1 ? Len : "1";

    /// <summary>Valid padding and stride 1: every tap of a row reads a contiguous run of input pixels, copied as a block.</summary>
    private bool Contiguous => Conv.Padding == ConvPaddingKind.Valid && Conv.Stride == 1;

    public override string Description
    {
        get
        {
            string kernel = Conv.KernelHeight == Conv.KernelWidth ? $"kernel {Conv.KernelHeight}" : $"kernel {Conv.KernelHeight}x{Conv.KernelWidth}";
            string frames = Layer.Positions > 1 ? $" at each of {Layer.Positions} steps" : string.Empty;
            return $"layer {Layer.Index}, Conv2D {InImage} -> {OutImage} ({Conv1DEmitter.Options(kernel, Conv.Stride, Conv.Dilation, Conv.Padding, Conv.Activation)}){frames}";
        }
    }

    public override string Architecture =>
        $"new {Export}.Conv2DLayer({Layer.Index}, {ImageInput(InImage)}, filters: {OutImage.Channels}, kernelHeight: {Conv.KernelHeight}, kernelWidth: {Conv.KernelWidth}) "
        + $"{{ Stride = {Conv.Stride}, Dilation = {Conv.Dilation}, Padding = {Member(ConvPadding, Conv.Padding)}, Activation = {Member(RuntimeNames.Activation, Conv.Activation)} }}";

    /// <summary>The runtime's description of an image layer's input: <c>new global::Rnn.Gen.Export.ImageInput(c, h, w)</c>.</summary>
    internal static string ImageInput(ImageShape image) => $"new {Export}.ImageInput({image.Channels}, {image.Height}, {image.Width})";

    protected override (int Fan, string Module) Initialization => ((int)Window, "nn.Conv2d"); // every emitted model's window fits in an array

    public override void EmitMethods(CodeWriter w)
    {
        int h = InImage.Height, wd = InImage.Width, kh = Conv.KernelHeight, kw = Conv.KernelWidth, s = Conv.Stride, d = Conv.Dilation;
        string rowTap = Tap("i", d, Conv.PadTop);
        string columnTap = Tap("j", d, Conv.PadLeft);
        string inputRow = $"{CodeWriter.Times("c", InImage.Pixels)} + {CodeWriter.Times("ih", wd)}";
        w.Summary($"The windows of {Description}: row (c * {kh} + i) * {kw} + j of <paramref name=\"columns\"/> holds tap (i, j) of channel c for every output pixel, zero in the padding.");
        using (w.Block($"private static void {GatherMethod}({ReadOnlySpan} x, {Span} columns)"))
        {
            EmitWindowLoops(w, h, wd, kh, kw, s, rowTap, columnTap, inputRow, scatter: false);
        }

        w.Line();
        w.Summary($"Backward of {GatherMethod}: adds each window's gradient in <paramref name=\"dcolumns\"/> to the input pixel it was gathered from (the padding's zeros take none).");
        using (w.Block($"private static void {ScatterMethod}({ReadOnlySpan} dcolumns, {Span} dx)"))
        {
            EmitWindowLoops(w, h, wd, kh, kw, s, rowTap, columnTap, inputRow, scatter: true);
        }

        w.Line();
        string activation = ActivationCode.Apply(Conv.Activation, "y");
        w.Summary($"{Description}: y = {(activation.Length == 0 ? "b + W columns" : Conv.Activation.ToString().ToLowerInvariant() + "(b + W columns)")} for one image, W read as [{OutImage.Channels}, {Window}].");
        using (w.Block($"private void {StepMethod}({ReadOnlySpan} x, {Span} columns, {Span} y)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{GatherMethod}(x, columns);");
            w.Line($"{ReadOnlySpan} bias = {Param(Plan.Bias)};");
            w.Line($"for (int f = 0; f < {OutImage.Channels}; f++) y.Slice({CodeWriter.Times("f", Pixels)}, {Pixels}).Fill(bias[f]); // each filter's image starts from its bias");
            w.Line($"{MatrixKernels}.MultiplyAdd({Param(Plan.Weight)}, columns, y, {OutImage.Channels}, {Window}, {Pixels}); // {Plan.Weight.Described} as [{OutImage.Channels}, {Window}]");
            if (activation.Length > 0)
            {
                w.Line(activation);
            }
        }

        w.Line();
        w.Summary($"Backward for {Description}: adds the parameter gradients and, when <paramref name=\"dx\"/> is not empty, adds dL/dx.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} g = _gradients;");
            w.Line($"{Span} transposed = {CodeWriter.Slice("work", Plan.TransposedColumns)};");
            w.Line($"{Span} dcolumns = {CodeWriter.Slice("work", Plan.ColumnGradient)};");
            w.Line($"{Span} gb = {Param(Plan.Bias, "g")};");
            w.ForEachPosition(Positions, t =>
            {
                w.Line($"{Span} dz = {CodeWriter.SliceAt("work", Layer.OutputGradient, OutImage.Length, t)}; // dL/dy on entry, dL/d(b + W columns) after the activation's derivative");
                if (Conv.Activation != ActivationKind.Identity)
                {
                    w.Line($"{ReadOnlySpan} y = {CodeWriter.SliceAt("cache", Layer.Output, OutImage.Length, t)};");
                    foreach (string line in ActivationCode.Backward(Conv.Activation, "y", "dz", OutImage.Length))
                    {
                        w.Line(line);
                    }
                }

                w.Line("// The bias gets each filter's sum over the output pixels; the weight Σ_pixels dz columnsᵀ.");
                using (w.Block($"for (int f = 0; f < {OutImage.Channels}; f++)"))
                {
                    w.Line($"{ReadOnlySpan} row = dz.Slice({CodeWriter.Times("f", Pixels)}, {Pixels});");
                    w.Line("float sum = 0f;");
                    w.Line($"for (int q = 0; q < {Pixels}; q++) sum += row[q];");
                    w.Line("gb[f] += sum;");
                }

                w.Line($"{MatrixKernels}.Transpose({CodeWriter.SliceAt("cache", Plan.Columns, Plan.ColumnsLength, t)}, {Window}, {Pixels}, transposed);");
                w.Line($"{MatrixKernels}.MultiplyAdd(dz, transposed, {Param(Plan.Weight, "g")}, {OutImage.Channels}, {Pixels}, {Window});");
                using (w.Block("if (!dx.IsEmpty)"))
                {
                    w.Line("dcolumns.Clear();");
                    w.Line($"{MatrixKernels}.TransposeMultiplyAdd({Param(Plan.Weight)}, dz, dcolumns, {Window}, {OutImage.Channels}, {Pixels}); // dL/d(columns) = Wᵀ dz");
                    w.Line($"{ScatterMethod}(dcolumns, dx.Slice({CodeWriter.Times(t, In)}, {In}));");
                }
            });
        }
    }

    /// <summary>The loops over every (channel, tap, output row) of the windows: gather into columns, or scatter back.</summary>
    private void EmitWindowLoops(CodeWriter w, int h, int wd, int kh, int kw, int s, string rowTap, string columnTap, string inputRow, bool scatter)
    {
        w.Line("int row = 0; // (c * kH + i) * kW + j");
        using (w.Block($"for (int c = 0; c < {InImage.Channels}; c++)"))
        using (w.Block($"for (int i = 0; i < {kh}; i++)"))
        using (w.Block($"for (int j = 0; j < {kw}; j++, row++)"))
        using (w.Block($"for (int oh = 0; oh < {OutImage.Height}; oh++)"))
        {
            w.Line($"int ih = {CodeWriter.Times("oh", s)}{rowTap}; // the input row of tap i");
            string columns = scatter ? "dcolumns" : "columns";
            w.Line($"int at = {CodeWriter.Times("row", Pixels)} + {CodeWriter.Times("oh", OutImage.Width)}; // this output row's pixels in row `row` of the columns");
            if (Contiguous)
            {
                w.Line(scatter
                    ? $"{VectorKernels}.Add({columns}.Slice(at, {OutImage.Width}), dx.Slice({inputRow}{columnTap}, {OutImage.Width}));"
                    : $"x.Slice({inputRow}{columnTap}, {OutImage.Width}).CopyTo({columns}.Slice(at, {OutImage.Width})); // stride 1, no padding: a contiguous run of the input row");
                return;
            }

            if (!scatter)
            {
                w.Line($"if ((uint)ih >= {h}) {{ {columns}.Slice(at, {OutImage.Width}).Clear(); continue; }} // a padding row");
            }
            else
            {
                w.Line($"if ((uint)ih >= {h}) continue; // a padding row");
            }

            using (w.Block($"for (int ow = 0; ow < {OutImage.Width}; ow++)"))
            {
                w.Line($"int iw = {CodeWriter.Times("ow", s)}{columnTap};");
                w.Line(scatter
                    ? $"if ((uint)iw < {wd}) dx[{inputRow} + iw] += {columns}[at + ow];"
                    : $"{columns}[at + ow] = (uint)iw < {wd} ? x[{inputRow} + iw] : 0f;");
            }
        }
    }

    /// <summary><c> + i * 2 - 1</c>: the offset of tap <paramref name="index"/> dilated by <paramref name="dilation"/>, less the padding.</summary>
    private static string Tap(string index, int dilation, int padding)
    {
        string tap = $" + {CodeWriter.Times(index, dilation)}";
        return padding == 0 ? tap : $"{tap} - {padding}";
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}: each image's windows into the cache, then b + W columns, one matrix product per image.");
        w.ForEachPosition(Positions, t =>
            w.Line($"{StepMethod}({inputs}.Slice({CodeWriter.Times(t, In)}, {In}), {CodeWriter.SliceAt("cache", Plan.Columns, Plan.ColumnsLength, t)}, {CodeWriter.SliceAt("cache", Layer.Output, OutImage.Length, t)});"));
        if (Layer.SequenceIn && !Layer.InDecoder && Layer.Steps > 1)
        {
            w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice({CodeWriter.Times("length", OutImage.Length)}).Clear(); // frames past the sample's length output zeros");
        }
    }

    public override string EmitInferenceStep(CodeWriter w, string input, string state, string? destination)
    {
        string output = destination ?? CodeWriter.Slice("scratch", Plan.ScratchOutput);
        w.Line($"{StepMethod}({input}, {CodeWriter.Slice("scratch", Plan.ScratchColumns)}, {output}); // {Description}");
        return output;
    }
}
