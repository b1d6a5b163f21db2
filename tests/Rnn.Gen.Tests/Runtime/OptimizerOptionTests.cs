using System;
using Rnn.Gen.Optimizers;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>PyTorch's defaults and argument checks of the optimizers added for the training runtime.</summary>
public sealed class OptimizerOptionTests
{
    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var sgd = new Sgd();
        Assert.Equal(1e-3f, sgd.LearningRate);
        Assert.False(sgd.Maximize);

        var adam = new Adam();
        Assert.False(adam.Amsgrad);
        Assert.False(adam.Maximize);

        var adamW = new AdamW();
        Assert.Equal(1e-3f, adamW.LearningRate);
        Assert.Equal(0.9f, adamW.Beta1);
        Assert.Equal(0.999f, adamW.Beta2);
        Assert.Equal(1e-8f, adamW.Eps);
        Assert.Equal(1e-2f, adamW.WeightDecay);
        Assert.False(adamW.Amsgrad);

        var rmsProp = new RmsProp();
        Assert.Equal(1e-2f, rmsProp.LearningRate);
        Assert.Equal(0.99f, rmsProp.Alpha);
        Assert.Equal(1e-8f, rmsProp.Eps);
        Assert.Equal(0f, rmsProp.WeightDecay);
        Assert.Equal(0f, rmsProp.Momentum);
        Assert.False(rmsProp.Centered);

        var adagrad = new Adagrad();
        Assert.Equal(1e-2f, adagrad.LearningRate);
        Assert.Equal(0f, adagrad.LrDecay);
        Assert.Equal(0f, adagrad.WeightDecay);
        Assert.Equal(0f, adagrad.InitialAccumulatorValue);
        Assert.Equal(1e-10f, adagrad.Eps);
    }

    [Fact]
    public void Invalid_arguments_are_rejected_by_name()
    {
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(beta1: 1f)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: -1f)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(alpha: -0.1f)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(alpha: float.NaN)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(momentum: -0.5f)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(eps: -1f)).ParamName);
        Assert.Equal("lrDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(lrDecay: -1f)).ParamName);
        Assert.Equal("initialAccumulatorValue", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(initialAccumulatorValue: float.NaN)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(-1f)).ParamName);
    }

    [Fact]
    public void Maximize_climbs_where_minimizing_descends()
    {
        foreach ((IOptimizer down, IOptimizer up) in new (IOptimizer, IOptimizer)[]
        {
            (new Sgd(0.1f, momentum: 0.9f), new Sgd(0.1f, momentum: 0.9f, maximize: true)),
            (new Adam(0.1f, amsgrad: true), new Adam(0.1f, amsgrad: true, maximize: true)),
            (new AdamW(0.1f, weightDecay: 0f), new AdamW(0.1f, weightDecay: 0f, maximize: true)),
            (new RmsProp(0.1f, centered: true, momentum: 0.5f), new RmsProp(0.1f, centered: true, momentum: 0.5f, maximize: true)),
            (new Adagrad(0.1f), new Adagrad(0.1f, maximize: true)),
        })
        {
            // Without weight decay, maximizing with g is minimizing with −g.
            float[] a = OptimizerTestData.Parameters(), b = OptimizerTestData.Parameters();
            foreach (float[] g in OptimizerTestData.Gradients(3))
            {
                down.Step(a, Array.ConvertAll(g, x => -x));
                up.Step(b, g);
            }

            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void Adagrad_state_starts_at_the_initial_accumulator_value_again_after_Reset()
    {
        var adagrad = new Adagrad(0.1f, initialAccumulatorValue: 0.25f);
        float[] parameters = OptimizerTestData.Parameters();
        adagrad.Step(parameters, OptimizerTestData.Gradients(1)[0]);
        adagrad.Reset();
        float[] afterReset = OptimizerTestData.Parameters();
        adagrad.Step(afterReset, OptimizerTestData.Gradients(2)[1]);
        float[] fresh = OptimizerTestData.Parameters();
        new Adagrad(0.1f, initialAccumulatorValue: 0.25f).Step(fresh, OptimizerTestData.Gradients(2)[1]);
        Assert.Equal(fresh, afterReset);
    }

    [Fact]
    public void AmsGrad_never_lets_the_denominator_shrink()
    {
        // A large gradient then small ones: Adam's step grows back as v decays, AMSGrad's stays damped.
        var adam = new Adam(0.1f, beta2: 0.5f);
        var amsgrad = new Adam(0.1f, beta2: 0.5f, amsgrad: true);
        float[] p = [0f], q = [0f];
        adam.Step(p, [100f]);
        amsgrad.Step(q, [100f]);
        float p1 = p[0], q1 = q[0];
        for (int i = 0; i < 5; i++)
        {
            adam.Step(p, [0.01f]);
            amsgrad.Step(q, [0.01f]);
        }

        Assert.True(Math.Abs(q[0] - q1) < Math.Abs(p[0] - p1));
        Assert.Equal(["exp_avg", "exp_avg_sq", "max_exp_avg_sq"], amsgrad.GetState().Buffers.Keys);
        Assert.True(amsgrad.GetState().Buffers["max_exp_avg_sq"][0] >= amsgrad.GetState().Buffers["exp_avg_sq"][0]);
    }
}
