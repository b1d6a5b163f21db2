using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rnn.Gen;

public static partial class Losses
{
    /// <summary>
    /// The mean squared error <c>Σ (p − t)² / n</c> (PyTorch's <c>MSELoss()</c>), and its gradient
    /// <c>∂loss/∂p = 2 (p − t) / n</c>.
    /// </summary>
    /// <param name="prediction">The model's output.</param>
    /// <param name="target">The expected output, same length.</param>
    /// <param name="gradient">Receives the gradient of the loss with respect to <paramref name="prediction"/>, same length.
    /// It may be the same memory as <paramref name="prediction"/> or <paramref name="target"/>: both are read first.</param>
    /// <returns>The loss, accumulated in double.</returns>
    /// <exception cref="ArgumentException">A span is empty or their lengths differ; the message names the expected length.</exception>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient) =>
        MeanSquaredError(prediction, target, gradient, LossReduction.Mean);

    /// <summary>
    /// The squared error <c>Σ (p − t)²</c>, divided by <c>n</c> for <see cref="LossReduction.Mean"/> (PyTorch's
    /// <c>MSELoss(reduction)</c>), and its gradient <c>2 (p − t)</c> (divided by <c>n</c> for the mean).
    /// </summary>
    /// <inheritdoc cref="MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a defined value.</exception>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, LossReduction reduction)
    {
        CheckLengths(prediction, target, gradient);
        CheckReduction(reduction);
        float loss = MeanSquaredErrorValue(prediction, target, reduction);

        // PyTorch's backward: (p − t) · norm with norm = 2 / n or 2, computed in double and applied as a float.
        TensorPrimitives.Subtract(prediction, target, gradient);
        TensorPrimitives.Multiply(gradient, (float)(2.0 * Scale(reduction, prediction.Length)), gradient);
        return loss;
    }

    /// <summary>The mean squared error <c>Σ (p − t)² / n</c>, without a gradient (for validation).</summary>
    /// <exception cref="ArgumentException">A span is empty or their lengths differ; the message names the expected length.</exception>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target) =>
        MeanSquaredError(prediction, target, LossReduction.Mean);

    /// <summary>The squared error with the given reduction, without a gradient.</summary>
    /// <exception cref="ArgumentException">A span is empty or their lengths differ; the message names the expected length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a defined value.</exception>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, LossReduction reduction)
    {
        CheckLengths(prediction, target);
        CheckReduction(reduction);
        return MeanSquaredErrorValue(prediction, target, reduction);
    }

    private static float MeanSquaredErrorValue(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, LossReduction reduction)
    {
        ref float p0 = ref MemoryMarshal.GetReference(prediction);
        ref float t0 = ref MemoryMarshal.GetReference(target);
        double sum = 0.0;
        for (int i = 0; i < prediction.Length; i++)
        {
            double difference = (double)Unsafe.Add(ref p0, i) - Unsafe.Add(ref t0, i);
            sum += difference * difference;
        }

        return Reduce(sum, reduction, prediction.Length);
    }
}
