using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Rnn.Gen.Serialization;
using Xunit;
using static Rnn.Gen.Tests.Serialization.SafeTensorsTestData;

namespace Rnn.Gen.Tests.Serialization;

/// <summary>Reading well-formed files, dtype conversions, writing, and the atomic path write.</summary>
public class SafeTensorsFileTests
{
    private static readonly float[] AwkwardSingles =
    {
        0f, -0f, 1f, -1.5f, float.Epsilon, -float.Epsilon, 1.17549435e-38f, float.MaxValue, float.MinValue,
        float.PositiveInfinity, float.NegativeInfinity, 3.14159274f, 1e-7f,
        BitConverter.Int32BitsToSingle(0x7FC00001), // a NaN with a payload
        BitConverter.Int32BitsToSingle(unchecked((int)0xFF800123)), // a negative signalling NaN with a payload
    };

    private static readonly double[] AwkwardDoubles =
    {
        0d, -0d, 0.1, -1e300, double.Epsilon, double.MaxValue, double.NegativeInfinity,
        BitConverter.Int64BitsToDouble(0x7FF8000000000ABC),
    };

    private static SafeTensorsFile RoundTrip(IEnumerable<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, entries, metadata);
        return SafeTensorsFile.Read(new MemoryStream(stream.ToArray()));
    }

    [Fact]
    public void F32_round_trip_is_bit_exact()
    {
        SafeTensorsFile file = RoundTrip(new[] { SafeTensorsEntry.F32("w", new[] { 3, 5 }, AwkwardSingles) });
        SafeTensor tensor = file["w"];
        Assert.Equal(SafeTensorsDType.F32, tensor.DType);
        Assert.Equal(new[] { 3, 5 }, tensor.Shape);
        Assert.Equal(AwkwardSingles.Select(BitConverter.SingleToInt32Bits), tensor.ToSingleArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void F64_round_trip_is_bit_exact()
    {
        SafeTensorsFile file = RoundTrip(new[] { SafeTensorsEntry.F64("d", new[] { 2, 2, 2 }, AwkwardDoubles) });
        Assert.Equal(AwkwardDoubles.Select(BitConverter.DoubleToInt64Bits), file["d"].ToDoubleArray().Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Tuple_overload_writes_f32_and_path_round_trip_is_bit_exact()
    {
        string folder = Directory.CreateTempSubdirectory("rnngen-").FullName;
        try
        {
            string path = Path.Combine(folder, "weights.safetensors");
            var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "héllo \"quoted\" \n ünïcode ✓" };
            SafeTensorsFile.Write(path, new[] { ("a", new[] { 15 }, AwkwardSingles), ("b", new[] { 1, 0 }, Array.Empty<float>()) }, metadata);
            SafeTensorsFile file = SafeTensorsFile.Read(path);
            Assert.Equal(new[] { "a", "b" }, file.Tensors.Select(t => t.Name));
            Assert.Equal(AwkwardSingles.Select(BitConverter.SingleToInt32Bits), file["a"].ToSingleArray().Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(0, file["b"].ElementCount);
            Assert.Equal(metadata, file.Metadata);
            Assert.Single(Directory.GetFiles(folder)); // no temporary file left behind
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Writer_pads_the_header_to_eight_bytes_and_lays_tensors_out_in_order()
    {
        var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, new[]
        {
            SafeTensorsEntry.F32("first", new[] { 3 }, new float[] { 1, 2, 3 }),
            SafeTensorsEntry.F64("second", new[] { 1 }, new double[] { 4 }),
        });
        byte[] bytes = stream.ToArray();
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Equal(
            """{"first":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"second":{"dtype":"F64","shape":[1],"data_offsets":[12,20]}}""",
            header.TrimEnd(' '));
        Assert.Equal(8 + (int)headerLength + 20, bytes.Length);
        Assert.Equal(4.0, BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 + (int)headerLength + 12)));
    }

    [Fact]
    public void Reads_a_non_seekable_stream_in_small_pieces()
    {
        var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, new[] { SafeTensorsEntry.F32("w", new[] { 15 }, AwkwardSingles) }, new Dictionary<string, string> { ["k"] = "v" });
        SafeTensorsFile file = SafeTensorsFile.Read(new NonSeekableStream(stream.ToArray(), maxRead: 3));
        Assert.Equal(AwkwardSingles.Select(BitConverter.SingleToInt32Bits), file["w"].ToSingleArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal("v", file.Metadata["k"]);
    }

    [Fact]
    public void Reads_from_the_current_position_of_a_seekable_stream()
    {
        var inner = new MemoryStream();
        inner.Write(new byte[] { 9, 9, 9 });
        SafeTensorsFile.Write(inner, new[] { SafeTensorsEntry.F32("w", new[] { 1 }, new float[] { 7 }) });
        inner.Position = 3;
        Assert.Equal(7f, SafeTensorsFile.Read(inner)["w"].ToSingleArray()[0]);
    }

    [Fact]
    public void F16_hand_built_file_converts_exactly()
    {
        // 1, -2, 0.5, 65504 (largest half), 2^-24 (smallest subnormal), -0, +inf, 0.333251953125
        ushort[] halves = { 0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x3555 };
        double[] expected = { 1, -2, 0.5, 65504, Math.Pow(2, -24), -0.0, double.PositiveInfinity, 0.333251953125 };
        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(File(
            """{"h":{"dtype":"F16","shape":[2,4],"data_offsets":[0,16]}}""", UInt16s(halves))));
        Assert.Equal(SafeTensorsDType.F16, file["h"].DType);
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), file["h"].ToDoubleArray().Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected.Select(v => BitConverter.SingleToInt32Bits((float)v)), file["h"].ToSingleArray().Select(BitConverter.SingleToInt32Bits));
        Assert.True(float.IsNaN(SafeTensorsFile.Read(new MemoryStream(File(
            """{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}""", UInt16s(0x7E00))))["h"].ToSingleArray()[0]));
    }

    [Fact]
    public void BF16_hand_built_file_converts_exactly()
    {
        // 1, -2, 3.140625, 2^-133 (subnormal), largest bf16, -inf
        ushort[] bf16 = { 0x3F80, 0xC000, 0x4049, 0x0001, 0x7F7F, 0xFF80 };
        float[] expected =
        {
            1f, -2f, 3.140625f, BitConverter.Int32BitsToSingle(0x00010000), BitConverter.Int32BitsToSingle(0x7F7F0000), float.NegativeInfinity,
        };
        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(File(
            """{"b":{"dtype":"BF16","shape":[6],"data_offsets":[0,12]}}""", UInt16s(bf16))));
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), file["b"].ToSingleArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(expected.Select(v => (double)v), file["b"].ToDoubleArray());
    }

    [Fact]
    public void F64_hand_built_file_rounds_to_nearest_float()
    {
        double[] values = { 0.1, 1.0 + Math.Pow(2, -30), 1e39, -1e-50 };
        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(File(
            """{"d":{"dtype":"F64","shape":[4],"data_offsets":[0,32]}}""", Doubles(values))));
        Assert.Equal(new[] { 0.1f, 1f, float.PositiveInfinity, -0f }.Select(BitConverter.SingleToInt32Bits),
            file["d"].ToSingleArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(values, file["d"].ToDoubleArray());
    }

    [Fact]
    public void F32_hand_built_file_widens_to_double_exactly()
    {
        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(File(
            """{"f":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", Singles(0.1f, -3.5f))));
        Assert.Equal(new double[] { 0.1f, -3.5f }, file["f"].ToDoubleArray());
    }

    [Fact]
    public void F16_and_BF16_entries_round_to_nearest_even()
    {
        float[] values =
        {
            1f,
            BitConverter.Int32BitsToSingle(0x3F808000), // exactly between bf16 0x3F80 and 0x3F81: ties to even, 0x3F80
            BitConverter.Int32BitsToSingle(0x3F818000), // between 0x3F81 and 0x3F82: ties to even, 0x3F82
            BitConverter.Int32BitsToSingle(0x3F808001), // just above the tie: up, 0x3F81
            float.NaN,
            float.PositiveInfinity,
        };
        SafeTensorsFile file = RoundTrip(new[]
        {
            SafeTensorsEntry.BF16("b", new[] { 6 }, values),
            SafeTensorsEntry.F16("h", new[] { 6 }, values),
        });
        float[] bf16 = file["b"].ToSingleArray();
        Assert.Equal(new[] { 0x3F800000, 0x3F800000, 0x3F820000, 0x3F810000 }, bf16.Take(4).Select(BitConverter.SingleToInt32Bits));
        Assert.True(float.IsNaN(bf16[4]));
        Assert.Equal(float.PositiveInfinity, bf16[5]);
        float[] f16 = file["h"].ToSingleArray();
        Assert.Equal(values.Take(4).Select(v => (float)(Half)v), f16.Take(4));
        Assert.True(float.IsNaN(f16[4]));
        Assert.Equal(float.PositiveInfinity, f16[5]);
    }

    [Fact]
    public void Raw_entries_keep_their_bytes_and_other_dtypes_read_but_do_not_convert()
    {
        byte[] int64s = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(int64s, -5);
        BinaryPrimitives.WriteInt64LittleEndian(int64s.AsSpan(8), 1L << 40);
        SafeTensorsFile file = RoundTrip(new[] { SafeTensorsEntry.Raw("steps", SafeTensorsDType.I64, new[] { 2 }, int64s) });
        SafeTensor tensor = file["steps"];
        Assert.Equal(SafeTensorsDType.I64, tensor.DType);
        Assert.Equal(int64s, tensor.Data.ToArray());
        var e = Assert.Throws<NotSupportedException>(() => tensor.ToSingleArray());
        Assert.Contains("I64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scalars_empty_tensors_padding_and_unknown_fields_read()
    {
        // A header padded with spaces (as writers align it), a scalar, a zero-size tensor, an unknown field.
        string header = """{"s":{"dtype":"F32","shape":[],"data_offsets":[0,4],"extra":{"x":[1]}},"e":{"dtype":"F64","shape":[3,0],"data_offsets":[4,4]}}   """;
        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(File(header, Singles(2.5f))));
        Assert.Equal(new[] { 2.5f }, file["s"].ToSingleArray());
        Assert.Empty(file["s"].Shape);
        Assert.Equal(0, file["e"].ElementCount);
        Assert.Equal(new[] { 3, 0 }, file["e"].Shape);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void An_empty_file_with_only_metadata_reads()
    {
        SafeTensorsFile file = RoundTrip(Array.Empty<SafeTensorsEntry>(), new Dictionary<string, string> { ["a"] = "b" });
        Assert.Empty(file.Tensors);
        Assert.Equal("b", file.Metadata["a"]);
        Assert.Empty(SafeTensorsFile.Read(new MemoryStream(File("""{"__metadata__":null}"""))).Metadata);
    }

    [Fact]
    public void Lookup_of_a_missing_tensor_names_it()
    {
        SafeTensorsFile file = RoundTrip(new[] { SafeTensorsEntry.F32("w", new[] { 1 }, new float[] { 1 }) });
        Assert.True(file.Contains("w"));
        Assert.False(file.TryGetTensor("v", out _));
        var e = Assert.Throws<KeyNotFoundException>(() => file["v"]);
        Assert.Contains("'v'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CopyTo_checks_the_destination_length()
    {
        SafeTensor tensor = RoundTrip(new[] { SafeTensorsEntry.F32("w", new[] { 2 }, new float[] { 1, 2 }) })["w"];
        Assert.Throws<ArgumentException>(() => tensor.CopyTo(new float[3]));
        Assert.Throws<ArgumentException>(() => tensor.CopyTo(new double[1]));
    }

    [Fact]
    public void Writer_rejects_bad_entries_before_writing_anything()
    {
        Assert.Throws<ArgumentException>(() => SafeTensorsEntry.F32("w", new[] { 2, 2 }, new float[3]));
        Assert.Throws<ArgumentException>(() => SafeTensorsEntry.F32("w", new[] { -1 }, new float[0]));
        Assert.Throws<ArgumentException>(() => SafeTensorsEntry.F32("__metadata__", new[] { 1 }, new float[1]));
        Assert.Throws<ArgumentException>(() => SafeTensorsEntry.Raw("w", SafeTensorsDType.F16, new[] { 2 }, new byte[3]));
        Assert.Throws<ArgumentException>(() => SafeTensorsEntry.F32("w", new[] { 65536, 65536 }, new float[1]));

        var stream = new MemoryStream();
        var e = Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(stream, new[]
        {
            SafeTensorsEntry.F32("w", new[] { 1 }, new float[1]),
            SafeTensorsEntry.F32("w", new[] { 1 }, new float[1]),
        }));
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void The_entry_copies_its_shape()
    {
        int[] shape = { 2 };
        SafeTensorsEntry entry = SafeTensorsEntry.F32("w", shape, new float[2]);
        shape[0] = 5;
        Assert.Equal(new[] { 2 }, entry.Shape);
    }

    // ----- atomic writes -----

    [Fact]
    public void A_write_that_fails_midway_leaves_the_previous_file_intact()
    {
        string folder = Directory.CreateTempSubdirectory("rnngen-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.safetensors");
            SafeTensorsFile.Write(path, new[] { ("w", new[] { 2 }, new float[] { 1, 2 }) });
            byte[] before = System.IO.File.ReadAllBytes(path);

            // The first tensor's bytes are written, then the second tensor's data throws.
            var failing = new ThrowingMemory(4);
            Assert.Throws<IOException>(() => SafeTensorsFile.Write(path, new[]
            {
                SafeTensorsEntry.F32("ok", new[] { 3 }, new float[] { 1, 2, 3 }),
                SafeTensorsEntry.F32("fails", new[] { 4 }, failing.Memory),
            }));

            Assert.True(failing.Touched);
            Assert.Equal(before, System.IO.File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_failed_first_write_creates_no_file()
    {
        string folder = Directory.CreateTempSubdirectory("rnngen-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.safetensors");
            Assert.Throws<IOException>(() => SafeTensorsFile.Write(path, new[] { SafeTensorsEntry.F32("fails", new[] { 4 }, new ThrowingMemory(4).Memory) }));
            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_successful_write_replaces_the_file()
    {
        string folder = Directory.CreateTempSubdirectory("rnngen-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.safetensors");
            SafeTensorsFile.Write(path, new[] { ("w", new[] { 2 }, new float[] { 1, 2 }) });
            SafeTensorsFile.Write(path, new[] { ("v", new[] { 1 }, new float[] { 3 }) });
            SafeTensorsFile file = SafeTensorsFile.Read(path);
            Assert.Equal(new[] { "v" }, file.Tensors.Select(t => t.Name));
            Assert.Single(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Memory whose span cannot be taken: it stands for a data source that fails while the file is written.</summary>
    private sealed class ThrowingMemory : MemoryManager<float>
    {
        private readonly int _length;

        public ThrowingMemory(int length) => _length = length;

        public bool Touched { get; private set; }

        public override Span<float> GetSpan()
        {
            Touched = true;
            throw new IOException("simulated failure while writing");
        }

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }

        // The default Memory takes the span to learn the length; this one knows it without failing.
        public override Memory<float> Memory => CreateMemory(_length);
    }
}
