using System;
using System.Collections.Generic;

namespace Rnn.Gen;

/// <summary>
/// What every generated model offers, for code that works with any model (trainers, weight files, tests).
/// A generated class implements it explicitly; its own members (constants included) are the same, specialized.
/// </summary>
public interface IRnnModel
{
    /// <summary>Features per input time step.</summary>
    int InputSize { get; }

    /// <summary>Time steps per input sample.</summary>
    int Steps { get; }

    /// <summary>Features per output step.</summary>
    int OutputSize { get; }

    /// <summary>Output steps per sample: <see cref="Steps"/> for a many-to-many model, 1 for a many-to-one model.</summary>
    int OutputSteps { get; }

    /// <summary>Number of trainable parameters (the length of <see cref="Parameters"/>).</summary>
    int ParameterCount { get; }

    /// <summary>All parameters in one flat buffer, laid out as <see cref="ParameterLayout"/> says (PyTorch's layout).</summary>
    /// <remarks>
    /// A model whose kernels read its weights rearranged (recurrent layers, Conv1D) keeps that packed copy between
    /// calls and refreshes it at the first computing call after this property was read, so each read counts as a
    /// write. Write through a span taken after the model's last computing call (Predict, Forward, the batch path,
    /// Step, decoding), never through one kept from before it: read <c>Parameters</c> again, as
    /// <c>optimizer.Step(model.Parameters, model.Gradients)</c> does.
    /// </remarks>
    Span<float> Parameters { get; }

    /// <summary>The gradients of the parameters, same layout as <see cref="Parameters"/>.</summary>
    Span<float> Gradients { get; }

    /// <summary>Name, offset, length and shape of every parameter tensor, named as PyTorch's <c>state_dict</c>.</summary>
    IReadOnlyList<ParameterInfo> ParameterLayout { get; }

    /// <summary>Sets every parameter from a seeded generator with PyTorch's default initialization.</summary>
    void Initialize(int seed);

    /// <summary>Inference on one sample from a zero state; keeps nothing for <see cref="Backward(ReadOnlySpan{float})"/>.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Training forward pass on one sample; keeps what the next backward pass needs.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// Inference on a padded sample whose first <paramref name="length"/> steps are valid: padding leaves the state alone,
    /// outputs zeros at padded steps (many-to-many) or the output at the last valid step (many-to-one).
    /// </summary>
    /// <remarks>Generated models implement it; the default serves implementations without padding support.</remarks>
    void Predict(ReadOnlySpan<float> input, Span<float> output, int length)
    {
        if (length != Steps)
        {
            throw new NotSupportedException($"{GetType().Name} does not support padded samples; pass length = Steps ({Steps}).");
        }

        Predict(input, output);
    }

    /// <summary>Training forward pass on a padded sample whose first <paramref name="length"/> steps are valid; Backward ignores the padding.</summary>
    /// <remarks>Generated models implement it; the default serves implementations without padding support.</remarks>
    void Forward(ReadOnlySpan<float> input, Span<float> output, int length)
    {
        if (length != Steps)
        {
            throw new NotSupportedException($"{GetType().Name} does not support padded samples; pass length = Steps ({Steps}).");
        }

        Forward(input, output);
    }

    /// <summary>
    /// Training forward pass of a model with a decoder, with teacher forcing: the decoder's input at step t is row t − 1
    /// of <paramref name="targets"/> (<c>[OutputSteps, OutputSize]</c>; one-hot rows for token models).
    /// </summary>
    /// <remarks>Generated models with a <c>[Decoder]</c> implement it; the default refuses.</remarks>
    void ForwardTeacherForced(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, Span<float> output, int length) =>
        throw new NotSupportedException($"{GetType().Name} has no decoder, so there is nothing to teacher-force; use Forward.");

    /// <summary>Backpropagation through time for the last <see cref="Forward(ReadOnlySpan{float}, Span{float})"/>; adds into <see cref="Gradients"/>.</summary>
    void Backward(ReadOnlySpan<float> outputGradient);

    /// <summary>As <see cref="Backward(ReadOnlySpan{float})"/>, and writes the gradient with respect to the input.</summary>
    void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();

    /// <summary>Zeroes the streaming state used by <see cref="Step"/>.</summary>
    void ResetState();

    /// <summary>Runs one time step on the streaming state and writes this step's output.</summary>
    void Step(ReadOnlySpan<float> inputStep, Span<float> outputStep);

    /// <summary>
    /// A predictor for concurrent inference: it reads this model's parameters and owns its buffers and streaming state,
    /// so each thread can predict with its own while the model itself runs one call at a time.
    /// </summary>
    /// <remarks>Generated models implement it; the default refuses.</remarks>
    IRnnPredictor CreatePredictor() =>
        throw new NotSupportedException($"{GetType().Name} has no predictors; give each thread an instance of its own with the same parameters.");

    /// <summary>
    /// Adds the gradients of the declared L1/L2 penalties into <see cref="Gradients"/> and returns the penalty
    /// (call it once per optimizer step, after the batch's gradients are averaged). 0 when none is declared.
    /// </summary>
    float ApplyRegularization() => 0f;

    /// <summary>
    /// A stateful model's carried state: where the next <see cref="Forward(ReadOnlySpan{float}, Span{float})"/> starts
    /// (the state the previous one ended in). Checkpoints save it so a run resumes exactly mid-series. Empty for models
    /// that are not stateful.
    /// </summary>
    Span<float> CarriedState => Span<float>.Empty;

    /// <summary>
    /// The generator behind the training-only randomness of <see cref="Forward(ReadOnlySpan{float}, Span{float})"/> (dropout masks, Gaussian noise);
    /// seeded by <see cref="Initialize"/>; save its state with a checkpoint to resume exactly. Every generated model
    /// has one; <see langword="null"/> only for implementations that draw no training randomness.
    /// </summary>
    Initialization.SeededRandom? TrainingRandom => null;

    /// <summary>
    /// How many of the <see cref="OutputSteps"/> output rows carry a sample whose first <paramref name="length"/> input
    /// steps are valid (the rest are zero padding): <paramref name="length"/> for a model whose output follows its input
    /// steps, all of them for a many-to-one model, and, when convolution or pooling windows shorten the sequence, the
    /// valid input steps through those windows (PyTorch's output-length arithmetic). The trainer counts these rows alone.
    /// </summary>
    int ValidOutputSteps(int length) => OutputSteps > 1 && OutputSteps == Steps ? length : OutputSteps;

    /// <summary>
    /// The end-of-sequence token of a decoder declared with <c>[Decoder(n, EndToken = k)]</c>, else null. Decoding stops
    /// at it, and the trainer counts a target's steps through its first end token alone
    /// (<see cref="Decoding.SequenceEnd"/>).
    /// </summary>
    int? EndToken => null;

    /// <summary>
    /// The model's layers as data (kinds, sizes, options; parameters by state_dict name), as exporters read them
    /// (<see cref="Export.Onnx.OnnxExporter"/>). Every generated model has one; <see langword="null"/> only for other implementations.
    /// </summary>
    Export.ModelArchitecture? Architecture => null;
}
