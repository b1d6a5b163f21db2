using System;

namespace Rnn.Gen.Training;

/// <summary>The epoch metric that <see cref="EarlyStopping"/> watches.</summary>
public enum MonitoredMetric
{
    /// <summary>The loss on the validation set (Keras's <c>val_loss</c>); lower is better.</summary>
    ValidationLoss,

    /// <summary>The mean training loss of the epoch (Keras's <c>loss</c>); lower is better.</summary>
    TrainingLoss,

    /// <summary>The accuracy on the validation set (classifiers only); higher is better.</summary>
    ValidationAccuracy,

    /// <summary>The training accuracy of the epoch (classifiers only); higher is better.</summary>
    TrainingAccuracy,
}

/// <summary>
/// Stops training when a metric has stopped improving, with the rules of Keras's
/// <c>keras.callbacks.EarlyStopping</c> (Keras 3).
/// </summary>
/// <remarks>
/// <para>
/// At the end of each epoch from <see cref="StartFromEpoch"/> on: the epoch improves when its value beats the best so
/// far by more than <see cref="MinDelta"/> (lower for a loss, higher for an accuracy). An improving epoch becomes the
/// best and resets the count of epochs without improvement (unless <see cref="Baseline"/> is set and not beaten);
/// any other epoch adds one, and training stops once that count reaches <see cref="Patience"/> (never after the
/// first epoch).
/// </para>
/// <para>
/// With <see cref="RestoreBestWeights"/>, the parameters of the best epoch are put back into the model when training
/// ends, whether it stopped early or ran all its epochs (Keras 3's behaviour), but not when it was cancelled: a
/// cancelled run is not over, and resumes from its checkpoint.
/// </para>
/// </remarks>
public sealed class EarlyStopping
{
    private int _patience;
    private float _minDelta;
    private int _startFromEpoch;

    /// <summary>The metric watched; <see cref="MonitoredMetric.ValidationLoss"/> by default.</summary>
    public MonitoredMetric Monitor { get; init; } = MonitoredMetric.ValidationLoss;

    /// <summary>Epochs without improvement after which training stops, zero or more (Keras's default 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int Patience
    {
        get => _patience;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Patience));
            _patience = value;
        }
    }

    /// <summary>The smallest change that counts as an improvement; its absolute value is used, as Keras does.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public float MinDelta
    {
        get => _minDelta;
        init
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(MinDelta), value, "Expected a finite minimum change.");
            }

            _minDelta = Math.Abs(value);
        }
    }

    /// <summary>Whether the parameters of the best epoch are restored when training ends.</summary>
    public bool RestoreBestWeights { get; init; }

    /// <summary>A value the metric must beat for the patience count to reset; none by default.</summary>
    public double? Baseline { get; init; }

    /// <summary>The first epoch (1-based) that is watched; earlier epochs are a warm-up and never count. Default 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int StartFromEpoch
    {
        get => _startFromEpoch == 0 ? 1 : _startFromEpoch;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(StartFromEpoch));
            _startFromEpoch = value;
        }
    }

    /// <summary>Whether the metric is better when lower (losses) or higher (accuracies).</summary>
    public bool LowerIsBetter => Monitor is MonitoredMetric.ValidationLoss or MonitoredMetric.TrainingLoss;

    /// <summary>Whether the metric is computed on the validation set.</summary>
    public bool NeedsValidation => Monitor is MonitoredMetric.ValidationLoss or MonitoredMetric.ValidationAccuracy;

    /// <summary>Whether the metric is an accuracy (classifiers only).</summary>
    public bool NeedsAccuracy => Monitor is MonitoredMetric.ValidationAccuracy or MonitoredMetric.TrainingAccuracy;

    /// <summary>Whether <paramref name="value"/> improves on <paramref name="reference"/> by more than <see cref="MinDelta"/>.</summary>
    internal bool IsImprovement(double value, double reference) =>
        LowerIsBetter ? value + MinDelta < reference : value - MinDelta > reference;
}

/// <summary>The progress of <see cref="EarlyStopping"/> through a run, saved with checkpoints.</summary>
internal sealed class EarlyStoppingState
{
    public EarlyStoppingState(EarlyStopping rule) => Best = rule.LowerIsBetter ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>The best value so far (±∞ before the first watched epoch).</summary>
    public double Best { get; set; }

    /// <summary>The epoch (1-based) of <see cref="Best"/>, or of the first watched epoch's weights; 0 before it.</summary>
    public int BestEpoch { get; set; }

    /// <summary>Epochs counted without improvement.</summary>
    public int Wait { get; set; }

    /// <summary>The parameters of <see cref="BestEpoch"/> when best weights are restored; otherwise null.</summary>
    public float[]? BestWeights { get; set; }

    /// <summary>A copy that shares nothing with this state (the best weights are copied too).</summary>
    public EarlyStoppingState Copy()
    {
        var copy = (EarlyStoppingState)MemberwiseClone();
        copy.BestWeights = (float[]?)BestWeights?.Clone();
        return copy;
    }

    /// <summary>
    /// Updates the state with the metric of <paramref name="epoch"/> (1-based) and returns whether training stops.
    /// </summary>
    public bool Update(EarlyStopping rule, int epoch, double current, ReadOnlySpan<float> parameters)
    {
        if (epoch < rule.StartFromEpoch)
        {
            return false;
        }

        if (rule.RestoreBestWeights && BestWeights is null)
        {
            // As Keras: before any improvement, the first watched epoch's weights are the best known.
            BestWeights = parameters.ToArray();
            BestEpoch = epoch;
        }

        Wait++;
        if (rule.IsImprovement(current, Best))
        {
            Best = current;
            BestEpoch = epoch;
            if (rule.RestoreBestWeights)
            {
                parameters.CopyTo(BestWeights);
            }

            if (rule.Baseline is not double baseline || rule.IsImprovement(current, baseline))
            {
                Wait = 0;
            }

            return false;
        }

        return Wait >= rule.Patience && epoch > 1;
    }
}
