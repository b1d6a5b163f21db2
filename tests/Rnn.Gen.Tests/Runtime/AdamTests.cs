using System;
using Rnn.Gen.Optimizers;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

public sealed class AdamTests
{
    /// <summary>
    /// torch.optim.Adam (amsgrad off) written out in double, one scalar at a time, independently of the code under test:
    /// <code>
    /// g = g + wd·p                       (wd ≠ 0)
    /// m = β1·m + (1 − β1)·g
    /// v = β2·v + (1 − β2)·g²
    /// stepSize = lr / (1 − β1^t)
    /// denom = √v / √(1 − β2^t) + eps
    /// p = p − stepSize · m / denom
    /// </code>
    /// </summary>
    private static double[] ReferenceAdam(
        double[] parameters, float[][] gradients, double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        double[] p = (double[])parameters.Clone();
        var m = new double[p.Length];
        var v = new double[p.Length];
        for (int step = 1; step <= gradients.Length; step++)
        {
            double biasCorrection1 = 1 - Math.Pow(beta1, step);
            double biasCorrection2 = 1 - Math.Pow(beta2, step);
            for (int i = 0; i < p.Length; i++)
            {
                double g = gradients[step - 1][i];
                if (weightDecay != 0)
                {
                    g += weightDecay * p[i];
                }

                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double denom = Math.Sqrt(v[i]) / Math.Sqrt(biasCorrection2) + eps;
                p[i] -= lr / biasCorrection1 * m[i] / denom;
            }
        }

        return p;
    }

    [Theory]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, 0f)]
    [InlineData(0.01f, 0.8f, 0.99f, 1e-6f, 0.1f)]
    [InlineData(0.02f, 0.3f, 0.9f, 1e-8f, 0f)] // 1 − β1 ≥ 0.5: PyTorch's lerp takes its other branch
    [InlineData(0.005f, 0f, 0.5f, 1e-3f, 0.01f)]
    public void Matches_the_PyTorch_update_rule_over_several_steps(float lr, float beta1, float beta2, float eps, float weightDecay)
    {
        const int steps = 8;
        float[] parameters = OptimizerTestData.Parameters();
        float[][] gradients = OptimizerTestData.Gradients(steps);
        double[] start = OptimizerTestData.ToDouble(parameters);
        var adam = new Adam(lr, beta1, beta2, eps, weightDecay);

        for (int step = 0; step < steps; step++)
        {
            adam.Step(parameters, gradients[step]);
            double[] expected = ReferenceAdam(start, gradients[..(step + 1)], lr, beta1, beta2, eps, weightDecay);
            OptimizerTestData.AssertClose(expected, parameters, 2e-6, $"after step {step + 1}");
        }
    }

    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var adam = new Adam();
        Assert.Equal(1e-3f, adam.LearningRate);
        Assert.Equal(0.9f, adam.Beta1);
        Assert.Equal(0.999f, adam.Beta2);
        Assert.Equal(1e-8f, adam.Eps);
        Assert.Equal(0f, adam.WeightDecay);
    }

    [Fact]
    public void First_step_moves_every_parameter_with_a_gradient_by_about_the_learning_rate()
    {
        // With bias correction, Adam's first step is lr · g / (|g| + eps′): about lr in the gradient's direction.
        float[] parameters = new float[OptimizerTestData.Length];
        float[] gradients = OptimizerTestData.Gradients(1)[0];
        new Adam(0.01f).Step(parameters, gradients);
        for (int i = 0; i < parameters.Length; i++)
        {
            double expected = gradients[i] == 0 ? 0 : -0.01 * Math.Sign(gradients[i]);
            Assert.True(Math.Abs(parameters[i] - expected) < 1e-4, $"element {i}: {parameters[i]} vs {expected}");
        }
    }

    [Theory]
    [InlineData(-1e-3f, 0.9f, 0.999f, 1e-8f, 0f, "learningRate")]
    [InlineData(1e-3f, 1f, 0.999f, 1e-8f, 0f, "beta1")]
    [InlineData(1e-3f, -0.1f, 0.999f, 1e-8f, 0f, "beta1")]
    [InlineData(1e-3f, 0.9f, 1f, 1e-8f, 0f, "beta2")]
    [InlineData(1e-3f, 0.9f, float.NaN, 1e-8f, 0f, "beta2")]
    [InlineData(1e-3f, 0.9f, 0.999f, -1e-8f, 0f, "eps")]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, -0.1f, "weightDecay")]
    public void Rejects_out_of_range_arguments(float lr, float beta1, float beta2, float eps, float weightDecay, string name)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(lr, beta1, beta2, eps, weightDecay));
        Assert.Equal(name, exception.ParamName);
    }
}
