using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Attention;

/// <summary>
/// Luong's global attention at every decoder step t, with h_t the decoder's top recurrent state and h_s the encoder's
/// output at every valid step s: scores, a(t, ·) = softmax over s &lt; length, c_t = Σ_s a(t, s) h_s, and
/// h~_t = tanh(W_c [c_t ; h_t]). Backward gives W_c, the score's weights, h_t and every h_s their gradients.
/// </summary>
internal sealed class AttentionEmitter : LayerEmitter<AttentionPlan>
{
    public AttentionEmitter(AttentionPlan layer)
        : base(layer)
    {
    }

    private int Hd => Plan.Hd;

    private int He => Plan.He;

    private int S => Plan.S;

    private int A => Plan.A;

    private int K => Plan.KeySize;

    private AttentionScoreKind Score => Plan.Attention.Score;

    private bool Additive => Score == AttentionScoreKind.Additive;

    private string ScoreFormula => Score switch
    {
        AttentionScoreKind.Dot => "h_t · h_s",
        AttentionScoreKind.General => "h_t · (W_a h_s)",
        _ => "v · tanh(W_q h_t + W_k h_s)",
    };

    public override string Description => $"layer {Layer.Index}, {Score.ToString().ToLowerInvariant()} attention of h_t ({Hd}) over {S} encoder steps of {He}{(Additive ? $", {A} hidden" : string.Empty)}";

    /// <summary>The encoder's output in the training cache: the memory [S, He].</summary>
    private Region Memory => Layer.Memory!.Output;

    private Region MemoryGradient => Layer.Memory!.OutputGradient;

    /// <summary>Each tensor as nn.Linear(fan_in, ·, bias=False) initializes it: U(−1/√fan_in, 1/√fan_in), fan_in its second dimension.</summary>
    public override void EmitInitialize(CodeWriter w)
    {
        w.Line($"// {Description}: each weight U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default for nn.Linear.");
        foreach (ParameterPlan parameter in Layer.Parameters)
        {
            long fan = parameter.Shape[1];
            w.Line($"bound = (float)(1.0 / {SystemMath}.Sqrt({fan}));");
            w.Line($"{Initializers}.Uniform({CodeWriter.Slice("p", parameter.Region)}, bound, random); // {parameter.Name}");
        }
    }

    private string KeysMethod => $"Attention{Layer.Index}Keys";

