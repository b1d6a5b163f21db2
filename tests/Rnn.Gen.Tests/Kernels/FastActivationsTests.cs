using System;
using System.Runtime.Intrinsics;
using Rnn.Gen.Initialization;
using Rnn.Gen.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// The fast sigmoid and tanh (<c>Activations = ActivationPrecision.Fast</c>) against double-precision
/// <see cref="Math.Tanh"/> and <c>1 / (1 + Math.Exp(-x))</c>, and the fast cells against the exact ones.
/// </summary>
public sealed class FastActivationsTests(ITestOutputHelper output)
{
    /// <summary>The maximum absolute errors the README and <see cref="FastActivations"/> state.</summary>
    public const double TanhBound = 4e-7, SigmoidBound = 2.5e-7;

    /// <summary>
    /// Every <see cref="SweepStride"/>-th float (by bit pattern) of both signs from 0 to 32, past both limits: 1 is
    /// exhaustive (every finite float there; what the stated bounds were measured with, about a minute), the default
    /// keeps the test to a second or two.
    /// </summary>
    private static int SweepStride => int.TryParse(Environment.GetEnvironmentVariable("RNNGEN_FAST_SWEEP_STRIDE"), out int stride) && stride > 0 ? stride : 29;

    [Fact]
    public void Fast_tanh_and_sigmoid_stay_within_the_stated_bounds_over_the_whole_range()
    {
        (double tanh, float tanhAt, double sigmoid, float sigmoidAt) = Sweep(SweepStride);
        output.WriteLine($"stride {SweepStride}: tanh within {tanh:E3} (worst at x = {tanhAt:R}), sigmoid within {sigmoid:E3} (worst at x = {sigmoidAt:R})");
        Assert.True(
            tanh <= TanhBound && sigmoid <= SigmoidBound,
            $"fast tanh is up to {tanh:E3} from tanh (x = {tanhAt:R}; stated {TanhBound:E1}), fast sigmoid up to {sigmoid:E3} from the sigmoid (x = {sigmoidAt:R}; stated {SigmoidBound:E1})");
    }

    /// <summary>The worst absolute errors over the floats of both signs from 0 to 32, every <paramref name="stride"/>-th bit pattern, 8 at a time in 256-bit vectors.</summary>
    private static (double Tanh, float TanhAt, double Sigmoid, float SigmoidAt) Sweep(int stride)
    {
        double worstTanh = 0, worstSigmoid = 0;
        float tanhAt = 0, sigmoidAt = 0;
        uint last = BitConverter.SingleToUInt32Bits(32f);
        Span<float> xs = stackalloc float[8], tanh = stackalloc float[8], sigmoid = stackalloc float[8];
        for (uint sign = 0; sign <= 1; sign++)
        {
            for (ulong bits = 0; bits <= last; bits += (ulong)(8 * stride))
            {
                for (int k = 0; k < 8; k++)
                {
                    xs[k] = BitConverter.UInt32BitsToSingle((uint)Math.Min(bits + (ulong)(k * stride), last) | (sign << 31));
                }

                Vector256<float> x = Vector256.Create<float>(xs);
                FastActivations.Tanh(x).CopyTo(tanh);
                FastActivations.Sigmoid(x).CopyTo(sigmoid);
                for (int k = 0; k < 8; k++)
                {
                    double tanhError = Math.Abs(tanh[k] - Math.Tanh(xs[k]));
                    double sigmoidError = Math.Abs(sigmoid[k] - (1.0 / (1.0 + Math.Exp(-(double)xs[k]))));
                    if (tanhError > worstTanh)
                    {
                        (worstTanh, tanhAt) = (tanhError, xs[k]);
                    }

                    if (sigmoidError > worstSigmoid)
                    {
                        (worstSigmoid, sigmoidAt) = (sigmoidError, xs[k]);
                    }
                }
            }
        }

        return (worstTanh, tanhAt, worstSigmoid, sigmoidAt);
    }

