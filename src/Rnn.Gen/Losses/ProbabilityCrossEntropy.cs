using System;

namespace Rnn.Gen;

public static partial class Losses
{
    /// <summary>
    /// Cross-entropy of probabilities against class indices, for models whose last layer is a Softmax Dense layer (Keras's
    /// <c>sparse_categorical_crossentropy</c> with <c>from_logits=False</c>): the mean over the <c>N</c> positions of
    /// <c>−log p[y]</c>, with <c>p</c> clamped below at 1e-7 (as Keras's epsilon) so a zero probability gives a finite loss.
    /// </summary>
    /// <remarks>
    /// The gradient with respect to the probabilities is <c>−1 / (N · p[y])</c> at the target class and 0 elsewhere; a
    /// generated model's Softmax backward turns it into <c>(p − onehot(y)) / N</c> on the logits, the same as
    /// <see cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float})"/> gives for logits.
    /// </remarks>
    /// <param name="probabilities">The model's output, <c>[N, C]</c> row-major, each row a probability distribution.</param>
    /// <param name="classIndices">The class of each position, <c>[N]</c>, each in <c>[0, C)</c>.</param>
    /// <param name="gradient">Receives the gradient with respect to <paramref name="probabilities"/>, same length.</param>
    /// <returns>The mean loss, accumulated in double.</returns>
    /// <exception cref="ArgumentException">
    /// The spans are empty, the probabilities' length is not a multiple of the number of class indices, the gradient's
    /// length differs, or a class index is outside <c>[0, C)</c>; nothing is written then.
    /// </exception>
    public static float CrossEntropyOfProbabilities(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> classIndices, Span<float> gradient)
    {
        int classes = CheckCrossEntropy(probabilities, classIndices, 0f, LossReduction.Mean);
        CheckGradient(probabilities.Length, gradient, nameof(probabilities));
        const float Epsilon = 1e-7f;
        int positions = classIndices.Length;
        double loss = 0;
        gradient.Clear();
        for (int n = 0; n < positions; n++)
        {
            int target = (n * classes) + classIndices[n];
            float p = Math.Max(probabilities[target], Epsilon);
            loss -= Math.Log(p);
            gradient[target] = -1f / (positions * p);
        }

        return (float)(loss / positions);
    }
}
