using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>LSTM as PyTorch's nn.LSTM: gates i, f, g, o stacked in rows of W_ih [4H, I] and W_hh [4H, H], two biases.</summary>
internal sealed class LstmEmitter : RecurrentEmitter
{
    public LstmEmitter(LayerPlan layer)
        : base(layer)
    {
    }

    protected override string CellName => "LSTM";

    protected override string PreActivationRegion => "gates";

    protected override string InputGradientRows => "dGatesAll";

    protected override void EmitStepMethod(CodeWriter w)
    {
        w.Summary($"One streaming step of {DirectionName}: the gates from x and h_prev, then the cell (c = f*c_prev + i*g, h = o*tanh(c)). <paramref name=\"c\"/> may alias <paramref name=\"cPrev\"/> and <paramref name=\"h\"/> may alias <paramref name=\"hPrev\"/>.");
        using (w.Block($"private void {DirectionStep}({ReadOnlySpan} x, {ReadOnlySpan} hPrev, {ReadOnlySpan} cPrev, {Span} gates, {Span} c, {Span} tanhC, {Span} h)"))
        {
            w.Line($"{ReadOnlySpan} packed = _packed;");
            w.Line("// Pre-activations of the four gates, rows i, f, g, o: b_ih + b_hh + W_ih x + W_hh h_prev, on the packed weights.");
            w.Line($"{Kernels}.AffinePacked({Packed("bias")}, {Packed("wihT")}, x, gates, {Gates}); // b_ih + b_hh + {ParamComment("weight_ih")} x, transposed");
            w.Line($"{Kernels}.MultiplyAddPacked({Packed("whhT")}, hPrev, gates, {Gates}); // + {ParamComment("weight_hh")} h_prev, transposed");
            w.Line($"{Cells}.LstmCell(gates, cPrev, c, tanhC, h); // i, f, g, o activated; c = f*c_prev + i*g; h = o*tanh(c)");
        }
    }

    protected override void EmitBackwardLocals(CodeWriter w)
    {
        w.Line($"{Span} dc = {CodeWriter.Slice("work", Dir.Work["dc"])}; // dL/dc_t, carried back through time");
        w.Line($"{Span} dGatesAll = {CodeWriter.Slice("work", Dir.Work["dGates"])}; // dL/d(pre-activation) of every step, rows i, f, g, o");
    }

    protected override void EmitBackwardStart(CodeWriter w)
    {
        if (Layer.Partner is { } decoder && !Layer.InDecoder)
        {
            w.Line($"{CodeWriter.Slice("work", decoder.Directions[0].Work["dc"])}.CopyTo(dc); // the final cell state's gradient, from the decoder's start");
        }
        else
        {
            w.Line("dc.Clear();");
        }
    }

    protected override string EmitBackwardStep(CodeWriter w)
    {
        w.Line($"{Span} dGates = dGatesAll.Slice(t * {G}, {G});");
        w.Line($"{ReadOnlySpan} gate = {CodeWriter.SliceAt("cache", Dir.Cache["gates"], G, "t")};");
        w.Line($"{ReadOnlySpan} tanhC = {CodeWriter.SliceAt("cache", Dir.Cache["tanhC"], H, "t")};");
        w.Line($"{ReadOnlySpan} cPrev = {IsFirst} ? {Initial("initialC")} : {CodeWriter.SliceAt("cache", Dir.Cache["c"], H, Previous)};");
        w.Line($"{Cells}.LstmCellBackward(gate, tanhC, cPrev, dh, dc, dGates); // dGates from dh and dc; dc becomes dL/dc_({Previous})");
        return "dGates";
    }

    protected override string ProductTarget => "gates";

    protected override (string Buffer, Region Region, long RowStep) ProductRows => ("cache", Dir.Cache["gates"], G);

    protected override string HiddenGradientRegion => "dGates";

    protected override void EmitCellUpdate(CodeWriter w)
    {
        w.Line($"{ReadOnlySpan} cPrev = {IsFirst} ? {Initial("initialC")} : {CodeWriter.SliceAt("cache", Dir.Cache["c"], H, Previous)};");
        w.Line($"{Cells}.LstmCell(gates, cPrev, {CodeWriter.SliceAt("cache", Dir.Cache["c"], H, "t")}, {CodeWriter.SliceAt("cache", Dir.Cache["tanhC"], H, "t")}, {CodeWriter.SliceAt("cache", Dir.Cache["h"], H, "t")});");
    }

    protected override bool EmitBatchCellUpdate(CodeWriter w, BatchLayout batch)
    {
        w.Line($"{Cells}.LstmCellRows({StepRows("caches", Dir.Cache["gates"], G)}, {IsFirst} ? {Initial("initialC")} : {StepRows("caches", Dir.Cache["c"], H, Previous)}, {IsFirst} ? 0 : {batch.Cache}, "
            + $"{StepRows("caches", Dir.Cache["c"], H)}, {StepRows("caches", Dir.Cache["tanhC"], H)}, {StepRows("caches", Dir.Cache["h"], H)}, {batch.Cache}, rows, {H}); // every running sample's cell: c = f*c_prev + i*g, h = o*tanh(c)");
        return true;
    }

    protected override bool EmitBatchBackwardStep(CodeWriter w, BatchLayout batch)
    {
        w.Line($"{Cells}.LstmCellBackwardRows({StepRows("caches", Dir.Cache["gates"], G)}, {StepRows("caches", Dir.Cache["tanhC"], H)}, {IsFirst} ? {Initial("initialC")} : {StepRows("caches", Dir.Cache["c"], H, Previous)}, {IsFirst} ? 0 : {batch.Cache}, {batch.Cache}, "
            + $"{StepRows("works", Dir.Work["dH"], H)}, {StepRows("works", Dir.Work["dh"])}, {StepRows("works", Dir.Work["dc"])}, {StepRows("works", Dir.Work["dGates"], G)}, {batch.Work}, rows, {H}); "
            + "// every running sample: dh += dL/dh_t from above, dGates and dL/dc_(t - 1) from dh and dc, dh = 0");
        return true;
    }

    protected override void EmitInferenceCall(CodeWriter w, string input, string state)
    {
        string h = CodeWriter.Slice(state, Dir.State["h"]), c = CodeWriter.Slice(state, Dir.State["c"]);
        w.Line($"{DirectionStep}({input}, {h}, {c}, {CodeWriter.Slice("scratch", Dir.Scratch["gates"])}, {c}, {CodeWriter.Slice("scratch", Dir.Scratch["tanhC"])}, {h}); // {Description}");
    }
}
