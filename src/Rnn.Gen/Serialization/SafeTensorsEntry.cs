using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace Rnn.Gen.Serialization;

/// <summary>
/// One tensor to write with <see cref="SafeTensorsFile.Write(Stream, IEnumerable{SafeTensorsEntry}, IReadOnlyDictionary{string, string}?)"/>:
/// a name, a shape, and the data in memory together with the dtype to store it as.
/// </summary>
public sealed class SafeTensorsEntry
{
    private const int ScratchBytes = 1 << 16;

    private readonly int[] _shape;
    private readonly ReadOnlyMemory<float> _single;
    private readonly ReadOnlyMemory<double> _double;
    private readonly ReadOnlyMemory<byte> _raw;
    private readonly Source _source;

    private enum Source
    {
        Single,
        Double,
        Raw,
    }

    private SafeTensorsEntry(string name, SafeTensorsDType dtype, int[] shape, int dataLength, Source source,
        ReadOnlyMemory<float> single = default, ReadOnlyMemory<double> @double = default, ReadOnlyMemory<byte> raw = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == SafeTensorsFile.MetadataKey)
        {
            throw new ArgumentException($"'{SafeTensorsFile.MetadataKey}' is reserved for the metadata and cannot name a tensor.", nameof(name));
        }

        long count = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] has a negative dimension.", nameof(shape));
            }

            count *= dimension; // cannot overflow before it exceeds dataLength, checked below
            if (count > int.MaxValue)
            {
                throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] has more elements than an array can hold.", nameof(shape));
            }
        }

        long expected = source == Source.Raw ? count * SafeTensorsDTypes.SizeOf(dtype) : count;
        if (dataLength != expected)
        {
            string unit = source == Source.Raw ? "bytes" : "elements";
            throw new ArgumentException(
                $"Tensor '{name}': shape [{string.Join(", ", shape)}] needs {expected} {unit}; the data has {dataLength}.", "data");
        }

        Name = name;
        DType = dtype;
        _shape = (int[])shape.Clone();
        ElementCount = (int)count;
        ByteLength = count * SafeTensorsDTypes.SizeOf(dtype);
        _source = source;
        _single = single;
        _double = @double;
        _raw = raw;
    }

    /// <summary>The tensor's name.</summary>
    public string Name { get; }

    /// <summary>The dtype the file will store.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>Row-major shape; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of elements.</summary>
    public int ElementCount { get; }

    /// <summary>Number of bytes the tensor takes in the data buffer.</summary>
    public long ByteLength { get; }

    /// <summary>Stores <paramref name="data"/> as F32 (bit-exact).</summary>
    public static SafeTensorsEntry F32(string name, int[] shape, ReadOnlyMemory<float> data) =>
        new(name, SafeTensorsDType.F32, shape, data.Length, Source.Single, single: data);

    /// <summary>Stores <paramref name="data"/> as F64 (bit-exact).</summary>
    public static SafeTensorsEntry F64(string name, int[] shape, ReadOnlyMemory<double> data) =>
        new(name, SafeTensorsDType.F64, shape, data.Length, Source.Double, @double: data);

    /// <summary>Stores <paramref name="data"/> as F16, each value rounded to the nearest half (ties to even).</summary>
    public static SafeTensorsEntry F16(string name, int[] shape, ReadOnlyMemory<float> data) =>
        new(name, SafeTensorsDType.F16, shape, data.Length, Source.Single, single: data);

    /// <summary>Stores <paramref name="data"/> as BF16, each value rounded to the nearest bfloat16 (ties to even).</summary>
    public static SafeTensorsEntry BF16(string name, int[] shape, ReadOnlyMemory<float> data) =>
        new(name, SafeTensorsDType.BF16, shape, data.Length, Source.Single, single: data);

    /// <summary>Stores bytes already in the file's encoding (little-endian elements of <paramref name="dtype"/>), unchanged.</summary>
    public static SafeTensorsEntry Raw(string name, SafeTensorsDType dtype, int[] shape, ReadOnlyMemory<byte> littleEndianBytes)
    {
        _ = SafeTensorsDTypes.SizeOf(dtype);
        return new(name, dtype, shape, littleEndianBytes.Length, Source.Raw, raw: littleEndianBytes);
    }

    /// <summary>Rounds a float to bfloat16 bits, to nearest with ties to even; NaN stays a (quiet) NaN.</summary>
    internal static ushort SingleToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    internal void WriteData(Stream stream)
    {
        switch (_source)
        {
            case Source.Raw:
                stream.Write(_raw.Span);
                return;
            case Source.Single when DType == SafeTensorsDType.F32 && BitConverter.IsLittleEndian:
                stream.Write(MemoryMarshal.AsBytes(_single.Span));
                return;
            case Source.Double when BitConverter.IsLittleEndian:
                stream.Write(MemoryMarshal.AsBytes(_double.Span));
                return;
        }

        // Converting paths: encode a chunk at a time into a pooled scratch buffer.
        int size = SafeTensorsDTypes.SizeOf(DType);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(ScratchBytes);
        try
        {
            int perChunk = ScratchBytes / size;
            for (int start = 0; start < ElementCount; start += perChunk)
            {
                int count = Math.Min(perChunk, ElementCount - start);
                Span<byte> chunk = scratch.AsSpan(0, count * size);
                if (_source == Source.Double)
                {
                    ReadOnlySpan<double> values = _double.Span.Slice(start, count);
                    for (int i = 0; i < count; i++)
                    {
                        BinaryPrimitives.WriteDoubleLittleEndian(chunk.Slice(i * 8), values[i]);
                    }
                }
                else
                {
                    ReadOnlySpan<float> values = _single.Span.Slice(start, count);
                    for (int i = 0; i < count; i++)
                    {
                        switch (DType)
                        {
                            case SafeTensorsDType.F32:
                                BinaryPrimitives.WriteSingleLittleEndian(chunk.Slice(i * 4), values[i]);
                                break;
                            case SafeTensorsDType.F16:
                                BinaryPrimitives.WriteHalfLittleEndian(chunk.Slice(i * 2), (Half)values[i]);
                                break;
                            default:
                                BinaryPrimitives.WriteUInt16LittleEndian(chunk.Slice(i * 2), SingleToBFloat16(values[i]));
                                break;
                        }
                    }
                }

                stream.Write(chunk);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
