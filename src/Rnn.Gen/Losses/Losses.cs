using System;

// The class lives in the root namespace (not Rnn.Gen.Losses) so that `Losses.MeanSquaredError(...)` resolves to the
// class from any namespace below Rnn.Gen, where a namespace of the same name would shadow it.
namespace Rnn.Gen;

/// <summary>
/// Loss functions with PyTorch's definitions and reductions (<see cref="LossReduction"/>, mean by default). Each loss
/// returns its value for one prediction (accumulated in double) and, in the overloads with a <c>gradient</c> span, writes
/// the gradient of that value with respect to the prediction, ready for a model's <c>Backward</c>; the gradient may be
/// the prediction's own memory. None allocates. One file per loss; the argument checks are shared here.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>loss</term><description>PyTorch</description></listheader>
/// <item><term><see cref="MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/></term><description><c>nn.MSELoss</c></description></item>
/// <item><term><see cref="MeanAbsoluteError(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/></term><description><c>nn.L1Loss</c></description></item>
/// <item><term><see cref="Huber(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/></term><description><c>nn.HuberLoss(delta)</c></description></item>
/// <item><term><see cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float})"/></term><description><c>nn.CrossEntropyLoss(label_smoothing)</c> on class indices</description></item>
/// <item><term><see cref="BinaryCrossEntropyWithLogits(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/></term><description><c>nn.BCEWithLogitsLoss</c></description></item>
/// </list>
/// The trainer averages per-sample losses over a batch; a mean-reduced loss per sample then gives PyTorch's mean over
/// the batch when every sample has the same number of elements.
/// </remarks>
public static partial class Losses
{
    /// <summary>Throws unless <paramref name="prediction"/> is non-empty and <paramref name="target"/> has its length.</summary>
    private static void CheckLengths(
        ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, string predictionName = "prediction", string targetName = "target")
    {
        if (prediction.IsEmpty)
        {
            throw new ArgumentException($"Expected a {predictionName} of at least one element, got an empty one.", predictionName);
        }

        if (target.Length != prediction.Length)
        {
            throw new ArgumentException(
                $"Expected a {targetName} of length {prediction.Length} (the length of the {predictionName}), got {target.Length}.",
                targetName);
        }
    }

    /// <summary>As <see cref="CheckLengths(ReadOnlySpan{float}, ReadOnlySpan{float}, string, string)"/>, and the gradient has the prediction's length too.</summary>
    private static void CheckLengths(
        ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient, string predictionName = "prediction", string targetName = "target")
    {
        CheckLengths(prediction, target, predictionName, targetName);
        CheckGradient(prediction.Length, gradient, predictionName);
    }

    private static void CheckGradient(int length, Span<float> gradient, string predictionName)
    {
        if (gradient.Length != length)
        {
            throw new ArgumentException(
                $"Expected a gradient of length {length} (the length of the {predictionName}), got {gradient.Length}.",
                nameof(gradient));
        }
    }

    private static void CheckReduction(LossReduction reduction)
    {
        if (reduction is not (LossReduction.Mean or LossReduction.Sum))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Expected LossReduction.Mean or LossReduction.Sum.");
        }
    }

    /// <summary>The reduced loss from the sum of its <paramref name="count"/> terms.</summary>
    private static float Reduce(double sum, LossReduction reduction, int count) =>
        (float)(reduction == LossReduction.Mean ? sum / count : sum);

    /// <summary>The factor of the reduction over <paramref name="count"/> terms: 1/count for the mean, 1 for the sum.</summary>
    private static double Scale(LossReduction reduction, int count) => reduction == LossReduction.Mean ? 1.0 / count : 1.0;
}
