using System;
using System.Collections.Generic;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training.Schedules;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>The learning-rate schedules against PyTorch's formulas written out here, their state, and their argument checks.</summary>
public sealed class ScheduleTests
{
    [Fact]
    public void StepDecay_is_base_times_gamma_to_the_number_of_whole_periods()
    {
        var optimizer = new Adam(0.2f);
        var schedule = new StepDecay(optimizer, stepSize: 4, gamma: 0.3);
        Assert.Equal(0.2f, optimizer.LearningRate);
        for (int t = 1; t <= 30; t++)
        {
            schedule.Step();
            double expected = (double)0.2f * Math.Pow(0.3, t / 4); // PyTorch's closed form: base · gamma^(t // step_size)
            Assert.Equal(expected, schedule.LearningRate, 1e-15 * expected);
            Assert.Equal((float)schedule.LearningRate, optimizer.LearningRate);
            Assert.Equal(t, schedule.StepCount);
        }
    }

    [Fact]
    public void ExponentialDecay_is_base_times_gamma_to_the_step()
    {
        var optimizer = new Sgd(0.1f);
        var schedule = new ExponentialDecay(optimizer, 0.9);
        for (int t = 1; t <= 50; t++)
        {
            schedule.Step(metric: 123); // ignored
            double expected = (double)0.1f * Math.Pow(0.9, t);
            Assert.Equal(expected, schedule.LearningRate, 1e-14 * expected);
        }
    }

    [Theory]
    [InlineData(5, 20, 0.0)]
    [InlineData(0, 10, 1e-3)]
    [InlineData(3, 4, 1e-2)]
    public void WarmupCosine_follows_its_closed_form(int warmup, int total, double minLr)
    {
        var optimizer = new AdamW(0.05f);
        var schedule = new WarmupCosine(optimizer, warmup, total, minLr);
        double b = 0.05f;
        for (int t = 0; t <= total + 5; t++)
        {
            if (t > 0)
            {
                schedule.Step();
            }

            double expected = t < warmup ? b * (t + 1) / warmup
                : t >= total ? minLr
                : minLr + (b - minLr) * 0.5 * (1 + Math.Cos(Math.PI * (t - warmup) / (total - warmup)));
            Assert.Equal(expected, schedule.LearningRate, 1e-15);
            Assert.Equal((float)expected, optimizer.LearningRate);
        }

        Assert.Equal(b, schedule.RateAt(warmup), 1e-17);
        Assert.Equal(minLr, schedule.RateAt(total));
    }

    [Fact]
    public void ReduceOnPlateau_waits_patience_epochs_then_reduces_and_cools_down()
    {
        var optimizer = new Sgd(1f);
        var schedule = new ReduceOnPlateau(optimizer, factor: 0.5, patience: 2, threshold: 0.1, thresholdMode: ThresholdMode.Absolute, cooldown: 1, minLearningRate: 0.2);
        // metric                 best  bad  cooldown  lr
        (double Metric, double Lr)[] trace =
        [
            (10, 1),       // 10    0
            (9.95, 1),     // 10    1    (not better by 0.1)
            (9.0, 1),      // 9     0
            (9.0, 1),      //       1
            (8.95, 1),     //       2
            (9.5, 0.5),    //       3 > 2: reduce, cooldown 1
            (9.5, 0.5),    //       cooldown: bad epochs ignored
            (9.5, 0.5),    //       1
            (9.5, 0.5),    //       2
            (9.5, 0.25),   //       3: reduce
            (1.0, 0.25),   // 1: improvement during cooldown
            (1.0, 0.25),
            (1.0, 0.25),
            (1.0, 0.2),    // reduce to the floor
            (1.0, 0.2), (1.0, 0.2), (1.0, 0.2), (1.0, 0.2), // at the floor: no change
        ];
        foreach ((double metric, double lr) in trace)
        {
            schedule.Step(metric);
            Assert.Equal(lr, schedule.LearningRate, 1e-15);
        }

        Assert.Equal(1.0, schedule.Best);
    }

