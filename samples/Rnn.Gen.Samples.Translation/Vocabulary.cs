using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Rnn.Gen.Samples.Translation;

/// <summary>
/// Word-level tokens: lower-cased words (letters and digits, with the apostrophes and hyphens inside a word, as in
/// "don't", "geht's", "well-known") and every other mark on its own ("." "," "?" "!" "\"" ...). Words stay whole the
/// way sacreBLEU's 13a tokenizer keeps them, so the models' words are the words BLEU counts.
/// </summary>
internal static class Words
{
    public static List<string> Tokenize(string sentence)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        for (int i = 0; i < sentence.Length; i++)
        {
            char c = sentence[i] == '’' ? '\'' : sentence[i];
            bool inner = c is '\'' or '-' && word.Length > 0 && i + 1 < sentence.Length && char.IsLetterOrDigit(sentence[i + 1]);
            if (char.IsLetterOrDigit(c) || inner)
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            Flush();
            if (!char.IsWhiteSpace(c))
            {
                tokens.Add(c.ToString());
            }
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }
    }

    /// <summary>
    /// Tokens back to a sentence: words separated by spaces, no space before <c>. , ! ? ; :</c> or after an opening
    /// parenthesis, and the first letter upper-cased.
    /// </summary>
    public static string Detokenize(IEnumerable<string> tokens)
    {
        var text = new StringBuilder();
        string? previous = null;
        foreach (string token in tokens)
        {
            bool attach = previous is null || previous == "(" || token is "." or "," or "!" or "?" or ";" or ":" or ")";
            if (!attach)
            {
                text.Append(' ');
            }

            text.Append(token);
            previous = token;
        }

        if (text.Length > 0)
        {
            text[0] = char.ToUpperInvariant(text[0]);
        }

        return text.ToString();
    }
}

/// <summary>
/// The ids of a language's tokens: 0 <c>&lt;pad&gt;</c>, 1 <c>&lt;start&gt;</c>, 2 <c>&lt;end&gt;</c>,
/// 3 <c>&lt;unk&gt;</c>, then the most frequent training tokens (ties in ordinal order), up to <see cref="Size"/>
/// ids; any other token reads as <c>&lt;unk&gt;</c>.
/// </summary>
internal sealed class Vocabulary
{
    public const int Pad = 0, Start = 1, End = 2, Unknown = 3;

    private static readonly string[] Specials = ["<pad>", "<start>", "<end>", "<unk>"];
    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    /// <summary>The vocabulary of the <paramref name="size"/> − 4 most frequent tokens of <paramref name="sentences"/> (already tokenized).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> leaves no room for a word.</exception>
    public Vocabulary(IEnumerable<IReadOnlyList<string>> sentences, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, Specials.Length + 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (IReadOnlyList<string> sentence in sentences)
        {
            foreach (string token in sentence)
            {
                counts[token] = counts.GetValueOrDefault(token) + 1;
            }
        }

        TokenCount = counts.Count;
        _tokens = Specials.Concat(counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(size - Specials.Length).Select(c => c.Key)).ToArray();
        _ids = _tokens.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        Size = size;
    }

    /// <summary>The ids the models are declared with (the table may hold fewer tokens when the text has fewer).</summary>
    public int Size { get; }

    /// <summary>Distinct tokens in the text the vocabulary was made from.</summary>
    public int TokenCount { get; }

    public int IdOf(string token) => _ids.TryGetValue(token, out int id) ? id : Unknown;

    public string TokenOf(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : Specials[Unknown];

    /// <summary>The share of <paramref name="sentences"/>' tokens that read as <c>&lt;unk&gt;</c>.</summary>
    public double UnknownRate(IEnumerable<IReadOnlyList<string>> sentences)
    {
        long all = 0, unknown = 0;
        foreach (IReadOnlyList<string> sentence in sentences)
        {
            foreach (string token in sentence)
            {
                all++;
                unknown += _ids.ContainsKey(token) ? 0 : 1;
            }
        }

        return all == 0 ? 0 : (double)unknown / all;
    }

    /// <summary>
    /// The tokens of a decoded id sequence: up to the first <c>&lt;end&gt;</c> (or a negative id, which the
    /// decoders write after it), without <c>&lt;pad&gt;</c> and <c>&lt;start&gt;</c>.
    /// </summary>
    public List<string> TokensOf(ReadOnlySpan<int> ids)
    {
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            if (id == End || id < 0)
            {
                break;
            }

            if (id is not Pad and not Start)
            {
                tokens.Add(TokenOf(id));
            }
        }

        return tokens;
    }
}
