using System;

namespace Rnn.Gen;

public static partial class Losses
{
    /// <summary>
    /// Softmax cross-entropy of logits against class indices with the mean reduction (PyTorch's
    /// <c>CrossEntropyLoss()</c>): see
    /// <see cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, float, LossReduction)"/>.
    /// </summary>
    /// <inheritdoc cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, float, LossReduction)"/>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> classIndices, Span<float> gradient) =>
        SoftmaxCrossEntropy(logits, classIndices, gradient, 0f, LossReduction.Mean);

    /// <summary>
    /// Softmax cross-entropy of logits against class indices, PyTorch's <c>CrossEntropyLoss(reduction,
    /// label_smoothing)</c> for an input <c>[N, C]</c> and a target <c>[N]</c> of class indices: <c>N</c> positions (the
    /// steps of a sequence, or one), <c>C = logits.Length / N</c> classes.
    /// </summary>
    /// <remarks>
    /// With <c>log p = log_softmax(z)</c> per position and smoothing <c>ε</c>, a position's term is
    /// <c>−(1 − ε) · log p[y] − (ε / C) · Σ_c log p[c]</c>; the terms are summed, and divided by <c>N</c> for
    /// <see cref="LossReduction.Mean"/>. The gradient is <c>softmax(z) − ((1 − ε) · onehot(y) + ε / C)</c> per position
    /// (divided by <c>N</c> for the mean). The log-softmax is computed in double from the largest logit, so large
    /// logits neither overflow nor lose the loss.
    /// </remarks>
    /// <param name="logits">The model's output, <c>[N, C]</c> row-major (one row of class scores per position).</param>
    /// <param name="classIndices">The class of each position, <c>[N]</c>, each in <c>[0, C)</c>.</param>
    /// <param name="gradient">Receives the gradient with respect to <paramref name="logits"/>, same length; may be the
    /// memory of <paramref name="logits"/>.</param>
    /// <param name="labelSmoothing">PyTorch's <c>label_smoothing</c>, in <c>[0, 1]</c>.</param>
    /// <param name="reduction">Mean (PyTorch's default) or sum.</param>
    /// <returns>The loss, accumulated in double.</returns>
    /// <exception cref="ArgumentException">
    /// The spans are empty, the logits' length is not a multiple of the number of class indices, the gradient's length
    /// differs from the logits', or a class index is outside <c>[0, C)</c>; nothing is written then.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1], or <paramref name="reduction"/> is not a defined value.</exception>
    public static float SoftmaxCrossEntropy(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> classIndices, Span<float> gradient, float labelSmoothing,
        LossReduction reduction = LossReduction.Mean)
    {
        int classes = CheckCrossEntropy(logits, classIndices, labelSmoothing, reduction);
        CheckGradient(logits.Length, gradient, nameof(logits));
        return SoftmaxCrossEntropyCore(logits, classIndices, gradient, classes, labelSmoothing, reduction, writeGradient: true);
    }

    /// <summary>Softmax cross-entropy of logits against class indices, without a gradient.</summary>
    /// <inheritdoc cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, float, LossReduction)"/>
    public static float SoftmaxCrossEntropy(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> classIndices, float labelSmoothing = 0f, LossReduction reduction = LossReduction.Mean)
    {
        int classes = CheckCrossEntropy(logits, classIndices, labelSmoothing, reduction);
        return SoftmaxCrossEntropyCore(logits, classIndices, default, classes, labelSmoothing, reduction, writeGradient: false);
    }

    private static int CheckCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> classIndices, float labelSmoothing, LossReduction reduction)
    {
        if (classIndices.IsEmpty)
        {
            throw new ArgumentException("Expected at least one class index, got none.", nameof(classIndices));
        }

        if (logits.IsEmpty || logits.Length % classIndices.Length != 0)
        {
            throw new ArgumentException(
                $"Expected logits of a length that is a positive multiple of {classIndices.Length} (one row of classes per class index), got {logits.Length}.",
                nameof(logits));
        }

        int classes = logits.Length / classIndices.Length;
        for (int i = 0; i < classIndices.Length; i++)
        {
            if ((uint)classIndices[i] >= (uint)classes)
            {
                throw new ArgumentException(
                    $"Class index {classIndices[i]} at position {i} is outside [0, {classes}) ({classes} classes per position).",
                    nameof(classIndices));
            }
        }

        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"Invalid labelSmoothing: {labelSmoothing}; expected 0 <= labelSmoothing <= 1.");
        }

        CheckReduction(reduction);
        return classes;
    }

    private static float SoftmaxCrossEntropyCore(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> classIndices, Span<float> gradient, int classes, float labelSmoothing,
        LossReduction reduction, bool writeGradient)
    {
        int positions = classIndices.Length;
        double smoothing = labelSmoothing;
        double uniform = smoothing / classes;
        double scale = Scale(reduction, positions);
        double sum = 0.0;
        for (int n = 0; n < positions; n++)
        {
            ReadOnlySpan<float> z = logits.Slice(n * classes, classes);
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = Math.Max(max, z[c]);
            }

            double exponentials = 0.0, logitSum = 0.0;
            for (int c = 0; c < classes; c++)
            {
                exponentials += Math.Exp(z[c] - max);
                logitSum += z[c];
            }

            double logSumExp = max + Math.Log(exponentials);
            int target = classIndices[n];

            // −(1 − ε) log p[y] − (ε / C) Σ_c log p[c], with log p[c] = z[c] − logSumExp.
            double term = -(1.0 - smoothing) * (z[target] - logSumExp);
            if (smoothing != 0.0)
            {
                term -= uniform * (logitSum - classes * logSumExp);
            }

            sum += term;
            if (writeGradient)
            {
                Span<float> g = gradient.Slice(n * classes, classes);
                for (int c = 0; c < classes; c++)
                {
                    double softmax = Math.Exp(z[c] - logSumExp);
                    double expected = (c == target ? 1.0 - smoothing : 0.0) + uniform;
                    g[c] = (float)((softmax - expected) * scale);
                }
            }
        }

        return Reduce(sum, reduction, positions);
    }
}
