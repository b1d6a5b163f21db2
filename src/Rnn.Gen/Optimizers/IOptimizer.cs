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

    /// <summary>
    /// Named state for checkpoints: PyTorch-like buffer names (<c>momentum_buffer</c>, <c>exp_avg</c>,
    /// <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>, <c>square_avg</c>, <c>grad_avg</c>, <c>sum</c>), the step count and
    /// the hyper-parameters that change (the learning rate). The buffers are copies.
    /// </summary>
    OptimizerState GetState();

    /// <summary>
    /// Restores a state from <see cref="GetState"/> of an optimizer of the same kind, options and parameter count, so
    /// that the next <see cref="Step"/> continues bit for bit as the saved optimizer would have. The buffers are
    /// copied. An optimizer that has not stepped yet binds to the state's parameter count.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The kind differs, the buffer names are not those this optimizer keeps with its options at that step, the buffers'
    /// length differs from the bound parameter count, or the learning rate is invalid. Nothing is changed then.
    /// </exception>
    void SetState(OptimizerState state);
}
