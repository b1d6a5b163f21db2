using System;

namespace Rnn.Gen.Initialization;

/// <summary>Weight initializers used by generated <c>Initialize(int seed)</c> methods.</summary>
public static class Initializers
{
    /// <summary>
    /// Fills <paramref name="values"/> from U(−<paramref name="bound"/>, <paramref name="bound"/>): PyTorch's default for
    /// recurrent layers (bound 1/√hidden) and for <c>nn.Linear</c> (bound 1/√in_features, weight and bias alike).
    /// </summary>
    public static void Uniform(Span<float> values, float bound, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(bound >= 0) || float.IsInfinity(bound))
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be a finite, non-negative number.");
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (2f * random.NextSingle() - 1f) * bound;
        }
    }

    /// <summary>
    /// Fills <paramref name="values"/> from N(0, <paramref name="standardDeviation"/>²): PyTorch's default for
    /// <c>nn.Embedding</c> (standard deviation 1). Pairs of values come from the Box–Muller transform of two uniform
    /// draws, so the same seed gives the same values on every machine (the distribution is PyTorch's, the stream is not).
    /// </summary>
    public static void Normal(Span<float> values, float standardDeviation, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(standardDeviation >= 0) || float.IsInfinity(standardDeviation))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be a finite, non-negative number.");
        }

        for (int i = 0; i < values.Length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(); // (0, 1]: the logarithm stays finite
            double u2 = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1)) * standardDeviation;
            values[i] = (float)(radius * Math.Cos(2.0 * Math.PI * u2));
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(radius * Math.Sin(2.0 * Math.PI * u2));
            }
        }
    }
}
