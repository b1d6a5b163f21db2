using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Stateful models: consecutive windows continue one series (the outputs equal the whole series' outputs), Backward
/// is truncated at the window's start (checked by finite differences with the window's start state held fixed), and
/// ResetState starts a new series.
/// </summary>
public class StatefulTests
{
    private const int Window = 3;

    [Fact]
    public void Consecutive_windows_continue_the_series()
    {
        var windowed = new StatefulWindow();
        var whole = new StatefulWholeSeries();
        windowed.Initialize(5);
        windowed.Parameters.CopyTo(whole.Parameters);
        float[] series = GradientCheckTests.RandomVector(new SeededRandom(6), 2 * Window * 2, 1f);

        float[] expected = new float[StatefulWholeSeries.OutputSteps * StatefulWholeSeries.OutputSize];
        whole.Predict(series, expected);

        windowed.ResetState();
        float[] first = new float[Window * 2], second = new float[Window * 2];
        windowed.Forward(series.AsSpan(0, Window * 2), first);
        windowed.Forward(series.AsSpan(Window * 2), second);
        AssertClose([.. first, .. second], expected);

        // ResetState starts over: the first window again, as a stateless model sees it.
        var stateless = new StatelessWindow();
        windowed.Parameters.CopyTo(stateless.Parameters);
        float[] fresh = new float[Window * 2], again = new float[Window * 2];
        stateless.Predict(series.AsSpan(0, Window * 2), fresh);
        windowed.ResetState();
        windowed.Forward(series.AsSpan(0, Window * 2), again);
        AssertClose(fresh, again);
    }

    public static TheoryData<string> StatefulModels => new() { nameof(StatefulWindow), nameof(StatefulWindowWithDropout) };

    [Theory]
    [MemberData(nameof(StatefulModels))]
    public void Backward_is_truncated_at_the_window_start(string name)
    {
        IRnnModel model = name == nameof(StatefulWindow) ? new StatefulWindow() : new StatefulWindowWithDropout();
        model.Initialize(9);
        float[] series = GradientCheckTests.RandomVector(new SeededRandom(7), 2 * Window * 2, 1f);
        float[] dOutput = GradientCheckTests.RandomVector(new SeededRandom(8), Window * 2, 1f);
        float[] baseParameters = model.Parameters.ToArray();

        // The loss of the second window, its start state coming from the first window at the base parameters.
        double SecondWindowLoss(float[] parameters, float[]? inputGradient)
        {
            baseParameters.CopyTo(model.Parameters);
            model.ResetState();
            model.TrainingRandom!.Reseed(1); // the same dropout masks in every evaluation
            model.Forward(series.AsSpan(0, Window * 2), new float[Window * 2]);
            parameters.CopyTo(model.Parameters);
            float[] output = new float[Window * 2];
            model.Forward(series.AsSpan(Window * 2), output);
            if (inputGradient is not null)
            {
                model.ZeroGradients();
                model.Backward(dOutput, inputGradient);
            }

            return output.Select((o, i) => (double)o * dOutput[i]).Sum();
        }

        float[] inputGradient = new float[Window * 2];
        SecondWindowLoss(baseParameters, inputGradient);
        float[] analytic = model.Gradients.ToArray();
        Assert.Contains(analytic, g => g != 0f);

        double worst = 0;
        for (int i = 0; i < baseParameters.Length; i++)
        {
            const float h = 1e-2f;
            float[] plus = (float[])baseParameters.Clone(), minus = (float[])baseParameters.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (SecondWindowLoss(plus, null) - SecondWindowLoss(minus, null)) / (2 * h);
            double tolerance = 5e-4 + 5e-3 * Math.Abs(numeric);
            worst = Math.Max(worst, Math.Abs(numeric - analytic[i]) / tolerance);
            Assert.True(Math.Abs(numeric - analytic[i]) <= tolerance, $"parameter {i}: finite difference {numeric:G6}, backward {analytic[i]:G6}");
        }

        Assert.True(worst < 1);
    }

    [Fact]
    public void Predict_and_Step_are_not_affected_by_the_training_state()
    {
        var model = new StatefulWindow();
        model.Initialize(2);
        float[] window = GradientCheckTests.RandomVector(new SeededRandom(1), Window * 2, 1f);
        float[] before = new float[Window * 2], after = new float[Window * 2];
        model.Predict(window, before);
        model.Forward(window, new float[Window * 2]);
        model.Predict(window, after);
        Assert.Equal(before, after);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
