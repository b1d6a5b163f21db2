using System.Collections.Generic;
using Rnn.Gen.Generator.Layers.Dense;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// The batch path of decoder models (<c>IRnnDecoderBatchModel</c>): <c>ReserveBatch</c>,
/// <c>ForwardBatchTeacherForced</c> and <c>BackwardBatch</c>. Each sample runs the one-sample training pass
/// (<c>ForwardCore</c> with its targets as the decoder's feedback) into its own cache block of the batch workspace, and
/// backward runs <c>BackwardSample</c> on each block in batch order, so a batch gives bit for bit what
/// ForwardTeacherForced and Backward give sample after sample. A wide head (a packed Dense,
/// <see cref="DensePlan.PacksTransposed"/>) runs its backward over every sample's steps at once: its output gradients
/// and inputs gathered in batch order into the workspace's <c>Rows</c>, its weight and bias gradients one product and
/// one row sum over all of them (the same chains, in the same order, as sample after sample), so W's gradient is
/// read and written once per batch instead of once per sample.
/// </summary>
internal static class DecoderBatchEmitter
{
    /// <summary>
    /// The argument BackwardSample takes after <c>length</c> with an end token (the sample's decoded steps, from
    /// <paramref name="decodedSteps"/>, and a comma), or nothing.
    /// </summary>
    public static string DecodedStepsArgument(ModelPlan plan, string decodedSteps) =>
        plan.Spec.Decoder?.EndToken is null ? string.Empty : $"{decodedSteps}, ";

    /// <summary>The head whose backward the batch runs over every sample's steps at once, or null.</summary>
    private static DensePlan? BatchedHead(ModelPlan plan, DecoderSpec decoder) =>
        plan.Head is DensePlan { PacksTransposed: true, InputDropout: null, InDecoder: true } head && head.Index - 1 >= decoder.FirstLayer ? head : null;

    /// <summary>The workspace's rows argument (<c>, rowsSize: n</c>: a batched head's output gradients and inputs per sample), or nothing.</summary>
    public static string RowsArgument(ModelPlan plan) =>
        plan.HasDecoderBatchPath && BatchedHead(plan, plan.Spec.Decoder!) is { } head ? $", rowsSize: {(long)head.Positions * (head.Units + head.InputSize)}" : string.Empty;

