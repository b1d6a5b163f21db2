using System;
using System.Linq;
using Rnn.Gen.Samples.Pronunciation;
using Xunit;

namespace Rnn.Gen.Samples.Tests;

public class PronunciationAlphabetTests
{
    [Fact]
    public void Letters_become_ids_from_one_and_the_rest_is_padding()
    {
        var ids = new int[Graphemes.MaxLetters];
        ids.AsSpan().Fill(99);

        int length = Graphemes.Encode("Zweig's", ids);

        Assert.Equal(7, length);
        Assert.Equal([26, 23, 5, 9, 7, 27, 19], ids[..7]);
        Assert.All(ids[7..], id => Assert.Equal(Graphemes.Padding, id));
    }

    [Theory]
    [InlineData("CAT-1")]
    [InlineData("déjà")]
    [InlineData("")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTU")]   // 21 letters
    public void A_word_the_models_cannot_read_is_refused(string word) =>
        Assert.Throws<FormatException>(() => Graphemes.Encode(word, new int[Graphemes.MaxLetters]));

    [Fact]
    public void Phonemes_are_read_with_or_without_stress_after_the_two_special_tokens()
    {
        Assert.Equal(2, Phonemes.IdOf("AA"));
        Assert.Equal(Phonemes.IdOf("AH"), Phonemes.IdOf("AH0"));
        Assert.Equal(Phonemes.IdOf("AH"), Phonemes.IdOf("AH2"));
        Assert.Equal(40, Phonemes.IdOf("ZH"));
        Assert.Equal(-1, Phonemes.IdOf("AH3"));
        Assert.Equal(-1, Phonemes.IdOf("X"));
        Assert.Equal(Phonemes.VocabularySize, Phonemes.Symbols.Length + 2);
        Assert.Equal(Phonemes.Symbols.Length, Phonemes.Symbols.Distinct().Count());
    }

    [Fact]
    public void Decoded_tokens_end_at_the_end_token()
    {
        int[] tokens = [Phonemes.IdOf("Z"), Phonemes.IdOf("W"), Phonemes.IdOf("AY"), Phonemes.IdOf("G"), Phonemes.End, -1, -1];

        Assert.Equal("Z W AY G", Phonemes.Text(tokens));
        Assert.Equal(tokens[..4], Phonemes.Until(tokens));
        Assert.Empty(Phonemes.Until([Phonemes.End, 5]));
    }

    [Fact]
    public void Every_pronunciation_of_a_word_is_a_sample_and_targets_end_with_end_tokens()
    {
        DictionaryWord[] words =
        [
            new("AB", [[2, 3], [4]]),
            new("C", [[5, 6, 7]]),
        ];

        PronunciationSet every = PronunciationSet.EveryPronunciation(words);
        PronunciationSet one = PronunciationSet.OnePerWord(words);

        Assert.Equal([0, 0, 1], every.SampleWords);
        Assert.Equal([2, 2, 1], every.Lengths);
        Assert.Equal([2, 3, Phonemes.End], every.Targets[..3]);
        Assert.All(every.Targets[3..Phonemes.MaxSteps], t => Assert.Equal(Phonemes.End, t));
        Assert.Equal([4, Phonemes.End], every.Targets[Phonemes.MaxSteps..(Phonemes.MaxSteps + 2)]);
        Assert.Equal([1f, 2f, 0f], every.Input(0)[..3].ToArray());
        Assert.Equal([3f, 0f], every.Input(2)[..2].ToArray());
        Assert.Equal([0, 1], one.SampleWords);
        Assert.Equal([2, 3, Phonemes.End], one.Targets[..3]);
    }
}
