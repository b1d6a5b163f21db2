using System;
using System.Runtime.Intrinsics;
using Rnn.Gen.Initialization;
using Rnn.Gen.Kernels;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>The fused LSTM and GRU cells against PyTorch's formulas in double precision.</summary>
public sealed class CellKernelTests
{
    public static TheoryData<int> HiddenSizes => new() { 1, 3, 7, 8, 9, 16, 17, 31, 64, 70 };

    [Theory]
    [MemberData(nameof(HiddenSizes))]
    public void Lstm_cell_matches_the_formulas_in_double_precision(int hidden)
    {
        var random = new SeededRandom(hidden);
        float[] gates = Values(random, 4 * hidden, 6f), cPrev = Values(random, hidden, 2f);
        float[] expectedGates = new float[4 * hidden], expectedC = new float[hidden], expectedTanhC = new float[hidden], expectedH = new float[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double i = Sigmoid(gates[j]), f = Sigmoid(gates[hidden + j]), g = Math.Tanh(gates[2 * hidden + j]), o = Sigmoid(gates[3 * hidden + j]);
            double c = (f * cPrev[j]) + (i * g);
            (expectedGates[j], expectedGates[hidden + j], expectedGates[2 * hidden + j], expectedGates[3 * hidden + j]) = ((float)i, (float)f, (float)g, (float)o);
            expectedC[j] = (float)c;
            expectedTanhC[j] = (float)Math.Tanh(c);
            expectedH[j] = (float)(o * Math.Tanh(c));
        }

        float[] c0 = new float[hidden], tanhC = new float[hidden], h = new float[hidden];
        CellKernels.LstmCell(gates, cPrev, c0, tanhC, h);
        AssertClose(expectedGates, gates, "gates");
        AssertClose(expectedC, c0, "c");
        AssertClose(expectedTanhC, tanhC, "tanh(c)");
        AssertClose(expectedH, h, "h");
    }

    [Theory]
    [MemberData(nameof(HiddenSizes))]
    public void Gru_cell_matches_the_formulas_in_double_precision_and_h_may_alias_h_prev(int hidden)
    {
        var random = new SeededRandom(100 + hidden);
        float[] gates = Values(random, 3 * hidden, 6f), gatesHidden = Values(random, 3 * hidden, 6f), hPrev = Values(random, hidden, 1f);
        float[] expectedGates = new float[3 * hidden], expectedHn = new float[hidden], expectedH = new float[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double r = Sigmoid(gates[j] + (double)gatesHidden[j]), z = Sigmoid(gates[hidden + j] + (double)gatesHidden[hidden + j]);
            double n = Math.Tanh(gates[2 * hidden + j] + (r * gatesHidden[2 * hidden + j]));
            (expectedGates[j], expectedGates[hidden + j], expectedGates[2 * hidden + j]) = ((float)r, (float)z, (float)n);
            expectedHn[j] = gatesHidden[2 * hidden + j];
            expectedH[j] = (float)(((1 - z) * n) + (z * hPrev[j]));
        }

        float[] hn = new float[hidden];
        CellKernels.GruCell(gates, gatesHidden, hPrev, hn, hPrev); // h written over h_prev, as streaming does
        AssertClose(expectedGates, gates, "gates");
        AssertClose(expectedHn, hn, "hn");
        AssertClose(expectedH, hPrev, "h");
    }

    [Theory]
    [MemberData(nameof(HiddenSizes))]
    public void Lstm_cell_backward_matches_the_chain_rule_in_double_precision(int hidden)
    {
        var random = new SeededRandom(200 + hidden);
        float[] gates = Activated(random, 4 * hidden, tanhFrom: 2 * hidden, tanhTo: 3 * hidden), tanhC = Values(random, hidden, 0.99f);
        float[] cPrev = Values(random, hidden, 2f), dh = Values(random, hidden, 1f), dc = Values(random, hidden, 1f);
        float[] expectedGates = new float[4 * hidden], expectedDc = new float[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double i = gates[j], f = gates[hidden + j], g = gates[2 * hidden + j], o = gates[3 * hidden + j], tc = tanhC[j];
            double dcj = dc[j] + (dh[j] * o * (1 - (tc * tc)));
            expectedGates[j] = (float)(dcj * g * i * (1 - i));
            expectedGates[hidden + j] = (float)(dcj * cPrev[j] * f * (1 - f));
            expectedGates[2 * hidden + j] = (float)(dcj * i * (1 - (g * g)));
            expectedGates[3 * hidden + j] = (float)(dh[j] * tc * o * (1 - o));
            expectedDc[j] = (float)(dcj * f);
        }

        float[] dGates = new float[4 * hidden];
        CellKernels.LstmCellBackward(gates, tanhC, cPrev, dh, dc, dGates);
        AssertClose(expectedGates, dGates, "dGates");
        AssertClose(expectedDc, dc, "dc");
    }

