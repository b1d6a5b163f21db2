using System;
using Rnn.Gen.Kernels;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// <see cref="MatrixKernels.MultiplyAddRows(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int, int, int, int)"/>,
/// the recurrent product of a whole batch with each sample's rows in its own block: against a double-precision
/// reference at every vector width, bit for bit against the one-row product each sample runs alone, elements between
/// the rows untouched, and its argument checks.
/// </summary>
public sealed class MultiplyAddRowsTests
{
    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 64, 256 }, { 5, 7, 30 }, { 13, 64, 256 }, { 16, 64, 256 }, { 32, 32, 96 }, { 12, 1, 3 }, { 3, 19, 17 }, { 7, 128, 512 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Rows_spread_over_blocks_get_what_each_row_gets_alone(int m, int k, int n)
    {
        // Blocks as in a batch workspace: row i of a at i·aStride + 3, row i of c at i·cStride + 5, other data between.
        int aStride = k + 11, cStride = n + 9;
        float[] a = KernelCases.Values((m - 1) * aStride + k + 3, 1), b = KernelCases.Values(k * n, 2);
        float[] c0 = KernelCases.Values((m - 1) * cStride + n + 5, 3);
        foreach (KernelWidth width in KernelCases.Widths())
        {
            float[] c = (float[])c0.Clone(), alone = (float[])c0.Clone();
            MatrixKernels.MultiplyAddRows(a.AsSpan(3), aStride, b, c.AsSpan(5), cStride, m, k, n, width);
            for (int i = 0; i < m; i++)
            {
                VectorKernels.MultiplyAddPacked(b, a.AsSpan(3 + i * aStride, k), alone.AsSpan(5 + i * cStride, n), width);
            }

            GuardedBuffer.AssertSameBits(alone, c, $"[{m}, {k}] x [{k}, {n}] at {width}");
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expected = c0[5 + i * cStride + j];
                    for (int t = 0; t < k; t++)
                    {
                        expected += (double)a[3 + i * aStride + t] * b[t * n + j];
                    }

                    Assert.True(Math.Abs(expected - c[5 + i * cStride + j]) <= 1e-5 * (1 + Math.Abs(expected)), $"c({i}, {j}) at {width}: {c[5 + i * cStride + j]} vs {expected}");
                }
            }
        }
    }

    [Fact]
    public void A_stride_of_zero_uses_one_row_for_every_result_row()
    {
        float[] a = KernelCases.Values(8, 4), b = KernelCases.Values(8 * 20, 5), c = new float[3 * 25], expected = new float[20];
        MatrixKernels.MultiplyAddRows(a, 0, b, c, 25, 3, 8, 20);
        VectorKernels.MultiplyAddPacked(b, a, expected);
        for (int i = 0; i < 3; i++)
        {
            GuardedBuffer.AssertSameBits(expected, c.AsSpan(i * 25, 20).ToArray(), $"row {i}");
            Assert.All(c.AsSpan(i * 25 + 20, 5).ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Bad_strides_and_short_spans_are_refused_before_anything_is_written()
    {
        float[] a = new float[40], b = new float[4 * 6], c = new float[30];
        Assert.Contains("at least 4, or 0", Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.MultiplyAddRows(a, 3, b, c, 10, 3, 4, 6)).Message);
        Assert.Contains("at least 6", Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.MultiplyAddRows(a, 4, b, c, 5, 3, 4, 6)).Message);
        Assert.Contains("at least 26 elements, got 25", Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAddRows(a, 4, b, c.AsSpan(0, 25), 10, 3, 4, 6)).Message);
        Assert.Contains("at least 44 elements, got 40", Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAddRows(a, 20, b, c, 10, 3, 4, 6)).Message);
        Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAddRows(a, 4, b.AsSpan(1), c, 10, 3, 4, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.MultiplyAddRows(a, 4, b, c, 10, -1, 4, 6));
        Assert.All(c, v => Assert.Equal(0f, v));
        MatrixKernels.MultiplyAddRows(a, 4, b, c, 10, 0, 4, 6); // no rows: nothing to do
    }
}
