using System;
using System.IO;
using System.Text;
using Rnn.Gen.Serialization;
using Xunit;
using static Rnn.Gen.Tests.Serialization.SafeTensorsTestData;

namespace Rnn.Gen.Tests.Serialization;

/// <summary>Every way a hostile or broken file can be malformed is rejected with <see cref="InvalidDataException"/> naming the problem.</summary>
public class SafeTensorsMalformedTests
{
    private const string OneF32 = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    private static string OneTensor(string dtype, string shape, string offsets) =>
        "{\"a\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";

    // Both a seekable and a non-seekable stream must reject the input, with a message containing `expected`.
    private static void AssertRejected(byte[] bytes, string expected)
    {
        var seekable = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new MemoryStream(bytes)));
        Assert.Contains(expected, seekable.Message, StringComparison.Ordinal);
        var streamed = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new NonSeekableStream(bytes)));
        Assert.Contains(expected, streamed.Message, StringComparison.Ordinal);
    }

    private static void AssertRejected(string header, byte[] data, string expected) => AssertRejected(File(header, data), expected);

    [Fact]
    public void The_well_formed_baseline_reads()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(File(OneF32, Singles(1, 2))));
        Assert.Equal(new float[] { 1, 2 }, file["a"].ToSingleArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(7)]
    public void Input_shorter_than_the_header_length(int length) =>
        AssertRejected(new byte[length], "too short for the 8-byte header length");

    [Fact]
    public void Header_length_beyond_the_end_of_the_file()
    {
        byte[] bytes = File(OneF32, Singles(1, 2), headerLength: 10_000);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new MemoryStream(bytes)));
        Assert.Contains("runs past the end of the input", e.Message, StringComparison.Ordinal);
        // Without a length to check against, the header read runs out of input.
        e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new NonSeekableStream(bytes)));
        Assert.Contains("header is truncated", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    public void Header_length_beyond_the_sane_bound(ulong headerLength) =>
        AssertRejected(File(OneF32, Singles(1, 2), headerLength), "larger than the 100000000-byte limit");

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    public void Header_length_too_small_for_an_object(ulong headerLength) =>
        AssertRejected(File("{}", null, headerLength), "at least 2 bytes");

    [Fact]
    public void Header_length_bound_is_checked_before_allocating()
    {
        // A non-seekable stream claiming a 99 MB header but holding a few bytes must fail without a 99 MB buffer.
        byte[] bytes = File(OneF32, Singles(1, 2), headerLength: 99_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new NonSeekableStream(bytes, maxRead: 4096)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8_000_000, "the reader allocated from an unchecked header length");
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"a\": {\"dtype\": \"F32\",")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{} {}")]
    public void Header_not_json(string header) => AssertRejected(header, Array.Empty<byte>(), "not valid JSON");

    [Fact]
    public void Header_not_utf8() =>
        AssertRejected(File(new byte[] { (byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}' }), "not valid UTF-8");

    [Theory]
    [InlineData("[1, 2]", "array")]
    [InlineData("\"text\"", "string")]
    [InlineData("42", "number")]
    [InlineData("null", "null")]
    public void Header_not_an_object(string header, string kind) =>
        AssertRejected(header, Array.Empty<byte>(), $"The header is a JSON {kind}, not an object");

    [Fact]
    public void Header_nested_too_deep() =>
        AssertRejected("{\"a\":" + new string('[', 500) + new string(']', 500) + "}", Array.Empty<byte>(), "not valid JSON");

    [Fact]
    public void Tensor_entry_not_an_object() =>
        AssertRejected("""{"a":[0,8]}""", Singles(1, 2), "Tensor 'a': its header entry is a JSON array");

    [Theory]
    [InlineData("F128")]
    [InlineData("f32")]
    [InlineData("float32")]
    [InlineData("")]
    public void Unknown_dtype(string dtype) =>
        AssertRejected(OneTensor(dtype, "[2]", "[0,8]"), Singles(1, 2), $"unknown dtype \"{dtype}\"");

    [Theory]
    [InlineData("""{"a":{"shape":[2],"data_offsets":[0,8]}}""", "\"dtype\" is missing or not a string")]
    [InlineData("""{"a":{"dtype":32,"shape":[2],"data_offsets":[0,8]}}""", "\"dtype\" is missing or not a string")]
    [InlineData("""{"a":{"dtype":"F32","data_offsets":[0,8]}}""", "\"shape\" is missing or not an array")]
    [InlineData("""{"a":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}""", "\"shape\" is missing or not an array")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2]}}""", "\"data_offsets\" is missing")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}}""", "\"data_offsets\" is missing or not an array of two integers")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8]}}""", "\"data_offsets\" is missing or not an array of two integers")]
    [InlineData("""{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "\"dtype\" appears twice")]
    public void Missing_or_mistyped_fields(string header, string expected) => AssertRejected(header, Singles(1, 2), expected);

    [Fact]
    public void Negative_dimension() =>
        AssertRejected("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", Singles(1, 2), "shape entry 0 is negative (-2)");

    [Theory]
    [InlineData("1.5")]
    [InlineData("\"2\"")]
    [InlineData("1e400")]
    [InlineData("99999999999999999999")]
    public void Non_integer_dimension(string dimension) =>
        AssertRejected(OneTensor("F32", "[" + dimension + "]", "[0,8]"), Singles(1, 2), "is not an integer");

    [Fact]
    public void Dimension_too_large() =>
        AssertRejected("""{"a":{"dtype":"F32","shape":[4294967296],"data_offsets":[0,8]}}""", Singles(1, 2), "is too large");

    [Fact]
    public void Element_count_overflow() =>
        AssertRejected("""{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}""", Singles(1, 2), "too many elements");

    [Theory]
    [InlineData("[-1,7]", "begin (-1) is not a non-negative integer")]
    [InlineData("[0,-8]", "end (-8) is not a non-negative integer")]
    [InlineData("[0.5,8]", "begin (0.5) is not a non-negative integer")]
    [InlineData("[\"0\",8]", "begin (\"0\") is not a non-negative integer")]
    [InlineData("[0,18446744073709551616]", "end (18446744073709551616) is not a non-negative integer")]
    [InlineData("[0,9223372036854775807]", "beyond the")]
    public void Offsets_not_valid_integers(string offsets, string expected) =>
        AssertRejected(OneTensor("F32", "[2]", offsets), Singles(1, 2), expected);

    [Fact]
    public void Offsets_ending_before_they_begin() =>
        AssertRejected("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}""", Singles(1, 2), "end before they begin");

    [Fact]
    public void Offsets_out_of_range_of_the_data()
    {
        // The header describes 16 bytes of data; the file holds 8.
        byte[] bytes = File("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", Singles(1, 2));
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new MemoryStream(bytes)));
        Assert.Contains("data buffer is truncated: the header's offsets need 16 bytes, the input has 8", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new NonSeekableStream(bytes)));
        Assert.Contains("data buffer is truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_offsets_on_a_non_seekable_stream_do_not_allocate_what_is_not_there()
    {
        // 1.2 GB claimed, 8 bytes present.
        byte[] bytes = File("""{"a":{"dtype":"F32","shape":[300000000],"data_offsets":[0,1200000000]}}""", Singles(1, 2));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new NonSeekableStream(bytes, maxRead: 4096)));
        Assert.Contains("data buffer is truncated", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8_000_000, "the reader allocated from unchecked offsets");
    }

    [Fact]
    public void Overlapping_tensors() =>
        AssertRejected(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""",
            Zeros(12), "Tensor 'b' (bytes [4, 12)) overlaps tensor 'a' (bytes [0, 8))");

    [Fact]
    public void Two_tensors_on_the_same_bytes() =>
        AssertRejected(
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}""",
            Zeros(8), "overlaps");

    [Fact]
    public void Gap_between_tensors() =>
        AssertRejected(
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""",
            Zeros(12), "Bytes [4, 8) of the data buffer belong to no tensor");

    [Fact]
    public void Data_not_starting_at_zero() =>
        AssertRejected("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", Zeros(8), "Bytes [0, 4) of the data buffer belong to no tensor");

    [Theory]
    [InlineData("F32", "[3]", "[0,8]", "needs 12 bytes, but data_offsets [0, 8] span 8")]
    [InlineData("F64", "[2]", "[0,8]", "needs 16 bytes")]
    [InlineData("F16", "[2,2]", "[0,4]", "needs 8 bytes")]
    [InlineData("F32", "[]", "[0,8]", "needs 4 bytes")]
    [InlineData("F32", "[0]", "[0,8]", "needs 0 bytes")]
    public void Shape_and_offsets_disagree(string dtype, string shape, string offsets, string expected) =>
        AssertRejected(OneTensor(dtype, shape, offsets), Zeros(8), expected);

    [Fact]
    public void Trailing_bytes_after_the_data() =>
        AssertRejected(File(OneF32, Zeros(9)), "trailing bytes");

    [Fact]
    public void Data_buffer_larger_than_the_tensors_is_trailing() =>
        AssertRejected(File("{}", Zeros(16)), "trailing bytes");

    [Fact]
    public void Duplicate_tensor_names() =>
        AssertRejected(
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""",
            Zeros(8), "The header names 'a' twice");

    [Fact]
    public void Duplicate_metadata() =>
        AssertRejected("""{"__metadata__":{},"__metadata__":{}}""", Array.Empty<byte>(), "names '__metadata__' twice");

    [Theory]
    [InlineData("""{"__metadata__":[]}""", "'__metadata__' is a JSON array")]
    [InlineData("""{"__metadata__":"x"}""", "'__metadata__' is a JSON string")]
    [InlineData("""{"__metadata__":{"k":1}}""", "'__metadata__' entry 'k' is a JSON number, not a string")]
    [InlineData("""{"__metadata__":{"k":{"nested":"x"}}}""", "'__metadata__' entry 'k' is a JSON object")]
    [InlineData("""{"__metadata__":{"k":"a","k":"b"}}""", "'__metadata__' names 'k' twice")]
    public void Metadata_not_an_object_of_strings(string header, string expected) => AssertRejected(header, Array.Empty<byte>(), expected);

    [Fact]
    public void Truncated_data_on_a_non_seekable_stream()
    {
        byte[] bytes = File(OneF32, Singles(1, 2));
        byte[] truncated = bytes.AsSpan(0, bytes.Length - 3).ToArray();
        AssertRejected(truncated, "data buffer is truncated");
    }

    [Fact]
    public void A_path_read_names_the_path()
    {
        string folder = Directory.CreateTempSubdirectory("rnngen-").FullName;
        try
        {
            string path = Path.Combine(folder, "broken.safetensors");
            System.IO.File.WriteAllBytes(path, File(OneF32, Zeros(9)));
            var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path));
            Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
            Assert.Contains("trailing bytes", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_is_rejected()
    {
        byte[] bytes = File(
            """{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[1],"data_offsets":[8,10]}}""",
            Encoding.ASCII.GetBytes("0123456789"));
        SafeTensorsFile.Read(new MemoryStream(bytes));
        for (int length = 0; length < bytes.Length; length++)
        {
            byte[] prefix = bytes.AsSpan(0, length).ToArray();
            Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new MemoryStream(prefix)));
            Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new NonSeekableStream(prefix)));
        }
    }

    [Fact]
    public void Random_corruptions_never_escape_as_other_exceptions()
    {
        // Flip bytes of a valid file at random: each result either reads or throws InvalidDataException, nothing else.
        byte[] original = File(
            """{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[1,1],"data_offsets":[8,10]}}""",
            Encoding.ASCII.GetBytes("0123456789"));
        var random = new Random(1234);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                SafeTensorsFile.Read(new MemoryStream(bytes));
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
