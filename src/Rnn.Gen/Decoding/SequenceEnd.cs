using System;

namespace Rnn.Gen.Decoding;

/// <summary>
/// Where a decoded sequence ends: the steps up to and including the first end-of-sequence token. A decoder with an
/// end token (<c>[Decoder(n, EndToken = k)]</c>) and the trainer count the same steps with it, so the steps after a
/// target's end carry neither loss nor gradient.
/// </summary>
public static class SequenceEnd
{
    /// <summary>The steps of <paramref name="tokens"/> through the first <paramref name="endToken"/>; all of them when none is.</summary>
    public static int Steps(ReadOnlySpan<int> tokens, int endToken)
    {
        int end = tokens.IndexOf(endToken);
        return end < 0 ? tokens.Length : end + 1;
    }

    /// <summary>
    /// The steps of <paramref name="rows"/> (<c>[steps, <paramref name="size"/>]</c>, one-hot rows or probabilities)
    /// through the first row whose most probable token (<see cref="TokenSampler.MostProbable"/>) is
    /// <paramref name="endToken"/>; all of them when none is.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="size"/> is not positive or does not divide the rows' length.</exception>
    public static int Steps(ReadOnlySpan<float> rows, int size, int endToken)
    {
        if (size <= 0 || rows.Length % size != 0)
        {
            throw new ArgumentException($"Expected rows of {size} floats each, got {rows.Length} floats.", nameof(rows));
        }

        int steps = rows.Length / size;
        for (int t = 0; t < steps; t++)
        {
            if (TokenSampler.MostProbable(rows.Slice(t * size, size)) == endToken)
            {
                return t + 1;
            }
        }

        return steps;
    }
}
