using System;
using System.Collections.Generic;

namespace Rnn.Gen.Data;

/// <summary>Ragged sequences padded at the end to one step count, with the length of each, for the <c>length</c> overloads.</summary>
public sealed class PaddedBatch
{
    internal PaddedBatch(float[] inputs, int[] lengths, int steps, int features)
    {
        Inputs = inputs;
        Lengths = lengths;
        Steps = steps;
        Features = features;
    }

    /// <summary>All samples, sample-major: <c>[Count, Steps, Features]</c>, zeros after each sample's length.</summary>
    public float[] Inputs { get; }

    /// <summary>The valid steps of each sample (1 to <see cref="Steps"/>).</summary>
    public int[] Lengths { get; }

    /// <summary>Steps per padded sample.</summary>
    public int Steps { get; }

    /// <summary>Features per step.</summary>
    public int Features { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Lengths.Length;

    /// <summary>Sample <paramref name="index"/>, <c>[Steps, Features]</c>, to pass with <c>Lengths[index]</c>.</summary>
    public ReadOnlySpan<float> Sample(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Inputs.AsSpan(index * Steps * Features, Steps * Features);
    }
}

/// <summary>Pads ragged data for models with a fixed step count (padding at the end, as PyTorch's packed sequences expect).</summary>
/// <remarks>
/// A generated model's <c>Forward(input, output, length)</c> ignores the padding: it carries the state, outputs zeros
/// there, and its backward pass sends no gradient through it. Compute the loss over the valid part only, for example
/// <c>Losses.MeanSquaredError(output[..(length * OutputSize)], target[..(length * OutputSize)], gradient[..])</c> with the
/// rest of the gradient zero, so padded steps count neither in the loss nor in its mean.
/// </remarks>
public static class SequencePadding
{
    /// <summary>
    /// Pads each sequence (<c>[length_i, features]</c>, row-major) with zeros to <paramref name="steps"/> steps.
    /// A longer sequence is an error unless <paramref name="truncate"/> is set, which keeps its first steps.
    /// </summary>
    /// <exception cref="ArgumentException">A sequence is empty, is not a whole number of steps, or is too long.</exception>
    public static PaddedBatch Pad(IReadOnlyList<float[]> sequences, int steps, int features, bool truncate = false)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        int[] lengths = new int[sequences.Count];
        for (int i = 0; i < sequences.Count; i++)
        {
            float[] sequence = sequences[i] ?? throw new ArgumentException($"Sequence {i} is null.", nameof(sequences));
            if (sequence.Length == 0 || sequence.Length % features != 0)
            {
                throw new ArgumentException(
                    $"Sequence {i} has {sequence.Length} values; expected a positive multiple of {features} (features per step).", nameof(sequences));
            }

            int length = sequence.Length / features;
            if (length > steps && !truncate)
            {
                throw new ArgumentException(
                    $"Sequence {i} has {length} steps, more than the {steps} a sample holds; pass truncate: true to keep its first {steps}.", nameof(sequences));
            }

            lengths[i] = Math.Min(length, steps);
        }

        float[] inputs = new float[checked(sequences.Count * steps * features)];
        for (int i = 0; i < sequences.Count; i++)
        {
            sequences[i].AsSpan(0, lengths[i] * features).CopyTo(inputs.AsSpan(i * steps * features));
        }

        return new PaddedBatch(inputs, lengths, steps, features);
    }
}
