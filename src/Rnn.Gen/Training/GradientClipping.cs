using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Training;

/// <summary>
/// Gradient clipping as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>, and the check
/// for non-finite gradients that lets a trainer skip a step.
/// </summary>
/// <remarks>
/// Non-finite gradients (NaN or ±∞, from an exploding step or bad data) are detected two ways:
/// <see cref="ClipByGlobalNorm"/> returns a non-finite norm and leaves the gradients untouched, and
/// <see cref="AllFinite"/> checks a buffer without clipping (use it with <see cref="ClipByValue"/>, which lets NaN
/// through). Either way the caller should skip the optimizer step and zero the gradients.
/// </remarks>
public static class GradientClipping
{
    /// <summary>
    /// Scales <paramref name="gradients"/> so that their global L2 norm is at most <paramref name="maxNorm"/>, and
    /// returns the norm they had before.
    /// </summary>
    /// <remarks>
    /// <para>
    /// PyTorch's formula: <c>clipCoef = maxNorm / (totalNorm + 1e-6)</c>; the gradients are multiplied by
    /// <c>clipCoef</c> when it is below 1 and left as they are otherwise. The sum of squares is accumulated in
    /// double, so it cannot overflow for finite gradients, and the coefficient is applied as a float.
    /// </para>
    /// <para>
    /// When a gradient is infinite or NaN the norm is not finite: the gradients are left untouched and the norm is
    /// returned (<see cref="float.PositiveInfinity"/> or <see cref="float.NaN"/>), so the caller can skip the step.
    /// (PyTorch's default would multiply every gradient by the resulting 0 or NaN coefficient.)
    /// A finite norm larger than <see cref="float.MaxValue"/> is clipped normally but returned as
    /// <see cref="float.PositiveInfinity"/>.
    /// </para>
    /// </remarks>
    /// <param name="gradients">All gradients of a model, flat (for example <see cref="IRnnModel.Gradients"/>).</param>
    /// <param name="maxNorm">The largest norm allowed, zero or more.</param>
    /// <returns>The global L2 norm of <paramref name="gradients"/> before clipping.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or NaN.</exception>
    public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm)
    {
        if (!(maxNorm >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"Invalid maxNorm: {maxNorm}; expected a value >= 0.");
        }

        double totalNorm = Math.Sqrt(SumOfSquares(gradients));
        if (!double.IsFinite(totalNorm))
        {
            return (float)totalNorm;
        }

        double clipCoefficient = maxNorm / (totalNorm + 1e-6);
        if (clipCoefficient < 1.0)
        {
            TensorPrimitives.Multiply(gradients, (float)clipCoefficient, gradients);
        }

        return (float)totalNorm;
    }

    /// <summary>The global L2 norm of <paramref name="gradients"/> (accumulated in double), without changing them.</summary>
    /// <returns>The norm; <see cref="float.PositiveInfinity"/> or <see cref="float.NaN"/> when a gradient is not finite.</returns>
    public static float GlobalNorm(ReadOnlySpan<float> gradients) => (float)Math.Sqrt(SumOfSquares(gradients));

    /// <summary>
    /// Whether every value is finite (no NaN, no ±∞). A trainer calls it on the gradients before the optimizer step
    /// and skips the step when it returns false. Allocation-free, vectorized.
    /// </summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        int n = values.Length;
        ref float x0 = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // x − x is 0 for a finite x and NaN for NaN and ±∞; accumulate so the loop has no branch per vector.
            Vector256<float> accumulator = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> x = Vector256.LoadUnsafe(ref x0, (nuint)i);
                accumulator += x - x;
            }

            if (!Vector256.EqualsAll(accumulator, Vector256<float>.Zero))
            {
                return false;
            }
        }

        for (; i < n; i++)
        {
            if (!float.IsFinite(Unsafe.Add(ref x0, i)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Clamps every gradient to <c>[-limit, limit]</c>, as PyTorch's <c>clip_grad_value_</c>; NaN gradients stay NaN.
    /// </summary>
    /// <param name="gradients">The gradients to clamp in place.</param>
    /// <param name="limit">The largest magnitude allowed, zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative or NaN.</exception>
    public static void ClipByValue(Span<float> gradients, float limit)
    {
        if (!(limit >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"Invalid limit: {limit}; expected a value >= 0.");
        }

        int n = gradients.Length;
        ref float g0 = ref MemoryMarshal.GetReference(gradients);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> high = Vector256.Create(limit), low = Vector256.Create(-limit);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> g = Vector256.LoadUnsafe(ref g0, (nuint)i);
                // Comparisons with NaN are false, so a NaN passes through both selections unchanged.
                g = Vector256.ConditionalSelect(Vector256.GreaterThan(g, high), high, g);
                g = Vector256.ConditionalSelect(Vector256.LessThan(g, low), low, g);
                g.StoreUnsafe(ref g0, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            ref float g = ref Unsafe.Add(ref g0, i);
            if (g > limit)
            {
                g = limit;
            }
            else if (g < -limit)
            {
                g = -limit;
            }
        }
    }

    /// <summary>Σ g², accumulated in double (four lanes, then summed), in a fixed order for a given length.</summary>
    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        int n = values.Length;
        ref float x0 = ref MemoryMarshal.GetReference(values);
        double sum = 0.0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> accumulator = Vector256<double>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref x0, (nuint)i));
                accumulator += lower * lower + upper * upper;
            }

            sum = Vector256.Sum(accumulator);
        }

        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref x0, i);
            sum += x * x;
        }

        return sum;
    }
}
