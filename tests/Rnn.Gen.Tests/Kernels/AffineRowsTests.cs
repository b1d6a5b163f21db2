using System;
using Rnn.Gen.Kernels;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// <see cref="MatrixKernels.AffineRows(ReadOnlySpan{float}, ReadOnlySpan{float}, int, ReadOnlySpan{float}, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int, int, int, int, int)"/>,
/// one recurrent step's pre-activations (bias + W_ih x_t + W_hh h_(t-1)) for every sample of a batch: bit for bit what
/// the one-sample path computes (the bias copied into the row, the input projection, then the packed product with h),
/// against a double-precision reference at every vector width, elements between the rows untouched, and its argument
/// checks.
/// </summary>
public sealed class AffineRowsTests
{
    public static TheoryData<int, int, int, int> Sizes() => new()
    {
        // rows, x columns, h columns, n: the (c) step (16 samples, I = 8, H = 64, 4H = 256), GRU-like n = 3H, odd sizes
        { 16, 8, 64, 256 }, { 1, 8, 64, 256 }, { 13, 1, 32, 128 }, { 7, 16, 128, 512 }, { 5, 3, 8, 24 }, { 6, 9, 17, 33 }, { 3, 0, 5, 20 }, { 4, 5, 0, 7 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Rows_get_the_chain_of_bias_input_projection_and_recurrent_product(int m, int kx, int kh, int n)
    {
        // Blocks as in a batch workspace: sample i's x, h and result rows in a block of its own, data between them.
        int block = kx + kh + n + 21, xAt = 3, hAt = xAt + kx + 5, cAt = hAt + kh + 7;
        float[] blocks = KernelCases.Values(m * block, 1), wx = KernelCases.Values(kx * n, 2), wh = KernelCases.Values(kh * n, 3);
        float[] bias = KernelCases.Values(n, 4);
        foreach (KernelWidth width in KernelCases.Widths())
        {
            float[] fused = (float[])blocks.Clone(), alone = (float[])blocks.Clone();
            MatrixKernels.AffineRows(bias, fused.AsSpan(xAt), block, wx, fused.AsSpan(hAt), block, wh, fused.AsSpan(cAt), block, m, kx, kh, n, width);
            for (int i = 0; i < m; i++)
            {
                // The one-sample path: the row starts as the bias, W_ih x_t adds in (a one-row input projection), then W_hh h.
                Span<float> row = alone.AsSpan(i * block + cAt, n);
                bias.CopyTo(row);
                MatrixKernels.MultiplyAdd(alone.AsSpan(i * block + xAt, kx), wx, row, 1, kx, n, width);
                VectorKernels.MultiplyAddPacked(wh, alone.AsSpan(i * block + hAt, kh), row, width);
            }

            GuardedBuffer.AssertSameBits(alone, fused, $"{m} rows, [{kx} + {kh}] x {n} at {width}");
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expected = bias[j];
                    for (int t = 0; t < kx; t++)
                    {
                        expected += (double)blocks[i * block + xAt + t] * wx[t * n + j];
                    }

                    for (int u = 0; u < kh; u++)
                    {
                        expected += (double)blocks[i * block + hAt + u] * wh[u * n + j];
                    }

                    float actual = fused[i * block + cAt + j];
                    Assert.True(Math.Abs(expected - actual) <= 1e-5 * (1 + Math.Abs(expected)), $"c({i}, {j}) at {width}: {actual} vs {expected}");
                }
            }
        }
    }

    [Fact]
    public void One_source_is_the_input_side_and_no_columns_leave_the_bias()
    {
        const int m = 5, k = 8, n = 48, stride = 70;
        float[] x = KernelCases.Values(m * stride, 5), w = KernelCases.Values(k * n, 6), bias = KernelCases.Values(n, 7);
        float[] c = new float[m * stride], expected = new float[m * stride];
        MatrixKernels.AffineRows(bias, x, stride, w, c, stride, m, k, n);
        for (int i = 0; i < m; i++)
        {
            bias.CopyTo(expected.AsSpan(i * stride, n));
            MatrixKernels.MultiplyAdd(x.AsSpan(i * stride, k), w, expected.AsSpan(i * stride, n), 1, k, n);
        }

        GuardedBuffer.AssertSameBits(expected, c, "one source");

        Array.Fill(c, 9f);
        MatrixKernels.AffineRows(bias, x, stride, ReadOnlySpan<float>.Empty, c, stride, m, 0, n);
        for (int i = 0; i < m; i++)
        {
            GuardedBuffer.AssertSameBits(bias, c.AsSpan(i * stride, n).ToArray(), $"row {i} with k = 0");
            Assert.All(c.AsSpan(i * stride + n, stride - n).ToArray(), v => Assert.Equal(9f, v));
        }
    }

    [Fact]
    public void Bad_shapes_are_refused_before_anything_is_written()
    {
        float[] x = new float[40], h = new float[40], wx = new float[4 * 6], wh = new float[2 * 6], bias = new float[6], c = new float[30];
        Assert.Contains("at least 4, or 0", Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.AffineRows(bias, x, 3, wx, h, 2, wh, c, 10, 3, 4, 2, 6)).Message);
        Assert.Contains("at least 2, or 0", Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.AffineRows(bias, x, 4, wx, h, 1, wh, c, 10, 3, 4, 2, 6)).Message);
        Assert.Contains("at least 6", Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.AffineRows(bias, x, 4, wx, h, 2, wh, c, 5, 3, 4, 2, 6)).Message);
        Assert.Contains("[1, 6] matrix", Assert.Throws<ArgumentException>(() => MatrixKernels.AffineRows(bias.AsSpan(1), x, 4, wx, h, 2, wh, c, 10, 3, 4, 2, 6)).Message);
        Assert.Contains("[2, 6] matrix", Assert.Throws<ArgumentException>(() => MatrixKernels.AffineRows(bias, x, 4, wx, h, 2, wh.AsSpan(1), c, 10, 3, 4, 2, 6)).Message);
        Assert.Contains("at least 26 elements, got 25", Assert.Throws<ArgumentException>(() => MatrixKernels.AffineRows(bias, x, 4, wx, h, 2, wh, c.AsSpan(0, 25), 10, 3, 4, 2, 6)).Message);
        Assert.Contains("at least 44 elements, got 40", Assert.Throws<ArgumentException>(() => MatrixKernels.AffineRows(bias, x, 20, wx, h, 2, wh, c, 10, 3, 4, 2, 6)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.AffineRows(bias, x, 4, wx, h, 2, wh, c, 10, -1, 4, 2, 6));
        Assert.All(c, v => Assert.Equal(0f, v));
        MatrixKernels.AffineRows(bias, x, 4, wx, h, 2, wh, c, 10, 0, 4, 2, 6); // no rows: nothing to do
        Assert.All(c, v => Assert.Equal(0f, v));
    }
}
