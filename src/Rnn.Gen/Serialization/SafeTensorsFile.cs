using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Unicode;

namespace Rnn.Gen.Serialization;

/// <summary>
/// A file in the safetensors format, read whole into memory, and the writer of such files.
/// </summary>
/// <remarks>
/// <para>
/// Layout: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON, then the data buffer. The JSON is an
/// object mapping each tensor name to <c>{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}</c>, with
/// offsets in bytes from the start of the data buffer, plus an optional <c>"__metadata__"</c> object of strings.
/// </para>
/// <para>
/// Reading treats the input as hostile: the header length is bounded (<see cref="MaxHeaderLength"/>) and checked
/// against the stream before anything of that size is allocated; the header must be valid UTF-8 JSON of the shape
/// above with no duplicate names; every dtype must be known; every tensor's byte range must equal its shape times its
/// element size; the ranges must tile the data buffer exactly (no overlap, no gap); and the stream must end right
/// after the data buffer. Any violation throws <see cref="InvalidDataException"/> naming the problem. Non-seekable
/// streams are read in growing chunks, so a lying header cannot make the reader allocate more than the stream holds.
/// </para>
/// <para>
/// Integrity: when the metadata holds <see cref="DataHashKey"/> (the library's weight files and checkpoints always
/// do), reading checks it against the SHA-256 of the data buffer and refuses a file whose data has changed since it
/// was written. Files without the key (PyTorch's, say) are read as they are.
/// </para>
/// </remarks>
public sealed class SafeTensorsFile
{
    /// <summary>The reserved header key of the metadata object.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// The metadata key of the data buffer's SHA-256: 64 lowercase hexadecimal digits of the hash of the bytes that
    /// follow the header, from byte 8 + N (N the header length) to the end of the file, which are the tensors' bytes
    /// in <c>data_offsets</c> order. <see cref="WeightFile"/> and training checkpoints write it; <see cref="Read(Stream)"/>
    /// verifies it when present.
    /// </summary>
    public const string DataHashKey = "data_sha256";

    /// <summary>The largest header accepted, in bytes (the same bound as the reference implementation).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>The largest data buffer accepted, in bytes (one managed array holds it).</summary>
    public static long MaxDataLength => Array.MaxLength;

    private const int ChunkBytes = 1 << 20;
    private const int MaxJsonDepth = 64;

    private readonly SafeTensor[] _tensors;
    private readonly Dictionary<string, SafeTensor> _byName;

    private SafeTensorsFile(SafeTensor[] tensors, IReadOnlyDictionary<string, string> metadata)
    {
        _tensors = tensors;
        _byName = new Dictionary<string, SafeTensor>(tensors.Length, StringComparer.Ordinal);
        foreach (SafeTensor tensor in tensors)
        {
            _byName.Add(tensor.Name, tensor);
        }

        Metadata = metadata;
    }

    /// <summary>The <c>__metadata__</c> strings; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors, in the order the header lists them.</summary>
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

    // ---------------------------------------------------------------------------------------------------------------
    // Reading
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file; the message names the problem and the path.</exception>
    public static SafeTensorsFile Read(string path)
    {
        return DataFile.Read(path, Read);
    }

    /// <summary>
    /// Reads and validates a safetensors file from the stream's current position to its end. Works on non-seekable
    /// streams; on a seekable one the remaining length is checked against the header before the data is read.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is not a well-formed safetensors file; the message names the problem.</exception>
    public static SafeTensorsFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        long remaining = stream.CanSeek ? stream.Length - stream.Position : -1;

