using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
public static class MatrixKernels
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
    /// Row i of c (<paramref name="cStride"/> apart) += row i of a (<paramref name="aStride"/> apart) · b <c>[k, n]</c>,
    /// sizes checked and nonzero: one row is a matrix–vector product with b as the packed matrix; more go through
    /// register tiles, where columns that no vector covers fall through to scalar tiles.
    /// </summary>
    private static void RowsTimesMatrix(ref float a, nint aStride, ref float b, ref float c, nint cStride, int m, int k, int n, KernelWidth width)
    {
        if (m == 1)
        {
            RegisterBlocks.MatrixVector(ref b, n, ref a, 1, ref c, k, n, width);
        }
        else
        {
            RegisterBlocks.MatrixMatrix(ref a, aStride, 1, ref b, ref c, cStride, m, k, n, width, KernelWidth.Scalar);
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

/// <summary>The vector width a kernel runs at, in float lanes. The public kernels use <see cref="Simd.Preferred"/>; tests run every width the machine has.</summary>
internal enum KernelWidth
{
    /// <summary>One float at a time.</summary>
    Scalar = 1,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector128{T}"/>: 4 floats.</summary>
    Vector128 = 4,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector256{T}"/>: 8 floats.</summary>
    Vector256 = 8,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector512{T}"/>: 16 floats.</summary>
    Vector512 = 16,
}

/// <summary>
/// The operations the register-blocked kernels need, for one vector type: written once, generic over these, and
/// compiled by the JIT into separate code per width (static abstract calls on a struct are direct and inlined).
/// </summary>
/// <typeparam name="TVector">The vector type, or <see cref="float"/> for the scalar width.</typeparam>
internal interface ISimd<TVector>
    where TVector : struct
{
    /// <summary>The float lanes of a vector.</summary>
    static abstract int Count { get; }

    /// <summary>The vector at <paramref name="source"/> + <paramref name="offset"/> floats (no alignment needed).</summary>
    static abstract TVector Load(ref float source, nuint offset);

    /// <summary>Stores <paramref name="value"/> at <paramref name="destination"/> + <paramref name="offset"/> floats.</summary>
    static abstract void Store(TVector value, ref float destination, nuint offset);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TVector Broadcast(float value);

    /// <summary>
    /// <c>a · b + addend</c> in each lane, fused (one rounding) where the hardware fuses, as x86 with FMA3 and Arm64
    /// do; the scalar width does the same, so a lane rounds as a scalar would.
    /// </summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector addend);
}

/// <summary>The widths the hardware accelerates, and the one the public kernels use.</summary>
internal static partial class Simd
{
    /// <summary>
    /// The widest width, up to <paramref name="width"/>, whose vectors tile runs of <paramref name="run"/> floats from
    /// their starts: 16 lanes when a run is a multiple of 16, else at most 8. A recurrent step's product writes the
    /// gates and the cell kernel reads them straight back, one gate (a run of H) at a time, in 16 lanes only when H is
    /// a multiple of 16. Stored in the vectors the cell loads, each load finds its value in one store, and a small
    /// cell's step has no 512-bit instruction at all, which on this machine slows the 256-bit chains beside it (a
    /// dependent chain of 256-bit adds ran 1.4–1.8 times slower beside independent 512-bit multiply-adds). A
    /// streaming LSTM step with H = 8, its gates stored in 16 lanes and read in 8: 110 ns; in 8 lanes: 85 ns.
    /// </summary>
    internal static KernelWidth RunWidth(KernelWidth width, int run) =>
        width >= KernelWidth.Vector512 && run % 16 != 0 ? KernelWidth.Vector256 : width;

    /// <summary>The widest accelerated width: a JIT-time constant once this class is initialized.</summary>
    internal static readonly KernelWidth Preferred =
        Vector512.IsHardwareAccelerated ? KernelWidth.Vector512
        : Vector256.IsHardwareAccelerated ? KernelWidth.Vector256
        : Vector128.IsHardwareAccelerated ? KernelWidth.Vector128
        : KernelWidth.Scalar;

    /// <summary><see cref="Vector512{T}"/> of float.</summary>
    internal readonly partial struct Wide512 : ISimd<Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) => Vector512.MultiplyAddEstimate(a, b, addend);
    }

    /// <summary><see cref="Vector256{T}"/> of float.</summary>
    internal readonly partial struct Wide256 : ISimd<Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) => Vector256.MultiplyAddEstimate(a, b, addend);
    }

    /// <summary><see cref="Vector128{T}"/> of float.</summary>
    internal readonly struct Wide128 : ISimd<Vector128<float>>
    {
        public static int Count => Vector128<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) => Vector128.MultiplyAddEstimate(a, b, addend);
    }

    /// <summary>One float as a vector of one lane: the scalar width, and the last few elements at every width.</summary>
    internal readonly struct Scalar : ISimd<float>
    {
        public static int Count => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Broadcast(float value) => value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float MultiplyAdd(float a, float b, float addend) => float.MultiplyAddEstimate(a, b, addend);
    }
}

/// <summary>A block size known to the JIT: kernels generic over it keep exactly that many accumulators in registers.</summary>
internal interface IBlockSize
{
    /// <summary>The number of rows or vectors in the block.</summary>
    static abstract int Value { get; }
}

