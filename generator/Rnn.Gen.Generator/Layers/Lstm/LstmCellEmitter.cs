using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Layers.Recurrent;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Lstm;

/// <summary>One direction of an LSTM: c = f*c_prev + i*g, h = o*tanh(c), gates i, f, g, o.</summary>
internal sealed partial class LstmCellEmitter : CellEmitter
{
    public LstmCellEmitter(LayerEmitter owner, LstmPlan layer, LstmDirection direction)
        : base(owner, layer, direction)
    {
        D = direction;
        Shape = new CellShape(
            PreActivation: direction.Gates,
            PreActivationBias: Packed(direction.PackedBias),
            PreActivationBiasName: "b_ih + b_hh",
            ProductTarget: "gates",
            ProductRows: (true, direction.Gates, G),
            ProductBias: null,
            InputGradientRows: "dGatesAll",
            HiddenGradientRows: "dGatesAll",
            HiddenSideGradients: direction.GateGradients,
            ClearsHiddenGradient: true,
            PackedBias: direction.PackedBias);
    }

    /// <summary>The direction, with the LSTM's regions.</summary>
    private LstmDirection D { get; }

    public override string CellName => "LSTM";

    public override CellShape Shape { get; }

    /// <summary>The cell state before step t: the start state at the direction's first step, else c_(t-1) in <paramref name="buffer"/>.</summary>
    private string PreviousCell(string buffer = "cache") => $"{IsFirst} ? {Initial(D.InitialCellState)} : {CodeWriter.SliceAt(buffer, D.CellState, H, Previous)}";

    public override void EmitStepMethod(CodeWriter w)
    {
        w.Summary($"One streaming step of {DirectionName}: the gates from x and h_prev, then the cell (c = f*c_prev + i*g, h = o*tanh(c)). <paramref name=\"c\"/> may alias <paramref name=\"cPrev\"/> and <paramref name=\"h\"/> may alias <paramref name=\"hPrev\"/>.");
        using (w.Block($"private void {DirectionStep}({ReadOnlySpan} x, {ReadOnlySpan} hPrev, {ReadOnlySpan} cPrev, {Span} gates, {Span} c, {Span} tanhC, {Span} h)"))
        {
            w.Line($"{ReadOnlySpan} packed = _packed;");
            w.Line($"// Pre-activations of the four gates, rows i, f, g, o: b_ih + b_hh + W_ih x + W_hh h_prev, {ProductsRead(packedBias: true)}.");
            if (Int8)
            {
                w.Line($"{Int8WeightsCode.AffineSum(Packed(D.PackedBias), D.WeightIh, "x", D.WeightHh, "hPrev", "gates")} // b_ih + b_hh + {D.WeightIh.Described} x + {D.WeightHh.Described} h_prev, int8, one pass");
            }
            else
            {
                w.Line($"{VectorKernels}.AffinePacked({Packed(D.PackedBias)}, {Packed(D.PackedInputWeights)}, x, gates, {Gates}); // b_ih + b_hh + {D.WeightIh.Described} x, transposed");
                w.Line($"{VectorKernels}.MultiplyAddPacked({Packed(D.PackedHiddenWeights)}, hPrev, gates, {Gates}); // + {D.WeightHh.Described} h_prev, transposed");
            }
            w.Line($"{InferenceCells}.LstmCell(gates, cPrev, c, tanhC, h); // i, f, g, o activated{FastNote}; c = f*c_prev + i*g; h = o*tanh(c)");
        }
    }

    public override void EmitInferenceCall(CodeWriter w, string input, string state)
    {
        string h = CodeWriter.Slice(state, D.StateHidden), c = CodeWriter.Slice(state, D.StateCell);
        w.Line($"{DirectionStep}({input}, {h}, {c}, {CodeWriter.Slice("scratch", D.ScratchGates)}, {c}, {CodeWriter.Slice("scratch", D.ScratchTanhCellState)}, {h}); // {Owner.Description}");
    }

