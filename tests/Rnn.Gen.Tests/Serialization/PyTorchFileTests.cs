using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Serialization;

/// <summary>
/// PyTorch checkpoints (<c>torch.save(state_dict)</c>) built byte by byte: faithful ones load exactly (shared storages,
/// strided views, any folder name, stored or deflated entries), hostile ones are refused with a message that names
/// the problem, and the model is left unchanged.
/// </summary>
public class PyTorchFileTests
{
    private static FakeModel Initialized(int seed)
    {
        var model = new FakeModel();
        model.Initialize(seed);
        return model;
    }

    // One FloatStorage per tensor, keys "0", "1", …, as torch.save writes a CPU model's state_dict.
    private static (List<TorchTensor> Tensors, List<TorchStorage> Storages) Separate(IRnnModel model)
    {
        float[] parameters = model.Parameters.ToArray();
        var tensors = new List<TorchTensor>();
        var storages = new List<TorchStorage>();
        for (int i = 0; i < model.ParameterLayout.Count; i++)
        {
            ParameterInfo info = model.ParameterLayout[i];
            string key = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            storages.Add(TorchStorage.Float(key, parameters.AsSpan(info.Offset, info.Length).ToArray()));
            tensors.Add(TorchTensor.Contiguous(info.Name, key, info.Shape.Select(d => (long)d).ToArray()));
        }

        return (tensors, storages);
    }

    private static float[] Parameter(IRnnModel model, string name) =>
        model.ParameterLayout.Single(p => p.Name == name).Slice(model.Parameters).ToArray();

