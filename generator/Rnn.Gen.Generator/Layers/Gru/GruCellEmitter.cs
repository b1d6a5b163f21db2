using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Layers.Recurrent;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Gru;

/// <summary>
/// One direction of a GRU: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h = (1 - z) * n + z * h_prev; the input and
/// hidden sides are kept apart, since the reset gate scales the hidden side's n rows.
/// </summary>
internal sealed partial class GruCellEmitter : CellEmitter
{
    public GruCellEmitter(LayerEmitter owner, GruPlan layer, GruDirection direction)
        : base(owner, layer, direction)
    {
        D = direction;

        // dL/dh_(t-1) starts with the direct path z * dh, so dh is not cleared before W_hh adds to it.
        Shape = new CellShape(
            PreActivation: direction.Gates,
            PreActivationBias: Param(direction.BiasIh),
            PreActivationBiasName: "b_ih",
            ProductTarget: "gatesHidden",
            ProductRows: (false, direction.ScratchHiddenSide, 0),
            ProductBias: Param(direction.BiasHh),
            InputGradientRows: "dGiAll",
            HiddenGradientRows: "dGhAll",
            HiddenSideGradients: direction.HiddenSideGradients,
            ClearsHiddenGradient: false,
            PackedBias: null);
    }

    /// <summary>The direction, with the GRU's regions.</summary>
    private GruDirection D { get; }

    public override string CellName => "GRU";

    public override CellShape Shape { get; }

