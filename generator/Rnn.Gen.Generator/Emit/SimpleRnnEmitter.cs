using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>Elman RNN as PyTorch's nn.RNN: h = act(W_ih x + b_ih + W_hh h_prev + b_hh), act = tanh or relu.</summary>
internal sealed class SimpleRnnEmitter : LayerEmitter
{
    public SimpleRnnEmitter(LayerPlan layer)
        : base(layer)
    {
    }

    private ActivationKind Activation => Layer.Spec.Activation;

    public override string Description => $"layer {Layer.Index}, Elman RNN ({Activation.ToString().ToLowerInvariant()}) {In} -> {H}{TrainingOptions}";

    public override void EmitMethods(CodeWriter w)
    {
        w.Summary($"One step of {Description}. <paramref name=\"pre\"/> must not alias <paramref name=\"hPrev\"/>; <paramref name=\"h\"/> may.");
        using (w.Block($"private void {StepMethod}({ReadOnlySpan} x, {ReadOnlySpan} hPrev, {Span} pre, {Span} h)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Param("bias_ih")}.CopyTo(pre);");
            w.Line($"{Kernels}.Add({Param("bias_hh")}, pre);");
            w.Line($"{Kernels}.MultiplyAdd({Param("weight_ih")}, x, pre); // {ParamComment("weight_ih")}");
            w.Line($"{Kernels}.MultiplyAdd({Param("weight_hh")}, hPrev, pre); // {ParamComment("weight_hh")}");
            w.Line(ApplyActivation(Activation, "pre"));
            w.Line("pre.CopyTo(h);");
        }

        w.Line();
        w.Summary($"Backward through time for {Description}: adds the parameter gradients and, when <paramref name=\"dx\"/> is not empty, writes dL/dx for every step.");
        using (w.Block($"private void {BackwardMethod}({ReadOnlySpan} xs, {Span} dx)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} g = _gradients;");
            w.Line($"{ReadOnlySpan} cache = _cache;");
            w.Line($"{Span} work = _work;");
            w.Line($"{Span} dOut = {CodeWriter.Slice("work", Layer.OutputGradient)}; // dL/dh_t from the layer above");
            w.Line($"{Span} dh = {CodeWriter.Slice("work", Layer.Work["dh"])}; // dL/dh_t, carried back through time");
            w.Line($"{Span} dPre = {CodeWriter.Slice("work", Layer.Work["dPre"])}; // dL/d(pre-activation)");
            w.Line("dh.Clear();");
            EmitInputDropoutBackwardStart(w);
            using (w.Block($"for (int t = {T - 1}; t >= 0; t--)"))
            {
                w.Line($"{Kernels}.Add(dOut.Slice(t * {H}, {H}), dh);");
                w.Line($"{ReadOnlySpan} h = {CodeWriter.SliceAt("cache", Layer.Output, H, "t")};");
                w.Line("dh.CopyTo(dPre);");
                foreach (string line in ActivationBackward(Activation, "h", "dPre", H))
                {
                    w.Line(line);
                }

                w.Line($"{Kernels}.Add(dPre, {Param("bias_ih", "g")});");
                w.Line($"{Kernels}.Add(dPre, {Param("bias_hh", "g")});");
                w.Line($"{Kernels}.OuterAdd(dPre, xs.Slice(t * {In}, {In}), {Param("weight_ih", "g")});");
                w.Line($"if (!dx.IsEmpty) {Kernels}.TransposeMultiplyAdd({Param("weight_ih")}, dPre, dx.Slice(t * {In}, {In}));");
                w.Line("dh.Clear();");
                EmitRecurrentBackward(w, "dPre", CodeWriter.SliceAt("cache", Layer.Output, H, "t - 1"));
            }

            EmitInputDropoutBackwardEnd(w);
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}, every step; backward needs only the hidden states.");
        inputs = EmitInputDropout(w, inputs);
        EmitRecurrentDropoutMask(w);
        using (w.Block($"for (int t = 0; t < {T}; t++)"))
        {
            w.Line($"{ReadOnlySpan} hPrev = t == 0 ? new {ReadOnlySpan}(s_zeros, 0, {H}) : {CodeWriter.SliceAt("cache", Layer.Output, H, "t - 1")};");
            string hRecurrent = EmitRecurrentInput(w, "hPrev");
            w.Line($"{Span} h = {CodeWriter.SliceAt("cache", Layer.Output, H, "t")};");
            w.Line($"{StepMethod}({inputs}.Slice(t * {In}, {In}), {hRecurrent}, h, h);");
        }
    }

    public override void EmitInferenceStep(CodeWriter w, string input, string state)
    {
        string h = CodeWriter.Slice(state, Layer.State["h"]);
        w.Line($"{StepMethod}({input}, {h}, {CodeWriter.Slice("scratch", Layer.Scratch["pre"])}, {h}); // {Description}");
    }

    public override string InferenceOutput(string state) => CodeWriter.Slice(state, Layer.State["h"]);
}
