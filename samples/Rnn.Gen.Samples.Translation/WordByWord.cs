using System;
using System.Collections.Generic;
using System.Linq;

namespace Rnn.Gen.Samples.Translation;

/// <summary>
/// The dictionary baseline: each German token replaced by the English token it most probably translates to, in the
/// German order. The translation table is IBM Model 1's (Brown et al. 1993): <c>t(e | f)</c> for every English token
/// e and German token f (or the empty word NULL) of the training pairs, from uniform by expectation–maximization:
/// each English token of a pair is shared among the pair's German tokens and NULL in proportion to <c>t(e | f)</c>,
/// and <c>t</c> is re-estimated from those shares (NULL soaks up English words that no German word explains, such
/// as "do" in questions). A German token never seen in training (a name, a number) is copied unchanged. The output
/// has one English token per German token, so German word order and length are kept.
/// </summary>
internal sealed class WordByWord
{
    private const int Null = 0;
    private readonly Dictionary<string, int> _germanIds = new(StringComparer.Ordinal) { ["<null>"] = Null };
    private readonly List<string> _english = [];
    private readonly string[] _best; // per German id: the English token of the largest t(e | f)

    /// <summary>Learns the table from <paramref name="pairs"/> (German tokens, English tokens) in <paramref name="iterations"/> EM iterations.</summary>
    public WordByWord(IReadOnlyList<(IReadOnlyList<string> German, IReadOnlyList<string> English)> pairs, int iterations = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        var englishIds = new Dictionary<string, int>(StringComparer.Ordinal) { ["<null>"] = Null };
        _english.Add("<null>");
        var german = new int[pairs.Count][];
        var english = new int[pairs.Count][];
        for (int p = 0; p < pairs.Count; p++)
        {
            // NULL is the first "German word" of every pair: an English word can come from nowhere.
            german[p] = [Null, .. pairs[p].German.Select(w => IdOf(_germanIds, w, null))];
            english[p] = pairs[p].English.Select(w => IdOf(englishIds, w, _english)).ToArray();
        }

        // t(e | f) for every (f, e) that co-occur in some pair, in one array; slots[p] holds, for pair p, the slot of
        // (german[p][i], english[p][j]) at i * |english[p]| + j, so that the iterations are array arithmetic.
        var slotOf = new Dictionary<long, int>();
        var slotGerman = new List<int>();
        var slotEnglish = new List<int>();
        var slots = new int[pairs.Count][];
        for (int p = 0; p < pairs.Count; p++)
        {
            slots[p] = new int[german[p].Length * english[p].Length];
            for (int i = 0; i < german[p].Length; i++)
            {
                for (int j = 0; j < english[p].Length; j++)
                {
                    long key = ((long)german[p][i] << 32) | (uint)english[p][j];
                    if (!slotOf.TryGetValue(key, out int slot))
                    {
                        slot = slotOf.Count;
                        slotOf.Add(key, slot);
                        slotGerman.Add(german[p][i]);
                        slotEnglish.Add(english[p][j]);
                    }

                    slots[p][i * english[p].Length + j] = slot;
                }
            }
        }

        // Uniform over the English words to start.
        var t = new double[slotOf.Count];
        Array.Fill(t, 1.0 / englishIds.Count);
        var counts = new double[t.Length];
        var totals = new double[_germanIds.Count];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            Array.Clear(counts);
            Array.Clear(totals);
            for (int p = 0; p < pairs.Count; p++)
            {
                int[] pairSlots = slots[p];
                int englishCount = english[p].Length;
                for (int j = 0; j < englishCount; j++)
                {
                    // English word j is shared among the pair's German words (NULL first) in proportion to t(e | f).
                    double norm = 0;
                    for (int i = 0; i < german[p].Length; i++)
                    {
                        norm += t[pairSlots[i * englishCount + j]];
                    }

                    for (int i = 0; i < german[p].Length; i++)
                    {
                        int slot = pairSlots[i * englishCount + j];
                        double share = t[slot] / norm;
                        counts[slot] += share;
                        totals[german[p][i]] += share;
                    }
                }
            }

            for (int slot = 0; slot < t.Length; slot++)
            {
                t[slot] = counts[slot] / totals[slotGerman[slot]];
            }
        }

        // The best English word per German word (ties: the lower English id, i.e. the word seen first).
        var bestProbability = new double[_germanIds.Count];
        var bestId = new int[_germanIds.Count];
        for (int slot = 0; slot < t.Length; slot++)
        {
            int f = slotGerman[slot], e = slotEnglish[slot];
            if (t[slot] > bestProbability[f] || (t[slot] == bestProbability[f] && e < bestId[f]))
            {
                (bestProbability[f], bestId[f]) = (t[slot], e);
            }
        }

        _best = bestId.Select(e => _english[e]).ToArray();
    }

    /// <summary>German words in the table (NULL not counted).</summary>
    public int GermanWords => _germanIds.Count - 1;

    /// <summary>The English token a German token becomes: its best translation, or itself when unseen in training.</summary>
    public string TranslateWord(string germanToken) =>
        _germanIds.TryGetValue(germanToken, out int f) ? _best[f] : germanToken;

    /// <summary>The tokens of a German sentence's word-by-word translation.</summary>
    public List<string> Translate(IEnumerable<string> germanTokens) =>
        germanTokens.Select(TranslateWord).ToList();

    private static int IdOf(Dictionary<string, int> ids, string word, List<string>? words)
    {
        if (!ids.TryGetValue(word, out int id))
        {
            id = ids.Count;
            ids.Add(word, id);
            words?.Add(word);
        }

        return id;
    }
}
