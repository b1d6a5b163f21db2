using System;
using Rnn.Gen.Kernels;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// <see cref="MatrixKernels.MultiplyAddDotRows(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float}, int, int, int, int)"/>,
/// the head of a beam search in lockstep: each result bit for bit what
/// <see cref="VectorKernels.MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> gives its vector alone,
/// at every vector width, however many vectors share the pass; against a double-precision reference; elements between
/// the rows untouched; its argument checks.
/// </summary>
public sealed class MultiplyAddDotRowsTests
{
    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 40, 16 }, { 2, 9, 8 }, { 3, 7, 6 }, { 5, 4000 / 16, 128 }, { 5, 13, 1 }, { 4, 6, 19 }, { 7, 33, 64 }, { 6, 5, 0 }, { 3, 1, 24 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Each_result_is_the_one_vector_product_bit_for_bit(int m, int rows, int cols)
    {
        int xStride = cols + 7, yStride = rows + 5;
        float[] w = KernelCases.Values(rows * cols, 1), x = KernelCases.Values(((m - 1) * xStride) + cols + 3, 2);
        float[] y0 = KernelCases.Values(((m - 1) * yStride) + rows + 2, 3);
        foreach (KernelWidth width in KernelCases.Widths())
        {
            float[] y = (float[])y0.Clone(), alone = (float[])y0.Clone();
            MatrixKernels.MultiplyAddDotRows(w, x.AsSpan(3), xStride, y.AsSpan(2), yStride, m, rows, cols, width);
            for (int i = 0; i < m; i++)
            {
                VectorKernels.MultiplyAdd(w, x.AsSpan(3 + (i * xStride), cols), alone.AsSpan(2 + (i * yStride), rows), width);
            }

            GuardedBuffer.AssertSameBits(alone, y, $"{m} x [{rows}, {cols}] at {width}");
            for (int i = 0; i < m; i++)
            {
                for (int r = 0; r < rows; r++)
                {
                    double expected = y0[2 + (i * yStride) + r];
                    for (int c = 0; c < cols; c++)
                    {
                        expected += (double)w[(r * cols) + c] * x[3 + (i * xStride) + c];
                    }

                    float actual = y[2 + (i * yStride) + r];
                    Assert.True(Math.Abs(expected - actual) <= 1e-5 * (1 + Math.Abs(expected)), $"y({i})[{r}] at {width}: {actual} vs {expected}");
                }
            }

            // The passes pair the vectors: one vector alone gives what it gives in a pair.
            if (m > 1)
            {
                float[] single = (float[])y0.Clone();
                MatrixKernels.MultiplyAddDotRows(w, x.AsSpan(3 + xStride), xStride, single.AsSpan(2 + yStride), yStride, 1, rows, cols, width);
                GuardedBuffer.AssertSameBits(y.AsSpan(2 + yStride, rows).ToArray(), single.AsSpan(2 + yStride, rows).ToArray(), $"vector 1 alone, at {width}");
            }
        }
    }

    [Fact]
    public void A_stride_of_zero_uses_one_vector_for_every_result()
    {
        float[] w = KernelCases.Values(20 * 8, 4), x = KernelCases.Values(8, 5), y = new float[3 * 25], expected = new float[20];
        MatrixKernels.MultiplyAddDotRows(w, x, 0, y, 25, 3, 20, 8);
        VectorKernels.MultiplyAdd(w, x, expected);
        for (int i = 0; i < 3; i++)
        {
            GuardedBuffer.AssertSameBits(expected, y.AsSpan(i * 25, 20).ToArray(), $"row {i}");
        }
    }

    [Fact]
    public void Bad_sizes_throw_before_anything_is_written()
    {
        float[] w = new float[20 * 8], x = new float[2 * 8], y = new float[2 * 20];
        Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAddDotRows(w.AsSpan(1), x, 8, y, 20, 2, 20, 8));
        Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAddDotRows(w, x.AsSpan(1), 8, y, 20, 2, 20, 8));
        Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAddDotRows(w, x, 8, y.AsSpan(1), 20, 2, 20, 8));
        Assert.ThrowsAny<ArgumentException>(() => MatrixKernels.MultiplyAddDotRows(w, x, 7, y, 20, 2, 20, 8));
        Assert.ThrowsAny<ArgumentException>(() => MatrixKernels.MultiplyAddDotRows(w, x, 8, y, 19, 2, 20, 8));
        Assert.ThrowsAny<ArgumentException>(() => MatrixKernels.MultiplyAddDotRows(w, x, 8, y, 20, -1, 20, 8));
        Assert.All(y, v => Assert.Equal(0f, v));
    }
}