/// <summary>The block sizes the register-blocked kernels are instantiated with.</summary>
internal static class Block
{
#pragma warning disable CS1591 // the names say it
    internal readonly struct One : IBlockSize { public static int Value => 1; }
    internal readonly struct Two : IBlockSize { public static int Value => 2; }
    internal readonly struct Three : IBlockSize { public static int Value => 3; }
    internal readonly struct Four : IBlockSize { public static int Value => 4; }
    internal readonly struct Five : IBlockSize { public static int Value => 5; }
    internal readonly struct Six : IBlockSize { public static int Value => 6; }
    internal readonly struct Seven : IBlockSize { public static int Value => 7; }
    internal readonly struct Eight : IBlockSize { public static int Value => 8; }
    internal readonly struct Nine : IBlockSize { public static int Value => 9; }
    internal readonly struct Ten : IBlockSize { public static int Value => 10; }
    internal readonly struct Eleven : IBlockSize { public static int Value => 11; }
    internal readonly struct Twelve : IBlockSize { public static int Value => 12; }
    internal readonly struct Thirteen : IBlockSize { public static int Value => 13; }
    internal readonly struct Fourteen : IBlockSize { public static int Value => 14; }
    internal readonly struct Fifteen : IBlockSize { public static int Value => 15; }
    internal readonly struct Sixteen : IBlockSize { public static int Value => 16; }
#pragma warning restore CS1591
}

/// <summary>
/// The operands of a register-tiled product <c>c(i, j) = init(i, j) + Σ_t a(i, t) · b[t, j] + Σ_u a2(i, u) · b2[u, j]</c>:
/// <c>a(i, t) = A[i·ARowStride + t·AStepStride]</c>, <c>a2(i, u) = A2[i·A2RowStride + u]</c>, b and b2 with rows of the
/// product's n columns, init rows <see cref="LdInit"/> apart (0: one row for all). With init = c it is <c>c +=</c>; with
/// <see cref="K2"/> = 0 the second source is not read. Each element is one chain of fused multiply-adds from init, over
/// t, then over u.
/// </summary>
internal readonly ref struct TileSources
{
    public readonly ref float A;
    public readonly nint ARowStride;
    public readonly nint AStepStride;
    public readonly ref float B;
    public readonly int K;
    public readonly ref float A2;
    public readonly nint A2RowStride;
    public readonly ref float B2;
    public readonly int K2;
    public readonly ref float Init;
    public readonly nint LdInit;

    /// <summary>One source, added to <paramref name="init"/>.</summary>
    public TileSources(ref float a, nint aRowStride, nint aStepStride, ref float b, int k, ref float init, nint ldInit)
        : this(ref a, aRowStride, aStepStride, ref b, k, ref a, 0, ref b, 0, ref init, ldInit)
    {
    }

    /// <summary>Two sources, the second row-major.</summary>
    public TileSources(ref float a, nint aRowStride, nint aStepStride, ref float b, int k, ref float a2, nint a2RowStride, ref float b2, int k2, ref float init, nint ldInit)
    {
        A = ref a;
        ARowStride = aRowStride;
        AStepStride = aStepStride;
        B = ref b;
        K = k;
        A2 = ref a2;
        A2RowStride = a2RowStride;
        B2 = ref b2;
        K2 = k2;
        Init = ref init;
        LdInit = ldInit;
    }

    /// <summary>The operands of the product's columns from <paramref name="j"/> on.</summary>
    public TileSources Columns(int j) =>
        new(ref A, ARowStride, AStepStride, ref Unsafe.Add(ref B, j), K, ref A2, A2RowStride, ref Unsafe.Add(ref B2, j), K2, ref Unsafe.Add(ref Init, j), LdInit);

    /// <summary>The operands of the product's rows from <paramref name="i"/> on.</summary>
    public TileSources Rows(int i) =>
        new(ref Unsafe.Add(ref A, i * ARowStride), ARowStride, AStepStride, ref B, K, ref Unsafe.Add(ref A2, i * A2RowStride), A2RowStride, ref B2, K2, ref Unsafe.Add(ref Init, i * LdInit), LdInit);
}

/// <summary>
/// The register-blocked loops behind <see cref="VectorKernels"/> and <see cref="MatrixKernels"/>. A block of the
/// result stays in vector registers while the summed index runs to its end, so each element of the result is loaded
/// and stored once per call, and each element of it is one chain of fused multiply-adds over the summed index, in order.
/// </summary>
/// <remarks>
/// Each kernel is written once, generic over the vector width (<see cref="ISimd{TVector}"/>) and the block shape
/// (<see cref="IBlockSize"/>): the guards <c>if (TBlock.Value &gt; n)</c> are JIT-time constants, so an instantiation
/// keeps only its own accumulators. A dispatcher walks the columns at the widest width, then the remainder at each
/// narrower width down to the scalar one, which computes an element exactly as a vector lane does.
/// </remarks>
internal static class RegisterBlocks
{
    /// <summary>
    /// <c>y[j] += Σ_t x[t·xStride] · w[t·ldw + j]</c> for <c>j &lt; n</c>, <c>t &lt; k</c>: a matrix–vector product with
    /// the matrix packed as <c>[k, n]</c> (row stride <paramref name="ldw"/>), so that y is summed lane by lane, with no
    /// horizontal reduction.
    /// </summary>
    internal static void MatrixVector(ref float w, nint ldw, ref float x, nint xStride, ref float y, int k, int n, KernelWidth width) =>
        MatrixVector(ref w, ldw, ref x, xStride, ref y, ref y, k, n, n, width);

