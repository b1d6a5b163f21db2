namespace Rnn.Gen;

/// <summary>How a loss combines its per-element (or per-position) terms: PyTorch's <c>reduction</c> argument.</summary>
/// <remarks>PyTorch's <c>'none'</c> has no counterpart: every loss here returns one number.</remarks>
public enum LossReduction
{
    /// <summary>The mean of the terms (PyTorch's default, <c>'mean'</c>); the gradient is divided by their count.</summary>
    Mean,

    /// <summary>The sum of the terms (<c>'sum'</c>).</summary>
    Sum,
}