    [Theory]
    [MemberData(nameof(HiddenSizes))]
    public void Gru_cell_backward_matches_the_chain_rule_in_double_precision(int hidden)
    {
        var random = new SeededRandom(300 + hidden);
        float[] gates = Activated(random, 3 * hidden, tanhFrom: 2 * hidden, tanhTo: 3 * hidden);
        float[] hn = Values(random, hidden, 2f), hPrev = Values(random, hidden, 1f), dh = Values(random, hidden, 1f);
        float[] expectedInput = new float[3 * hidden], expectedHidden = new float[3 * hidden], expectedDh = new float[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double r = gates[j], z = gates[hidden + j], n = gates[2 * hidden + j];
            double dn = dh[j] * (1 - z) * (1 - (n * n));
            double dr = dn * hn[j] * r * (1 - r);
            double dz = dh[j] * (hPrev[j] - n) * z * (1 - z);
            (expectedInput[j], expectedInput[hidden + j], expectedInput[2 * hidden + j]) = ((float)dr, (float)dz, (float)dn);
            (expectedHidden[j], expectedHidden[hidden + j], expectedHidden[2 * hidden + j]) = ((float)dr, (float)dz, (float)(dn * r));
            expectedDh[j] = (float)(dh[j] * z);
        }

        float[] dInput = new float[3 * hidden], dHidden = new float[3 * hidden];
        CellKernels.GruCellBackward(gates, hn, hPrev, dh, dInput, dHidden);
        AssertClose(expectedInput, dInput, "dGatesInput");
        AssertClose(expectedHidden, dHidden, "dGatesHidden");
        AssertClose(expectedDh, dh, "dh");
    }

    [Theory]
    [InlineData(24)] // one 512-bit and one 256-bit vector
    [InlineData(70)] // four 512-bit vectors and six scalar units
    public void Backward_cells_compute_every_unit_as_the_scalar_formulas_do_bit_for_bit(int hidden)
    {
        // Whatever width a unit falls into, it gets the same float operations in the same order as the scalar tail.
        var random = new SeededRandom(400 + hidden);
        float[] gates = Activated(random, 4 * hidden, tanhFrom: 2 * hidden, tanhTo: 3 * hidden), tanhC = Values(random, hidden, 0.99f);
        float[] cPrev = Values(random, hidden, 2f), dh = Values(random, hidden, 1f), dc = Values(random, hidden, 1f);
        float[] dGates = new float[4 * hidden], dcAfter = (float[])dc.Clone();
        CellKernels.LstmCellBackward(gates, tanhC, cPrev, dh, dcAfter, dGates);
        for (int j = 0; j < hidden; j++)
        {
            float i = gates[j], f = gates[hidden + j], g = gates[2 * hidden + j], o = gates[3 * hidden + j], tc = tanhC[j];
            float dcj = dc[j] + (dh[j] * o * (1f - (tc * tc)));
            Assert.Equal(dcj * g * i * (1f - i), dGates[j]);
            Assert.Equal(dcj * cPrev[j] * f * (1f - f), dGates[hidden + j]);
            Assert.Equal(dcj * i * (1f - (g * g)), dGates[2 * hidden + j]);
            Assert.Equal(dh[j] * tc * o * (1f - o), dGates[3 * hidden + j]);
            Assert.Equal(dcj * f, dcAfter[j]);
        }

        float[] gru = Activated(random, 3 * hidden, tanhFrom: 2 * hidden, tanhTo: 3 * hidden), hn = Values(random, hidden, 2f), hPrev = Values(random, hidden, 1f);
        float[] dInput = new float[3 * hidden], dHidden = new float[3 * hidden], dhAfter = (float[])dh.Clone();
        CellKernels.GruCellBackward(gru, hn, hPrev, dhAfter, dInput, dHidden);
        for (int j = 0; j < hidden; j++)
        {
            float r = gru[j], z = gru[hidden + j], n = gru[2 * hidden + j];
            float dn = dh[j] * (1f - z) * (1f - (n * n));
            float dr = dn * hn[j] * r * (1f - r);
            float dz = dh[j] * (hPrev[j] - n) * z * (1f - z);
            Assert.Equal((dr, dz, dn), (dInput[j], dInput[hidden + j], dInput[2 * hidden + j]));
            Assert.Equal((dr, dz, dn * r), (dHidden[j], dHidden[hidden + j], dHidden[2 * hidden + j]));
            Assert.Equal(dh[j] * z, dhAfter[j]);
        }
    }

