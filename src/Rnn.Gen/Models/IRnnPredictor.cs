using System;

namespace Rnn.Gen;

/// <summary>
/// Inference on a model's parameters with buffers of its own, for concurrent inference: create one per thread with
/// <see cref="IRnnModel.CreatePredictor"/> (a generated model's own <c>CreatePredictor()</c> returns its nested
/// <c>Predictor</c> class, which adds the model's token and decoding members). A predictor reads the model's
/// parameters at every call, so it computes what the model computes, and what the model's training made of them; it
/// keeps its own streaming state for <see cref="Step"/>. Like a model, it runs one call at a time (an overlapping call
/// throws <see cref="InvalidOperationException"/>); and the model must not be trained or loaded into while its
/// predictors run.
/// </summary>
public interface IRnnPredictor
{
    /// <summary>Features per input time step.</summary>
    int InputSize { get; }

    /// <summary>Time steps per input sample.</summary>
    int Steps { get; }

    /// <summary>Features per output step.</summary>
    int OutputSize { get; }

    /// <summary>Output steps per sample.</summary>
    int OutputSteps { get; }

    /// <summary>As the model's <see cref="IRnnModel.Predict(ReadOnlySpan{float}, Span{float})"/>: inference on one sample from a zero state.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>As the model's <see cref="IRnnModel.Predict(ReadOnlySpan{float}, Span{float}, int)"/>: a sample whose first <paramref name="length"/> steps are valid.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output, int length);

    /// <summary>Zeroes this predictor's streaming state (the model's own is separate).</summary>
    void ResetState();

    /// <summary>As the model's <see cref="IRnnModel.Step"/>, on this predictor's streaming state.</summary>
    void Step(ReadOnlySpan<float> inputStep, Span<float> outputStep);
}
