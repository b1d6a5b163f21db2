using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Gen.Kernels;

public static partial class MatrixKernels
{
    /// <summary>
    /// <c>y(i)[r] += Σ_c w[r, c] · x(i)[c]</c> for <paramref name="m"/> vectors x(i) spread through memory: what
    /// <see cref="VectorKernels.MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> computes for each
    /// vector, bit for bit, with the weight in PyTorch's layout read once for all of them.
    /// </summary>
    /// <remarks>
    /// The head of a beam search: each step multiplies every live beam's vector by the same <c>[V, K]</c> output weight,
    /// which for a large vocabulary does not stay in L2 from one beam to the next (4,000 × 128 floats, 2 MB). Here a
    /// block of four rows of <paramref name="w"/> is loaded once and kept in L1 while it is dotted with every vector, two
    /// vectors at a time sharing each load of the weight. Each y(i)[r] is reduced as the one-vector kernel reduces it
    /// (the same lanes, the same horizontal adds, the same scalar tail), so the results do not depend on
    /// <paramref name="m"/> or on which vectors share a pass.
    /// </remarks>
    /// <param name="w">The matrix, <c>[rows, cols]</c>.</param>
    /// <param name="x">The vectors: vector <c>i</c> starts at <c>i · <paramref name="xStride"/></c> and has <paramref name="cols"/> elements.</param>
    /// <param name="xStride">Elements from one vector to the next (at least <paramref name="cols"/>, or 0 to use one vector for every i).</param>
    /// <param name="y">The results added into: result <c>i</c> starts at <c>i · <paramref name="yStride"/></c> and has <paramref name="rows"/> elements.</param>
    /// <param name="yStride">Elements from one result to the next, at least <paramref name="rows"/>.</param>
    /// <param name="m">The number of vectors.</param>
    /// <param name="rows">The rows of <paramref name="w"/>, the length of a result.</param>
    /// <param name="cols">The columns of <paramref name="w"/>, the length of a vector.</param>
    public static void MultiplyAddDotRows(ReadOnlySpan<float> w, ReadOnlySpan<float> x, int xStride, Span<float> y, int yStride, int m, int rows, int cols) =>
        MultiplyAddDotRows(w, x, xStride, y, yStride, m, rows, cols, Simd.Preferred);

    /// <summary><see cref="MultiplyAddDotRows(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, int, int, int, int)"/> at a given vector width.</summary>
    internal static void MultiplyAddDotRows(ReadOnlySpan<float> w, ReadOnlySpan<float> x, int xStride, Span<float> y, int yStride, int m, int rows, int cols, KernelWidth width)
    {
        CheckSizes(m, rows, cols);
        CheckStride(nameof(xStride), xStride, cols, allowZero: true);
        CheckStride(nameof(yStride), yStride, rows, allowZero: false);
        CheckMatrix(nameof(w), w.Length, rows, cols);
        CheckRows(nameof(x), x.Length, m, xStride, cols);
        CheckRows(nameof(y), y.Length, m, yStride, rows);
        if (m == 0 || rows == 0)
        {
            return;
        }

        ref float w0 = ref MemoryMarshal.GetReference(w);
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        if (cols < Vector256<float>.Count || width < KernelWidth.Vector256 || !Avx.IsSupported || !Fma.IsSupported)
        {
            // The one-vector kernel's other paths (one column, narrow vectors, no FMA): vector by vector.
            for (int i = 0; i < m; i++)
            {
                VectorKernels.DotRows(ref w0, ref Unsafe.Add(ref x0, (nint)i * xStride), ref Unsafe.Add(ref y0, (nint)i * yStride), rows, cols, width);
            }

            return;
        }

        int r = 0;
        for (; r <= rows - 4; r += 4)
        {
            // Four rows of w, in L1 after the first pass: every vector's four sums, as VectorKernels.DotRows adds them.
            ref float block = ref Unsafe.Add(ref w0, (nint)r * cols);
            int i = 0;
            for (; i <= m - 2; i += 2)
            {
                ref float ya = ref Unsafe.Add(ref y0, ((nint)i * yStride) + r);
                ref float yb = ref Unsafe.Add(ref y0, ((nint)(i + 1) * yStride) + r);
                (Vector128<float> a, Vector128<float> b) = Dot4Pair(ref block, cols, ref Unsafe.Add(ref x0, (nint)i * xStride), ref Unsafe.Add(ref x0, (nint)(i + 1) * xStride));
                (Vector128.LoadUnsafe(ref ya) + a).StoreUnsafe(ref ya);
                (Vector128.LoadUnsafe(ref yb) + b).StoreUnsafe(ref yb);
            }

            for (; i < m; i++)
            {
                ref float yi = ref Unsafe.Add(ref y0, ((nint)i * yStride) + r);
                (Vector128.LoadUnsafe(ref yi) + VectorKernels.Dot4(ref block, cols, ref Unsafe.Add(ref x0, (nint)i * xStride))).StoreUnsafe(ref yi);
            }
        }

        for (; r < rows; r++)
        {
            for (int i = 0; i < m; i++)
            {
                Unsafe.Add(ref y0, ((nint)i * yStride) + r) += VectorKernels.Dot(ref Unsafe.Add(ref w0, (nint)r * cols), ref Unsafe.Add(ref x0, (nint)i * xStride), cols, width);
            }
        }
    }

