using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rnn.Gen.Kernels;

public static partial class MatrixKernels
{
    /// <summary>
    /// <see cref="TransposeMultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> for every
    /// sample of a batch in one product: for q = 0, 1, … in turn, with slot <c>s = order[q]</c> and
    /// <c>k = max(0, lengths[s] + lengthOffset)</c> steps, <c>c[m, n] += a_sᵀ · b_s</c>, where <c>a_s</c> is the
    /// <c>[k, m]</c> matrix at <c>s · aSampleStride</c> in <paramref name="a"/> and <c>b_s</c> the <c>[k, n]</c> one at
    /// <c>s · bSampleStride</c> in <paramref name="b"/>. With the samples each in its own block of a batch buffer, a
    /// recurrent layer's weight gradient summed over every sample and step.
    /// </summary>
    /// <remarks>Each element of c is the chain of fused multiply-adds that one
    /// <see cref="TransposeMultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/> per sample,
    /// in the given order, computes: bit for bit the same, with the tiles of c kept in registers from the first sample to
    /// the last instead of loaded and stored per sample. Every sample's span is checked before anything is written.</remarks>
    /// <param name="a">The samples' left matrices, used transposed.</param>
    /// <param name="aSampleStride">Elements from one slot's left matrix to the next's.</param>
    /// <param name="b">The samples' right matrices.</param>
    /// <param name="bSampleStride">Elements from one slot's right matrix to the next's.</param>
    /// <param name="order">The slots, in the order their products add up.</param>
    /// <param name="lengths">Each slot's number of steps (before <paramref name="lengthOffset"/>).</param>
    /// <param name="lengthOffset">Added to each length (-1: every step but one); a sum below zero is no step.</param>
    /// <param name="c">The matrix added into, <c>[m, n]</c>; must not overlap the others.</param>
    /// <param name="m">The columns of each a_s, rows of c.</param>
    /// <param name="n">The columns of each b_s and of c.</param>
    public static void TransposeMultiplyAddSamples(ReadOnlySpan<float> a, int aSampleStride, ReadOnlySpan<float> b, int bSampleStride, ReadOnlySpan<int> order, ReadOnlySpan<int> lengths, int lengthOffset, Span<float> c, int m, int n) =>
        TransposeMultiplyAddSamples(a, aSampleStride, b, bSampleStride, order, lengths, lengthOffset, c, m, n, Simd.Preferred);

    /// <summary><see cref="TransposeMultiplyAddSamples(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{int}, int, Span{float}, int, int)"/> at a given vector width.</summary>
    internal static void TransposeMultiplyAddSamples(ReadOnlySpan<float> a, int aSampleStride, ReadOnlySpan<float> b, int bSampleStride, ReadOnlySpan<int> order, ReadOnlySpan<int> lengths, int lengthOffset, Span<float> c, int m, int n, KernelWidth width)
    {
        CheckSizes(m, 0, n);
        CheckMatrix(nameof(c), c.Length, m, n);
        CheckSamples(nameof(a), a.Length, aSampleStride, m, order, lengths, lengthOffset);
        CheckSamples(nameof(b), b.Length, bSampleStride, n, order, lengths, lengthOffset);
        if (m == 0 || n == 0 || order.IsEmpty)
        {
            return;
        }

        var sources = new TileSegments(ref MemoryMarshal.GetReference(a), 1, m, aSampleStride, ref MemoryMarshal.GetReference(b), bSampleStride, order, lengths, lengthOffset);
        RegisterBlocks.MatrixMatrixSegments(sources, ref MemoryMarshal.GetReference(c), m, n, width);
    }

    /// <summary>
    /// <see cref="AddRowSums(ReadOnlySpan{float}, int, Span{float})"/> for every sample of a batch in one call: for
    /// q = 0, 1, … in turn, with slot <c>s = order[q]</c>, <c>y[j] += Σ_(t &lt; k) a_s[t, j]</c> over the
    /// <c>k = max(0, lengths[s] + lengthOffset)</c> rows of the matrix at <c>s · aSampleStride</c> in <paramref name="a"/>:
    /// a bias gradient summed over every sample and step, bit for bit what one call per sample in that order gives.
    /// </summary>
    /// <param name="a">The samples' matrices, rows of <c>y.Length</c>.</param>
    /// <param name="aSampleStride">Elements from one slot's matrix to the next's.</param>
    /// <param name="order">The slots, in the order their sums add up.</param>
    /// <param name="lengths">Each slot's number of rows (before <paramref name="lengthOffset"/>).</param>
    /// <param name="lengthOffset">Added to each length; a sum below zero is no row.</param>
    /// <param name="y">The vector added into; must not overlap <paramref name="a"/>.</param>
    public static void AddRowSumsSamples(ReadOnlySpan<float> a, int aSampleStride, ReadOnlySpan<int> order, ReadOnlySpan<int> lengths, int lengthOffset, Span<float> y) =>
        AddRowSumsSamples(a, aSampleStride, order, lengths, lengthOffset, y, Simd.Preferred);

    /// <summary><see cref="AddRowSumsSamples(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{int}, int, Span{float})"/> at a given vector width.</summary>
    internal static void AddRowSumsSamples(ReadOnlySpan<float> a, int aSampleStride, ReadOnlySpan<int> order, ReadOnlySpan<int> lengths, int lengthOffset, Span<float> y, KernelWidth width)
    {
        int n = y.Length;
        CheckSamples(nameof(a), a.Length, aSampleStride, n, order, lengths, lengthOffset);
        if (n == 0 || order.IsEmpty)
        {
            return;
        }

        // Sample by sample through AddRowSums' matrix–vector kernel (a fused multiply-add by one rounds exactly as an
        // add): y stays in L1 between samples, and that kernel's wide panels keep more chains going than a one-row tile.
        float one = 1f;
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        foreach (int slot in order)
        {
            int k = Math.Max(0, lengths[slot] + lengthOffset);
            if (k > 0)
            {
                RegisterBlocks.MatrixVector(ref Unsafe.Add(ref a0, (nint)slot * aSampleStride), n, ref one, 0, ref y0, k, n, width);
            }
        }
    }

    /// <summary>That every slot in <paramref name="order"/> is one of <paramref name="lengths"/>' and its rows of <paramref name="cols"/> lie inside the span.</summary>
    private static void CheckSamples(string name, int length, int sampleStride, int cols, ReadOnlySpan<int> order, ReadOnlySpan<int> lengths, int lengthOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleStride);
        foreach (int slot in order)
        {
            if ((uint)slot >= (uint)lengths.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(order), slot, $"Expected slots from 0 to {lengths.Length - 1} (one length each), got {slot}.");
            }

            long end = (long)slot * sampleStride + (long)Math.Max(0, lengths[slot] + lengthOffset) * cols;
            if (length < end)
            {
                throw new ArgumentException($"Slot {slot}'s {Math.Max(0, lengths[slot] + lengthOffset)} rows of {cols} elements at {(long)slot * sampleStride} end at {end}: expected at least {end} elements, got {length}.", name);
            }
        }
    }
}
