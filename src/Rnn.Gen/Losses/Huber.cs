using System;

namespace Rnn.Gen;

public static partial class Losses
{
    /// <summary>
    /// The Huber loss with <c>delta = 1</c> and the mean reduction (PyTorch's <c>HuberLoss()</c>): see
    /// <see cref="Huber(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, float, LossReduction)"/>.
    /// </summary>
    /// <inheritdoc cref="MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    public static float Huber(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient) =>
        Huber(prediction, target, gradient, 1f, LossReduction.Mean);

    /// <summary>
    /// The Huber loss (PyTorch's <c>HuberLoss(delta, reduction)</c>): with <c>d = p − t</c>, each term is
    /// <c>d² / 2</c> where <c>|d| &lt; delta</c> and <c>delta · (|d| − delta / 2)</c> elsewhere; summed, and divided by
    /// <c>n</c> for <see cref="LossReduction.Mean"/>. The gradient is <c>d</c> clamped to <c>[−delta, delta]</c>
    /// (divided by <c>n</c> for the mean).
    /// </summary>
    /// <param name="prediction">The model's output.</param>
    /// <param name="target">The expected output, same length.</param>
    /// <param name="gradient">Receives the gradient with respect to <paramref name="prediction"/>, same length; may be
    /// the memory of <paramref name="prediction"/> or <paramref name="target"/>.</param>
    /// <param name="delta">Where the loss turns from quadratic to linear; positive.</param>
    /// <param name="reduction">Mean (PyTorch's default) or sum.</param>
    /// <returns>The loss, accumulated in double.</returns>
    /// <exception cref="ArgumentException">A span is empty or their lengths differ; the message names the expected length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not positive, or <paramref name="reduction"/> is not a defined value.</exception>
    public static float Huber(
        ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, float delta, LossReduction reduction = LossReduction.Mean)
    {
        CheckLengths(prediction, target, gradient);
        CheckHuber(delta, reduction);
        return HuberCore(prediction, target, gradient, delta, reduction, writeGradient: true);
    }

    /// <summary>The Huber loss, without a gradient.</summary>
    /// <exception cref="ArgumentException">A span is empty or their lengths differ; the message names the expected length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not positive, or <paramref name="reduction"/> is not a defined value.</exception>
    public static float Huber(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, float delta = 1f, LossReduction reduction = LossReduction.Mean)
    {
        CheckLengths(prediction, target);
        CheckHuber(delta, reduction);
        return HuberCore(prediction, target, default, delta, reduction, writeGradient: false);
    }

    private static void CheckHuber(float delta, LossReduction reduction)
    {
        if (!(delta > 0f) || float.IsPositiveInfinity(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, $"Invalid delta: {delta}; expected a finite value > 0.");
        }

        CheckReduction(reduction);
    }

    private static float HuberCore(
        ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, float delta, LossReduction reduction, bool writeGradient)
    {
        int n = prediction.Length;
        float norm = (float)Scale(reduction, n);
        double deltaD = delta;
        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            double difference = (double)prediction[i] - target[i];
            double z = Math.Abs(difference);
            sum += z < deltaD ? 0.5 * z * z : deltaD * (z - 0.5 * deltaD);
            if (writeGradient)
            {
                // PyTorch's huber_loss_backward, in float: ±norm·delta outside the band, norm·x inside.
                float x = prediction[i] - target[i];
                gradient[i] = x <= -delta ? -norm * delta : x >= delta ? norm * delta : norm * x;
            }
        }

        return Reduce(sum, reduction, n);
    }
}
