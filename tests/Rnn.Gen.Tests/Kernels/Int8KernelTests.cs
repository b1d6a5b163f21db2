using System;
using System.Collections.Generic;
using Rnn.Gen.Kernels;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// <see cref="Int8Kernels"/> on <see cref="Int8Weights"/>: every instruction-set path this machine has gives the same
/// bits as the scalar one; the scalar one gives what the quantization rules (per-row weight scale max|w| / 127,
/// activation scale max|x| / 63, rounding to even, 32-bit sums) compute, written out here from the float matrix in
/// PyTorch's layout; and the result is within the bound those rules imply of the exact float product.
/// </summary>
public sealed class Int8KernelTests
{
    public static TheoryData<int, int> Sizes() => new()
    {
        // rows, columns: one row or column, less than a panel, a panel and one, LSTM and GRU steps (4H, 3H rows),
        // columns not a multiple of 4, and four panels and more (the AVX-512 path's blocks of 64 rows).
        { 1, 1 }, { 5, 3 }, { 16, 4 }, { 17, 7 }, { 32, 8 }, { 64, 64 }, { 96, 32 }, { 100, 13 }, { 256, 64 }, { 512, 128 }, { 384, 130 }, { 80, 16 },
    };

    private static IEnumerable<Int8Kernels.Int8Path> Paths()
    {
        foreach (Int8Kernels.Int8Path path in Enum.GetValues<Int8Kernels.Int8Path>())
        {
            if (Int8Kernels.IsSupported(path))
            {
                yield return path;
            }
        }
    }

