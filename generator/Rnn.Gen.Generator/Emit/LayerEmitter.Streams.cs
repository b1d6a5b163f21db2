using Rnn.Gen.Generator.Emit.Streams;

namespace Rnn.Gen.Generator.Emit;

/// <summary>The layer's part of a step of the model's many streams (<see cref="StreamsEmitter"/>).</summary>
internal abstract partial class LayerEmitter
{
    /// <summary>
    /// One step of the streams <c>first … first + count − 1</c> at once (or of the live beams <c>0 … count − 1</c>:
    /// <paramref name="block"/>'s <see cref="StreamsBlock.Unit"/> and <see cref="StreamsBlock.First"/>), with their inputs
    /// in <paramref name="input"/>'s rows: a layer with weights to share writes one product over the streams' rows (each weight read once for all of
    /// them) and returns where its outputs lie. Null, writing nothing, when the layer has no such form: the driver then
    /// runs <see cref="EmitInferenceStep"/> stream by stream on each stream's block.
    /// </summary>
    public virtual StreamRows? EmitStreamsStep(CodeWriter w, StreamRows input, StreamsBlock block) => null;
}