    private static byte[] CheckpointOf(IRnnModel model, string folder = "archive", bool deflate = false)
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(model);
        return TorchSave.Checkpoint(tensors, storages, folder, deflate);
    }

    private static void AssertLoads(byte[] file, IRnnModel expected, IReadOnlyDictionary<string, string>? nameMap = null)
    {
        FakeModel target = Initialized(99);
        WeightFile.Load(target, new MemoryStream(file), nameMap);
        Assert.Equal(expected.Parameters.ToArray(), target.Parameters.ToArray());
    }

    private static InvalidDataException AssertRefused(byte[] file, params string[] expected)
    {
        FakeModel target = Initialized(7);
        float[] before = target.Parameters.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(target, new MemoryStream(file)));
        foreach (string text in expected)
        {
            Assert.Contains(text, e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, target.Parameters.ToArray()); // nothing changed
        return e;
    }

    private static byte[] Replace(byte[] bytes, string find, string replacement)
    {
        byte[] from = Encoding.ASCII.GetBytes(find);
        int at = bytes.AsSpan().IndexOf(from);
        Assert.True(at >= 0, $"'{find}' is not in the pickle");
        return [.. bytes.AsSpan(0, at), .. Encoding.ASCII.GetBytes(replacement), .. bytes.AsSpan(at + from.Length)];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Faithful checkpoints
    // ---------------------------------------------------------------------------------------------------------------

    [Fact]
    public void A_torch_save_state_dict_loads_bit_exact()
    {
        FakeModel source = Initialized(1);
        source.Parameters[5] = BitConverter.Int32BitsToSingle(0x7FC00123); // a NaN payload survives
        byte[] file = CheckpointOf(source);
        PyTorchFile read = PyTorchFile.Read(new MemoryStream(file));
        Assert.Equal(source.ParameterLayout.Select(p => p.Name), read.Tensors.Select(t => t.Name));
        Assert.All(read.Tensors, t => Assert.Equal(SafeTensorsDType.F32, t.DType));

        FakeModel target = Initialized(99);
        WeightFile.Load(target, read);
        Assert.Equal(source.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits), target.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData("archive", false)]
    [InlineData("lstm_forecaster", false)] // older PyTorch names the folder after the file
    [InlineData("model", true)] // TorchSharp.PyBridge deflates its entries
    public void Any_folder_name_and_stored_or_deflated_entries_load(string folder, bool deflate)
    {
        FakeModel source = Initialized(2);
        AssertLoads(CheckpointOf(source, folder, deflate), source);
    }

    [Fact]
    public void Tensors_that_are_views_of_one_shared_storage_load()
    {
        // A cuDNN LSTM's flattened weights: every tensor a view into one storage, at its own offset.
        FakeModel source = Initialized(3);
        var storage = TorchStorage.Float("0", source.Parameters.ToArray());
        List<TorchTensor> tensors = source.ParameterLayout
            .Select(p => TorchTensor.Contiguous(p.Name, "0", p.Shape.Select(d => (long)d).ToArray()) with { Offset = p.Offset })
            .ToList();
        byte[] file = TorchSave.Checkpoint(tensors, new[] { storage });
        AssertLoads(file, source);
    }

    [Fact]
    public void Strided_views_are_gathered_in_row_major_order()
    {
        // 0.weight_ih_l0 [8, 3] stored transposed ([3, 8] row-major, then .t()): size (8, 3), stride (1, 8).
        FakeModel source = Initialized(4);
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(source);
        float[] weight = Parameter(source, "0.weight_ih_l0");
        float[] transposed = new float[24];
        for (int r = 0; r < 8; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                transposed[c * 8 + r] = weight[r * 3 + c];
            }
        }

        storages[0] = TorchStorage.Float("0", transposed);
        tensors[0] = new TorchTensor("0.weight_ih_l0", "0", 0, new long[] { 8, 3 }, new long[] { 1, 8 });

        // 1.bias [1] with an arbitrary stride for its size-1 dimension, at offset 2 of a longer storage.
        storages[5] = TorchStorage.Float("5", new[] { 0f, 0f, Parameter(source, "1.bias")[0] });
        tensors[5] = new TorchTensor("1.bias", "5", 2, new long[] { 1 }, new long[] { 7 });
        AssertLoads(TorchSave.Checkpoint(tensors, storages), source);
    }

    [Fact]
    public void Parameters_saved_with_keep_vars_load()
    {
        FakeModel source = Initialized(5);
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(source);
        AssertLoads(TorchSave.Checkpoint(tensors, storages, asParameters: true), source);
    }

    [Fact]
    public void A_protocol_4_pickle_loads()
    {
        FakeModel source = Initialized(12);
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(source);
        byte[] file = TorchSave.Checkpoint(tensors, storages, protocol4: true);
        AssertLoads(file, source);
        AssertRefused(TorchSave.Checkpoint(tensors, storages, protocol4: true, editPickle: p => Replace(p, "OrderedDict", "Popen______")),
            "the global 'collections.Popen______'");
    }

    [Fact]
    public void Half_bfloat16_and_double_storages_are_converted()
    {
        FakeModel source = Initialized(6);
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(source);
        float[] parameters = source.Parameters.ToArray();
        var expected = (float[])parameters.Clone();
        for (int i = 0; i < 3; i++)
        {
            ParameterInfo info = source.ParameterLayout[i];
            float[] values = parameters.AsSpan(info.Offset, info.Length).ToArray();
            byte[] bytes;
            string type;
            switch (i)
            {
                case 0:
                    type = "HalfStorage";
                    bytes = new byte[values.Length * 2];
                    for (int j = 0; j < values.Length; j++)
                    {
                        BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(j * 2), (Half)values[j]);
                        expected[info.Offset + j] = (float)(Half)values[j];
                    }

                    break;
                case 1:
                    type = "BFloat16Storage";
                    bytes = new byte[values.Length * 2];
                    for (int j = 0; j < values.Length; j++)
                    {
                        ushort bits = (ushort)(BitConverter.SingleToUInt32Bits(values[j]) >> 16); // truncation: exact in bfloat16
                        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(j * 2), bits);
                        expected[info.Offset + j] = BitConverter.UInt32BitsToSingle((uint)bits << 16);
                    }

                    break;
                default:
                    type = "DoubleStorage";
                    bytes = new byte[values.Length * 8];
                    for (int j = 0; j < values.Length; j++)
                    {
                        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(j * 8), values[j] + 1e-12); // rounds back to the float
                    }

                    break;
            }

            storages[i] = new TorchStorage(storages[i].Key, type, values.Length, bytes);
        }

        FakeModel target = Initialized(99);
        WeightFile.Load(target, new MemoryStream(TorchSave.Checkpoint(tensors, storages)));
        Assert.Equal(expected, target.Parameters.ToArray());
    }

    [Fact]
    public void The_format_is_told_by_content_from_a_path_or_a_stream_that_cannot_seek()
    {
        FakeModel source = Initialized(8);
        byte[] pt = CheckpointOf(source);
        var safetensors = new MemoryStream();
        WeightFile.Save(source, safetensors);

        AssertLoads(pt, source);
        FakeModel streamed = Initialized(99);
        WeightFile.Load(streamed, new NonSeekableStream(pt));
        Assert.Equal(source.Parameters.ToArray(), streamed.Parameters.ToArray());
        WeightFile.Load(streamed = Initialized(99), new NonSeekableStream(safetensors.ToArray()));
        Assert.Equal(source.Parameters.ToArray(), streamed.Parameters.ToArray());

        string folder = Directory.CreateTempSubdirectory("rnngen-pt-").FullName;
        try
        {
            string path = Path.Combine(folder, "weights.bin"); // the extension says nothing
            File.WriteAllBytes(path, pt);
            FakeModel target = Initialized(99);
            WeightFile.Load(target, path);
            Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Hostile and malformed checkpoints
    // ---------------------------------------------------------------------------------------------------------------

    [Fact]
    public void A_pickle_that_names_another_global_is_refused_by_name()
    {
        // The OrderedDict the state_dict is built from becomes os.system: refused where it is named, never called.
        byte[] file = TorchSave.Checkpoint(Separate(Initialized(1)).Tensors, Separate(Initialized(1)).Storages,
            editPickle: p => Replace(p, "collections\nOrderedDict\n", "os\nsystem\n"));
        AssertRefused(file, "the global 'os.system'", "nothing in it is run");
    }

    [Fact]
    public void A_pickle_that_calls_eval_is_refused_before_any_call()
    {
        byte[] pickle = new PickleWriter().Proto().Global("builtins", "eval").String("__import__('os').system('false')").Op(0x85).Reduce().Stop().ToArray();
        byte[] file = TorchSave.Zip(new[] { new TorchSave.ZipEntry("archive/data.pkl", pickle, Deflate: false) });
        AssertRefused(file, "'builtins.eval'", "data.pkl, byte 2");
    }

    [Theory]
    [InlineData(0x81, "NEWOBJ")]
    [InlineData((byte)'i', "INST")]
    [InlineData((byte)'o', "OBJ")]
    [InlineData((byte)'P', "PERSID")]
    public void Opcodes_a_state_dict_does_not_use_are_refused(byte opcode, string name)
    {
        byte[] pickle = new PickleWriter().Proto().EmptyTuple().EmptyTuple().Op(opcode).Stop().ToArray();
        byte[] file = TorchSave.Zip(new[] { new TorchSave.ZipEntry("archive/data.pkl", pickle, Deflate: false) });
        AssertRefused(file, $"opcode 0x{opcode:x2} ({name})");
    }

    [Fact]
    public void A_zip_bomb_is_read_no_further_than_its_declared_size_and_refused()
    {
        // Storage 5 (1.bias, one float) declares 4 bytes and inflates to 64 MiB.
        FakeModel source = Initialized(1);
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(source);
        byte[] pickle = TorchSave.StateDictPickle(tensors, storages);
        var entries = new List<TorchSave.ZipEntry> { new("archive/data.pkl", pickle, Deflate: false) };
        entries.AddRange(storages.Take(5).Select(s => new TorchSave.ZipEntry($"archive/data/{s.Key}", s.Bytes, Deflate: true)));
        entries.Add(new TorchSave.ZipEntry("archive/data/5", new byte[64 << 20], Deflate: true, DeclaredLength: 4));
        byte[] file = TorchSave.Zip(entries);
        Assert.True(file.Length < 200_000, $"{file.Length} bytes");
        AssertRefused(file, "'archive/data/5'", "holds more than the 4 bytes it declares (a zip bomb?)");
    }

    [Fact]
    public void A_corrupted_storage_is_refused_by_its_checksum()
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        byte[] file = TorchSave.Checkpoint(tensors, storages);
        byte[] pattern = storages[1].Bytes[..8];
        int at = file.AsSpan().IndexOf(pattern);
        Assert.True(at > 0);
        file[at + 3] ^= 0x40;
        AssertRefused(file, "'archive/data/1' has CRC-32");
    }

    [Fact]
    public void A_storage_larger_than_the_limit_is_refused_before_it_is_read()
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        storages[1] = storages[1] with { ElementCount = 1L << 40 };
        AssertRefused(TorchSave.Checkpoint(tensors, storages), "Tensor '0.weight_hh_l0'", "limit");
    }

    [Fact]
    public void A_missing_storage_is_refused()
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        storages[2] = storages[2] with { InZip = false };
        AssertRefused(TorchSave.Checkpoint(tensors, storages), "Tensor '0.bias_ih_l0': its storage 'archive/data/2' is not in the zip");
    }

    [Fact]
    public void A_short_storage_is_refused()
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        storages[3] = storages[3] with { Bytes = storages[3].Bytes[..28] }; // 7 of the 8 floats its pickle counts
        AssertRefused(TorchSave.Checkpoint(tensors, storages),
            "Tensor '0.bias_hh_l0': storage 'archive/data/3' declares 28 bytes; 8 elements of FloatStorage are 32");
    }

    [Fact]
    public void A_storage_shorter_than_its_declared_size_is_refused()
    {
        FakeModel source = Initialized(1);
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(source);
        byte[] pickle = TorchSave.StateDictPickle(tensors, storages);
        var entries = new List<TorchSave.ZipEntry> { new("archive/data.pkl", pickle, Deflate: false) };
        entries.AddRange(storages.Take(5).Select(s => new TorchSave.ZipEntry($"archive/data/{s.Key}", s.Bytes, Deflate: false)));
        entries.Add(new TorchSave.ZipEntry("archive/data/5", new byte[2], Deflate: true, DeclaredLength: 4));
        AssertRefused(TorchSave.Zip(entries), "'archive/data/5'");
    }

    [Theory]
    [InlineData(1, new long[] { 8, 3 }, new long[] { 3, 1 })] // one element past the end
    [InlineData(0, new long[] { 8, 3 }, new long[] { 4, 1 })] // a stride that runs past it
    [InlineData(0, new long[] { 9, 3 }, new long[] { 3, 1 })] // a row too many
    public void A_view_past_the_end_of_its_storage_is_refused(long offset, long[] shape, long[] strides)
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        tensors[0] = new TorchTensor("0.weight_ih_l0", "0", offset, shape, strides);
        AssertRefused(TorchSave.Checkpoint(tensors, storages), "Tensor '0.weight_ih_l0'", "past the end of its storage '0' of 24 elements");
    }

    [Fact]
    public void An_integer_storage_is_refused()
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        storages[5] = new TorchStorage("5", "LongStorage", 1, new byte[8]);
        AssertRefused(TorchSave.Checkpoint(tensors, storages), "torch.LongStorage is not a float storage");
    }

    [Fact]
    public void A_storage_key_that_leaves_the_data_folder_is_refused()
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        storages[0] = storages[0] with { Key = "../data.pkl" };
        tensors[0] = tensors[0] with { Key = "../data.pkl" };
        AssertRefused(TorchSave.Checkpoint(tensors, storages), "the storage key '../data.pkl' is not a plain name");
    }

    [Fact]
    public void Truncated_or_trailing_pickles_are_refused()
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        AssertRefused(TorchSave.Checkpoint(tensors, storages, editPickle: p => p[..^40]), "data.pkl, byte");
        AssertRefused(TorchSave.Checkpoint(tensors, storages, editPickle: p => [.. p, (byte)'N']), "1 bytes follow the pickle's STOP");
    }

    [Fact]
    public void A_pickle_that_is_not_a_state_dict_is_refused()
    {
        // torch.save({'model': model.state_dict()}): a checkpoint that nests the state_dict.
        byte[] nested = new PickleWriter().Proto().EmptyDict().String("model").EmptyDict().SetItem().Stop().ToArray();
        AssertRefused(TorchSave.Zip(new[] { new TorchSave.ZipEntry("archive/data.pkl", nested, Deflate: false) }),
            "'model' is a dict, not a tensor");

        byte[] list = new PickleWriter().Proto().Op((byte)']').Stop().ToArray();
        AssertRefused(TorchSave.Zip(new[] { new TorchSave.ZipEntry("archive/data.pkl", list, Deflate: false) }),
            "The pickle holds no dict of tensors");
    }

    [Fact]
    public void A_repeated_name_is_refused()
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        tensors[1] = tensors[1] with { Name = "0.weight_ih_l0", Shape = tensors[0].Shape, Strides = tensors[0].Strides, Key = "0" };
        AssertRefused(TorchSave.Checkpoint(tensors, storages), "The state_dict names '0.weight_ih_l0' twice");
    }

    [Fact]
    public void Big_endian_storages_are_refused()
    {
        byte[] file = CheckpointOf(Initialized(1));
        byte[] big = TorchSave.Zip(new[]
        {
            new TorchSave.ZipEntry("archive/data.pkl", TorchSave.StateDictPickle(Separate(Initialized(1)).Tensors, Separate(Initialized(1)).Storages), false),
            new TorchSave.ZipEntry("archive/byteorder", Encoding.ASCII.GetBytes("big"), false),
        });
        AssertRefused(big, "'big'-endian");
        Assert.NotEmpty(file);
    }

    [Fact]
    public void A_zip_without_a_pickle_or_a_broken_zip_is_refused()
    {
        AssertRefused(TorchSave.Zip(new[] { new TorchSave.ZipEntry("archive/other.txt", new byte[3], false) }), "no '<folder>/data.pkl'");
        byte[] file = CheckpointOf(Initialized(1));
        AssertRefused(file[..(file.Length - 30)], "not a readable zip archive");
    }

    [Fact]
    public void The_legacy_format_is_refused_with_what_to_do()
    {
        // torch.save(..., _use_new_zipfile_serialization=False) starts with the pickled magic number 0x1950a86a20f9469cfc6c.
        byte[] legacy = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
        AssertRefused(legacy, "legacy torch.save format", "save it again");
        Assert.Contains("legacy", Assert.Throws<InvalidDataException>(() => PyTorchFile.Read(new MemoryStream(legacy))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_format_is_refused_with_what_is_expected()
    {
        AssertRefused(Encoding.ASCII.GetBytes("hello, weights!"), "not a weight file of a known format", "safetensors", "torch.save");
        AssertRefused(new byte[3], "3 bytes long", "safetensors");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Name maps
    // ---------------------------------------------------------------------------------------------------------------

    private static readonly Dictionary<string, string> ModuleNames = new()
    {
        ["lstm.weight_ih_l0"] = "0.weight_ih_l0",
        ["lstm.weight_hh_l0"] = "0.weight_hh_l0",
        ["lstm.bias_ih_l0"] = "0.bias_ih_l0",
        ["lstm.bias_hh_l0"] = "0.bias_hh_l0",
        ["fc.weight"] = "1.weight",
        ["fc.bias"] = "1.bias",
    };

    private static string ModuleName(string name) => ModuleNames.Single(p => p.Value == name).Key;

    [Fact]
    public void A_name_map_loads_module_attribute_names_from_either_format()
    {
        FakeModel source = Initialized(11);
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(source);
        tensors = tensors.Select(t => t with { Name = ModuleName(t.Name) }).ToList();
        AssertLoads(TorchSave.Checkpoint(tensors, storages), source, ModuleNames);

        float[] parameters = source.Parameters.ToArray();
        var safetensors = new MemoryStream();
        SafeTensorsFile.Write(safetensors, source.ParameterLayout.Select(p =>
            SafeTensorsEntry.F32(ModuleName(p.Name), p.Shape.ToArray(), parameters.AsMemory(p.Offset, p.Length))).ToList());
        AssertLoads(safetensors.ToArray(), source, ModuleNames);

        // A partial map: names it does not hold are taken as they are.
        var partial = new Dictionary<string, string> { ["fc.bias"] = "1.bias" };
        tensors = Separate(source).Tensors.Select(t => t.Name == "1.bias" ? t with { Name = "fc.bias" } : t).ToList();
        AssertLoads(TorchSave.Checkpoint(tensors, storages), source, partial);
    }

    [Fact]
    public void A_name_mismatch_lists_the_names_on_both_sides()
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        tensors = tensors.Select(t => t with { Name = ModuleName(t.Name) }).ToList();
        InvalidDataException e = AssertRefused(TorchSave.Checkpoint(tensors, storages),
            "missing tensor '0.weight_ih_l0' [8, 3]",
            "unexpected tensor 'lstm.weight_ih_l0'",
            "The file's tensors: lstm.weight_ih_l0 [8, 3], lstm.weight_hh_l0 [8, 2], lstm.bias_ih_l0 [8], lstm.bias_hh_l0 [8], fc.weight [1, 2], fc.bias [1].",
            "The model's parameters: 0.weight_ih_l0 [8, 3], 0.weight_hh_l0 [8, 2], 0.bias_ih_l0 [8], 0.bias_hh_l0 [8], 1.weight [1, 2], 1.bias [1].",
            "Pass a name map from the file's names to the model's");
        Assert.Contains("Nothing was loaded", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shape_mismatch_alone_does_not_list_the_names()
    {
        (List<TorchTensor> tensors, List<TorchStorage> storages) = Separate(Initialized(1));
        tensors[4] = tensors[4] with { Shape = new long[] { 2, 1 }, Strides = new long[] { 1, 1 } };
        InvalidDataException e = AssertRefused(TorchSave.Checkpoint(tensors, storages), "tensor '1.weight' has shape [2, 1], the model's is [1, 2]");
        Assert.DoesNotContain("The file's tensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_name_map_is_refused_and_changes_nothing()
    {
        FakeModel target = Initialized(7);
        float[] before = target.Parameters.ToArray();
        byte[] file = CheckpointOf(Initialized(1));

        var typo = new Dictionary<string, string> { ["fc.wieght"] = "1.weight" };
        var e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(target, new MemoryStream(file), typo));
        Assert.Contains("the name map renames 'fc.wieght', which the file does not hold", e.Message, StringComparison.Ordinal);
        Assert.Contains("The name map given renames 1 of them", e.Message, StringComparison.Ordinal);

        var collision = new Dictionary<string, string> { ["1.bias"] = "1.weight" };
        e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(target, new MemoryStream(file), collision));
        Assert.Contains("tensors '1.weight' and '1.bias' both load as '1.weight'", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.Parameters.ToArray());
    }
}
