using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Emit.Streams;

namespace Rnn.Gen.Generator.Layers.Recurrent;

internal abstract partial class CellEmitter
{
    /// <summary>
    /// One step of the streams <c>first … first + count − 1</c> (or of the live beams, <paramref name="block"/> says which): the cell's pre-activations for all of them in one
    /// product over their rows (<c>MatrixKernels.AffineRows</c> on the packed weights, each element the chain the cell's
    /// one-stream step computes), then each stream's cell on its own block; returns the rows of h. Null when the cell
    /// has no such form (the driver then runs its one-stream step stream by stream).
    /// </summary>
    public virtual StreamRows? EmitStreamsStep(CodeWriter w, StreamRows input, StreamsBlock block) => null;
}
