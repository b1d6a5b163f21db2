using Rnn.Gen.Generator.Emit.Streams;

namespace Rnn.Gen.Generator.Emit;

/// <summary>The layer's part of a beam-search step in lockstep (<see cref="BeamSearchEmitter"/>).</summary>
internal abstract partial class LayerEmitter
{
    /// <summary>
    /// As the decoder's top layer, one step of the live beams <c>0 … count − 1</c> at once, with their inputs in
    /// <paramref name="input"/>'s rows: writes each beam's output (what <see cref="EmitInferenceStep"/> writes, bit for bit)
    /// to row <c>beam</c> of <paramref name="output"/> (<c>[count, OutputSize]</c>), each weight read once for all the
    /// beams, and returns true. False, writing nothing, when the layer has no such form: the driver then runs its
    /// one-position step beam by beam.
    /// </summary>
    public virtual bool EmitBeamHeadRows(CodeWriter w, StreamRows input, string output) => false;
}
