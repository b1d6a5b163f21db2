using System;
using System.Collections.Generic;
using System.Linq;

namespace Rnn.Gen.Training.Schedules;

/// <summary>
/// A snapshot of a learning-rate schedule for a checkpoint: what <see cref="ILearningRateSchedule.GetState"/>
/// returns and <see cref="ILearningRateSchedule.SetState"/> restores. Immutable.
/// </summary>
public sealed class LearningRateScheduleState
{
    /// <summary>Creates a state; the values are copied.</summary>
    /// <param name="kind">The schedule's class name (<c>StepDecay</c>, <c>ExponentialDecay</c>, <c>WarmupCosine</c>, <c>ReduceOnPlateau</c>).</param>
    /// <param name="stepCount">Steps taken, zero or more.</param>
    /// <param name="baseLearningRate">The learning rate the schedule started from.</param>
    /// <param name="learningRate">The current learning rate.</param>
    /// <param name="values">Further named values of the schedule (PyTorch's names: <c>best</c>, <c>num_bad_epochs</c>, <c>cooldown_counter</c>); may be empty.</param>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepCount"/> is negative.</exception>
    public LearningRateScheduleState(
        string kind, long stepCount, double baseLearningRate, double learningRate, IReadOnlyDictionary<string, double>? values = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        Kind = kind;
        StepCount = stepCount;
        BaseLearningRate = baseLearningRate;
        LearningRate = learningRate;
        Values = new SortedDictionary<string, double>(
            (values ?? new Dictionary<string, double>()).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), StringComparer.Ordinal)
            .AsReadOnly();
    }

    /// <summary>The schedule's class name.</summary>
    public string Kind { get; }

    /// <summary>Steps taken (PyTorch's <c>last_epoch</c>).</summary>
    public long StepCount { get; }

    /// <summary>The learning rate the schedule started from (PyTorch's <c>base_lrs</c>).</summary>
    public double BaseLearningRate { get; }

    /// <summary>The current learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>Further named values of the schedule, in ordinal name order.</summary>
    public IReadOnlyDictionary<string, double> Values { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Kind} state: step {StepCount}, learning rate {LearningRate} (base {BaseLearningRate})"
        + string.Concat(Values.Select(v => $", {v.Key} {v.Value}"));
}
