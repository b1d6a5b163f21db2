using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Decoding;

/// <summary>Chooses the next token from a probability vector: greedy, or sampled with temperature and top-k, seeded.</summary>
public static class TokenSampler
{
    /// <summary>
    /// The index of the largest probability (the first one on ties): the index a scan that moves to each value greater
    /// than the best so far ends at, so a NaN is never chosen unless it comes first (nothing is greater than it), and
    /// -0 and +0 tie.
    /// </summary>
    public static int MostProbable(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.IsEmpty)
        {
            throw new ArgumentException("Expected at least one probability.", nameof(probabilities));
        }

        float max = probabilities[0];
        if (float.IsNaN(max))
        {
            return 0;
        }

        // The scan ends at the first index of the largest value NaNs aside: find that value, then its first index. In
        // vectors: teacher forcing reads a one-hot row of a 4,000-word vocabulary per decoder step this way.
        ref float p = ref MemoryMarshal.GetReference(probabilities);
        int n = probabilities.Length, i = 0;
        int lanes = Vector256<float>.Count;
        if (Vector256.IsHardwareAccelerated && n >= 2 * lanes)
        {
            Vector256<float> best = Vector256.Create(max);
            for (; i <= n - lanes; i += lanes)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref p, (nuint)i);
                best = Vector256.ConditionalSelect(Vector256.GreaterThan(v, best), v, best); // a NaN is never greater
            }

            for (int lane = 0; lane < lanes; lane++)
            {
                max = best.GetElement(lane) > max ? best.GetElement(lane) : max;
            }
        }

        for (; i < n; i++)
        {
            max = Unsafe.Add(ref p, i) > max ? Unsafe.Add(ref p, i) : max;
        }

        i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> target = Vector256.Create(max);
            for (; i <= n - lanes; i += lanes)
            {
                uint equal = Vector256.Equals(Vector256.LoadUnsafe(ref p, (nuint)i), target).ExtractMostSignificantBits();
                if (equal != 0)
                {
                    return i + BitOperations.TrailingZeroCount(equal);
                }
            }
        }

        for (; i < n; i++)
        {
            if (Unsafe.Add(ref p, i) == max)
            {
                break;
            }
        }

        return i;
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
