using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace Rnn.Gen.Tests.Serialization;

/// <summary>
/// Writes pickles opcode by opcode, as Python's pickler does for <c>torch.save(state_dict)</c> (protocol 2), so that the
/// tests can build both faithful checkpoints and hostile ones byte by byte.
/// </summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream _bytes = new();

    /// <summary>
    /// Writes as protocol 4 does (<c>pickle.dumps(..., protocol=4)</c>): short strings as SHORT_BINUNICODE, globals as
    /// two strings and STACK_GLOBAL, memo entries with MEMOIZE (callers put them in order, so the indices agree).
    /// </summary>
    public bool Protocol4 { get; init; }

    public byte[] ToArray() => _bytes.ToArray();

    public PickleWriter Op(byte opcode)
    {
        _bytes.WriteByte(opcode);
        return this;
    }

    public PickleWriter Raw(params byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public PickleWriter Proto(byte protocol = 2) => Op(0x80).Raw(protocol);

    public PickleWriter Mark() => Op((byte)'(');

    public PickleWriter Stop() => Op((byte)'.');

    public PickleWriter Global(string module, string name) =>
        Protocol4 ? String(module).String(name).Op(0x93) : Op((byte)'c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleWriter String(string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        if (Protocol4 && utf8.Length < 256)
        {
            return Op(0x8c).Raw((byte)utf8.Length).Raw(utf8);
        }

        Op((byte)'X');
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        return Raw(length.ToArray()).Raw(utf8);
    }

    /// <summary>BININT1, BININT2 or BININT as Python chooses, LONG1 beyond 32 bits.</summary>
    public PickleWriter Int(long value)
    {
        if (value is >= 0 and < 256)
        {
            return Op((byte)'K').Raw((byte)value);
        }

        if (value is >= 0 and < 65536)
        {
            return Op((byte)'M').Raw((byte)value, (byte)(value >> 8));
        }

        if (value is >= int.MinValue and <= int.MaxValue)
        {
            byte[] bytes = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value);
            return Op((byte)'J').Raw(bytes);
        }

        byte[] eight = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(eight, value);
        return Op(0x8a).Raw(8).Raw(eight);
    }

    public PickleWriter Bool(bool value) => Op(value ? (byte)0x88 : (byte)0x89);

    public PickleWriter Put(byte index) => Protocol4 ? Op(0x94) : Op((byte)'q').Raw(index);

    public PickleWriter Get(byte index) => Op((byte)'h').Raw(index);

    public PickleWriter EmptyTuple() => Op((byte)')');

    public PickleWriter EmptyDict() => Op((byte)'}');

    public PickleWriter Tuple() => Op((byte)'t');

    public PickleWriter SetItem() => Op((byte)'s');

    public PickleWriter SetItems() => Op((byte)'u');

    public PickleWriter Reduce() => Op((byte)'R');

    public PickleWriter Build() => Op((byte)'b');

    public PickleWriter PersistentId() => Op((byte)'Q');

    /// <summary>A tuple of integers, as Python writes a short one (TUPLE1/2/3) or a long one (MARK … TUPLE).</summary>
    public PickleWriter IntTuple(IReadOnlyList<long> values)
    {
        if (values.Count == 0)
        {
            return EmptyTuple();
        }

        if (values.Count > 3)
        {
            Mark();
        }

        foreach (long value in values)
        {
            Int(value);
        }

        return values.Count switch
        {
            1 => Op(0x85),
            2 => Op(0x86),
            3 => Op(0x87),
            _ => Tuple(),
        };
    }
}

/// <summary>One tensor of a hand-built checkpoint: a view of storage <paramref name="Key"/>.</summary>
internal sealed record TorchTensor(string Name, string Key, long Offset, long[] Shape, long[] Strides)
{
    /// <summary>A contiguous tensor over a whole storage of its own.</summary>
    public static TorchTensor Contiguous(string name, string key, params long[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }

        return new TorchTensor(name, key, 0, shape, strides);
    }
}

