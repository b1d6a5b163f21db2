using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Samples.Translation;
using Xunit;

namespace Rnn.Gen.Samples.Tests;

/// <summary>
/// The Translation sample's data code on made-up dictionary lines in the format of Debian's trans-de-en (no download):
/// the sentence pairs found in a line, the held-out split, tokens and vocabularies, the encoded targets and the
/// word-by-word baseline.
/// </summary>
public class TranslationDataTests
{
    [Fact]
    public void Example_sentences_are_the_corresponding_sub_entries_that_are_sentences_on_both_sides()
    {
        const string line = "Haus {n} [arch.] | Häuser {pl} | Das Haus ist groß. | Wir gehen nach Hause! :: house | houses | The house is big. | We are going home!";
        Assert.Equal(
            [new SentencePair("Das Haus ist groß.", "The house is big."), new SentencePair("Wir gehen nach Hause!", "We are going home!")],
            DingDictionary.PairsOfLine(line, 80).ToList());
    }

    [Theory]
    [InlineData("# Version :: devel 2023-01-30")]                                 // a comment
    [InlineData("Das Haus ist groß. | Es regnet. :: The house is big.")]           // sides with different numbers of sub-entries
    [InlineData("unter Berufung auf etw. :: referring to sth.")]                   // a phrase ending in an abbreviation, not a sentence
    [InlineData("Ja. :: Yes.")]                                                    // one word
    [InlineData("Das Haus ist groß. :: the house is big")]                         // the English side is no sentence
    [InlineData("Das ist ein sehr langer Satz über viele Dinge. :: This is a very long sentence about many things.")] // longer than 40 characters
    public void Lines_without_a_fitting_sentence_pair_give_none(string line)
    {
        Assert.Empty(DingDictionary.PairsOfLine(line, 40));
    }

    [Theory]
    [InlineData("Ihre Interessen sind äußerst vielfältig.; Sie hat viele Interessen.", "Ihre Interessen sind äußerst vielfältig.")]
    [InlineData("He is guarded / reticent about his private life.", "He is guarded about his private life.")]
    [InlineData("She's trying to get/land/find a job in the city.", "She's trying to get a job in the city.")]
    [InlineData("You cannot compare the two (with each other).", "You cannot compare the two.")]
    [InlineData("Das ist eigentlich {adv} keine Überraschung [ugs.] <Ueberraschung>.", "Das ist eigentlich keine Überraschung.")]
    [InlineData("We can’t delay  much longer.", "We can't delay much longer.")]
    public void Sub_entries_are_cleaned_to_plain_sentences(string subEntry, string expected)
    {
        Assert.Equal(expected, DingDictionary.Clean(subEntry));
    }

    [Fact]
    public void Parse_keeps_each_pair_once_in_first_appearance_order()
    {
        string[] lines =
        [
            "a | Es regnet. :: a | It is raining.",
            "b | Ich komme. :: b | I am coming.",
            "c | Es regnet. :: c | It is raining.",
        ];
        Assert.Equal([new SentencePair("Es regnet.", "It is raining."), new SentencePair("Ich komme.", "I am coming.")], DingDictionary.Parse(lines, 80));
    }

    [Fact]
    public void The_split_is_five_five_ninety_by_the_german_sentence_and_held_out_sentences_are_unseen()
    {
        // 4,000 made-up pairs; every 10th German sentence is repeated with another translation, every 7th English one
        // with another German sentence.
        var pairs = new List<SentencePair>();
        for (int i = 0; i < 4000; i++)
        {
            pairs.Add(new SentencePair($"Satz Nummer {i / 10 * 10 + (i % 10 == 1 ? 0 : i % 10)}.", $"Sentence number {(i % 7 == 0 ? 0 : i)} here."));
        }

        TranslationSplit split = HeldOutSplit.Split(pairs);
        TranslationSplit again = HeldOutSplit.Split(pairs.AsEnumerable().Reverse());

        Assert.InRange(split.Test.Count, 120, 280);
        Assert.InRange(split.Validation.Count, 120, 280);
        Assert.InRange(split.Training.Count, 3400, 3800);

        // The same pairs land in the same splits whatever their order.
        Assert.Equal(split.Test.ToHashSet(), again.Test.ToHashSet());
        Assert.Equal(split.Training.ToHashSet(), again.Training.ToHashSet());

        var trainingGerman = split.Training.Select(p => HeldOutSplit.Key(p.German)).ToHashSet();
        var trainingEnglish = split.Training.Select(p => HeldOutSplit.Key(p.English)).ToHashSet();
        var validationGerman = split.Validation.Select(p => HeldOutSplit.Key(p.German)).ToHashSet();
        var validationEnglish = split.Validation.Select(p => HeldOutSplit.Key(p.English)).ToHashSet();
        foreach (SentencePair pair in split.Test)
        {
            Assert.DoesNotContain(HeldOutSplit.Key(pair.German), trainingGerman);
            Assert.DoesNotContain(HeldOutSplit.Key(pair.English), trainingEnglish);
            Assert.DoesNotContain(HeldOutSplit.Key(pair.German), validationGerman);
            Assert.DoesNotContain(HeldOutSplit.Key(pair.English), validationEnglish);
        }

        Assert.All(split.Validation, p => Assert.DoesNotContain(HeldOutSplit.Key(p.English), trainingEnglish));

        // The one English sentence shared by every 7th pair is in training (it is the most common), so no held-out
        // pair has it.
        Assert.DoesNotContain(split.Test, p => p.English == "Sentence number 0 here.");
    }

