using System;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Regularization;

/// <summary>The training-only randomness of generated models: dropout masks and Gaussian noise.</summary>
public static class Noise
{
    /// <summary>
    /// Fills <paramref name="mask"/> for inverted dropout: each element is 0 with probability <paramref name="rate"/>,
    /// else 1/(1 − rate), so the expected value of a masked input equals the input.
    /// </summary>
    public static void FillDropoutMask(Span<float> mask, float rate, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be at least 0 and below 1.");
        }

        float keep = 1f / (1f - rate);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextSingle() < rate ? 0f : keep;
        }
    }

    /// <summary><c>output[i] = input[i] + standardDeviation · N(0, 1)</c>.</summary>
    public static void AddGaussian(ReadOnlySpan<float> input, Span<float> output, float standardDeviation, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (input.Length != output.Length)
        {
            throw new ArgumentException($"Expected an output of length {input.Length} (the input's length), got {output.Length}.", nameof(output));
        }

        for (int i = 0; i < input.Length; i++)
        {
            output[i] = input[i] + (standardDeviation * (float)random.NextGaussian());
        }
    }
}
