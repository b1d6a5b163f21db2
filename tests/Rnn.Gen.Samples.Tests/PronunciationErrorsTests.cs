using System;
using System.Collections.Generic;
using Rnn.Gen.Samples.Pronunciation;
using Xunit;

namespace Rnn.Gen.Samples.Tests;

public class PronunciationErrorsTests
{
    [Theory]
    [InlineData(new int[0], new int[0], 0)]
    [InlineData(new[] { 1, 2, 3 }, new int[0], 3)]
    [InlineData(new int[0], new[] { 4, 5 }, 2)]
    [InlineData(new[] { 1, 2, 3 }, new[] { 1, 2, 3 }, 0)]
    [InlineData(new[] { 1, 2 }, new[] { 2, 1 }, 2)]                       // a swap is two edits
    [InlineData(new[] { 1, 2, 3, 4 }, new[] { 1, 3, 4 }, 1)]              // a deletion
    [InlineData(new[] { 1, 3, 4 }, new[] { 1, 2, 3, 4, 5 }, 2)]           // two insertions
    [InlineData(new[] { 7, 7, 7 }, new[] { 8, 8, 8 }, 3)]                 // three substitutions
    public void Edit_distance_counts_substitutions_insertions_and_deletions(int[] a, int[] b, int expected)
    {
        Assert.Equal(expected, PronunciationErrors.EditDistance(a, b));
        Assert.Equal(expected, PronunciationErrors.EditDistance(b, a));
    }

    [Fact]
    public void Edit_distances_of_textbook_examples()
    {
        static int[] Codes(string s) => Array.ConvertAll(s.ToCharArray(), c => (int)c);
        Assert.Equal(3, PronunciationErrors.EditDistance(Codes("kitten"), Codes("sitting")));
        Assert.Equal(3, PronunciationErrors.EditDistance(Codes("sunday"), Codes("saturday")));
    }

    [Fact]
    public void A_word_is_right_when_it_matches_any_reference_and_errors_count_against_the_closest()
    {
        int[][] predicted =
        [
            [1, 2, 3],        // the second reference exactly: right, 0 errors, that reference's 3 phonemes
            [1, 2, 9, 4],     // 1 edit from [1, 2, 3, 4] (4 phonemes), 3 from [5, 6]
            [5],              // 1 edit from [5, 6] (2 phonemes), the only reference
        ];
        IReadOnlyList<int[]>[] references =
        [
            [[1, 2, 3, 3, 3], [1, 2, 3]],
            [[5, 6], [1, 2, 3, 4]],
            [[5, 6]],
        ];

        ErrorRates rates = PronunciationErrors.Score(predicted, references);

        Assert.Equal(new ErrorRates(Words: 3, WrongWords: 2, PhonemeErrors: 2, ReferencePhonemes: 3 + 4 + 2), rates);
        Assert.Equal(2.0 / 3, rates.WordErrorRate, 12);
        Assert.Equal(2.0 / 9, rates.PhonemeErrorRate, 12);
    }

    [Fact]
    public void Equally_close_references_count_the_first()
    {
        (int errors, int length) = PronunciationErrors.Closest([1, 2], [[1, 2, 3], [1]]);
        Assert.Equal((1, 3), (errors, length));
    }

    [Fact]
    public void Mismatched_lists_and_words_without_references_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PronunciationErrors.Score([[1]], []));
        Assert.Throws<ArgumentException>(() => PronunciationErrors.Score([[1]], [Array.Empty<int[]>()]));
    }
}
