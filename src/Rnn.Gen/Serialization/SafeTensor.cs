using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Rnn.Gen.Serialization;

/// <summary>One tensor of a <see cref="SafeTensorsFile"/>: its name, element type, shape and raw little-endian bytes.</summary>
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
        switch (DType)
        {
            case SafeTensorsDType.F32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case SafeTensorsDType.F32:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * 4));
                }

                break;
            case SafeTensorsDType.F64:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source.Slice(i * 8));
                }

                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source.Slice(i * 2));
                }

                break;
            case SafeTensorsDType.BF16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(i * 2)));
                }

                break;
            default:
                throw NotConvertible();
        }
    }

    /// <summary>Converts the elements to <see cref="double"/> into <paramref name="destination"/>, whose length must be <see cref="ElementCount"/>.</summary>
    public void CopyTo(Span<double> destination)
    {
        CheckDestination(destination.Length);
        ReadOnlySpan<byte> source = Data.Span;
        switch (DType)
        {
            case SafeTensorsDType.F64 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, double>(source).CopyTo(destination);
                break;
            case SafeTensorsDType.F64:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadDoubleLittleEndian(source.Slice(i * 8));
                }

                break;
            case SafeTensorsDType.F32:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * 4));
                }

                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (double)BinaryPrimitives.ReadHalfLittleEndian(source.Slice(i * 2));
                }

                break;
            case SafeTensorsDType.BF16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(i * 2)));
                }

                break;
            default:
                throw NotConvertible();
        }
    }

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
