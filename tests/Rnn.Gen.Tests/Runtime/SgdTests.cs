using System;
using Rnn.Gen.Optimizers;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

public sealed class SgdTests
{
    /// <summary>
    /// torch.optim.SGD written out in double, one scalar at a time, independently of the code under test:
    /// <code>
    /// g = g + wd·p                                (wd ≠ 0)
    /// b = g at the first step, else b = μ·b + (1 − dampening)·g   (μ ≠ 0)
    /// g = g + μ·b if nesterov else b             (μ ≠ 0)
    /// p = p − lr·g
    /// </code>
    /// </summary>
    private static double[] ReferenceSgd(
        double[] parameters, float[][] gradients, double[] learningRates,
        double momentum, double dampening, bool nesterov, double weightDecay)
    {
        double[] p = (double[])parameters.Clone();
        var buffer = new double[p.Length];
        for (int step = 0; step < gradients.Length; step++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = gradients[step][i];
                if (weightDecay != 0)
                {
                    g += weightDecay * p[i];
                }

                if (momentum != 0)
                {
                    buffer[i] = step == 0 ? g : momentum * buffer[i] + (1 - dampening) * g;
                    g = nesterov ? g + momentum * buffer[i] : buffer[i];
                }

                p[i] -= learningRates[step] * g;
            }
        }

        return p;
    }

    [Theory]
    [InlineData(0f, 0f, false, 0f)]
    [InlineData(0f, 0f, false, 0.1f)]
    [InlineData(0.9f, 0f, false, 0f)]
    [InlineData(0.9f, 0.5f, false, 0f)]
    [InlineData(0.8f, 0.3f, false, 0.05f)]
    [InlineData(0.9f, 0f, true, 0f)]
    [InlineData(0.9f, 0f, true, 0.01f)]
    public void Matches_the_PyTorch_update_rule_over_several_steps(float momentum, float dampening, bool nesterov, float weightDecay)
    {
        const int steps = 6;
        const float lr = 0.05f;
        float[] parameters = OptimizerTestData.Parameters();
        float[][] gradients = OptimizerTestData.Gradients(steps);
        double[] expectedStart = OptimizerTestData.ToDouble(parameters);
        var sgd = new Sgd(lr, momentum, dampening, nesterov, weightDecay);

        for (int step = 0; step < steps; step++)
        {
            sgd.Step(parameters, gradients[step]);
            float[][] prefix = gradients[..(step + 1)];
            double[] expected = ReferenceSgd(expectedStart, prefix, Rates(lr, step + 1), momentum, dampening, nesterov, weightDecay);
            OptimizerTestData.AssertClose(expected, parameters, 1e-5, $"after step {step + 1}");
        }

        Assert.Equal(steps, sgd.StepCount);
    }

    [Fact]
    public void A_changed_learning_rate_applies_from_the_next_step()
    {
        float[] parameters = OptimizerTestData.Parameters();
        float[][] gradients = OptimizerTestData.Gradients(4);
        double[] start = OptimizerTestData.ToDouble(parameters);
        float[] rates = [0.1f, 0.05f, 0.02f, 0.01f];
        var sgd = new Sgd(rates[0], momentum: 0.9f);
        for (int step = 0; step < rates.Length; step++)
        {
            sgd.LearningRate = rates[step];
            sgd.Step(parameters, gradients[step]);
        }

        double[] expected = ReferenceSgd(start, gradients, Array.ConvertAll(rates, r => (double)r), 0.9, 0, false, 0);
        OptimizerTestData.AssertClose(expected, parameters, 1e-5, "after a schedule");
    }

    [Fact]
    public void Reset_makes_the_next_step_a_first_step_again()
    {
        float[][] gradients = OptimizerTestData.Gradients(3);
        var sgd = new Sgd(0.1f, momentum: 0.9f, dampening: 0.5f);
        float[] used = OptimizerTestData.Parameters();
        sgd.Step(used, gradients[0]);
        sgd.Step(used, gradients[1]);
        sgd.Reset();
        Assert.Equal(0, sgd.StepCount);

        float[] afterReset = OptimizerTestData.Parameters();
        sgd.Step(afterReset, gradients[2]);
        float[] fresh = OptimizerTestData.Parameters();
        new Sgd(0.1f, momentum: 0.9f, dampening: 0.5f).Step(fresh, gradients[2]);
        Assert.Equal(fresh, afterReset);
    }

    [Theory]
    [InlineData(-0.1f, 0f, 0f, false, 0f, "learningRate")]
    [InlineData(float.NaN, 0f, 0f, false, 0f, "learningRate")]
    [InlineData(0.1f, -0.5f, 0f, false, 0f, "momentum")]
    [InlineData(0.1f, 0f, 0f, false, -1e-4f, "weightDecay")]
    [InlineData(0.1f, 0.9f, float.NaN, false, 0f, "dampening")]
    public void Rejects_out_of_range_arguments(float lr, float momentum, float dampening, bool nesterov, float weightDecay, string name)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(lr, momentum, dampening, nesterov, weightDecay));
        Assert.Equal(name, exception.ParamName);
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(0.9f, 0.1f)]
    public void Nesterov_requires_momentum_and_zero_dampening(float momentum, float dampening)
    {
        var exception = Assert.Throws<ArgumentException>(() => new Sgd(0.1f, momentum, dampening, nesterov: true));
        Assert.Equal("nesterov", exception.ParamName);
    }

    [Fact]
    public void Rejects_a_negative_learning_rate_set_later()
    {
        var sgd = new Sgd(0.1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = -1f);
        Assert.Equal(0.1f, sgd.LearningRate);
    }

    private static double[] Rates(float lr, int steps)
    {
        var rates = new double[steps];
        Array.Fill(rates, lr);
        return rates;
    }
}