    [Fact]
    public void ReduceOnPlateau_in_max_mode_with_a_relative_threshold()
    {
        var optimizer = new Sgd(0.1f);
        var schedule = new ReduceOnPlateau(optimizer, PlateauMode.Max, factor: 0.1, patience: 0, threshold: 0.01);
        schedule.Step(0.5);   // best 0.5
        Assert.Equal((double)0.1f, schedule.LearningRate);
        schedule.Step(0.504); // not above 0.5 · 1.01: reduce (patience 0)
        Assert.Equal((double)0.1f * 0.1, schedule.LearningRate, 1e-18);
        schedule.Step(0.6);   // better
        Assert.Equal((double)0.1f * 0.1, schedule.LearningRate, 1e-18);
        schedule.Step(double.NaN); // NaN is never better
        Assert.Equal((double)0.1f * 0.01, schedule.LearningRate, 1e-18);
    }

    [Fact]
    public void ReduceOnPlateau_needs_a_metric_and_changes_nothing_without_one()
    {
        var schedule = new ReduceOnPlateau(new Sgd(0.1f));
        Assert.Throws<ArgumentNullException>(() => schedule.Step());
        Assert.Equal(0, schedule.StepCount);
    }

    public static TheoryData<string> Schedules => new() { "step", "exponential", "warmup_cosine", "plateau" };