    public override void EmitMethods(CodeWriter w)
    {
        string stepParameters = Additive
            ? $"{ReadOnlySpan} h, {ReadOnlySpan} memory, {ReadOnlySpan} keys, int length, {Span} weights, {Span} query, {Span} hidden, {Span} combined, {Span} y"
            : $"{ReadOnlySpan} h, {ReadOnlySpan} memory, {ReadOnlySpan} keys, int length, {Span} weights, {Span} combined, {Span} y";
        w.Summary($"{Description}: one decoder step. Scores {ScoreFormula} over the first <paramref name=\"length\"/> encoder steps, a = their softmax (zero on padding), c = Σ_s a_s h_s, y = tanh(W_c [c ; h]).");
        using (w.Block($"private void {StepMethod}({stepParameters})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} scores = weights.Slice(0, length);");
            w.Line("scores.Clear();");
            if (Additive)
            {
                w.Line($"// Additive scores: q = W_q h, u_s = tanh(q + W_k h_s) (keys hold W_k h_s), score_s = v · u_s.");
                w.Line("query.Clear();");
                w.Line($"{VectorKernels}.MultiplyAdd({Param(Plan.LinearQuery!)}, h, query); // {Plan.LinearQuery!.Described}");
                using (w.Block("for (int s = 0; s < length; s++)"))
                {
                    w.Line($"{Span} u = hidden.Slice({CodeWriter.Times("s", A)}, {A});");
                    w.Line("query.CopyTo(u);");
                    w.Line($"{VectorKernels}.Add(keys.Slice({CodeWriter.Times("s", A)}, {A}), u);");
                    w.Line($"{VectorKernels}.Tanh(u);");
                }

                w.Line($"{VectorKernels}.MultiplyAdd(hidden.Slice(0, {CodeWriter.Times("length", A)}), {Param(Plan.V!)}, scores); // {Plan.V!.Described}");
            }
            else
            {
                w.Line(Score == AttentionScoreKind.Dot
                    ? "// Dot scores: score_s = h · h_s (keys are the encoder's outputs)."
                    : "// General scores: score_s = h · (W_a h_s) (keys hold W_a h_s).");
                w.Line($"{VectorKernels}.MultiplyAdd(keys.Slice(0, {CodeWriter.Times("length", Hd)}), h, scores);");
            }

            w.Line("// The weights: softmax over the valid encoder steps, zero on the padding.");
            w.Line($"{VectorKernels}.Softmax(scores);");
            w.Line($"weights.Slice(length).Clear();");
            w.Line($"// The context c = Σ_s a_s h_s, then y = tanh(W_c [c ; h]).");
            w.Line($"{Span} c = combined.Slice(0, {He});");
            w.Line("c.Clear();");
            w.Line($"{VectorKernels}.TransposeMultiplyAdd(memory.Slice(0, {CodeWriter.Times("length", He)}), scores, c);");
            w.Line($"h.CopyTo(combined.Slice({He}, {Hd}));");
            w.Line("y.Clear();");
            w.Line($"{VectorKernels}.MultiplyAdd({Param(Plan.LinearOut)}, combined, y); // {Plan.LinearOut.Described}");
            w.Line($"{VectorKernels}.Tanh(y);");
        }

        if (K > 0)
        {
            ParameterPlan projection = Score == AttentionScoreKind.General ? Plan.LinearIn! : Plan.LinearKey!;
            w.Line();
            w.Summary($"{Description}: the keys {(Score == AttentionScoreKind.General ? "W_a h_s" : "W_k h_s")} of the first <paramref name=\"length\"/> encoder steps, once per sequence.");
            using (w.Block($"private void {KeysMethod}({ReadOnlySpan} memory, int length, {Span} keys)"))
            {
                w.Line($"{ReadOnlySpan} p = _parameters;");
                using (w.Block("for (int s = 0; s < length; s++)"))
                {
                    w.Line($"{Span} k = keys.Slice({CodeWriter.Times("s", K)}, {K});");
                    w.Line("k.Clear();");
                    w.Line($"{VectorKernels}.MultiplyAdd({Param(projection)}, memory.Slice({CodeWriter.Times("s", He)}, {He}), k); // {projection.Described}");
                }
            }
        }

        w.Line();
        EmitBackwardMethod(w);
    }