    [Theory]
    [InlineData(70, 5)]
    [InlineData(24, 16)]
    [InlineData(3, 1)]
    public void Lstm_rows_kernels_give_each_sample_what_the_one_sample_calls_give(int hidden, int rows)
    {
        // Blocks as in a batch: each sample's gates, c_prev, c, tanh c and h (and its gradients) in a block of its own.
        int g = 4 * hidden, stride = (4 * g) + 37, gatesAt = 0, cPrevAt = g + 3, cAt = cPrevAt + hidden + 5, tanhAt = cAt + hidden + 1, hAt = tanhAt + hidden + 2;
        var random = new SeededRandom(500 + hidden);
        float[] blocks = Values(random, rows * stride, 3f);
        foreach (bool zeroStart in new[] { false, true })
        {
            float[] batched = (float[])blocks.Clone(), alone = (float[])blocks.Clone(), zeros = new float[hidden];
            CellKernels.LstmCellRows(batched.AsSpan(gatesAt), zeroStart ? zeros : batched.AsSpan(cPrevAt), zeroStart ? 0 : stride, batched.AsSpan(cAt), batched.AsSpan(tanhAt), batched.AsSpan(hAt), stride, rows, hidden);
            for (int r = 0; r < rows; r++)
            {
                int at = r * stride;
                ReadOnlySpan<float> cPrev = zeroStart ? zeros : alone.AsSpan(at + cPrevAt, hidden);
                CellKernels.LstmCell(alone.AsSpan(at + gatesAt, g), cPrev, alone.AsSpan(at + cAt, hidden), alone.AsSpan(at + tanhAt, hidden), alone.AsSpan(at + hAt, hidden));
            }

            GuardedBuffer.AssertSameBits(alone, batched, $"forward, zero start {zeroStart}");
        }

        // Backward: activations in one buffer, gradients in another with a stride of its own.
        int workStride = (2 * g) + 19, dOutAt = 0, dhAt = hidden + 1, dcAt = dhAt + hidden + 4, dGatesAt = dcAt + hidden + 2;
        float[] cache = new float[rows * stride];
        for (int r = 0; r < rows; r++)
        {
            Activated(random, g, tanhFrom: 2 * hidden, tanhTo: 3 * hidden).CopyTo(cache, r * stride);
            Values(random, hidden, 0.99f).CopyTo(cache, (r * stride) + tanhAt);
            Values(random, hidden, 2f).CopyTo(cache, (r * stride) + cPrevAt);
        }

        float[] works = Values(random, rows * workStride, 1f);
        float[] batchedWork = (float[])works.Clone(), aloneWork = (float[])works.Clone();
        CellKernels.LstmCellBackwardRows(cache.AsSpan(gatesAt), cache.AsSpan(tanhAt), cache.AsSpan(cPrevAt), stride, stride, batchedWork.AsSpan(dOutAt), batchedWork.AsSpan(dhAt), batchedWork.AsSpan(dcAt), batchedWork.AsSpan(dGatesAt), workStride, rows, hidden);
        for (int r = 0; r < rows; r++)
        {
            int at = r * stride, work = r * workStride;
            Span<float> dh = aloneWork.AsSpan(work + dhAt, hidden);
            VectorKernels.Add(aloneWork.AsSpan(work + dOutAt, hidden), dh);
            CellKernels.LstmCellBackward(cache.AsSpan(at + gatesAt, g), cache.AsSpan(at + tanhAt, hidden), cache.AsSpan(at + cPrevAt, hidden), dh, aloneWork.AsSpan(work + dcAt, hidden), aloneWork.AsSpan(work + dGatesAt, g));
            dh.Clear();
        }

        GuardedBuffer.AssertSameBits(aloneWork, batchedWork, "backward");
    }

