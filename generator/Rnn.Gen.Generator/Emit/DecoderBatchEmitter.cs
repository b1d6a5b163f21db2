using System.Collections.Generic;
using System.Linq;
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
/// <see cref="DensePlan.PacksTransposed"/>) runs over every sample's steps at once, forward and backward: with teacher
/// forcing nothing below the head reads its output (the decoder's feedback is the targets), so each sample runs the
/// layers below the head (<c>ForwardBelowHead</c>), the head's inputs of every sample are gathered in batch order into
/// the workspace's <c>Rows</c>, and one product with the packed W^T writes every output row straight into
/// <c>outputs</c>; backward gathers the output gradients into rows beside those inputs, and the weight and bias
/// gradients and dL/dx are one product (or row sum) each over all of them. Every element is the chain the one-sample
/// pass computes (the matrix kernels' chains do not depend on the row count), so W and its gradient are read once per
/// batch instead of once per sample.
/// </summary>
internal static class DecoderBatchEmitter
{
    /// <summary>
    /// The argument BackwardSample takes after <c>length</c> with an end token (the sample's decoded steps, from
    /// <paramref name="decodedSteps"/>, and a comma), or nothing.
    /// </summary>
    public static string DecodedStepsArgument(ModelPlan plan, string decodedSteps) =>
        plan.Spec.Decoder?.EndToken is null ? string.Empty : $"{decodedSteps}, ";

    /// <summary>
    /// The head the batch runs over every sample's steps at once, or null: a packed time-distributed Dense of the
    /// decoder, above another decoder layer, without input dropout (it draws nothing, so running it after every
    /// sample's lower layers keeps the draws in sample order), whose output is the model's output.
    /// </summary>
    private static DensePlan? BatchedHead(ModelPlan plan, DecoderSpec decoder) =>
        plan.Head is DensePlan { PacksTransposed: true, InputDropout: null, InDecoder: true } head && head.Index - 1 >= decoder.FirstLayer
            && (long)head.Positions * head.Units == plan.OutputLength && head.OutputView == head.Output ? head : null;

    /// <summary>The head that <c>ForwardCore</c> runs after <c>ForwardBelowHead</c> and the batch runs once over all samples, or null.</summary>
    public static DensePlan? HeadOverBatch(ModelPlan plan) =>
        plan.HasDecoderBatchPath && plan.Spec.Decoder is { } decoder ? BatchedHead(plan, decoder) : null;

    /// <summary>
    /// The workspace's rows argument (<c>, rowsSize: n</c>: a batched head's output gradients, inputs and input
    /// gradients per sample), or nothing.
    /// </summary>
    public static string RowsArgument(ModelPlan plan) =>
        HeadOverBatch(plan) is { } head ? $", rowsSize: {(long)head.Positions * (head.Units + (2 * head.InputSize))}" : string.Empty;

    /// <summary>
    /// With a head over the batch (<see cref="HeadOverBatch"/>): <c>ForwardCore</c> as <c>ForwardBelowHead</c> (every
    /// layer below the head, which the caller emits next) and then the head, so the one-sample pass is unchanged and the
    /// batch can run the two parts apart.
    /// </summary>
    public static void EmitForwardCore(CodeWriter w, ModelPlan plan, DensePlan head, List<LayerEmitter> layers, string parameters)
    {
        using (w.Block($"private void ForwardCore({parameters})"))
        {
            w.Line("ForwardBelowHead(input, cache, training, length, feedback);");
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} packed = _packed;");
            string x = $"x{head.Index}";
            w.Line($"{ReadOnlySpan} {x} = {LayerWiring.OutputView(layers[head.Index - 1].Layer, "cache")};");
            layers[head.Index].EmitTrainingForward(w, x);
        }

