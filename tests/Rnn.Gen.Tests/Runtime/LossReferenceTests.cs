using System;
using System.Collections.Generic;
using Rnn.Gen.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>
/// Every loss against libtorch (Reference/Losses/losses.safetensors): value and gradient with respect to the input,
/// for both reductions, Huber's delta (with elements exactly on the boundary), label smoothing, large logits.
/// </summary>
public sealed class LossReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in TrainingReference.CaseNames(TrainingReference.Load("Losses", "losses")))
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Every_loss_and_reduction_is_covered()
    {
        var seen = new HashSet<string>();
        SafeTensorsFile file = TrainingReference.Load("Losses", "losses");
        foreach (string name in TrainingReference.CaseNames(file))
        {
            Dictionary<string, string> options = TrainingReference.Options(file, name);
            seen.Add(options["loss"] + "/" + options["reduction"]);
        }

        foreach (string loss in new[] { "mse", "l1", "huber", "cross_entropy", "bce_with_logits" })
        {
            Assert.Contains(loss + "/mean", seen);
            Assert.Contains(loss + "/sum", seen);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Value_and_gradient_match_libtorch(string caseName)
    {
        SafeTensorsFile file = TrainingReference.Load("Losses", "losses");
        Dictionary<string, string> options = TrainingReference.Options(file, caseName);
        float[] input = file[caseName + "/input"].ToSingleArray();
        double[] target = file[caseName + "/target"].ToDoubleArray();
        float[] targetFloat = Array.ConvertAll(target, t => (float)t);
        LossReduction reduction = options["reduction"] switch
        {
            "mean" => LossReduction.Mean,
            "sum" => LossReduction.Sum,
            var other => throw new ArgumentOutOfRangeException(nameof(caseName), other, null),
        };

        var gradient = new float[input.Length];
        float value;
        float valueOnly;
        switch (options["loss"])
        {
            case "mse":
                value = Losses.MeanSquaredError(input, targetFloat, gradient, reduction);
                valueOnly = Losses.MeanSquaredError(input, targetFloat, reduction);
                break;
            case "l1":
                value = Losses.MeanAbsoluteError(input, targetFloat, gradient, reduction);
                valueOnly = Losses.MeanAbsoluteError(input, targetFloat, reduction);
                break;
            case "huber":
                float delta = options.Float("delta", 1f);
                value = Losses.Huber(input, targetFloat, gradient, delta, reduction);
                valueOnly = Losses.Huber(input, targetFloat, delta, reduction);
                break;
            case "cross_entropy":
                int[] classes = Array.ConvertAll(target, t => checked((int)t));
                float smoothing = options.Float("label_smoothing", 0f);
                Assert.Equal(int.Parse(options["classes"], System.Globalization.CultureInfo.InvariantCulture), input.Length / classes.Length);
                value = Losses.SoftmaxCrossEntropy(input, classes, gradient, smoothing, reduction);
                valueOnly = Losses.SoftmaxCrossEntropy(input, classes, smoothing, reduction);
                break;
            case "bce_with_logits":
                value = Losses.BinaryCrossEntropyWithLogits(input, targetFloat, gradient, reduction);
                valueOnly = Losses.BinaryCrossEntropyWithLogits(input, targetFloat, reduction);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(caseName), options["loss"], null);
        }

        Assert.Equal(value, valueOnly);
        double valueError = TrainingReference.AssertClose(caseName + " value", file[caseName + "/value"].ToDoubleArray(), [value]);
        double gradientError = TrainingReference.AssertClose(caseName + " gradient", file[caseName + "/grad"].ToDoubleArray(), gradient);
        output.WriteLine($"{caseName}: value {valueError:G3}, gradient {gradientError:G3}");
    }
}