    [Fact]
    public void Every_width_computes_the_scalar_bits_in_every_lane()
    {
        var random = new SeededRandom(17);
        float[] values = new float[4096];
        for (int i = 0; i < values.Length; i++)
        {
            // mostly the activations' working range, some near and past the limits and some tiny values
            float u = (random.NextSingle() * 2f) - 1f;
            values[i] = i % 4 == 0 ? u * 40f : i % 4 == 1 ? u * MathF.Pow(10f, -20f * random.NextSingle()) : u * 10f;
        }

        for (int i = 0; i < values.Length; i += 16)
        {
            Vector512<float> x = Vector512.Create<float>(values.AsSpan(i, 16));
            Vector512<float> tanh512 = FastActivations.Tanh(x), sigmoid512 = FastActivations.Sigmoid(x);
            for (int k = 0; k < 16; k++)
            {
                float tanh = FastActivations.Tanh(values[i + k]), sigmoid = FastActivations.Sigmoid(values[i + k]);
                Assert.Equal(tanh, tanh512.GetElement(k));
                Assert.Equal(sigmoid, sigmoid512.GetElement(k));
                Assert.Equal(tanh, FastActivations.Tanh(Vector256.Create(values[i + k])).GetElement(3));
                Assert.Equal(sigmoid, FastActivations.Sigmoid(Vector256.Create(values[i + k])).GetElement(5));
                Assert.Equal(tanh, FastActivations.Tanh(Vector128.Create(values[i + k])).GetElement(1));
                Assert.Equal(sigmoid, FastActivations.Sigmoid(Vector128.Create(values[i + k])).GetElement(2));
            }
        }
    }

    [Theory]
    [InlineData(float.NaN, float.NaN, float.NaN)]
    [InlineData(float.PositiveInfinity, 1f, 1f)]
    [InlineData(float.NegativeInfinity, -1f, 0f)]
    [InlineData(0f, 0f, 0.5f)]
    [InlineData(1e30f, 1f, 1f)]
    [InlineData(-20f, -1f, 0f)]
    public void Fast_activations_keep_nan_and_saturate_at_the_ends(float x, float tanh, float sigmoid)
    {
        Assert.Equal(tanh, FastActivations.Tanh(x));
        Assert.Equal(sigmoid, FastActivations.Sigmoid(x));
        Assert.Equal(tanh, FastActivations.Tanh(Vector256.Create(x)).GetElement(0));
        Assert.Equal(sigmoid, FastActivations.Sigmoid(Vector512.Create(x)).GetElement(0));
    }

    [Fact]
    public void Fast_tanh_is_odd_and_exact_at_zero_sign_included()
    {
        var random = new SeededRandom(3);
        for (int i = 0; i < 1000; i++)
        {
            float x = random.NextSingle() * 12f;
            Assert.Equal(-FastActivations.Tanh(x), FastActivations.Tanh(-x));
        }

        Assert.True(float.IsNegative(FastActivations.Tanh(-0f)));
    }

    public static TheoryData<int> HiddenSizes => new() { 1, 3, 7, 8, 9, 16, 17, 31, 64, 70 };

    [Theory]
    [MemberData(nameof(HiddenSizes))]
    public void Fast_lstm_cell_is_the_exact_cells_arithmetic_with_the_fast_activations(int hidden)
    {
        var random = new SeededRandom(hidden);
        float[] gates = Values(random, 4 * hidden, 6f), cPrev = Values(random, hidden, 2f);
        float[] exactGates = (float[])gates.Clone(), exactC = new float[hidden], exactTanhC = new float[hidden], exactH = new float[hidden];
        CellKernels.LstmCell(exactGates, cPrev, exactC, exactTanhC, exactH);
        float[] c = new float[hidden], tanhC = new float[hidden], h = new float[hidden];
        float[] expectedGates = new float[4 * hidden];
        for (int j = 0; j < hidden; j++)
        {
            float i = FastActivations.Sigmoid(gates[j]), f = FastActivations.Sigmoid(gates[hidden + j]);
            float g = FastActivations.Tanh(gates[2 * hidden + j]), o = FastActivations.Sigmoid(gates[3 * hidden + j]);
            (expectedGates[j], expectedGates[hidden + j], expectedGates[2 * hidden + j], expectedGates[3 * hidden + j]) = (i, f, g, o);
        }

        FastCellKernels.LstmCell(gates, cPrev, c, tanhC, h);
        Assert.Equal(expectedGates, gates);
        for (int j = 0; j < hidden; j++)
        {
            Assert.Equal(MathF.FusedMultiplyAdd(expectedGates[hidden + j], cPrev[j], expectedGates[j] * expectedGates[2 * hidden + j]), c[j]);
            Assert.Equal(FastActivations.Tanh(c[j]), tanhC[j]);
            Assert.Equal(expectedGates[3 * hidden + j] * tanhC[j], h[j]);
        }

        // Against the exact cell: the activations' bounds, carried through c = f c_prev + i g (|c_prev| <= 2) and h = o tanh(c).
        AssertWithin(exactH, h, (3 * SigmoidBound) + (4 * TanhBound), "h");
        AssertWithin(exactC, c, (2 * SigmoidBound) + (3 * TanhBound), "c");
    }

