using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Rnn.Gen.Export.Onnx;

/// <summary>
/// One protocol-buffers message being written, field after field, in the wire format: a key (field number and wire
/// type) per field, varints for integers and enums, little-endian fixed32 for floats, a length prefix before strings,
/// bytes and nested messages. Only what the ONNX messages need; no runtime dependency on a protobuf library.
/// </summary>
internal sealed class ProtoWriter
{
    private const int VarintType = 0;
    private const int LengthDelimitedType = 2;
    private const int Fixed32Type = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    /// <summary>An integer or enum field (int64, int32 and enums are varints; negative values take ten bytes, as protobuf's).</summary>
    public ProtoWriter Varint(int field, long value)
    {
        Key(field, VarintType);
        WriteVarint((ulong)value);
        return this;
    }

    /// <summary>A float field: four little-endian bytes.</summary>
    public ProtoWriter Float(int field, float value)
    {
        Key(field, Fixed32Type);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    /// <summary>A string field, UTF-8.</summary>
    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A nested message.</summary>
    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.Written);

    /// <summary>A bytes field.</summary>
    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, LengthDelimitedType);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    /// <summary>A bytes field of floats, little-endian (a TensorProto's raw_data), written in place.</summary>
    public ProtoWriter Floats(int field, ReadOnlySpan<float> values)
    {
        Key(field, LengthDelimitedType);
        WriteVarint((ulong)values.Length * 4);
        Span<byte> target = _buffer.GetSpan(values.Length * 4);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(target.Slice(i * 4, 4), values[i]);
        }

        _buffer.Advance(values.Length * 4);
        return this;
    }

    private void Key(int field, int wireType) => WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        Span<byte> target = _buffer.GetSpan(10);
        int count = 0;
        while (value >= 0x80)
        {
            target[count++] = (byte)(value | 0x80);
            value >>= 7;
        }

        target[count++] = (byte)value;
        _buffer.Advance(count);
    }
}
