using System;

namespace Rnn.Gen;

/// <summary>
/// A model with a <c>[Decoder]</c> that also trains a whole mini-batch at once by teacher forcing:
/// <see cref="ForwardBatchTeacherForced"/> runs every sample's encoder and teacher-forced decoder into a cache of its own,
/// and <see cref="BackwardBatch"/> sends the gradients back, adding them in sample order.
/// </summary>
/// <remarks>
/// <para>Results: the outputs and the gradients a batch adds are bit for bit what
/// <see cref="IRnnModel.ForwardTeacherForced(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> and
/// <see cref="IRnnModel.Backward(ReadOnlySpan{float})"/> give sample after sample in batch order, end-token masking
/// included (dropout and noise draw in the same order too). The <see cref="Training.Trainer"/> uses it for decoder
/// models trained with teacher forcing.</para>
/// <para>The batch buffers are allocated on the first batch larger than any before, or by <see cref="ReserveBatch"/>;
/// never per call. They are separate from <c>Forward</c>'s, which keeps its own.</para>
/// </remarks>
public interface IRnnDecoderBatchModel : IRnnModel
{
    /// <summary>Allocates the batch buffers for up to <paramref name="capacity"/> samples now, so no later call allocates.</summary>
    void ReserveBatch(int capacity);

    /// <summary>
    /// Teacher-forced training forward pass on a batch: <paramref name="inputs"/> is <c>[B, Steps, InputSize]</c>,
    /// <paramref name="targets"/> and <paramref name="outputs"/> <c>[B, OutputSteps, OutputSize]</c> (sample b's decoder
    /// reads its target row t − 1 at step t, as ForwardTeacherForced does); <paramref name="lengths"/> holds each
    /// sample's valid input steps, or is empty when every sample is <c>Steps</c> long. With an end token, each
    /// sample's steps after its target's end token are zeros and get no gradient. Keeps what
    /// <see cref="BackwardBatch"/> needs; <paramref name="targets"/> is not read after the call.
    /// </summary>
    void ForwardBatchTeacherForced(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> outputs, ReadOnlySpan<int> lengths);

    /// <summary>
    /// Backpropagation through time for the last <see cref="ForwardBatchTeacherForced"/>: <paramref name="outputGradients"/>
    /// is <c>[B, OutputSteps, OutputSize]</c>; adds the gradients of every sample into <see cref="IRnnModel.Gradients"/>, in
    /// sample order; writes dLoss/dInput <c>[B, Steps, InputSize]</c> into <paramref name="inputGradients"/> unless it is empty.
    /// </summary>
    void BackwardBatch(ReadOnlySpan<float> outputGradients, Span<float> inputGradients);
}
