// Shared by the samples that write text and score it against references: corpus BLEU as sacreBLEU computes it
// (Post 2018, "A Call for Clarity in Reporting BLEU Scores"), so that a score printed here is the number sacreBLEU
// prints for the same hypotheses and references.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Rnn.Gen.Samples;

/// <summary>How <see cref="Bleu"/> splits a segment into words.</summary>
internal enum BleuTokenizer
{
    /// <summary>mteval-v13a's tokenization, sacreBLEU's default (<c>tok:13a</c>): punctuation and symbols split off.</summary>
    Mteval13a,

    /// <summary>Whitespace only (<c>tok:none</c>): the segments are tokenized already.</summary>
    None,
}

/// <summary>What <see cref="Bleu"/> does with an n-gram order that has no match (Chen and Cherry 2014).</summary>
internal enum BleuSmoothing
{
    /// <summary>No smoothing: a precision of 0 makes the score 0 (<c>smooth:none</c>).</summary>
    None,

    /// <summary>mteval-v13a's (NIST) smoothing, sacreBLEU's default (<c>smooth:exp</c>): the k-th order without a match counts 1/2^k matches.</summary>
    Exponential,

    /// <summary>A floor: an order without a match counts <c>smoothValue</c> matches (<c>smooth:floor</c>).</summary>
    Floor,
}

/// <summary>
/// The sufficient statistics of a corpus BLEU score and the score: <paramref name="Correct"/> and
/// <paramref name="Total"/> n-gram counts per order (1 to max order), the summed hypothesis and (closest) reference
/// lengths, the precisions in percent, the brevity penalty and the score (0 to 100).
/// </summary>
internal sealed record BleuScore(double Score, int[] Correct, int[] Total, double[] Precisions, double BrevityPenalty, int HypothesisLength, int ReferenceLength)
{
    /// <summary>sacreBLEU's one-line form: <c>BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"BLEU = {Score:F2} {string.Join('/', Precisions.Select(p => p.ToString("F1", CultureInfo.InvariantCulture)))} " +
        $"(BP = {BrevityPenalty:F3} ratio = {(ReferenceLength > 0 ? (double)HypothesisLength / ReferenceLength : 0):F3} hyp_len = {HypothesisLength} ref_len = {ReferenceLength})");
}

/// <summary>
/// Corpus-level BLEU (Papineni et al. 2002) computed the way sacreBLEU 2.x does: each segment tokenized (13a by
/// default), n-gram matches clipped by the largest count in any reference, matches and totals summed over the corpus,
/// the brevity penalty from the summed hypothesis length and the summed lengths of the reference closest in length to
/// each hypothesis (the shorter on a tie), the geometric mean of the precisions of orders 1 to 4, and exponential
/// smoothing of an order without any match. Not a port of sacreBLEU's code: its documented behaviour, checked against
/// the values of sacreBLEU's own tests.
/// </summary>
internal static partial class Bleu
{
    /// <summary>sacreBLEU's default maximum n-gram order.</summary>
    public const int MaxOrder = 4;

    /// <summary>What sacreBLEU takes for log 0 (<c>utils.my_log</c>): a precision of 0 makes the score 0 without an infinity.</summary>
    private const double LogOfZero = -9999999999;

