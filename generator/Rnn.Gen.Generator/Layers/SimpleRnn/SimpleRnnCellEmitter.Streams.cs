using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Emit.Streams;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.SimpleRnn;

internal sealed partial class SimpleRnnCellEmitter
{
    public override StreamRows? EmitStreamsStep(CodeWriter w, StreamRows input, StreamsBlock block)
    {
        StreamRows h = block.State(D.StateHidden), pre = block.Scratch(D.ScratchPreActivation);
        w.Line($"// {Owner.Description}: every {block.Unit}'s b_ih + b_hh + W_ih x + W_hh h_prev in one product (each weight read once for all), then each {block.Unit}'s activation.");
        w.Line($"{MatrixKernels}.AffineRows({Packed(D.PackedBias)}, {input.Rows}, {input.Stride}, {Packed(D.PackedInputWeights)}, {h.Rows}, {h.Stride}, {Packed(D.PackedHiddenWeights)}, {pre.Rows}, {pre.Stride}, count, {In}, {H}, {H});");
        using (w.Block(block.EachInRange()))
        {
            w.Line($"{Span} pre = {pre.Row()};");
            w.Line(ActivationCode.Apply(Activation, "pre"));
            w.Line($"pre.CopyTo({h.Row()});");
        }

        return h;
    }
}
