using System;
using Rnn.Gen.Decoding;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>
/// <see cref="TokenSampler.MostProbable"/> (vectorized) against the scan it replaces, which moves to each value greater
/// than the best so far: ties, -0 and +0, NaN first or later, infinities, one-hot rows, every length around the vector
/// width and a 4,000-word row.
/// </summary>
public sealed class MostProbableTests
{
    private static int Scan(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    [Fact]
    public void Gives_the_index_the_scan_gives()
    {
        var random = new Random(17);
        float[] specials = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1f, 0.5f];
        foreach (int n in new[] { 1, 2, 3, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 33, 64, 100, 4000 })
        {
            for (int trial = 0; trial < 200; trial++)
            {
                float[] values = new float[n];
                int kind = trial % 4;
                for (int i = 0; i < n; i++)
                {
                    values[i] = kind switch
                    {
                        0 => (float)random.NextDouble(), // probabilities
                        1 => random.Next(3) * 0.25f, // many ties
                        2 => specials[random.Next(specials.Length)],
                        _ => 0f,
                    };
                }

                if (kind == 3)
                {
                    values[random.Next(n)] = 1f; // one-hot, as the teacher rows
                }

                if (trial % 10 == 9)
                {
                    values[0] = float.NaN; // nothing is greater than a NaN at index 0
                }

                Assert.True(Scan(values) == TokenSampler.MostProbable(values), $"length {n}, trial {trial}: [{string.Join(", ", values)}]");
            }
        }
    }

    [Fact]
    public void The_first_of_equal_zeros_wins_and_later_NaNs_never_do()
    {
        Assert.Equal(2, TokenSampler.MostProbable([-1f, float.NaN, -0f, 0f, -0f, float.NaN, -3f, -2f, -1f, -0.5f, float.NaN, 0f, -0f, -1f, -1f, -1f, -1f, -1f]));
        Assert.Equal(0, TokenSampler.MostProbable([float.NaN, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f]));
        Assert.Equal(17, TokenSampler.MostProbable([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, float.PositiveInfinity, float.NaN]));
        Assert.Throws<ArgumentException>(() => TokenSampler.MostProbable(ReadOnlySpan<float>.Empty));
    }
}
