using System;
using System.Linq;
using Rnn.Gen.Training;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

public sealed class GradientClippingTests
{
    private static float[] Values(int length, double scale, int seed = 5)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    private static double Norm(float[] values) => Math.Sqrt(values.Sum(v => (double)v * v));

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(37)]
    [InlineData(1000)]
    public void Returns_the_L2_norm_before_clipping(int length)
    {
        float[] gradients = Values(length, 3.0);
        double expected = Norm(gradients);
        float norm = GradientClipping.ClipByGlobalNorm(gradients, maxNorm: 0.5f);
        Assert.Equal(expected, norm, 1e-6 * expected);
    }

    [Theory]
    [InlineData(37, 1.0f)]
    [InlineData(1000, 0.25f)]
    public void Scales_by_PyTorchs_coefficient_when_the_norm_is_too_large(int length, float maxNorm)
    {
        float[] original = Values(length, 3.0);
        float[] gradients = (float[])original.Clone();
        double total = Norm(original);
        GradientClipping.ClipByGlobalNorm(gradients, maxNorm);

        // clip_coef = max_norm / (total_norm + 1e-6), applied as a float.
        float coefficient = (float)(maxNorm / (total + 1e-6));
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(original[i] * coefficient, gradients[i]);
        }

        Assert.Equal(maxNorm, Norm(gradients), 1e-5);
        Assert.True(Norm(gradients) <= maxNorm * (1 + 1e-6));
    }

    [Fact]
    public void Leaves_gradients_below_the_maximum_untouched()
    {
        float[] original = Values(37, 0.01);
        float[] gradients = (float[])original.Clone();
        float norm = GradientClipping.ClipByGlobalNorm(gradients, maxNorm: 1f);
        Assert.True(norm < 1f);
        Assert.Equal(original, gradients);
    }

    [Fact]
    public void A_norm_equal_to_the_maximum_is_scaled_by_the_epsilon_as_in_PyTorch()
    {
        // clip_coef = 5 / (5 + 1e-6) is just below 1, so PyTorch scales (very slightly) here too.
        float[] gradients = [3f, 4f];
        Assert.Equal(5f, GradientClipping.ClipByGlobalNorm(gradients, 5f));
        float coefficient = (float)(5.0 / (5.0 + 1e-6));
        Assert.Equal([3f * coefficient, 4f * coefficient], gradients);
    }

    [Fact]
    public void Large_finite_gradients_do_not_overflow_the_norm()
    {
        // Each square (1e60) overflows float but not the double accumulator.
        float[] gradients = [3e30f, 4e30f, 0f, 0f, 0f, 0f, 0f, 0f, 0f];
        float norm = GradientClipping.ClipByGlobalNorm(gradients, 1f);
        Assert.Equal(5e30, norm, 1e24);
        Assert.Equal(1.0, Norm(gradients), 1e-5);
    }

    [Theory]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(float.NaN)]
    public void A_non_finite_gradient_returns_a_non_finite_norm_and_changes_nothing(float bad)
    {
        foreach (int position in new[] { 2, 35 }) // in the vector body and in the tail
        {
            float[] gradients = Values(37, 3.0);
            gradients[position] = bad;
            float[] original = (float[])gradients.Clone();
            float norm = GradientClipping.ClipByGlobalNorm(gradients, 1f);
            if (float.IsNaN(bad))
            {
                Assert.True(float.IsNaN(norm));
            }
            else
            {
                Assert.Equal(float.PositiveInfinity, norm);
            }

            Assert.Equal(original, gradients);
        }
    }

    [Fact]
    public void An_empty_buffer_has_norm_zero()
    {
        Assert.Equal(0f, GradientClipping.ClipByGlobalNorm([], 1f));
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void Rejects_an_invalid_maximum(float maxNorm)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(new float[3], maxNorm));
        Assert.Equal("maxNorm", exception.ParamName);
        exception = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(new float[3], maxNorm));
        Assert.Equal("limit", exception.ParamName);
    }

    [Fact]
    public void ClipByValue_clamps_each_gradient_and_keeps_NaN()
    {
        float[] original = Values(37, 3.0);
        original[4] = float.NaN;
        original[36] = float.NaN;
        original[5] = float.PositiveInfinity;
        original[33] = float.NegativeInfinity;
        float[] gradients = (float[])original.Clone();
        GradientClipping.ClipByValue(gradients, 1.5f);
        for (int i = 0; i < original.Length; i++)
        {
            float expected = float.IsNaN(original[i]) ? float.NaN : Math.Clamp(original[i], -1.5f, 1.5f);
            Assert.Equal(expected, gradients[i]);
        }
    }

    [Theory]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(float.NaN)]
    public void AllFinite_finds_a_non_finite_value_anywhere(float bad)
    {
        float[] values = Values(37, 1e30);
        Assert.True(GradientClipping.AllFinite(values));
        foreach (int position in new[] { 0, 7, 8, 31, 32, 36 }) // vector body, vector edges, tail
        {
            float[] copy = (float[])values.Clone();
            copy[position] = bad;
            Assert.False(GradientClipping.AllFinite(copy), $"position {position}");
        }

        Assert.True(GradientClipping.AllFinite([]));
        Assert.True(GradientClipping.AllFinite([float.MaxValue, -float.MaxValue, float.Epsilon]));
    }

    [Fact]
    public void GlobalNorm_is_the_norm_ClipByGlobalNorm_returns_and_changes_nothing()
    {
        float[] gradients = Values(1000, 3.0);
        float[] copy = (float[])gradients.Clone();
        float norm = GradientClipping.GlobalNorm(gradients);
        Assert.Equal(copy, gradients);
        Assert.Equal(norm, GradientClipping.ClipByGlobalNorm(copy, 1f));
        Assert.Equal(float.PositiveInfinity, GradientClipping.GlobalNorm([1f, float.PositiveInfinity]));
    }

    [Fact]
    public void Clipping_allocates_nothing()
    {
        float[] gradients = Values(1000, 3.0);
        GradientClipping.ClipByGlobalNorm(gradients, 1f);
        GradientClipping.ClipByValue(gradients, 0.01f);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            GradientClipping.ClipByGlobalNorm(gradients, 1f);
            GradientClipping.ClipByValue(gradients, 0.01f);
            GradientClipping.AllFinite(gradients);
            GradientClipping.GlobalNorm(gradients);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
