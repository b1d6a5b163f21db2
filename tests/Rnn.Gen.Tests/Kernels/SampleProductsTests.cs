using System;
using Rnn.Gen.Kernels;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// <see cref="MatrixKernels.TransposeMultiplyAddSamples(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{int}, int, Span{float}, int, int)"/>
/// and <see cref="MatrixKernels.AddRowSumsSamples(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{int}, int, Span{float})"/>,
/// a batch's weight and bias gradients in one product over every sample: bit for bit what one call per sample in the
/// given order gives, at every vector width (the batch path's gradients equal the one-sample path's through it), close
/// to a double-precision sum, and their argument checks.
/// </summary>
public sealed class SampleProductsTests
{
    // Slots in blocks of a batch buffer, with other data between them; batch order is not slot order, lengths differ
    // (one sample of one step: no row at all with the offset -1).
    private static readonly int[] Order = [2, 0, 3, 1, 4];
    private static readonly int[] Lengths = [9, 7, 1, 12, 4];
    private const int MaxSteps = 12;

    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 256, 64, -1 }, { 8, 256, 0 }, { 1, 17, 0 }, { 13, 40, 0 }, { 7, 3, -1 }, { 64, 100, 0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void One_product_over_the_samples_is_one_call_per_sample_in_order(int m, int n, int lengthOffset)
    {
        int aStride = MaxSteps * m + 5, bStride = MaxSteps * n + 3;
        float[] a = KernelCases.Values(Lengths.Length * aStride, 1), b = KernelCases.Values(Lengths.Length * bStride, 2);
        float[] c0 = KernelCases.Values(m * n, 3);
        foreach (KernelWidth width in KernelCases.Widths())
        {
            float[] c = (float[])c0.Clone(), perSample = (float[])c0.Clone();
            MatrixKernels.TransposeMultiplyAddSamples(a, aStride, b, bStride, Order, Lengths, lengthOffset, c, m, n, width);
            foreach (int slot in Order)
            {
                int k = Math.Max(0, Lengths[slot] + lengthOffset);
                MatrixKernels.TransposeMultiplyAdd(a.AsSpan(slot * aStride, k * m), b.AsSpan(slot * bStride, k * n), perSample, m, k, n, width);
            }

            GuardedBuffer.AssertSameBits(perSample, c, $"[{m}, {n}], offset {lengthOffset}, at {width}");
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expected = c0[i * n + j];
                    foreach (int slot in Order)
                    {
                        for (int t = 0; t < Lengths[slot] + lengthOffset; t++)
                        {
                            expected += (double)a[slot * aStride + t * m + i] * b[slot * bStride + t * n + j];
                        }
                    }

                    Assert.True(Math.Abs(expected - c[i * n + j]) <= 1e-5 * (1 + Math.Abs(expected)), $"c({i}, {j}) at {width}: {c[i * n + j]} vs {expected}");
                }
            }
        }
    }

    [Theory]
    [InlineData(256, 0)]
    [InlineData(17, -1)]
    [InlineData(3, 0)]
    public void Row_sums_over_the_samples_are_one_call_per_sample_in_order(int n, int lengthOffset)
    {
        int stride = MaxSteps * n + 7;
        float[] a = KernelCases.Values(Lengths.Length * stride, 4), y0 = KernelCases.Values(n, 5);
        foreach (KernelWidth width in KernelCases.Widths())
        {
            float[] y = (float[])y0.Clone(), perSample = (float[])y0.Clone();
            MatrixKernels.AddRowSumsSamples(a, stride, Order, Lengths, lengthOffset, y, width);
            foreach (int slot in Order)
            {
                int k = Math.Max(0, Lengths[slot] + lengthOffset);
                MatrixKernels.AddRowSums(a.AsSpan(slot * stride, k * n), k, perSample, width);
            }

            GuardedBuffer.AssertSameBits(perSample, y, $"row sums of {n}, offset {lengthOffset}, at {width}");
        }
    }

    [Fact]
    public void Bad_slots_and_short_spans_throw_before_anything_is_written()
    {
        float[] a = new float[5 * 40], b = new float[5 * 30], c = KernelCases.Values(4 * 3, 6), before = (float[])c.Clone();
        Assert.Contains("slots from 0 to 4", Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.TransposeMultiplyAddSamples(a, 40, b, 30, [0, 5], Lengths, 0, c, 4, 3)).Message);
        // Slot 3 has 12 steps: 12 rows of 4 at 3 · 40 end at 168, inside a; rows of 3 in b at 3 · 12 = 36 end at 72; a too short by one.
        Assert.Contains("got 167", Assert.Throws<ArgumentException>(() => MatrixKernels.TransposeMultiplyAddSamples(a.AsSpan(0, 167), 40, b, 12, [0, 3], Lengths, 0, c, 4, 3)).Message);
        Assert.Throws<ArgumentException>(() => MatrixKernels.TransposeMultiplyAddSamples(a, 40, b, 30, Order, Lengths, 0, c.AsSpan(0, 11), 4, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatrixKernels.AddRowSumsSamples(a, -1, Order, Lengths, 0, c));
        Assert.Equal(before, c);
    }
}
