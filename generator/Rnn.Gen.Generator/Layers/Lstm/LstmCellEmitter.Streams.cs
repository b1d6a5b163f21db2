using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Emit.Streams;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Lstm;

internal sealed partial class LstmCellEmitter
{
    public override StreamRows? EmitStreamsStep(CodeWriter w, StreamRows input, StreamsBlock block)
    {
        StreamRows h = block.State(D.StateHidden), c = block.State(D.StateCell);
        StreamRows gates = block.Scratch(D.ScratchGates), tanhC = block.Scratch(D.ScratchTanhCellState);
        w.Line($"// {Owner.Description}: every {block.Unit}'s gates, rows i, f, g, o, in one product (b_ih + b_hh + W_ih x + W_hh h_prev, each weight read once for all), then every {block.Unit}'s cell.");
        w.Line($"{MatrixKernels}.AffineRows({Packed(D.PackedBias)}, {input.Rows}, {input.Stride}, {Packed(D.PackedInputWeights)}, {h.Rows}, {h.Stride}, {Packed(D.PackedHiddenWeights)}, {gates.Rows}, {gates.Stride}, count, {In}, {H}, {G});");
        w.Line($"{InferenceCells}.LstmCellRows({gates.Rows}, {c.Rows}, {c.Stride}, {c.Rows}, {tanhC.Rows}, {h.Rows}, {block.Stride}, count, {H}); // c = f*c_prev + i*g, h = o*tanh(c), each {block.Unit}'s state in place");
        return h;
    }
}
