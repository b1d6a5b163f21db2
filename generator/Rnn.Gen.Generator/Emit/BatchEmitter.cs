using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// Emits a model's batch path (<c>IRnnBatchModel</c>): <c>ReserveBatch</c>, <c>ForwardBatch</c> and
/// <c>BackwardBatch</c>. Every sample of the batch has its own cache, work and scratch block (a slot) in a
/// <c>BatchWorkspace</c>, laid out as the one-sample buffers; layers run layer after layer over all the slots, and the
/// recurrent layers step the slots in lockstep so that each step's W_hh product covers the whole batch.
/// </summary>
internal static class BatchEmitter
{
    /// <summary><c>ReserveBatch(capacity)</c>, which allocates the batch buffers before the first batch that <paramref name="forwardCref"/> (a cref) runs.</summary>
    public static void EmitReserveBatch(CodeWriter w, string forwardCref)
    {
        w.Line();
        w.Summary($"Allocates the batch buffers for up to <paramref name=\"capacity\"/> samples now, so that no later <see cref=\"{forwardCref}\"/> allocates.");
        using (w.Block("public void ReserveBatch(int capacity)"))
        using (CallGuardCode.Hold(w))
        {
            w.Line("_batch.Reserve(capacity);");
        }
    }

    public static void EmitMembers(CodeWriter w, ModelPlan plan, List<LayerEmitter> layers)
    {
        ModelSpec spec = plan.Spec;
        var batch = new BatchLayout(plan.CacheSize, plan.WorkSize, plan.ScratchSize);
        bool drawsRandom = plan.Layers.Any(l => l.DrawsTrainingRandomness);

        EmitReserveBatch(w, "ForwardBatch(global::System.ReadOnlySpan{float}, global::System.Span{float}, global::System.ReadOnlySpan{int})");

        w.Line();
        w.Summary($"Training forward pass on a batch of whole samples: <paramref name=\"inputs\"/> is [B, {spec.Steps}, {spec.InputSize}], <paramref name=\"outputs\"/> [B, {plan.OutputSteps}, {plan.OutputSize}].");
        w.Line($"public void ForwardBatch({ReadOnlySpan} inputs, {Span} outputs) => ForwardBatch(inputs, outputs, default);");
        w.Line();
        w.Summary("Training forward pass on a batch, in lockstep: each recurrent step multiplies the hidden states of every running sample by W_hh in one matrix product. <paramref name=\"lengths\"/> holds each sample's valid steps, or is empty for full-length samples. Outputs and gradients equal Forward and Backward sample after sample, bit for bit (dropout and noise draw in another order). Keeps what <see cref=\"BackwardBatch(global::System.ReadOnlySpan{float}, global::System.Span{float})\"/> needs; Forward's own cache is untouched.");
        using (w.Block($"public void ForwardBatch({ReadOnlySpan} inputs, {Span} outputs, {IntReadOnlySpan} lengths)"))
        using (CallGuardCode.Hold(w))
        {
            w.Line($"int batch = _batch.Begin(inputs.Length, {plan.InputLength}, outputs.Length, {plan.OutputLength}, lengths); // checks the shapes and lengths, orders the samples longest first");
            if (plan.TokenVocabulary is not null)
            {
                w.Line($"{Guard}.CheckTokenBatch(inputs, {spec.Steps}, lengths, VocabularySize, nameof(inputs)); // token ids, before anything is computed");
            }

            w.Line($"{Span} caches = _batch.Cache;");
            w.Line($"for (int s = 0; s < batch; s++) inputs.Slice(_batch.SampleOf(s) * {plan.InputLength}, {plan.InputLength}).CopyTo(caches.Slice(s * {plan.CacheSize} + {plan.InputCache.Name}, {plan.InputLength}));");
            w.Line("ForwardBatchLayers(batch, outputs);");
        }

        if (plan.TokenVocabulary is not null)
        {
            w.Line();
            w.Summary($"<see cref=\"ForwardBatch(global::System.ReadOnlySpan{{float}}, global::System.Span{{float}}, global::System.ReadOnlySpan{{int}})\"/> on token ids, [B, {spec.Steps}]: every valid id must be in [0, VocabularySize), else an <see cref=\"global::System.ArgumentOutOfRangeException\"/> names it (sample and step) before anything is computed.");
            w.Line($"public void ForwardBatch({IntReadOnlySpan} inputs, {Span} outputs) => ForwardBatch(inputs, outputs, default);");
            w.Line();
            w.Summary("As above, for samples whose first <paramref name=\"lengths\"/>[b] ids are valid (the padding's ids are not read).");
            using (w.Block($"public void ForwardBatch({IntReadOnlySpan} inputs, {Span} outputs, {IntReadOnlySpan} lengths)"))
            using (CallGuardCode.Hold(w))
            {
                w.Line($"int batch = _batch.Begin(inputs.Length, {plan.InputLength}, outputs.Length, {plan.OutputLength}, lengths); // checks the shapes and lengths, orders the samples longest first");
                w.Line($"{Guard}.CheckTokenBatch(inputs, {spec.Steps}, lengths, VocabularySize, nameof(inputs)); // before anything is computed");
                w.Line($"{Span} caches = _batch.Cache;");
                w.Line($"for (int s = 0; s < batch; s++) {Guard}.CopyTokens(inputs.Slice(_batch.SampleOf(s) * {plan.InputLength}, {plan.InputLength}), caches.Slice(s * {plan.CacheSize} + {plan.InputCache.Name}, {plan.InputLength}));");
                w.Line("ForwardBatchLayers(batch, outputs);");
            }
        }

        w.Line();
        w.Summary("The batch's layers, layer after layer over every slot, once each slot's cache holds its sample's input; then the outputs in sample order.");
        using (w.Block($"private void ForwardBatchLayers(int batch, {Span} outputs)"))
        {
            w.Line("int maxLength = _batch.MaxLength;");
            w.Line($"{Span} caches = _batch.Cache;");
            w.Line($"{Span} scratches = _batch.Scratch;");
            if (drawsRandom || (plan.Spec.Int8Weights && plan.Layers.Any(l => l.Spec.Int8 == Int8Support.Quantized && !l.Spec.IsRecurrent))) // a Dense layer's batch forward asks it with int8 weights
            {
                w.Line("bool training = true; // dropout and noise apply" + (plan.Spec.Int8Weights ? "; float32 weights, not int8" : string.Empty));
            }

            if (plan.PackedSize > 0)
            {
                w.Line("PackIfStale();");
                w.Line($"{ReadOnlySpan} p = _parameters;");
                w.Line($"{Span} packed = _packed;");
            }

            for (int i = 0; i < layers.Count; i++)
            {
                string source = i == 0 ? CodeWriter.Slice("cache", plan.InputCache) : LayerWiring.OutputView(layers[i - 1].Layer, "cache");
                Region sourceRegion = i == 0 ? plan.InputCache : layers[i - 1].Layer.OutputView;
                w.Line();
                layers[i].EmitBatchForward(w, batch, $"x{i}", source, sourceRegion);
                if (layers[i].Layer.LengthMap is not null)
                {
                    EmitSelectLengths(w, plan, plan.LengthStage(i + 1), "the layers above read this layer's output: its valid steps");
                }
            }

            w.Line();
            using (w.Block("for (int s = 0; s < batch; s++)"))
            {
                batch.DeclareSlot(w);
                w.Line($"{LayerWiring.OutputView(plan.Head, "cache")}.CopyTo(outputs.Slice(_batch.SampleOf(s) * {plan.OutputLength}, {plan.OutputLength}));");
            }

            w.Line("_batch.Complete();");
        }

        EmitBackwardBatch(w, plan, "ForwardBatch(global::System.ReadOnlySpan{float}, global::System.Span{float}, global::System.ReadOnlySpan{int})", () => EmitLockstepBackward(w, plan, layers, batch));
    }

