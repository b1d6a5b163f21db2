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
    /// Throws an <see cref="ArgumentOutOfRangeException"/> naming the position, the id and the vocabulary unless each of
    /// the first <paramref name="length"/> token ids of <paramref name="tokens"/> is in [0, <paramref name="vocabularySize"/>).
    /// </summary>
    public static void CheckTokens(ReadOnlySpan<int> tokens, int length, int vocabularySize, string parameterName) =>
        CheckTokenBatch(tokens, tokens.Length, new ReadOnlySpan<int>(in length), vocabularySize, parameterName);

    /// <summary>
    /// As <see cref="CheckTokens(ReadOnlySpan{int}, int, int, string)"/> for token ids held as floats (the
    /// <see cref="IRnnModel"/> members of a model that reads tokens): each must also be a whole number.
    /// </summary>
    public static void CheckTokens(ReadOnlySpan<float> tokens, int length, int vocabularySize, string parameterName) =>
        CheckTokenBatch(tokens, tokens.Length, new ReadOnlySpan<int>(in length), vocabularySize, parameterName);

    /// <summary>
    /// The batch form of <see cref="CheckTokens(ReadOnlySpan{int}, int, int, string)"/>: <paramref name="tokens"/> holds
    /// B samples of <paramref name="steps"/> ids, of which each sample's first <paramref name="lengths"/>[b] (all when
    /// <paramref name="lengths"/> is empty) must be in the vocabulary; the message names the sample and the step.
    /// </summary>
    public static void CheckTokenBatch(ReadOnlySpan<int> tokens, int steps, ReadOnlySpan<int> lengths, int vocabularySize, string parameterName)
    {
        int samples = steps == 0 ? 0 : tokens.Length / steps;
        for (int b = 0; b < samples; b++)
        {
            for (int t = 0; t < (lengths.IsEmpty ? steps : lengths[b]); t++)
            {
                int id = tokens[(b * steps) + t];
                if ((uint)id >= (uint)vocabularySize)
                {
                    ThrowTokenOutOfRange(parameterName, samples, steps, b, t, id.ToString(System.Globalization.CultureInfo.InvariantCulture), vocabularySize);
                }
            }
        }
    }

    /// <summary>As <see cref="CheckTokenBatch(ReadOnlySpan{int}, int, ReadOnlySpan{int}, int, string)"/> for ids held as floats.</summary>
    public static void CheckTokenBatch(ReadOnlySpan<float> tokens, int steps, ReadOnlySpan<int> lengths, int vocabularySize, string parameterName)
    {
        int samples = steps == 0 ? 0 : tokens.Length / steps;
        for (int b = 0; b < samples; b++)
        {
            for (int t = 0; t < (lengths.IsEmpty ? steps : lengths[b]); t++)
            {
                float id = tokens[(b * steps) + t];
                if (!(id >= 0f && id < vocabularySize) || id != MathF.Floor(id))
                {
                    ThrowTokenOutOfRange(parameterName, samples, steps, b, t, id.ToString("R", System.Globalization.CultureInfo.InvariantCulture), vocabularySize);
                }
            }
        }
    }

    /// <summary>Writes token ids as floats (exact below 2^24, the largest vocabulary a model may declare).</summary>
    public static void CopyTokens(ReadOnlySpan<int> tokens, Span<float> ids)
    {
        for (int t = 0; t < tokens.Length; t++)
        {
            ids[t] = tokens[t];
        }
    }

    /// <summary>Names the position of the id; in a batch of several samples, the sample and the step too.</summary>
    [DoesNotReturn]
    private static void ThrowTokenOutOfRange(string parameterName, int samples, int steps, int sample, int step, string id, int vocabularySize) =>
        throw new ArgumentOutOfRangeException(
            parameterName,
            $"{parameterName}[{(sample * steps) + step}]{(samples > 1 ? $" (sample {sample}, step {step})" : "")} is token id {id}, but the vocabulary has {vocabularySize} tokens: ids are whole numbers in [0, {vocabularySize}). Nothing was computed.");

    /// <summary>Throws the <see cref="InvalidOperationException"/> of an input gradient asked of a model that reads token ids.</summary>
    [DoesNotReturn]
    public static void ThrowNoTokenGradient(string parameterName) =>
        throw new InvalidOperationException(
            $"This model reads token ids, which have no gradient: pass an empty {parameterName}, or call the overload without it.");

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