    /// <summary>
    /// The corpus BLEU of <paramref name="hypotheses"/> (one per segment) against <paramref name="references"/>: one or
    /// more reference streams, each with one reference per segment (sacreBLEU's <c>refs</c> argument).
    /// <paramref name="lowercase"/> lower-cases both sides first (sacreBLEU's <c>-lc</c>).
    /// </summary>
    /// <exception cref="ArgumentException">No reference stream, or a stream whose length differs from the hypotheses'.</exception>
    public static BleuScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references,
        BleuTokenizer tokenizer = BleuTokenizer.Mteval13a, BleuSmoothing smoothing = BleuSmoothing.Exponential,
        double smoothValue = 0.1, bool lowercase = false, int maxOrder = MaxOrder, bool effectiveOrder = false)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxOrder);
        if (references.Count == 0)
        {
            throw new ArgumentException("Expected at least one stream of references.", nameof(references));
        }

        for (int r = 0; r < references.Count; r++)
        {
            if (references[r].Count != hypotheses.Count)
            {
                throw new ArgumentException(
                    $"Reference stream {r} has {references[r].Count} segments, but there are {hypotheses.Count} hypotheses; every stream needs one reference per hypothesis.",
                    nameof(references));
            }
        }

        var correct = new int[maxOrder];
        var total = new int[maxOrder];
        int hypothesisLength = 0, referenceLength = 0;
        for (int s = 0; s < hypotheses.Count; s++)
        {
            string[] hypothesis = Words(hypotheses[s], tokenizer, lowercase);

            // The largest count of each n-gram in any one reference, and the reference length closest to the
            // hypothesis's (the shorter one when two are as close).
            var maxReferenceCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            int closest = -1, closestDifference = -1;
            for (int r = 0; r < references.Count; r++)
            {
                string[] reference = Words(references[r][s], tokenizer, lowercase);
                foreach ((string ngram, int count) in NGramCounts(reference, maxOrder))
                {
                    maxReferenceCounts[ngram] = Math.Max(maxReferenceCounts.GetValueOrDefault(ngram), count);
                }

                int difference = Math.Abs(hypothesis.Length - reference.Length);
                if (closestDifference < 0 || difference < closestDifference || (difference == closestDifference && reference.Length < closest))
                {
                    (closest, closestDifference) = (reference.Length, difference);
                }
            }

            hypothesisLength += hypothesis.Length;
            referenceLength += closest;
            foreach ((string ngram, int count) in NGramCounts(hypothesis, maxOrder))
            {
                int order = ngram.Count(c => c == ' ') + 1;
                total[order - 1] += count;
                correct[order - 1] += Math.Min(count, maxReferenceCounts.GetValueOrDefault(ngram));
            }
        }

        return FromStatistics(correct, total, hypothesisLength, referenceLength, smoothing, smoothValue, effectiveOrder);
    }

    /// <summary>
    /// The score from its sufficient statistics (sacreBLEU's <c>BLEU.compute_bleu</c>): <paramref name="correct"/> and
    /// <paramref name="total"/> n-gram counts per order, the summed hypothesis and reference lengths.
    /// <paramref name="effectiveOrder"/> averages only the orders up to the longest one the hypotheses have
    /// (sacreBLEU's <c>effective_order</c>, meant for single sentences; off for corpus BLEU).
    /// </summary>
    /// <exception cref="ArgumentException">The two count arrays differ in length or are empty.</exception>
    public static BleuScore FromStatistics(IReadOnlyList<int> correct, IReadOnlyList<int> total, int hypothesisLength, int referenceLength,
        BleuSmoothing smoothing = BleuSmoothing.None, double smoothValue = 0.1, bool effectiveOrder = false)
    {
        if (correct.Count != total.Count || correct.Count == 0)
        {
            throw new ArgumentException($"Expected one count of matches and one of n-grams per order, got {correct.Count} and {total.Count}.");
        }

        int maxOrder = correct.Count;
        double brevityPenalty = hypothesisLength >= referenceLength ? 1.0
            : hypothesisLength > 0 ? Math.Exp(1 - (double)referenceLength / hypothesisLength) : 0.0;
        var precisions = new double[maxOrder];
        int[] correctCopy = correct.ToArray(), totalCopy = total.ToArray();

        // No match of any order: 0, whatever the smoothing (sacreBLEU's rule since its issue #141).
        if (correct.All(c => c == 0))
        {
            return new BleuScore(0, correctCopy, totalCopy, precisions, brevityPenalty, hypothesisLength, referenceLength);
        }

        double exponentialDivisor = 1;
        int orders = maxOrder;
        for (int n = 0; n < maxOrder; n++)
        {
            if (total[n] == 0)
            {
                break; // no n-grams this long at all: this order and the longer ones stay at precision 0
            }

            if (effectiveOrder)
            {
                orders = n + 1;
            }

            if (correct[n] > 0)
            {
                precisions[n] = 100.0 * correct[n] / total[n];
            }
            else if (smoothing == BleuSmoothing.Exponential)
            {
                exponentialDivisor *= 2;
                precisions[n] = 100.0 / (exponentialDivisor * total[n]);
            }
            else if (smoothing == BleuSmoothing.Floor)
            {
                precisions[n] = 100.0 * smoothValue / total[n];
            }
        }

        double meanLog = precisions.Take(orders).Sum(p => p == 0 ? LogOfZero : Math.Log(p)) / orders;
        return new BleuScore(brevityPenalty * Math.Exp(meanLog), correctCopy, totalCopy, precisions, brevityPenalty, hypothesisLength, referenceLength);
    }

    /// <summary>The words BLEU counts in <paramref name="segment"/>: trailing whitespace removed, optionally lower-cased, then tokenized.</summary>
    public static string[] Words(string segment, BleuTokenizer tokenizer = BleuTokenizer.Mteval13a, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(segment);
        string line = segment.TrimEnd();
        if (lowercase)
        {
            line = line.ToLowerInvariant();
        }

        if (tokenizer == BleuTokenizer.Mteval13a)
        {
            line = Tokenize13a(line);
        }

        return line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// mteval-v13a's tokenization as sacreBLEU's <c>Tokenizer13a</c> does it: <c>&lt;skipped&gt;</c> dropped, line ends
    /// joined, the four XML entities unescaped, then spaces put around every ASCII symbol but the apostrophe, hyphen,
    /// period and comma; around a period or comma except between digits; after a hyphen that follows a digit.
    /// </summary>
    public static string Tokenize13a(string line)
    {
        line = line.Replace("<skipped>", "", StringComparison.Ordinal).Replace("-\n", "", StringComparison.Ordinal).Replace('\n', ' ');
        if (line.Contains('&', StringComparison.Ordinal))
        {
            line = line.Replace("&quot;", "\"", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal)
                .Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal);
        }

        line = $" {line} ";
        line = Symbols().Replace(line, " $1 ");
        line = PeriodOrCommaAfterNonDigit().Replace(line, "$1 $2 ");
        line = PeriodOrCommaBeforeNonDigit().Replace(line, " $1 $2");
        line = HyphenAfterDigit().Replace(line, "$1 $2 ");
        return string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Every n-gram of orders 1 to <paramref name="maxOrder"/> (words joined by one space) and its count.</summary>
    private static Dictionary<string, int> NGramCounts(string[] words, int maxOrder)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 1; n <= maxOrder; n++)
        {
            for (int i = 0; i + n <= words.Length; i++)
            {
                string ngram = string.Join(' ', words, i, n);
                counts[ngram] = counts.GetValueOrDefault(ngram) + 1;
            }
        }

        return counts;
    }

    // The ASCII symbols { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
    [GeneratedRegex(@"([\{-\~\[-\` -\&\(-\+\:-\@\/])", RegexOptions.CultureInvariant)]
    private static partial Regex Symbols();

    [GeneratedRegex(@"([^0-9])([\.,])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodOrCommaAfterNonDigit();

    [GeneratedRegex(@"([\.,])([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodOrCommaBeforeNonDigit();

    [GeneratedRegex(@"([0-9])(-)", RegexOptions.CultureInvariant)]
    private static partial Regex HyphenAfterDigit();
}
