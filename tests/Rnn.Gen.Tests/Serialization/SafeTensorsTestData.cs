using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace Rnn.Gen.Tests.Serialization;

/// <summary>Builds safetensors bytes by hand, so the reader is tested against files the writer could never produce.</summary>
internal static class SafeTensorsTestData
{
    /// <summary>8-byte length (the header's, unless overridden), the header text as UTF-8, then the data.</summary>
    public static byte[] File(string header, byte[]? data = null, ulong? headerLength = null)
    {
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        return File(headerBytes, data, headerLength);
    }

    public static byte[] File(byte[] headerBytes, byte[]? data = null, ulong? headerLength = null)
    {
        data ??= Array.Empty<byte>();
        var bytes = new byte[8 + headerBytes.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)headerBytes.Length);
        headerBytes.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + headerBytes.Length);
        return bytes;
    }

    public static byte[] UInt16s(params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        }

        return bytes;
    }

    public static byte[] Singles(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public static byte[] Doubles(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    public static byte[] Zeros(int count) => new byte[count];
}

/// <summary>A read-only stream that cannot seek and hands out at most a few bytes per read, as a network stream may.</summary>
internal sealed class NonSeekableStream : Stream
{
    private readonly Stream _inner;
    private readonly int _maxRead;

    public NonSeekableStream(byte[] bytes, int maxRead = 7)
    {
        _inner = new MemoryStream(bytes, writable: false);
        _maxRead = maxRead;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, _maxRead));
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
