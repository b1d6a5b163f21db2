using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Gen.Kernels;

public static partial class MatrixKernels
{
    /// <summary>
    /// Writes the transpose of the <c>[<paramref name="rows"/>, <paramref name="cols"/>]</c> matrix
    /// <paramref name="w"/> into <paramref name="wt"/>, a <c>[cols, rows]</c> matrix:
    /// <c>wt[c·rows + r] = w[r·cols + c]</c>. Packs a PyTorch weight once for
    /// <see cref="VectorKernels.MultiplyAddPacked(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    /// <param name="w">The matrix, <c>rows · cols</c> elements.</param>
    /// <param name="rows">The rows of <paramref name="w"/>.</param>
    /// <param name="cols">The columns of <paramref name="w"/>.</param>
    /// <param name="wt">Receives the transpose, <c>rows · cols</c> elements; must not overlap <paramref name="w"/>.</param>
    public static void Transpose(ReadOnlySpan<float> w, int rows, int cols, Span<float> wt) =>
        Transpose(w, rows, cols, wt, Simd.Preferred);

    /// <summary><see cref="Transpose(ReadOnlySpan{float}, int, int, Span{float})"/> at a given vector width (tests run each).</summary>
    internal static void Transpose(ReadOnlySpan<float> w, int rows, int cols, Span<float> wt, KernelWidth width)
    {
        CheckSizes(rows, cols, 0);
        CheckMatrix(nameof(w), w.Length, rows, cols);
        CheckMatrix(nameof(wt), wt.Length, cols, rows);
        ref float source = ref MemoryMarshal.GetReference(w);
        ref float destination = ref MemoryMarshal.GetReference(wt);

        // Strips of 8 columns walked down the rows in 8×8 blocks transposed in registers (AVX): a strip writes 8 rows
        // of wt, each from start to end as one sequential stream. (Walking along the rows of w instead writes half
        // cache lines of wt far apart, which with power-of-two sizes fall into a few cache sets and are evicted before
        // their other halves are written: up to twice as slow.) The last rows and columns, fewer than 8, are copied
        // element by element.
        int c = 0;
        if (width >= KernelWidth.Vector256 && Avx.IsSupported && rows >= 8)
        {
            for (; c <= cols - 8; c += 8)
            {
                int r = 0;
                for (; r <= rows - 8; r += 8)
                {
                    Transpose8x8(ref Unsafe.Add(ref source, (nint)r * cols + c), cols, ref Unsafe.Add(ref destination, (nint)c * rows + r), rows);
                }

                TransposeScalar(ref source, rows, cols, ref destination, c, c + 8, r);
            }
        }

        TransposeScalar(ref source, rows, cols, ref destination, c, cols, 0);
    }

    /// <summary>Transposes columns [<paramref name="colStart"/>, <paramref name="colEnd"/>) from row <paramref name="rowStart"/> on, element by element, writing along rows of wt.</summary>
    private static void TransposeScalar(ref float w, int rows, int cols, ref float wt, int colStart, int colEnd, int rowStart)
    {
        for (int c = colStart; c < colEnd; c++)
        {
            ref float target = ref Unsafe.Add(ref wt, (nint)c * rows);
            for (int r = rowStart; r < rows; r++)
            {
                Unsafe.Add(ref target, r) = Unsafe.Add(ref w, (nint)r * cols + c);
            }
        }
    }

    /// <summary>Transposes one 8×8 block in registers: unpack pairs of rows, shuffle pairs of pairs, swap 128-bit halves.</summary>
    private static void Transpose8x8(ref float w, int cols, ref float wt, int rows)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref w);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, cols));
        Vector256<float> r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 2 * (nint)cols));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 3 * (nint)cols));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 4 * (nint)cols));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 5 * (nint)cols));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 6 * (nint)cols));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref Unsafe.Add(ref w, 7 * (nint)cols));

        // Interleave row pairs: t0 = (r0[0], r1[0], r0[1], r1[1] | r0[4], r1[4], r0[5], r1[5]), and so on.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        // Pairs of pairs: u0 = (r0[0], r1[0], r2[0], r3[0] | r0[4], r1[4], r2[4], r3[4]), and so on.
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        // Column c of the block is u(c mod 4) (rows 0–3) over u(c mod 4 + 4) (rows 4–7): the low 128-bit halves for
        // columns 0–3, the high halves for columns 4–7.
        nint stride = rows;
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref wt);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref wt, stride));
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref wt, 2 * stride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref wt, 3 * stride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref wt, 4 * stride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref wt, 5 * stride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref wt, 6 * stride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref Unsafe.Add(ref wt, 7 * stride));
    }
}
