using System;
using System.Linq;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>
/// The losses against their definitions written out in double here: values, gradients against central finite
/// differences of those double definitions, both reductions, aliasing, argument errors and allocation.
/// </summary>
public sealed class LossTests
{
    public static TheoryData<string, LossReduction> AllLosses()
    {
        var data = new TheoryData<string, LossReduction>();
        foreach (string loss in new[] { "mse", "mae", "huber", "cross_entropy", "cross_entropy_smoothed", "cross_entropy_one", "bce" })
        {
            data.Add(loss, LossReduction.Mean);
            data.Add(loss, LossReduction.Sum);
        }

        return data;
    }

    /// <summary>A problem for each loss: the input, float targets (class indices for cross-entropy), and its double definition.</summary>
    private sealed record Problem(float[] Input, float[] Target, int[] Classes, Func<double[], double> Definition);

    private const int Positions = 4, ClassCount = 3;

    private static Problem Create(string loss, LossReduction reduction, int seed = 3)
    {
        var random = new Random(seed);
        float[] Values(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        double Reduce(double sum, int n) => reduction == LossReduction.Mean ? sum / n : sum;
        switch (loss)
        {
            case "mse":
            case "mae":
            case "huber":
            {
                float[] p = Values(19, 2), t = Values(19, 2);
                // Keep away from the kinks (|d| = 0 for MAE, |d| = delta for Huber), where finite differences straddle two pieces.
                for (int i = 0; i < p.Length; i++)
                {
                    double d = Math.Abs(p[i] - t[i]);
                    if (d < 0.05 || Math.Abs(d - 0.7) < 0.05)
                    {
                        t[i] = p[i] - 0.3f;
                    }
                }

                Func<double, double> term = loss switch
                {
                    "mse" => d => d * d,
                    "mae" => Math.Abs,
                    _ => d => Math.Abs(d) < 0.7 ? 0.5 * d * d : 0.7 * (Math.Abs(d) - 0.5 * 0.7),
                };
                return new Problem(p, t, [], x => Reduce(x.Select((v, i) => term(v - t[i])).Sum(), x.Length));
            }

            case "cross_entropy":
            case "cross_entropy_smoothed":
            case "cross_entropy_one":
            {
                int positions = loss == "cross_entropy_one" ? 1 : Positions;
                double smoothing = loss == "cross_entropy_smoothed" ? 0.2 : 0;
                float[] logits = Values(positions * ClassCount, 3);
                int[] classes = Enumerable.Range(0, positions).Select(_ => random.Next(ClassCount)).ToArray();
                return new Problem(logits, [], classes, x =>
                {
                    double sum = 0;
                    for (int n = 0; n < positions; n++)
                    {
                        double[] z = x[(n * ClassCount)..((n + 1) * ClassCount)];
                        double normalizer = z.Sum(Math.Exp);
                        for (int c = 0; c < ClassCount; c++)
                        {
                            double q = (c == classes[n] ? 1 - smoothing : 0) + smoothing / ClassCount;
                            sum -= q * Math.Log(Math.Exp(z[c]) / normalizer);
                        }
                    }

                    return Reduce(sum, positions);
                });
            }

            case "bce":
            {
                float[] logits = Values(19, 4);
                float[] targets = Values(19, 0.5).Select((v, i) => i % 3 == 0 ? (i % 2 == 0 ? 1f : 0f) : v + 0.5f).ToArray();
                return new Problem(logits, targets, [], x => Reduce(x.Select((v, i) =>
                {
                    double sigmoid = 1 / (1 + Math.Exp(-v));
                    return -(targets[i] * Math.Log(sigmoid) + (1 - targets[i]) * Math.Log(1 - sigmoid));
                }).Sum(), x.Length));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(loss), loss, null);
        }
    }

    private static float Compute(string loss, Problem problem, ReadOnlySpan<float> input, Span<float> gradient, LossReduction reduction) => loss switch
    {
        "mse" => Losses.MeanSquaredError(input, problem.Target, gradient, reduction),
        "mae" => Losses.MeanAbsoluteError(input, problem.Target, gradient, reduction),
        "huber" => Losses.Huber(input, problem.Target, gradient, 0.7f, reduction),
        "cross_entropy" or "cross_entropy_one" => Losses.SoftmaxCrossEntropy(input, problem.Classes, gradient, 0f, reduction),
        "cross_entropy_smoothed" => Losses.SoftmaxCrossEntropy(input, problem.Classes, gradient, 0.2f, reduction),
        "bce" => Losses.BinaryCrossEntropyWithLogits(input, problem.Target, gradient, reduction),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };

    private static float ComputeValue(string loss, Problem problem, ReadOnlySpan<float> input, LossReduction reduction) => loss switch
    {
        "mse" => Losses.MeanSquaredError(input, problem.Target, reduction),
        "mae" => Losses.MeanAbsoluteError(input, problem.Target, reduction),
        "huber" => Losses.Huber(input, problem.Target, 0.7f, reduction),
        "cross_entropy" or "cross_entropy_one" => Losses.SoftmaxCrossEntropy(input, problem.Classes, 0f, reduction),
        "cross_entropy_smoothed" => Losses.SoftmaxCrossEntropy(input, problem.Classes, 0.2f, reduction),
        "bce" => Losses.BinaryCrossEntropyWithLogits(input, problem.Target, reduction),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void Value_matches_the_definition_and_gradient_matches_finite_differences_in_double(string loss, LossReduction reduction)
    {
        Problem problem = Create(loss, reduction);
        var gradient = new float[problem.Input.Length];
        float value = Compute(loss, problem, problem.Input, gradient, reduction);
        double[] x = Array.ConvertAll(problem.Input, v => (double)v);
        double expected = problem.Definition(x);
        Assert.True(Math.Abs(value - expected) <= 1e-6 * Math.Abs(expected), $"value {value:R}, definition {expected:R}");
        Assert.Equal(value, ComputeValue(loss, problem, problem.Input, reduction));

        const double h = 1e-5;
        var numeric = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double original = x[i];
            x[i] = original + h;
            double up = problem.Definition(x);
            x[i] = original - h;
            double down = problem.Definition(x);
            x[i] = original;
            numeric[i] = (up - down) / (2 * h);
        }

        double scale = numeric.Max(Math.Abs);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(gradient[i] - numeric[i]) <= 1e-6 * scale,
                $"{loss} {reduction}: element {i}: analytic {gradient[i]:R}, finite differences {numeric[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void The_gradient_may_overwrite_the_input(string loss, LossReduction reduction)
    {
        Problem problem = Create(loss, reduction);
        var expectedGradient = new float[problem.Input.Length];
        float expected = Compute(loss, problem, problem.Input, expectedGradient, reduction);
        float[] input = (float[])problem.Input.Clone();
        Assert.Equal(expected, Compute(loss, problem, input, input, reduction));
        Assert.Equal(expectedGradient, input);
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void Sum_is_the_mean_times_the_count(string loss, LossReduction reduction)
    {
        _ = reduction;
        Problem problem = Create(loss, LossReduction.Mean);
        var mean = new float[problem.Input.Length];
        var sum = new float[problem.Input.Length];
        float meanValue = Compute(loss, problem, problem.Input, mean, LossReduction.Mean);
        float sumValue = Compute(loss, problem, problem.Input, sum, LossReduction.Sum);
        int count = problem.Classes.Length > 0 ? problem.Classes.Length : problem.Input.Length;
        Assert.Equal(sumValue, meanValue * count, 1e-5 * Math.Abs(sumValue));
        for (int i = 0; i < sum.Length; i++)
        {
            Assert.Equal(sum[i], mean[i] * count, 1e-6 * Math.Max(1, Math.Abs(sum[i])));
        }
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void Allocates_nothing(string loss, LossReduction reduction)
    {
        Problem problem = Create(loss, reduction);
        var gradient = new float[problem.Input.Length];
        Compute(loss, problem, problem.Input, gradient, reduction);
        ComputeValue(loss, problem, problem.Input, reduction);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            Compute(loss, problem, problem.Input, gradient, reduction);
            ComputeValue(loss, problem, problem.Input, reduction);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void The_three_argument_overloads_are_the_mean_with_PyTorchs_defaults()
    {
        Problem regression = Create("mse", LossReduction.Mean);
        float[] p = regression.Input, t = regression.Target;
        float[] a = new float[p.Length], b = new float[p.Length];
        Assert.Equal(Losses.MeanSquaredError(p, t, a, LossReduction.Mean), Losses.MeanSquaredError(p, t, b));
        Assert.Equal(a, b);
        Assert.Equal(Losses.MeanAbsoluteError(p, t, a, LossReduction.Mean), Losses.MeanAbsoluteError(p, t, b));
        Assert.Equal(a, b);
        Assert.Equal(Losses.Huber(p, t, a, 1f, LossReduction.Mean), Losses.Huber(p, t, b));
        Assert.Equal(a, b);
        Assert.Equal(Losses.BinaryCrossEntropyWithLogits(p, t, a, LossReduction.Mean), Losses.BinaryCrossEntropyWithLogits(p, t, b));
        Assert.Equal(a, b);
        Problem classes = Create("cross_entropy", LossReduction.Mean);
        a = new float[classes.Input.Length];
        b = new float[classes.Input.Length];
        Assert.Equal(Losses.SoftmaxCrossEntropy(classes.Input, classes.Classes, a, 0f, LossReduction.Mean), Losses.SoftmaxCrossEntropy(classes.Input, classes.Classes, b));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Huber_is_quadratic_inside_delta_and_linear_outside()
    {
        float[] p = [0f, 0f, 0f, 0f, 0f], t = [0.5f, -0.5f, 2f, -3f, 1f];
        var g = new float[5];
        float loss = Losses.Huber(p, t, g, 1f, LossReduction.Sum);
        // 0.125 + 0.125 + (2 − 0.5) + (3 − 0.5) + (1 − 0.5)
        Assert.Equal(0.125 + 0.125 + 1.5 + 2.5 + 0.5, loss, 1e-6);
        Assert.Equal([-0.5f, 0.5f, -1f, 1f, -1f], g);
    }

    [Fact]
    public void MeanAbsoluteError_has_gradient_zero_where_the_prediction_is_exact()
    {
        var g = new float[3];
        Losses.MeanAbsoluteError([1f, 2f, 3f], [1f, 0f, 4f], g);
        Assert.Equal([0f, 1f / 3, -1f / 3], g);
    }

    [Fact]
    public void Cross_entropy_and_BCE_stay_finite_for_huge_logits()
    {
        var g = new float[3];
        float ce = Losses.SoftmaxCrossEntropy([1000f, -1000f, 0f], [1], g);
        Assert.Equal(2000f, ce);
        Assert.Equal([1f, -1f, 0f], g);

        var h = new float[4];
        float bce = Losses.BinaryCrossEntropyWithLogits([200f, -200f, 200f, -200f], [1f, 0f, 0f, 1f], h, LossReduction.Sum);
        Assert.Equal(400f, bce);
        Assert.Equal([0f, 0f, 1f, -1f], h);
    }

    [Fact]
    public void Cross_entropy_with_full_smoothing_ignores_the_class()
    {
        var a = new float[6];
        var b = new float[6];
        float[] logits = [0.3f, -1f, 2f, 0.5f, 0.1f, -0.2f];
        Assert.Equal(Losses.SoftmaxCrossEntropy(logits, [0, 2], a, 1f), Losses.SoftmaxCrossEntropy(logits, [1, 1], b, 1f));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Wrong_arguments_throw_naming_them_and_write_nothing()
    {
        float[] gradient = [7f, 7f, 7f, 7f, 7f, 7f];
        var e = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[6], [0, 3], gradient));
        Assert.Equal("classIndices", e.ParamName);
        Assert.Contains("[0, 3)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[6], [0, -1], gradient));
        Assert.Equal("classIndices", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[7], [0, 1], new float[7]));
        Assert.Equal("logits", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[6], [], gradient));
        Assert.Equal("classIndices", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(new float[6], [0, 1], new float[5]));
        Assert.Equal("gradient", e.ParamName);
        Assert.Contains("length 6", e.Message);
        Assert.Equal("labelSmoothing", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(new float[6], [0, 1], gradient, 1.5f)).ParamName);
        Assert.All(gradient, g => Assert.Equal(7f, g));

        e = Assert.Throws<ArgumentException>(() => Losses.Huber(new float[3], new float[2], new float[3]));
        Assert.Equal("target", e.ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Huber(new float[3], new float[3], new float[3], 0f)).ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Huber(new float[3], new float[3], float.NaN)).ParamName);
        e = Assert.Throws<ArgumentException>(() => Losses.MeanAbsoluteError(new float[3], new float[3], new float[4]));
        Assert.Equal("gradient", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits([], [], []));
        Assert.Equal("logits", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Losses.BinaryCrossEntropyWithLogits(new float[2], new float[3]));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("length 2", e.Message);
        Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.MeanSquaredError(new float[2], new float[2], new float[2], (LossReduction)7)).ParamName);
    }
}
