using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// GRU as PyTorch's nn.GRU: gates r, z, n stacked in rows of W_ih [3H, I] and W_hh [3H, H], two biases, and the reset
/// gate applied to (W_hn h + b_hn): n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h = (1 - z) * n + z * h_prev.
/// </summary>
internal sealed class GruEmitter : RecurrentEmitter
{
    public GruEmitter(LayerPlan layer)
        : base(layer)
    {
    }

    protected override string CellName => "GRU";

    /// <summary>dL/dh_(t-1) starts with the direct path z * dh, so dh is not cleared before W_hh adds to it.</summary>
    protected override bool ClearsHiddenGradient => false;

    protected override string PreActivationRegion => "gates";

    protected override string PreActivationBias => Param("bias_ih");

    protected override string PreActivationBiasName => "b_ih";

    protected override string InputGradientRows => "dGiAll";

    protected override string HiddenGradientRows => "dGhAll";

    protected override void EmitStepMethod(CodeWriter w)
    {
        w.Summary($"One streaming step of {DirectionName}: both contributions from x and h_prev, then the cell (n = tanh(W_in x + b_in + r * (W_hn h_prev + b_hn)), h = (1 - z) * n + z * h_prev); <paramref name=\"hn\"/> receives W_hn h_prev + b_hn. <paramref name=\"hRecurrent\"/> is the h_prev that W_hh multiplies (h_prev itself, or masked by recurrent dropout); <paramref name=\"h\"/> may alias <paramref name=\"hPrev\"/>.");
        using (w.Block($"private void {DirectionStep}({ReadOnlySpan} x, {ReadOnlySpan} hPrev, {ReadOnlySpan} hRecurrent, {Span} gates, {Span} hn, {Span} gatesHidden, {Span} h)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{ReadOnlySpan} packed = _packed;");
            w.Line("// Input and hidden contributions, rows r, z, n: W_ih x + b_ih and W_hh h_prev + b_hh, on the packed weights.");
            w.Line($"{Kernels}.AffinePacked({Param("bias_ih")}, {Packed("wihT")}, x, gates, {Gates}); // b_ih + {ParamComment("weight_ih")} x, transposed");
            w.Line($"{Kernels}.AffinePacked({Param("bias_hh")}, {Packed("whhT")}, hRecurrent, gatesHidden, {Gates}); // b_hh + {ParamComment("weight_hh")} h_prev, transposed");
            w.Line($"{Cells}.GruCell(gates, gatesHidden, hPrev, hn, h); // r, z, n = tanh(x_n + r*hn); h = (1 - z)*n + z*h_prev");
        }
    }

    protected override void EmitBackwardLocals(CodeWriter w)
    {
        w.Line($"{Span} dGiAll = {CodeWriter.Slice("work", Dir.Work["dGatesInput"])}; // dL/d(W_ih x + b_ih) of every step, rows r, z, n");
        w.Line($"{Span} dGhAll = {CodeWriter.Slice("work", Dir.Work["dGatesHidden"])}; // dL/d(W_hh h + b_hh) of every step, rows r, z, n");
    }

    protected override string EmitBackwardStep(CodeWriter w)
    {
        w.Line($"{Span} dGi = dGiAll.Slice(t * {G}, {G}), dGh = dGhAll.Slice(t * {G}, {G});");
        w.Line($"{ReadOnlySpan} gate = {CodeWriter.SliceAt("cache", Dir.Cache["gates"], G, "t")};");
        w.Line($"{ReadOnlySpan} hnT = {CodeWriter.SliceAt("cache", Dir.Cache["hn"], H, "t")};");
        w.Line($"{ReadOnlySpan} hPrev = {PreviousHidden()};");
        w.Line($"{Cells}.GruCellBackward(gate, hnT, hPrev, dh, dGi, dGh); // both sides' gradients; dh keeps its direct path z*dh to h_({Previous})");
        return "dGh";
    }

    protected override string ProductTarget => "gatesHidden";

    protected override (string Buffer, Region Region, long RowStep) ProductRows => ("scratch", Dir.Scratch["gatesHidden"], 0);

    protected override string HiddenGradientRegion => "dGatesHidden";

    protected override string? ProductBias => Param("bias_hh");

    protected override bool EmitBatchCellUpdate(CodeWriter w, BatchLayout batch)
    {
        (_, Region gatesHidden, _) = ProductRows;
        w.Line($"{Cells}.GruCellRows({StepRows("caches", Dir.Cache["gates"], G)}, {StepRows("scratches", gatesHidden)}, {batch.Scratch}, {IsFirst} ? {Initial("initialH")} : {StepRows("caches", Dir.Cache["h"], H, Previous)}, {IsFirst} ? 0 : {batch.Cache}, "
            + $"{StepRows("caches", Dir.Cache["hn"], H)}, {StepRows("caches", Dir.Cache["h"], H)}, {batch.Cache}, rows, {H}); // every running sample's cell: n = tanh(x_n + r*hn), h = (1 - z)*n + z*h_prev");
        return true;
    }

    protected override bool EmitBatchBackwardStep(CodeWriter w, BatchLayout batch)
    {
        w.Line($"{Cells}.GruCellBackwardRows({StepRows("caches", Dir.Cache["gates"], G)}, {StepRows("caches", Dir.Cache["hn"], H)}, {IsFirst} ? {Initial("initialH")} : {StepRows("caches", Dir.Cache["h"], H, Previous)}, {IsFirst} ? 0 : {batch.Cache}, {batch.Cache}, "
            + $"{StepRows("works", Dir.Work["dH"], H)}, {StepRows("works", Dir.Work["dh"])}, {StepRows("works", Dir.Work["dGatesInput"], G)}, {StepRows("works", Dir.Work["dGatesHidden"], G)}, {batch.Work}, rows, {H}); "
            + "// every running sample: dh += dL/dh_t from above, both sides' gradients, dh keeps its direct path z*dh");
        return true;
    }

    protected override void EmitCellUpdate(CodeWriter w)
    {
        w.Line($"{Cells}.GruCell({CodeWriter.SliceAt("cache", Dir.Cache["gates"], G, "t")}, gatesHidden, hPrev, {CodeWriter.SliceAt("cache", Dir.Cache["hn"], H, "t")}, {CodeWriter.SliceAt("cache", Dir.Cache["h"], H, "t")});");
    }

    protected override void EmitInferenceCall(CodeWriter w, string input, string state)
    {
        string h = CodeWriter.Slice(state, Dir.State["h"]);
        w.Line($"{DirectionStep}({input}, {h}, {h}, {CodeWriter.Slice("scratch", Dir.Scratch["gates"])}, {CodeWriter.Slice("scratch", Dir.Scratch["hn"])}, {CodeWriter.Slice("scratch", Dir.Scratch["gatesHidden"])}, {h}); // {Description}");
    }
}