        // 1. The header length.
        Span<byte> lengthBytes = stackalloc byte[8];
        int got = stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false);
        if (got < 8)
        {
            throw new InvalidDataException($"The input is {got} bytes long, too short for the 8-byte header length.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength < 2)
        {
            throw new InvalidDataException($"The header length is {headerLength}; a header is a JSON object of at least 2 bytes.");
        }

        if (headerLength > MaxHeaderLength)
        {
            throw new InvalidDataException($"The header length {headerLength} is larger than the {MaxHeaderLength}-byte limit.");
        }

        if (remaining >= 0)
        {
            remaining -= 8;
            if ((long)headerLength > remaining)
            {
                throw new InvalidDataException($"The header length {headerLength} runs past the end of the input ({remaining} bytes follow it).");
            }
        }

        // 2. The header.
        byte[] header = ReadExactly(stream, (int)headerLength, trustedLength: remaining >= 0, "header");
        Header parsed = ParseHeader(header);

        // 3. The data buffer: exactly as long as the offsets say, and nothing after it.
        long dataLength = parsed.DataLength;
        if (remaining >= 0)
        {
            remaining -= (long)headerLength;
            if (remaining < dataLength)
            {
                throw new InvalidDataException(
                    $"The data buffer is truncated: the header's offsets need {dataLength} bytes, the input has {remaining}.");
            }

            if (remaining > dataLength)
            {
                throw new InvalidDataException(
                    $"The input has {remaining - dataLength} trailing bytes after the {dataLength}-byte data buffer the header describes.");
            }
        }

        byte[] data = ReadExactly(stream, (int)dataLength, trustedLength: remaining >= 0, "data buffer");
        if (remaining < 0 && stream.ReadByte() >= 0)
        {
            throw new InvalidDataException($"The input has trailing bytes after the {dataLength}-byte data buffer the header describes.");
        }

        CheckDataHash(parsed.Metadata, data);
        var tensors = new SafeTensor[parsed.Tensors.Count];
        for (int i = 0; i < tensors.Length; i++)
        {
            TensorHeader t = parsed.Tensors[i];
            tensors[i] = new SafeTensor(t.Name, t.DType, t.Shape, t.ElementCount,
                new ReadOnlyMemory<byte>(data, (int)t.Begin, (int)(t.End - t.Begin)));
        }

        return new SafeTensorsFile(tensors, parsed.Metadata);
    }

    /// <summary>Checks the data buffer against the metadata's <see cref="DataHashKey"/>, when there is one.</summary>
    private static void CheckDataHash(IReadOnlyDictionary<string, string> metadata, byte[] data)
    {
        if (!metadata.TryGetValue(DataHashKey, out string? recorded))
        {
            return;
        }

        if (recorded.Length != 2 * SHA256.HashSizeInBytes || !recorded.All(static c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            throw new InvalidDataException(
                $"The metadata '{DataHashKey}' is '{recorded}', not a SHA-256 (64 lowercase hexadecimal digits).");
        }

        string actual = Convert.ToHexStringLower(SHA256.HashData(data));
        if (actual != recorded)
        {
            throw new InvalidDataException(
                $"The data is corrupted: the SHA-256 of its {data.Length}-byte data buffer is {actual}, but the metadata '{DataHashKey}' records {recorded}, " +
                $"the hash when the file was written. Use an intact copy; a file rewritten on purpose by a tool that kept the metadata loads once '{DataHashKey}' is removed from it.");
        }
    }

    /// <summary>
    /// <paramref name="metadata"/> (or none) with <see cref="DataHashKey"/> set to the SHA-256 of the data buffer that
    /// <paramref name="tensors"/> make, in their order: what the library's own writers record so that reading can
    /// verify the data.
    /// </summary>
    internal static Dictionary<string, string> WithDataHash(IReadOnlyList<SafeTensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var result = metadata is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var hashing = new HashingStream(sha))
        {
            foreach (SafeTensorsEntry entry in tensors)
            {
                entry.WriteData(hashing);
            }
        }

        result[DataHashKey] = Convert.ToHexStringLower(sha.GetHashAndReset());
        return result;
    }

    /// <summary>A write-only stream that feeds what it is given to a hash.</summary>
    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);

        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static byte[] ReadExactly(Stream stream, int length, bool trustedLength, string what)
    {
        // A length checked against a seekable stream's size is allocated at once; otherwise the buffer grows with
        // what actually arrives, so a header that lies about sizes cannot trigger a huge allocation.
        byte[] buffer = new byte[trustedLength ? length : Math.Min(length, ChunkBytes)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            }

            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                throw new InvalidDataException($"The {what} is truncated: it should be {length} bytes, the input ends after {filled}.");
            }

            filled += read;
        }

        return buffer;
    }

    private sealed record TensorHeader(string Name, SafeTensorsDType DType, int[] Shape, int ElementCount, long Begin, long End);

    private sealed record Header(List<TensorHeader> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataLength);

    private static Header ParseHeader(byte[] header)
    {
        if (!Utf8.IsValid(header))
        {
            throw new InvalidDataException("The header is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"The header is a JSON {Describe(root.ValueKind)}, not an object.");
            }

            var tensors = new List<TensorHeader>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            IReadOnlyDictionary<string, string> metadata = ReadOnlyDictionary<string, string>.Empty;
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new InvalidDataException($"The header names '{property.Name}' twice.");
                }

                if (property.Name == MetadataKey)
                {
                    metadata = ParseMetadata(property.Value);
                }
                else
                {
                    tensors.Add(ParseTensor(property.Name, property.Value));
                }
            }

            return new Header(tensors, metadata, CheckTiling(tensors));
        }
    }

    private static IReadOnlyDictionary<string, string> ParseMetadata(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return ReadOnlyDictionary<string, string>.Empty;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{MetadataKey}' is a JSON {Describe(value.ValueKind)}, not an object of strings.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException(
                    $"'{MetadataKey}' entry '{entry.Name}' is a JSON {Describe(entry.Value.ValueKind)}, not a string.");
            }

            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw new InvalidDataException($"'{MetadataKey}' names '{entry.Name}' twice.");
            }
        }

        return new ReadOnlyDictionary<string, string>(metadata);
    }

    private static TensorHeader ParseTensor(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Tensor '{name}': its header entry is a JSON {Describe(value.ValueKind)}, not an object.");
        }

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (JsonProperty field in value.EnumerateObject())
        {
            // Unknown fields are ignored, as the reference implementation does; known ones may appear once.
            switch (field.Name)
            {
                case "dtype":
                    dtypeElement = dtypeElement is null ? field.Value : throw Duplicate(name, field.Name);
                    break;
                case "shape":
                    shapeElement = shapeElement is null ? field.Value : throw Duplicate(name, field.Name);
                    break;
                case "data_offsets":
                    offsetsElement = offsetsElement is null ? field.Value : throw Duplicate(name, field.Name);
                    break;
            }
        }

        // dtype
        if (dtypeElement is not { ValueKind: JsonValueKind.String } dtypeValue)
        {
            throw new InvalidDataException($"Tensor '{name}': \"dtype\" is missing or not a string.");
        }

        string? dtypeName = dtypeValue.GetString();
        if (!SafeTensorsDTypes.TryParse(dtypeName, out SafeTensorsDType dtype))
        {
            throw new InvalidDataException($"Tensor '{name}': unknown dtype \"{dtypeName}\".");
        }

        // shape
        if (shapeElement is not { ValueKind: JsonValueKind.Array } shapeValue)
        {
            throw new InvalidDataException($"Tensor '{name}': \"shape\" is missing or not an array.");
        }

        var shape = new int[shapeValue.GetArrayLength()];
        long elements = 1;
        int d = 0;
        foreach (JsonElement dimensionElement in shapeValue.EnumerateArray())
        {
            if (dimensionElement.ValueKind != JsonValueKind.Number || !dimensionElement.TryGetInt64(out long dimension))
            {
                throw new InvalidDataException($"Tensor '{name}': shape entry {d} ({dimensionElement.GetRawText()}) is not an integer.");
            }

            if (dimension < 0)
            {
                throw new InvalidDataException($"Tensor '{name}': shape entry {d} is negative ({dimension}).");
            }

            if (dimension > int.MaxValue)
            {
                throw new InvalidDataException($"Tensor '{name}': shape entry {d} ({dimension}) is too large.");
            }

            shape[d++] = (int)dimension;
            elements *= dimension; // elements <= int.MaxValue here, so the product fits in a long
            if (elements > int.MaxValue)
            {
                throw new InvalidDataException($"Tensor '{name}': shape [{string.Join(", ", shape.Take(d))}, ...] has too many elements.");
            }
        }

        // data_offsets
        if (offsetsElement is not { ValueKind: JsonValueKind.Array } offsetsValue || offsetsValue.GetArrayLength() != 2)
        {
            throw new InvalidDataException($"Tensor '{name}': \"data_offsets\" is missing or not an array of two integers.");
        }

        long begin = ReadOffset(name, offsetsValue[0], "begin");
        long end = ReadOffset(name, offsetsValue[1], "end");
        if (end < begin)
        {
            throw new InvalidDataException($"Tensor '{name}': data_offsets [{begin}, {end}] end before they begin.");
        }

        long byteLength = elements * SafeTensorsDTypes.SizeOf(dtype);
        if (end - begin != byteLength)
        {
            throw new InvalidDataException(
                $"Tensor '{name}': {dtype} shape [{string.Join(", ", shape)}] needs {byteLength} bytes, but data_offsets [{begin}, {end}] span {end - begin}.");
        }

        return new TensorHeader(name, dtype, shape, (int)elements, begin, end);
    }

    private static long ReadOffset(string name, JsonElement element, string which)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long offset) || offset < 0)
        {
            throw new InvalidDataException($"Tensor '{name}': data_offsets {which} ({element.GetRawText()}) is not a non-negative integer.");
        }

        if (offset > MaxDataLength)
        {
            throw new InvalidDataException($"Tensor '{name}': data_offsets {which} ({offset}) is beyond the {MaxDataLength}-byte limit of the data buffer.");
        }

        return offset;
    }

    // The tensors' byte ranges must tile [0, data length) exactly: sorted by offset, each begins where the previous ends.
    private static long CheckTiling(List<TensorHeader> tensors)
    {
        TensorHeader[] sorted = tensors.ToArray();
        Array.Sort(sorted, static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        TensorHeader? previous = null;
        foreach (TensorHeader tensor in sorted)
        {
            if (tensor.Begin < expected)
            {
                throw new InvalidDataException(
                    $"Tensor '{tensor.Name}' (bytes [{tensor.Begin}, {tensor.End})) overlaps tensor '{previous!.Name}' (bytes [{previous.Begin}, {previous.End})).");
            }

            if (tensor.Begin > expected)
            {
                throw new InvalidDataException(
                    $"Bytes [{expected}, {tensor.Begin}) of the data buffer belong to no tensor (the next is '{tensor.Name}').");
            }

            expected = tensor.End;
            previous = tensor;
        }

        return expected;
    }

    private static InvalidDataException Duplicate(string name, string field) =>
        new($"Tensor '{name}': \"{field}\" appears twice.");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    // ---------------------------------------------------------------------------------------------------------------
    // Writing
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Writes a safetensors file to <paramref name="stream"/>. Every entry is validated and the header built before the
    /// first byte is written; tensors are laid out in the order given.
    /// </summary>
    /// <exception cref="ArgumentException">Two entries share a name, or a metadata key or value is null.</exception>
    public static void Write(Stream stream, IEnumerable<SafeTensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] header = BuildHeader(tensors, metadata, out List<SafeTensorsEntry> entries);
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)header.Length);
        stream.Write(lengthBytes);
        stream.Write(header);
        foreach (SafeTensorsEntry entry in entries)
        {
            entry.WriteData(stream);
        }

        stream.Flush();
    }

    /// <summary>Writes F32 tensors to <paramref name="stream"/>, bit-exact.</summary>
    public static void Write(Stream stream, IEnumerable<(string Name, int[] Shape, float[] Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Write(stream, tensors.Select(static t => SafeTensorsEntry.F32(t.Name, t.Shape, t.Data)).ToList(), metadata);
    }

    /// <summary>
    /// Writes a safetensors file at <paramref name="path"/> atomically: the bytes go to a temporary file in the same
    /// folder, which is flushed to disk and then moved over <paramref name="path"/>. A failure at any point leaves
    /// whatever was at <paramref name="path"/> before untouched, and removes the temporary file.
    /// </summary>
    public static void Write(string path, IEnumerable<SafeTensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        List<SafeTensorsEntry> entries = tensors?.ToList() ?? throw new ArgumentNullException(nameof(tensors));
        WriteAtomically(path, stream => Write(stream, entries, metadata));
    }

    /// <summary>Writes F32 tensors at <paramref name="path"/> atomically, as <see cref="Write(string, IEnumerable{SafeTensorsEntry}, IReadOnlyDictionary{string, string}?)"/>.</summary>
    public static void Write(string path, IEnumerable<(string Name, int[] Shape, float[] Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Write(path, tensors.Select(static t => SafeTensorsEntry.F32(t.Name, t.Shape, t.Data)).ToList(), metadata);
    }

    /// <summary>
    /// Runs <paramref name="write"/> on a temporary file next to <paramref name="path"/>, flushes it to disk and moves
    /// it over <paramref name="path"/>. The temporary file is named <c>.&lt;file name&gt;.&lt;32 hex digits&gt;.tmp</c>;
    /// stale ones that an earlier write killed midway left behind are removed first
    /// (<see cref="RemoveStaleTemporaryFiles"/>). An I/O or access error names <paramref name="path"/> (the temporary
    /// file's path is in the inner exception); whatever fails, the temporary file is removed.
    /// </summary>
    internal static void WriteAtomically(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            RemoveStaleTemporaryFiles(fullPath);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw NamingTarget(e, path);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Removes the temporary files that <see cref="WriteAtomically"/> leaves when it is killed midway (a crash, a
    /// killed process, a power cut) for the file at <paramref name="path"/>: the files of its folder named
    /// <c>.&lt;file name&gt;.&lt;32 hex digits&gt;.tmp</c>. A temporary file that a write still holds open (in this
    /// process or another) is left alone, and so is every other file. Best effort: a file that cannot be removed stays.
    /// </summary>
    internal static void RemoveStaleTemporaryFiles(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(fullPath);
        if (folder is null || !Directory.Exists(folder))
        {
            return;
        }

        string prefix = "." + Path.GetFileName(fullPath) + ".";
        const int GuidDigits = 32;
        // The pattern narrows the listing; the checks below decide (a name with wildcard characters only widens it).
        foreach (string candidate in Directory.EnumerateFiles(folder, prefix + "*.tmp"))
        {
            string name = Path.GetFileName(candidate);
            if (name.Length != prefix.Length + GuidDigits + ".tmp".Length
                || !name.StartsWith(prefix, StringComparison.Ordinal)
                || !name.EndsWith(".tmp", StringComparison.Ordinal)
                || !Guid.TryParseExact(name.AsSpan(prefix.Length, GuidDigits), "N", out _))
            {
                continue;
            }

            try
            {
                // Opening it alone fails while a writer holds it (FileShare.None on both sides); closing deletes it.
                using var stale = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                // In use, or gone already.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The error <paramref name="error"/> of writing <paramref name="path"/>, of the same kind, with the path the caller gave first.</summary>
    private static Exception NamingTarget(Exception error, string path)
    {
        string message = $"Could not write '{path}': {error.Message}";
        return error switch
        {
            UnauthorizedAccessException => new UnauthorizedAccessException(message, error),
            DirectoryNotFoundException => new DirectoryNotFoundException(message, error),
            PathTooLongException => new PathTooLongException(message, error),
            _ => new IOException(message, error),
        };
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static byte[] BuildHeader(IEnumerable<SafeTensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata, out List<SafeTensorsEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        entries = new List<SafeTensorsEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafeTensorsEntry? entry in tensors)
        {
            if (entry is null)
            {
                throw new ArgumentException("A tensor entry is null.", nameof(tensors));
            }

            if (!names.Add(entry.Name))
            {
                throw new ArgumentException($"Two tensors are named '{entry.Name}'.", nameof(tensors));
            }

            entries.Add(entry);
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> pair in metadata)
                {
                    if (pair.Key is null || pair.Value is null)
                    {
                        throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
                    }

                    json.WriteString(pair.Key, pair.Value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (SafeTensorsEntry entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", SafeTensorsDTypes.ToHeaderName(entry.DType));
                json.WriteStartArray("shape");
                foreach (int dimension in entry.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += entry.ByteLength;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            if (offset > MaxDataLength)
            {
                throw new ArgumentException($"The tensors need {offset} bytes; a safetensors file read by this library holds at most {MaxDataLength}.", nameof(tensors));
            }

            json.WriteEndObject();
        }

        // Pad the header with spaces to a multiple of 8 bytes so the data buffer is aligned, as the reference writer does.
        int length = buffer.WrittenCount;
        int padded = (length + 7) & ~7;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }
}
