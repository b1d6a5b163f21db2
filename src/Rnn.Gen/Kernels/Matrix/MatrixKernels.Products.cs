using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rnn.Gen.Kernels;

/// <summary>
/// Matrix–matrix kernels for the work a recurrent layer can do for all time steps at once: the input projection of
/// every step, the input gradients of every step, and the weight and bias gradients summed over time.
/// </summary>
/// <remarks>
/// <para>Matrices are row-major float32 spans. Each kernel checks the sizes and span lengths once, up front, and
/// throws an <see cref="ArgumentException"/> naming the expected and actual lengths before anything is written; a size
/// of zero is valid (an empty product adds nothing). The destination must not overlap the sources. No kernel
/// allocates.</para>
/// <para>Every element of a result is one chain of fused multiply-adds over the summed index, in order, starting from
/// the element's value on entry: the vector width only changes how many elements are computed side by side, never how
/// one is computed. So results depend on the sizes alone (not on where the spans start), and are the same at every
/// vector width, on every machine whose hardware fuses multiply-adds (x86 with FMA3, Arm64). The one exception is
/// <see cref="MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> with
/// <c>n = 1</c>, a matrix–vector product that sums along rows in vector lanes.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static partial class MatrixKernels
{
    /// <summary>
    /// <c>c[m, n] += a[m, k] · b[k, n]</c>. With <c>a</c> the inputs of every time step <c>[T, I]</c> and <c>b</c> a
    /// packed (transposed) input weight <c>[I, G]</c>, the input projection of all steps at once; with <c>a</c> the
    /// gate gradients <c>[T, G]</c> and <c>b</c> the weight <c>[G, I]</c> as PyTorch stores it, the input gradients of
    /// all steps.
    /// </summary>
    /// <param name="a">The left matrix, <c>[m, k]</c>.</param>
    /// <param name="b">The right matrix, <c>[k, n]</c>.</param>
    /// <param name="c">The matrix added into, <c>[m, n]</c>; must not overlap <paramref name="a"/> or <paramref name="b"/>.</param>
    /// <param name="m">The rows of <paramref name="a"/> and <paramref name="c"/>.</param>
    /// <param name="k">The columns of <paramref name="a"/> and rows of <paramref name="b"/>: the summed index.</param>
    /// <param name="n">The columns of <paramref name="b"/> and <paramref name="c"/>.</param>
    public static void MultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n) =>
        MultiplyAdd(a, b, c, m, k, n, Simd.Preferred);

    /// <summary><see cref="MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> at a given vector width.</summary>
    internal static void MultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, KernelWidth width)
    {
        CheckSizes(m, k, n);
        CheckMatrix(nameof(a), a.Length, m, k);
        CheckMatrix(nameof(b), b.Length, k, n);
        CheckMatrix(nameof(c), c.Length, m, n);
        if (m == 0 || k == 0 || n == 0)
        {
            return;
        }

        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        if (n == 1)
        {
            // One column: c[i] += a[i, :] · b, a matrix–vector product in dot form (rows of a are contiguous).
            VectorKernels.DotRows(ref a0, ref b0, ref c0, m, k, width);
        }
        else
        {
            RowsTimesMatrix(ref a0, k, ref b0, ref c0, n, m, k, n, width);
        }
    }

    /// <summary>
    /// The most rows of b one pass of the register tiles sums over (<see cref="RowsTimesMatrix"/>): a panel of b's columns
    /// then stays in L1/L2 while every row tile of a runs over it. A head's dL/dx (b = W [4,000, 128], 448 rows) ran at
    /// about half the speed with the whole of k in one pass.
    /// </summary>
    internal const int SummedBlock = 256;

    /// <summary>
    /// Row i of c (<paramref name="cStride"/> apart) += row i of a (<paramref name="aStride"/> apart) · b <c>[k, n]</c>,
    /// sizes checked and nonzero: one row is a matrix–vector product with b as the packed matrix; more go through
    /// register tiles, where columns that no vector covers fall through to scalar tiles, over blocks of at most
    /// <see cref="SummedBlock"/> rows of b in order. A block stores each element's partial sum and the next one loads it
    /// and continues its chain, so the bits are those of one pass over all of k.
    /// </summary>
    private static void RowsTimesMatrix(ref float a, nint aStride, ref float b, ref float c, nint cStride, int m, int k, int n, KernelWidth width)
    {
        if (m == 1)
        {
            RegisterBlocks.MatrixVector(ref b, n, ref a, 1, ref c, k, n, width);
            return;
        }

        for (int k0 = 0; k0 < k; k0 += SummedBlock)
        {
            int block = Math.Min(SummedBlock, k - k0);
            RegisterBlocks.MatrixMatrix(ref Unsafe.Add(ref a, k0), aStride, 1, ref Unsafe.Add(ref b, (nint)k0 * n), ref c, cStride, m, block, n, width, KernelWidth.Scalar);
        }
    }

    /// <summary>
    /// <c>c(i) += a(i) · b</c> for <paramref name="m"/> rows spread through memory: row <c>i</c> of the left matrix is
    /// <c>a[i·aStride .. i·aStride + k)</c>, row <c>i</c> of the result <c>c[i·cStride .. i·cStride + n)</c>, and
    /// <c>b</c> is a contiguous <c>[k, n]</c> matrix. With the rows the samples of a batch, each in its own block of a
    /// batch buffer, this is one recurrent step of the whole batch at once: <c>a</c> the hidden states h_(t-1),
    /// <c>b</c> the packed W_hhᵀ, <c>c</c> the gate rows of step t; each weight row is loaded once for all the samples
    /// instead of once per sample.
    /// </summary>
    /// <remarks>Each element is the same chain of fused multiply-adds as
    /// <see cref="MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> and
    /// <see cref="VectorKernels.MultiplyAddPacked(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> compute for that
    /// row: a batch gives bit for bit what its samples give one by one. The spans may interleave (rows of a and of c in
    /// the same sample blocks), but no element written may be one that is read.</remarks>
    /// <param name="a">The left rows: row <c>i</c> starts at <c>i · <paramref name="aStride"/></c> and has <paramref name="k"/> elements.</param>
    /// <param name="aStride">Elements from one left row to the next (at least <paramref name="k"/>, or 0 to use one row for every i).</param>
    /// <param name="b">The right matrix, <c>[k, n]</c>.</param>
    /// <param name="c">The rows added into: row <c>i</c> starts at <c>i · <paramref name="cStride"/></c> and has <paramref name="n"/> elements.</param>
    /// <param name="cStride">Elements from one result row to the next, at least <paramref name="n"/>.</param>
    /// <param name="m">The number of rows.</param>
    /// <param name="k">The summed index: the columns of a row of a, the rows of <paramref name="b"/>.</param>
    /// <param name="n">The columns of <paramref name="b"/> and of a row of c.</param>
    public static void MultiplyAddRows(ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> b, Span<float> c, int cStride, int m, int k, int n) =>
        MultiplyAddRows(a, aStride, b, c, cStride, m, k, n, Simd.Preferred);

    /// <summary><see cref="MultiplyAddRows(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int, int, int, int)"/> at a given vector width.</summary>
    internal static void MultiplyAddRows(ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> b, Span<float> c, int cStride, int m, int k, int n, KernelWidth width)
    {
        CheckSizes(m, k, n);
        CheckStride(nameof(aStride), aStride, k, allowZero: true);
        CheckStride(nameof(cStride), cStride, n, allowZero: false);

        CheckMatrix(nameof(b), b.Length, k, n);
        CheckRows(nameof(a), a.Length, m, aStride, k);
        CheckRows(nameof(c), c.Length, m, cStride, n);
        if (m == 0 || k == 0 || n == 0)
        {
            return;
        }

        RowsTimesMatrix(ref MemoryMarshal.GetReference(a), aStride, ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), cStride, m, k, n, width);
    }

    /// <summary>
    /// <c>c(i) = bias + x(i) · wx</c> for <paramref name="m"/> rows spread through memory, as
    /// <see cref="MultiplyAddRows(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int, int, int, int)"/>
    /// lays them out: the input side of one recurrent step for every sample of a batch, the bias and W_ih x_t together
    /// (GRU's gates, whose hidden side is a product of its own; the first step of an LSTM, where h_(-1) = 0).
    /// </summary>
    /// <remarks>Each element is the chain of fused multiply-adds that copying the bias into c and then
    /// <see cref="MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> computes, bit for bit.
    /// With <paramref name="k"/> = 0 every row is the bias.</remarks>
    /// <param name="bias">The row each result row starts from, <c>[n]</c>.</param>
    /// <param name="x">The left rows: row <c>i</c> starts at <c>i · <paramref name="xStride"/></c> and has <paramref name="k"/> elements.</param>
    /// <param name="xStride">Elements from one left row to the next (at least <paramref name="k"/>, or 0 to use one row for every i).</param>
    /// <param name="wx">The right matrix, <c>[k, n]</c> (a packed W_ihᵀ).</param>
    /// <param name="c">The rows written: row <c>i</c> starts at <c>i · <paramref name="cStride"/></c> and has <paramref name="n"/> elements.</param>
    /// <param name="cStride">Elements from one result row to the next, at least <paramref name="n"/>.</param>
    /// <param name="m">The number of rows.</param>
    /// <param name="k">The columns of a row of x, the rows of <paramref name="wx"/>.</param>
    /// <param name="n">The columns of <paramref name="wx"/>, the bias and a row of c.</param>
    public static void AffineRows(ReadOnlySpan<float> bias, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> wx, Span<float> c, int cStride, int m, int k, int n) =>
        AffineRows(bias, x, xStride, wx, default, 0, default, c, cStride, m, k, 0, n, Simd.Preferred);

    /// <summary>
    /// <c>c(i) = bias + x(i) · wx + h(i) · wh</c> for <paramref name="m"/> rows spread through memory: one recurrent step's
    /// pre-activations for every running sample of a batch, bias, W_ih x_t and W_hh h_(t-1) in one pass over the rows,
    /// each row of c loaded into registers once and stored once, with both weight matrices loaded once for the batch.
    /// </summary>
    /// <remarks>Each element is one chain of fused multiply-adds from the bias, over x's columns, then over h's: the chain
    /// that copying the bias, <see cref="MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>
    /// with x and then <see cref="VectorKernels.MultiplyAddPacked(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    /// with h compute for that row, bit for bit. The spans may interleave (all rows in the same sample blocks), but no
    /// element written may be one that is read.</remarks>
    /// <param name="bias">The row each result row starts from, <c>[n]</c>.</param>
    /// <param name="x">The first left rows, <paramref name="kx"/> elements each, <paramref name="xStride"/> apart (or 0: one row for all).</param>
    /// <param name="xStride">Elements from one row of x to the next.</param>
    /// <param name="wx">The first right matrix, <c>[kx, n]</c> (a packed W_ihᵀ).</param>
    /// <param name="h">The second left rows, <paramref name="kh"/> elements each, <paramref name="hStride"/> apart (or 0: one row for all).</param>
    /// <param name="hStride">Elements from one row of h to the next.</param>
    /// <param name="wh">The second right matrix, <c>[kh, n]</c> (a packed W_hhᵀ).</param>
    /// <param name="c">The rows written, <paramref name="n"/> elements each, <paramref name="cStride"/> apart.</param>
    /// <param name="cStride">Elements from one result row to the next, at least <paramref name="n"/>.</param>
    /// <param name="m">The number of rows.</param>
    /// <param name="kx">The columns of a row of x.</param>
    /// <param name="kh">The columns of a row of h.</param>
    /// <param name="n">The columns of the result.</param>
    public static void AffineRows(ReadOnlySpan<float> bias, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> wx, ReadOnlySpan<float> h, int hStride, ReadOnlySpan<float> wh, Span<float> c, int cStride, int m, int kx, int kh, int n) =>
        AffineRows(bias, x, xStride, wx, h, hStride, wh, c, cStride, m, kx, kh, n, Simd.Preferred);

    /// <summary>The two-source <c>AffineRows</c> at a given vector width (<paramref name="kh"/> = 0 for one source).</summary>
    internal static void AffineRows(ReadOnlySpan<float> bias, ReadOnlySpan<float> x, int xStride, ReadOnlySpan<float> wx, ReadOnlySpan<float> h, int hStride, ReadOnlySpan<float> wh, Span<float> c, int cStride, int m, int kx, int kh, int n, KernelWidth width)
    {
        CheckSizes(m, kx, n);
        CheckSizes(m, kh, n);
        CheckStride(nameof(xStride), xStride, kx, allowZero: true);
        CheckStride(nameof(hStride), hStride, kh, allowZero: true);
        CheckStride(nameof(cStride), cStride, n, allowZero: false);
        CheckMatrix(nameof(bias), bias.Length, 1, n);
        CheckMatrix(nameof(wx), wx.Length, kx, n);
        CheckMatrix(nameof(wh), wh.Length, kh, n);
        CheckRows(nameof(x), x.Length, m, xStride, kx);
        CheckRows(nameof(h), h.Length, m, hStride, kh);
        CheckRows(nameof(c), c.Length, m, cStride, n);
        if (m == 0 || n == 0)
        {
            return;
        }

        ref float b = ref MemoryMarshal.GetReference(bias);
        var sources = new TileSources(
            ref MemoryMarshal.GetReference(x), xStride, 1, ref MemoryMarshal.GetReference(wx), kx,
            ref MemoryMarshal.GetReference(h), hStride, ref MemoryMarshal.GetReference(wh), kh,
            ref b, 0);
        RegisterBlocks.MatrixMatrix(sources, ref MemoryMarshal.GetReference(c), cStride, m, n, width, KernelWidth.Scalar);
    }
}
