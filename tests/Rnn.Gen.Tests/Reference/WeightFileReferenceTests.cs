using System;
using System.IO;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// Weight files written from libtorch's tensors (Reference/Weights, state_dict names only, as a PyTorch user would
/// export them) load by name into the generated model and reproduce libtorch's outputs; saving writes them back unchanged.
/// </summary>
public class WeightFileReferenceTests
{
    private const string BaseName = "lstm_forecaster";

    [Theory]
    [InlineData("f32", "output", 1e-5)]
    [InlineData("f32", "output_f64", 1e-5)]
    [InlineData("f16", "output_f16_weights", 1e-5)]
    [InlineData("bf16", "output_bf16_weights", 1e-5)]
    public void Libtorch_weights_load_and_reproduce_libtorch_outputs(string variant, string reference, double tolerance)
    {
        var model = new LstmForecaster();
        IRnnModel rnn = model;
        WeightFile.Load(rnn, ReferenceAssert.WeightsPath($"{BaseName}.{variant}.safetensors"));

        SafeTensorsFile io = SafeTensorsFile.Read(ReferenceAssert.WeightsPath($"{BaseName}.io.safetensors"));
        float[] inputs = io["input"].ToSingleArray();
        double[] expected = io[reference].ToDoubleArray();
        int batch = io["input"].Shape[0];
        int inputLength = rnn.Steps * rnn.InputSize;
        int outputLength = rnn.OutputSteps * rnn.OutputSize;
        Assert.Equal(batch * inputLength, inputs.Length);
        Assert.Equal(batch * outputLength, expected.Length);

        var outputs = new float[batch * outputLength];
        for (int b = 0; b < batch; b++)
        {
            rnn.Predict(inputs.AsSpan(b * inputLength, inputLength), outputs.AsSpan(b * outputLength, outputLength));
        }

        ReferenceAssert.Close($"{BaseName}.{variant}", reference, io[reference].Shape, expected, outputs, tolerance);
    }

    [Fact]
    public void Saving_loaded_libtorch_weights_writes_the_same_tensors()
    {
        string path = ReferenceAssert.WeightsPath($"{BaseName}.f32.safetensors");
        IRnnModel model = new LstmForecaster();
        WeightFile.Load(model, path);
        var saved = new MemoryStream();
        WeightFile.Save(model, saved);

        SafeTensorsFile original = SafeTensorsFile.Read(path);
        SafeTensorsFile roundTripped = SafeTensorsFile.Read(new MemoryStream(saved.ToArray()));
        Assert.Equal(original.Tensors.Count, roundTripped.Tensors.Count);
        foreach (SafeTensor tensor in original.Tensors)
        {
            SafeTensor copy = roundTripped[tensor.Name];
            Assert.Equal(tensor.DType, copy.DType);
            Assert.Equal(tensor.Shape, copy.Shape);
            Assert.True(tensor.Data.Span.SequenceEqual(copy.Data.Span), $"{tensor.Name} changed in the round trip");
        }
    }
}
