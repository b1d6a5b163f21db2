using System;
using Rnn.Gen.Optimizers;

namespace Rnn.Gen.Training.Schedules;

/// <summary>
/// Multiplies the learning rate by <see cref="Gamma"/> at every step: PyTorch's
/// <c>torch.optim.lr_scheduler.ExponentialLR</c>, <c>lr(t) = base · gamma^t</c> (chained in double, as its <c>step()</c>).
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>An exponential decay of <paramref name="optimizer"/>'s learning rate; the argument is PyTorch's <c>gamma</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is negative or not finite.</exception>
    public ExponentialDecay(IOptimizer optimizer, double gamma)
        : base(optimizer)
    {
        if (!(gamma >= 0) || !double.IsFinite(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"Invalid gamma: {gamma}; expected a finite value >= 0.");
        }

        Gamma = gamma;
    }

    /// <summary>The factor applied at each step.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override double NextLearningRate(long step, double current, double? metric) => current * Gamma;
}
