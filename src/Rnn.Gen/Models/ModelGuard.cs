using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace Rnn.Gen;

/// <summary>Argument checks shared by generated models; the throw lives here so the generated hot paths stay small.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ModelGuard
{
    /// <summary>Throws an <see cref="ArgumentException"/> saying which length <paramref name="parameterName"/> must have.</summary>
    [DoesNotReturn]
    public static void ThrowLengthMismatch(string parameterName, int expected, string shape, int actual) =>
        throw new ArgumentException(
            $"{parameterName} must have {expected} elements ({shape}), but has {actual}.",
            parameterName);

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> saying that a valid length is between 1 and the step count.</summary>
    [DoesNotReturn]
    public static void ThrowStepCountOutOfRange(string parameterName, int steps, int actual) =>
        throw new ArgumentOutOfRangeException(
            parameterName,
            actual,
            $"{parameterName} must be between 1 and {steps} (Steps), the number of valid steps at the start of the sample, but is {actual}.");

    /// <summary>
    /// Throws an <see cref="ArgumentOutOfRangeException"/> saying that a valid length is between
    /// <paramref name="minimum"/> (the fewest steps whose convolutions and pools all output a step) and the step count.
    /// </summary>
    [DoesNotReturn]
    public static void ThrowStepCountOutOfRange(string parameterName, int minimum, int steps, int actual) =>
        throw new ArgumentOutOfRangeException(
            parameterName,
            actual,
            $"{parameterName} must be between {minimum} and {steps} (Steps), the number of valid steps at the start of the sample (fewer than {minimum} leave a convolution or pooling window of this model without a step), but is {actual}.");
}
