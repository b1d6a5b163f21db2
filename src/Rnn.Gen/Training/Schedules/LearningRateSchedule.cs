using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Optimizers;

namespace Rnn.Gen.Training.Schedules;

/// <summary>
/// The common part of the schedules: the bound optimizer, the step count, the learning rate kept in double, and the
/// checkpoint state. A derived class computes the learning rate of each step (<see cref="NextLearningRate"/>) and names
/// any further state it keeps (<see cref="StateValueNames"/>).
/// </summary>
public abstract class LearningRateSchedule : ILearningRateSchedule
{
    /// <summary>Binds the schedule to <paramref name="optimizer"/>; the base learning rate is the optimizer's current one.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    protected LearningRateSchedule(IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        BaseLearningRate = optimizer.LearningRate;
        LearningRate = BaseLearningRate;
    }

    /// <inheritdoc/>
    public IOptimizer Optimizer { get; }

    /// <inheritdoc/>
    public double BaseLearningRate { get; private set; }

    /// <inheritdoc/>
    public double LearningRate { get; private set; }

    /// <inheritdoc/>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    public void Step(double? metric = null)
    {
        double next = NextLearningRate(StepCount + 1, LearningRate, metric);
        StepCount++;
        Apply(next);
    }

    /// <inheritdoc/>
    public LearningRateScheduleState GetState()
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string name in StateValueNames)
        {
            values.Add(name, GetStateValue(name));
        }

        return new LearningRateScheduleState(GetType().Name, StepCount, BaseLearningRate, LearningRate, values);
    }

    /// <inheritdoc/>
    public void SetState(LearningRateScheduleState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string kind = GetType().Name;
        if (!string.Equals(state.Kind, kind, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Expected the state of a {kind} schedule, got one of a {state.Kind}.", nameof(state));
        }

        if (!IsValidRate(state.BaseLearningRate) || !IsValidRate(state.LearningRate))
        {
            throw new ArgumentException(
                $"Invalid learning rates in the state: base {state.BaseLearningRate}, current {state.LearningRate}; expected finite values >= 0.",
                nameof(state));
        }

        IReadOnlyList<string> names = StateValueNames;
        if (state.Values.Count != names.Count || names.Any(n => !state.Values.ContainsKey(n)))
        {
            throw new ArgumentException(
                $"Expected the values [{string.Join(", ", names)}] for a {kind}, got [{string.Join(", ", state.Values.Keys)}].", nameof(state));
        }

        ValidateStateValues(state.Values); // throws ArgumentException naming "state"
        foreach (string name in names)
        {
            SetStateValue(name, state.Values[name]);
        }

        StepCount = state.StepCount;
        BaseLearningRate = state.BaseLearningRate;
        Apply(state.LearningRate);
    }

    /// <summary>
    /// The learning rate after step <paramref name="step"/> (1 on the first call of <see cref="Step"/>), from the
    /// current one. May update the schedule's own counters (it is called once per step).
    /// </summary>
    protected abstract double NextLearningRate(long step, double current, double? metric);

    /// <summary>The names of the further values the state holds (none by default).</summary>
    protected virtual IReadOnlyList<string> StateValueNames => [];

    /// <summary>The value named <paramref name="name"/>, one of <see cref="StateValueNames"/>.</summary>
    protected virtual double GetStateValue(string name) => throw new ArgumentOutOfRangeException(nameof(name), name, null);

    /// <summary>Sets the value named <paramref name="name"/>; called only after <see cref="ValidateStateValues"/> passed.</summary>
    protected virtual void SetStateValue(string name, double value) => throw new ArgumentOutOfRangeException(nameof(name), name, null);

    /// <summary>Throws <see cref="ArgumentException"/> (parameter name <c>state</c>) when a value is invalid.</summary>
    protected virtual void ValidateStateValues(IReadOnlyDictionary<string, double> values)
    {
    }

    /// <summary>Sets the learning rate used from now on, here and in the optimizer (rounded to float).</summary>
    protected void Apply(double learningRate)
    {
        Optimizer.LearningRate = (float)learningRate;
        LearningRate = learningRate;
    }

    private static bool IsValidRate(double value) => value >= 0 && double.IsFinite(value);
}
