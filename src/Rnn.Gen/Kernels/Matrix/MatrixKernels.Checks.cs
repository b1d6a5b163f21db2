using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Rnn.Gen.Kernels;

public static partial class MatrixKernels
{
    // The checks are inlined into each kernel and their throws are not (see VectorKernels.CheckMatrix).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckSizes(int m, int k, int n)
    {
        if ((m | k | n) < 0)
        {
            ThrowNegativeSize(m, k);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckStride(string name, int stride, int cols, bool allowZero)
    {
        if (stride < cols && !(allowZero && stride == 0))
        {
            ThrowStride(name, stride, cols, allowZero);
        }
    }

    /// <summary>That a span holds <paramref name="rows"/> rows of <paramref name="cols"/> elements, <paramref name="stride"/> apart (the cell kernels' rows too).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CheckRows(string name, int length, int rows, int stride, int cols)
    {
        long expected = rows == 0 ? 0 : (long)(rows - 1) * stride + cols;
        if (length < expected)
        {
            ThrowRows(name, length, rows, stride, cols, expected);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckMatrix(string name, int length, int rows, int cols)
    {
        long expected = (long)rows * cols;
        if (length != expected)
        {
            ThrowMatrix(name, length, rows, cols, expected);
        }
    }

    [DoesNotReturn]
    private static void ThrowNegativeSize(int m, int k) =>
        throw new ArgumentOutOfRangeException(m < 0 ? nameof(m) : k < 0 ? nameof(k) : "n", "Matrix sizes must not be negative.");

    [DoesNotReturn]
    private static void ThrowStride(string name, int stride, int cols, bool allowZero) =>
        throw new ArgumentOutOfRangeException(name, stride, $"Rows are {cols} elements: the stride must be at least {cols}{(allowZero ? ", or 0" : string.Empty)}.");

    [DoesNotReturn]
    private static void ThrowRows(string name, int length, int rows, int stride, int cols, long expected) =>
        throw new ArgumentException($"Expected {rows} rows of {cols} elements, {stride} apart: at least {expected} elements, got {length}.", name);

    [DoesNotReturn]
    private static void ThrowMatrix(string name, int length, int rows, int cols, long expected) =>
        throw new ArgumentException($"Expected a [{rows}, {cols}] matrix of {expected} elements, got {length} elements.", name);
}