    [Fact]
    public void This_machine_runs_a_vector_path_when_it_has_AVX2()
    {
        // The preferred path is the fastest one supported; on an x86 machine with AVX2 it is never the scalar one.
        Assert.True(Int8Kernels.IsSupported(Int8Kernels.Preferred));
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            Assert.NotEqual(Int8Kernels.Int8Path.Scalar, Int8Kernels.Preferred);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Every_path_gives_the_bits_of_the_quantization_rules(int rows, int cols)
    {
        float[] w = KernelCases.Values(rows * cols, 11), x = KernelCases.Values(cols, 12), bias = KernelCases.Values(rows, 13);
        w[0] = 0.75f; // a row whose maximum is exactly representable
        var weights = new Int8Weights(3, 2, rows, cols);
        weights.Quantize(1, w);
        float[] expected = Expected(w, rows, cols, x, bias);
        foreach (Int8Kernels.Int8Path path in Paths())
        {
            float[] y = new float[rows];
            Int8Kernels.Product(bias, weights, 1, x, y, path);
            GuardedBuffer.AssertSameBits(expected, y, $"{path}, [{rows}, {cols}]");

            // MultiplyAdd on y holding the bias: the same bits as starting from the bias.
            float[] added = (float[])bias.Clone();
            Int8Kernels.Product(added, weights, 1, x, added, path);
            GuardedBuffer.AssertSameBits(expected, added, $"{path}, [{rows}, {cols}], y += W x");
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_product_is_within_the_quantization_bound_of_the_float_product(int rows, int cols)
    {
        float[] w = KernelCases.Values(rows * cols, 21), x = KernelCases.Values(cols, 22);
        for (int c = 0; c < cols; c++)
        {
            x[c] *= 3f; // activations beyond [-1, 1]: the scale follows them
        }

        var weights = new Int8Weights(rows, cols);
        weights.Quantize(0, w);
        float[] y = new float[rows];
        Int8Kernels.MultiplyAdd(weights, 0, x, y);

        double xMax = 0;
        foreach (float v in x)
        {
            xMax = Math.Max(xMax, Math.Abs(v));
        }

        double sx = xMax / 63;
        double worst = 0;
        for (int r = 0; r < rows; r++)
        {
            double exact = 0, wAbs = 0, xAbs = 0, wMax = 0;
            for (int c = 0; c < cols; c++)
            {
                exact += (double)w[r * cols + c] * x[c];
                wAbs += Math.Abs(w[r * cols + c]);
                xAbs += Math.Abs(x[c]);
                wMax = Math.Max(wMax, Math.Abs(w[r * cols + c]));
            }

            // w = s_r q + e_w, x = s_x q + e_x with |e_w| <= s_r / 2, |e_x| <= s_x / 2:
            // |Σ w x − s_r s_x Σ q q| <= Σ |w| s_x / 2 + Σ |x| s_r / 2 + cols s_r s_x / 4, plus float rounding.
            double sr = wMax / 127;
            double bound = (wAbs * sx / 2) + (xAbs * sr / 2) + (cols * sr * sx / 4) + (1e-6 * (1 + Math.Abs(exact)));
            double error = Math.Abs(y[r] - exact);
            Assert.True(error <= bound, $"row {r} of [{rows}, {cols}]: error {error} over the bound {bound}");
            worst = Math.Max(worst, error / bound);
        }

        // The bound is not vacuous: it is the worst case, and typical errors are well inside it.
        Assert.True(worst < 1, $"worst error / bound {worst}");
    }

    [Fact]
    public void Zero_activations_and_zero_rows_give_the_start_and_NaN_propagates()
    {
        float[] w = KernelCases.Values(20 * 6, 31);
        Array.Clear(w, 6 * 3, 6); // row 3 is zero
        var weights = new Int8Weights(20, 6);
        weights.Quantize(0, w);
        float[] bias = KernelCases.Values(20, 32);
        foreach (Int8Kernels.Int8Path path in Paths())
        {
            float[] y = new float[20];
            Int8Kernels.Product(bias, weights, 0, new float[6], y, path);
            GuardedBuffer.AssertSameBits(bias, y, $"{path}: x = 0");

            float[] x = KernelCases.Values(6, 33);
            Int8Kernels.Product(bias, weights, 0, x, y, path);
            Assert.Equal(bias[3], y[3]);

            x[2] = float.NaN;
            Int8Kernels.Product(bias, weights, 0, x, y, path);
            Assert.All(y, v => Assert.True(float.IsNaN(v)));
        }
    }

    public static TheoryData<int> QuantizedLengths() => new() { 0, 1, 3, 15, 16, 17, 31, 32, 33, 47, 64, 70, 128, 130 };

    [Theory]
    [MemberData(nameof(QuantizedLengths))]
    public void Activations_quantize_to_the_bytes_of_the_rule(int length)
    {
        // The rule: s = max|x| / 63, u = round-to-even(x · (63 / max)) + 64, 64 in the padding. Halves (ties) on
        // both sides of zero, −0, and the largest magnitude in every position the vector loops and the tail reach.
        int padded = Int8Weights.PaddedColumns(Math.Max(length, 1));
        for (int place = 0; place < Math.Max(length, 1); place += Math.Max(1, length / 5))
        {
            float[] x = new float[length];
            for (int c = 0; c < length; c++)
            {
                x[c] = ((c % 7) - 3) + 0.5f; // ±0.5, ±1.5, ... : exact ties once the scale is 1
            }

            if (length > 2)
            {
                x[1] = -0f;
            }

            if (length > 0)
            {
                x[place] = -63f; // max|x| = 63, so 63 / max = 1 and every half above is a tie
            }

            byte[] u = new byte[padded];
            float s = Int8Kernels.QuantizeActivations(x, u);
            Assert.Equal(length == 0 ? 0f : 1f, s);
            for (int c = 0; c < padded; c++)
            {
                int expected = c < length ? (int)MathF.Round(x[c]) + 64 : 64;
                Assert.True(expected == u[c], $"length {length}, largest at {place}: byte {c} is {u[c]}, expected {expected} for {(c < length ? x[c] : 0f)}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(QuantizedLengths))]
    public void Activations_with_a_NaN_or_infinity_anywhere_give_a_NaN_scale_and_tiny_ones_quantize_as_zeros(int length)
    {
        byte[] u = new byte[Int8Weights.PaddedColumns(Math.Max(length, 1))];
        for (int place = 0; place < length; place++)
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                float[] x = KernelCases.Values(length, 61);
                x[place] = bad;
                Assert.True(float.IsNaN(Int8Kernels.QuantizeActivations(x, u)), $"{bad} at {place} of {length}");
            }
        }

        if (length > 0)
        {
            // Magnitudes under 63 / float.MaxValue: 63 / max would overflow, so the vector quantizes as zeros.
            float[] tiny = KernelCases.Values(length, 62);
            for (int c = 0; c < length; c++)
            {
                tiny[c] *= 1e-38f;
            }

            Assert.Equal(0f, Int8Kernels.QuantizeActivations(tiny, u));
            Assert.All(u, b => Assert.Equal(64, b));
        }
    }

    [Fact]
    public void Wrong_shapes_and_non_finite_weights_are_refused()
    {
        var weights = new Int8Weights(8, 4, 3, 5);
        Assert.Equal(2, weights.Count);
        Assert.Throws<ArgumentException>(() => weights.Quantize(0, new float[31]));
        float[] bad = new float[32];
        bad[9] = float.PositiveInfinity;
        ArgumentException e = Assert.Throws<ArgumentException>(() => weights.Quantize(0, bad));
        Assert.Contains("Row 2", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Int8Kernels.MultiplyAdd(weights, 0, new float[5], new float[8]));
        Assert.Throws<ArgumentException>(() => Int8Kernels.MultiplyAdd(weights, 1, new float[5], new float[8]));
        Assert.Throws<ArgumentException>(() => new Int8Weights(8, 4, 3));
    }

    public static TheoryData<int, int, int> TwoSidedSizes() => new()
    {
        // rows, columns of x, columns of h: a partial panel, whole panels, blocks of four panels with and without a
        // remainder, LSTM and GRU steps at H = 64 and 128 (4H and 3H rows), inputs narrower and wider than h.
        { 1, 1, 1 }, { 5, 3, 2 }, { 16, 4, 16 }, { 17, 7, 9 }, { 64, 16, 16 }, { 80, 13, 20 }, { 100, 33, 25 }, { 192, 64, 64 }, { 256, 64, 64 },
        { 384, 128, 128 }, { 512, 16, 128 }, { 512, 128, 128 }, { 96, 130, 24 },
    };

    [Theory]
    [MemberData(nameof(TwoSidedSizes))]
    public void Both_products_in_one_pass_give_the_bits_of_the_two_calls(int rows, int colsX, int colsH)
    {
        // AffineSum is Affine(W_x) then MultiplyAdd(W_h), AffinePair is two Affine calls: the same bits on every path,
        // so a step (one pass) and Predict (the input side of all steps first) agree.
        float[] wx = KernelCases.Values(rows * colsX, 41), wh = KernelCases.Values(rows * colsH, 42);
        float[] x = KernelCases.Values(colsX, 43), h = KernelCases.Values(colsH, 44);
        float[] biasX = KernelCases.Values(rows, 45), biasH = KernelCases.Values(rows, 46);
        for (int c = 0; c < colsH; c++)
        {
            h[c] *= 0.25f; // a scale of its own
        }

        var weights = new Int8Weights(3, 2, rows, colsX, rows, colsH);
        weights.Quantize(1, wx);
        weights.Quantize(2, wh);
        float[] expectedSum = Expected(wx, rows, colsX, x, biasX);
        expectedSum = Expected(wh, rows, colsH, h, expectedSum);
        float[] expectedX = Expected(wx, rows, colsX, x, biasX), expectedH = Expected(wh, rows, colsH, h, biasH);
        foreach (Int8Kernels.Int8Path path in Paths())
        {
            float[] y = new float[rows];
            Int8Kernels.TwoSided(biasX, weights, 1, x, y, biasX, 2, h, y, sum: true, path);
            GuardedBuffer.AssertSameBits(expectedSum, y, $"{path}, sum, [{rows}, {colsX}] + [{rows}, {colsH}]");

            float[] inPlace = (float[])biasX.Clone();
            Int8Kernels.TwoSided(inPlace, weights, 1, x, inPlace, inPlace, 2, h, inPlace, sum: true, path);
            GuardedBuffer.AssertSameBits(expectedSum, inPlace, $"{path}, sum into the bias");

            float[] yX = new float[rows], yH = new float[rows];
            Int8Kernels.TwoSided(biasX, weights, 1, x, yX, biasH, 2, h, yH, sum: false, path);
            GuardedBuffer.AssertSameBits(expectedX, yX, $"{path}, pair, input side");
            GuardedBuffer.AssertSameBits(expectedH, yH, $"{path}, pair, hidden side");
        }

        float[] viaPublic = new float[rows], pairX = new float[rows], pairH = new float[rows];
        Int8Kernels.AffineSum(biasX, weights, 1, x, 2, h, viaPublic);
        GuardedBuffer.AssertSameBits(expectedSum, viaPublic, "AffineSum");
        Int8Kernels.AffinePair(biasX, weights, 1, x, pairX, biasH, 2, h, pairH);
        GuardedBuffer.AssertSameBits(expectedX, pairX, "AffinePair, input side");
        GuardedBuffer.AssertSameBits(expectedH, pairH, "AffinePair, hidden side");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(41)]
    [InlineData(79)]
    public void A_partial_panel_writes_its_real_rows_and_nothing_after_them(int rows)
    {
        // y ends inside a larger array: the padding rows of the last panel are computed but not written past y (the
        // AVX-512 path masks that panel's stores, and its loads of the start, which may end at the end of memory).
        const int cols = 24, guard = 16;
        const float sentinel = -12345.5f;
        float[] wx = KernelCases.Values(rows * cols, 51), wh = KernelCases.Values(rows * cols, 52);
        float[] x = KernelCases.Values(cols, 53), h = KernelCases.Values(cols, 54), bias = KernelCases.Values(rows, 55);
        var weights = new Int8Weights(rows, cols, rows, cols);
        weights.Quantize(0, wx);
        weights.Quantize(1, wh);
        float[] expectedOne = Expected(wx, rows, cols, x, bias), expectedH = Expected(wh, rows, cols, h, bias);
        float[] expectedSum = Expected(wh, rows, cols, h, expectedOne);
        foreach (Int8Kernels.Int8Path path in Paths())
        {
            foreach (string mode in new[] { "one", "sum", "pair" })
            {
                float[] start = new float[rows + guard], y = new float[rows + guard], yH = new float[rows + guard];
                bias.CopyTo(start, 0);
                Array.Fill(y, sentinel);
                Array.Fill(yH, sentinel);
                Span<float> s = start.AsSpan(0, rows), yx = y.AsSpan(0, rows), yh = yH.AsSpan(0, rows);
                if (mode == "one")
                {
                    Int8Kernels.Product(s, weights, 0, x, yx, path);
                }
                else
                {
                    Int8Kernels.TwoSided(s, weights, 0, x, yx, s, 1, h, mode == "sum" ? yx : yh, sum: mode == "sum", path);
                }

                float[] expected = mode == "sum" ? expectedSum : expectedOne;
                GuardedBuffer.AssertSameBits(expected, y[..rows], $"{path}, {mode}, {rows} rows");
                Assert.All(y[rows..], v => Assert.Equal(sentinel, v));
                if (mode == "pair")
                {
                    GuardedBuffer.AssertSameBits(expectedH, yH[..rows], $"{path}, pair, hidden side, {rows} rows");
                }

                Assert.All(yH[(mode == "pair" ? rows : 0)..], v => Assert.Equal(sentinel, v));
            }
        }
    }

    [Fact]
    public void Both_products_in_one_pass_propagate_NaN_and_refuse_mismatched_shapes()
    {
        var weights = new Int8Weights(20, 6, 20, 5, 19, 5);
        weights.Quantize(0, KernelCases.Values(120, 51));
        weights.Quantize(1, KernelCases.Values(100, 52));
        weights.Quantize(2, KernelCases.Values(95, 53));
        float[] x = KernelCases.Values(6, 54), h = KernelCases.Values(5, 55), bias = KernelCases.Values(20, 56);
        h[4] = float.NaN;
        foreach (Int8Kernels.Int8Path path in Paths())
        {
            float[] y = new float[20], yH = new float[20];
            Int8Kernels.TwoSided(bias, weights, 0, x, y, bias, 1, h, yH, sum: false, path);
            Assert.All(y, v => Assert.False(float.IsNaN(v))); // the input side does not read h
            Assert.All(yH, v => Assert.True(float.IsNaN(v)));
            Int8Kernels.TwoSided(bias, weights, 0, x, y, bias, 1, h, y, sum: true, path);
            Assert.All(y, v => Assert.True(float.IsNaN(v)));
        }

        float[] ok = new float[20];
        ArgumentException rows = Assert.Throws<ArgumentException>(() => Int8Kernels.AffineSum(bias, weights, 0, x, 2, new float[5], ok));
        Assert.Contains("same rows", rows.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Int8Kernels.AffineSum(bias, weights, 0, x, 1, new float[6], ok));
        Assert.Throws<ArgumentException>(() => Int8Kernels.AffinePair(bias, weights, 0, x, ok, bias, 1, h, new float[19]));
        Assert.Throws<ArgumentException>(() => Int8Kernels.AffinePair(bias, weights, 0, x, ok, new float[21], 1, h, new float[20]));
    }

    /// <summary>The rules written out on the float matrix in PyTorch's layout, with no panels or padding.</summary>
    private static float[] Expected(float[] w, int rows, int cols, float[] x, float[] bias)
    {
        float xMax = 0;
        foreach (float v in x)
        {
            xMax = MathF.Max(xMax, MathF.Abs(v));
        }

        float sx = xMax / 63f, inverse = 63f / xMax;
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            float wMax = 0;
            for (int c = 0; c < cols; c++)
            {
                wMax = MathF.Max(wMax, MathF.Abs(w[r * cols + c]));
            }

            float sr = wMax / 127f, wInverse = 127f / wMax;
            int sum = 0;
            for (int c = 0; c < cols; c++)
            {
                int q = (int)MathF.Round(w[r * cols + c] * wInverse);
                int a = (int)MathF.Round(x[c] * inverse);
                sum += q * a;
            }

            y[r] = MathF.FusedMultiplyAdd(sr * sx, sum, bias[r]);
        }

        return y;
    }
}
