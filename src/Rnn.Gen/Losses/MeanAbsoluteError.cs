using System;

namespace Rnn.Gen;

public static partial class Losses
{
    /// <summary>
    /// The mean absolute error <c>Σ |p − t| / n</c> (PyTorch's <c>L1Loss()</c>), and its gradient
    /// <c>sign(p − t) / n</c>, zero where the prediction equals the target (PyTorch's <c>sgn</c>).
    /// </summary>
    /// <inheritdoc cref="MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    public static float MeanAbsoluteError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient) =>
        MeanAbsoluteError(prediction, target, gradient, LossReduction.Mean);

    /// <summary>
    /// The absolute error <c>Σ |p − t|</c>, divided by <c>n</c> for <see cref="LossReduction.Mean"/> (PyTorch's
    /// <c>L1Loss(reduction)</c>), and its gradient <c>sign(p − t)</c> (divided by <c>n</c> for the mean).
    /// </summary>
    /// <inheritdoc cref="MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, LossReduction)"/>
    public static float MeanAbsoluteError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, LossReduction reduction)
    {
        CheckLengths(prediction, target, gradient);
        CheckReduction(reduction);
        return MeanAbsoluteErrorCore(prediction, target, gradient, reduction, writeGradient: true);
    }

    /// <summary>The mean absolute error <c>Σ |p − t| / n</c>, without a gradient.</summary>
    /// <exception cref="ArgumentException">A span is empty or their lengths differ; the message names the expected length.</exception>
    public static float MeanAbsoluteError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target) =>
        MeanAbsoluteError(prediction, target, LossReduction.Mean);

    /// <summary>The absolute error with the given reduction, without a gradient.</summary>
    /// <exception cref="ArgumentException">A span is empty or their lengths differ; the message names the expected length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a defined value.</exception>
    public static float MeanAbsoluteError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, LossReduction reduction)
    {
        CheckLengths(prediction, target);
        CheckReduction(reduction);
        return MeanAbsoluteErrorCore(prediction, target, default, reduction, writeGradient: false);
    }

    private static float MeanAbsoluteErrorCore(
        ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, LossReduction reduction, bool writeGradient)
    {
        int n = prediction.Length;
        float norm = (float)Scale(reduction, n);
        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            double difference = (double)prediction[i] - target[i];
            sum += Math.Abs(difference);
            if (writeGradient)
            {
                // sgn(p − t) · norm; NaN stays NaN.
                gradient[i] = difference > 0 ? norm : difference < 0 ? -norm : difference == 0 ? 0f : float.NaN;
            }
        }

        return Reduce(sum, reduction, n);
    }
}
