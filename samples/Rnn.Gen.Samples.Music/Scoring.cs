using System;
using System.Collections.Generic;

namespace Rnn.Gen.Samples.Music;

/// <summary>Negative log-likelihood per token on held-out pieces, of the model and of n-gram baselines.</summary>
internal static class Scoring
{
    /// <summary>
    /// The model's mean −ln p of each token of each piece after its start token, given all the true tokens before it
    /// in the piece: the model streams through the whole piece with <c>Step</c>, from a zero state.
    /// </summary>
    public static double ModelNll(MusicModel model, IReadOnlyList<int[]> pieces) => ModelNll(model.ResetState, (token, output) => model.Step(token, output), pieces);

    /// <summary><see cref="ModelNll(MusicModel, IReadOnlyList{int[]})"/> of the same network with int8 weights.</summary>
    public static double ModelNll(MusicModelInt8 model, IReadOnlyList<int[]> pieces) => ModelNll(model.ResetState, (token, output) => model.Step(token, output), pieces);

    private static double ModelNll(Action reset, Action<int, float[]> step, IReadOnlyList<int[]> pieces)
    {
        var output = new float[Tokens.Vocabulary];
        double total = 0;
        long count = 0;
        foreach (int[] piece in pieces)
        {
            reset();
            for (int t = 0; t + 1 < piece.Length; t++)
            {
                step(piece[t], output);
                total -= Math.Log(Math.Max(output[piece[t + 1]], 1e-30f));
                count++;
            }
        }

        return total / count;
    }

    /// <summary>The number of tokens scored: all but the start token of each piece.</summary>
    public static long ScoredTokens(IReadOnlyList<int[]> pieces)
    {
        long count = 0;
        foreach (int[] piece in pieces)
        {
            count += piece.Length - 1;
        }

        return count;
    }
}

/// <summary>
/// An n-gram model of the tokens with add-k smoothing: p(w | c) = (count(c, w) + k) / (count(c) + k·V), where the
/// context c is the n − 1 tokens before w in its piece (the start token stands in before the piece's beginning).
/// </summary>
internal sealed class NGram
{
    private readonly int _order;
    private readonly Dictionary<long, int> _counts = [];
    private readonly Dictionary<long, int> _contextCounts = [];

    public NGram(int order, IEnumerable<int[]> training)
    {
        _order = order;
        foreach (int[] piece in training)
        {
            for (int t = 1; t < piece.Length; t++)
            {
                long context = Context(piece, t);
                _contextCounts[context] = _contextCounts.GetValueOrDefault(context) + 1;
                long key = (context * Tokens.Vocabulary) + piece[t];
                _counts[key] = _counts.GetValueOrDefault(key) + 1;
            }
        }
    }

    /// <summary>The mean −ln p of the held-out tokens (all but each piece's start token) with add-<paramref name="k"/> smoothing.</summary>
    public double Nll(IReadOnlyList<int[]> pieces, double k)
    {
        double total = 0;
        long count = 0;
        foreach (int[] piece in pieces)
        {
            for (int t = 1; t < piece.Length; t++)
            {
                long context = Context(piece, t);
                double p = (_counts.GetValueOrDefault((context * Tokens.Vocabulary) + piece[t]) + k)
                    / (_contextCounts.GetValueOrDefault(context) + (k * Tokens.Vocabulary));
                total -= Math.Log(p);
                count++;
            }
        }

        return total / count;
    }

    /// <summary>The smoothing constant of <paramref name="candidates"/> that gives the lowest held-out NLL, and that NLL.</summary>
    public (double K, double Nll) Best(IReadOnlyList<int[]> pieces, IEnumerable<double> candidates)
    {
        (double K, double Nll) best = (double.NaN, double.PositiveInfinity);
        foreach (double k in candidates)
        {
            double nll = Nll(pieces, k);
            if (nll < best.Nll)
            {
                best = (k, nll);
            }
        }

        return best;
    }

    private long Context(int[] piece, int t)
    {
        long context = 0;
        for (int i = t - _order + 1; i < t; i++)
        {
            context = (context * Tokens.Vocabulary) + (i >= 0 ? piece[i] : Tokens.Start);
        }

        return context;
    }
}