    private static ILearningRateSchedule Create(string name, IOptimizer optimizer) => name switch
    {
        "step" => new StepDecay(optimizer, 3, 0.5),
        "exponential" => new ExponentialDecay(optimizer, 0.93),
        "warmup_cosine" => new WarmupCosine(optimizer, 4, 25, 1e-4),
        "plateau" => new ReduceOnPlateau(optimizer, factor: 0.5, patience: 1, cooldown: 2),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static double Metric(int epoch) => 1.0 / (1 + epoch % 7) + 0.01 * epoch;

    [Theory]
    [MemberData(nameof(Schedules))]
    public void A_restored_schedule_continues_exactly_like_an_uninterrupted_one(string name)
    {
        const int epochs = 30;
        var reference = new Adam(0.01f);
        ILearningRateSchedule uninterrupted = Create(name, reference);
        var rates = new List<double>();
        for (int e = 0; e < epochs; e++)
        {
            uninterrupted.Step(Metric(e));
            rates.Add(uninterrupted.LearningRate);
        }

        foreach (int split in new[] { 0, 1, 7, 13, 29 })
        {
            var first = new Adam(0.01f);
            ILearningRateSchedule before = Create(name, first);
            for (int e = 0; e < split; e++)
            {
                before.Step(Metric(e));
            }

            LearningRateScheduleState state = before.GetState();
            Assert.Equal(before.GetType().Name, state.Kind);
            Assert.Equal(split, state.StepCount);

            // A new optimizer with another learning rate, a new schedule: the state brings both back.
            var second = new Adam(0.5f);
            ILearningRateSchedule after = Create(name, second);
            after.SetState(state);
            Assert.Equal(first.LearningRate, second.LearningRate);
            Assert.Equal(before.BaseLearningRate, after.BaseLearningRate);
            for (int e = split; e < epochs; e++)
            {
                after.Step(Metric(e));
                Assert.Equal(rates[e], after.LearningRate);
            }
        }
    }

    [Fact]
    public void ReduceOnPlateau_state_names_PyTorchs_counters()
    {
        var schedule = new ReduceOnPlateau(new Sgd(0.1f), patience: 5, cooldown: 3);
        schedule.Step(2.0);
        schedule.Step(3.0);
        LearningRateScheduleState state = schedule.GetState();
        Assert.Equal(["best", "cooldown_counter", "num_bad_epochs"], state.Values.Keys);
        Assert.Equal(2.0, state.Values["best"]);
        Assert.Equal(1.0, state.Values["num_bad_epochs"]);
        Assert.Equal(0.0, state.Values["cooldown_counter"]);
        Assert.Equal(double.PositiveInfinity, new ReduceOnPlateau(new Sgd(0.1f)).GetState().Values["best"]);
    }

    public static TheoryData<string> InvalidStates => new() { "another kind", "a missing value", "an extra value", "a fractional counter", "a negative rate", "an infinite rate" };

    [Theory]
    [MemberData(nameof(InvalidStates))]
    public void An_invalid_state_throws_and_changes_nothing(string what)
    {
        var optimizer = new Sgd(0.1f);
        var schedule = new ReduceOnPlateau(optimizer, patience: 0);
        schedule.Step(1.0);
        schedule.Step(2.0);
        LearningRateScheduleState before = schedule.GetState();
        var values = new Dictionary<string, double> { ["best"] = 1, ["cooldown_counter"] = 0, ["num_bad_epochs"] = 0 };
        LearningRateScheduleState bad = what switch
        {
            "another kind" => new StepDecay(new Sgd(0.1f), 2).GetState(),
            "a missing value" => new LearningRateScheduleState("ReduceOnPlateau", 3, 0.1, 0.01, new Dictionary<string, double> { ["best"] = 1 }),
            "an extra value" => new LearningRateScheduleState("ReduceOnPlateau", 3, 0.1, 0.01, new Dictionary<string, double>(values) { ["x"] = 1 }),
            "a fractional counter" => new LearningRateScheduleState("ReduceOnPlateau", 3, 0.1, 0.01, new Dictionary<string, double>(values) { ["num_bad_epochs"] = 0.5 }),
            "a negative rate" => new LearningRateScheduleState("ReduceOnPlateau", 3, 0.1, -0.01, values),
            "an infinite rate" => new LearningRateScheduleState("ReduceOnPlateau", 3, double.PositiveInfinity, 0.01, values),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var exception = Assert.Throws<ArgumentException>(() => schedule.SetState(bad));
        Assert.Equal("state", exception.ParamName);
        LearningRateScheduleState after = schedule.GetState();
        Assert.Equal(before.StepCount, after.StepCount);
        Assert.Equal(before.LearningRate, after.LearningRate);
        Assert.Equal(before.Values, after.Values);
        Assert.Equal((float)before.LearningRate, optimizer.LearningRate);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        var optimizer = new Sgd(0.1f);
        Assert.Throws<ArgumentNullException>(() => new StepDecay(null!, 1));
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(optimizer, 0)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(optimizer, 1, -0.5)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(optimizer, double.NaN)).ParamName);
        Assert.Equal("totalSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosine(optimizer, 10, 10)).ParamName);
        Assert.Equal("warmupSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosine(optimizer, -1, 10)).ParamName);
        Assert.Equal("minLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosine(optimizer, 1, 10, 0.2)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceOnPlateau(optimizer, factor: 1.0)).ParamName);
        Assert.Equal("patience", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceOnPlateau(optimizer, patience: -1)).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceOnPlateau(optimizer, threshold: double.NaN)).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceOnPlateau(optimizer, (PlateauMode)5)).ParamName);
        Assert.Equal(0.1f, optimizer.LearningRate); // failed constructions leave the optimizer alone
    }

    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var plateau = new ReduceOnPlateau(new Sgd(0.1f));
        Assert.Equal(PlateauMode.Min, plateau.Mode);
        Assert.Equal(0.1, plateau.Factor);
        Assert.Equal(10, plateau.Patience);
        Assert.Equal(1e-4, plateau.Threshold);
        Assert.Equal(ThresholdMode.Relative, plateau.ThresholdMode);
        Assert.Equal(0, plateau.Cooldown);
        Assert.Equal(0, plateau.MinLearningRate);
        Assert.Equal(1e-8, plateau.Eps);
        Assert.Equal(0.1, new StepDecay(new Sgd(0.1f), 3).Gamma);
    }
}
