using System;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// An operand placed at some offset inside a larger array, with guard elements on both sides: NaN around an input (a
/// kernel that read past its span would turn its result into NaN), a sentinel around a destination (a kernel that
/// wrote past its span would change it).
/// </summary>
internal sealed class GuardedBuffer
{
    private const int Guard = 19;
    private readonly float[] storage;
    private readonly int offset;
    private readonly float guardValue;

    public GuardedBuffer(float[] values, int offset, bool isDestination)
    {
        this.offset = Guard + offset;
        Length = values.Length;
        guardValue = isDestination ? -12345.5f : float.NaN;
        storage = new float[this.offset + values.Length + Guard];
        storage.AsSpan().Fill(guardValue);
        values.CopyTo(storage, this.offset);
    }

    public int Length { get; }

    public Span<float> Span => storage.AsSpan(offset, Length);

    public float[] ToArray() => Span.ToArray();

    public void AssertGuardsIntact(string context)
    {
        for (int i = 0; i < storage.Length; i++)
        {
            if ((i < offset || i >= offset + Length) && BitConverter.SingleToInt32Bits(storage[i]) != BitConverter.SingleToInt32Bits(guardValue))
            {
                Assert.Fail($"{context}: the guard element {i - offset} (relative to the span) changed to {storage[i]}.");
            }
        }
    }

    /// <summary>Fails with the first element whose bits differ.</summary>
    public static void AssertSameBits(float[] expected, float[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{context}: element {i} is {actual[i]:R}, expected exactly {expected[i]:R}.");
            }
        }
    }
}
