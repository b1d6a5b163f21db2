using System;
using System.Collections.Generic;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Conv1D;

/// <summary>
/// Conv1D as PyTorch's nn.Conv1d followed by the activation. Each output step gathers its window into a column
/// (im2col: <c>column[c · K + j] = x[t · stride + j · dilation − left, c]</c>, zero outside the valid steps), then
/// <c>y_t = act(b + W column)</c> with W read as <c>[filters, inChannels · K]</c>: one chain of fused multiply-adds per
/// output element, in the order of the weight's row. Backward is Dense's over the columns, then each window's gradient
/// is added back to the steps it was gathered from.
/// </summary>
internal sealed class Conv1DEmitter : LayerEmitter<Conv1DPlan>
{
    public Conv1DEmitter(Conv1DPlan layer)
        : base(layer)
    {
    }

    private Conv1DSpec Conv => Plan.Conv;

    private int Filters => Plan.Filters;

    private int K => Conv.KernelSize;

    private int Columns => Plan.ColumnLength;

    private string GatherMethod => $"{Layer.Spec.Kind.Name}{Layer.Index}Gather";

    /// <summary>The valid output steps as an expression of the input's valid <c>length</c>.</summary>
    private string OutputLength => Plan.LengthMap?.Expression("length") ?? "length";

    /// <summary>The input step where output step <c>t</c>'s window starts (negative inside the left padding).</summary>
    private string WindowStart
    {
        get
        {
            string start = CodeWriter.Times("t", Conv.Stride);
            return Conv.LeftPadding == 0 ? start : $"{start} - {Conv.LeftPadding}";
        }
    }

    public override string Architecture =>
        $"new {Export}.Conv1DLayer({Layer.Index}, inputSize: {In}, filters: {Filters}, kernelSize: {K}) "
        + $"{{ Stride = {Conv.Stride}, Dilation = {Conv.Dilation}, Padding = {Member(ConvPadding, Conv.Padding)}, Activation = {Member(RuntimeNames.Activation, Conv.Activation)} }}";


    public override string Description =>
        $"layer {Layer.Index}, Conv1D {In} -> {Filters} ({Options($"kernel {K}", Conv.Stride, Conv.Dilation, Conv.Padding, Conv.Activation)}) over {T} -> {Layer.OutputSteps} steps";

    /// <summary>A convolution's options as descriptions list them: <c>kernel 3, stride 2, same, relu</c> (the defaults left out).</summary>
    internal static string Options(string kernel, int stride, int dilation, ConvPaddingKind padding, ActivationKind activation)
    {
        var options = new List<string> { kernel };
        if (stride != 1)
        {
            options.Add($"stride {stride}");
        }

        if (dilation != 1)
        {
            options.Add($"dilation {dilation}");
        }

        options.Add(padding.ToString().ToLowerInvariant());
        if (activation != ActivationKind.Identity)
        {
            options.Add(activation.ToString().ToLowerInvariant());
        }

        return string.Join(", ", options);
    }

    protected override (int Fan, string Module) Initialization => (Columns, "nn.Conv1d");

