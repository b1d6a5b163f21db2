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

    protected override void EmitStepMethod(CodeWriter w)
    {
        w.Summary($"One step of {DirectionName}: gates from x and h_prev, then c = f*c_prev + i*g and h = o*tanh(c). <paramref name=\"c\"/> may alias <paramref name=\"cPrev\"/> and <paramref name=\"h\"/> may alias <paramref name=\"hPrev\"/>.");
        using (w.Block($"private void {DirectionStep}({ReadOnlySpan} x, {ReadOnlySpan} hPrev, {ReadOnlySpan} cPrev, {Span} gates, {Span} c, {Span} tanhC, {Span} h)"))
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
    }

    protected override void EmitBackwardLocals(CodeWriter w)
    {
        w.Line($"{Span} dc = {CodeWriter.Slice("work", Dir.Work["dc"])}; // dL/dc_t, carried back through time");
        w.Line($"{Span} dGates = {CodeWriter.Slice("work", Dir.Work["dGates"])}; // dL/d(pre-activation), rows i, f, g, o");
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
        w.Line($"{ReadOnlySpan} gate = {CodeWriter.SliceAt("cache", Dir.Cache["gates"], G, "t")};");
        w.Line($"{ReadOnlySpan} tanhC = {CodeWriter.SliceAt("cache", Dir.Cache["tanhC"], H, "t")};");
        w.Line($"{ReadOnlySpan} cPrev = {IsFirst} ? {Initial("initialC")} : {CodeWriter.SliceAt("cache", Dir.Cache["c"], H, Previous)};");
        using (w.Block($"for (int j = 0; j < {H}; j++)"))
        {
            w.Line($"float i = gate[j], f = gate[{H} + j], n = gate[{2 * H} + j], o = gate[{3 * H} + j], tc = tanhC[j];");
            w.Line("float dcj = dc[j] + dh[j] * o * (1f - tc * tc);");
            w.Line("dGates[j] = dcj * n * i * (1f - i);");
            w.Line($"dGates[{H} + j] = dcj * cPrev[j] * f * (1f - f);");
            w.Line($"dGates[{2 * H} + j] = dcj * i * (1f - n * n);");
            w.Line($"dGates[{3 * H} + j] = dh[j] * tc * o * (1f - o);");
            w.Line($"dc[j] = dcj * f; // to c_({Previous})");
        }

        w.Line("// Both biases receive the pre-activation gradient; the weights its outer products with x_t and h_(t-1).");
        w.Line($"{Kernels}.Add(dGates, {Param("bias_ih", "g")});");
        w.Line($"{Kernels}.Add(dGates, {Param("bias_hh", "g")});");
        return "dGates";
    }

    protected override void EmitTrainingStep(CodeWriter w, string inputs, string hRecurrent)
    {
        w.Line($"{ReadOnlySpan} cPrev = {IsFirst} ? {Initial("initialC")} : {CodeWriter.SliceAt("cache", Dir.Cache["c"], H, Previous)};");
        w.Line($"{DirectionStep}({inputs}.Slice(t * {In}, {In}), {hRecurrent}, cPrev, {CodeWriter.SliceAt("cache", Dir.Cache["gates"], G, "t")}, {CodeWriter.SliceAt("cache", Dir.Cache["c"], H, "t")}, {CodeWriter.SliceAt("cache", Dir.Cache["tanhC"], H, "t")}, {CodeWriter.SliceAt("cache", Dir.Cache["h"], H, "t")});");
    }

    protected override void EmitInferenceCall(CodeWriter w, string input, string state)
    {
        string h = CodeWriter.Slice(state, Dir.State["h"]), c = CodeWriter.Slice(state, Dir.State["c"]);
        w.Line($"{DirectionStep}({input}, {h}, {c}, {CodeWriter.Slice("scratch", Dir.Scratch["gates"])}, {c}, {CodeWriter.Slice("scratch", Dir.Scratch["tanhC"])}, {h}); // {Description}");
    }
}
