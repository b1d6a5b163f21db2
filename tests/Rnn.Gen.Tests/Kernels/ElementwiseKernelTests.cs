using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Kernels;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// The width-generic element-wise updates (<see cref="Elementwise"/>): every width computes each element exactly as the
/// scalar width does, bit for bit, whatever the length (vector bodies and tails) and the values (NaN, ±∞, ±0, subnormals).
/// </summary>
public sealed class ElementwiseKernelTests
{
    /// <summary>Runs one update over buffers [parameters, gradients, state…] at a width.</summary>
    private delegate void Update(float[][] buffers, KernelWidth width);

    private static readonly Dictionary<string, Update> Updates = new()
    {
        ["Sgd"] = (b, w) => Run(new SgdUpdate(b[0], b[1], [], 0.01f, 0f, 0f, 1f, false, false, false), b, w),
        ["Sgd decay maximize"] = (b, w) => Run(new SgdUpdate(b[0], b[1], [], 0.01f, 1e-2f, 0f, 1f, false, true, false), b, w),
        ["Sgd momentum first"] = (b, w) => Run(new SgdUpdate(b[0], b[1], b[2], 0.01f, 0f, 0.9f, 0.9f, false, false, true), b, w),
        ["Sgd nesterov decay"] = (b, w) => Run(new SgdUpdate(b[0], b[1], b[2], 0.01f, 1e-3f, 0.9f, 1f, true, false, false), b, w),
        ["RmsProp"] = (b, w) => Run(new RmsPropUpdate(b[0], b[1], b[2], [], [], 0.01f, 0.99f, 1e-8f, 0f, 0f, false, false), b, w),
        ["RmsProp centered momentum decay"] = (b, w) => Run(new RmsPropUpdate(b[0], b[1], b[2], b[3], b[4], 0.01f, 0.9f, 1e-8f, 1e-2f, 0.9f, true, false), b, w),
        ["RmsProp alpha 0.3 centered maximize"] = (b, w) => Run(new RmsPropUpdate(b[0], b[1], b[2], b[3], [], 0.01f, 0.3f, 1e-8f, 0f, 0f, true, true), b, w),
        ["Adagrad"] = (b, w) => Run(new AdagradUpdate(b[0], b[1], b[2], 0.01f, 0f, 1e-10f, false), b, w),
        ["Adagrad decay maximize"] = (b, w) => Run(new AdagradUpdate(b[0], b[1], b[2], 0.005f, 1e-2f, 1e-10f, true), b, w),
        ["Adam"] = (b, w) => Run(new AdamUpdate(b[0], b[1], b[2], b[3], [], true, 0.1f, 0.999f, 1e-3f, 0.01f, 0.03f, 1e-8f, 0f, false, 1f, false, false, false), b, w),
        ["Adam l2 amsgrad maximize"] = (b, w) => Run(new AdamUpdate(b[0], b[1], b[2], b[3], b[4], true, 0.1f, 0.999f, 1e-3f, 0.01f, 0.03f, 1e-8f, 1e-2f, true, 1f, false, true, true), b, w),
        ["AdamW beta1 0.3"] = (b, w) => Run(new AdamUpdate(b[0], b[1], b[2], b[3], [], false, 0.3f, 0.999f, 1e-3f, 0.01f, 0.03f, 1e-8f, 1e-2f, false, 0.9999f, true, false, false), b, w),
    };

    public static TheoryData<string, int> UpdatesAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Updates.Keys)
        {
            foreach (KernelWidth width in KernelCases.Widths().Where(w => w != KernelWidth.Scalar))
            {
                data.Add(name, (int)width);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UpdatesAndWidths))]
    public void Every_width_updates_each_element_as_the_scalar_width(string name, int width)
    {
        foreach (int n in Enumerable.Range(1, 70).Concat([255, 256, 257, 1000, 4099]))
        {
            float[][] scalar = Buffers(n, seed: n);
            float[][] vector = scalar.Select(buffer => (float[])buffer.Clone()).ToArray();
            for (int step = 0; step < 3; step++)
            {
                Updates[name](scalar, KernelWidth.Scalar);
                Updates[name](vector, (KernelWidth)width);
            }

            for (int k = 0; k < scalar.Length; k++)
            {
                int at = FirstDifference(scalar[k], vector[k]);
                Assert.True(at < 0, $"{name}, n = {n}, buffer {k}, element {at}: {(at < 0 ? 0 : scalar[k][at]):R} at the scalar width, {(at < 0 ? 0 : vector[k][at]):R} at {(KernelWidth)width}");
            }
        }
    }

    [Fact]
    public void ClipByValue_clamps_as_comparisons_do_and_keeps_NaN_and_the_sign_of_zero()
    {
        foreach (float limit in new[] { 0f, 0.5f, 3e38f })
        {
            foreach (int n in Enumerable.Range(1, 70).Concat([1000]))
            {
                float[] original = Buffers(n, seed: n + 100)[1];
                float[] clipped = (float[])original.Clone();
                GradientClipping.ClipByValue(clipped, limit);
                float[] expected = original.Select(g => g > limit ? limit : g < -limit ? -limit : g).ToArray();
                int at = FirstDifference(expected, clipped);
                Assert.True(at < 0, $"limit {limit}, n = {n}, element {at}");
            }
        }
    }

    private static void Run<TUpdate>(TUpdate update, float[][] buffers, KernelWidth width)
        where TUpdate : struct, IElementwise, allows ref struct =>
        Elementwise.Run(ref update, buffers[0].Length, width);

    /// <summary>Parameters and gradients of mixed magnitudes with special values, and three non-negative state buffers (running averages, sums of squares).</summary>
    private static float[][] Buffers(int n, int seed)
    {
        var random = new Random(seed);
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -1e-40f, float.MaxValue];
        float[] Values(bool nonNegative, bool withSpecials)
        {
            var values = new float[n];
            for (int i = 0; i < n; i++)
            {
                float x = (float)(random.NextDouble() * 2 - 1) * (random.Next(4) == 0 ? 100f : 1f);
                values[i] = nonNegative ? Math.Abs(x) : x;
            }

            for (int k = 0; withSpecials && k < Math.Min(special.Length, n / 3); k++)
            {
                values[random.Next(n)] = special[k];
            }

            return values;
        }

        return [Values(false, false), Values(false, true), Values(true, false), Values(false, false), Values(true, false)];
    }

    private static int FirstDifference(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
