using System;
using Rnn.Gen.Optimizers;

namespace Rnn.Gen.Training.Schedules;

/// <summary>
/// Multiplies the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps: PyTorch's
/// <c>torch.optim.lr_scheduler.StepLR</c>, <c>lr(t) = base · gamma^⌊t / stepSize⌋</c>.
/// </summary>
/// <remarks>
/// As PyTorch's <c>step()</c>, the rate is chained in double: at every step that is a multiple of
/// <see cref="StepSize"/> the current rate is multiplied by <see cref="Gamma"/>.
/// </remarks>
public sealed class StepDecay : LearningRateSchedule
{
    /// <summary>A step decay of <paramref name="optimizer"/>'s learning rate; the arguments are PyTorch's (<c>step_size</c>, <c>gamma</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is not positive, or <paramref name="gamma"/> is negative or not finite.</exception>
    public StepDecay(IOptimizer optimizer, int stepSize, double gamma = 0.1)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma >= 0) || !double.IsFinite(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"Invalid gamma: {gamma}; expected a finite value >= 0.");
        }

        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>The number of steps between two decays.</summary>
    public int StepSize { get; }

    /// <summary>The factor applied at each decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override double NextLearningRate(long step, double current, double? metric) =>
        step % StepSize == 0 ? current * Gamma : current;
}
