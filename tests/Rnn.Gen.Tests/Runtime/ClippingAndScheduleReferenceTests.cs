using System;
using System.Collections.Generic;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Serialization;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;
using Xunit;
using Xunit.Abstractions;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>
/// Gradient clipping against libtorch's <c>clip_grad_norm_</c> and <c>clip_grad_value_</c>, and the schedules against
/// the learning-rate traces of TorchSharp's StepLR, ExponentialLR and ReduceLROnPlateau
/// (Reference/Training/{clipping,schedules}.safetensors).
/// </summary>
public sealed class ClippingAndScheduleReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> ClippingCases() => Names("clipping");

    public static TheoryData<string> ScheduleCases() => Names("schedules");

    private static TheoryData<string> Names(string file)
    {
        var data = new TheoryData<string>();
        foreach (string name in TrainingReference.CaseNames(TrainingReference.Load("Training", file)))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ClippingCases))]
    public void Clipping_matches_libtorch(string caseName)
    {
        SafeTensorsFile file = TrainingReference.Load("Training", "clipping");
        Dictionary<string, string> options = TrainingReference.Options(file, caseName);
        float[] gradients = file[caseName + "/input"].ToSingleArray();
        double error;
        if (caseName.StartsWith("norm/", StringComparison.Ordinal))
        {
            float norm = GradientClipping.ClipByGlobalNorm(gradients, options.Float("max_norm", float.NaN));
            error = TrainingReference.AssertClose(caseName + " total norm", file[caseName + "/total_norm"].ToDoubleArray(), [norm]);
        }
        else
        {
            GradientClipping.ClipByValue(gradients, options.Float("clip_value", float.NaN));
            error = 0;
        }

        error = Math.Max(error, TrainingReference.AssertClose(caseName + " gradients", file[caseName + "/output"].ToDoubleArray(), gradients));
        output.WriteLine($"{caseName}: worst relative error {error:G3}");
    }

    [Theory]
    [MemberData(nameof(ScheduleCases))]
    public void Schedule_matches_torch(string caseName)
    {
        SafeTensorsFile file = TrainingReference.Load("Training", "schedules");
        Dictionary<string, string> o = TrainingReference.Options(file, caseName);
        double[] expected = file[caseName + "/lr"].ToDoubleArray();
        double[]? metrics = file.Contains(caseName + "/metrics") ? file[caseName + "/metrics"].ToDoubleArray() : null;
        var optimizer = new Sgd(o.Float("lr", float.NaN));
        ILearningRateSchedule schedule = caseName.Split('/')[0] switch
        {
            "step_lr" => new StepDecay(optimizer, int.Parse(o["step_size"], System.Globalization.CultureInfo.InvariantCulture), o.Double("gamma", double.NaN)),
            "exponential_lr" => new ExponentialDecay(optimizer, o.Double("gamma", double.NaN)),
            "reduce_on_plateau" => new ReduceOnPlateau(
                optimizer,
                o["mode"] == "min" ? PlateauMode.Min : PlateauMode.Max,
                o.Double("factor", double.NaN),
                int.Parse(o["patience"], System.Globalization.CultureInfo.InvariantCulture),
                o.Double("threshold", double.NaN),
                o["threshold_mode"] == "rel" ? ThresholdMode.Relative : ThresholdMode.Absolute,
                int.Parse(o["cooldown"], System.Globalization.CultureInfo.InvariantCulture),
                o.Double("min_lr", double.NaN),
                o.Double("eps", double.NaN)),
            var other => throw new ArgumentOutOfRangeException(nameof(caseName), other, null),
        };

        double worst = 0;
        int reductions = 0;
        for (int epoch = 0; epoch < expected.Length; epoch++)
        {
            double before = schedule.LearningRate;
            schedule.Step(metrics?[epoch]);
            reductions += schedule.LearningRate < before ? 1 : 0;
            double error = Math.Abs(schedule.LearningRate - expected[epoch]) / expected[epoch];
            Assert.True(error <= 1e-12, $"{caseName} after step {epoch + 1}: {schedule.LearningRate:R}, expected {expected[epoch]:R}");
            Assert.Equal((float)expected[epoch], optimizer.LearningRate);
            worst = Math.Max(worst, error);
        }

        Assert.True(reductions >= 2, $"{caseName}: the trace reduces the rate only {reductions} times");
        output.WriteLine($"{caseName}: worst relative error {worst:G3}, {reductions} reductions");
    }
}
