using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>L1/L2 penalties, dropout, recurrent dropout and Gaussian noise: training only, seeded, correct gradients.</summary>
public class RegularizationTests
{
    public static TheoryData<string> Stochastic => new(AllModels.Stochastic);

    [Fact]
    public void ApplyRegularization_returns_the_keras_penalty_and_adds_its_gradient()
    {
        var model = new RegularizedStack();
        model.Initialize(8);
        model.ZeroGradients();

        // The declared factors, by tensor: kernel = weight_ih / weight, recurrent = weight_hh, bias = both biases.
        (string Name, double L1, double L2)[] declared =
        {
            ("1.weight_ih_l0", 0, 1e-2), ("1.weight_hh_l0", 1e-3, 0),
            ("2.bias_ih_l0", 1e-2, 0), ("2.bias_hh_l0", 1e-2, 0),
            ("3.weight", 1e-3, 0), ("3.bias", 0, 1e-2),
        };
        double expected = 0;
        float[] expectedGradient = new float[RegularizedStack.ParameterCount];
        foreach ((string name, double l1, double l2) in declared)
        {
            ParameterInfo info = RegularizedStack.ParameterLayout.Single(p => p.Name == name);
            for (int i = info.Offset; i < info.Offset + info.Length; i++)
            {
                double w = model.Parameters[i];
                expected += (l1 * Math.Abs(w)) + (l2 * w * w);
                expectedGradient[i] = (float)((l1 * Math.Sign(w)) + (2 * l2 * w));
            }
        }

        float penalty = model.ApplyRegularization();
        Assert.Equal(expected, penalty, 4);
        Assert.True(penalty > 0);
        for (int i = 0; i < expectedGradient.Length; i++)
        {
            Assert.Equal(expectedGradient[i], model.Gradients[i], 6);
        }

        // A second call adds again, as gradients accumulate.
        model.ApplyRegularization();
        Assert.Equal(2 * expectedGradient.Max(), model.Gradients.ToArray().Max(), 6);
    }

    [Fact]
    public void Penalty_gradient_matches_finite_differences()
    {
        var model = new RegularizedElmanSequence();
        model.Initialize(4);
        model.ZeroGradients();
        model.ApplyRegularization();
        float[] analytic = model.Gradients.ToArray();
        for (int i = 0; i < model.Parameters.Length; i += 3)
        {
            float saved = model.Parameters[i];
            const float h = 1e-3f;
            model.Parameters[i] = saved + h;
            double plus = model.ApplyRegularization();
            model.Parameters[i] = saved - h;
            double minus = model.ApplyRegularization();
            model.Parameters[i] = saved;
            Assert.Equal((plus - minus) / (2 * h), analytic[i], 3);
        }
    }

    [Fact]
    public void Models_without_penalties_have_none()
    {
        var model = new LstmToDense();
        model.Initialize(1);
        model.ZeroGradients();
        Assert.Equal(0f, model.ApplyRegularization());
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Theory]
    [MemberData(nameof(Stochastic))]
    public void Dropout_and_noise_act_in_Forward_only_and_are_seeded(string name)
    {
        IRnnModel a = AllModels.Create(name), b = AllModels.Create(name);
        a.Initialize(3);
        b.Initialize(3);
        float[] input = GradientCheckTests.RandomVector(new SeededRandom(1), a.Steps * a.InputSize, 1f);
        int length = a.OutputSteps * a.OutputSize;
        float[] predicted = new float[length], predictedAgain = new float[length], forward1 = new float[length], forward2 = new float[length], forwardB = new float[length];

        a.Predict(input, predicted);
        a.Forward(input, forward1);
        a.Forward(input, forward2);
        a.Predict(input, predictedAgain);
        b.Forward(input, forwardB);

        Assert.Equal(predicted, predictedAgain);          // Predict is deterministic and unaffected by training
        Assert.NotEqual(predicted, forward1);             // Forward applies dropout and noise
        Assert.NotEqual(forward1, forward2);              // new masks and noise on every Forward
        Assert.Equal(forward1, forwardB);                 // the same seed gives the same masks

        // Predict is what the model computes without the training randomness: a model declared without it agrees.
        a.TrainingRandom!.SetState(b.TrainingRandom!.State);
        Assert.Equal(b.TrainingRandom.State, a.TrainingRandom.State);
    }

    [Fact]
    public void Dropout_keeps_the_expected_input_scale()
    {
        // With rate p, masks are 0 with probability p and 1/(1-p) otherwise: the mean stays 1.
        var random = new SeededRandom(9);
        float[] mask = new float[20000];
        Rnn.Gen.Regularization.Noise.FillDropoutMask(mask, 0.3f, random);
        double zeros = mask.Count(m => m == 0f) / (double)mask.Length;
        Assert.InRange(zeros, 0.28, 0.32);
        Assert.All(mask, m => Assert.True(m == 0f || Math.Abs(m - (1f / 0.7f)) < 1e-6f));
        Assert.InRange(mask.Average(), 0.97, 1.03);
        Assert.Throws<ArgumentOutOfRangeException>(() => Rnn.Gen.Regularization.Noise.FillDropoutMask(mask, 1f, random));
    }
}
