using System;
using System.Collections.Generic;
using Rnn.Gen.Optimizers;

namespace Rnn.Gen.Training.Schedules;

/// <summary>Whether <see cref="ReduceOnPlateau"/> watches a metric that should fall (a loss) or rise (an accuracy).</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (PyTorch's <c>mode='min'</c>).</summary>
    Min,

    /// <summary>Higher is better (<c>mode='max'</c>).</summary>
    Max,
}

/// <summary>How <see cref="ReduceOnPlateau"/> decides that a metric improved on the best so far.</summary>
public enum ThresholdMode
{
    /// <summary>By a fraction of the best: <c>best · (1 ∓ threshold)</c> (PyTorch's <c>threshold_mode='rel'</c>).</summary>
    Relative,

    /// <summary>By an amount: <c>best ∓ threshold</c> (<c>threshold_mode='abs'</c>).</summary>
    Absolute,
}

/// <summary>
/// Reduces the learning rate when a metric has stopped improving: PyTorch's
/// <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>, step for step.
/// </summary>
/// <remarks>
/// Each <see cref="LearningRateSchedule.Step"/> takes the epoch's metric. It counts as an improvement when it beats the
/// best so far by the threshold (a NaN never does); otherwise the count of bad epochs grows. During a cooldown bad
/// epochs are not counted. When more than <see cref="Patience"/> epochs in a row were bad, the rate becomes
/// <c>max(lr · factor, minLearningRate)</c>, unless that changes it by <see cref="Eps"/> or less, and a cooldown of
/// <see cref="Cooldown"/> epochs starts. Creating the schedule leaves the optimizer's rate as it is.
/// </remarks>
public sealed class ReduceOnPlateau : LearningRateSchedule
{
    private static readonly string[] ValueNames = ["best", "cooldown_counter", "num_bad_epochs"];

    private double _best;
    private int _badEpochs;
    private int _cooldownCounter;

    /// <summary>
    /// A plateau schedule of <paramref name="optimizer"/>'s learning rate; the arguments are PyTorch's (<c>mode</c>,
    /// <c>factor</c>, <c>patience</c>, <c>threshold</c>, <c>threshold_mode</c>, <c>cooldown</c>, <c>min_lr</c>,
    /// <c>eps</c>), with its defaults.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="factor"/> is outside [0, 1), a count is negative, a value is negative or NaN, or an enum value is undefined.
    /// </exception>
    public ReduceOnPlateau(
        IOptimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10, double threshold = 1e-4,
        ThresholdMode thresholdMode = ThresholdMode.Relative, int cooldown = 0, double minLearningRate = 0, double eps = 1e-8)
        : base(optimizer)
    {
        if (mode is not (PlateauMode.Min or PlateauMode.Max))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Expected PlateauMode.Min or PlateauMode.Max.");
        }

        if (thresholdMode is not (ThresholdMode.Relative or ThresholdMode.Absolute))
        {
            throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode, "Expected ThresholdMode.Relative or ThresholdMode.Absolute.");
        }

        if (!(factor >= 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"Invalid factor: {factor}; expected 0 <= factor < 1.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        ThrowIfNegativeOrNaN(threshold, nameof(threshold));
        ThrowIfNegativeOrNaN(minLearningRate, nameof(minLearningRate));
        ThrowIfNegativeOrNaN(eps, nameof(eps));
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
        Eps = eps;
        _best = WorstValue;
    }

    /// <summary>Whether the metric should fall or rise.</summary>
    public PlateauMode Mode { get; }

    /// <summary>The factor applied to the rate at each reduction.</summary>
    public double Factor { get; }

    /// <summary>Bad epochs tolerated in a row; the next one reduces the rate.</summary>
    public int Patience { get; }

    /// <summary>The margin by which a metric must beat the best to count as an improvement.</summary>
    public double Threshold { get; }

    /// <summary>Whether <see cref="Threshold"/> is relative to the best or absolute.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Epochs after a reduction during which bad epochs are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>The floor of the rate.</summary>
    public double MinLearningRate { get; }

    /// <summary>A reduction smaller than or equal to this is not applied.</summary>
    public double Eps { get; }

    /// <summary>The best metric so far (+∞ in <see cref="PlateauMode.Min"/> mode, −∞ in <see cref="PlateauMode.Max"/>, before the first step).</summary>
    public double Best => _best;

    /// <summary>Bad epochs counted since the last improvement, reduction or cooldown.</summary>
    public int BadEpochs => _badEpochs;

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownCounter => _cooldownCounter;

    private double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateValueNames => ValueNames;

    /// <inheritdoc/>
    protected override double GetStateValue(string name) => name switch
    {
        "best" => _best,
        "cooldown_counter" => _cooldownCounter,
        "num_bad_epochs" => _badEpochs,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <inheritdoc/>
    protected override void ValidateStateValues(IReadOnlyDictionary<string, double> values)
    {
        foreach (string counter in new[] { "cooldown_counter", "num_bad_epochs" })
        {
            double value = values[counter];
            if (!(value >= 0 && value <= int.MaxValue && value == Math.Floor(value)))
            {
                throw new ArgumentException($"Invalid {counter} in the state: {value}; expected a whole number >= 0.", "state");
            }
        }
    }

    /// <inheritdoc/>
    protected override void SetStateValue(string name, double value)
    {
        switch (name)
        {
            case "best":
                _best = value;
                break;
            case "cooldown_counter":
                _cooldownCounter = (int)value;
                break;
            case "num_bad_epochs":
                _badEpochs = (int)value;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }

    /// <inheritdoc/>
    protected override double NextLearningRate(long step, double current, double? metric)
    {
        if (metric is not double value)
        {
            throw new ArgumentNullException(nameof(metric), "ReduceOnPlateau needs the epoch's metric: call Step(metric).");
        }

        if (IsBetter(value, _best))
        {
            _best = value;
            _badEpochs = 0;
        }
        else
        {
            _badEpochs++;
        }

        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _badEpochs = 0; // bad epochs in cooldown are ignored
        }

        if (_badEpochs > Patience)
        {
            double reduced = Math.Max(current * Factor, MinLearningRate);
            if (current - reduced > Eps)
            {
                current = reduced;
            }

            _cooldownCounter = Cooldown;
            _badEpochs = 0;
        }

        return current;
    }

    private bool IsBetter(double value, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Relative) => value < best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Absolute) => value < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Relative) => value > best * (Threshold + 1.0),
        _ => value > best + Threshold,
    };

    private static void ThrowIfNegativeOrNaN(double value, string name)
    {
        if (!(value >= 0))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Invalid {name}: {value}; expected a value >= 0.");
        }
    }
}
