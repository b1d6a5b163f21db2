using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Samples;
using Xunit;

namespace Rnn.Gen.Samples.Tests;

public class LogisticRegressionTests
{
    [Fact]
    public void The_baseline_is_a_linear_layer_over_the_pixels_and_picks_the_largest_logit()
    {
        var model = new SoftmaxRegression();
        Assert.Equal((784 * 10) + 10, SoftmaxRegression.ParameterCount);

        // Weights that make logit d the sum of pixels d * 10 … d * 10 + 9 (PyTorch's layout: weight [10, 784], then bias).
        model.Parameters.Clear();
        for (int d = 0; d < 10; d++)
        {
            model.GetParameter("0.weight").Slice((d * 784) + (d * 10), 10).Fill(1f);
        }

        var images = new float[3 * 784];
        images.AsSpan((0 * 784) + 70, 10).Fill(1f);      // ink where digit 7 looks
        images.AsSpan((1 * 784) + 20, 3).Fill(1f);       // some ink where 2 looks ...
        images.AsSpan((1 * 784) + 30, 2).Fill(1f);       // ... and less where 3 looks
        model.GetParameter("0.bias")[5] = 0.5f;         // a blank image: the bias decides
        var set = new MnistImages(images, [7, 2, 5], [0, 0, 0]);

        Assert.Equal([7, 2, 5], LogisticRegression.Classify(model, set));
        Assert.Equal(7, LogisticRegression.Classify(model, set.Image(0)));
    }

    [Fact]
    public void Training_separates_made_up_digits()
    {
        // Ten made-up classes, each with its own band of ink plus a little noise: the baseline must learn them all.
        var random = new SeededRandom(3);
        int count = 200;
        var pixels = new float[count * 784];
        int[] labels = Enumerable.Range(0, count).Select(i => i % 10).ToArray();
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < 784; p++)
            {
                pixels[(i * 784) + p] = (p / 78 == labels[i] ? 0.8f : 0f) + (0.2f * random.NextSingle());
            }
        }

        var images = new MnistImages(pixels, labels, new int[count]);
        SoftmaxRegression model = LogisticRegression.Train(images);

        Assert.Equal(labels, LogisticRegression.Classify(model, images));
    }
}