/// <summary>One storage of a hand-built checkpoint: its key, type (<c>FloatStorage</c> …), element count and bytes.</summary>
internal sealed record TorchStorage(string Key, string Type, long ElementCount, byte[] Bytes, bool InZip = true)
{
    public static TorchStorage Float(string key, float[] values)
    {
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return new TorchStorage(key, "FloatStorage", values.Length, bytes);
    }
}

/// <summary>Builds <c>torch.save</c> checkpoints: the pickle PyTorch writes for a state_dict, and the zip around it.</summary>
internal static class TorchSave
{
    /// <summary>
    /// The pickle of an OrderedDict state_dict exactly as <c>torch.save</c> lays it out: <c>OrderedDict()</c>, the
    /// items (each <c>_rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict())</c>, the globals
    /// and repeated strings memoized and fetched back), SETITEMS, then BUILD with the <c>_metadata</c> attribute.
    /// </summary>
    /// <remarks>
    /// With <paramref name="asParameters"/> each tensor is wrapped as <c>state_dict(keep_vars=True)</c> pickles an
    /// <c>nn.Parameter</c>: <c>_rebuild_parameter(tensor, True, OrderedDict())</c>.
    /// </remarks>
    public static byte[] StateDictPickle(IReadOnlyList<TorchTensor> tensors, IReadOnlyList<TorchStorage> storages, bool withMetadata = true,
        bool asParameters = false, bool protocol4 = false)
    {
        Dictionary<string, TorchStorage> byKey = storages.ToDictionary(s => s.Key);
        var p = new PickleWriter { Protocol4 = protocol4 }.Proto(protocol4 ? (byte)4 : (byte)2);
        if (protocol4)
        {
            p.Op(0x95).Raw(new byte[8]); // FRAME (its length is only a read-ahead hint)
        }

        p.Global("collections", "OrderedDict").Put(0).EmptyTuple().Reduce().Put(1).Mark();
        bool first = true;
        foreach (TorchTensor tensor in tensors)
        {
            p.String(tensor.Name);
            if (asParameters)
            {
                p.Global("torch._utils", "_rebuild_parameter");
            }

            if (first)
            {
                p.Global("torch._utils", "_rebuild_tensor_v2").Put(2);
            }
            else
            {
                p.Get(2);
            }

            TorchStorage storage = byKey[tensor.Key];
            p.Mark().Mark().String("storage").Global("torch", storage.Type).String(tensor.Key).String("cpu");
            p.Int(storage.ElementCount).Tuple().PersistentId();
            p.Int(tensor.Offset).IntTuple(tensor.Shape).IntTuple(tensor.Strides).Bool(false);
            p.Get(0).EmptyTuple().Reduce().Tuple().Reduce();
            if (asParameters)
            {
                p.Bool(true).Get(0).EmptyTuple().Reduce().Op(0x87).Reduce();
            }

            first = false;
        }

        p.SetItems();
        if (withMetadata)
        {
            // {'_metadata': OrderedDict({'': {'version': 1}})}
            p.EmptyDict().String("_metadata").Get(0).EmptyTuple().Reduce().Mark()
                .String("").EmptyDict().String("version").Int(1).SetItem()
                .SetItems().SetItem().Build();
        }

        return p.Stop().ToArray();
    }

