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
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient)
    {
        CheckLengths(prediction, target, gradient);
        float loss = MeanSquaredErrorValue(prediction, target);

        // PyTorch's backward: (p − t) · (2 / n), the scale computed in double and applied as a float.
        TensorPrimitives.Subtract(prediction, target, gradient);
        TensorPrimitives.Multiply(gradient, (float)(2.0 / prediction.Length), gradient);
        return loss;
    }

    /// <summary>The mean squared error <c>Σ (p − t)² / n</c>, without a gradient (for validation).</summary>
    /// <exception cref="ArgumentException">A span is empty or their lengths differ; the message names the expected length.</exception>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
    {
        CheckLengths(prediction, target);
        return MeanSquaredErrorValue(prediction, target);
    }

    private static float MeanSquaredErrorValue(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
    {
        ref float p0 = ref MemoryMarshal.GetReference(prediction);
        ref float t0 = ref MemoryMarshal.GetReference(target);
        double sum = 0.0;
        for (int i = 0; i < prediction.Length; i++)
        {
            double difference = (double)Unsafe.Add(ref p0, i) - Unsafe.Add(ref t0, i);
            sum += difference * difference;
        }

        return (float)(sum / prediction.Length);
    }
}