    /// <summary>
    /// <c>y[j] = init[j] + Σ_t x[t·xStride] · w[t·ldw + j]</c>: <see cref="MatrixVector(ref float, nint, ref float, nint, ref float, int, int, KernelWidth)"/>
    /// with the sums started from <paramref name="init"/> (a bias, read where it lies, or y itself), the same chains;
    /// y is stored in the vectors a cell kernel reads it back in when it is <paramref name="run"/>-long runs (a cell's
    /// gates, see <see cref="Simd.RunWidth"/>).
    /// </summary>
    internal static void MatrixVector(ref float w, nint ldw, ref float x, nint xStride, ref float init, ref float y, int k, int n, int run, KernelWidth width)
    {
        width = Simd.RunWidth(width, run);

        // A short row in one panel: a streaming step of a small model waits on this product, and one panel is one chain
        // of k fused multiply-adds in flight, where panels of several widths one after another are several chains in a
        // row (a GRU with H = 8 has rows of 24: 16 + 8 lanes, or 3 vectors of 8 in one panel). Each element is the same
        // chain either way.
        if (width >= KernelWidth.Vector512 && n % 16 == 0 && n >= 16 && n <= 16 * 16)
        {
            SinglePanel<Simd.Wide512, Vector512<float>>(ref w, ldw, ref x, xStride, ref init, ref y, k, n / 16);
            return;
        }

        if (width >= KernelWidth.Vector256 && n % 8 == 0 && n >= 8 && n <= 16 * 8)
        {
            SinglePanel<Simd.Wide256, Vector256<float>>(ref w, ldw, ref x, xStride, ref init, ref y, k, n / 8);
            return;
        }

        int j = 0;
        if (width >= KernelWidth.Vector512)
        {
            j = MatrixVectorPanels<Simd.Wide512, Vector512<float>>(ref w, ldw, ref x, xStride, ref init, ref y, k, j, n);
        }

        if (width >= KernelWidth.Vector256)
        {
            j = MatrixVectorPanels<Simd.Wide256, Vector256<float>>(ref w, ldw, ref x, xStride, ref init, ref y, k, j, n);
        }

        if (width >= KernelWidth.Vector128)
        {
            j = MatrixVectorPanels<Simd.Wide128, Vector128<float>>(ref w, ldw, ref x, xStride, ref init, ref y, k, j, n);
        }

        MatrixVectorPanels<Simd.Scalar, float>(ref w, ldw, ref x, xStride, ref init, ref y, k, j, n);
    }

    /// <summary>All <paramref name="vectors"/> vectors of a row (1 to 16) in one panel.</summary>
    private static void SinglePanel<TSimd, TVector>(ref float w, nint ldw, ref float x, nint xStride, ref float init, ref float y, int k, int vectors)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
    {
        switch (vectors)
        {
            case 1: MatrixVectorPanel<TSimd, TVector, Block.One>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 2: MatrixVectorPanel<TSimd, TVector, Block.Two>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 3: MatrixVectorPanel<TSimd, TVector, Block.Three>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 4: MatrixVectorPanel<TSimd, TVector, Block.Four>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 5: MatrixVectorPanel<TSimd, TVector, Block.Five>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 6: MatrixVectorPanel<TSimd, TVector, Block.Six>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 7: MatrixVectorPanel<TSimd, TVector, Block.Seven>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 8: MatrixVectorPanel<TSimd, TVector, Block.Eight>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 9: MatrixVectorPanel<TSimd, TVector, Block.Nine>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 10: MatrixVectorPanel<TSimd, TVector, Block.Ten>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 11: MatrixVectorPanel<TSimd, TVector, Block.Eleven>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 12: MatrixVectorPanel<TSimd, TVector, Block.Twelve>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 13: MatrixVectorPanel<TSimd, TVector, Block.Thirteen>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 14: MatrixVectorPanel<TSimd, TVector, Block.Fourteen>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 15: MatrixVectorPanel<TSimd, TVector, Block.Fifteen>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            default: MatrixVectorPanel<TSimd, TVector, Block.Sixteen>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
        }
    }