    /// <summary>A whole checkpoint: <c>folder/data.pkl</c>, <c>folder/data/&lt;key&gt;</c> per storage, <c>byteorder</c> and <c>version</c>, stored uncompressed as PyTorch does.</summary>
    public static byte[] Checkpoint(IReadOnlyList<TorchTensor> tensors, IReadOnlyList<TorchStorage> storages, string folder = "archive",
        bool deflate = false, Func<byte[], byte[]>? editPickle = null, bool asParameters = false, bool protocol4 = false)
    {
        byte[] pickle = StateDictPickle(tensors, storages, asParameters: asParameters, protocol4: protocol4);
        pickle = editPickle?.Invoke(pickle) ?? pickle;
        var entries = new List<ZipEntry>
        {
            new($"{folder}/data.pkl", pickle, deflate),
            new($"{folder}/byteorder", Encoding.ASCII.GetBytes("little"), deflate),
        };
        entries.AddRange(storages.Where(s => s.InZip).Select(s => new ZipEntry($"{folder}/data/{s.Key}", s.Bytes, deflate)));
        entries.Add(new ZipEntry($"{folder}/version", Encoding.ASCII.GetBytes("3\n"), deflate));
        entries.Add(new ZipEntry($"{folder}/.data/serialization_id", Encoding.ASCII.GetBytes("0123456789012345678901234567890123456789"), deflate));
        return Zip(entries);
    }

    /// <summary>A zip entry; <paramref name="DeclaredLength"/> overrides the uncompressed size written in the headers (a lie, for zip bombs).</summary>
    internal sealed record ZipEntry(string Name, byte[] Data, bool Deflate, long? DeclaredLength = null);

    /// <summary>Writes a zip byte by byte (local headers, data, central directory, end record), so that sizes can lie.</summary>
    public static byte[] Zip(IEnumerable<ZipEntry> entries)
    {
        var output = new MemoryStream();
        var writer = new BinaryWriter(output);
        var central = new List<(ZipEntry Entry, byte[] Name, uint Crc, byte[] Stored, long Offset)>();
        foreach (ZipEntry entry in entries)
        {
            byte[] name = Encoding.UTF8.GetBytes(entry.Name);
            byte[] stored = entry.Deflate ? Deflated(entry.Data) : entry.Data;
            uint crc = Crc32(entry.Data);
            long offset = output.Position;
            writer.Write(0x04034b50u);
            WriteCommon(writer, entry, crc, stored.Length, name.Length);
            writer.Write((ushort)0); // extra length
            writer.Write(name);
            writer.Write(stored);
            central.Add((entry, name, crc, stored, offset));
        }

        long centralStart = output.Position;
        foreach ((ZipEntry entry, byte[] name, uint crc, byte[] stored, long offset) in central)
        {
            writer.Write(0x02014b50u);
            writer.Write((ushort)20); // version made by
            WriteCommon(writer, entry, crc, stored.Length, name.Length);
            writer.Write((ushort)0); // extra length
            writer.Write((ushort)0); // comment length
            writer.Write((ushort)0); // disk number
            writer.Write((ushort)0); // internal attributes
            writer.Write(0u); // external attributes
            writer.Write((uint)offset);
            writer.Write(name);
        }

        long centralEnd = output.Position;
        writer.Write(0x06054b50u);
        writer.Write((ushort)0);
        writer.Write((ushort)0);
        writer.Write((ushort)central.Count);
        writer.Write((ushort)central.Count);
        writer.Write((uint)(centralEnd - centralStart));
        writer.Write((uint)centralStart);
        writer.Write((ushort)0);
        writer.Flush();
        return output.ToArray();
    }

    // Version needed, flags, method, time, date, CRC-32, compressed size, uncompressed size, name length.
    private static void WriteCommon(BinaryWriter writer, ZipEntry entry, uint crc, int compressedLength, int nameLength)
    {
        writer.Write((ushort)20);
        writer.Write((ushort)0);
        writer.Write((ushort)(entry.Deflate ? 8 : 0));
        writer.Write((ushort)0); // 00:00
        writer.Write((ushort)0x21); // 1980-01-01
        writer.Write(crc);
        writer.Write((uint)compressedLength);
        writer.Write((uint)(entry.DeclaredLength ?? entry.Data.Length));
        writer.Write((ushort)nameLength);
    }

    public static byte[] Deflated(byte[] data)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }

        return c;
    }).ToArray();

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }
}