    [Fact]
    public void The_bucket_of_a_sentence_is_fixed()
    {
        // The first 8 bytes of SHA-256 of the tokens, little-endian, modulo 100 (values from Python's hashlib:
        // int.from_bytes(sha256(b"es regnet .").digest()[:8], "little") % 100). A change of hash or byte order moves
        // pairs between splits and changes every published number.
        Assert.Equal(95, HeldOutSplit.Bucket("es regnet ."));
        Assert.Equal(41, HeldOutSplit.Bucket("ich komme ."));
        Assert.Equal("es regnet .", HeldOutSplit.Key("Es  regnet."));
    }

    [Theory]
    [InlineData("It's a well-known fact, isn't it?", "it's|a|well-known|fact|,|isn't|it|?")]
    [InlineData("Er sagte: \"Geht's dir gut?\"", "er|sagte|:|\"|geht's|dir|gut|?|\"")]
    [InlineData("Die Kinder- und Jugendhilfe kostet 15 Euro.", "die|kinder|-|und|jugendhilfe|kostet|15|euro|.")]
    [InlineData("We can’t - really.", "we|can't|-|really|.")]
    public void Tokens_are_lower_case_words_with_punctuation_split_off(string sentence, string expected)
    {
        Assert.Equal(expected.Split('|'), Words.Tokenize(sentence));
    }

    [Fact]
    public void Detokenized_tokens_are_what_bleu_counts_of_the_reference()
    {
        const string reference = "It's a well-known fact, isn't it?";
        string text = Words.Detokenize(Words.Tokenize(reference));
        Assert.Equal("It's a well-known fact, isn't it?", text);
        Assert.Equal(Rnn.Gen.Samples.Bleu.Words(reference, lowercase: true), Rnn.Gen.Samples.Bleu.Words(text, lowercase: true));
    }

    [Fact]
    public void The_vocabulary_holds_the_specials_then_the_most_frequent_tokens()
    {
        List<string>[] sentences = [["b", "a", "c", "a"], ["b", "a", "d"]];
        var vocabulary = new Vocabulary(sentences, size: 6);

        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "a", "b"], Enumerable.Range(0, 6).Select(vocabulary.TokenOf));
        Assert.Equal(Vocabulary.Unknown, vocabulary.IdOf("c"));
        Assert.Equal(4, vocabulary.TokenCount);
        Assert.Equal(2.0 / 7, vocabulary.UnknownRate(sentences), 12);
        Assert.Equal(["a", "<unk>", "b"], vocabulary.TokensOf([Vocabulary.Start, 4, 3, Vocabulary.Pad, 5, Vocabulary.End, 4, 4]));
        Assert.Equal(["b"], vocabulary.TokensOf([5, -1, 4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Vocabulary(sentences, 4));
    }

    [Fact]
    public void Encoded_pairs_pad_the_source_and_end_the_target()
    {
        SentencePair[] pairs = [new("Es regnet.", "It is raining."), new("Ich komme.", "I come.")];
        var german = new Vocabulary(pairs.Select(p => (IReadOnlyList<string>)Words.Tokenize(p.German)), 20);
        var english = new Vocabulary(pairs.Select(p => (IReadOnlyList<string>)Words.Tokenize(p.English)), 20);
        var encoded = new EncodedPairs(pairs, german, english, sourceSteps: 4, targetSteps: 6);

        Assert.Equal([3, 3], encoded.Lengths);
        Assert.Equal([german.IdOf("es"), german.IdOf("regnet"), german.IdOf("."), Vocabulary.Pad], encoded.SourceOf(0).ToArray());
        Assert.Equal([english.IdOf("i"), english.IdOf("come"), english.IdOf("."), Vocabulary.End, Vocabulary.Pad, Vocabulary.Pad], encoded.Target[6..]);
        Assert.DoesNotContain(Vocabulary.Unknown, encoded.Target);

        // "It is raining." and its end fill 5 of 5 target steps; one more word does not fit.
        Assert.Throws<ArgumentException>(() => new EncodedPairs([new("Es regnet.", "It is raining now.")], german, english, 4, 5));
    }

    [Fact]
    public void Word_by_word_learns_the_translation_table_from_co_occurrence()
    {
        // "das" and "the" occur in every pair; each noun and verb in some: EM must attribute "house" to "haus", not to
        // "das", although both co-occur with it equally often.
        (string, string)[] corpus =
        [
            ("das haus ist groß", "the house is big"), ("das haus ist klein", "the house is small"),
            ("das buch ist klein", "the book is small"), ("das buch ist groß", "the book is big"),
            ("das haus brennt", "the house burns"), ("das buch brennt", "the book burns"),
        ];
        var pairs = corpus.Select(c => ((IReadOnlyList<string>)c.Item1.Split(' '), (IReadOnlyList<string>)c.Item2.Split(' '))).ToList();
        var table = new WordByWord(pairs, iterations: 10);

        Assert.Equal(["the", "house", "is", "small"], table.Translate(["das", "haus", "ist", "klein"]));
        Assert.Equal(["the", "book", "burns"], table.Translate(["das", "buch", "brennt"]));
        Assert.Equal("hamburg", table.TranslateWord("hamburg")); // unseen: copied
        Assert.Equal(7, table.GermanWords); // das haus ist groß klein buch brennt
    }
}