    public override void EmitMethods(CodeWriter w)
    {
        string taps = Conv.Dilation == 1 ? "j" : $"j * {Conv.Dilation}";
        w.Summary($"The window of {Description} that starts at input step <paramref name=\"start\"/>: column[c * {K} + j] = x[start + {taps}, c], zero outside the <paramref name=\"length\"/> valid steps (the padding).");
        using (w.Block($"private static void {GatherMethod}({ReadOnlySpan} x, int length, int start, {Span} column)"))
        {
            using (w.Block($"for (int j = 0; j < {K}; j++)"))
            {
                w.Line($"int u = start + {taps};");
                w.Line($"if ((uint)u < (uint)length) for (int c = 0; c < {In}; c++) column[c * {K} + j] = x[{CodeWriter.Times("u", In)} + c];");
                w.Line($"else for (int c = 0; c < {In}; c++) column[c * {K} + j] = 0f;");
            }
        }

        w.Line();
        string activation = ActivationCode.Apply(Conv.Activation, "y");
        w.Summary($"{Description}: y = {(activation.Length == 0 ? "b + W column" : Conv.Activation.ToString().ToLowerInvariant() + "(b + W column)")} for one output step, W read as [{Filters}, {In} * {K}].");
        using (w.Block($"private void {StepMethod}({ReadOnlySpan} column, {Span} y)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{ReadOnlySpan} packed = _packed;");
            w.Line($"{VectorKernels}.AffinePacked({Param(Plan.Bias)}, {CodeWriter.Slice("packed", Plan.PackedWeight)}, column, y, 1); // b + {Plan.Weight.Described} column, transposed: each element the chain of the sequence's product");
            if (activation.Length > 0)
            {
                w.Line(activation);
            }
        }

        w.Line();
        w.Summary($"Backward for {Description}: adds the parameter gradients and, when <paramref name=\"dx\"/> is not empty, adds dL/dx over the <paramref name=\"length\"/> valid input steps.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} g = _gradients;");
            w.Line($"int steps = {OutputLength}; // the valid output steps");
            w.Line($"{Span} dz = {CodeWriter.Slice("work", Layer.OutputGradient)}.Slice(0, {CodeWriter.Times("steps", Filters)}); // dL/dy on entry, dL/d(b + W column) after the activation's derivative");
            if (Conv.Activation != ActivationKind.Identity)
            {
                using (w.Block("for (int t = 0; t < steps; t++)"))
                {
                    w.Line($"{Span} dzt = dz.Slice({CodeWriter.Times("t", Filters)}, {Filters});");
                    w.Line($"{ReadOnlySpan} y = {CodeWriter.SliceAt("cache", Layer.Output, Filters, "t")};");
                    foreach (string line in ActivationCode.Backward(Conv.Activation, "y", "dzt", Filters))
                    {
                        w.Line(line);
                    }
                }
            }

            w.Line($"{ReadOnlySpan} columns = {CodeWriter.Slice("cache", Plan.Columns)}.Slice(0, {CodeWriter.Times("steps", Columns)});");
            w.Line("// Every output step at once: the bias sums the rows, the weight gets Σ_t dz_t column_t^T.");
            w.Line($"{MatrixKernels}.AddRowSums(dz, steps, {Param(Plan.Bias, "g")});");
            w.Line($"{MatrixKernels}.TransposeMultiplyAdd(dz, columns, {Param(Plan.Weight, "g")}, {Filters}, steps, {Columns});");
            using (w.Block("if (!dx.IsEmpty)"))
            {
                w.Line($"{Span} dcolumns = {CodeWriter.Slice("work", Plan.ColumnGradient)}.Slice(0, {CodeWriter.Times("steps", Columns)});");
                w.Line("dcolumns.Clear();");
                w.Line($"{MatrixKernels}.MultiplyAdd(dz, {Param(Plan.Weight)}, dcolumns, steps, {Filters}, {Columns}); // dL/d(column_t) = W^T dz_t");
                w.Line("// Each window's gradient back to the steps it was gathered from, output step after output step (the padding's zeros take none).");
                using (w.Block("for (int t = 0; t < steps; t++)"))
                {
                    using (w.Block($"for (int j = 0; j < {K}; j++)"))
                    {
                        w.Line($"int u = {WindowStart} + {taps};");
                        w.Line($"if ((uint)u < (uint)length) for (int c = 0; c < {In}; c++) dx[{CodeWriter.Times("u", In)} + c] += dcolumns[{CodeWriter.Times("t", Columns)} + c * {K} + j];");
                    }
                }
            }
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        string steps = $"conv{Layer.Index}Steps";
        w.Line($"int {steps} = {OutputLength}; // the valid output steps of the valid input steps");
        if (Filters == 1)
        {
            // One filter: a product with one column sums along rows in lanes, which Step's chain would not match; so one
            // step's product at a time, as Step runs it.
            w.Line($"// {Description}: each valid output step's window into the cache, then b + W window.");
            using (w.Block($"for (int t = 0; t < {steps}; t++)"))
            {
                w.Line($"{Span} column = {CodeWriter.SliceAt("cache", Plan.Columns, Columns, "t")};");
                w.Line($"{GatherMethod}({inputs}, length, {WindowStart}, column);");
                w.Line($"{StepMethod}(column, {CodeWriter.SliceAt("cache", Layer.Output, Filters, "t")});");
            }

            w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice({CodeWriter.Times(steps, Filters)}).Clear(); // output steps past the valid ones are zero");
            return;
        }

        w.Line($"// {Description}: each valid output step's window into the cache, then b + W window of every step at once, one matrix product.");
        using (w.Block())
        {
            w.Line($"{Span} y = {CodeWriter.Slice("cache", Layer.Output)};");
            using (w.Block($"for (int t = 0; t < {steps}; t++)"))
            {
                w.Line($"{GatherMethod}({inputs}, length, {WindowStart}, {CodeWriter.SliceAt("cache", Plan.Columns, Columns, "t")});");
                w.Line($"{Param(Plan.Bias, "_parameters.Span")}.CopyTo(y.Slice({CodeWriter.Times("t", Filters)}, {Filters}));");
            }

            w.Line($"{MatrixKernels}.MultiplyAdd({CodeWriter.Slice("cache", Plan.Columns)}.Slice(0, {CodeWriter.Times(steps, Columns)}), {CodeWriter.Slice("_packed.Span", Plan.PackedWeight)}, y.Slice(0, {CodeWriter.Times(steps, Filters)}), {steps}, {Columns}, {Filters}); // {Plan.Weight.Described}, transposed");
            string rowActivation = ActivationCode.Apply(Conv.Activation, $"y.Slice({CodeWriter.Times("t", Filters)}, {Filters})");
            if (rowActivation.Length > 0)
            {
                w.Line($"for (int t = 0; t < {steps}; t++) {rowActivation}");
            }
        }

        w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice({CodeWriter.Times(steps, Filters)}).Clear(); // output steps past the valid ones are zero");
    }

