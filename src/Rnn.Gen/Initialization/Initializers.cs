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
}
