using System.Collections.Generic;
using Rnn.Gen.Samples;
using Xunit;

namespace Rnn.Gen.Samples.Tests;

/// <summary>
/// <see cref="Bleu"/> against values that sacreBLEU itself publishes (github.com/mjpost/sacrebleu): the cases of its
/// test file test/test_bleu.py (test_corpus_bleu_cases, test_raw_bleu_cases, test_case_statistics,
/// test_case_scoring, test_case_effective_order, test_case_degenerate_stats, test_bleu_max_order) and the corpus_score
/// example of its README ("BLEU = 48.53 82.4/50.0/45.5/37.5 ..."). The expected numbers are sacreBLEU's, not this
/// code's output.
/// </summary>
public class BleuTests
{
    // The README's example and test_bleu.py's _hyps and _refs: three segments, two reference streams.
    private static readonly string[] Hypotheses = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];

    private static readonly IReadOnlyList<IReadOnlyList<string>> References =
    [
        ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
        ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
    ];

    [Fact]
    public void Default_corpus_bleu_is_sacrebleus_48_530827()
    {
        // test_corpus_bleu_cases: {} and {'tokenize': '13a'} → 48.530827.
        Assert.Equal(48.530827, Bleu.Corpus(Hypotheses, References).Score, 1e-6);
    }

    [Fact]
    public void The_readme_example_prints_sacrebleus_line()
    {
        // README: bleu.corpus_score(sys, refs) → BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
        Assert.Equal("BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)", Bleu.Corpus(Hypotheses, References).ToString());
    }

    [Fact]
    public void Without_tokenization_the_score_is_sacrebleus_49_1919566()
    {
        // test_corpus_bleu_cases: {'tokenize': 'none'} → 49.1919566 ("man." and "man" differ then).
        Assert.Equal(49.1919566, Bleu.Corpus(Hypotheses, References, BleuTokenizer.None).Score, 1e-6);
    }

    [Fact]
    public void Without_smoothing_the_score_is_the_same_when_every_order_matches()
    {
        // test_corpus_bleu_cases: {'smooth_method': 'none'} → 48.530827.
        Assert.Equal(48.530827, Bleu.Corpus(Hypotheses, References, smoothing: BleuSmoothing.None).Score, 1e-6);
    }

    [Fact]
    public void Empty_hypotheses_score_zero()
    {
        // test_corpus_bleu_cases: ('', '', '') → 0.0 (empty hypotheses are scored, not removed).
        BleuScore score = Bleu.Corpus(["", "", ""], References);
        Assert.Equal(0.0, score.Score);
        Assert.Equal(0, score.HypothesisLength);
    }

    [Theory]
    [InlineData(1, "77.65")]
    [InlineData(2, "60.50")]
    [InlineData(3, "53.93")]
    [InlineData(4, "48.53")]
    [InlineData(5, "46.14")]
    [InlineData(6, "43.28")]
    public void Other_maximum_orders_give_sacrebleus_scores(int order, string expected)
    {
        // test_bleu_max_order: BLEU(max_ngram_order=order).corpus_score(_hyps, _refs), printed with two decimals.
        Assert.Equal(expected, Bleu.Corpus(Hypotheses, References, maxOrder: order).Score.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Match_counts_are_clipped_by_the_reference()
    {
        // test_case_statistics: counts [4, 2, 1, 0], totals [6, 5, 4, 3] ("am" twice in the hypothesis, once in the reference).
        BleuScore score = Bleu.Corpus(["am I am a character sequence"], [["I am a symbol string sequence a a"]],
            BleuTokenizer.None, BleuSmoothing.Floor, smoothValue: 0.01, effectiveOrder: true);
        Assert.Equal([4, 2, 1, 0], score.Correct);
        Assert.Equal([6, 5, 4, 3], score.Total);
    }

    [Theory]
    [InlineData("this is a test", "this is a test", 1.0)]
    [InlineData("this is a fest", "this is a test", 0.223606797749979)]
    public void Raw_corpus_bleu_cases(string hypothesis, string reference, double expected)
    {
        // test_raw_bleu_cases: raw_corpus_bleu(hyps, refs, .01) = no tokenization, floor smoothing 0.01, effective order.
        double score = Bleu.Corpus([hypothesis], [[reference]], BleuTokenizer.None, BleuSmoothing.Floor, 0.01, effectiveOrder: true).Score / 100;
        Assert.Equal(expected, score, 1e-8);
    }

    [Fact]
    public void No_match_at_all_scores_zero_whatever_the_smoothing()
    {
        // test_raw_bleu_cases: ["this is a test", "another test"] against one stream ["ref1", "ref2"] → 0.0 (sacreBLEU #141).
        Assert.Equal(0.0, Bleu.Corpus(["this is a test", "another test"], [["ref1", "ref2"]], BleuTokenizer.None, BleuSmoothing.Floor, 0.01, effectiveOrder: true).Score);
    }

    [Theory]
    [InlineData("test", "a test", 0.3678794411714425)]
    [InlineData("a test", "a test", 1.0)]
    [InlineData("a little test", "a test", 0.03218297948685433)]
    public void Effective_order_cases(string hypothesis, string reference, double expected)
    {
        // test_case_effective_order, through raw_corpus_bleu(hyps, refs, .01).
        double score = Bleu.Corpus([hypothesis], [[reference]], BleuTokenizer.None, BleuSmoothing.Floor, 0.01, effectiveOrder: true).Score / 100;
        Assert.Equal(expected, score, 1e-8);
    }

    [Fact]
    public void Score_from_statistics()
    {
        // test_case_scoring: compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11) → 0.8375922397.
        Assert.Equal(0.8375922397, Bleu.FromStatistics([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).Score / 100, 1e-8);
    }

    [Theory]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 4, 4, 2, 1 }, 0, 1, 0.0)]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 10, 11, 12, 0 }, 14, 10, 0.0)]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 0, 0, 0, 0 }, 0, 0, 0.0)]
    [InlineData(new[] { 6, 5, 4, 0 }, new[] { 6, 5, 4, 3 }, 6, 6, 0.0)]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 0, 0, 0, 0 }, 0, 0, 0.1)]
    [InlineData(new[] { 0, 0, 0, 0 }, new[] { 0, 0, 0, 0 }, 1, 5, 0.01)]
    public void Degenerate_statistics_score_zero(int[] correct, int[] total, int hypothesisLength, int referenceLength, double floor)
    {
        // test_case_degenerate_stats: floor smoothing with these values; every score is exactly 0.0.
        Assert.Equal(0.0, Bleu.FromStatistics(correct, total, hypothesisLength, referenceLength, BleuSmoothing.Floor, floor).Score / 100);
    }

    [Fact]
    public void Exponential_smoothing_halves_each_further_order_without_a_match()
    {
        // Matches of orders 1 and 2 only: sacreBLEU's exp method takes 1/(2·total) and 1/(4·total) matches for orders
        // 3 and 4 (its compute_bleu), where no smoothing gives 0.
        BleuScore smoothed = Bleu.FromStatistics([4, 2, 0, 0], [5, 4, 3, 2], 5, 5, BleuSmoothing.Exponential);
        Assert.Equal([80.0, 50.0, 100.0 / 6, 100.0 / 8], smoothed.Precisions);
        Assert.Equal(100 * System.Math.Pow(0.8 * 0.5 / 6 / 8, 0.25), smoothed.Score, 1e-9);
        Assert.True(Bleu.FromStatistics([4, 2, 0, 0], [5, 4, 3, 2], 5, 5, BleuSmoothing.None).Score < 1e-100);
    }

    [Theory]
    [InlineData("It wasn't surprising.", "It wasn't surprising .")]
    [InlineData("He paid $3.50, i.e. 1,000 cents (1990-2000)!", "He paid $ 3.50 , i . e . 1,000 cents ( 1990 - 2000 ) !")]
    [InlineData("A well-known \"name\" &amp; a <skipped>gap", "A well-known \" name \" & a gap")]
    public void Thirteen_a_tokenization(string line, string expected)
    {
        // mteval-v13a's rules: symbols split off, the period and comma except between digits, a hyphen after a digit;
        // apostrophes and word hyphens kept. The expected lines are what the regular expressions of sacreBLEU's
        // tokenizer_13a.py and tokenizer_re.py give when Python's re runs them on these lines.
        Assert.Equal(expected, Bleu.Tokenize13a(line));
    }

    [Fact]
    public void Lowercase_compares_without_case()
    {
        Assert.Equal(100.0, Bleu.Corpus(["THE DOG BIT THE MAN."], [["The dog bit the man."]], lowercase: true).Score, 1e-9);
        Assert.True(Bleu.Corpus(["THE DOG BIT THE MAN."], [["The dog bit the man."]]).Score < 100);
    }

    [Fact]
    public void A_reference_stream_of_another_length_is_refused()
    {
        var error = Assert.Throws<System.ArgumentException>(() => Bleu.Corpus(Hypotheses, [["only one"]]));
        Assert.Contains("one reference per hypothesis", error.Message);
    }
}
