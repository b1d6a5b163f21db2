using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Serialization;
using Rnn.Gen.Tests.Training;
using Rnn.Gen.Training;
using Xunit;

namespace Rnn.Gen.Tests.Serialization;

/// <summary>
/// The SHA-256 of the data buffer that weight files and checkpoints record, checked on loading; stale temporary files
/// of atomic writes; errors that name the file asked for.
/// </summary>
public sealed class IntegrityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-integrity-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static TinyRegressor Initialized(int seed)
    {
        var model = new TinyRegressor();
        model.Initialize(seed);
        return model;
    }

    /// <summary>Where the data buffer of a safetensors file starts: after the 8-byte length and the header.</summary>
    private static int DataStart(byte[] file) => 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);

    [Fact]
    public void A_saved_weight_file_records_the_SHA256_of_the_bytes_after_the_header()
    {
        string path = PathOf("model.safetensors");
        TinyRegressor model = Initialized(1);
        model.SaveWeights(path);

        byte[] bytes = File.ReadAllBytes(path);
        string expected = Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(DataStart(bytes))));
        SafeTensorsFile file = SafeTensorsFile.Read(path);
        Assert.Equal(expected, file.Metadata[SafeTensorsFile.DataHashKey]);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(sizeof(float) * ((IRnnModel)model).ParameterCount, bytes.Length - DataStart(bytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(-1)] // the last byte
    public void A_flipped_data_byte_is_refused_naming_the_file_and_the_model_is_unchanged(int offset)
    {
        string path = PathOf("model.safetensors");
        Initialized(1).SaveWeights(path);
        byte[] bytes = File.ReadAllBytes(path);
        int at = offset >= 0 ? DataStart(bytes) + offset : bytes.Length - 1;
        bytes[at] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        TinyRegressor target = Initialized(2);
        float[] before = target.Parameters.ToArray();
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => target.LoadWeights(path));

        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains("corrupted", e.Message);
        Assert.Contains(SafeTensorsFile.DataHashKey, e.Message);
        Assert.Equal(before, target.Parameters.ToArray());
    }

    [Fact]
    public void A_malformed_recorded_hash_is_refused()
    {
        var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, new[] { ("w", new[] { 2 }, new float[] { 1, 2 }) },
            new System.Collections.Generic.Dictionary<string, string> { [SafeTensorsFile.DataHashKey] = "not a hash" });
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(new MemoryStream(stream.ToArray())));
        Assert.Contains("not a SHA-256", e.Message);
    }

    [Fact]
    public void A_file_without_the_hash_still_loads()
    {
        // As PyTorch's safetensors writes it: no data_sha256.
        TinyRegressor source = Initialized(3);
        var stream = new MemoryStream();
        float[] parameters = source.Parameters.ToArray();
        SafeTensorsFile.Write(stream, ((IRnnModel)source).ParameterLayout
            .Select(p => SafeTensorsEntry.F32(p.Name, p.Shape.ToArray(), parameters.AsMemory(p.Offset, p.Length))).ToList(),
            WeightFile.DefaultMetadata);
        Assert.False(SafeTensorsFile.Read(new MemoryStream(stream.ToArray())).Metadata.ContainsKey(SafeTensorsFile.DataHashKey));

        TinyRegressor target = Initialized(4);
        target.LoadWeights(new MemoryStream(stream.ToArray()));
        Assert.Equal(parameters, target.Parameters.ToArray());
    }

    [Fact]
    public void A_checkpoint_with_a_flipped_data_byte_is_refused_and_nothing_changes()
    {
        var model = new TinyRegressor();
        model.Initialize(1);
        Rnn.Gen.Data.Dataset data = TrainingData.Regression(model, 10, seed: 1);
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 1, BatchSize = 4 });
        trainer.Fit(data);
        string path = PathOf("run.ckpt");
        trainer.SaveCheckpoint(path);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(SafeTensorsFile.Read(path).Metadata.ContainsKey(SafeTensorsFile.DataHashKey));
        bytes[DataStart(bytes) + 5] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var other = new TinyRegressor();
        other.Initialize(2);
        float[] before = other.Parameters.ToArray();
        var reader = new Trainer(other, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 1, BatchSize = 4 });
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => reader.LoadCheckpoint(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains("corrupted", e.Message);
        Assert.Equal(before, other.Parameters.ToArray());
        Assert.Equal(0, reader.BatchesCompleted);
    }

    [Fact]
    public void Saving_weights_removes_the_stale_temporary_files_of_that_file_only()
    {
        string path = PathOf("model.safetensors");
        string[] stale = Enumerable.Range(0, 3).Select(_ => PathOf($".model.safetensors.{Guid.NewGuid():N}.tmp")).ToArray();
        string[] unrelated = [PathOf($".other.safetensors.{Guid.NewGuid():N}.tmp"), PathOf(".model.safetensors.1234.tmp"), PathOf("model.safetensors.bak")];
        foreach (string file in stale.Concat(unrelated))
        {
            File.WriteAllText(file, "partial");
        }

        Initialized(1).SaveWeights(path);

        Assert.All(stale, f => Assert.False(File.Exists(f), f));
        Assert.All(unrelated, f => Assert.True(File.Exists(f), f));
        Assert.Equal(unrelated.Length + 1, Directory.GetFiles(_folder).Length);
    }

    [Fact]
    public void A_failed_weight_save_names_the_path_asked_for_with_the_temporary_file_as_detail()
    {
        string path = Path.Combine(_folder, "no-such-folder", "model.safetensors");
        DirectoryNotFoundException e = Assert.Throws<DirectoryNotFoundException>(() => Initialized(1).SaveWeights(path));
        Assert.StartsWith($"Could not write '{path}': ", e.Message, StringComparison.Ordinal);
        Assert.Contains(".model.safetensors.", e.InnerException!.Message);
        Assert.EndsWith(".tmp'.", e.InnerException.Message.TrimEnd());
    }
}