    /// <summary>
    /// Columns from <paramref name="j"/> on, in whole vectors of <typeparamref name="TSimd"/>: panels of 8 vectors while
    /// they fit (of 16 first for Vector512: AVX-512 has 32 vector registers, and a panel of 256 floats makes the whole
    /// of a row of an LSTM's [64, 256] weight one sequential stream, about 10 % faster from L2), then at most one panel
    /// each of 4, 2 and 1. Returns the first column left (less than one vector).
    /// </summary>
    private static int MatrixVectorPanels<TSimd, TVector>(ref float w, nint ldw, ref float x, nint xStride, ref float init, ref float y, int k, int j, int n)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
    {
        int lanes = TSimd.Count;
        if (lanes == 16)
        {
            for (; n - j >= 16 * lanes; j += 16 * lanes)
            {
                MatrixVectorPanel<TSimd, TVector, Block.Sixteen>(ref Unsafe.Add(ref w, j), ldw, ref x, xStride, ref Unsafe.Add(ref init, j), ref Unsafe.Add(ref y, j), k);
            }
        }

        for (; n - j >= 8 * lanes; j += 8 * lanes)
        {
            MatrixVectorPanel<TSimd, TVector, Block.Eight>(ref Unsafe.Add(ref w, j), ldw, ref x, xStride, ref Unsafe.Add(ref init, j), ref Unsafe.Add(ref y, j), k);
        }

        if (n - j >= 4 * lanes)
        {
            MatrixVectorPanel<TSimd, TVector, Block.Four>(ref Unsafe.Add(ref w, j), ldw, ref x, xStride, ref Unsafe.Add(ref init, j), ref Unsafe.Add(ref y, j), k);
            j += 4 * lanes;
        }

        if (n - j >= 2 * lanes)
        {
            MatrixVectorPanel<TSimd, TVector, Block.Two>(ref Unsafe.Add(ref w, j), ldw, ref x, xStride, ref Unsafe.Add(ref init, j), ref Unsafe.Add(ref y, j), k);
            j += 2 * lanes;
        }

        if (n - j >= lanes)
        {
            MatrixVectorPanel<TSimd, TVector, Block.One>(ref Unsafe.Add(ref w, j), ldw, ref x, xStride, ref Unsafe.Add(ref init, j), ref Unsafe.Add(ref y, j), k);
            j += lanes;
        }

        return j;
    }

    /// <summary>
    /// One panel of <typeparamref name="TVectors"/> vectors of y (up to 16) in registers: each step t broadcasts x[t]
    /// and adds it times row t of the panel, one load and one fused multiply-add per vector. With 8 or more vectors,
    /// enough independent chains to hide the multiply-add latency; the loop is then bound by the loads of w.
    /// </summary>
    private static void MatrixVectorPanel<TSimd, TVector, TVectors>(ref float w, nint ldw, ref float x, nint xStride, ref float init, ref float y, int k)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TVectors : struct, IBlockSize
    {
        int v = TVectors.Value;
        nuint s = (nuint)TSimd.Count;
        TVector y0 = TSimd.Load(ref init, 0);
        TVector y1 = v > 1 ? TSimd.Load(ref init, s) : default;
        TVector y2 = v > 2 ? TSimd.Load(ref init, 2 * s) : default;
        TVector y3 = v > 3 ? TSimd.Load(ref init, 3 * s) : default;
        TVector y4 = v > 4 ? TSimd.Load(ref init, 4 * s) : default;
        TVector y5 = v > 5 ? TSimd.Load(ref init, 5 * s) : default;
        TVector y6 = v > 6 ? TSimd.Load(ref init, 6 * s) : default;
        TVector y7 = v > 7 ? TSimd.Load(ref init, 7 * s) : default;
        TVector y8 = v > 8 ? TSimd.Load(ref init, 8 * s) : default;
        TVector y9 = v > 9 ? TSimd.Load(ref init, 9 * s) : default;
        TVector y10 = v > 10 ? TSimd.Load(ref init, 10 * s) : default;
        TVector y11 = v > 11 ? TSimd.Load(ref init, 11 * s) : default;
        TVector y12 = v > 12 ? TSimd.Load(ref init, 12 * s) : default;
        TVector y13 = v > 13 ? TSimd.Load(ref init, 13 * s) : default;
        TVector y14 = v > 14 ? TSimd.Load(ref init, 14 * s) : default;
        TVector y15 = v > 15 ? TSimd.Load(ref init, 15 * s) : default;
        for (int t = 0; t < k; t++)
        {
            TVector xt = TSimd.Broadcast(x);
            y0 = TSimd.MultiplyAdd(TSimd.Load(ref w, 0), xt, y0);
            if (v > 1) y1 = TSimd.MultiplyAdd(TSimd.Load(ref w, s), xt, y1);
            if (v > 2) y2 = TSimd.MultiplyAdd(TSimd.Load(ref w, 2 * s), xt, y2);
            if (v > 3) y3 = TSimd.MultiplyAdd(TSimd.Load(ref w, 3 * s), xt, y3);
            if (v > 4) y4 = TSimd.MultiplyAdd(TSimd.Load(ref w, 4 * s), xt, y4);
            if (v > 5) y5 = TSimd.MultiplyAdd(TSimd.Load(ref w, 5 * s), xt, y5);
            if (v > 6) y6 = TSimd.MultiplyAdd(TSimd.Load(ref w, 6 * s), xt, y6);
            if (v > 7) y7 = TSimd.MultiplyAdd(TSimd.Load(ref w, 7 * s), xt, y7);
            if (v > 8) y8 = TSimd.MultiplyAdd(TSimd.Load(ref w, 8 * s), xt, y8);
            if (v > 9) y9 = TSimd.MultiplyAdd(TSimd.Load(ref w, 9 * s), xt, y9);
            if (v > 10) y10 = TSimd.MultiplyAdd(TSimd.Load(ref w, 10 * s), xt, y10);
            if (v > 11) y11 = TSimd.MultiplyAdd(TSimd.Load(ref w, 11 * s), xt, y11);
            if (v > 12) y12 = TSimd.MultiplyAdd(TSimd.Load(ref w, 12 * s), xt, y12);
            if (v > 13) y13 = TSimd.MultiplyAdd(TSimd.Load(ref w, 13 * s), xt, y13);
            if (v > 14) y14 = TSimd.MultiplyAdd(TSimd.Load(ref w, 14 * s), xt, y14);
            if (v > 15) y15 = TSimd.MultiplyAdd(TSimd.Load(ref w, 15 * s), xt, y15);
            w = ref Unsafe.Add(ref w, ldw);
            x = ref Unsafe.Add(ref x, xStride);
        }

        TSimd.Store(y0, ref y, 0);
        if (v > 1) TSimd.Store(y1, ref y, s);
        if (v > 2) TSimd.Store(y2, ref y, 2 * s);
        if (v > 3) TSimd.Store(y3, ref y, 3 * s);
        if (v > 4) TSimd.Store(y4, ref y, 4 * s);
        if (v > 5) TSimd.Store(y5, ref y, 5 * s);
        if (v > 6) TSimd.Store(y6, ref y, 6 * s);
        if (v > 7) TSimd.Store(y7, ref y, 7 * s);
        if (v > 8) TSimd.Store(y8, ref y, 8 * s);
        if (v > 9) TSimd.Store(y9, ref y, 9 * s);
        if (v > 10) TSimd.Store(y10, ref y, 10 * s);
        if (v > 11) TSimd.Store(y11, ref y, 11 * s);
        if (v > 12) TSimd.Store(y12, ref y, 12 * s);
        if (v > 13) TSimd.Store(y13, ref y, 13 * s);
        if (v > 14) TSimd.Store(y14, ref y, 14 * s);
        if (v > 15) TSimd.Store(y15, ref y, 15 * s);
    }

