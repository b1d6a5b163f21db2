using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>Elman RNN as PyTorch's nn.RNN: h = act(W_ih x + b_ih + W_hh h_prev + b_hh), act = tanh or relu.</summary>
internal sealed class SimpleRnnEmitter : RecurrentEmitter
{
    public SimpleRnnEmitter(LayerPlan layer)
        : base(layer)
    {
    }

    private ActivationKind Activation => Layer.Spec.Activation;

    protected override string CellName => $"Elman RNN ({Activation.ToString().ToLowerInvariant()})";

    protected override string PreActivationRegion => "h";

    protected override string InputGradientRows => "dPreAll";

    protected override void EmitStepMethod(CodeWriter w)
    {
        w.Summary($"One step of {DirectionName}. <paramref name=\"pre\"/> must not alias <paramref name=\"hPrev\"/>; <paramref name=\"h\"/> may.");
        using (w.Block($"private void {DirectionStep}({ReadOnlySpan} x, {ReadOnlySpan} hPrev, {Span} pre, {Span} h)"))
        {
            w.Line($"{ReadOnlySpan} packed = _packed;");
            w.Line("// b_ih + b_hh + W_ih x + W_hh h_prev, on the packed weights.");
            w.Line($"{Kernels}.AffinePacked({Packed("bias")}, {Packed("wihT")}, x, pre, 1); // b_ih + b_hh + {ParamComment("weight_ih")} x, transposed");
            w.Line($"{Kernels}.MultiplyAddPacked({Packed("whhT")}, hPrev, pre); // + {ParamComment("weight_hh")} h_prev, transposed");
            w.Line(ApplyActivation(Activation, "pre"));
            w.Line("pre.CopyTo(h);");
        }
    }

    protected override void EmitBackwardLocals(CodeWriter w)
    {
        w.Line($"{Span} dPreAll = {CodeWriter.Slice("work", Dir.Work["dPre"])}; // dL/d(pre-activation) of every step");
    }

    protected override string EmitBackwardStep(CodeWriter w)
    {
        w.Line($"{Span} dPre = dPreAll.Slice(t * {H}, {H});");
        w.Line($"{ReadOnlySpan} h = {CodeWriter.SliceAt("cache", Dir.Cache["h"], H, "t")};");
        w.Line("dh.CopyTo(dPre);");
        foreach (string line in ActivationBackward(Activation, "h", "dPre", H))
        {
            w.Line(line);
        }

        return "dPre";
    }

    protected override string ProductTarget => "h";

    protected override (string Buffer, Region Region, long RowStep) ProductRows => ("cache", Dir.Cache["h"], H);

    protected override string HiddenGradientRegion => "dPre";

    protected override void EmitCellUpdate(CodeWriter w)
    {
        w.Line(ApplyActivation(Activation, "h") + " // h held b_ih + b_hh + W_ih x_t + W_hh h_(t - 1)");
    }

    protected override void EmitInferenceCall(CodeWriter w, string input, string state)
    {
        string h = CodeWriter.Slice(state, Dir.State["h"]);
        w.Line($"{DirectionStep}({input}, {h}, {CodeWriter.Slice("scratch", Dir.Scratch["pre"])}, {h}); // {Description}");
    }
}
