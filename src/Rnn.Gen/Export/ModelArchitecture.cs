using System;
using System.Collections.Generic;
using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary>
/// A generated model's layers as data: each layer's kind, sizes and options, its parameters found by their PyTorch
/// state_dict names (<c>{Index}.weight_ih_l0</c>, …) in <see cref="IRnnModel.ParameterLayout"/>. The generator writes
/// one per model class (its static <c>Architecture</c>); exporters such as <see cref="OnnxExporter"/> read it with the
/// model's parameters.
/// </summary>
public sealed class ModelArchitecture
{
    /// <summary>A model reading <paramref name="steps"/> steps of <paramref name="inputSize"/> features through <paramref name="layers"/>, in order.</summary>
    public ModelArchitecture(int inputSize, int steps, IReadOnlyList<LayerArchitecture> layers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentNullException.ThrowIfNull(layers);
        InputSize = inputSize;
        Steps = steps;
        Layers = layers;
    }

    /// <summary>Features per input step (1 for a token model: one id per step).</summary>
    public int InputSize { get; }

    /// <summary>Steps per input sample.</summary>
    public int Steps { get; }

    /// <summary>The layers in declaration order.</summary>
    public IReadOnlyList<LayerArchitecture> Layers { get; }

    /// <summary>The decoder of an encoder–decoder or one-to-many model (<c>[Decoder]</c>), or null.</summary>
    public DecoderArchitecture? Decoder { get; init; }

    /// <summary>The model is stateful (training carries the state across Forward calls; Predict starts from zero).</summary>
    public bool Stateful { get; init; }

    /// <summary>
    /// The image of each input step of an image model (<c>[RnnModel(channels, height, width)]</c> or
    /// <c>[RnnModel(steps, channels, height, width)]</c>), or null: its <see cref="InputSize"/> is the image's floats.
    /// </summary>
    public ImageInput? Image { get; init; }

    /// <summary>The model reads token ids: its first layer is an Embedding.</summary>
    public bool TokenInput => Layers.Count > 0 && Layers[0] is EmbeddingLayer;
}

/// <summary>A decoder: the layers from <paramref name="FirstLayer"/> on run for <paramref name="OutputSteps"/> steps, each fed what the previous one chose.</summary>
/// <param name="FirstLayer">The index of the decoder's first layer.</param>
/// <param name="OutputSteps">The steps the decoder produces.</param>
public sealed record DecoderArchitecture(int FirstLayer, int OutputSteps);

/// <summary>
/// One layer of a <see cref="ModelArchitecture"/>. Each layer kind has a subclass (in <c>Export/Layers/</c>) holding
/// its options and writing its own ONNX nodes; a kind that has none yet is an <see cref="UnsupportedLayer"/>.
/// </summary>
public abstract class LayerArchitecture
{
    private protected LayerArchitecture(int index, int inputSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        Index = index;
        InputSize = inputSize;
    }

    /// <summary>The layer's index in declaration order: its parameters' state_dict prefix.</summary>
    public int Index { get; }

    /// <summary>Features per position the layer reads.</summary>
    public int InputSize { get; }

    /// <summary>The kind, as the layer's attribute names it: <c>Lstm</c>, <c>Dense</c>, …</summary>
    public abstract string Kind { get; }

    /// <summary>Features per position the layer writes.</summary>
    public abstract int OutputSize { get; }

    /// <summary>Why the layer cannot be exported to ONNX, or null when it can.</summary>
    public virtual string? OnnxUnsupported => null;

    /// <summary>Adds the layer's nodes to <paramref name="graph"/>, reading <paramref name="input"/>, and returns its output.</summary>
    internal abstract OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input);

    /// <inheritdoc/>
    public override string ToString() => $"layer {Index}, {Kind}";
}
