using System;
using System.Linq;
using Rnn.Gen.Samples;
using Xunit;

namespace Rnn.Gen.Samples.Tests;

public class DigitCaptionTests
{
    private static readonly MnistSplit Split = Mnist.Split(MnistSplitTests.MadeUpDigits(8, 8, 8, 8, 8, 8, 8, 8, 8, 8), trainingPerDigit: 5);

    [Fact]
    public void Test_pictures_hold_only_test_digits()
    {
        CaptionedPictures training = CaptionedPictures.Build(Split.Training, 300, seed: 1);
        CaptionedPictures test = CaptionedPictures.Build(Split.Test, 300, seed: 2);

        // Every pixel of the made-up digits says which image it came from (digit * 10000 + index in its file + 1).
        var trainingValues = training.Pixels.Where(v => v > 0).ToHashSet();
        var testValues = test.Pixels.Where(v => v > 0).ToHashSet();
        Assert.Empty(trainingValues.Intersect(testValues));
        Assert.All(testValues, v => Assert.True((v - 1) % 10000 >= 5, $"{v} is a training image"));
        Assert.All(trainingValues, v => Assert.True((v - 1) % 10000 < 5, $"{v} is a test image"));
    }

    [Fact]
    public void A_picture_holds_its_captions_digits_left_to_right_then_blank_slots()
    {
        CaptionedPictures pictures = CaptionedPictures.Build(Split.Test, 200, seed: 3);
        var slot = new float[MnistImages.PixelCount];

        Assert.Equal([2, 3, 4], pictures.Captions.Select(c => c.Length).Distinct().Order());
        for (int i = 0; i < pictures.Count; i++)
        {
            for (int k = 0; k < CaptionedPictures.MaxDigits; k++)
            {
                CaptionedPictures.Slot(pictures.Picture(i), k, slot);
                if (k < pictures.Captions[i].Length)
                {
                    int source = pictures.SourceImages[i][k];
                    Assert.Equal(Split.Test.Image(source).ToArray(), slot);
                    Assert.Equal(Split.Test.Labels[source], pictures.Captions[i][k]);
                }
                else
                {
                    Assert.All(slot, v => Assert.Equal(0f, v));
                }
            }
        }
    }

    [Fact]
    public void The_same_seed_builds_the_same_pictures()
    {
        CaptionedPictures first = CaptionedPictures.Build(Split.Training, 50, seed: 7);
        CaptionedPictures second = CaptionedPictures.Build(Split.Training, 50, seed: 7);
        CaptionedPictures other = CaptionedPictures.Build(Split.Training, 50, seed: 8);

        Assert.Equal(first.Pixels, second.Pixels);
        Assert.NotEqual(first.Pixels, other.Pixels);
    }

    [Fact]
    public void Target_tokens_are_the_words_then_end_then_padding()
    {
        CaptionedPictures pictures = CaptionedPictures.Build(Split.Training, 40, seed: 4);
        int[] tokens = pictures.TargetTokens();

        for (int i = 0; i < pictures.Count; i++)
        {
            int[] caption = pictures.Captions[i];
            int[] expected = [.. caption, CaptionVocabulary.End, .. Enumerable.Repeat(CaptionVocabulary.Pad, CaptionedPictures.CaptionSteps - caption.Length - 1)];
            Assert.Equal(expected, tokens.AsSpan(i * CaptionedPictures.CaptionSteps, CaptionedPictures.CaptionSteps).ToArray());
        }
    }

    [Fact]
    public void Captions_read_as_words()
    {
        Assert.Equal("seven two nine", CaptionVocabulary.Text([7, 2, 9]));
        Assert.Equal([7, 2], CaptionVocabulary.WordsOf([7, 2, CaptionVocabulary.End, 4, CaptionVocabulary.Pad]));
        Assert.Equal([1, CaptionVocabulary.Pad, 3], CaptionVocabulary.WordsOf([1, CaptionVocabulary.Pad, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CaptionVocabulary.Text([13]));
    }

    [Fact]
    public void A_decoders_scores_read_as_the_most_probable_words_up_to_the_end()
    {
        var scores = new float[CaptionedPictures.CaptionSteps * CaptionVocabulary.Size];
        int[] best = [3, 9, CaptionVocabulary.End, 4, CaptionVocabulary.Pad];
        for (int t = 0; t < best.Length; t++)
        {
            scores[(t * CaptionVocabulary.Size) + best[t]] = 0.6f;
            scores[(t * CaptionVocabulary.Size) + ((best[t] + 1) % CaptionVocabulary.Size)] = 0.3f;
        }

        Assert.Equal([3, 9], CaptionVocabulary.WordsOfScores(scores));
        Assert.Throws<ArgumentException>(() => CaptionVocabulary.WordsOfScores(new float[CaptionVocabulary.Size + 1]));
    }

    [Fact]
    public void Exact_match_counts_only_identical_captions()
    {
        int[][] reference = [[7, 2, 9], [1, 2], [3, 4, 5, 6], [0, 0]];
        int[][] predicted = [[7, 2, 9], [1, 2, 3], [3, 4, 5], [0, 0]];

        Assert.Equal(0.5, CaptionMetrics.ExactMatch(predicted, reference));
    }

    [Fact]
    public void Word_accuracy_compares_positions_and_counts_missing_and_extra_words_as_wrong()
    {
        // [7, 2, 9] vs [7, 2, 9]: 3 of 3; [7, 2] vs [7, 2, 9] (a word missing): 2 of 3; [1, 2, 3] vs [1, 2] (one extra): 2 of 3;
        // [7, 9] vs [7, 2, 9] (shifted after the miss): 1 of 3; [4, 4] vs [5, 5]: 0 of 2.
        int[][] reference = [[7, 2, 9], [7, 2, 9], [1, 2], [7, 2, 9], [5, 5]];
        int[][] predicted = [[7, 2, 9], [7, 2], [1, 2, 3], [7, 9], [4, 4]];

        Assert.Equal(8.0 / 14.0, CaptionMetrics.WordAccuracy(predicted, reference), 12);
        Assert.Equal(1.0, CaptionMetrics.WordAccuracy([[3, 1]], [[3, 1]]));
        Assert.Throws<ArgumentException>(() => CaptionMetrics.WordAccuracy([[1]], [[1], [2]]));
    }

    [Fact]
    public void The_fixed_slot_baseline_classifies_each_slot_up_to_the_first_blank_one()
    {
        CaptionedPictures pictures = CaptionedPictures.Build(Split.Test, 100, seed: 5);
        int calls = 0;

        // An oracle for the made-up digits: every pixel of a slot holds digit * 10000 + index + 1.
        int Oracle(float[] image)
        {
            calls++;
            return ((int)image[0] - 1) / 10000;
        }

        int[][] captions = Enumerable.Range(0, pictures.Count).Select(i => FixedSlotBaseline.Caption(pictures.Picture(i), Oracle)).ToArray();

        Assert.Equal(1.0, CaptionMetrics.ExactMatch(captions, pictures.Captions));
        Assert.Equal(pictures.Captions.Sum(c => c.Length), calls);

        // A classifier that is always wrong gets no word, and the lengths still come from the blank slots.
        int[][] wrong = Enumerable.Range(0, pictures.Count).Select(i => FixedSlotBaseline.Caption(pictures.Picture(i), image => ((((int)image[0] - 1) / 10000) + 1) % 10)).ToArray();
        Assert.Equal(0.0, CaptionMetrics.WordAccuracy(wrong, pictures.Captions));
        Assert.Equal(pictures.Captions.Select(c => c.Length), wrong.Select(c => c.Length));
    }
}
