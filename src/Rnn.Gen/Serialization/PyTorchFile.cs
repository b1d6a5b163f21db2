using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using static Rnn.Gen.Serialization.PickleReader;

namespace Rnn.Gen.Serialization;

/// <summary>
/// A PyTorch checkpoint as <c>torch.save(model.state_dict(), path)</c> writes it (<c>.pt</c>, <c>.pth</c>; PyTorch's zip
/// format, the default since PyTorch 1.6), read whole into memory without Python or libtorch: its tensors by
/// state_dict name, each gathered into a contiguous row-major <see cref="SafeTensor"/> of its stored float type.
/// </summary>
/// <remarks>
/// <para>
/// Layout: a zip (entries stored or deflated) whose entries lie in one top-level folder, named <c>archive</c> or after
/// the file: <c>&lt;folder&gt;/data.pkl</c>, the pickled state_dict, in which each tensor is
/// <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)</c> and each storage a persistent id
/// <c>('storage', torch.FloatStorage, key, location, element count)</c> whose bytes are the entry
/// <c>&lt;folder&gt;/data/&lt;key&gt;</c>, little-endian; and optionally <c>&lt;folder&gt;/byteorder</c>.
/// </para>
/// <para>
/// Reading treats the input as hostile and executes nothing. The pickle is read by a restricted unpickler
/// (<see cref="PickleReader"/>) that accepts only what a state_dict is made of: <c>collections.OrderedDict</c>,
/// <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c> and the float storages
/// (<c>FloatStorage</c>, <c>DoubleStorage</c>, <c>HalfStorage</c>, <c>BFloat16Storage</c>); any other global, an
/// integer storage, or an opcode a state_dict does not use is refused by name. Every entry is read through a bound:
/// its declared size must be the size expected (<see cref="MaxPickleLength"/> for the pickle, the element count
/// times the element size for a storage), it must decompress to exactly that many bytes (reading stops one byte past
/// them) and match its CRC-32, so a zip bomb that lies about its size is refused after its declared size is read. Each tensor's view (offset, size, stride) must lie inside its storage;
/// tensors that share a storage (as the flattened weights of a cuDNN LSTM do) and strided views are gathered
/// correctly. The legacy format of <c>torch.save</c> before PyTorch 1.6 (a bare pickle stream) is refused with a
/// message to re-save the file with a current PyTorch.
/// </para>
/// </remarks>
public sealed class PyTorchFile
{
    /// <summary>The largest <c>data.pkl</c> accepted, in bytes (a state_dict's pickle takes about 200 bytes per tensor).</summary>
    public const long MaxPickleLength = 64 << 20;

    /// <summary>The most storage bytes accepted in all (the same bound as a safetensors data buffer).</summary>
    public static long MaxDataLength => SafeTensorsFile.MaxDataLength;

    private readonly SafeTensor[] _tensors;
    private readonly Dictionary<string, SafeTensor> _byName;

