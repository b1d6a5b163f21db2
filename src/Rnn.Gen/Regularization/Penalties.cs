using System;

namespace Rnn.Gen.Regularization;

/// <summary>L1 and L2 weight penalties as Keras's regularizers, used by generated <c>ApplyRegularization()</c>.</summary>
public static class Penalties
{
    /// <summary>
    /// Adds the gradient of <c>l1 · Σ|w| + l2 · Σw²</c> (that is, <c>l1 · sign(w) + 2 · l2 · w</c>, with sign(0) = 0)
    /// into <paramref name="gradients"/> and returns the penalty, summed in double.
    /// </summary>
    public static double Apply(ReadOnlySpan<float> weights, Span<float> gradients, float l1, float l2)
    {
        if (weights.Length != gradients.Length)
        {
            throw new ArgumentException($"Expected gradients of length {weights.Length} (the weights' length), got {gradients.Length}.", nameof(gradients));
        }

        double penalty = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            penalty += (l1 * (double)Math.Abs(w)) + (l2 * (double)w * w);
            gradients[i] += (l1 * MathF.Sign(w)) + (2f * l2 * w);
        }

        return penalty;
    }
}