    /// <summary>
    /// The two <c>BackwardBatch</c> overloads, the decoder batch path's too (<see cref="DecoderBatchEmitter"/>): their
    /// documentation, the token-input refusal and the shape checks, then <paramref name="body"/> inside the call guard.
    /// <paramref name="forward"/> is the cref of the forward pass whose workspace they read.
    /// </summary>
    internal static void EmitBackwardBatch(CodeWriter w, ModelPlan plan, string forward, Action body)
    {
        w.Line();
        w.Summary($"Backpropagation through time for the last <see cref=\"{forward}\"/>: <paramref name=\"outputGradients\"/> is [B, OutputSteps, OutputSize]; adds every sample's dLoss/dParameters into <see cref=\"Gradients\"/>, in sample order.");
        w.Line($"public void BackwardBatch({ReadOnlySpan} outputGradients) => BackwardBatch(outputGradients, default);");
        w.Line();
        w.Summary($"As <see cref=\"BackwardBatch(global::System.ReadOnlySpan{{float}})\"/>, and writes dLoss/dInput [B, {plan.Spec.Steps}, {plan.Spec.InputSize}] into <paramref name=\"inputGradients\"/> unless it is empty.");
        using (w.Block($"public void BackwardBatch({ReadOnlySpan} outputGradients, {Span} inputGradients)"))
        using (CallGuardCode.Hold(w))
        {
            if (plan.TokenVocabulary is not null)
            {
                w.Line($"if (!inputGradients.IsEmpty) {Guard}.ThrowNoTokenGradient(nameof(inputGradients)); // the input is token ids");
            }

            w.Line($"_batch.CheckBackward(outputGradients.Length, {plan.OutputLength}, inputGradients.Length, {plan.InputLength});");
            body();
        }
    }

