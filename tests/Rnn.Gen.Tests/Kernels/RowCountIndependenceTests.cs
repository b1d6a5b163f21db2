using System;
using Rnn.Gen.Kernels;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// What the decoder batch path relies on to run a head over every sample's steps at once and still give the bits of
/// the one-sample pass: a row of a matrix product is the same whatever the number of rows computed with it (row tiles
/// of 6 or 12 and the remainder tiles sum each element as the same chain), the sums over rows continue one chain
/// whether the rows come in one call or in blocks, and a softmax row and its backward give the same bits wherever the
/// row lies in memory (the batch softmaxes the caller's outputs, the one-sample pass its cache).
/// </summary>
public sealed class RowCountIndependenceTests
{
    /// <summary>Blocks of <c>rows</c> rows (a sample's steps), <c>blocks</c> of them (the batch), k and n.</summary>
    public static TheoryData<int, int, int, int> Shapes() => new()
    {
        { 14, 32, 24, 83 }, // the translation model's 14 steps, 448 rows: 37 tiles of 12 and 4 rows; 83 columns leave a scalar tail
        { 5, 13, 12, 20 },
        { 7, 5, 9, 64 },
        { 13, 3, 33, 17 },
        { 2, 9, 5, 2 },
        { 1, 11, 16, 40 }, // one row alone is the matrix–vector path
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_row_of_one_large_product_is_that_row_of_a_product_of_its_block(int rows, int blocks, int k, int n)
    {
        int m = rows * blocks;
        float[] a = KernelCases.Values(m * k, 1), b = KernelCases.Values(k * n, 2), c0 = KernelCases.Values(m * n, 3);
        foreach (KernelWidth width in KernelCases.Widths())
        {
            float[] whole = (float[])c0.Clone(), byBlock = (float[])c0.Clone();
            MatrixKernels.MultiplyAdd(a, b, whole, m, k, n, width);
            for (int block = 0; block < blocks; block++)
            {
                MatrixKernels.MultiplyAdd(a.AsSpan(block * rows * k, rows * k), b, byBlock.AsSpan(block * rows * n, rows * n), rows, k, n, width);
            }

            GuardedBuffer.AssertSameBits(byBlock, whole, $"{blocks} blocks of {rows} rows, [{k}, {n}], at {width}");
        }
    }

    [Theory]
    [InlineData(5, 1000, 40)] // four blocks of the summed index, the last one short
    [InlineData(14, 4000, 128)] // a 4,000-word head's dL/dx for one sentence
    [InlineData(3, 257, 19)]
    public void A_product_summed_in_blocks_of_k_gives_the_bits_of_one_pass(int m, int k, int n)
    {
        // MultiplyAdd sums a long k in blocks (MatrixKernels.SummedBlock), each element's partial sum stored and reloaded;
        // the one-row product (the matrix–vector kernel) runs the whole chain in one pass.
        Assert.True(k > MatrixKernels.SummedBlock);
        float[] a = KernelCases.Values(m * k, 10), b = KernelCases.Values(k * n, 11), c0 = KernelCases.Values(m * n, 12);
        foreach (KernelWidth width in KernelCases.Widths())
        {
            float[] blocked = (float[])c0.Clone(), onePass = (float[])c0.Clone();
            MatrixKernels.MultiplyAdd(a, b, blocked, m, k, n, width);
            for (int i = 0; i < m; i++)
            {
                VectorKernels.MultiplyAddPacked(b, a.AsSpan(i * k, k), onePass.AsSpan(i * n, n), width);
            }

            GuardedBuffer.AssertSameBits(onePass, blocked, $"[{m}, {k}] x [{k}, {n}] at {width}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sums_over_all_rows_at_once_continue_the_chains_of_block_after_block(int rows, int blocks, int k, int n)
    {
        // TransposeMultiplyAdd sums over the rows (a weight gradient over every step of every sample), AddRowSums a bias's.
        int m = rows * blocks;
        float[] a = KernelCases.Values(m * k, 4), b = KernelCases.Values(m * n, 5), c0 = KernelCases.Values(k * n, 6), y0 = KernelCases.Values(k, 7);
        foreach (KernelWidth width in KernelCases.Widths())
        {
            float[] whole = (float[])c0.Clone(), byBlock = (float[])c0.Clone(), sumWhole = (float[])y0.Clone(), sumByBlock = (float[])y0.Clone();
            MatrixKernels.TransposeMultiplyAdd(a, b, whole, k, m, n, width);
            MatrixKernels.AddRowSums(a, m, sumWhole, width);
            for (int block = 0; block < blocks; block++)
            {
                MatrixKernels.TransposeMultiplyAdd(a.AsSpan(block * rows * k, rows * k), b.AsSpan(block * rows * n, rows * n), byBlock, k, rows, n, width);
                MatrixKernels.AddRowSums(a.AsSpan(block * rows * k, rows * k), rows, sumByBlock, width);
            }

            GuardedBuffer.AssertSameBits(byBlock, whole, $"aᵀ b over {blocks} blocks of {rows} rows, [{k}, {n}], at {width}");
            GuardedBuffer.AssertSameBits(sumByBlock, sumWhole, $"row sums over {blocks} blocks of {rows} rows of {k}, at {width}");
        }
    }

    [Theory]
    [InlineData(20)]
    [InlineData(37)]
    [InlineData(4000)]
    public void A_softmax_row_and_its_backward_give_the_same_bits_at_every_offset(int n)
    {
        float[] logits = KernelCases.Values(n, 8), dy = KernelCases.Values(n, 9);
        for (int i = 0; i < n; i++)
        {
            logits[i] *= 6f;
        }

        float[]? firstY = null, firstDz = null;
        for (int offset = 0; offset < 17; offset++)
        {
            float[] y = new float[n + 17], dz = new float[n + 23];
            logits.CopyTo(y, offset);
            VectorKernels.Softmax(y.AsSpan(offset, n));
            dy.CopyTo(dz, offset + 5);
            VectorKernels.SoftmaxBackward(y.AsSpan(offset, n), dz.AsSpan(offset + 5, n));
            float[] row = y.AsSpan(offset, n).ToArray(), gradient = dz.AsSpan(offset + 5, n).ToArray();
            firstY ??= row;
            firstDz ??= gradient;
            GuardedBuffer.AssertSameBits(firstY, row, $"softmax of {n} at offset {offset}");
            GuardedBuffer.AssertSameBits(firstDz, gradient, $"softmax backward of {n} at offset {offset}");
        }
    }
}
