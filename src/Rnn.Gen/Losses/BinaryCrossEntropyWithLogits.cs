using System;

namespace Rnn.Gen;

public static partial class Losses
{
    /// <summary>
    /// Binary cross-entropy on logits with the mean reduction (PyTorch's <c>BCEWithLogitsLoss()</c>): see
    /// <see cref="BinaryCrossEntropyWithLogits(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, LossReduction)"/>.
    /// </summary>
    /// <inheritdoc cref="BinaryCrossEntropyWithLogits(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, LossReduction)"/>
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient) =>
        BinaryCrossEntropyWithLogits(logits, targets, gradient, LossReduction.Mean);

    /// <summary>
    /// Binary cross-entropy on logits (PyTorch's <c>BCEWithLogitsLoss(reduction)</c>): with <c>σ</c> the logistic
    /// function, each term is <c>−[y · log σ(x) + (1 − y) · log(1 − σ(x))]</c>, computed in the stable form
    /// <c>(1 − y) · x + log(1 + e^(−x))</c> (as <c>max(−x, 0) + log1p(e^(−|x|))</c>), so logits of any size give finite
    /// losses; summed, and divided by <c>n</c> for <see cref="LossReduction.Mean"/>. The gradient is <c>σ(x) − y</c>
    /// (divided by <c>n</c> for the mean).
    /// </summary>
    /// <param name="logits">The model's output: one logit per element (no sigmoid applied).</param>
    /// <param name="targets">The probability of the positive class per element, same length (0 or 1, or soft labels in between).</param>
    /// <param name="gradient">Receives the gradient with respect to <paramref name="logits"/>, same length; may be the
    /// memory of <paramref name="logits"/> or <paramref name="targets"/>.</param>
    /// <param name="reduction">Mean (PyTorch's default) or sum.</param>
    /// <returns>The loss, accumulated in double.</returns>
    /// <exception cref="ArgumentException">A span is empty or their lengths differ; the message names the expected length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a defined value.</exception>
    public static float BinaryCrossEntropyWithLogits(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, LossReduction reduction)
    {
        CheckLengths(logits, targets, gradient, nameof(logits), nameof(targets));
        CheckReduction(reduction);
        return BinaryCrossEntropyCore(logits, targets, gradient, reduction, writeGradient: true);
    }

    /// <summary>Binary cross-entropy on logits, without a gradient.</summary>
    /// <exception cref="ArgumentException">A span is empty or their lengths differ; the message names the expected length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a defined value.</exception>
    public static float BinaryCrossEntropyWithLogits(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, LossReduction reduction = LossReduction.Mean)
    {
        CheckLengths(logits, targets, nameof(logits), nameof(targets));
        CheckReduction(reduction);
        return BinaryCrossEntropyCore(logits, targets, default, reduction, writeGradient: false);
    }

    private static float BinaryCrossEntropyCore(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, LossReduction reduction, bool writeGradient)
    {
        int n = logits.Length;
        double scale = Scale(reduction, n);
        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            double x = logits[i], y = targets[i];
            double e = Math.Exp(-Math.Abs(x));
            sum += (1.0 - y) * x + Math.Max(-x, 0.0) + LogOnePlus(e);
            if (writeGradient)
            {
                double sigmoid = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
                gradient[i] = (float)((sigmoid - y) * scale);
            }
        }

        return Reduce(sum, reduction, n);
    }

    /// <summary>log(1 + x) accurate for small x (Goldberg's correction: the rounding of 1 + x cancels out).</summary>
    private static double LogOnePlus(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }
}