    [Theory]
    [MemberData(nameof(HiddenSizes))]
    public void Fast_gru_cell_is_the_exact_cells_arithmetic_with_the_fast_activations(int hidden)
    {
        var random = new SeededRandom(100 + hidden);
        float[] gates = Values(random, 3 * hidden, 6f), gatesHidden = Values(random, 3 * hidden, 6f), hPrev = Values(random, hidden, 1f);
        float[] exactGates = (float[])gates.Clone(), exactHn = new float[hidden], exactH = new float[hidden];
        CellKernels.GruCell(exactGates, gatesHidden, hPrev, exactHn, exactH);
        float[] expectedH = new float[hidden];
        for (int j = 0; j < hidden; j++)
        {
            float r = FastActivations.Sigmoid(gates[j] + gatesHidden[j]), z = FastActivations.Sigmoid(gates[hidden + j] + gatesHidden[hidden + j]);
            float n = FastActivations.Tanh(MathF.FusedMultiplyAdd(r, gatesHidden[2 * hidden + j], gates[2 * hidden + j]));
            expectedH[j] = ((1f - z) * n) + (z * hPrev[j]);
        }

        float[] hn = new float[hidden];
        FastCellKernels.GruCell(gates, gatesHidden, hPrev, hn, hPrev); // h over h_prev, as the streaming step writes it
        Assert.Equal(expectedH, hPrev);
        Assert.Equal(exactHn, hn);
        AssertWithin(exactH, hPrev, (2 * SigmoidBound) + (2 * TanhBound) + (6 * SigmoidBound), "h");
    }

    [Fact]
    public void Fast_cell_rows_compute_each_rows_cell()
    {
        var random = new SeededRandom(9);
        const int hidden = 12, rows = 3, stride = 4 * hidden + 40;
        float[] gates = Values(random, rows * stride, 5f), c = Values(random, rows * stride, 2f);
        float[] gatesRows = (float[])gates.Clone(), cRows = (float[])c.Clone(), tanhRows = new float[rows * stride], hRows = new float[rows * stride];
        FastCellKernels.LstmCellRows(gatesRows, cRows, stride, cRows, tanhRows, hRows, stride, rows, hidden);
        for (int r = 0; r < rows; r++)
        {
            float[] g = gates.AsSpan(r * stride, 4 * hidden).ToArray(), cell = c.AsSpan(r * stride, hidden).ToArray(), t = new float[hidden], h = new float[hidden];
            FastCellKernels.LstmCell(g, cell, cell, t, h);
            Assert.Equal(h, hRows.AsSpan(r * stride, hidden).ToArray());
            Assert.Equal(cell, cRows.AsSpan(r * stride, hidden).ToArray());
        }
    }

    private static void AssertWithin(float[] expected, float[] actual, double bound, string name)
    {
        for (int j = 0; j < expected.Length; j++)
        {
            Assert.True(Math.Abs(expected[j] - actual[j]) <= bound, $"{name}[{j}]: {actual[j]:R} against the exact cell's {expected[j]:R}, more than {bound:E2} apart");
        }
    }

    private static float[] Values(SeededRandom random, int count, float scale)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = ((random.NextSingle() * 2f) - 1f) * scale;
        }

        return values;
    }
}