    /// <summary>
    /// <see cref="VectorKernels.Dot4"/> of the same four rows with two vectors, each chunk of the rows loaded once for
    /// both: every sum is the chain <see cref="VectorKernels.Dot4"/> computes for its vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> A, Vector128<float> B) Dot4Pair(ref float w, int cols, ref float xa, ref float xb)
    {
        ref float w1 = ref Unsafe.Add(ref w, cols);
        ref float w2 = ref Unsafe.Add(ref w, 2 * cols);
        ref float w3 = ref Unsafe.Add(ref w, 3 * cols);
        Vector256<float> a0 = Vector256<float>.Zero, a1 = Vector256<float>.Zero, a2 = Vector256<float>.Zero, a3 = Vector256<float>.Zero;
        Vector256<float> b0 = Vector256<float>.Zero, b1 = Vector256<float>.Zero, b2 = Vector256<float>.Zero, b3 = Vector256<float>.Zero;
        int c = 0;
        for (; c <= cols - Vector256<float>.Count; c += Vector256<float>.Count)
        {
            Vector256<float> xac = Vector256.LoadUnsafe(ref xa, (nuint)c), xbc = Vector256.LoadUnsafe(ref xb, (nuint)c);
            Vector256<float> r0 = Vector256.LoadUnsafe(ref w, (nuint)c), r1 = Vector256.LoadUnsafe(ref w1, (nuint)c);
            a0 = Fma.MultiplyAdd(r0, xac, a0);
            b0 = Fma.MultiplyAdd(r0, xbc, b0);
            a1 = Fma.MultiplyAdd(r1, xac, a1);
            b1 = Fma.MultiplyAdd(r1, xbc, b1);
            Vector256<float> r2 = Vector256.LoadUnsafe(ref w2, (nuint)c), r3 = Vector256.LoadUnsafe(ref w3, (nuint)c);
            a2 = Fma.MultiplyAdd(r2, xac, a2);
            b2 = Fma.MultiplyAdd(r2, xbc, b2);
            a3 = Fma.MultiplyAdd(r3, xac, a3);
            b3 = Fma.MultiplyAdd(r3, xbc, b3);
        }

        Vector256<float> ha = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
        Vector256<float> hb = Avx.HorizontalAdd(Avx.HorizontalAdd(b0, b1), Avx.HorizontalAdd(b2, b3));
        Vector128<float> sa = ha.GetLower() + ha.GetUpper(), sb = hb.GetLower() + hb.GetUpper();
        if (c < cols)
        {
            float ta0 = 0, ta1 = 0, ta2 = 0, ta3 = 0, tb0 = 0, tb1 = 0, tb2 = 0, tb3 = 0;
            for (; c < cols; c++)
            {
                float xac = Unsafe.Add(ref xa, c), xbc = Unsafe.Add(ref xb, c);
                float v0 = Unsafe.Add(ref w, c), v1 = Unsafe.Add(ref w1, c), v2 = Unsafe.Add(ref w2, c), v3 = Unsafe.Add(ref w3, c);
                ta0 = MathF.FusedMultiplyAdd(v0, xac, ta0);
                ta1 = MathF.FusedMultiplyAdd(v1, xac, ta1);
                ta2 = MathF.FusedMultiplyAdd(v2, xac, ta2);
                ta3 = MathF.FusedMultiplyAdd(v3, xac, ta3);
                tb0 = MathF.FusedMultiplyAdd(v0, xbc, tb0);
                tb1 = MathF.FusedMultiplyAdd(v1, xbc, tb1);
                tb2 = MathF.FusedMultiplyAdd(v2, xbc, tb2);
                tb3 = MathF.FusedMultiplyAdd(v3, xbc, tb3);
            }

            sa += Vector128.Create(ta0, ta1, ta2, ta3);
            sb += Vector128.Create(tb0, tb1, tb2, tb3);
        }

        return (sa, sb);
    }
}
