using System;

namespace Rnn.Gen;

/// <summary>
/// A model that also trains a whole mini-batch at once: <see cref="ForwardBatch"/> runs the samples in lockstep, so every
/// recurrent step multiplies the hidden states of all the samples by W_hh in one matrix product (each weight loaded once
/// for the batch instead of once per sample), and <see cref="BackwardBatch"/> sends the gradients back the same way.
/// </summary>
/// <remarks>
/// <para>Generated for models without a decoder, a bidirectional layer or <c>Stateful = true</c> (those train one sample
/// at a time). The <see cref="Training.Trainer"/> uses it whenever the model has it.</para>
/// <para>Results: for a model without dropout or noise, the outputs and the gradients a batch adds are bit for bit what
/// <see cref="IRnnModel.Forward(ReadOnlySpan{float}, Span{float}, int)"/> and <see cref="IRnnModel.Backward(ReadOnlySpan{float})"/>
/// give sample after sample in batch order (every kernel computes each element as the same chain of fused
/// multiply-adds). Dropout masks and noise are drawn from <see cref="IRnnModel"/>'s training generator layer by layer
/// across the batch, so with dropout the draws (not their distribution) differ from the one-sample path's.</para>
/// <para>The batch buffers (caches of every sample) are allocated on the first batch larger than any before, or by
/// <see cref="ReserveBatch"/>; never per call. They are separate from <c>Forward</c>'s, which keeps its own.</para>
/// </remarks>
public interface IRnnBatchModel : IRnnModel
{
    /// <summary>Allocates the batch buffers for up to <paramref name="capacity"/> samples now, so no later call allocates.</summary>
    void ReserveBatch(int capacity);

    /// <summary>
    /// Training forward pass on a batch: <paramref name="inputs"/> is <c>[B, Steps, InputSize]</c>,
    /// <paramref name="outputs"/> receives <c>[B, OutputSteps, OutputSize]</c>; <paramref name="lengths"/> holds each
    /// sample's valid steps (1 to Steps), or is empty when every sample is <c>Steps</c> long. Keeps what
    /// <see cref="BackwardBatch"/> needs.
    /// </summary>
    void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, ReadOnlySpan<int> lengths);

    /// <summary>
    /// Backpropagation through time for the last <see cref="ForwardBatch"/>: <paramref name="outputGradients"/> is
    /// <c>[B, OutputSteps, OutputSize]</c>; adds the gradients of every sample into <see cref="IRnnModel.Gradients"/>, in
    /// sample order; writes dLoss/dInput <c>[B, Steps, InputSize]</c> into <paramref name="inputGradients"/> unless it is empty.
    /// </summary>
    void BackwardBatch(ReadOnlySpan<float> outputGradients, Span<float> inputGradients);
}
