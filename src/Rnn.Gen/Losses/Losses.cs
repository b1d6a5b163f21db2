using System;

// The class lives in the root namespace (not Rnn.Gen.Losses) so that `Losses.MeanSquaredError(...)` resolves to the
// class from any namespace below Rnn.Gen, where a namespace of the same name would shadow it.
namespace Rnn.Gen;

/// <summary>
/// Loss functions with PyTorch's definitions and its <c>'mean'</c> reduction. Each loss returns its value for one
/// prediction (accumulated in double) and writes the gradient of that value with respect to the prediction, ready
/// for a model's <c>Backward</c>. One file per loss; the argument checks are shared here.
/// </summary>
public static partial class Losses
{
    /// <summary>Throws unless <paramref name="prediction"/> is non-empty and <paramref name="target"/> has its length.</summary>
    private static void CheckLengths(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
    {
        if (prediction.IsEmpty)
        {
            throw new ArgumentException("Expected a prediction of at least one element, got an empty one.", nameof(prediction));
        }

        if (target.Length != prediction.Length)
        {
            throw new ArgumentException(
                $"Expected a target of length {prediction.Length} (the prediction's length), got {target.Length}.",
                nameof(target));
        }
    }

    /// <summary>As <see cref="CheckLengths(ReadOnlySpan{float}, ReadOnlySpan{float})"/>, and the gradient has the prediction's length too.</summary>
    private static void CheckLengths(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient)
    {
        CheckLengths(prediction, target);
        if (gradient.Length != prediction.Length)
        {
            throw new ArgumentException(
                $"Expected a gradient of length {prediction.Length} (the prediction's length), got {gradient.Length}.",
                nameof(gradient));
        }
    }
}
