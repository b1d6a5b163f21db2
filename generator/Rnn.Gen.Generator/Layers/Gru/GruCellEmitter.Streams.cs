using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Emit.Streams;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Gru;

internal sealed partial class GruCellEmitter
{
    public override StreamRows? EmitStreamsStep(CodeWriter w, StreamRows input, StreamsBlock block)
    {
        StreamRows h = block.State(D.StateHidden);
        StreamRows gates = block.Scratch(D.ScratchGates), hn = block.Scratch(D.ScratchHiddenCandidate), side = block.Scratch(D.ScratchHiddenSide);
        w.Line($"// {Owner.Description}: every {block.Unit}'s input side and hidden side, rows r, z, n, one product each (each weight read once for all), then every {block.Unit}'s cell.");
        w.Line($"{MatrixKernels}.AffineRows({Param(D.BiasIh)}, {input.Rows}, {input.Stride}, {Packed(D.PackedInputWeights)}, {gates.Rows}, {gates.Stride}, count, {In}, {G}); // b_ih + W_ih x");
        w.Line($"{MatrixKernels}.AffineRows({Param(D.BiasHh)}, {h.Rows}, {h.Stride}, {Packed(D.PackedHiddenWeights)}, {side.Rows}, {side.Stride}, count, {H}, {G}); // b_hh + W_hh h_prev");
        w.Line($"{InferenceCells}.GruCellRows({gates.Rows}, {side.Rows}, {side.Stride}, {h.Rows}, {h.Stride}, {hn.Rows}, {h.Rows}, {block.Stride}, count, {H}); // n = tanh(x_n + r*hn), h = (1 - z)*n + z*h_prev, each {block.Unit}'s state in place");
        return h;
    }
}
