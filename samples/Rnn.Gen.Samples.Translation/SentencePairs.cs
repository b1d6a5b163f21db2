using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Rnn.Gen.Samples.Translation;

/// <summary>A German sentence and its English translation, as the dictionary gives them (cleaned, see <see cref="DingDictionary"/>).</summary>
internal sealed record SentencePair(string German, string English);

/// <summary>
/// The example sentences of the German–English dictionary of Frank Richter's Ding (TU Chemnitz, GPL 2+), in the
/// format of Debian's package <c>trans-de-en</c>: one entry per line, <c>German :: English</c>; each side is a list
/// of sub-entries separated by <c> | </c> that correspond one to one (the headword, its plural or other forms, then
/// phrases and example sentences); inside a sub-entry, <c>; </c> separates alternatives; annotations are in braces
/// (<c>{f}</c>, <c>{vt}</c>), square brackets (<c>[coll.]</c>) and angle brackets (<c>&lt;spelling variants&gt;</c>);
/// optional words are in parentheses, alternative words are joined by a slash.
/// </summary>
internal static partial class DingDictionary
{
    /// <summary>
    /// The sentence pairs of one dictionary line: every pair of corresponding sub-entries that are both sentences
    /// (see <see cref="Clean"/> and <see cref="IsSentence"/>), at most <paramref name="maxCharacters"/> long each.
    /// Comment lines (<c>#</c>), lines without <c> :: </c> and lines whose two sides have different numbers of
    /// sub-entries give none.
    /// </summary>
    public static IEnumerable<SentencePair> PairsOfLine(string line, int maxCharacters)
    {
        if (line.StartsWith('#'))
        {
            yield break;
        }

        int separator = line.IndexOf(" :: ", StringComparison.Ordinal);
        if (separator < 0)
        {
            yield break;
        }

        string[] german = line[..separator].Split(" | ");
        string[] english = line[(separator + 4)..].Split(" | ");
        if (german.Length != english.Length)
        {
            yield break;
        }

        for (int i = 0; i < german.Length; i++)
        {
            string de = Clean(german[i]), en = Clean(english[i]);
            if (IsSentence(de) && IsSentence(en) && de.Length <= maxCharacters && en.Length <= maxCharacters)
            {
                yield return new SentencePair(de, en);
            }
        }
    }

    /// <summary>
    /// The distinct sentence pairs of every line of <paramref name="lines"/>, in the order they first appear.
    /// </summary>
    public static List<SentencePair> Parse(IEnumerable<string> lines, int maxCharacters)
    {
        var seen = new HashSet<SentencePair>();
        var pairs = new List<SentencePair>();
        foreach (string line in lines)
        {
            foreach (SentencePair pair in PairsOfLine(line, maxCharacters))
            {
                if (seen.Add(pair))
                {
                    pairs.Add(pair);
                }
            }
        }

        return pairs;
    }

    /// <summary>
    /// One sub-entry made plain: the first of its alternatives (an alternative sentence follows <c>.;</c>,
    /// <c>?;</c> or <c>!;</c>), without annotations in braces, square or angle brackets, without the optional words
    /// in parentheses, with only the first of words joined by a slash ("get/land/find a job" → "get a job"),
    /// typographic apostrophes and quotes made ASCII, and single spaces.
    /// </summary>
    public static string Clean(string subEntry)
    {
        string text = subEntry.Trim();
        Match alternative = NextAlternative().Match(text);
        if (alternative.Success)
        {
            text = text[..(alternative.Index + 1)];
        }

        text = Annotations().Replace(text, "");
        text = Parenthesized().Replace(text, "");
        text = SlashAlternatives().Replace(text, "$1");
        text = text.Replace('’', '\'').Replace('‘', '\'').Replace('“', '"').Replace('”', '"').Replace('„', '"');
        text = Spaces().Replace(text, " ").Trim();
        return SpaceBeforeMark().Replace(text, "$1");
    }

    /// <summary>
    /// Whether a cleaned sub-entry is a sentence: it starts with an upper-case letter, a digit or a quote, ends with
    /// <c>.</c>, <c>!</c> or <c>?</c>, and has at least two words (so headwords such as "etw." and abbreviations are not).
    /// </summary>
    public static bool IsSentence(string text) =>
        text.Length >= 3
        && (char.IsUpper(text[0]) || char.IsDigit(text[0]) || text[0] is '"' or '\'')
        && text[^1] is '.' or '!' or '?'
        && text.Contains(' ', StringComparison.Ordinal);

    [GeneratedRegex(@"[.!?];")]
    private static partial Regex NextAlternative();

    [GeneratedRegex(@"\s*(\{[^}]*\}|\[[^\]]*\]|<[^>]*>)")]
    private static partial Regex Annotations();

    [GeneratedRegex(@"\s*\([^()]*\)")]
    private static partial Regex Parenthesized();

    [GeneratedRegex(@"([^\s/]+)(\s*/\s*[^\s/.,!?;:]+)+")]
    private static partial Regex SlashAlternatives();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\s+([.,!?;:])")]
    private static partial Regex SpaceBeforeMark();
}

/// <summary>Training, validation and test pairs.</summary>
internal sealed record TranslationSplit(List<SentencePair> Training, List<SentencePair> Validation, List<SentencePair> Test);

/// <summary>
/// The held-out split: each pair goes to the test split (5 %), the validation split (5 %) or training (90 %) by a
/// hash (SHA-256) of its German sentence's tokens, so the split depends on no order and no seed, and the same German
/// sentence (up to case and punctuation spacing) always lands in the same split. A validation or test pair whose
/// German or English tokens also occur in a training pair is dropped, and a test pair whose German or English tokens
/// also occur in a validation pair, so no sentence is scored that was seen (or tuned on) in either language.
/// </summary>
internal static class HeldOutSplit
{
    /// <summary>Percent of the pairs in the test split, and the same again in the validation split.</summary>
    public const int HeldOutPercent = 5;

    public static TranslationSplit Split(IEnumerable<SentencePair> pairs)
    {
        var training = new List<SentencePair>();
        var validation = new List<SentencePair>();
        var test = new List<SentencePair>();
        foreach (SentencePair pair in pairs)
        {
            int bucket = Bucket(Key(pair.German));
            (bucket < HeldOutPercent ? test : bucket < 2 * HeldOutPercent ? validation : training).Add(pair);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        Remember(training);
        validation = validation.Where(Unseen).ToList();
        Remember(validation);
        test = test.Where(Unseen).ToList();
        return new TranslationSplit(training, validation, test);

        void Remember(List<SentencePair> split)
        {
            foreach (SentencePair pair in split)
            {
                seen.Add("de " + Key(pair.German));
                seen.Add("en " + Key(pair.English));
            }
        }

        bool Unseen(SentencePair pair) => !seen.Contains("de " + Key(pair.German)) && !seen.Contains("en " + Key(pair.English));
    }

    /// <summary>A sentence's tokens (lower-cased, punctuation split off) joined by spaces: what the models see of it.</summary>
    public static string Key(string sentence) => string.Join(' ', Words.Tokenize(sentence));

    /// <summary>0 to 99 from the first 8 bytes of the SHA-256 of <paramref name="key"/> (UTF-8): the same on every machine and .NET version.</summary>
    public static int Bucket(string key)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return (int)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % 100);
    }
}
