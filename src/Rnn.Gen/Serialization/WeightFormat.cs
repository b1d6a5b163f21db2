using System;
using System.Collections.Generic;
using System.IO;

namespace Rnn.Gen.Serialization;

/// <summary>
/// Which weight file a stream holds, told by its first bytes (never by the file name, which users change): a zip is a
/// PyTorch checkpoint (<see cref="PyTorchFile"/>), an 8-byte length followed by <c>{</c> a safetensors file
/// (<see cref="SafeTensorsFile"/>), a bare pickle the legacy <c>torch.save</c> format (refused, with what to do);
/// anything else is refused with what is expected.
/// </summary>
internal static class WeightFormat
{
    private const int PrefixLength = 9;

    internal const string Expected =
        "LoadWeights reads a safetensors file (an 8-byte header length, then a JSON object) or a PyTorch checkpoint "
        + "(the zip that torch.save(model.state_dict(), path) writes)";

    /// <summary>The tensors of the weight file at <paramref name="path"/>, whichever of the two formats it is in.</summary>
    public static IReadOnlyList<SafeTensor> Read(string path)
    {
        return DataFile.Read(path, Read);
    }

    /// <summary>The tensors of the weight file from the stream's position to its end, whichever of the two formats it is in.</summary>
    public static IReadOnlyList<SafeTensor> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        byte[] prefix = new byte[PrefixLength];
        long start = stream.CanSeek ? stream.Position : 0;
        int got = stream.ReadAtLeast(prefix, PrefixLength, throwOnEndOfStream: false);
        Stream whole;
        if (stream.CanSeek)
        {
            stream.Position = start;
            whole = stream;
        }
        else
        {
            whole = new PrefixedStream(prefix.AsSpan(0, got).ToArray(), stream);
        }

        ReadOnlySpan<byte> first = prefix.AsSpan(0, got);
        if (PyTorchFile.StartsLikeZip(first))
        {
            return PyTorchFile.Read(whole).Tensors;
        }

        if (got == PrefixLength && first[8] == (byte)'{')
        {
            return SafeTensorsFile.Read(whole).Tensors;
        }

        if (PyTorchFile.StartsLikeLegacy(first))
        {
            throw new InvalidDataException(PyTorchFile.LegacyMessage);
        }

        throw new InvalidDataException(got < PrefixLength
            ? $"The input is {got} bytes long, too short for a weight file. {Expected}."
            : $"The input is not a weight file of a known format. {Expected}.");
    }

    /// <summary>A stream that cannot seek, with the bytes already read from it put back in front.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _prefixRead;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefixRead < prefix.Length)
            {
                int count = Math.Min(buffer.Length, prefix.Length - _prefixRead);
                prefix.AsSpan(_prefixRead, count).CopyTo(buffer);
                _prefixRead += count;
                return count;
            }

            return inner.Read(buffer);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
