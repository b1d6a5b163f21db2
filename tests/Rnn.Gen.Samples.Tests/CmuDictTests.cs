using System;
using System.Linq;
using Rnn.Gen.Samples.Pronunciation;
using Xunit;

namespace Rnn.Gen.Samples.Tests;

public class CmuDictTests
{
    private static int[] Ids(string phonemes) => phonemes.Split(' ').Select(Phonemes.IdOf).ToArray();

    [Fact]
    public void Variants_join_their_word_and_stress_is_dropped()
    {
        const string text = "ABUSE  AH0 B Y UW1 S\nABUSE(1)  AH0 B Y UW1 Z\nABUSE(2)  AH1 B Y UW2 S\nZWEIG  Z W AY1 G\n";

        ParsedDictionary parsed = CmuDict.Parse(text);

        Assert.Equal(4, parsed.Entries);
        Assert.Equal(["ABUSE", "ZWEIG"], parsed.Words.Select(w => w.Spelling));
        DictionaryWord abuse = parsed.Words[0];
        Assert.Equal(2, abuse.Pronunciations.Length);                 // ABUSE(2) differs from ABUSE only in stress
        Assert.Equal(Ids("AH B Y UW S"), abuse.Pronunciations[0]);
        Assert.Equal(Ids("AH B Y UW Z"), abuse.Pronunciations[1]);
        Assert.Equal(1, parsed.StressOnlyVariants);
        Assert.Equal(Ids("Z W AY G"), parsed.Words[1].Pronunciations[0]);
    }

    [Fact]
    public void Words_the_models_cannot_read_are_counted_and_left_out()
    {
        string longWord = new('A', Graphemes.MaxLetters + 1);
        string longPronunciation = string.Join(' ', Enumerable.Repeat("AH0", Phonemes.MaxPhonemes + 1));
        string text = string.Join('\n',
            "A42128  EY1 F AO1 R",
            "AIR_FORCE  EH1 R F AO1 R S",
            "CAT-1  K AE1 T",
            "A.  EY1",
            "AARON'S  EH1 R AH0 N Z",
            $"{longWord}  AH0",
            $"{longWord}(1)  AH1",
            $"LONGSAY  {longPronunciation}",
            "LONGSAY(1)  L AO1 NG",
            $"ONLYLONG  {longPronunciation}",
            "");

        ParsedDictionary parsed = CmuDict.Parse(text);

        Assert.Equal(["AARON'S", "LONGSAY"], parsed.Words.Select(w => w.Spelling));
        Assert.Equal(Ids("L AO NG"), Assert.Single(parsed.Words[1].Pronunciations));
        Assert.Equal(4, parsed.NotSpelledWithLetters);
        Assert.Equal(1, parsed.TooLong);                              // one spelling, two entries
        Assert.Equal(2, parsed.PronunciationsTooLong);
        Assert.Equal(8, parsed.DistinctSpellings);
        Assert.Equal(10, parsed.Entries);
    }

    [Theory]
    [InlineData("ABUSE\tAH0 B Y UW1 S", 1)]          // a tab, not two spaces
    [InlineData("ZWEIG  Z W AY1 G\nFOO  F UW7 X", 2)] // not ARPAbet
    [InlineData("FOO  ", 1)]                         // no phonemes
    public void A_malformed_line_is_refused_with_its_number(string text, int line)
    {
        FormatException e = Assert.Throws<FormatException>(() => CmuDict.Parse(text));
        Assert.Contains($"Line {line} ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ABUSE(1)", "ABUSE")]
    [InlineData("READ(12)", "READ")]
    [InlineData("ABUSE", "ABUSE")]
    [InlineData("(PAREN", "(PAREN")]
    [InlineData("X()", "X()")]
    [InlineData("A(B)", "A(B)")]
    public void A_variant_is_known_by_its_number_in_parentheses(string entry, string spelling) =>
        Assert.Equal(spelling, CmuDict.VariantOf(entry));

    [Theory]
    [InlineData("", 0x811c9dc5u)]       // the published FNV-1a test vectors
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void The_split_hash_is_32_bit_fnv_1a(string text, uint hash) => Assert.Equal(hash, CmuDict.Fnv1a(text));

    [Fact]
    public void The_split_is_about_ninety_five_five_and_follows_the_hash()
    {
        var random = new Random(7);
        string[] words = Enumerable.Range(0, 40_000)
            .Select(_ => new string(Enumerable.Range(0, random.Next(3, 12)).Select(_ => (char)('A' + random.Next(26))).ToArray()))
            .Distinct().ToArray();
        var counts = words.GroupBy(CmuDict.PartOf).ToDictionary(g => g.Key, g => (double)g.Count() / words.Length);

        Assert.InRange(counts[SplitPart.Training], 0.89, 0.91);
        Assert.InRange(counts[SplitPart.Validation], 0.045, 0.055);
        Assert.InRange(counts[SplitPart.Test], 0.045, 0.055);
        foreach (string word in words.Take(1000))
        {
            uint bucket = CmuDict.Fnv1a(word) % 100;
            Assert.Equal(bucket < 90 ? SplitPart.Training : bucket < 95 ? SplitPart.Validation : SplitPart.Test, CmuDict.PartOf(word));
        }
    }
}
