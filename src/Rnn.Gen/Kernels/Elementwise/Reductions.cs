using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>Reductions whose order of summation is part of their result, so it is fixed: the same at every width.</summary>
internal static class Reductions
{
    /// <summary>
    /// Σ x², accumulated in double: where <see cref="Vector256"/> is accelerated, in four lanes (lane l adds
    /// x[8j + l]² + x[8j + 4 + l]² for each block j of 8 floats), summed across at the end, then the last elements one
    /// by one; else in order. One order for a given length on a given machine, whatever the preferred width: the
    /// global norm of the gradients (<see cref="Training.GradientClipping"/>) is a result, and every width would sum in
    /// an order of its own.
    /// </summary>
    internal static double SumOfSquares(ReadOnlySpan<float> values)
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
