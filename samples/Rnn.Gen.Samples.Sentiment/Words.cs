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
/// Token ids for words: 0 is padding, 1 an unknown word (one seen fewer than <c>minCount</c> times in the training
/// sentences, or never), and 2, 3, … the training words seen at least <c>minCount</c> times, most frequent first, as
/// many as fit below the model's vocabulary size. The ids index the rows of the model's Embedding.
/// </summary>
internal sealed class Vocabulary
{
    /// <summary>The id that pads a sentence to the model's steps (the Embedding's <c>PaddingIndex</c>).</summary>
    public const int Padding = 0;

    /// <summary>The id of every word outside the vocabulary.</summary>
    public const int Unknown = 1;

    /// <summary>The id of the most frequent training word.</summary>
    public const int FirstWord = 2;

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _words = [];

    /// <summary>The words seen at least <paramref name="minCount"/> times in <paramref name="trainingSentences"/>, at most <paramref name="capacity"/> ids in all.</summary>
    public Vocabulary(IEnumerable<IReadOnlyList<string>> trainingSentences, int minCount, int capacity)
    {
        var frequent = trainingSentences.SelectMany(s => s).GroupBy(w => w, StringComparer.Ordinal)
            .Select(g => (Word: g.Key, Count: g.Count())).Where(w => w.Count >= minCount)
            .OrderByDescending(w => w.Count).ThenBy(w => w.Word, StringComparer.Ordinal).ToList();
        foreach ((string word, _) in frequent.Take(capacity - FirstWord))
        {
            _ids[word] = FirstWord + _words.Count;
            _words.Add(word);
        }

        Left = frequent.Count - _words.Count;
    }

    /// <summary>Ids in use: padding, unknown and the words.</summary>
    public int Size => FirstWord + _words.Count;

    /// <summary>Words seen often enough that did not fit (the least frequent); 0 when the capacity suffices.</summary>
    public int Left { get; }

    /// <summary>The word of <paramref name="id"/> (from <see cref="FirstWord"/> to <see cref="Size"/> − 1).</summary>
    public string Word(int id) => _words[id - FirstWord];

    /// <summary>Whether <paramref name="word"/> has an id of its own.</summary>
    public bool Knows(string word) => _ids.ContainsKey(word);

    /// <summary>The id of <paramref name="word"/>: its own, or <see cref="Unknown"/>.</summary>
    public int Id(string word) => _ids.GetValueOrDefault(word, Unknown);
}
