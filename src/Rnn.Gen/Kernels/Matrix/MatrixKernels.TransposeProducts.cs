using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rnn.Gen.Kernels;

public static partial class MatrixKernels
{
    /// <summary>
    /// <c>c[m, n] += aᵀ · b</c> for <c>a</c> <c>[k, m]</c> and <c>b</c> <c>[k, n]</c>:
    /// <c>c[i, j] += Σ_t a[t, i] · b[t, j]</c>. With <c>a</c> the gate gradients of every step <c>[T, G]</c> and
    /// <c>b</c> the layer's inputs <c>[T, C]</c>, the weight gradient <c>[G, C]</c> summed over time.
    /// </summary>
    /// <param name="a">The left matrix, <c>[k, m]</c>, used transposed.</param>
    /// <param name="b">The right matrix, <c>[k, n]</c>.</param>
    /// <param name="c">The matrix added into, <c>[m, n]</c>; must not overlap <paramref name="a"/> or <paramref name="b"/>.</param>
    /// <param name="m">The columns of <paramref name="a"/> and rows of <paramref name="c"/>.</param>
    /// <param name="k">The rows of <paramref name="a"/> and <paramref name="b"/>: the summed index (time steps).</param>
    /// <param name="n">The columns of <paramref name="b"/> and <paramref name="c"/>.</param>
    public static void TransposeMultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n) =>
        TransposeMultiplyAdd(a, b, c, m, k, n, Simd.Preferred);

    /// <summary><see cref="TransposeMultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> at a given vector width.</summary>
    internal static void TransposeMultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, KernelWidth width)
    {
        CheckSizes(m, k, n);
        CheckMatrix(nameof(a), a.Length, k, m);
        CheckMatrix(nameof(b), b.Length, k, n);
        CheckMatrix(nameof(c), c.Length, m, n);
        if (m == 0 || k == 0 || n == 0)
        {
            return;
        }

        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        if (m == 1)
        {
            // One row of c: c += Σ_t a[t] · b[t, :], a matrix–vector product with b as the packed matrix.
            RegisterBlocks.MatrixVector(ref b0, n, ref a0, 1, ref c0, k, n, width);
            return;
        }

        // a(i, t) = a[t·m + i]. Tiles cover the columns that fill vectors; the 1–3 columns left (n = 1 for a
        // one-feature input) go column by column, 4–8 times faster than scalar tiles there.
        KernelWidth narrowest = width < KernelWidth.Vector128 ? width : KernelWidth.Vector128;
        int j = RegisterBlocks.MatrixMatrix(ref a0, 1, m, ref b0, ref c0, m, k, n, width, narrowest);
        if (j < n)
        {
            ColumnByColumn(ref a0, ref b0, ref c0, m, k, n, j, width);
        }
    }

    /// <summary>
    /// Columns <paramref name="j"/> to <paramref name="n"/> of <see cref="TransposeMultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>,
    /// one at a time: <c>c[:, j] += Σ_t a[t, :] · b[t, j]</c> is a matrix–vector product with a as the packed matrix,
    /// vectorized down the rows of c, and each element is the same chain as in a tile. One column (n = 1) is contiguous;
    /// otherwise it is strided and goes through a buffer on the stack, a chunk of rows at a time.
    /// </summary>
    [SkipLocalsInit]
    private static void ColumnByColumn(ref float a, ref float b, ref float c, int m, int k, int n, int j, KernelWidth width)
    {
        if (n == 1)
        {
            RegisterBlocks.MatrixVector(ref a, m, ref b, 1, ref c, k, m, width);
            return;
        }

        const int ChunkRows = 512;
        Span<float> buffer = stackalloc float[ChunkRows];
        ref float column = ref MemoryMarshal.GetReference(buffer);
        for (; j < n; j++)
        {
            for (int i = 0; i < m; i += ChunkRows)
            {
                int count = Math.Min(ChunkRows, m - i);
                for (int r = 0; r < count; r++)
                {
                    Unsafe.Add(ref column, r) = Unsafe.Add(ref c, (nint)(i + r) * n + j);
                }

                RegisterBlocks.MatrixVector(ref Unsafe.Add(ref a, i), m, ref Unsafe.Add(ref b, j), n, ref column, k, count, width);
                for (int r = 0; r < count; r++)
                {
                    Unsafe.Add(ref c, (nint)(i + r) * n + j) = Unsafe.Add(ref column, r);
                }
            }
        }
    }

    /// <summary>
    /// <c>y[j] += Σ_{i &lt; m} a[i, j]</c> for <c>a</c> <c>[m, y.Length]</c>: the column sums of a matrix, such as a bias
    /// gradient summed over time steps.
    /// </summary>
    /// <param name="a">The matrix, <c>[m, y.Length]</c>.</param>
    /// <param name="m">The rows of <paramref name="a"/>.</param>
    /// <param name="y">The vector added into; must not overlap <paramref name="a"/>.</param>
    public static void AddRowSums(ReadOnlySpan<float> a, int m, Span<float> y) => AddRowSums(a, m, y, Simd.Preferred);

    /// <summary><see cref="AddRowSums(ReadOnlySpan{float}, int, Span{float})"/> at a given vector width.</summary>
    internal static void AddRowSums(ReadOnlySpan<float> a, int m, Span<float> y, KernelWidth width)
    {
        int n = y.Length;
        CheckSizes(m, 0, 0);
        CheckMatrix(nameof(a), a.Length, m, n);
        if (m == 0 || n == 0)
        {
            return;
        }

        // The matrix–vector product with a vector of ones: x is one 1 read with stride 0, and a fused multiply-add by
        // one rounds exactly as an add.
        float one = 1f;
        RegisterBlocks.MatrixVector(ref MemoryMarshal.GetReference(a), n, ref one, 0, ref MemoryMarshal.GetReference(y), m, n, width);
    }
}
