using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Layers.Recurrent;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.SimpleRnn;

/// <summary>One direction of an Elman RNN as PyTorch's nn.RNN: h = act(W_ih x + b_ih + W_hh h_prev + b_hh), act = tanh or relu.</summary>
internal sealed partial class SimpleRnnCellEmitter : CellEmitter
{
    public SimpleRnnCellEmitter(LayerEmitter owner, SimpleRnnPlan layer, SimpleRnnDirection direction)
        : base(owner, layer, direction)
    {
        D = direction;
        Activation = layer.Activation;

        // The hidden rows hold the pre-activations until the activation is applied in place.
        Shape = new CellShape(
            PreActivation: direction.Hidden,
            PreActivationBias: Packed(direction.PackedBias),
            PreActivationBiasName: "b_ih + b_hh",
            ProductTarget: "h",
            ProductRows: (true, direction.Hidden, H),
            ProductBias: null,
            InputGradientRows: "dPreAll",
            HiddenGradientRows: "dPreAll",
            HiddenSideGradients: direction.PreActivationGradients,
            ClearsHiddenGradient: true,
            PackedBias: direction.PackedBias,
            ForwardNote: "; backward needs only the hidden states");
    }

    /// <summary>The direction, with the Elman cell's regions.</summary>
    private SimpleRnnDirection D { get; }

    private ActivationKind Activation { get; }

    public override string CellName => $"Elman RNN ({Activation.ToString().ToLowerInvariant()})";

    public override CellShape Shape { get; }

    public override void EmitStepMethod(CodeWriter w)
    {
        w.Summary($"One step of {DirectionName}. <paramref name=\"pre\"/> must not alias <paramref name=\"hPrev\"/>; <paramref name=\"h\"/> may.");
        using (w.Block($"private void {DirectionStep}({ReadOnlySpan} x, {ReadOnlySpan} hPrev, {Span} pre, {Span} h)"))
        {
            w.Line($"{ReadOnlySpan} packed = _packed;");
            w.Line($"// b_ih + b_hh + W_ih x + W_hh h_prev, {ProductsRead(packedBias: true)}.");
            if (Int8)
            {
                w.Line($"{Int8WeightsCode.AffineSum(Packed(D.PackedBias), D.WeightIh, "x", D.WeightHh, "hPrev", "pre")} // b_ih + b_hh + {D.WeightIh.Described} x + {D.WeightHh.Described} h_prev, int8, one pass");
            }
            else
            {
                w.Line($"{VectorKernels}.AffinePacked({Packed(D.PackedBias)}, {Packed(D.PackedInputWeights)}, x, pre, 1); // b_ih + b_hh + {D.WeightIh.Described} x, transposed");
                w.Line($"{VectorKernels}.MultiplyAddPacked({Packed(D.PackedHiddenWeights)}, hPrev, pre); // + {D.WeightHh.Described} h_prev, transposed");
            }
            w.Line(ActivationCode.Apply(Activation, "pre"));
            w.Line("pre.CopyTo(h);");
        }
    }

    public override void EmitInferenceCall(CodeWriter w, string input, string state)
    {
        string h = CodeWriter.Slice(state, D.StateHidden);
        w.Line($"{DirectionStep}({input}, {h}, {CodeWriter.Slice("scratch", D.ScratchPreActivation)}, {h}); // {Owner.Description}");
    }

    protected override void EmitBackwardLocals(CodeWriter w)
    {
        w.Line($"{Span} dPreAll = {CodeWriter.Slice("work", D.PreActivationGradients)}; // dL/d(pre-activation) of every step");
    }

    protected override string EmitBackwardStep(CodeWriter w)
    {
        w.Line($"{Span} dPre = dPreAll.Slice({CodeWriter.Times("t", H)}, {H});");
        w.Line($"{ReadOnlySpan} h = {CodeWriter.SliceAt("cache", D.Hidden, H, "t")};");
        w.Line("dh.CopyTo(dPre);");
        foreach (string line in ActivationCode.Backward(Activation, "h", "dPre", H))
        {
            w.Line(line);
        }

        return "dPre";
    }

    protected override void EmitCellUpdate(CodeWriter w)
    {
        w.Line(ActivationCode.Apply(Activation, "h") + " // h held b_ih + b_hh + W_ih x_t + W_hh h_(t - 1)");
    }
}
