using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// GRU as PyTorch's nn.GRU: gates r, z, n stacked in rows of W_ih [3H, I] and W_hh [3H, H], two biases, and the reset
/// gate applied to (W_hn h + b_hn): n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h = (1 - z) * n + z * h_prev.
/// </summary>
internal sealed class GruEmitter : LayerEmitter
{
    public GruEmitter(LayerPlan layer)
        : base(layer)
    {
    }

    public override string Description => $"layer {Layer.Index}, GRU {In} -> {H}{TrainingOptions}";

    public override void EmitMethods(CodeWriter w)
    {
        w.Summary($"One step of {Description}. <paramref name=\"gates\"/> receives r, z, n after their activations and <paramref name=\"hn\"/> W_hn h_prev + b_hn; <paramref name=\"hRecurrent\"/> is the h_prev that W_hh multiplies (h_prev itself, or masked by recurrent dropout); <paramref name=\"h\"/> may alias <paramref name=\"hPrev\"/>.");
        using (w.Block($"private void {StepMethod}({ReadOnlySpan} x, {ReadOnlySpan} hPrev, {ReadOnlySpan} hRecurrent, {Span} gates, {Span} hn, {Span} gatesHidden, {Span} h)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line("// Input and hidden contributions, rows r, z, n: W_ih x + b_ih and W_hh h_prev + b_hh.");
            w.Line($"{Param("bias_ih")}.CopyTo(gates);");
            w.Line($"{Kernels}.MultiplyAdd({Param("weight_ih")}, x, gates); // {ParamComment("weight_ih")}");
            w.Line($"{Param("bias_hh")}.CopyTo(gatesHidden);");
            w.Line($"{Kernels}.MultiplyAdd({Param("weight_hh")}, hRecurrent, gatesHidden); // {ParamComment("weight_hh")}");
            w.Line("// r and z: sigmoid of the sum of both contributions.");
            w.Line($"{Kernels}.Add(gatesHidden.Slice(0, {2 * H}), gates.Slice(0, {2 * H}));");
            w.Line($"{Kernels}.Sigmoid(gates.Slice(0, {2 * H}));");
            w.Line("// n = tanh(W_in x + b_in + r * (W_hn h_prev + b_hn)); hn keeps W_hn h_prev + b_hn for backward.");
            w.Line($"gatesHidden.Slice({2 * H}, {H}).CopyTo(hn);");
            using (w.Block($"for (int j = 0; j < {H}; j++)"))
            {
                w.Line($"gates[{2 * H} + j] += gates[j] * hn[j];");
            }

            w.Line($"{Kernels}.Tanh(gates.Slice({2 * H}, {H}));");
            w.Line("// h = (1 - z) * n + z * h_prev.");
            using (w.Block($"for (int j = 0; j < {H}; j++)"))
            {
                w.Line($"float z = gates[{H} + j];");
                w.Line($"h[j] = (1f - z) * gates[{2 * H} + j] + z * hPrev[j];");
            }
        }

        w.Line();
        Region gates = Layer.Cache["gates"], hn = Layer.Cache["hn"], output = Layer.Output;
        w.Summary($"Backward through time for {Description}: adds the parameter gradients and, when <paramref name=\"dx\"/> is not empty, writes dL/dx for every step.");
        using (w.Block($"private void {BackwardMethod}({ReadOnlySpan} xs, {Span} dx)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} g = _gradients;");
            w.Line($"{ReadOnlySpan} cache = _cache;");
            w.Line($"{Span} work = _work;");
            w.Line($"{Span} dOut = {CodeWriter.Slice("work", Layer.OutputGradient)}; // dL/dh_t from the layer above");
            w.Line($"{Span} dh = {CodeWriter.Slice("work", Layer.Work["dh"])}; // dL/dh_t, carried back through time");
            w.Line($"{Span} dGi = {CodeWriter.Slice("work", Layer.Work["dGatesInput"])}; // dL/d(W_ih x + b_ih), rows r, z, n");
            w.Line($"{Span} dGh = {CodeWriter.Slice("work", Layer.Work["dGatesHidden"])}; // dL/d(W_hh h + b_hh), rows r, z, n");
            w.Line("dh.Clear();");
            EmitInputDropoutBackwardStart(w);
            using (w.Block($"for (int t = {T - 1}; t >= 0; t--)"))
            {
                w.Line($"{Kernels}.Add(dOut.Slice(t * {H}, {H}), dh);");
                w.Line($"{ReadOnlySpan} gate = {CodeWriter.SliceAt("cache", gates, G, "t")};");
                w.Line($"{ReadOnlySpan} hnT = {CodeWriter.SliceAt("cache", hn, H, "t")};");
                w.Line($"{ReadOnlySpan} hPrev = t == 0 ? new {ReadOnlySpan}(s_zeros, 0, {H}) : {CodeWriter.SliceAt("cache", output, H, "t - 1")};");
                using (w.Block($"for (int j = 0; j < {H}; j++)"))
                {
                    w.Line($"float r = gate[j], z = gate[{H} + j], n = gate[{2 * H} + j];");
                    w.Line("float dn = dh[j] * (1f - z) * (1f - n * n);");
                    w.Line("float dr = dn * hnT[j] * r * (1f - r);");
                    w.Line("float dz = dh[j] * (hPrev[j] - n) * z * (1f - z);");
                    w.Line("dGi[j] = dr;");
                    w.Line($"dGi[{H} + j] = dz;");
                    w.Line($"dGi[{2 * H} + j] = dn;");
                    w.Line("dGh[j] = dr;");
                    w.Line($"dGh[{H} + j] = dz;");
                    w.Line($"dGh[{2 * H} + j] = dn * r;");
                    w.Line("dh[j] *= z; // the direct path to h_(t-1)");
                }

                w.Line($"{Kernels}.Add(dGi, {Param("bias_ih", "g")});");
                w.Line($"{Kernels}.Add(dGh, {Param("bias_hh", "g")});");
                w.Line($"{Kernels}.OuterAdd(dGi, xs.Slice(t * {In}, {In}), {Param("weight_ih", "g")});");
                w.Line($"if (!dx.IsEmpty) {Kernels}.TransposeMultiplyAdd({Param("weight_ih")}, dGi, dx.Slice(t * {In}, {In}));");
                EmitRecurrentBackward(w, "dGh", "hPrev");
            }

            EmitInputDropoutBackwardEnd(w);
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}, every step, keeping r, z, n and W_hn h + b_hn for backward.");
        inputs = EmitInputDropout(w, inputs);
        EmitRecurrentDropoutMask(w);
        using (w.Block($"for (int t = 0; t < {T}; t++)"))
        {
            w.Line($"{ReadOnlySpan} hPrev = t == 0 ? new {ReadOnlySpan}(s_zeros, 0, {H}) : {CodeWriter.SliceAt("cache", Layer.Output, H, "t - 1")};");
            string hRecurrent = EmitRecurrentInput(w, "hPrev");
            w.Line($"{StepMethod}({inputs}.Slice(t * {In}, {In}), hPrev, {hRecurrent}, {CodeWriter.SliceAt("cache", Layer.Cache["gates"], G, "t")}, {CodeWriter.SliceAt("cache", Layer.Cache["hn"], H, "t")}, {CodeWriter.Slice("scratch", Layer.Scratch["gatesHidden"])}, {CodeWriter.SliceAt("cache", Layer.Output, H, "t")});");
        }
    }

    public override void EmitInferenceStep(CodeWriter w, string input, string state)
    {
        string h = CodeWriter.Slice(state, Layer.State["h"]);
        w.Line($"{StepMethod}({input}, {h}, {h}, {CodeWriter.Slice("scratch", Layer.Scratch["gates"])}, {CodeWriter.Slice("scratch", Layer.Scratch["hn"])}, {CodeWriter.Slice("scratch", Layer.Scratch["gatesHidden"])}, {h}); // {Description}");
    }

    public override string InferenceOutput(string state) => CodeWriter.Slice(state, Layer.State["h"]);
}
