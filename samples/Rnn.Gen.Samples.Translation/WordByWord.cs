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

        // t(e | f), keyed by (f, e); uniform over the English words to start (only pairs that co-occur are ever needed).
        var t = new Dictionary<long, double>();
        double uniform = 1.0 / englishIds.Count;
        for (int p = 0; p < pairs.Count; p++)
        {
            foreach (int f in german[p])
            {
                foreach (int e in english[p])
                {
                    t[Key(f, e)] = uniform;
                }
            }
        }

        var counts = new Dictionary<long, double>(t.Count);
        var totals = new double[_germanIds.Count];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            counts.Clear();
            Array.Clear(totals);
            for (int p = 0; p < pairs.Count; p++)
            {
                foreach (int e in english[p])
                {
                    double norm = 0;
                    foreach (int f in german[p])
                    {
                        norm += t[Key(f, e)];
                    }

                    foreach (int f in german[p])
                    {
                        double share = t[Key(f, e)] / norm;
                        long key = Key(f, e);
                        counts[key] = counts.GetValueOrDefault(key) + share;
                        totals[f] += share;
                    }
                }
            }

            foreach ((long key, double count) in counts)
            {
                t[key] = count / totals[(int)(key >> 32)];
            }
        }

        // The best English word per German word (ties: the lower id, i.e. the word seen first).
        var bestProbability = new double[_germanIds.Count];
        var bestId = new int[_germanIds.Count];
        foreach ((long key, double probability) in t.OrderBy(kv => kv.Key))
        {
            int f = (int)(key >> 32);
            if (probability > bestProbability[f])
            {
                (bestProbability[f], bestId[f]) = (probability, (int)(key & 0xFFFFFFFF));
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

    private static long Key(int f, int e) => ((long)f << 32) | (uint)e;

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