    /// <summary>
    /// <c>c[i, j] += Σ_t a(i, t) · b[t, j]</c> for <c>i &lt; m</c>, <c>t &lt; k</c>, and the columns <c>j</c> that whole
    /// vectors of the widths from <paramref name="widest"/> down to <paramref name="narrowest"/> cover, where
    /// <c>a(i, t) = a[i·aRowStride + t·aStepStride]</c> (so one kernel serves <c>a</c> and <c>aᵀ</c>), b is
    /// <c>[k, n]</c> and c is <c>[m, n]</c>. Returns the first column not done: <paramref name="n"/> when
    /// <paramref name="narrowest"/> is <see cref="KernelWidth.Scalar"/>.
    /// </summary>
    internal static int MatrixMatrix(ref float a, nint aRowStride, nint aStepStride, ref float b, ref float c, int m, int k, int n, KernelWidth widest, KernelWidth narrowest) =>
        MatrixMatrix(ref a, aRowStride, aStepStride, ref b, ref c, n, m, k, n, widest, narrowest);

    /// <summary>As the overload above with the rows of c <paramref name="ldc"/> elements apart (c's own rows or rows spread over a batch).</summary>
    internal static int MatrixMatrix(ref float a, nint aRowStride, nint aStepStride, ref float b, ref float c, nint ldc, int m, int k, int n, KernelWidth widest, KernelWidth narrowest) =>
        MatrixMatrix(new TileSources(ref a, aRowStride, aStepStride, ref b, k, ref c, ldc), ref c, ldc, m, n, widest, narrowest);

    /// <summary>
    /// <c>c(i, j) = init(i, j) + Σ_t a(i, t) · b[t, j] + Σ_u a2(i, u) · b2[u, j]</c> over the tiles of the given widths,
    /// as <see cref="TileSources"/> describes the operands (c itself as init for <c>c +=</c>). Returns the first column
    /// not done.
    /// </summary>
    internal static int MatrixMatrix(in TileSources sources, ref float c, nint ldc, int m, int n, KernelWidth widest, KernelWidth narrowest)
    {
        int j = 0;
        if (widest >= KernelWidth.Vector512)
        {
            j = TilePanels<Simd.Wide512, Vector512<float>>(sources, ref c, ldc, m, j, n);
        }

        if (widest >= KernelWidth.Vector256 && narrowest <= KernelWidth.Vector256)
        {
            j = TilePanels<Simd.Wide256, Vector256<float>>(sources, ref c, ldc, m, j, n);
        }

        if (widest >= KernelWidth.Vector128 && narrowest <= KernelWidth.Vector128)
        {
            j = TilePanels<Simd.Wide128, Vector128<float>>(sources, ref c, ldc, m, j, n);
        }

        if (narrowest == KernelWidth.Scalar)
        {
            j = TilePanels<Simd.Scalar, float>(sources, ref c, ldc, m, j, n);
        }

        return j;
    }

    /// <summary>
    /// Columns from <paramref name="j"/> on, in panels of whole vectors (four wide where the registers allow, then two,
    /// then one); each panel walks down all the rows of c in tiles. Returns the first column left (less than one vector).
    /// </summary>
    private static int TilePanels<TSimd, TVector>(in TileSources sources, ref float c, nint ldc, int m, int j, int n)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
    {
        int lanes = TSimd.Count;
        if (WideRegisters<TSimd, TVector>())
        {
            for (; n - j >= 4 * lanes; j += 4 * lanes)
            {
                TileRows<TSimd, TVector, Block.Four>(sources.Columns(j), ref Unsafe.Add(ref c, j), n, ldc, m);
            }
        }

        for (; n - j >= 2 * lanes; j += 2 * lanes)
        {
            TileRows<TSimd, TVector, Block.Two>(sources.Columns(j), ref Unsafe.Add(ref c, j), n, ldc, m);
        }

        if (n - j >= lanes)
        {
            TileRows<TSimd, TVector, Block.One>(sources.Columns(j), ref Unsafe.Add(ref c, j), n, ldc, m);
            j += lanes;
        }

        return j;
    }