    private void EmitBackwardMethod(CodeWriter w)
    {
        int combined = He + Hd;
        w.Summary($"Backward for {Description}: adds the parameter gradients, writes dL/dh_t into <paramref name=\"dx\"/> and adds dL/dh_s of every valid encoder step into the encoder's output gradient.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} g = _gradients;");
            w.Line($"{Span} dz = {CodeWriter.Slice("work", Layer.OutputGradient)}; // dL/dh~ on entry, dL/d(W_c [c ; h]) after tanh's derivative");
            w.Line($"{ReadOnlySpan} y = {CodeWriter.Slice("cache", Layer.Output)};");
            foreach (string line in ActivationCode.Backward(Model.ActivationKind.Tanh, "y", "dz", T * Hd))
            {
                w.Line(line);
            }

            w.Line($"// Every decoder step at once: dW_c += Σ_t dz_t [c_t ; h_t]^T, and dL/d[c_t ; h_t] = W_c^T dz_t.");
            w.Line($"{ReadOnlySpan} combined = {CodeWriter.Slice("cache", Plan.Combined)};");
            w.Line($"{MatrixKernels}.TransposeMultiplyAdd(dz, combined, {Param(Plan.LinearOut, "g")}, {Hd}, {T}, {combined});");
            w.Line($"{Span} dCombined = {CodeWriter.Slice("work", Plan.CombinedGradient)};");
            w.Line("dCombined.Clear();");
            w.Line($"{MatrixKernels}.MultiplyAdd(dz, {Param(Plan.LinearOut)}, dCombined, {T}, {Hd}, {combined});");
            w.Line($"{ReadOnlySpan} memory = {CodeWriter.Slice("cache", Memory)}.Slice(0, {CodeWriter.Times("length", He)}); // h_s of the valid encoder steps");
            w.Line($"{Span} dMemory = {CodeWriter.Slice("work", MemoryGradient)}.Slice(0, {CodeWriter.Times("length", He)}); // dL/dh_s, added into");
            if (K > 0)
            {
                w.Line($"{ReadOnlySpan} keys = {CodeWriter.Slice("cache", Plan.Keys!.Value)}.Slice(0, {CodeWriter.Times("length", K)});");
                w.Line($"{Span} dKeys = {CodeWriter.Slice("work", Plan.KeysGradient!.Value)}.Slice(0, {CodeWriter.Times("length", K)}); // summed over the decoder steps");
                w.Line("dKeys.Clear();");
            }

            w.Line($"{Span} dScores = {CodeWriter.Slice("work", Plan.WeightsGradient)}.Slice(0, length);");
            using (w.Block($"for (int t = 0; t < {T}; t++)"))
            {
                w.Line($"{ReadOnlySpan} a = {CodeWriter.SliceAt("cache", Plan.Weights, S, "t")}.Slice(0, length);");
                w.Line($"{ReadOnlySpan} h = xs.Slice({CodeWriter.Times("t", Hd)}, {Hd});");
                w.Line($"{Span} dh = dx.Slice({CodeWriter.Times("t", Hd)}, {Hd});");
                w.Line($"{ReadOnlySpan} dc = dCombined.Slice({CodeWriter.Times("t", combined)}, {He});");
                w.Line($"{VectorKernels}.Add(dCombined.Slice({CodeWriter.Times("t", combined)} + {He}, {Hd}), dh); // h_t entered [c_t ; h_t] directly");
                w.Line("// Through the context: dL/da_s = h_s · dc, dL/dh_s += a_s dc; then through the softmax to the scores.");
                w.Line("dScores.Clear();");
                w.Line($"{VectorKernels}.MultiplyAdd(memory, dc, dScores);");
                w.Line($"{VectorKernels}.OuterAdd(a, dc, dMemory);");
                w.Line($"{VectorKernels}.SoftmaxBackward(a, dScores);");
                switch (Score)
                {
                    case AttentionScoreKind.Dot:
                        w.Line("// score_s = h · h_s: dL/dh += Σ_s dscore_s h_s, dL/dh_s += dscore_s h.");
                        w.Line($"{VectorKernels}.TransposeMultiplyAdd(memory, dScores, dh);");
                        w.Line($"{VectorKernels}.OuterAdd(dScores, h, dMemory);");
                        break;
                    case AttentionScoreKind.General:
                        w.Line("// score_s = h · k_s with k_s = W_a h_s: dL/dh += Σ_s dscore_s k_s, dL/dk_s += dscore_s h.");
                        w.Line($"{VectorKernels}.TransposeMultiplyAdd(keys, dScores, dh);");
                        w.Line($"{VectorKernels}.OuterAdd(dScores, h, dKeys);");
                        break;
                    default:
                        w.Line("// score_s = v · u_s with u_s = tanh(W_q h + k_s): dv += Σ_s dscore_s u_s, dL/d(pre_s) = dscore_s v (1 - u_s^2).");
                        w.Line($"{ReadOnlySpan} u = {CodeWriter.SliceAt("cache", Plan.Hidden!.Value, (long)S * A, "t")}.Slice(0, {CodeWriter.Times("length", A)});");
                        w.Line($"{VectorKernels}.TransposeMultiplyAdd(u, dScores, {Param(Plan.V!, "g")});");
                        w.Line($"{Span} dPre = {CodeWriter.Slice("work", Plan.HiddenGradient!.Value)}.Slice(0, {CodeWriter.Times("length", A)});");
                        w.Line("dPre.Clear();");
                        w.Line($"{VectorKernels}.OuterAdd(dScores, {Param(Plan.V!)}, dPre);");
                        w.Line("for (int j = 0; j < dPre.Length; j++) dPre[j] *= 1f - u[j] * u[j]; // tanh' = 1 - u^2");
                        w.Line("// The keys W_k h_s get dPre_s; the query W_q h gets Σ_s dPre_s, so dW_q += dq h^T and dL/dh += W_q^T dq.");
                        w.Line($"{VectorKernels}.Add(dPre, dKeys);");
                        w.Line($"{Span} dq = {CodeWriter.Slice("work", Plan.QueryGradient!.Value)};");
                        w.Line("dq.Clear();");
                        w.Line($"{MatrixKernels}.AddRowSums(dPre, length, dq);");
                        w.Line($"{VectorKernels}.OuterAdd(dq, h, {Param(Plan.LinearQuery!, "g")});");
                        w.Line($"{VectorKernels}.TransposeMultiplyAdd({Param(Plan.LinearQuery!)}, dq, dh);");
                        break;
                }
            }

            if (K > 0)
            {
                ParameterPlan projection = Score == AttentionScoreKind.General ? Plan.LinearIn! : Plan.LinearKey!;
                w.Line($"// The keys k_s = W h_s of every valid step at once: dW += Σ_s dk_s h_s^T, dL/dh_s += W^T dk_s.");
                w.Line($"{MatrixKernels}.TransposeMultiplyAdd(dKeys, memory, {Param(projection, "g")}, {K}, length, {He});");
                w.Line($"{MatrixKernels}.MultiplyAdd(dKeys, {Param(projection)}, dMemory, length, {K}, {He});");
            }
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}, at every decoder step.");
        w.Line($"{ReadOnlySpan} memory{Layer.Index} = {CodeWriter.Slice("cache", Memory)}; // the encoder's output at every step");
        string keys = $"memory{Layer.Index}";
        if (K > 0)
        {
            w.Line($"{KeysMethod}(memory{Layer.Index}, length, {CodeWriter.Slice("cache", Plan.Keys!.Value)});");
            keys = CodeWriter.Slice("cache", Plan.Keys!.Value);
        }