    private PyTorchFile(SafeTensor[] tensors)
    {
        _tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The tensors, in the state_dict's order.</summary>
    public IReadOnlyList<SafeTensor> Tensors => _tensors;

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    public SafeTensor this[string name] =>
        TryGetTensor(name, out SafeTensor? tensor)
            ? tensor
            : throw new KeyNotFoundException($"The file has no tensor named '{name}'.");

    /// <summary>Whether the file has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafeTensor tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>Whether <paramref name="start"/>, the first bytes of a file, begin a zip archive (PyTorch's format).</summary>
    internal static bool StartsLikeZip(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && start[0] == (byte)'P' && start[1] == (byte)'K' && ((start[2] == 3 && start[3] == 4) || (start[2] == 5 && start[3] == 6));

    /// <summary>Whether <paramref name="start"/> begins a pickle (PROTO), as the legacy <c>torch.save</c> format does.</summary>
    internal static bool StartsLikeLegacy(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == 0x80 && start[1] is >= 2 and <= 5;

    internal const string LegacyMessage =
        "This is the legacy torch.save format (a bare pickle, PyTorch before 1.6, or _use_new_zipfile_serialization=False), "
        + "which is not read. Load it in PyTorch and save it again with torch.save(state_dict, path), or with "
        + "safetensors.torch.save_file(state_dict, path).";

    /// <summary>Reads and validates a PyTorch checkpoint file.</summary>
    /// <exception cref="InvalidDataException">The file is not a state_dict saved by <c>torch.save</c>, or is malformed; the message names the problem and the path.</exception>
    public static PyTorchFile Read(string path)
    {
        return DataFile.Read(path, Read);
    }

    /// <summary>
    /// Reads and validates a PyTorch checkpoint from the stream's current position to its end. A stream that cannot
    /// seek is first copied into memory (up to <see cref="MaxDataLength"/> bytes), since a zip is read from its end.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is not a state_dict saved by <c>torch.save</c>, or is malformed; the message names the problem.</exception>
    public static PyTorchFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        Stream input = stream.CanSeek ? new SubStream(stream) : Buffered(stream);
        Span<byte> start = stackalloc byte[4];
        int got = input.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        input.Position = 0;
        if (StartsLikeLegacy(start[..got]))
        {
            throw new InvalidDataException(LegacyMessage);
        }

        if (!StartsLikeZip(start[..got]))
        {
            throw new InvalidDataException("The input is not a zip archive, so not a checkpoint written by torch.save (PyTorch 1.6 or later).");
        }

        ZipArchive archive;
        IReadOnlyCollection<ZipArchiveEntry> entries;
        try
        {
            archive = new ZipArchive(input, ZipArchiveMode.Read, leaveOpen: true);
            entries = archive.Entries;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"The input is not a readable zip archive: {e.Message}", e);
        }

        using (archive)
        {
            return new PyTorchFile(ReadArchive(entries));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The archive
    // ---------------------------------------------------------------------------------------------------------------

    private static SafeTensor[] ReadArchive(IReadOnlyCollection<ZipArchiveEntry> all)
    {
        // The pickle is <folder>/data.pkl, in the one top-level folder (PyTorch names it "archive" or after the file).
        ZipArchiveEntry[] pickles = all
            .Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length)
            .ToArray();
        if (pickles.Length == 0)
        {
            throw new InvalidDataException(
                "The zip holds no '<folder>/data.pkl', so it is not a checkpoint written by torch.save (PyTorch 1.6 or later).");
        }

        if (pickles.Length > 1)
        {
            throw new InvalidDataException(
                $"The zip holds {pickles.Length} pickles ({string.Join(", ", pickles.Select(e => e.FullName))}); torch.save writes one.");
        }

        string folder = pickles[0].FullName[..^"data.pkl".Length];
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (ZipArchiveEntry entry in all)
        {
            if (!entries.TryAdd(entry.FullName, entry))
            {
                throw new InvalidDataException($"The zip holds two entries named '{entry.FullName}'.");
            }
        }

        if (entries.TryGetValue(folder + "byteorder", out ZipArchiveEntry? byteOrder))
        {
            string order = byteOrder.Length > 16 ? "?" : Encoding.ASCII.GetString(ReadEntry(byteOrder, byteOrder.Length, "The byte order")).Trim();
            if (order != "little")
            {
                throw new InvalidDataException($"The tensors are stored '{order}'-endian; only little-endian checkpoints are read.");
            }
        }

        ZipArchiveEntry pickleEntry = pickles[0];
        if (pickleEntry.Length > MaxPickleLength)
        {
            throw new InvalidDataException($"'{pickleEntry.FullName}' declares {pickleEntry.Length} bytes, more than the {MaxPickleLength}-byte limit.");
        }

        object? root = PickleReader.Read(ReadEntry(pickleEntry, pickleEntry.Length, "The pickle"));
        if (root is not PickleDict stateDict)
        {
            throw new InvalidDataException(
                "The pickle holds no dict of tensors: expected torch.save(model.state_dict()), a dict from names to tensors.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var storages = new Dictionary<string, (PickleStorage Storage, byte[] Bytes)>(StringComparer.Ordinal);
        long totalBytes = 0;
        var tensors = new SafeTensor[stateDict.Entries.Count];
        for (int i = 0; i < tensors.Length; i++)
        {
            (object? key, object? value) = stateDict.Entries[i];
            if (key is not string name)
            {
                throw new InvalidDataException($"Entry {i} of the state_dict has a key that is not a string.");
            }

            if (!names.Add(name))
            {
                throw new InvalidDataException($"The state_dict names '{name}' twice.");
            }

            if (value is not PickleTensor tensor)
            {
                throw new InvalidDataException(value is PickleDict
                    ? $"'{name}' is a dict, not a tensor: expected a state_dict (names to tensors); a checkpoint that nests one (for example {{'model': model.state_dict(), ...}}) loads after saving its state_dict alone."
                    : $"'{name}' is not a tensor; a state_dict maps names to tensors.");
            }

            PickleStorage storage = tensor.Storage;
            if (!storages.TryGetValue(storage.Key, out (PickleStorage Storage, byte[] Bytes) stored))
            {
                stored = (storage, ReadStorage(entries, folder, name, storage, ref totalBytes));
                storages.Add(storage.Key, stored);
            }
            else if (stored.Storage.Type != storage.Type || stored.Storage.ElementCount != storage.ElementCount)
            {
                throw new InvalidDataException(
                    $"Tensor '{name}': storage '{storage.Key}' is {storage.Type.Name} of {storage.ElementCount} elements here and {stored.Storage.Type.Name} of {stored.Storage.ElementCount} before.");
            }

            tensors[i] = Gather(name, tensor, stored.Bytes);
        }

        return tensors;
    }

    private static byte[] ReadStorage(Dictionary<string, ZipArchiveEntry> entries, string folder, string tensor, PickleStorage storage, ref long totalBytes)
    {
        // torch.save's keys are decimal numbers; anything that could leave data/ is refused.
        if (storage.Key.Length is 0 or > 64 || !storage.Key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new InvalidDataException($"Tensor '{tensor}': the storage key '{storage.Key}' is not a plain name.");
        }

        int size = SafeTensorsDTypes.SizeOf(storage.Type.DType);
        long bytes = storage.ElementCount > MaxDataLength / size ? long.MaxValue : storage.ElementCount * size;
        totalBytes = bytes > MaxDataLength - totalBytes ? long.MaxValue : totalBytes + bytes;
        if (totalBytes > MaxDataLength)
        {
            throw new InvalidDataException($"Tensor '{tensor}': the storages would hold more than the {MaxDataLength}-byte limit.");
        }

        string path = $"{folder}data/{storage.Key}";
        if (!entries.TryGetValue(path, out ZipArchiveEntry? entry))
        {
            throw new InvalidDataException($"Tensor '{tensor}': its storage '{path}' is not in the zip.");
        }

        if (entry.Length != bytes)
        {
            throw new InvalidDataException(
                $"Tensor '{tensor}': storage '{path}' declares {entry.Length} bytes; {storage.ElementCount} elements of {storage.Type.Name} are {bytes}.");
        }

        return ReadEntry(entry, bytes, $"Tensor '{tensor}': storage");
    }

    // Reads an entry whose declared size is `length`: exactly that many bytes must come out of it. The buffer grows with
    // what actually arrives, so a size that lies costs no more memory than the bytes behind it, and a zip that
    // decompresses to more than it declares (a zip bomb) is stopped one byte past the declared size.
    private static byte[] ReadEntry(ZipArchiveEntry entry, long length, string what)
    {
        byte[] buffer = new byte[Math.Min(length, 1 << 20)];
        int filled = 0;
        bool more;
        try
        {
            using Stream stream = entry.Open();
            while (filled < length)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
                }

                int read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            more = filled == length && stream.ReadByte() >= 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw new InvalidDataException($"{what} '{entry.FullName}' cannot be read: {e.Message}", e);
        }

        if (filled < length)
        {
            throw new InvalidDataException($"{what} '{entry.FullName}' is short: it holds {filled} bytes of the {length} it declares.");
        }

        if (more)
        {
            throw new InvalidDataException($"{what} '{entry.FullName}' decompresses to more than the {length} bytes it declares (a zip bomb?).");
        }

        // The zip reader stops at the declared size by itself, so a bomb that lies about it yields a prefix of its data:
        // the checksum, which is of the whole data, tells the two apart (and catches corrupted bytes too).
        uint crc = Crc32(buffer);
        if (crc != entry.Crc32)
        {
            throw new InvalidDataException(
                $"{what} '{entry.FullName}' has CRC-32 {crc:x8}, its header says {entry.Crc32:x8}: the entry is corrupt or holds more than the {length} bytes it declares (a zip bomb?).");
        }

        return buffer;
    }

    private static readonly uint[] CrcTable = CreateCrcTable();

    private static uint[] CreateCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    // The zip format's CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The tensor's elements in row-major order: element (i0, i1, …) is storage element offset + Σ i_d · stride_d. The
    /// view must lie inside the storage; a contiguous view is one copy, any other is gathered element by element.
    /// </summary>
    private static SafeTensor Gather(string name, PickleTensor tensor, byte[] storage)
    {
        SafeTensorsDType dtype = tensor.Storage.Type.DType;
        int size = SafeTensorsDTypes.SizeOf(dtype);
        long storageElements = tensor.Storage.ElementCount;
        long[] shape = tensor.Shape;
        long[] strides = tensor.Strides;
        string view = $"size [{string.Join(", ", shape)}], stride [{string.Join(", ", strides)}], offset {tensor.Offset}";
        if (shape.Length != strides.Length)
        {
            throw new InvalidDataException($"Tensor '{name}': {view}: the size and the stride have different lengths.");
        }

        long count = 1;
        foreach (long dimension in shape)
        {
            if (dimension < 0 || dimension > int.MaxValue)
            {
                throw new InvalidDataException($"Tensor '{name}': {view}: a dimension is negative or too large.");
            }

            count = count * dimension > int.MaxValue ? long.MaxValue : count * dimension;
        }

        if (count > int.MaxValue / size)
        {
            throw new InvalidDataException($"Tensor '{name}': {view}: more elements than an array can hold.");
        }

        if (tensor.Offset < 0 || strides.Any(s => s < 0))
        {
            throw new InvalidDataException($"Tensor '{name}': {view}: a negative offset or stride.");
        }

        if (count > 0)
        {
            // The last element the view reads; Int128 cannot overflow for 64 dimensions of int sizes and long strides.
            Int128 last = tensor.Offset;
            for (int d = 0; d < shape.Length; d++)
            {
                last += (Int128)(shape[d] - 1) * strides[d];
            }

            if (last >= storageElements)
            {
                throw new InvalidDataException(
                    $"Tensor '{name}': {view} reads element {last}, past the end of its storage '{tensor.Storage.Key}' of {storageElements} elements.");
            }
        }
        else if (tensor.Offset > storageElements)
        {
            throw new InvalidDataException($"Tensor '{name}': {view}: the offset is past the end of its storage of {storageElements} elements.");
        }

        var data = new byte[count * size];
        if (IsContiguous(shape, strides))
        {
            storage.AsSpan((int)(tensor.Offset * size), data.Length).CopyTo(data);
        }
        else
        {
            var index = new long[shape.Length];
            long source = tensor.Offset;
            for (long i = 0; i < count; i++)
            {
                storage.AsSpan((int)(source * size), size).CopyTo(data.AsSpan((int)(i * size), size));

                // Next row-major index: the last dimension runs fastest.
                for (int d = shape.Length - 1; d >= 0; d--)
                {
                    source += strides[d];
                    if (++index[d] < shape[d])
                    {
                        break;
                    }

                    source -= strides[d] * shape[d];
                    index[d] = 0;
                }
            }
        }

        return new SafeTensor(name, dtype, shape.Select(d => (int)d).ToArray(), (int)count, data);
    }

    // Row-major with no gaps, ignoring the strides of dimensions of size 1 (PyTorch leaves them arbitrary).
    private static bool IsContiguous(long[] shape, long[] strides)
    {
        long expected = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] != 1 && strides[d] != expected)
            {
                return false;
            }

            expected *= shape[d];
        }

        return true;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Streams
    // ---------------------------------------------------------------------------------------------------------------

    // A zip is read from its end: a stream that cannot seek is copied into memory first, within the data bound.
    private static MemoryStream Buffered(Stream stream)
    {
        var memory = new MemoryStream();
        byte[] chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (memory.Length + read > MaxDataLength)
            {
                throw new InvalidDataException($"The input is longer than the {MaxDataLength}-byte limit.");
            }

            memory.Write(chunk, 0, read);
        }

        memory.Position = 0;
        return memory;
    }

    /// <summary>The part of a seekable stream from its position on, as a stream of its own (a zip's offsets count from its start).</summary>
    private sealed class SubStream(Stream inner) : Stream
    {
        private readonly long _start = inner.Position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length - _start;

        public override long Position
        {
            get => inner.Position - _start;
            set => inner.Position = _start + value;
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override long Seek(long offset, SeekOrigin origin) => origin switch
        {
            SeekOrigin.Begin => Position = offset,
            SeekOrigin.Current => Position += offset,
            _ => Position = Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
