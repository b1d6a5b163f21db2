using System;
using System.Buffers;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Decoding;

/// <summary>Chooses the next token from a probability vector: greedy, or sampled with temperature and top-k, seeded.</summary>
public static class TokenSampler
{
    /// <summary>The index of the largest probability (the first one on ties).</summary>
    public static int MostProbable(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.IsEmpty)
        {
            throw new ArgumentException("Expected at least one probability.", nameof(probabilities));
        }

        int best = 0;
        for (int i = 1; i < probabilities.Length; i++)
        {
            if (probabilities[i] > probabilities[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// Samples an index with probability proportional to <c>p_i^(1/temperature)</c> (the softmax of logits/temperature)
    /// among the <paramref name="topK"/> most probable (0 or at least the vocabulary: all). Ties at the k-th value are all kept.
    /// </summary>
    public static int Sample(ReadOnlySpan<float> probabilities, float temperature, int topK, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(temperature > 0f) || float.IsInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be a positive finite number; use MostProbable for greedy choice.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(topK);
        int best = MostProbable(probabilities);

        // The k-th largest probability: candidates are those at or above it.
        float threshold = float.NegativeInfinity;
        if (topK > 0 && topK < probabilities.Length)
        {
            float[] rented = ArrayPool<float>.Shared.Rent(probabilities.Length);
            Span<float> sorted = rented.AsSpan(0, probabilities.Length);
            probabilities.CopyTo(sorted);
            sorted.Sort();
            threshold = sorted[sorted.Length - topK];
            ArrayPool<float>.Shared.Return(rented);
        }

        // Weights relative to the most probable token, so that small temperatures do not underflow to all zeros.
        double exponent = 1.0 / temperature, total = 0, top = probabilities[best];
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] >= threshold && probabilities[i] > 0f)
            {
                total += Math.Pow(probabilities[i] / top, exponent);
            }
        }

        double pick = random.NextDouble() * total;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] >= threshold && probabilities[i] > 0f)
            {
                pick -= Math.Pow(probabilities[i] / top, exponent);
                if (pick < 0)
                {
                    return i;
                }
            }
        }

        return best; // rounding left a sliver: the most probable token
    }
}