    /// <summary>BackwardBatch's body: every sample's output gradient into its work block, then each layer's backward over the batch in lockstep, top down.</summary>
    private static void EmitLockstepBackward(CodeWriter w, ModelPlan plan, List<LayerEmitter> layers, BatchLayout batch)
    {
        w.Line("int batch = _batch.Count;");
        if (plan.LengthStages > 0)
        {
            EmitSelectLengths(w, plan, plan.LengthStages, "the head's valid steps, where backward starts", declare: false);
        }

        w.Line("int maxLength = _batch.MaxLength;");
        w.Line($"{ReadOnlySpan} caches = _batch.Cache;");
        w.Line($"{Span} works = _batch.Work;");
        if (plan.Layers.Any(l => l.Spec.IsRecurrent))
        {
            w.Line($"{ReadOnlySpan} p = _parameters; // the lockstep products through W_hh read it");
        }

        using (w.Block("for (int s = 0; s < batch; s++)"))
        {
            w.Line(batch.SlotWork());
            w.Line("int length = _batch.Length(s);");
            if (plan.Head.OutputGradientView != plan.Head.OutputGradient)
            {
                w.Line($"{CodeWriter.Slice("work", plan.Head.OutputGradient)}.Clear(); // only the last step receives a gradient");
            }

            w.Line($"outputGradients.Slice(_batch.SampleOf(s) * {plan.OutputLength}, {plan.OutputLength}).CopyTo({LayerWiring.OutputGradientView(plan.Head, "work")});");
        }

        int selected = plan.LengthStages;
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            w.Line();
            if (plan.LengthStage(i) != selected)
            {
                selected = plan.LengthStage(i);
                EmitSelectLengths(w, plan, selected, $"layer {i} reads the valid steps of its own input");
                w.Line();
            }

            LayerPlan? below = i == 0 ? null : layers[i - 1].Layer;
            layers[i].EmitBatchBackward(w, batch, (writer, method, extra) => EmitBackwardCall(writer, plan, below, method, extra));
        }
    }

    /// <summary>
    /// Points the workspace's lengths (<c>_batch.Length(s)</c>, <c>Running(t)</c>, <c>maxLength</c>) at length stage
    /// <paramref name="stage"/>: each sample's valid length through the maps of the first <paramref name="stage"/>
    /// layers that change it.
    /// </summary>
    private static void EmitSelectLengths(CodeWriter w, ModelPlan plan, int stage, string why, bool declare = true)
    {
        w.Line(stage == 0
            ? $"_batch.SelectLengths(null); // {why}"
            : $"_batch.SelectLengths(static length => {plan.StageLength(stage, "length")}); // {why}");
        if (declare)
        {
            w.Line("maxLength = _batch.MaxLength;");
        }
    }

    /// <summary>
    /// One sample's call of a layer's backward <paramref name="method"/> (inside the batch-order loop): from the layer
    /// below's output into its cleared output gradient, or for the first layer into the sample's rows of
    /// <c>inputGradients</c>.
    /// </summary>
    private static void EmitBackwardCall(CodeWriter w, ModelPlan plan, LayerPlan? below, string method, string extra)
    {
        if (below is null)
        {
            w.Line($"{Span} inputGradient = inputGradients.IsEmpty ? default : inputGradients.Slice(b * {plan.InputLength}, {plan.InputLength});");
            w.Line("inputGradient.Clear();");
            w.Line($"{method}(cache, work, length, {CodeWriter.Slice("cache", plan.InputCache)}, inputGradient{extra});");
        }
        else
        {
            w.Line($"{CodeWriter.Slice("work", below.OutputGradient)}.Clear();");
            w.Line($"{method}(cache, work, length, {LayerWiring.OutputView(below, "cache")}, {LayerWiring.OutputGradientView(below, "work")}{extra});");
        }
    }
}
