using System;
using System.Linq;

namespace Rnn.Gen.Samples.Pronunciation;

/// <summary>The letters the models read: a word as token ids, one per letter, padded at the end.</summary>
internal static class Graphemes
{
    /// <summary>The longest word the models read; longer dictionary words are left out (16 of them: see <see cref="CmuDict"/>).</summary>
    public const int MaxLetters = 20;

    /// <summary>The id after a word's last letter (never read: the encoder stops at the word's length).</summary>
    public const int Padding = 0;

    /// <summary>The spelled characters, ids 1 to 27 in this order.</summary>
    public const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ'";

    /// <summary>The padding id and the letters.</summary>
    public const int VocabularySize = 1 + 27;

    /// <summary>Whether <paramref name="word"/> (upper case) is spelled with <see cref="Letters"/> only.</summary>
    public static bool IsSpelledWith(string word) => word.Length > 0 && word.All(c => Letters.Contains(c, StringComparison.Ordinal));

    /// <summary>
    /// Writes the ids of <paramref name="word"/> (read in upper case) into <paramref name="ids"/> ([MaxLetters], the rest
    /// <see cref="Padding"/>) and returns its length. Throws a <see cref="FormatException"/> for a character the models
    /// do not read or a word longer than <see cref="MaxLetters"/>.
    /// </summary>
    public static int Encode(string word, Span<int> ids)
    {
        string upper = word.ToUpperInvariant();
        if (upper.Length == 0 || upper.Length > ids.Length)
        {
            throw new FormatException($"'{word}' has {upper.Length} letters; the models read 1 to {ids.Length}.");
        }

        ids.Fill(Padding);
        for (int i = 0; i < upper.Length; i++)
        {
            int index = Letters.IndexOf(upper[i], StringComparison.Ordinal);
            if (index < 0)
            {
                throw new FormatException($"'{word}' has the character '{word[i]}'; the models read the letters A–Z and the apostrophe.");
            }

            ids[i] = index + 1;
        }

        return upper.Length;
    }
}

/// <summary>The phonemes the models write: ARPAbet without stress, after a start token, ending with the end token.</summary>
internal static class Phonemes
{
    /// <summary>The longest pronunciation the models write, in phonemes; longer ones are left out (see <see cref="CmuDict"/>).</summary>
    public const int MaxPhonemes = 20;

    /// <summary>Decoder steps: the phonemes and the end token.</summary>
    public const int MaxSteps = MaxPhonemes + 1;

    /// <summary>The token the decoder reads at its first step (never a target).</summary>
    public const int Start = 0;

    /// <summary>The token that ends a pronunciation.</summary>
    public const int End = 1;

    /// <summary>The 39 phonemes of CMUdict's ARPAbet (its <c>phones.txt</c>), ids 2 to 40 in this order; stress digits are dropped.</summary>
    public static readonly string[] Symbols =
    [
        "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH", "K",
        "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
    ];

    /// <summary>The start and end tokens and the 39 phonemes.</summary>
    public const int VocabularySize = 2 + 39;

    /// <summary>The id of an ARPAbet symbol with or without its stress digit 0, 1 or 2 ("AH0" and "AH" are both AH); -1 when it is none.</summary>
    public static int IdOf(string symbol)
    {
        string bare = symbol.Length > 1 && symbol[^1] is '0' or '1' or '2' ? symbol[..^1] : symbol;
        int index = Array.IndexOf(Symbols, bare);
        return index < 0 ? -1 : index + 2;
    }

    /// <summary>The phonemes of <paramref name="ids"/>, space-separated, up to the end token (a negative id, as decoding writes after it, also ends).</summary>
    public static string Text(ReadOnlySpan<int> ids)
    {
        var symbols = new System.Collections.Generic.List<string>(ids.Length);
        foreach (int id in ids)
        {
            if (id == End || id < 0)
            {
                break;
            }

            symbols.Add(id >= 2 && id < VocabularySize ? Symbols[id - 2] : $"<{id}>");
        }

        return string.Join(' ', symbols);
    }

    /// <summary>The phoneme ids of a decoded token sequence, without the end token and what follows it.</summary>
    public static int[] Until(ReadOnlySpan<int> tokens)
    {
        int count = 0;
        while (count < tokens.Length && tokens[count] != End && tokens[count] >= 0)
        {
            count++;
        }

        return tokens[..count].ToArray();
    }
}