    /// <summary>
    /// Whether a tile may keep 24 accumulators: at 512 bits, where the hardware has 32 vector registers (AVX-512); AVX2
    /// has 16, and a tile of 24 would spill.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool WideRegisters<TSimd, TVector>()
        where TSimd : struct, ISimd<TVector>
        where TVector : struct =>
        TSimd.Count == 16;

    /// <summary>
    /// One panel of columns (b and c start at its first column, row stride <paramref name="n"/>) down all the rows:
    /// tiles of 24 accumulators with 32 vector registers (6 rows of a four-vector panel, 12 rows of a two-vector one),
    /// else of 12 (6 rows of a two-vector panel); 12 rows of a one-vector panel; then one tile of the rows left.
    /// </summary>
    private static void TileRows<TSimd, TVector, TVectors>(in TileSources sources, ref float c, int n, nint ldc, int m)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TVectors : struct, IBlockSize
    {
        int i = 0;
        if (TVectors.Value == 4)
        {
            for (; m - i >= 6; i += 6)
            {
                Tile<TSimd, TVector, Block.Six, TVectors>(sources.Rows(i), ref Unsafe.Add(ref c, i * ldc), n, ldc);
            }
        }
        else if (TVectors.Value == 2 && !WideRegisters<TSimd, TVector>())
        {
            for (; m - i >= 6; i += 6)
            {
                Tile<TSimd, TVector, Block.Six, TVectors>(sources.Rows(i), ref Unsafe.Add(ref c, i * ldc), n, ldc);
            }
        }
        else
        {
            for (; m - i >= 12; i += 12)
            {
                Tile<TSimd, TVector, Block.Twelve, TVectors>(sources.Rows(i), ref Unsafe.Add(ref c, i * ldc), n, ldc);
            }
        }

        TileSources rest = sources.Rows(i);
        ref float cRest = ref Unsafe.Add(ref c, i * ldc);
        switch (m - i)
        {
            case 1: Tile<TSimd, TVector, Block.One, TVectors>(rest, ref cRest, n, ldc); break;
            case 2: Tile<TSimd, TVector, Block.Two, TVectors>(rest, ref cRest, n, ldc); break;
            case 3: Tile<TSimd, TVector, Block.Three, TVectors>(rest, ref cRest, n, ldc); break;
            case 4: Tile<TSimd, TVector, Block.Four, TVectors>(rest, ref cRest, n, ldc); break;
            case 5: Tile<TSimd, TVector, Block.Five, TVectors>(rest, ref cRest, n, ldc); break;
            case 6: Tile<TSimd, TVector, Block.Six, TVectors>(rest, ref cRest, n, ldc); break;
            case 7: Tile<TSimd, TVector, Block.Seven, TVectors>(rest, ref cRest, n, ldc); break;
            case 8: Tile<TSimd, TVector, Block.Eight, TVectors>(rest, ref cRest, n, ldc); break;
            case 9: Tile<TSimd, TVector, Block.Nine, TVectors>(rest, ref cRest, n, ldc); break;
            case 10: Tile<TSimd, TVector, Block.Ten, TVectors>(rest, ref cRest, n, ldc); break;
            case 11: Tile<TSimd, TVector, Block.Eleven, TVectors>(rest, ref cRest, n, ldc); break;
        }
    }

