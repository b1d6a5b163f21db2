using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Rnn.Gen.Serialization;

/// <summary>One tensor of a <see cref="SafeTensorsFile"/> or a <see cref="PyTorchFile"/>: its name, element type, shape and raw little-endian bytes (row-major, contiguous).</summary>
public sealed class SafeTensor
{
    private readonly int[] _shape;

    internal SafeTensor(string name, SafeTensorsDType dtype, int[] shape, int elementCount, ReadOnlyMemory<byte> data)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        ElementCount = elementCount;
        Data = data;
    }

    /// <summary>The tensor's name in the header, for example <c>0.weight_ih_l0</c>.</summary>
    public string Name { get; }

    /// <summary>The element type the file stores.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>Row-major shape; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public int ElementCount { get; }

    /// <summary>The stored bytes, little-endian, <see cref="ElementCount"/> times the dtype's size.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Whether <see cref="Shape"/> equals <paramref name="shape"/> element by element.</summary>
    public bool HasShape(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count != _shape.Length)
        {
            return false;
        }

        for (int i = 0; i < _shape.Length; i++)
        {
            if (shape[i] != _shape[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The elements converted to <see cref="float"/> (F64 is rounded to nearest).</summary>
    /// <exception cref="NotSupportedException">The dtype is not F16, BF16, F32 or F64.</exception>
    public float[] ToSingleArray()
    {
        var result = new float[ElementCount];
        CopyTo(result);
        return result;
    }

    /// <summary>The elements converted to <see cref="double"/> (exact for every supported dtype).</summary>
    /// <exception cref="NotSupportedException">The dtype is not F16, BF16, F32 or F64.</exception>
    public double[] ToDoubleArray()
    {
        var result = new double[ElementCount];
        CopyTo(result);
        return result;
    }

    /// <summary>Converts the elements to <see cref="float"/> into <paramref name="destination"/>, whose length must be <see cref="ElementCount"/>.</summary>
    public void CopyTo(Span<float> destination)
    {
        CheckDestination(destination.Length);
        ReadOnlySpan<byte> source = Data.Span;
        if (DType == SafeTensorsDType.F32 && BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
            return;
        }

        // Every convertible dtype is exact in double, so rounding the double to float rounds the stored value once.
        CheckConvertible();
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)ReadElement(source, i);
        }
    }

    /// <summary>Converts the elements to <see cref="double"/> into <paramref name="destination"/>, whose length must be <see cref="ElementCount"/>.</summary>
    public void CopyTo(Span<double> destination)
    {
        CheckDestination(destination.Length);
        ReadOnlySpan<byte> source = Data.Span;
        if (DType == SafeTensorsDType.F64 && BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, double>(source).CopyTo(destination);
            return;
        }

        CheckConvertible();
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = ReadElement(source, i);
        }
    }

    private void CheckConvertible()
    {
        if (DType is not (SafeTensorsDType.F32 or SafeTensorsDType.F64 or SafeTensorsDType.F16 or SafeTensorsDType.BF16))
        {
            throw NotConvertible();
        }
    }

    /// <summary>Element <paramref name="index"/> of a floating-point tensor, exactly, as a double.</summary>
    private double ReadElement(ReadOnlySpan<byte> source, int index) => DType switch
    {
        SafeTensorsDType.F64 => BinaryPrimitives.ReadDoubleLittleEndian(source.Slice(index * 8)),
        SafeTensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(source.Slice(index * 4)),
        SafeTensorsDType.F16 => (double)BinaryPrimitives.ReadHalfLittleEndian(source.Slice(index * 2)),
        _ => BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(index * 2))),
    };

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {DType} [{string.Join(", ", _shape)}]";

    // bfloat16 is the upper half of a float32; widening is exact (NaN payloads included).
    internal static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    private void CheckDestination(int length)
    {
        if (length != ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{Name}' has {ElementCount} elements; the destination has {length}.", "destination");
        }
    }

    private NotSupportedException NotConvertible() =>
        new($"Tensor '{Name}' has dtype {DType}; only F16, BF16, F32 and F64 convert to floating point.");
}
