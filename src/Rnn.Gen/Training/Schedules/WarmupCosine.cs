using System;
using Rnn.Gen.Optimizers;

namespace Rnn.Gen.Training.Schedules;

/// <summary>
/// A linear warm-up to the base learning rate, then a cosine decay to <see cref="MinLearningRate"/> (the schedule of
/// Hugging Face's <c>get_cosine_schedule_with_warmup</c>, with a floor; in PyTorch, <c>SequentialLR</c> of
/// <c>LinearLR</c> and <c>CosineAnnealingLR</c>).
/// </summary>
/// <remarks>
/// With <c>W = warmupSteps</c>, <c>T = totalSteps</c>, base rate <c>b</c> and floor <c>m</c>, the rate after
/// <c>t</c> steps (t = 0 when the schedule is created) is, in closed form:
/// <code>
/// t &lt; W:        b · (t + 1) / W                                    (the first step already learns)
/// W ≤ t ≤ T:    m + (b − m) · (1 + cos(π · (t − W) / (T − W))) / 2  (b at t = W, m at t = T)
/// t &gt; T:        m
/// </code>
/// Creating the schedule sets the optimizer's rate to the rate at <c>t = 0</c>.
/// </remarks>
public sealed class WarmupCosine : LearningRateSchedule
{
    /// <summary>A warm-up and cosine schedule of <paramref name="optimizer"/>'s learning rate (its current rate is the peak).</summary>
    /// <param name="optimizer">The optimizer; its learning rate now is the base (peak) rate.</param>
    /// <param name="warmupSteps">Steps of linear warm-up, zero or more.</param>
    /// <param name="totalSteps">The step at which the cosine reaches <paramref name="minLearningRate"/>; more than <paramref name="warmupSteps"/>.</param>
    /// <param name="minLearningRate">The floor, between zero and the base rate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public WarmupCosine(IOptimizer optimizer, int warmupSteps, int totalSteps, double minLearningRate = 0)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps <= warmupSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"Invalid totalSteps: {totalSteps}; expected more than warmupSteps ({warmupSteps}).");
        }

        if (!(minLearningRate >= 0 && minLearningRate <= BaseLearningRate))
        {
            throw new ArgumentOutOfRangeException(
                nameof(minLearningRate), minLearningRate, $"Invalid minLearningRate: {minLearningRate}; expected 0 <= minLearningRate <= the base rate ({BaseLearningRate}).");
        }

        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
        Apply(RateAt(0));
    }

    /// <summary>Steps of linear warm-up.</summary>
    public int WarmupSteps { get; }

    /// <summary>The step at which the rate reaches <see cref="MinLearningRate"/>.</summary>
    public int TotalSteps { get; }

    /// <summary>The floor of the rate.</summary>
    public double MinLearningRate { get; }

    /// <summary>The rate after <paramref name="step"/> steps, in closed form (see the remarks of the class).</summary>
    public double RateAt(long step)
    {
        double b = BaseLearningRate, m = MinLearningRate;
        if (step < WarmupSteps)
        {
            return b * (step + 1) / WarmupSteps;
        }

        if (step >= TotalSteps)
        {
            return m;
        }

        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return m + (b - m) * 0.5 * (1.0 + Math.Cos(Math.PI * progress));
    }

    /// <inheritdoc/>
    protected override double NextLearningRate(long step, double current, double? metric) => RateAt(step);
}