        using (w.Block($"for (int t = 0; t < {T}; t++)"))
        {
            string additive = Additive ? $"{CodeWriter.Slice("scratch", Plan.ScratchQuery!.Value)}, {CodeWriter.SliceAt("cache", Plan.Hidden!.Value, (long)S * A, "t")}, " : string.Empty;
            w.Line($"{StepMethod}({inputs}.Slice({CodeWriter.Times("t", Hd)}, {Hd}), memory{Layer.Index}, {keys}, length, {CodeWriter.SliceAt("cache", Plan.Weights, S, "t")}, {additive}"
                + $"{CodeWriter.SliceAt("cache", Plan.Combined, He + Hd, "t")}, {CodeWriter.SliceAt("cache", Layer.Output, Hd, "t")});");
        }

        w.Line($"{CodeWriter.Slice("cache", Plan.Weights)}.CopyTo({CodeWriter.Slice("scratch", Plan.AttentionWeights)}); // the model's AttentionWeights");
    }

    /// <summary>Once per decoding: the keys of the encoder's outputs, and no attention weights yet.</summary>
    public override void EmitDecodeStart(CodeWriter w)
    {
        w.Line($"{CodeWriter.Slice("scratch", Plan.AttentionWeights)}.Clear(); // {Description}: rows are written as steps are decoded");
        if (K > 0)
        {
            w.Line($"{KeysMethod}({CodeWriter.Slice("encoderCache", Memory)}, length, {CodeWriter.Slice("scratch", Plan.ScratchKeys!.Value)}); // the keys, once for every step");
        }
    }

    /// <summary>
    /// One decoding step t (the decoding loop's <c>t</c>): reads the encoder's outputs in <c>encoderCache</c> and writes
    /// the step's weights into row t of the model's AttentionWeights.
    /// </summary>
    public override string EmitInferenceStep(CodeWriter w, string input, string state, string? destination)
    {
        string output = destination ?? CodeWriter.Slice("scratch", Plan.ScratchOutput);
        string keys = K > 0 ? CodeWriter.Slice("scratch", Plan.ScratchKeys!.Value) : CodeWriter.Slice("encoderCache", Memory);
        string additive = Additive ? $"{CodeWriter.Slice("scratch", Plan.ScratchQuery!.Value)}, {CodeWriter.Slice("scratch", Plan.ScratchHidden!.Value)}, " : string.Empty;
        w.Line($"{StepMethod}({input}, {CodeWriter.Slice("encoderCache", Memory)}, {keys}, length, {CodeWriter.SliceAt("scratch", Plan.AttentionWeights, S, "t")}, {additive}{CodeWriter.Slice("scratch", Plan.ScratchCombined)}, {output}); // {Description}");
        return output;
    }
}
