using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary><c>[GaussianNoise(standardDeviation)]</c>: noise in training only; at inference its input passes unchanged, so it adds no node.</summary>
public sealed class GaussianNoiseLayer : LayerArchitecture
{
    /// <summary>Layer <paramref name="index"/>, noise of <paramref name="standardDeviation"/> on <paramref name="inputSize"/> features.</summary>
    public GaussianNoiseLayer(int index, int inputSize, double standardDeviation)
        : base(index, inputSize) => StandardDeviation = standardDeviation;

    /// <summary>The noise's standard deviation in training.</summary>
    public double StandardDeviation { get; }

    /// <inheritdoc/>
    public override string Kind => "GaussianNoise";

    /// <inheritdoc/>
    public override int OutputSize => InputSize;

    internal override OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input) => input;
}
