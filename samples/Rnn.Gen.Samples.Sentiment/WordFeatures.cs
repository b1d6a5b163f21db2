using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Rnn.Gen.Samples.Sentiment;

/// <summary>Splits a sentence into lower-case words (letters, digits and inner apostrophes) and the marks <c>!</c> and <c>?</c>.</summary>
internal static class Tokenizer
{
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c) || (c is '\'' or '’' && word.Length > 0))
            {
                word.Append(char.ToLowerInvariant(c == '’' ? '\'' : c));
                continue;
            }

            Flush();
            if (c is '!' or '?')
            {
                words.Add(c.ToString());
            }
        }

        Flush();
        return words;

        void Flush()
        {
            string w = word.ToString().TrimEnd('\'');
            if (w.Length > 0)
            {
                words.Add(w);
            }

            word.Clear();
        }
    }
}

/// <summary>
/// How much more often a word appears in positive than in negative sentences: the naive Bayes log-count ratio
/// <c>log((p_w + 1) / (‖p‖ + V)) − log((n_w + 1) / (‖n‖ + V))</c> (Wang &amp; Manning 2012), where <c>p_w</c> and
/// <c>n_w</c> count the positive and negative sentences that contain the word. Positive for words of praise, negative
/// for words of complaint, near zero for words such as "the"; zero for words never seen.
/// </summary>
internal sealed class WordPolarity
{
    private readonly Dictionary<string, float> _ratios = new(StringComparer.Ordinal);

    /// <summary>The polarities of the words of <paramref name="sentences"/>, from their labels.</summary>
    public WordPolarity(IEnumerable<(IReadOnlyList<string> Words, int Label)> sentences)
    {
        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var totals = new double[2];
        foreach ((IReadOnlyList<string> words, int label) in sentences)
        {
            foreach (string word in words.Distinct())
            {
                if (!counts.TryGetValue(word, out int[]? perClass))
                {
                    counts[word] = perClass = new int[2];
                }

                perClass[label]++;
                totals[label]++;
            }
        }

        foreach ((string word, int[] perClass) in counts)
        {
            double positive = (perClass[1] + 1.0) / (totals[1] + counts.Count);
            double negative = (perClass[0] + 1.0) / (totals[0] + counts.Count);
            _ratios[word] = (float)Math.Log(positive / negative);
        }
    }

    /// <summary>The polarity of <paramref name="word"/>; 0 for a word the sentences did not contain.</summary>
    public float Of(string word) => _ratios.GetValueOrDefault(word);
}

/// <summary>
/// Turns each word into a fixed-width input vector: position 0 marks a rare word, position 1 holds the word's
/// <see cref="WordPolarity"/>, and the remaining positions carry its identity by feature hashing (Weinberger et al.
/// 2009): a word of the vocabulary adds +1 or −1 at <see cref="HashesPerWord"/> positions chosen by hashes of its
/// letters, so no table of word vectors is needed and the model's input stays narrow; the recurrent layer's input
/// weights learn what each position means. Words seen fewer than <c>minCount</c> times in the training sentences share
/// position 0 instead ("some rare word"), so that they do not blur the hashed positions of the frequent ones.
/// </summary>
internal sealed class WordEncoder
{
    /// <summary>Positions each vocabulary word is spread over: with two, two words rarely share both.</summary>
    public const int HashesPerWord = 2;

    private const int RareWord = 0, Polarity = 1, FirstHashed = 2;

    private readonly HashSet<string> _vocabulary;

    /// <summary>An encoder into <paramref name="features"/> positions whose vocabulary is the words seen at least <paramref name="minCount"/> times in <paramref name="trainingSentences"/>.</summary>
    public WordEncoder(int features, IEnumerable<IReadOnlyList<string>> trainingSentences, int minCount)
    {
        Features = features;
        _vocabulary = trainingSentences.SelectMany(s => s).GroupBy(w => w, StringComparer.Ordinal)
            .Where(g => g.Count() >= minCount).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The width of a word's vector.</summary>
    public int Features { get; }

    /// <summary>Words with their own hashed positions.</summary>
    public int VocabularySize => _vocabulary.Count;

    /// <summary>Whether <paramref name="word"/> has its own positions (else it counts as a rare word).</summary>
    public bool Knows(string word) => _vocabulary.Contains(word);

    /// <summary>The vectors of <paramref name="words"/>, one row of <see cref="Features"/> per word; no polarity when <paramref name="polarity"/> is null.</summary>
    public float[] Encode(IReadOnlyList<string> words, WordPolarity? polarity)
    {
        var rows = new float[words.Count * Features];
        for (int i = 0; i < words.Count; i++)
        {
            Span<float> row = rows.AsSpan(i * Features, Features);
            row[Polarity] = polarity?.Of(words[i]) ?? 0f;
            if (!_vocabulary.Contains(words[i]))
            {
                row[RareWord] = 1f;
                continue;
            }

            for (int k = 0; k < HashesPerWord; k++)
            {
                uint hash = Fnv1a(words[i], (uint)k);
                int position = FirstHashed + (int)((hash >> 1) % (uint)(Features - FirstHashed));
                row[position] += (hash & 1) == 0 ? 1f : -1f;
            }
        }

        return rows;
    }

    /// <summary>32-bit FNV-1a of the word's characters, started from a seed-dependent basis: stable across runs and platforms.</summary>
    private static uint Fnv1a(string word, uint seed)
    {
        uint hash = 2166136261u ^ (seed * 0x9E3779B9u);
        foreach (char c in word)
        {
            hash = (hash ^ c) * 16777619u;
        }

        // A final mix, so that the low bits (the sign) depend on every character.
        hash ^= hash >> 15;
        hash *= 0x2C1B3C6Du;
        hash ^= hash >> 12;
        return hash;
    }
}