    public override void EmitStepMethod(CodeWriter w)
    {
        w.Summary($"One streaming step of {DirectionName}: both contributions from x and h_prev, then the cell (n = tanh(W_in x + b_in + r * (W_hn h_prev + b_hn)), h = (1 - z) * n + z * h_prev); <paramref name=\"hn\"/> receives W_hn h_prev + b_hn. <paramref name=\"hRecurrent\"/> is the h_prev that W_hh multiplies (h_prev itself, or masked by recurrent dropout); <paramref name=\"h\"/> may alias <paramref name=\"hPrev\"/>.");
        using (w.Block($"private void {DirectionStep}({ReadOnlySpan} x, {ReadOnlySpan} hPrev, {ReadOnlySpan} hRecurrent, {Span} gates, {Span} hn, {Span} gatesHidden, {Span} h)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            if (!Int8)
            {
                w.Line($"{ReadOnlySpan} packed = _packed;");
            }

            w.Line($"// Input and hidden contributions, rows r, z, n: W_ih x + b_ih and W_hh h_prev + b_hh, {ProductsRead(packedBias: false)}.");
            if (Int8)
            {
                w.Line($"{Int8WeightsCode.AffinePair(Param(D.BiasIh), D.WeightIh, "x", "gates", Param(D.BiasHh), D.WeightHh, "hRecurrent", "gatesHidden")} // b_ih + {D.WeightIh.Described} x and b_hh + {D.WeightHh.Described} h_prev, int8, one pass");
            }
            else
            {
                w.Line($"{VectorKernels}.AffinePacked({Param(D.BiasIh)}, {Packed(D.PackedInputWeights)}, x, gates, {Gates}); // b_ih + {D.WeightIh.Described} x, transposed");
                w.Line($"{VectorKernels}.AffinePacked({Param(D.BiasHh)}, {Packed(D.PackedHiddenWeights)}, hRecurrent, gatesHidden, {Gates}); // b_hh + {D.WeightHh.Described} h_prev, transposed");
            }
            w.Line($"{InferenceCells}.GruCell(gates, gatesHidden, hPrev, hn, h); // r, z, n = tanh(x_n + r*hn){FastNote}; h = (1 - z)*n + z*h_prev");
        }
    }

    public override void EmitInferenceCall(CodeWriter w, string input, string state)
    {
        string h = CodeWriter.Slice(state, D.StateHidden);
        w.Line($"{DirectionStep}({input}, {h}, {h}, {CodeWriter.Slice("scratch", D.ScratchGates)}, {CodeWriter.Slice("scratch", D.ScratchHiddenCandidate)}, {CodeWriter.Slice("scratch", D.ScratchHiddenSide)}, {h}); // {Owner.Description}");
    }

    protected override void EmitBackwardLocals(CodeWriter w)
    {
        w.Line($"{Span} dGiAll = {CodeWriter.Slice("work", D.InputSideGradients)}; // dL/d(W_ih x + b_ih) of every step, rows r, z, n");
        w.Line($"{Span} dGhAll = {CodeWriter.Slice("work", D.HiddenSideGradients)}; // dL/d(W_hh h + b_hh) of every step, rows r, z, n");
    }

    protected override string EmitBackwardStep(CodeWriter w)
    {
        w.Line($"{Span} dGi = dGiAll.Slice({CodeWriter.Times("t", G)}, {G}), dGh = dGhAll.Slice({CodeWriter.Times("t", G)}, {G});");
        w.Line($"{ReadOnlySpan} gate = {CodeWriter.SliceAt("cache", D.Gates, G, "t")};");
        w.Line($"{ReadOnlySpan} hnT = {CodeWriter.SliceAt("cache", D.HiddenCandidate, H, "t")};");
        w.Line($"{ReadOnlySpan} hPrev = {PreviousHidden()};");
        w.Line($"{CellKernels}.GruCellBackward(gate, hnT, hPrev, dh, dGi, dGh); // both sides' gradients; dh keeps its direct path z*dh to h_({Previous})");
        return "dGh";
    }

    protected override void EmitCellUpdate(CodeWriter w)
    {
        EmitSequenceCell(w, $"GruCell({CodeWriter.SliceAt("cache", D.Gates, G, "t")}, gatesHidden, hPrev, {CodeWriter.SliceAt("cache", D.HiddenCandidate, H, "t")}, {CodeWriter.SliceAt("cache", D.Hidden, H, "t")})");
    }

    protected override bool EmitBatchCellUpdate(CodeWriter w, BatchLayout batch)
    {
        w.Line($"{CellKernels}.GruCellRows({BatchLayout.StepRows("caches", D.Gates, G)}, {BatchLayout.StepRows("scratches", D.ScratchHiddenSide)}, {batch.Scratch}, {IsFirst} ? {Initial(D.InitialHidden)} : {BatchLayout.StepRows("caches", D.Hidden, H, Previous)}, {IsFirst} ? 0 : {batch.Cache}, "
            + $"{BatchLayout.StepRows("caches", D.HiddenCandidate, H)}, {BatchLayout.StepRows("caches", D.Hidden, H)}, {batch.Cache}, rows, {H}); // every running sample's cell: n = tanh(x_n + r*hn), h = (1 - z)*n + z*h_prev");
        return true;
    }

    protected override bool EmitBatchBackwardStep(CodeWriter w, BatchLayout batch)
    {
        w.Line($"{CellKernels}.GruCellBackwardRows({BatchLayout.StepRows("caches", D.Gates, G)}, {BatchLayout.StepRows("caches", D.HiddenCandidate, H)}, {IsFirst} ? {Initial(D.InitialHidden)} : {BatchLayout.StepRows("caches", D.Hidden, H, Previous)}, {IsFirst} ? 0 : {batch.Cache}, {batch.Cache}, "
            + $"{BatchLayout.StepRows("works", D.HiddenGradient, H)}, {BatchLayout.StepRows("works", D.CarriedHiddenGradient)}, {BatchLayout.StepRows("works", D.InputSideGradients, G)}, {BatchLayout.StepRows("works", D.HiddenSideGradients, G)}, {batch.Work}, rows, {H}); "
            + "// every running sample: dh += dL/dh_t from above, both sides' gradients, dh keeps its direct path z*dh");
        return true;
    }
}
