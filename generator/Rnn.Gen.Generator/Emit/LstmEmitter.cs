using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>LSTM as PyTorch's nn.LSTM: gates i, f, g, o stacked in rows of W_ih [4H, I] and W_hh [4H, H], two biases.</summary>
internal sealed class LstmEmitter : LayerEmitter
{
    public LstmEmitter(LayerPlan layer)
        : base(layer)
    {
    }

    public override string Description => $"layer {Layer.Index}, LSTM {In} -> {H}{TrainingOptions}";

    public override void EmitMethods(CodeWriter w)
    {
        w.Summary($"One step of {Description}: gates from x and h_prev, then c = f*c_prev + i*g and h = o*tanh(c). <paramref name=\"c\"/> may alias <paramref name=\"cPrev\"/> and <paramref name=\"h\"/> may alias <paramref name=\"hPrev\"/>.");
        using (w.Block($"private void {StepMethod}({ReadOnlySpan} x, {ReadOnlySpan} hPrev, {ReadOnlySpan} cPrev, {Span} gates, {Span} c, {Span} tanhC, {Span} h)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line("// Pre-activations of the four gates, rows i, f, g, o: b_ih + b_hh + W_ih x + W_hh h_prev.");
            w.Line($"{Param("bias_ih")}.CopyTo(gates);");
            w.Line($"{Kernels}.Add({Param("bias_hh")}, gates);");
            w.Line($"{Kernels}.MultiplyAdd({Param("weight_ih")}, x, gates); // {ParamComment("weight_ih")}");
            w.Line($"{Kernels}.MultiplyAdd({Param("weight_hh")}, hPrev, gates); // {ParamComment("weight_hh")}");
            w.Line("// i and f are sigmoids, g is a tanh, o is a sigmoid.");
            w.Line($"{Kernels}.Sigmoid(gates.Slice(0, {2 * H}));");
            w.Line($"{Kernels}.Tanh(gates.Slice({2 * H}, {H}));");
            w.Line($"{Kernels}.Sigmoid(gates.Slice({3 * H}, {H}));");
            w.Line("// The cell and hidden state.");
            using (w.Block($"for (int j = 0; j < {H}; j++)"))
            {
                w.Line($"c[j] = gates[{H} + j] * cPrev[j] + gates[j] * gates[{2 * H} + j];");
            }

            w.Line("c.CopyTo(tanhC);");
            w.Line($"{Kernels}.Tanh(tanhC);");
            using (w.Block($"for (int j = 0; j < {H}; j++)"))
            {
                w.Line($"h[j] = gates[{3 * H} + j] * tanhC[j];");
            }
        }

        w.Line();
        Region gates = Layer.Cache["gates"], c = Layer.Cache["c"], tanhC = Layer.Cache["tanhC"], output = Layer.Output;
        w.Summary($"Backward through time for {Description}: adds the parameter gradients and, when <paramref name=\"dx\"/> is not empty, writes dL/dx for every step.");
        using (w.Block($"private void {BackwardMethod}({ReadOnlySpan} xs, {Span} dx)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} g = _gradients;");
            w.Line($"{ReadOnlySpan} cache = _cache;");
            w.Line($"{Span} work = _work;");
            w.Line($"{Span} dOut = {CodeWriter.Slice("work", Layer.OutputGradient)}; // dL/dh_t from the layer above");
            w.Line($"{Span} dh = {CodeWriter.Slice("work", Layer.Work["dh"])}; // dL/dh_t, carried back through time");
            w.Line($"{Span} dc = {CodeWriter.Slice("work", Layer.Work["dc"])}; // dL/dc_t, carried back through time");
            w.Line($"{Span} dGates = {CodeWriter.Slice("work", Layer.Work["dGates"])}; // dL/d(pre-activation), rows i, f, g, o");
            w.Line("dh.Clear();");
            w.Line("dc.Clear();");
            EmitInputDropoutBackwardStart(w);
            using (w.Block($"for (int t = {T - 1}; t >= 0; t--)"))
            {
                w.Line($"{Kernels}.Add({CodeWriter.SliceAt("dOut", new Region(0, 0), H, "t")}, dh);");
                w.Line($"{ReadOnlySpan} gate = {CodeWriter.SliceAt("cache", gates, G, "t")};");
                w.Line($"{ReadOnlySpan} tanhC = {CodeWriter.SliceAt("cache", tanhC, H, "t")};");
                w.Line($"{ReadOnlySpan} cPrev = t == 0 ? new {ReadOnlySpan}(s_zeros, 0, {H}) : {CodeWriter.SliceAt("cache", c, H, "t - 1")};");
                using (w.Block($"for (int j = 0; j < {H}; j++)"))
                {
                    w.Line($"float i = gate[j], f = gate[{H} + j], n = gate[{2 * H} + j], o = gate[{3 * H} + j], tc = tanhC[j];");
                    w.Line("float dcj = dc[j] + dh[j] * o * (1f - tc * tc);");
                    w.Line("dGates[j] = dcj * n * i * (1f - i);");
                    w.Line($"dGates[{H} + j] = dcj * cPrev[j] * f * (1f - f);");
                    w.Line($"dGates[{2 * H} + j] = dcj * i * (1f - n * n);");
                    w.Line($"dGates[{3 * H} + j] = dh[j] * tc * o * (1f - o);");
                    w.Line("dc[j] = dcj * f; // to c_{t-1}");
                }

                w.Line("// Both biases receive the pre-activation gradient; the weights its outer products with x_t and h_{t-1}.");
                w.Line($"{Kernels}.Add(dGates, {Param("bias_ih", "g")});");
                w.Line($"{Kernels}.Add(dGates, {Param("bias_hh", "g")});");
                w.Line($"{Kernels}.OuterAdd(dGates, xs.Slice(t * {In}, {In}), {Param("weight_ih", "g")});");
                w.Line($"if (!dx.IsEmpty) {Kernels}.TransposeMultiplyAdd({Param("weight_ih")}, dGates, dx.Slice(t * {In}, {In}));");
                w.Line("dh.Clear();");
                EmitRecurrentBackward(w, "dGates", CodeWriter.SliceAt("cache", output, H, "t - 1"));
            }

            EmitInputDropoutBackwardEnd(w);
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}, every step, keeping gates, cell states and tanh(c) for backward.");
        inputs = EmitInputDropout(w, inputs);
        EmitRecurrentDropoutMask(w);
        using (w.Block($"for (int t = 0; t < {T}; t++)"))
        {
            w.Line($"{ReadOnlySpan} hPrev = t == 0 ? new {ReadOnlySpan}(s_zeros, 0, {H}) : {CodeWriter.SliceAt("cache", Layer.Output, H, "t - 1")};");
            w.Line($"{ReadOnlySpan} cPrev = t == 0 ? new {ReadOnlySpan}(s_zeros, 0, {H}) : {CodeWriter.SliceAt("cache", Layer.Cache["c"], H, "t - 1")};");
            string hRecurrent = EmitRecurrentInput(w, "hPrev");
            w.Line($"{StepMethod}({inputs}.Slice(t * {In}, {In}), {hRecurrent}, cPrev, {CodeWriter.SliceAt("cache", Layer.Cache["gates"], G, "t")}, {CodeWriter.SliceAt("cache", Layer.Cache["c"], H, "t")}, {CodeWriter.SliceAt("cache", Layer.Cache["tanhC"], H, "t")}, {CodeWriter.SliceAt("cache", Layer.Output, H, "t")});");
        }
    }

    public override void EmitInferenceStep(CodeWriter w, string input, string state)
    {
        string h = CodeWriter.Slice(state, Layer.State["h"]), c = CodeWriter.Slice(state, Layer.State["c"]);
        w.Line($"{StepMethod}({input}, {h}, {c}, {CodeWriter.Slice("scratch", Layer.Scratch["gates"])}, {c}, {CodeWriter.Slice("scratch", Layer.Scratch["tanhC"])}, {h}); // {Description}");
    }

    public override string InferenceOutput(string state) => CodeWriter.Slice(state, Layer.State["h"]);
}
