using System;
using Rnn.Gen.Kernels;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// The streaming step's products: <see cref="VectorKernels.AffinePacked(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/>
/// (the sums started from a bias where it lies) and
/// <see cref="VectorKernels.MultiplyAddPacked(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> (the
/// result stored gate by gate in the vectors a cell reads it in). Neither may change a bit of what copying the bias and
/// the plain packed product compute, at any vector width and any number of gates; both agree with a double reference.
/// </summary>
public sealed class AffinePackedTests
{
    public static TheoryData<int, int, int> Sizes() => new()
    {
        // gates, H, columns: LSTM and GRU steps at the benchmark sizes (H = 8 is where the gates' vectors change), a gate
        // of 24 and of 40 (a multiple of 8, not of 16), odd sizes, one gate (Elman, Dense), one column (input 1)
        { 4, 8, 1 }, { 4, 8, 8 }, { 3, 8, 1 }, { 3, 8, 8 }, { 4, 16, 16 }, { 3, 32, 32 }, { 4, 64, 64 }, { 3, 128, 16 },
        { 4, 24, 5 }, { 3, 40, 12 }, { 4, 5, 3 }, { 3, 13, 7 }, { 1, 8, 8 }, { 1, 24, 9 }, { 1, 200, 17 }, { 4, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Bias_and_gates_leave_the_sums_of_the_plain_product(int gates, int hidden, int cols)
    {
        int rows = gates * hidden;
        float[] wt = KernelCases.Values(cols * rows, 1), x = KernelCases.Values(cols, 2), bias = KernelCases.Values(rows, 3);
        float[]? first = null;
        foreach (KernelWidth width in KernelCases.Widths())
        {
            // The one-sample path before: the bias copied into y, then the packed product adds to it.
            float[] expected = (float[])bias.Clone();
            VectorKernels.MultiplyAddPacked(wt, x, expected, width);

            float[] affine = new float[rows];
            VectorKernels.AffinePacked(bias, wt, x, affine, gates, width);
            GuardedBuffer.AssertSameBits(expected, affine, $"AffinePacked, {gates} gates of {hidden}, {cols} columns, at {width}");

            float[] gated = (float[])bias.Clone();
            VectorKernels.MultiplyAddPacked(wt, x, gated, gates, width);
            GuardedBuffer.AssertSameBits(expected, gated, $"MultiplyAddPacked, {gates} gates of {hidden}, {cols} columns, at {width}");

            // Each element is one chain in a fixed order, so every width gives the same bits.
            first ??= expected;
            GuardedBuffer.AssertSameBits(first, affine, $"AffinePacked at {width} against the first width");
        }

        float[] viaPublic = new float[rows];
        VectorKernels.AffinePacked(bias, wt, x, viaPublic, gates);
        GuardedBuffer.AssertSameBits(first!, viaPublic, "the public AffinePacked");
        for (int r = 0; r < rows; r++)
        {
            double sum = bias[r], magnitude = Math.Abs(bias[r]);
            for (int c = 0; c < cols; c++)
            {
                sum += (double)wt[c * rows + r] * x[c];
                magnitude += Math.Abs((double)wt[c * rows + r] * x[c]);
            }

            Assert.True(Math.Abs(sum - viaPublic[r]) <= 1e-6 * (1 + magnitude), $"y[{r}]: {viaPublic[r]} vs {sum}");
        }
    }

    [Fact]
    public void The_bias_may_be_the_result_itself()
    {
        const int rows = 96, cols = 11;
        float[] wt = KernelCases.Values(cols * rows, 4), x = KernelCases.Values(cols, 5), y = KernelCases.Values(rows, 6);
        float[] expected = (float[])y.Clone();
        VectorKernels.MultiplyAddPacked(wt, x, expected);
        VectorKernels.AffinePacked(y, wt, x, y, 4);
        GuardedBuffer.AssertSameBits(expected, y, "bias = y");
    }

    [Fact]
    public void Wrong_lengths_and_gate_counts_are_refused()
    {
        float[] wt = new float[3 * 24], x = new float[3], bias = new float[24], y = new float[24];
        ArgumentException shortBias = Assert.Throws<ArgumentException>(() => VectorKernels.AffinePacked(bias.AsSpan(0, 23), wt, x, y, 3));
        Assert.Contains("equal length", shortBias.Message);
        Assert.Throws<ArgumentException>(() => VectorKernels.AffinePacked(bias, wt.AsSpan(1), x, y, 3));
        ArgumentOutOfRangeException zero = Assert.Throws<ArgumentOutOfRangeException>(() => VectorKernels.AffinePacked(bias, wt, x, y, 0));
        Assert.Equal("gates", zero.ParamName);
        ArgumentOutOfRangeException notDividing = Assert.Throws<ArgumentOutOfRangeException>(() => VectorKernels.MultiplyAddPacked(wt, x, y, 5));
        Assert.Contains("divides the 24 rows", notDividing.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => VectorKernels.MultiplyAddPacked(wt, x, y, -1));
        Assert.Throws<ArgumentException>(() => VectorKernels.MultiplyAddPacked(wt, x.AsSpan(1), y, 3));
    }
}
