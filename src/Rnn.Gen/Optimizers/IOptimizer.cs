using System;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// Updates a flat parameter buffer from its gradients, one step at a time, with the update rule of the PyTorch
/// optimizer of the same name.
/// </summary>
/// <remarks>
/// An optimizer serves one parameter buffer (a model's <see cref="IRnnModel.Parameters"/>): its state (momentum,
/// moment estimates) is kept in flat arrays parallel to it, so every call to <see cref="Step"/> must pass buffers of
/// the same length. A step after the first allocates nothing.
/// </remarks>
public interface IOptimizer
{
    /// <summary>The learning rate used by the next <see cref="Step"/>; schedules change it between steps.</summary>
    float LearningRate { get; set; }

    /// <summary>Applies one update to <paramref name="parameters"/> from <paramref name="gradients"/> (same length).</summary>
    /// <exception cref="ArgumentException">
    /// The spans differ in length, or their length differs from the one the optimizer was first used with.
    /// </exception>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
}