    protected override void EmitBackwardLocals(CodeWriter w)
    {
        w.Line($"{Span} dc = {CodeWriter.Slice("work", D.CellStateGradient)}; // dL/dc_t, carried back through time");
        w.Line($"{Span} dGatesAll = {CodeWriter.Slice("work", D.GateGradients)}; // dL/d(pre-activation) of every step, rows i, f, g, o");
    }

    protected override void EmitBackwardStart(CodeWriter w)
    {
        if (Layer.Partner is LstmPlan decoder && !Layer.InDecoder)
        {
            var start = (LstmDirection)decoder.Forward;
            string gradient = start.CellStateGradient.Length == H ? CodeWriter.Slice("work", start.CellStateGradient) : $"{CodeWriter.Slice("work", start.CellStateGradient)}.Slice({Direction.FinalStateOffset}, {H})";
            w.Line($"{gradient}.CopyTo(dc); // the final cell state's gradient, from the decoder's start");
        }
        else
        {
            w.Line("dc.Clear();");
        }
    }

    protected override string EmitBackwardStep(CodeWriter w)
    {
        w.Line($"{Span} dGates = dGatesAll.Slice({CodeWriter.Times("t", G)}, {G});");
        w.Line($"{ReadOnlySpan} gate = {CodeWriter.SliceAt("cache", D.Gates, G, "t")};");
        w.Line($"{ReadOnlySpan} tanhC = {CodeWriter.SliceAt("cache", D.TanhCellState, H, "t")};");
        w.Line($"{ReadOnlySpan} cPrev = {PreviousCell()};");
        w.Line($"{CellKernels}.LstmCellBackward(gate, tanhC, cPrev, dh, dc, dGates); // dGates from dh and dc; dc becomes dL/dc_({Previous})");
        return "dGates";
    }

    protected override void EmitCellUpdate(CodeWriter w)
    {
        w.Line($"{ReadOnlySpan} cPrev = {PreviousCell()};");
        EmitSequenceCell(w, $"LstmCell(gates, cPrev, {CodeWriter.SliceAt("cache", D.CellState, H, "t")}, {CodeWriter.SliceAt("cache", D.TanhCellState, H, "t")}, {CodeWriter.SliceAt("cache", D.Hidden, H, "t")})");
    }

    protected override bool EmitBatchCellUpdate(CodeWriter w, BatchLayout batch)
    {
        w.Line($"{CellKernels}.LstmCellRows({BatchLayout.StepRows("caches", D.Gates, G)}, {IsFirst} ? {Initial(D.InitialCellState)} : {BatchLayout.StepRows("caches", D.CellState, H, Previous)}, {IsFirst} ? 0 : {batch.Cache}, "
            + $"{BatchLayout.StepRows("caches", D.CellState, H)}, {BatchLayout.StepRows("caches", D.TanhCellState, H)}, {BatchLayout.StepRows("caches", D.Hidden, H)}, {batch.Cache}, rows, {H}); // every running sample's cell: c = f*c_prev + i*g, h = o*tanh(c)");
        return true;
    }

    protected override bool EmitBatchBackwardStep(CodeWriter w, BatchLayout batch)
    {
        w.Line($"{CellKernels}.LstmCellBackwardRows({BatchLayout.StepRows("caches", D.Gates, G)}, {BatchLayout.StepRows("caches", D.TanhCellState, H)}, {IsFirst} ? {Initial(D.InitialCellState)} : {BatchLayout.StepRows("caches", D.CellState, H, Previous)}, {IsFirst} ? 0 : {batch.Cache}, {batch.Cache}, "
            + $"{BatchLayout.StepRows("works", D.HiddenGradient, H)}, {BatchLayout.StepRows("works", D.CarriedHiddenGradient)}, {BatchLayout.StepRows("works", D.CellStateGradient)}, {BatchLayout.StepRows("works", D.GateGradients, G)}, {batch.Work}, rows, {H}); "
            + "// every running sample: dh += dL/dh_t from above, dGates and dL/dc_(t - 1) from dh and dc, dh = 0");
        return true;
    }
}
