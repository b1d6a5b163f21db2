using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Rnn.Gen;

/// <summary>
/// A float buffer whose first element sits on a 64-byte boundary (a cache line, one AVX-512 vector), for the packed
/// weights generated models stream through every step. A 64-byte load from an address that is not a multiple of 64
/// touches two cache lines; on a weight matrix streamed from L2 that makes the product about 1.6 times slower (4.1 µs
/// against 2.5 µs for a [128, 512] matrix–vector product here). .NET aligns arrays to 8 bytes only, so the buffer is a
/// pinned array (it never moves) with up to 15 floats of slack before the aligned start.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AlignedBuffer
{
    private const int AlignmentFloats = 16;

    /// <summary>The most floats a buffer can hold: an array's limit less the slack.</summary>
    public const int MaxLength = 0x7FFFFFC7 - (AlignmentFloats - 1);
    private readonly float[] _array;
    private readonly int _start;

    /// <summary>Allocates <paramref name="length"/> zeroed floats starting on a 64-byte boundary.</summary>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        _array = GC.AllocateArray<float>(length + AlignmentFloats - 1, pinned: true);
        long address = Address(_array);
        _start = (int)((AlignmentFloats - (address / sizeof(float) % AlignmentFloats)) % AlignmentFloats);
        Length = length;
    }

    /// <summary>The number of floats.</summary>
    public int Length { get; }

    /// <summary>The aligned floats.</summary>
    public Span<float> Span => _array.AsSpan(_start, Length);

    /// <summary>
    /// The first float, for generated code that addresses the buffer by constant offsets with no bounds check (the
    /// unrolled streaming step): each offset it adds is a layout constant below <see cref="Length"/>.
    /// </summary>
    public ref float Start => ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_array), _start);

    /// <summary>The aligned floats, writable.</summary>
    public static implicit operator Span<float>(AlignedBuffer buffer) => buffer.Span;

    /// <summary>The aligned floats, read-only.</summary>
    public static implicit operator ReadOnlySpan<float>(AlignedBuffer buffer) => buffer.Span;

    private static unsafe long Address(float[] array) => (long)Unsafe.AsPointer(ref array[0]);
}