    [Theory]
    [InlineData(70, 5)]
    [InlineData(24, 16)]
    [InlineData(3, 1)]
    public void Gru_rows_kernels_give_each_sample_what_the_one_sample_calls_give(int hidden, int rows)
    {
        // Gates, hn and h in the batch's cache blocks; the hidden side in scratch blocks with a stride of their own.
        int g = 3 * hidden, stride = (3 * g) + 29, scratchStride = g + 11, gatesAt = 0, hPrevAt = g + 3, hnAt = hPrevAt + hidden + 5, hAt = hnAt + hidden + 1;
        var random = new SeededRandom(600 + hidden);
        float[] blocks = Values(random, rows * stride, 3f), scratch = Values(random, rows * scratchStride, 3f);
        foreach (bool zeroStart in new[] { false, true })
        {
            float[] batched = (float[])blocks.Clone(), alone = (float[])blocks.Clone(), zeros = new float[hidden];
            CellKernels.GruCellRows(batched.AsSpan(gatesAt), scratch, scratchStride, zeroStart ? zeros : batched.AsSpan(hPrevAt), zeroStart ? 0 : stride, batched.AsSpan(hnAt), batched.AsSpan(hAt), stride, rows, hidden);
            for (int r = 0; r < rows; r++)
            {
                int at = r * stride;
                ReadOnlySpan<float> hPrev = zeroStart ? zeros : alone.AsSpan(at + hPrevAt, hidden);
                CellKernels.GruCell(alone.AsSpan(at + gatesAt, g), scratch.AsSpan(r * scratchStride, g), hPrev, alone.AsSpan(at + hnAt, hidden), alone.AsSpan(at + hAt, hidden));
            }

            GuardedBuffer.AssertSameBits(alone, batched, $"forward, zero start {zeroStart}");
        }

        float[] cache = new float[rows * stride];
        for (int r = 0; r < rows; r++)
        {
            Activated(random, g, tanhFrom: 2 * hidden, tanhTo: 3 * hidden).CopyTo(cache, r * stride);
            Values(random, hidden, 2f).CopyTo(cache, (r * stride) + hnAt);
            Values(random, hidden, 1f).CopyTo(cache, (r * stride) + hPrevAt);
        }

        int workStride = (3 * g) + 17, dOutAt = 0, dhAt = hidden + 1, dInAt = dhAt + hidden + 4, dHidAt = dInAt + g + 2;
        float[] works = Values(random, rows * workStride, 1f);
        float[] batchedWork = (float[])works.Clone(), aloneWork = (float[])works.Clone();
        CellKernels.GruCellBackwardRows(cache.AsSpan(gatesAt), cache.AsSpan(hnAt), cache.AsSpan(hPrevAt), stride, stride, batchedWork.AsSpan(dOutAt), batchedWork.AsSpan(dhAt), batchedWork.AsSpan(dInAt), batchedWork.AsSpan(dHidAt), workStride, rows, hidden);
        for (int r = 0; r < rows; r++)
        {
            int at = r * stride, work = r * workStride;
            Span<float> dh = aloneWork.AsSpan(work + dhAt, hidden);
            VectorKernels.Add(aloneWork.AsSpan(work + dOutAt, hidden), dh);
            CellKernels.GruCellBackward(cache.AsSpan(at + gatesAt, g), cache.AsSpan(at + hnAt, hidden), cache.AsSpan(at + hPrevAt, hidden), dh, aloneWork.AsSpan(work + dInAt, g), aloneWork.AsSpan(work + dHidAt, g));
        }

        GuardedBuffer.AssertSameBits(aloneWork, batchedWork, "backward");
    }