    /// <summary>Inside <c>PackWeights</c>: the weight transposed, as the sequence's product and Step read it.</summary>
    public override void EmitPack(CodeWriter w)
    {
        w.Line($"// {Description}: W^T [{Columns}, {Filters}].");
        w.Line($"{MatrixKernels}.Transpose({Param(Plan.Weight)}, {Filters}, {Columns}, {CodeWriter.Slice("packed", Plan.PackedWeight)});");
    }

    public override string EmitInferenceStep(CodeWriter w, string input, string state, string? destination)
    {
        if (Plan.StreamingUnsupported is not null)
        {
            throw new InvalidOperationException("Only a causal Conv1D streams; the model's Step throws before any layer runs.");
        }

        int kept = Conv.Span - 1;
        string window = $"window{Layer.Index}";
        string column = CodeWriter.Slice("scratch", Plan.ScratchColumn);
        string output = destination ?? CodeWriter.Slice("scratch", Plan.ScratchOutput);
        w.Line($"// {Description}: the last {kept} inputs and this one, oldest first; tap j reads row {(Conv.Dilation == 1 ? "j" : $"j * {Conv.Dilation}")}.");
        w.Line($"{Span} {window} = {CodeWriter.Slice(state, Plan.Window)};");
        w.Line($"{input}.CopyTo({window}.Slice({kept * In}, {In}));");
        w.Line($"{GatherMethod}({window}, {Conv.Span}, 0, {column});");
        w.Line($"{StepMethod}({column}, {output});");
        if (kept > 0)
        {
            w.Line($"{window}.Slice({In}, {kept * In}).CopyTo({window}); // drop the oldest input");
        }

        return output;
    }
}
