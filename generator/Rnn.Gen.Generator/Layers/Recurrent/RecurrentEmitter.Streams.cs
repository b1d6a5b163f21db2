using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Emit.Streams;

namespace Rnn.Gen.Generator.Layers.Recurrent;

internal sealed partial class RecurrentEmitter
{
    /// <summary>The streams step of the (forward, only) direction: the cell's products over every stream's rows; a bidirectional layer does not stream.</summary>
    public override StreamRows? EmitStreamsStep(CodeWriter w, StreamRows input, StreamsBlock block) =>
        Plan.Bidirectional ? null : Forward.EmitStreamsStep(w, input, block);
}