        w.Line();
        w.Summary("ForwardCore below the head: the encoder, the decoder's start and every decoder layer under the head, over the first <paramref name=\"length\"/> steps, into <paramref name=\"cache\"/>; dropout and noise only when <paramref name=\"training\"/>.");
    }

    public static void EmitMembers(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> layers)
    {
        if (!plan.HasDecoderBatchPath)
        {
            return;
        }

        ModelSpec spec = plan.Spec;
        string feedback = decoder.Feedback == FeedbackKind.Token ? "one-hot rows of the target tokens" : "the target outputs";
        BatchEmitter.EmitReserveBatch(w, "ForwardBatchTeacherForced(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.Span{float}, global::System.ReadOnlySpan{int})");

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

            if (BatchedHead(plan, decoder) is { } forwardHead)
            {
                EmitBatchedHeadForward(w, plan, decoder, forwardHead, layers);
            }
            else
            {
                EmitSampleForwards(w, plan, decoder);
            }

            w.Line("_batch.Complete();");
        }

        BatchEmitter.EmitBackwardBatch(w, plan, "ForwardBatchTeacherForced(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.Span{float}, global::System.ReadOnlySpan{int})", () =>
        {
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
        });

        if (BatchedHead(plan, decoder) is { } batchedHead)
        {
            w.Line();
            w.Summary("One sample's backward below the head (BackwardBatch ran the head's for the whole batch): the decoder's other layers, the start states' gradients, the encoder.");
            using (w.Block($"private void BackwardBelowHead({ReadOnlySpan} cache, {Span} work, int length, {Span} inputGradient)"))
            {
                LayerWiring.EmitStageLengths(w, plan);
                DecoderEmitter.EmitBackward(w, plan, decoder, layers, top: batchedHead.Index - 1, atBlockStart: !plan.LengthChanging.Any());
            }
        }
    }

    /// <summary>
    /// ForwardBatchTeacherForced without a head over the batch: each sample's ForwardCore, its output copied out, in
    /// batch order (the dropout masks drawn as sample after sample draws them).
    /// </summary>
    private static void EmitSampleForwards(CodeWriter w, ModelPlan plan, DecoderSpec decoder)
    {
        using (w.Block("for (int b = 0; b < batch; b++)"))
        {
            w.Line("int s = _batch.SlotOf(b);");
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
    }

    /// <summary>One sample's dz rows: the caller's dL/dy copied, masked after the end token, then the activation's derivative in place.</summary>
    private static void EmitCopiedRows(CodeWriter w, ModelPlan plan, DecoderSpec decoder, DensePlan head)
    {
        int T = head.Positions, U = head.Units;
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
    }

    /// <summary>
    /// A softmax head's dz rows of one sample straight from the caller's dL/dy (no copy first): each row the bits the
    /// one-sample backward gives on its copy; with an end token, the masked rows as it computes them, from zero.
    /// </summary>
    private static void EmitSoftmaxRows(CodeWriter w, ModelPlan plan, DecoderSpec decoder, DensePlan head)
    {
        int T = head.Positions, U = head.Units;
        w.Line($"{ReadOnlySpan} dy = outputGradients.Slice(b * {plan.OutputLength}, {plan.OutputLength});");
        using (w.Block($"for (int t = 0; t < {T}; t++)"))
        {
            w.Line($"{Span} dzt = dz.Slice(t * {U}, {U});");
            w.Line($"{ReadOnlySpan} y = {CodeWriter.SliceAt("cache", head.Output, U, "t")};");
            if (decoder.EndToken is null)
            {
                w.Line($"{VectorKernels}.SoftmaxBackward(y, dy.Slice(t * {U}, {U}), dzt); // dz = y (dy - <dy, y>)");
                return;
            }

            using (w.Block("if (t < _batch.DecodedSteps[s])"))
            {
                w.Line($"{VectorKernels}.SoftmaxBackward(y, dy.Slice(t * {U}, {U}), dzt); // dz = y (dy - <dy, y>)");
            }

            using (w.Block("else"))
            {
                w.Line("dzt.Clear(); // the steps after the end token carry no gradient (zero, unless y is not finite, as sample by sample)");
                w.Line($"{VectorKernels}.SoftmaxBackward(y, dzt);");
            }
        }
    }

    /// <summary>
    /// ForwardBatchTeacherForced with a head over the batch: each sample's layers below the head (batch order, so the
    /// dropout masks are drawn as sample after sample draws them), then the head's inputs of every sample gathered in batch order into the workspace's rows
    /// (kept there for BackwardBatch's weight gradient), one product for every output row straight into
    /// <c>outputs</c> (<c>AffineRows</c>: the bias and W x in one pass), and per sample its activation, its rows copied
    /// into its cache (backward's y) while they are still in cache, and its steps after the end token cleared.
    /// </summary>
    private static void EmitBatchedHeadForward(CodeWriter w, ModelPlan plan, DecoderSpec decoder, DensePlan head, List<LayerEmitter> layers)
    {
        LayerPlan below = layers[head.Index - 1].Layer;
        int T = head.Positions, U = head.Units, I = head.InputSize;
        long gradientRows = (long)T * U, inputRows = (long)T * I;
        w.Line("// Every sample below the head, in batch order (dropout draws as sample after sample): with teacher forcing the decoder");
        w.Line("// is fed the targets, so nothing there reads the head's output.");
        using (w.Block("for (int b = 0; b < batch; b++)"))
        {
            w.Line("int s = _batch.SlotOf(b);");
            w.Line($"{ReadOnlySpan} feedback = targets.Slice(b * {plan.OutputLength}, {plan.OutputLength});");
            w.Line($"ForwardBelowHead(inputs.Slice(b * {plan.InputLength}, {plan.InputLength}), caches.Slice(s * {plan.CacheSize}, {plan.CacheSize}), training: true, _batch.Length(s), feedback);");
            if (decoder.EndToken is not null)
            {
                w.Line($"decodedSteps[s] = {SequenceEnd}.Steps(feedback, OutputSize, EndToken); // the steps after the target's first end token are masked");
            }
        }

        w.Line();
        w.Line($"// {layers[head.Index].Description}, every sample's steps as the rows of one product (batch order, so sample b's rows are");
        w.Line("// outputs row b): each output the chain the one-sample product sums, W^T read once for the whole batch.");
        w.Line($"{ReadOnlySpan} p = _parameters;");
        w.Line($"{ReadOnlySpan} packed = _packed;");
        w.Line($"{Span} xs = _batch.Rows.Slice(batch * {gradientRows}, batch * {inputRows}); // [batch * {T}, {I}] the head's inputs; BackwardBatch's weight gradient reads them");
        string belowOutput = LayerWiring.OutputView(below, $"caches.Slice(_batch.SlotOf(b) * {plan.CacheSize}, {plan.CacheSize})");
        w.Line($"for (int b = 0; b < batch; b++) {CodeWriter.Prefix(belowOutput, "1", inputRows, below.OutputView.Length)}.CopyTo(xs.Slice(b * {inputRows}, {inputRows}));");
        w.Line($"{MatrixKernels}.AffineRows({LayerEmitter.Param(head.Bias)}, xs, {I}, {CodeWriter.Slice("packed", head.PackedWeight)}, outputs, {U}, batch * {T}, {I}, {U}); // b + W x_t, the bits of the bias copied and then the product");
        using (w.Block("for (int b = 0; b < batch; b++)"))
        {
            w.Line("int s = _batch.SlotOf(b);");
            w.Line($"{Span} output = outputs.Slice(b * {plan.OutputLength}, {plan.OutputLength});");
            string activation = ActivationCode.Apply(head.Dense.Activation, $"output.Slice(t * {U}, {U})");
            if (activation.Length > 0)
            {
                w.Line($"for (int t = 0; t < {T}; t++) {activation}");
            }

            w.Line($"output.CopyTo({CodeWriter.Slice($"caches.Slice(s * {plan.CacheSize}, {plan.CacheSize})", head.Output)}); // y, which the head's backward reads");
            if (decoder.EndToken is not null)
            {
                w.Line("output.Slice(decodedSteps[s] * OutputSize).Clear(); // zero outputs after the end token; BackwardBatch gives them no gradient");
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
        w.Line($"{ReadOnlySpan} xs = _batch.Rows.Slice(count * {gradientRows}, count * {inputRows}); // [count * {T}, {I}] the head's inputs, the same rows (ForwardBatchTeacherForced gathered them)");
        w.Line($"{Span} dxs = _batch.Rows.Slice(count * {gradientRows + inputRows}, count * {inputRows}); // [count * {T}, {I}] dL/dx, the same rows");
        w.Line($"// {layers[head.Index].Description}: the rows of every sample, then one row sum and one product for the bias and weight gradients,");
        w.Line("// which sum the rows in the order sample after sample does (each gradient element one chain over the rows).");
        using (w.Block("for (int b = 0; b < count; b++)"))
        {
            w.Line("int s = _batch.SlotOf(b);");
            w.Line($"{ReadOnlySpan} cache = caches.Slice(s * {plan.CacheSize}, {plan.CacheSize});");
            w.Line($"{Span} dz = dzs.Slice(b * {gradientRows}, {gradientRows});");
            if (head.Dense.Activation == ActivationKind.Softmax)
            {
                EmitSoftmaxRows(w, plan, decoder, head);
            }
            else
            {
                EmitCopiedRows(w, plan, decoder, head);
            }
        }

        w.Line($"{MatrixKernels}.AddRowSums(dzs, count * {T}, {LayerEmitter.Param(head.Bias, "g")});");
        w.Line($"{MatrixKernels}.TransposeMultiplyAdd(dzs, xs, {LayerEmitter.Param(head.Weight, "g")}, {U}, count * {T}, {I});");
        w.Line("// dL/dx_t = W^T dz_t of every row, one product from zero (each element the one-sample chain over the units).");
        w.Line("dxs.Clear();");
        w.Line($"{MatrixKernels}.MultiplyAdd(dzs, {LayerEmitter.Param(head.Weight)}, dxs, count * {T}, {U}, {I});");
        w.Line("// Each sample: its rows of dL/dx into the layer below's output gradient, then its backward below the head.");
        using (w.Block("for (int b = 0; b < count; b++)"))
        {
            w.Line("int s = _batch.SlotOf(b);");
            w.Line($"{ReadOnlySpan} cache = caches.Slice(s * {plan.CacheSize}, {plan.CacheSize});");
            w.Line($"{Span} work = works.Slice(s * {plan.WorkSize}, {plan.WorkSize});");
            if (below.OutputGradient.Length > inputRows)
            {
                w.Line($"{CodeWriter.Slice("work", below.OutputGradient)}.Clear();");
            }

            w.Line($"dxs.Slice(b * {inputRows}, {inputRows}).CopyTo({CodeWriter.Prefix(CodeWriter.Slice("work", below.OutputGradient), "1", inputRows, below.OutputGradient.Length)});");
            w.Line($"{Span} inputGradient = inputGradients.IsEmpty ? default : inputGradients.Slice(b * {plan.InputLength}, {plan.InputLength});");
            w.Line("BackwardBelowHead(cache, work, _batch.Length(s), inputGradient);");
        }
    }
}
