using System;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>Deterministic parameters and per-step gradients for the optimizer tests, plus a tolerant comparison.</summary>
internal static class OptimizerTestData
{
    /// <summary>37 elements: four 256-bit vectors and a scalar tail of five.</summary>
    public const int Length = 37;

    public static float[] Parameters(int seed = 1)
    {
        var random = new Random(seed);
        var values = new float[Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 4.0 - 2.0);
        }

        return values;
    }

    /// <summary>One gradient vector per step, independent of the parameters so both implementations see the same ones.</summary>
    public static float[][] Gradients(int steps, int seed = 2)
    {
        var random = new Random(seed);
        var gradients = new float[steps][];
        for (int s = 0; s < steps; s++)
        {
            gradients[s] = new float[Length];
            for (int i = 0; i < Length; i++)
            {
                // Mixed scales, signs and an exact zero, so second moments differ a lot between elements.
                double scale = i % 7 == 0 ? 1e-3 : i % 5 == 0 ? 10.0 : 1.0;
                gradients[s][i] = i == 3 ? 0f : (float)((random.NextDouble() * 2.0 - 1.0) * scale);
            }
        }

        return gradients;
    }

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);

    /// <summary>Asserts |actual − expected| ≤ tolerance · max(1, |expected|) element by element, naming the first failure.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tolerance, string context)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= tolerance * Math.Max(1.0, Math.Abs(expected[i]))))
            {
                Xunit.Assert.Fail($"{context}: element {i} is {actual[i]:R}, expected {expected[i]:R} (error {error:E3}, tolerance {tolerance:E1}).");
            }
        }
    }
}