    public static void EmitMembers(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> layers)
    {
        if (!plan.HasDecoderBatchPath)
        {
            return;
        }

        ModelSpec spec = plan.Spec;
        string feedback = decoder.Feedback == FeedbackKind.Token ? "one-hot rows of the target tokens" : "the target outputs";
        w.Line();
        w.Summary("Allocates the batch buffers for up to <paramref name=\"capacity\"/> samples now, so that no later <see cref=\"ForwardBatchTeacherForced(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.Span{float}, global::System.ReadOnlySpan{int})\"/> allocates.");
        using (w.Block("public void ReserveBatch(int capacity)"))
        using (CallGuardCode.Hold(w))
        {
            w.Line("_batch.Reserve(capacity);");
        }

        w.Line();
        w.Summary($"Teacher-forced training forward pass on a batch of samples whose steps are all valid: <paramref name=\"inputs\"/> is [B, {spec.Steps}, {spec.InputSize}], <paramref name=\"targets\"/> ({feedback}) and <paramref name=\"outputs\"/> [B, {plan.OutputSteps}, {plan.OutputSize}].");
        w.Line($"public void ForwardBatchTeacherForced({ReadOnlySpan} inputs, {ReadOnlySpan} targets, {Span} outputs) => ForwardBatchTeacherForced(inputs, targets, outputs, default);");
        w.Line();
        w.Summary($"Teacher-forced training forward pass on a batch: sample b is ForwardTeacherForced of inputs row b (its first <paramref name=\"lengths\"/>[b] steps valid; all when <paramref name=\"lengths\"/> is empty) with targets row b, into outputs row b{(decoder.EndToken is null ? string.Empty : " (zeros after its target's end token)")}. Each sample runs into a cache of its own; <see cref=\"BackwardBatch(global::System.ReadOnlySpan{{float}}, global::System.Span{{float}})\"/> then adds the gradients in sample order, bit for bit what ForwardTeacherForced and Backward give sample after sample. Forward's own cache is untouched; <paramref name=\"targets\"/> is not read after the call.");
        using (w.Block($"public void ForwardBatchTeacherForced({ReadOnlySpan} inputs, {ReadOnlySpan} targets, {Span} outputs, {IntReadOnlySpan} lengths)"))
        using (CallGuardCode.Hold(w))
        {
            w.Line($"if (targets.Length != outputs.Length) throw new {ArgumentException}($\"targets must have as many elements as outputs ({{outputs.Length}}: [B, OutputSteps = {plan.OutputSteps}, OutputSize = {plan.OutputSize}]), but has {{targets.Length}}.\", nameof(targets));");
            w.Line($"int batch = _batch.Begin(inputs.Length, {plan.InputLength}, outputs.Length, {plan.OutputLength}, lengths); // checks the shapes and lengths");
            if (plan.TokenVocabulary is not null)
            {
                w.Line($"{Guard}.CheckTokenBatch(inputs, {spec.Steps}, lengths, VocabularySize, nameof(inputs)); // token ids, before anything is computed");
            }

            w.Line($"{Span} caches = _batch.Cache;");
            if (decoder.EndToken is not null)
            {
                w.Line($"{IntSpan} decodedSteps = _batch.DecodedSteps;");
            }

            using (w.Block("for (int s = 0; s < batch; s++)"))
            {
                w.Line("int b = _batch.SampleOf(s);");
                w.Line($"{Span} cache = caches.Slice(s * {plan.CacheSize}, {plan.CacheSize});");
                w.Line($"{ReadOnlySpan} feedback = targets.Slice(b * {plan.OutputLength}, {plan.OutputLength});");
                w.Line($"{Span} output = outputs.Slice(b * {plan.OutputLength}, {plan.OutputLength});");
                w.Line($"ForwardCore(inputs.Slice(b * {plan.InputLength}, {plan.InputLength}), cache, training: true, _batch.Length(s), feedback);");
                w.Line($"{CodeWriter.Slice("cache", plan.Head.Output)}.CopyTo(output);");
                if (decoder.EndToken is not null)
                {
                    w.Line("// The steps after the target's first end token are masked: zero outputs, and BackwardBatch gives them no gradient.");
                    w.Line($"decodedSteps[s] = {SequenceEnd}.Steps(feedback, OutputSize, EndToken);");
                    w.Line("output.Slice(decodedSteps[s] * OutputSize).Clear();");
                }
            }

            w.Line("_batch.Complete();");
        }

        w.Line();
        w.Summary("Backpropagation through time for the last <see cref=\"ForwardBatchTeacherForced(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.Span{float}, global::System.ReadOnlySpan{int})\"/>: <paramref name=\"outputGradients\"/> is [B, OutputSteps, OutputSize]; adds every sample's dLoss/dParameters into <see cref=\"Gradients\"/>, in sample order.");
        w.Line($"public void BackwardBatch({ReadOnlySpan} outputGradients) => BackwardBatch(outputGradients, default);");
        w.Line();
        w.Summary($"As <see cref=\"BackwardBatch(global::System.ReadOnlySpan{{float}})\"/>, and writes dLoss/dInput [B, {spec.Steps}, {spec.InputSize}] into <paramref name=\"inputGradients\"/> unless it is empty.");
        using (w.Block($"public void BackwardBatch({ReadOnlySpan} outputGradients, {Span} inputGradients)"))
        using (CallGuardCode.Hold(w))
        {
            if (plan.TokenVocabulary is not null)
            {
                w.Line($"if (!inputGradients.IsEmpty) {Guard}.ThrowNoTokenGradient(nameof(inputGradients)); // the input is token ids");
            }

            w.Line($"_batch.CheckBackward(outputGradients.Length, {plan.OutputLength}, inputGradients.Length, {plan.InputLength});");
            w.Line($"{ReadOnlySpan} caches = _batch.Cache;");
            w.Line($"{Span} works = _batch.Work;");
            if (BatchedHead(plan, decoder) is { } head)
            {
                EmitBatchedHeadBackward(w, plan, decoder, head, layers);
            }
            else
            {
                using (w.Block("for (int b = 0; b < _batch.Count; b++)"))
                {
                    w.Line("int s = _batch.SlotOf(b);");
                    w.Line($"{Span} inputGradient = inputGradients.IsEmpty ? default : inputGradients.Slice(b * {plan.InputLength}, {plan.InputLength});");
                    w.Line($"BackwardSample(caches.Slice(s * {plan.CacheSize}, {plan.CacheSize}), works.Slice(s * {plan.WorkSize}, {plan.WorkSize}), _batch.Length(s), {DecodedStepsArgument(plan, "_batch.DecodedSteps[s]")}outputGradients.Slice(b * {plan.OutputLength}, {plan.OutputLength}), inputGradient);");
                }
            }
        }

        if (BatchedHead(plan, decoder) is { } batchedHead)
        {
            w.Line();
            w.Summary("One sample's backward below the head (BackwardBatch ran the head's for the whole batch): the decoder's other layers, the start states' gradients, the encoder.");
            using (w.Block($"private void BackwardBelowHead({ReadOnlySpan} cache, {Span} work, int length, {Span} inputGradient)"))
            {
                LayerWiring.EmitStageLengths(w, plan);
                DecoderEmitter.EmitBackward(w, plan, decoder, layers, top: batchedHead.Index - 1);
            }
        }
    }

    /// <summary>
    /// BackwardBatch with a batched head: the head's backward over the rows of every sample (batch order), then each
    /// sample's backward below the head (<c>BackwardBelowHead</c>) in batch order.
    /// </summary>
    private static void EmitBatchedHeadBackward(CodeWriter w, ModelPlan plan, DecoderSpec decoder, DensePlan head, List<LayerEmitter> layers)
    {
        LayerPlan below = layers[head.Index - 1].Layer;
        int T = head.Positions, U = head.Units, I = head.InputSize;
        long gradientRows = (long)T * U, inputRows = (long)T * I;
        w.Line($"{ReadOnlySpan} p = _parameters;");
        w.Line($"{Span} g = _gradients;");
        w.Line("int count = _batch.Count;");
        w.Line($"{Span} dzs = _batch.Rows.Slice(0, count * {gradientRows}); // [count * {T}, {U}] dL/d(W x + b) of every sample's steps, batch order");
        w.Line($"{Span} xs = _batch.Rows.Slice(count * {gradientRows}, count * {inputRows}); // [count * {T}, {I}] the head's inputs, the same rows");
        w.Line($"// {layers[head.Index].Description}: the rows of every sample, then one row sum and one product for the bias and weight gradients,");
        w.Line("// which sum the rows in the order sample after sample does (each gradient element one chain over the rows).");
        using (w.Block("for (int b = 0; b < count; b++)"))
        {
            w.Line("int s = _batch.SlotOf(b);");
            w.Line($"{ReadOnlySpan} cache = caches.Slice(s * {plan.CacheSize}, {plan.CacheSize});");
            w.Line($"{Span} dz = dzs.Slice(b * {gradientRows}, {gradientRows});");
            w.Line($"outputGradients.Slice(b * {plan.OutputLength}, {plan.OutputLength}).CopyTo(dz);");
            if (decoder.EndToken is not null)
            {
                w.Line("dz.Slice(_batch.DecodedSteps[s] * OutputSize).Clear(); // the steps after the end token carry no gradient");
            }

            if (head.Dense.Activation != ActivationKind.Identity)
            {
                using (w.Block($"for (int t = 0; t < {T}; t++)"))
                {
                    w.Line($"{Span} dzt = dz.Slice(t * {U}, {U});");
                    w.Line($"{ReadOnlySpan} y = {CodeWriter.SliceAt("cache", head.Output, U, "t")};");
                    foreach (string line in ActivationCode.Backward(head.Dense.Activation, "y", "dzt", U))
                    {
                        w.Line(line);
                    }
                }
            }

            w.Line($"{LayerWiring.OutputView(below, "cache")}.Slice(0, {inputRows}).CopyTo(xs.Slice(b * {inputRows}, {inputRows}));");
        }

        w.Line($"{MatrixKernels}.AddRowSums(dzs, count * {T}, {LayerEmitter.Param(head.Bias, "g")});");
        w.Line($"{MatrixKernels}.TransposeMultiplyAdd(dzs, xs, {LayerEmitter.Param(head.Weight, "g")}, {U}, count * {T}, {I});");
        w.Line("// Each sample: dL/dx_t = W^T dz_t into the layer below's output gradient, then its backward below the head.");
        using (w.Block("for (int b = 0; b < count; b++)"))
        {
            w.Line("int s = _batch.SlotOf(b);");
            w.Line($"{ReadOnlySpan} cache = caches.Slice(s * {plan.CacheSize}, {plan.CacheSize});");
            w.Line($"{Span} work = works.Slice(s * {plan.WorkSize}, {plan.WorkSize});");
            w.Line($"{CodeWriter.Slice("work", below.OutputGradient)}.Clear();");
            w.Line($"{MatrixKernels}.MultiplyAdd(dzs.Slice(b * {gradientRows}, {gradientRows}), {LayerEmitter.Param(head.Weight)}, {CodeWriter.Slice("work", below.OutputGradient)}.Slice(0, {inputRows}), {T}, {U}, {I});");
            w.Line($"{Span} inputGradient = inputGradients.IsEmpty ? default : inputGradients.Slice(b * {plan.InputLength}, {plan.InputLength});");
            w.Line("BackwardBelowHead(cache, work, _batch.Length(s), inputGradient);");
        }
    }
}
