using System;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

public sealed class MeanSquaredErrorTests
{
    private static (float[] Prediction, float[] Target) Case(int length, int seed = 9)
    {
        var random = new Random(seed);
        var prediction = new float[length];
        var target = new float[length];
        for (int i = 0; i < length; i++)
        {
            prediction[i] = (float)(random.NextDouble() * 4 - 2);
            target[i] = (float)(random.NextDouble() * 4 - 2);
        }

        return (prediction, target);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(37)]
    public void Value_is_the_mean_of_the_squared_differences_and_gradient_is_two_differences_over_n(int length)
    {
        (float[] prediction, float[] target) = Case(length);
        double expected = 0;
        for (int i = 0; i < length; i++)
        {
            expected += ((double)prediction[i] - target[i]) * ((double)prediction[i] - target[i]);
        }

        expected /= length;
        var gradient = new float[length];
        float loss = Losses.MeanSquaredError(prediction, target, gradient);
        Assert.Equal(expected, loss, 1e-6 * Math.Max(1, expected));
        Assert.Equal(loss, Losses.MeanSquaredError(prediction, target));
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(2.0 * (prediction[i] - target[i]) / length, gradient[i], 1e-6);
        }
    }

    [Fact]
    public void Gradient_matches_central_finite_differences()
    {
        (float[] prediction, float[] target) = Case(20);
        var gradient = new float[20];
        Losses.MeanSquaredError(prediction, target, gradient);
        for (int i = 0; i < prediction.Length; i++)
        {
            float original = prediction[i];
            prediction[i] = original + 1e-2f;
            double up = Losses.MeanSquaredError(prediction, target);
            float actualUp = prediction[i] - original;
            prediction[i] = original - 1e-2f;
            double down = Losses.MeanSquaredError(prediction, target);
            float actualDown = original - prediction[i];
            prediction[i] = original;
            double numeric = (up - down) / ((double)actualUp + actualDown);
            Assert.True(Math.Abs(numeric - gradient[i]) < 1e-4, $"element {i}: analytic {gradient[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void Gradient_may_overwrite_the_prediction()
    {
        (float[] prediction, float[] target) = Case(11);
        var expectedGradient = new float[11];
        float expectedLoss = Losses.MeanSquaredError(prediction, target, expectedGradient);
        float loss = Losses.MeanSquaredError(prediction, target, prediction);
        Assert.Equal(expectedLoss, loss);
        Assert.Equal(expectedGradient, prediction);
    }

    [Fact]
    public void Perfect_prediction_has_zero_loss_and_zero_gradient()
    {
        float[] values = [1f, -2f, 3.5f];
        var gradient = new float[3];
        Assert.Equal(0f, Losses.MeanSquaredError(values, values, gradient));
        Assert.Equal(new float[3], gradient);
    }

    [Fact]
    public void Wrong_lengths_throw_naming_the_expected_length()
    {
        var exception = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[5], new float[4], new float[5]));
        Assert.Equal("target", exception.ParamName);
        Assert.Contains("length 5", exception.Message);

        exception = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[5], new float[5], new float[6]));
        Assert.Equal("gradient", exception.ParamName);
        Assert.Contains("length 5", exception.Message);

        exception = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[2], new float[3]));
        Assert.Equal("target", exception.ParamName);

        exception = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError([], [], []));
        Assert.Equal("prediction", exception.ParamName);
    }

    [Fact]
    public void Allocates_nothing()
    {
        (float[] prediction, float[] target) = Case(64);
        var gradient = new float[64];
        Losses.MeanSquaredError(prediction, target, gradient);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            Losses.MeanSquaredError(prediction, target, gradient);
            Losses.MeanSquaredError(prediction, target);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
