using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Samples;
using Xunit;

namespace Rnn.Gen.Samples.Tests;

public class MnistSplitTests
{
    /// <summary>Images of each digit whose every pixel is <c>digit * 10000 + index + 1</c>, so a pixel says where it came from (and none is blank).</summary>
    internal static float[][] MadeUpDigits(params int[] counts) =>
        counts.Select((count, digit) => Enumerable.Range(0, count)
            .SelectMany(i => Enumerable.Repeat((float)((digit * 10000) + i + 1), MnistImages.PixelCount)).ToArray()).ToArray();

    private static IEnumerable<(int Digit, int Index)> Origins(MnistImages images) =>
        Enumerable.Range(0, images.Count).Select(i => (((int)images.Image(i)[0] - 1) / 10000, ((int)images.Image(i)[0] - 1) % 10000));

    [Fact]
    public void The_first_images_of_each_digit_train_and_the_rest_test()
    {
        MnistSplit split = Mnist.Split(MadeUpDigits(5, 3, 4), trainingPerDigit: 2);

        Assert.Equal([(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)], Origins(split.Training));
        Assert.Equal([(0, 2), (0, 3), (0, 4), (1, 2), (2, 2), (2, 3)], Origins(split.Test));
        Assert.Equal([0, 0, 1, 1, 2, 2], split.Training.Labels);
        Assert.Equal([0, 0, 0, 1, 2, 2], split.Test.Labels);
        Assert.Equal([2, 3, 4, 2, 2, 3], split.Test.SourceIndices);
    }

    [Fact]
    public void Training_and_test_images_are_disjoint_and_cover_every_image()
    {
        int[] counts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];   // the package's
        MnistSplit split = Mnist.Split(MadeUpDigits(counts), Mnist.TrainingPerDigit);

        var training = Origins(split.Training).ToHashSet();
        var test = Origins(split.Test).ToHashSet();
        Assert.Equal(8000, split.Training.Count);
        Assert.Equal(2000, split.Test.Count);
        Assert.Empty(training.Intersect(test));
        Assert.Equal(counts.Sum(), training.Union(test).Count());
        Assert.All(Enumerable.Range(0, split.Test.Count), i => Assert.Equal(split.Test.Labels[i], ((int)split.Test.Image(i)[0] - 1) / 10000));
    }

    [Fact]
    public void A_digit_with_no_image_left_to_test_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Mnist.Split(MadeUpDigits(3, 2), trainingPerDigit: 2));
        Assert.Contains("Digit 1 has 2 images", error.Message);
    }

    [Fact]
    public void A_partial_image_is_refused()
    {
        float[][] digits = MadeUpDigits(3, 3);
        digits[1] = digits[1][..^1];
        var error = Assert.Throws<ArgumentException>(() => Mnist.Split(digits, trainingPerDigit: 1));
        Assert.Contains("Digit 1", error.Message);
    }

    [Fact]
    public void The_mean_image_averages_every_pixel()
    {
        var images = new MnistImages(
            [.. Enumerable.Repeat(1f, MnistImages.PixelCount), .. Enumerable.Repeat(0f, MnistImages.PixelCount - 1), 0.5f],
            [3, 4], [0, 0]);

        float[] mean = images.MeanImage();

        Assert.Equal(0.5f, mean[0]);
        Assert.Equal(0.75f, mean[^1]);
    }
}
