using System;
using System.IO;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>The generated SaveWeights / LoadWeights / GetParameter members.</summary>
public class WeightMemberTests
{
    [Fact]
    public void SaveWeights_then_LoadWeights_through_a_path_is_bit_exact()
    {
        var source = new Forecaster();
        source.Initialize(17);
        string folder = Directory.CreateTempSubdirectory("rnngen-weights-").FullName;
        try
        {
            string path = Path.Combine(folder, "forecaster.safetensors");
            source.SaveWeights(path);
            var target = new Forecaster();
            target.LoadWeights(path);
            Assert.True(source.Parameters.SequenceEqual(target.Parameters));
            Assert.Equal(new[] { "forecaster.safetensors" }, Array.ConvertAll(Directory.GetFiles(folder), Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void SaveWeights_then_LoadWeights_through_a_stream_is_bit_exact()
    {
        var source = new StackedThreeCells();
        source.Initialize(3);
        using var stream = new MemoryStream();
        source.SaveWeights(stream);
        stream.Position = 0;
        var target = new StackedThreeCells();
        target.LoadWeights(stream);
        Assert.True(source.Parameters.SequenceEqual(target.Parameters));
    }

    [Fact]
    public void Weights_of_another_model_are_refused_and_nothing_changes()
    {
        var other = new LstmToDense();
        other.Initialize(1);
        using var stream = new MemoryStream();
        other.SaveWeights(stream);
        stream.Position = 0;

        var model = new GruToDense();
        model.Initialize(2);
        float[] before = model.Parameters.ToArray();
        var error = Assert.Throws<InvalidDataException>(() => model.LoadWeights(stream));
        Assert.Contains("0.weight_ih_l0", error.Message, StringComparison.Ordinal);
        Assert.True(model.Parameters.SequenceEqual(before));
    }

    [Fact]
    public void GetParameter_is_a_view_of_the_named_tensor()
    {
        var model = new LstmToDense();
        Span<float> bias = model.GetParameter("1.bias");
        Assert.Equal(LstmToDense.OutputSize, bias.Length);
        bias[1] = 42f;
        ParameterInfo info = LstmToDense.ParameterLayout[^1];
        Assert.Equal("1.bias", info.Name);
        Assert.Equal(42f, model.Parameters[info.Offset + 1]);
        Assert.Equal(4 * 5 * 3, model.GetParameter("0.weight_ih_l0").Length);
    }

    [Fact]
    public void GetParameter_with_an_unknown_name_lists_the_names()
    {
        var model = new LstmToDense();
        var error = Assert.Throws<ArgumentException>(() => model.GetParameter("0.weight"));
        Assert.Equal("name", error.ParamName);
        Assert.Contains("0.weight_ih_l0, 0.weight_hh_l0, 0.bias_ih_l0, 0.bias_hh_l0, 1.weight, 1.bias", error.Message, StringComparison.Ordinal);
    }
}
