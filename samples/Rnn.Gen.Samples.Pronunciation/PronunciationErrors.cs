using System;
using System.Collections.Generic;

namespace Rnn.Gen.Samples.Pronunciation;

/// <summary>
/// Word and phoneme error rates of predicted pronunciations against one or more references per word, as published
/// CMUdict evaluations count them: a word is right when its prediction equals any of its references; its phoneme
/// errors are the edit distance (substitutions, insertions and deletions, each 1) to the closest reference, and the
/// phoneme error rate is their sum over the sum of the lengths of those closest references.
/// </summary>
internal readonly record struct ErrorRates(int Words, int WrongWords, int PhonemeErrors, int ReferencePhonemes)
{
    /// <summary>Wrong words over words.</summary>
    public double WordErrorRate => Words == 0 ? 0 : (double)WrongWords / Words;

    /// <summary>Phoneme edits over reference phonemes.</summary>
    public double PhonemeErrorRate => ReferencePhonemes == 0 ? 0 : (double)PhonemeErrors / ReferencePhonemes;
}

internal static class PronunciationErrors
{
    /// <summary>The Levenshtein distance between <paramref name="a"/> and <paramref name="b"/>: the fewest substitutions, insertions and deletions that turn one into the other.</summary>
    public static int EditDistance(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        // One row of the dynamic programme at a time: previous[j] is the distance between a[..i] and b[..j].
        Span<int> previous = b.Length < 128 ? stackalloc int[b.Length + 1] : new int[b.Length + 1];
        Span<int> current = b.Length < 128 ? stackalloc int[b.Length + 1] : new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            current.CopyTo(previous);
        }

        return previous[b.Length];
    }

    /// <summary>
    /// The edit distance from <paramref name="predicted"/> to its closest reference and that reference's length (the
    /// first of equally close ones, in the order given).
    /// </summary>
    /// <exception cref="ArgumentException">There is no reference.</exception>
    public static (int Errors, int ReferenceLength) Closest(ReadOnlySpan<int> predicted, IReadOnlyList<int[]> references)
    {
        if (references.Count == 0)
        {
            throw new ArgumentException("Expected at least one reference pronunciation.", nameof(references));
        }

        (int errors, int length) = (int.MaxValue, 0);
        foreach (int[] reference in references)
        {
            int distance = EditDistance(predicted, reference);
            if (distance < errors)
            {
                (errors, length) = (distance, reference.Length);
            }
        }

        return (errors, length);
    }

    /// <summary>The error rates of <paramref name="predicted"/>[i] against <paramref name="references"/>[i], every word counted once.</summary>
    /// <exception cref="ArgumentException">The lists differ in length, or a word has no reference.</exception>
    public static ErrorRates Score(IReadOnlyList<int[]> predicted, IReadOnlyList<IReadOnlyList<int[]>> references)
    {
        if (predicted.Count != references.Count)
        {
            throw new ArgumentException($"Expected one prediction per word: {predicted.Count} predictions for {references.Count} words.", nameof(predicted));
        }

        int wrong = 0, errors = 0, phonemes = 0;
        for (int i = 0; i < predicted.Count; i++)
        {
            (int e, int length) = Closest(predicted[i], references[i]);
            wrong += e > 0 ? 1 : 0;
            errors += e;
            phonemes += length;
        }

        return new ErrorRates(predicted.Count, wrong, errors, phonemes);
    }
}
