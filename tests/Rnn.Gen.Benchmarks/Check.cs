using System;

namespace Rnn.Gen.Benchmarks;

/// <summary>Test-like assertions run in the benchmarks' setups: a peer that computes something else fails the run.</summary>
public static class Check
{
    /// <summary>Throws unless |expected − actual| ≤ tolerance · (1 + |expected|) everywhere.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        if (expected.Length != actual.Length)
        {
            throw new InvalidOperationException($"{what}: {actual.Length} values, expected {expected.Length}.");
        }

        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (!(MathF.Abs(e - a) <= tolerance * (1 + MathF.Abs(e))))
            {
                throw new InvalidOperationException($"{what}: value {i} is {a}, expected {e} (tolerance {tolerance}).");
            }
        }
    }

    /// <summary>Throws unless every value has the same bits.</summary>
    public static void BitIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                throw new InvalidOperationException($"{what}: value {i} is {actual[i]:R}, expected {expected[i]:R} bit for bit.");
            }
        }
    }

    /// <summary>The largest |a − b| / (1 + |a|).</summary>
    public static float MaxRelativeDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]) / (1 + MathF.Abs(a[i])));
        }

        return max;
    }

    /// <summary>Fills <paramref name="values"/> uniformly in [-1, 1) from <paramref name="seed"/>.</summary>
    public static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