    [Fact]
    public void Rows_kernels_refuse_spans_too_short_for_their_rows()
    {
        float[] buffer = new float[100];
        Assert.Contains("at least 72 elements, got 71", Assert.Throws<ArgumentException>(() => CellKernels.LstmCellRows(buffer.AsSpan(0, 71), buffer, 0, buffer, buffer, buffer, 40, 2, 8)).Message);
        Assert.Contains("cPrev", Assert.Throws<ArgumentException>(() => CellKernels.LstmCellRows(buffer, buffer.AsSpan(0, 47), 40, buffer, buffer, buffer, 40, 2, 8)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => CellKernels.LstmCellRows(buffer, buffer, 0, buffer, buffer, buffer, 40, -1, 8));
        Assert.Contains("dGates", Assert.Throws<ArgumentException>(() => CellKernels.LstmCellBackwardRows(buffer, buffer, buffer, 0, 40, buffer, buffer, buffer, buffer.AsSpan(0, 60), 30, 2, 8)).Message);
        Assert.Contains("gatesHidden", Assert.Throws<ArgumentException>(() => CellKernels.GruCellRows(buffer, buffer.AsSpan(0, 50), 30, buffer, 0, buffer, buffer, 40, 2, 8)).Message);
        Assert.Contains("hPrev", Assert.Throws<ArgumentException>(() => CellKernels.GruCellBackwardRows(buffer, buffer, buffer.AsSpan(0, 47), 40, 40, buffer, buffer, buffer, buffer, 30, 2, 8)).Message);
        Assert.All(buffer, v => Assert.Equal(0f, v));
    }

    /// <summary>Gate values as the forward pass leaves them: sigmoids in (0, 1), tanh rows in (-1, 1).</summary>
    private static float[] Activated(SeededRandom random, int length, int tanhFrom, int tanhTo)
    {
        float[] values = new float[length];
        for (int k = 0; k < length; k++)
        {
            float u = random.NextSingle();
            values[k] = k >= tanhFrom && k < tanhTo ? (2f * u) - 1f : u;
        }

        return values;
    }

    [Fact]
    public void Lstm_cell_may_write_c_over_c_prev()
    {
        var random = new SeededRandom(5);
        float[] gates = Values(random, 4 * 19, 4f), c = Values(random, 19, 2f);
        float[] gatesCopy = (float[])gates.Clone(), separate = new float[19], tanhC = new float[19], h = new float[19], h2 = new float[19];
        CellKernels.LstmCell(gatesCopy, c, separate, tanhC, h);
        CellKernels.LstmCell(gates, c, c, tanhC, h2);
        Assert.Equal(separate, c);
        Assert.Equal(h, h2);
    }

    [Fact]
    public void Vector_activations_are_within_a_few_ulps_from_tiny_to_saturated_inputs()
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return; // the scalar path is MathF's own
        }

        double worstTanh = 0, worstSigmoid = 0;
        for (int k = -4000; k <= 4000; k++)
        {
            // a sweep of ±20 plus values down to 1e-30, where only the polynomial keeps the relative error small
            float x = k == 0 ? 0f : Math.Abs(k) < 40 ? MathF.Sign(k) * MathF.Pow(10f, -Math.Abs(k) * 0.75f) : k / 200f;
            float tanh = CellKernels.Tanh(Vector256.Create(x)).GetElement(0);
            float sigmoid = CellKernels.Sigmoid(Vector256.Create(x)).GetElement(0);
            double exactTanh = Math.Tanh(x), exactSigmoid = Sigmoid(x);
            worstTanh = Math.Max(worstTanh, Math.Abs(tanh - exactTanh) / Math.Max(Math.Abs(exactTanh), 1e-38));
            worstSigmoid = Math.Max(worstSigmoid, Math.Abs(sigmoid - exactSigmoid) / Math.Max(exactSigmoid, 1e-38));
        }

