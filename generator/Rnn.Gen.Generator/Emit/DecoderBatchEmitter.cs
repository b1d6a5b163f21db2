using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// The batch path of decoder models (<c>IRnnDecoderBatchModel</c>): <c>ReserveBatch</c>,
/// <c>ForwardBatchTeacherForced</c> and <c>BackwardBatch</c>. Each sample runs the one-sample training pass
/// (<c>ForwardCore</c> with its targets as the decoder's feedback) into its own cache block of the batch workspace, and
/// backward runs <c>BackwardSample</c> on each block in batch order, so a batch gives bit for bit what
/// ForwardTeacherForced and Backward give sample after sample. What a batch saves over that loop is the model's
/// calls and checks; the products inside each sample (the input side of every recurrent step, a time-distributed head
/// over all its steps) are already one matrix product each.
/// </summary>
internal static class DecoderBatchEmitter
{
    /// <summary>
    /// The argument BackwardSample takes after <c>length</c> with an end token (the sample's decoded steps, from
    /// <paramref name="decodedSteps"/>, and a comma), or nothing.
    /// </summary>
    public static string DecodedStepsArgument(ModelPlan plan, string decodedSteps) =>
        plan.Spec.Decoder?.EndToken is null ? string.Empty : $"{decodedSteps}, ";

    public static void EmitMembers(CodeWriter w, ModelPlan plan, DecoderSpec decoder)
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
            using (w.Block("for (int b = 0; b < _batch.Count; b++)"))
            {
                w.Line("int s = _batch.SlotOf(b);");
                w.Line($"{Span} inputGradient = inputGradients.IsEmpty ? default : inputGradients.Slice(b * {plan.InputLength}, {plan.InputLength});");
                w.Line($"BackwardSample(caches.Slice(s * {plan.CacheSize}, {plan.CacheSize}), works.Slice(s * {plan.WorkSize}, {plan.WorkSize}), _batch.Length(s), {DecodedStepsArgument(plan, "_batch.DecodedSteps[s]")}outputGradients.Slice(b * {plan.OutputLength}, {plan.OutputLength}), inputGradient);");
            }
        }
    }
}