    /// <summary>
    /// One tile of c, <typeparamref name="TRows"/> rows by <typeparamref name="TVectors"/> vectors (1, 2 or 4), in up to
    /// 24 accumulators: accumulator q holds row q / V, vector q % V of the tile (V vectors). Each step t loads the tile's
    /// vectors of row t of b once and broadcasts a(i, t) once per row i: as many independent chains of fused
    /// multiply-adds as accumulators, enough to hide their latency, for rows + V loads.
    /// </summary>
    private static void Tile<TSimd, TVector, TRows, TVectors>(in TileSources sources, ref float c, nint n, nint ldc)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TRows : struct, IBlockSize
        where TVectors : struct, IBlockSize
    {
        int count = TRows.Value * TVectors.Value;
        nuint s = (nuint)TSimd.Count;
        ref float a = ref sources.A;
        ref float b = ref sources.B;
        nint aRowStride = sources.ARowStride, aStepStride = sources.AStepStride;
        int k = sources.K;
        ref float init = ref sources.Init;
        nint ldInit = sources.LdInit;
        TVector c0 = TSimd.Load(ref init, Offset<TVectors>(0, ldInit, s));
        TVector c1 = count > 1 ? TSimd.Load(ref init, Offset<TVectors>(1, ldInit, s)) : default;
        TVector c2 = count > 2 ? TSimd.Load(ref init, Offset<TVectors>(2, ldInit, s)) : default;
        TVector c3 = count > 3 ? TSimd.Load(ref init, Offset<TVectors>(3, ldInit, s)) : default;
        TVector c4 = count > 4 ? TSimd.Load(ref init, Offset<TVectors>(4, ldInit, s)) : default;
        TVector c5 = count > 5 ? TSimd.Load(ref init, Offset<TVectors>(5, ldInit, s)) : default;
        TVector c6 = count > 6 ? TSimd.Load(ref init, Offset<TVectors>(6, ldInit, s)) : default;
        TVector c7 = count > 7 ? TSimd.Load(ref init, Offset<TVectors>(7, ldInit, s)) : default;
        TVector c8 = count > 8 ? TSimd.Load(ref init, Offset<TVectors>(8, ldInit, s)) : default;
        TVector c9 = count > 9 ? TSimd.Load(ref init, Offset<TVectors>(9, ldInit, s)) : default;
        TVector c10 = count > 10 ? TSimd.Load(ref init, Offset<TVectors>(10, ldInit, s)) : default;
        TVector c11 = count > 11 ? TSimd.Load(ref init, Offset<TVectors>(11, ldInit, s)) : default;
        TVector c12 = count > 12 ? TSimd.Load(ref init, Offset<TVectors>(12, ldInit, s)) : default;
        TVector c13 = count > 13 ? TSimd.Load(ref init, Offset<TVectors>(13, ldInit, s)) : default;
        TVector c14 = count > 14 ? TSimd.Load(ref init, Offset<TVectors>(14, ldInit, s)) : default;
        TVector c15 = count > 15 ? TSimd.Load(ref init, Offset<TVectors>(15, ldInit, s)) : default;
        TVector c16 = count > 16 ? TSimd.Load(ref init, Offset<TVectors>(16, ldInit, s)) : default;
        TVector c17 = count > 17 ? TSimd.Load(ref init, Offset<TVectors>(17, ldInit, s)) : default;
        TVector c18 = count > 18 ? TSimd.Load(ref init, Offset<TVectors>(18, ldInit, s)) : default;
        TVector c19 = count > 19 ? TSimd.Load(ref init, Offset<TVectors>(19, ldInit, s)) : default;
        TVector c20 = count > 20 ? TSimd.Load(ref init, Offset<TVectors>(20, ldInit, s)) : default;
        TVector c21 = count > 21 ? TSimd.Load(ref init, Offset<TVectors>(21, ldInit, s)) : default;
        TVector c22 = count > 22 ? TSimd.Load(ref init, Offset<TVectors>(22, ldInit, s)) : default;
        TVector c23 = count > 23 ? TSimd.Load(ref init, Offset<TVectors>(23, ldInit, s)) : default;
        for (int part = 0; part < 2; part++)
        {
            for (int t = 0; t < k; t++)
            {
                // Accumulators of vector 0 broadcast their row's a(i, t); those of the other vectors reuse it.
                TVector b0 = TSimd.Load(ref b, 0);
                TVector b1 = TVectors.Value > 1 ? TSimd.Load(ref b, s) : default;
                TVector b2 = TVectors.Value > 2 ? TSimd.Load(ref b, 2 * s) : default;
                TVector b3 = TVectors.Value > 3 ? TSimd.Load(ref b, 3 * s) : default;
                TVector ai = TSimd.Broadcast(a);
                c0 = TSimd.MultiplyAdd(ai, b0, c0);
                if (count > 1) c1 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(1, ai, ref a, aRowStride), Vector<TVector, TVectors>(1, b0, b1, b2, b3), c1);
                if (count > 2) c2 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(2, ai, ref a, aRowStride), Vector<TVector, TVectors>(2, b0, b1, b2, b3), c2);
                if (count > 3) c3 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(3, ai, ref a, aRowStride), Vector<TVector, TVectors>(3, b0, b1, b2, b3), c3);
                if (count > 4) c4 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(4, ai, ref a, aRowStride), Vector<TVector, TVectors>(4, b0, b1, b2, b3), c4);
                if (count > 5) c5 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(5, ai, ref a, aRowStride), Vector<TVector, TVectors>(5, b0, b1, b2, b3), c5);
                if (count > 6) c6 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(6, ai, ref a, aRowStride), Vector<TVector, TVectors>(6, b0, b1, b2, b3), c6);
                if (count > 7) c7 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(7, ai, ref a, aRowStride), Vector<TVector, TVectors>(7, b0, b1, b2, b3), c7);
                if (count > 8) c8 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(8, ai, ref a, aRowStride), Vector<TVector, TVectors>(8, b0, b1, b2, b3), c8);
                if (count > 9) c9 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(9, ai, ref a, aRowStride), Vector<TVector, TVectors>(9, b0, b1, b2, b3), c9);
                if (count > 10) c10 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(10, ai, ref a, aRowStride), Vector<TVector, TVectors>(10, b0, b1, b2, b3), c10);
                if (count > 11) c11 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(11, ai, ref a, aRowStride), Vector<TVector, TVectors>(11, b0, b1, b2, b3), c11);
                if (count > 12) c12 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(12, ai, ref a, aRowStride), Vector<TVector, TVectors>(12, b0, b1, b2, b3), c12);
                if (count > 13) c13 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(13, ai, ref a, aRowStride), Vector<TVector, TVectors>(13, b0, b1, b2, b3), c13);
                if (count > 14) c14 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(14, ai, ref a, aRowStride), Vector<TVector, TVectors>(14, b0, b1, b2, b3), c14);
                if (count > 15) c15 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(15, ai, ref a, aRowStride), Vector<TVector, TVectors>(15, b0, b1, b2, b3), c15);
                if (count > 16) c16 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(16, ai, ref a, aRowStride), Vector<TVector, TVectors>(16, b0, b1, b2, b3), c16);
                if (count > 17) c17 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(17, ai, ref a, aRowStride), Vector<TVector, TVectors>(17, b0, b1, b2, b3), c17);
                if (count > 18) c18 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(18, ai, ref a, aRowStride), Vector<TVector, TVectors>(18, b0, b1, b2, b3), c18);
                if (count > 19) c19 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(19, ai, ref a, aRowStride), Vector<TVector, TVectors>(19, b0, b1, b2, b3), c19);
                if (count > 20) c20 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(20, ai, ref a, aRowStride), Vector<TVector, TVectors>(20, b0, b1, b2, b3), c20);
                if (count > 21) c21 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(21, ai, ref a, aRowStride), Vector<TVector, TVectors>(21, b0, b1, b2, b3), c21);
                if (count > 22) c22 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(22, ai, ref a, aRowStride), Vector<TVector, TVectors>(22, b0, b1, b2, b3), c22);
                if (count > 23) c23 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(23, ai, ref a, aRowStride), Vector<TVector, TVectors>(23, b0, b1, b2, b3), c23);
                a = ref Unsafe.Add(ref a, aStepStride);
                b = ref Unsafe.Add(ref b, n);
            }

            // The second source, if any, continues the same chains: a2 (row-major) times b2.
            a = ref sources.A2;
            b = ref sources.B2;
            aRowStride = sources.A2RowStride;
            aStepStride = 1;
            k = sources.K2;
        }

        TSimd.Store(c0, ref c, Offset<TVectors>(0, ldc, s));
        if (count > 1) TSimd.Store(c1, ref c, Offset<TVectors>(1, ldc, s));
        if (count > 2) TSimd.Store(c2, ref c, Offset<TVectors>(2, ldc, s));
        if (count > 3) TSimd.Store(c3, ref c, Offset<TVectors>(3, ldc, s));
        if (count > 4) TSimd.Store(c4, ref c, Offset<TVectors>(4, ldc, s));
        if (count > 5) TSimd.Store(c5, ref c, Offset<TVectors>(5, ldc, s));
        if (count > 6) TSimd.Store(c6, ref c, Offset<TVectors>(6, ldc, s));
        if (count > 7) TSimd.Store(c7, ref c, Offset<TVectors>(7, ldc, s));
        if (count > 8) TSimd.Store(c8, ref c, Offset<TVectors>(8, ldc, s));
        if (count > 9) TSimd.Store(c9, ref c, Offset<TVectors>(9, ldc, s));
        if (count > 10) TSimd.Store(c10, ref c, Offset<TVectors>(10, ldc, s));
        if (count > 11) TSimd.Store(c11, ref c, Offset<TVectors>(11, ldc, s));
        if (count > 12) TSimd.Store(c12, ref c, Offset<TVectors>(12, ldc, s));
        if (count > 13) TSimd.Store(c13, ref c, Offset<TVectors>(13, ldc, s));
        if (count > 14) TSimd.Store(c14, ref c, Offset<TVectors>(14, ldc, s));
        if (count > 15) TSimd.Store(c15, ref c, Offset<TVectors>(15, ldc, s));
        if (count > 16) TSimd.Store(c16, ref c, Offset<TVectors>(16, ldc, s));
        if (count > 17) TSimd.Store(c17, ref c, Offset<TVectors>(17, ldc, s));
        if (count > 18) TSimd.Store(c18, ref c, Offset<TVectors>(18, ldc, s));
        if (count > 19) TSimd.Store(c19, ref c, Offset<TVectors>(19, ldc, s));
        if (count > 20) TSimd.Store(c20, ref c, Offset<TVectors>(20, ldc, s));
        if (count > 21) TSimd.Store(c21, ref c, Offset<TVectors>(21, ldc, s));
        if (count > 22) TSimd.Store(c22, ref c, Offset<TVectors>(22, ldc, s));
        if (count > 23) TSimd.Store(c23, ref c, Offset<TVectors>(23, ldc, s));
    }

    /// <summary>Where accumulator <paramref name="q"/> of a tile lives in c: row q / V, vector q % V.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Offset<TVectors>(int q, nint n, nuint lanes)
        where TVectors : struct, IBlockSize =>
        (nuint)(q / TVectors.Value) * (nuint)n + (nuint)(q % TVectors.Value) * lanes;

    /// <summary>The broadcast a(i, t) for accumulator <paramref name="q"/>: a new row's where q starts a row, else the current one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Row<TSimd, TVector, TVectors>(int q, TVector current, ref float a, nint aRowStride)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TVectors : struct, IBlockSize =>
        q % TVectors.Value == 0 ? TSimd.Broadcast(Unsafe.Add(ref a, q / TVectors.Value * aRowStride)) : current;

    /// <summary>The vector of b's row that accumulator <paramref name="q"/> multiplies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Vector<TVector, TVectors>(int q, TVector b0, TVector b1, TVector b2, TVector b3)
        where TVector : struct
        where TVectors : struct, IBlockSize =>
        (q % TVectors.Value) switch { 0 => b0, 1 => b1, 2 => b2, _ => b3 };
}