        Assert.True(worstTanh < 5e-7, $"tanh: worst relative error {worstTanh:E2}");
        Assert.True(worstSigmoid < 5e-7, $"sigmoid: worst relative error {worstSigmoid:E2}");

        // Saturation far out (where the exponential is clamped), infinities, and NaN passing through.
        foreach (float x in new[] { 30f, 60f, 86.5f, 87.5f, 88.5f, 100f, 1e6f, float.MaxValue, float.PositiveInfinity })
        {
            Assert.Equal(1f, CellKernels.Tanh(Vector256.Create(x)).GetElement(0));
            Assert.Equal(-1f, CellKernels.Tanh(Vector256.Create(-x)).GetElement(0));
            Assert.Equal(1f, CellKernels.Sigmoid(Vector256.Create(x)).GetElement(0));
            float low = CellKernels.Sigmoid(Vector256.Create(-x)).GetElement(0);
            Assert.True(low >= 0f && Math.Abs(low - Sigmoid(-x)) <= 1e-37 + 5e-7 * Sigmoid(-x), $"sigmoid({-x}) = {low}, exact {Sigmoid(-x)}");
        }

        Assert.True(float.IsNaN(CellKernels.Tanh(Vector256.Create(float.NaN)).GetElement(0)));
        Assert.True(float.IsNaN(CellKernels.Sigmoid(Vector256.Create(float.NaN)).GetElement(0)));
        Assert.True(float.IsNaN(CellKernels.Exp(Vector256.Create(float.NaN)).GetElement(0)));
        if (Vector512.IsHardwareAccelerated)
        {
            Assert.True(float.IsNaN(CellKernels.Tanh(Vector512.Create(float.NaN)).GetElement(0)));
            Assert.True(float.IsNaN(CellKernels.Sigmoid(Vector512.Create(float.NaN)).GetElement(0)));
            Assert.True(float.IsNaN(CellKernels.Exp(Vector512.Create(float.NaN)).GetElement(0)));
        }
    }

    [Fact]
    public void Every_vector_width_computes_the_same_activations()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return; // one width only: nothing to compare
        }

        for (int k = -2000; k <= 2000; k += 16)
        {
            var lanes = new float[16];
            for (int l = 0; l < 16; l++)
            {
                lanes[l] = (k + l) / 37f;
            }

            Vector512<float> x = Vector512.Create(lanes);
            Vector256<float> low = x.GetLower(), high = x.GetUpper();
            Assert.Equal(Vector512.Create(CellKernels.Sigmoid(low), CellKernels.Sigmoid(high)), CellKernels.Sigmoid(x));
            Assert.Equal(Vector512.Create(CellKernels.Tanh(low), CellKernels.Tanh(high)), CellKernels.Tanh(x));
            Assert.Equal(Vector512.Create(CellKernels.Exp(low), CellKernels.Exp(high)), CellKernels.Exp(x));
        }
    }

    [Fact]
    public void The_vector_exponential_is_within_two_ulps_where_it_is_not_clamped()
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return; // the scalar path is MathF's own
        }

        double worst = 0;
        for (int k = -87000; k <= 88000; k += 7)
        {
            float x = k / 1000f;
            double exact = Math.Exp(x);
            worst = Math.Max(worst, Math.Abs(CellKernels.Exp(Vector256.Create(x)).GetElement(0) - exact) / exact);
        }

        Assert.True(worst < 2.4e-7, $"exp: worst relative error {worst:E2}");
    }

    [Fact]
    public void Spans_that_do_not_match_h_throw_naming_the_expected_length()
    {
        var exception = Assert.Throws<ArgumentException>(() => CellKernels.LstmCell(new float[31], new float[8], new float[8], new float[8], new float[8]));
        Assert.Contains("32", exception.Message);
        Assert.Throws<ArgumentException>(() => CellKernels.GruCell(new float[24], new float[24], new float[8], new float[7], new float[8]));
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static float[] Values(SeededRandom random, int length, float scale)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = scale * ((2f * random.NextSingle()) - 1f);
        }

        return values;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-6f * Math.Max(1f, Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
