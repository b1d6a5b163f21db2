using Rnn.Gen.Generator.Model;

namespace Rnn.Gen.Generator.Emit;

/// <summary>The layer's float32 twin in an int8 model (<see cref="Int8DecoderCode"/>).</summary>
internal abstract partial class LayerEmitter
{
    /// <summary>
    /// True while the driver emits the float32 twin of decoding in a model with <c>Weights = WeightPrecision.Int8</c>
    /// (the greedy pass of the free-running Forward, which trains on float32 weights): the layer then emits what the
    /// float32 model emits, with no int8 product, and a recurrent layer's step methods are named with
    /// <c>Float32</c> after them so that they stand beside the int8 ones.
    /// </summary>
    public bool Float32Weights { get; set; }

    /// <summary>Whether the layer's inference code being emitted multiplies int8 weights: an int8 model, outside the float32 twin.</summary>
    public bool Int8Products => Layer.Context.Int8Weights && Layer.Spec.Int8 == Int8Support.Quantized && !Float32Weights;
}
