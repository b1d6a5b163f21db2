using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Serialization;

/// <summary>Saving and strictly loading a model's parameters by their PyTorch state_dict names.</summary>
public class WeightFileTests
{
    private static FakeModel Initialized(int seed)
    {
        var model = new FakeModel();
        model.Initialize(seed);
        return model;
    }

    private static byte[] Saved(IRnnModel model)
    {
        var stream = new MemoryStream();
        WeightFile.Save(model, stream);
        return stream.ToArray();
    }

    // The model's tensors as entries, each converted by `entry`, with edits applied by the caller.
    private static List<SafeTensorsEntry> Entries(IRnnModel model, Func<string, int[], float[], SafeTensorsEntry>? entry = null)
    {
        entry ??= (name, shape, data) => SafeTensorsEntry.F32(name, shape, data);
        float[] parameters = model.Parameters.ToArray();
        return model.ParameterLayout
            .Select(p => entry(p.Name, p.Shape.ToArray(), parameters.AsSpan(p.Offset, p.Length).ToArray()))
            .ToList();
    }

    private static byte[] FileOf(IEnumerable<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, entries, metadata);
        return stream.ToArray();
    }

    private static void AssertLoadFails(byte[] file, params string[] expected)
    {
        FakeModel target = Initialized(7);
        float[] before = target.Parameters.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(target, new MemoryStream(file)));
        foreach (string text in expected)
        {
            Assert.Contains(text, e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, target.Parameters.ToArray()); // nothing changed
    }

    [Fact]
    public void Save_then_load_is_bit_exact()
    {
        FakeModel source = Initialized(1);
        source.Parameters[3] = BitConverter.Int32BitsToSingle(0x7FC00123); // a NaN payload survives too
        source.Parameters[4] = -0f;
        FakeModel target = Initialized(2);
        WeightFile.Load(target, new MemoryStream(Saved(source)));
        Assert.Equal(source.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits), target.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Saved_file_holds_the_state_dict_names_shapes_and_format_metadata()
    {
        FakeModel model = Initialized(1);
        SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(Saved(model)));
        Assert.Equal(model.ParameterLayout.Select(p => p.Name), file.Tensors.Select(t => t.Name));
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            SafeTensor tensor = file[parameter.Name];
            Assert.Equal(SafeTensorsDType.F32, tensor.DType);
            Assert.Equal(parameter.Shape, tensor.Shape);
            Assert.Equal(parameter.Slice(model.Parameters).ToArray(), tensor.ToSingleArray());
        }

        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void Save_and_load_by_path()
    {
        string folder = Directory.CreateTempSubdirectory("rnngen-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.safetensors");
            FakeModel source = Initialized(1);
            WeightFile.Save(source, path, new Dictionary<string, string> { ["epoch"] = "3" });
            FakeModel target = Initialized(2);
            WeightFile.Load(target, path);
            Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());
            Assert.Equal("3", SafeTensorsFile.Read(path).Metadata["epoch"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Loads_tensors_in_any_order_and_ignores_metadata()
    {
        FakeModel source = Initialized(1);
        List<SafeTensorsEntry> entries = Entries(source);
        entries.Reverse();
        FakeModel target = Initialized(2);
        WeightFile.Load(target, new MemoryStream(FileOf(entries, new Dictionary<string, string> { ["anything"] = "goes" })));
        Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());
    }

    [Fact]
    public void Loads_F64_converting_to_float()
    {
        FakeModel source = Initialized(1);
        float[] parameters = source.Parameters.ToArray();
        var entries = source.ParameterLayout.Select(p => SafeTensorsEntry.F64(p.Name, p.Shape.ToArray(),
            parameters.AsSpan(p.Offset, p.Length).ToArray().Select(v => (double)v + 1e-12).ToArray()));
        FakeModel target = Initialized(2);
        WeightFile.Load(target, new MemoryStream(FileOf(entries)));
        Assert.Equal(parameters, target.Parameters.ToArray());
    }

    [Fact]
    public void Loads_F16_and_BF16()
    {
        FakeModel source = Initialized(1);
        float[] parameters = source.Parameters.ToArray();

        FakeModel fromHalf = Initialized(2);
        WeightFile.Load(fromHalf, new MemoryStream(FileOf(Entries(source, (n, s, d) => SafeTensorsEntry.F16(n, s, d)))));
        Assert.Equal(parameters.Select(v => (float)(Half)v), fromHalf.Parameters.ToArray());

        FakeModel fromBFloat = Initialized(2);
        WeightFile.Load(fromBFloat, new MemoryStream(FileOf(Entries(source, (n, s, d) => SafeTensorsEntry.BF16(n, s, d)))));
        float[] loaded = fromBFloat.Parameters.ToArray();
        for (int i = 0; i < parameters.Length; i++)
        {
            Assert.Equal(0, BitConverter.SingleToInt32Bits(loaded[i]) & 0xFFFF); // a bfloat16 value
            Assert.True(Math.Abs(loaded[i] - parameters[i]) <= Math.Abs(parameters[i]) / 256, $"element {i}");
        }
    }

    [Fact]
    public void Missing_tensor_fails_and_changes_nothing()
    {
        List<SafeTensorsEntry> entries = Entries(Initialized(1));
        entries.RemoveAll(e => e.Name == "0.bias_hh_l0");
        AssertLoadFails(FileOf(entries), "missing tensor '0.bias_hh_l0' [8]", "Nothing was loaded");
    }

    [Fact]
    public void Unexpected_tensor_fails_and_changes_nothing()
    {
        List<SafeTensorsEntry> entries = Entries(Initialized(1));
        entries.Add(SafeTensorsEntry.F32("2.weight", new[] { 1, 1 }, new float[] { 1 }));
        AssertLoadFails(FileOf(entries), "unexpected tensor '2.weight'");
    }

    [Fact]
    public void Shape_mismatch_fails_and_changes_nothing()
    {
        // Same element count, different shape: PyTorch refuses it, so do we.
        List<SafeTensorsEntry> entries = Entries(Initialized(1));
        int index = entries.FindIndex(e => e.Name == "0.weight_ih_l0");
        entries[index] = SafeTensorsEntry.F32("0.weight_ih_l0", new[] { 3, 8 }, new float[24]);
        AssertLoadFails(FileOf(entries), "tensor '0.weight_ih_l0' has shape [3, 8], the model's is [8, 3]");
    }

    [Fact]
    public void Non_float_dtype_fails_and_changes_nothing()
    {
        List<SafeTensorsEntry> entries = Entries(Initialized(1));
        int index = entries.FindIndex(e => e.Name == "1.bias");
        entries[index] = SafeTensorsEntry.Raw("1.bias", SafeTensorsDType.I32, new[] { 1 }, new byte[4]);
        AssertLoadFails(FileOf(entries), "tensor '1.bias' has dtype I32");
    }

    [Fact]
    public void Problems_are_listed_first_one_first()
    {
        List<SafeTensorsEntry> entries = Entries(Initialized(1));
        entries.RemoveAll(e => e.Name is "0.weight_ih_l0" or "1.bias");
        entries.Add(SafeTensorsEntry.F32("extra", new[] { 1 }, new float[1]));
        FakeModel target = Initialized(7);
        var e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(target, new MemoryStream(FileOf(entries))));
        int first = e.Message.IndexOf("missing tensor '0.weight_ih_l0'", StringComparison.Ordinal);
        int second = e.Message.IndexOf("missing tensor '1.bias'", StringComparison.Ordinal);
        int third = e.Message.IndexOf("unexpected tensor 'extra'", StringComparison.Ordinal);
        Assert.True(first >= 0 && first < second && second < third, e.Message);
    }

    [Fact]
    public void Malformed_file_fails_and_changes_nothing()
    {
        byte[] file = Saved(Initialized(1));
        AssertLoadFails(file.AsSpan(0, file.Length - 1).ToArray(), "truncated");
    }

    [Fact]
    public void A_path_load_failure_names_the_path()
    {
        string folder = Directory.CreateTempSubdirectory("rnngen-").FullName;
        try
        {
            string path = Path.Combine(folder, "other.safetensors");
            SafeTensorsFile.Write(path, new[] { ("x", new[] { 1 }, new float[] { 1 }) });
            FakeModel target = Initialized(7);
            float[] before = target.Parameters.ToArray();
            var e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(target, path));
            Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, target.Parameters.ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_failed_save_leaves_the_previous_file_intact()
    {
        string folder = Directory.CreateTempSubdirectory("rnngen-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.safetensors");
            WeightFile.Save(Initialized(1), path);
            byte[] before = File.ReadAllBytes(path);

            // A model whose layout runs past its parameters cannot be saved; the old file stays.
            var broken = new FakeModel(new[] { new ParameterInfo("w", 0, 4), new ParameterInfo("b", 4, 2) }, parameterCount: 5);
            Assert.Throws<ArgumentException>(() => WeightFile.Save(broken, path));
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Duplicate_layout_names_are_a_model_error()
    {
        var broken = new FakeModel(new[] { new ParameterInfo("w", 0, 2), new ParameterInfo("w", 2, 2) }, parameterCount: 4);
        Assert.Throws<ArgumentException>(() => WeightFile.Save(broken, new MemoryStream()));
        Assert.Throws<ArgumentException>(() => WeightFile.Load(broken, new MemoryStream(Saved(Initialized(1)))));
    }
}
