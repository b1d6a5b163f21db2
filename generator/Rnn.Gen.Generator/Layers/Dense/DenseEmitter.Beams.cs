using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Emit.Streams;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Dense;

internal sealed partial class DenseEmitter
{
    /// <summary>
    /// The head of a beam search: y(b) = act(W x(b) + b) for every live beam, W read once for all the rows, each row's
    /// sums those of <see cref="StepMethod"/>: with the packed W^T (<see cref="DensePlan.PacksTransposed"/>, the step's
    /// <c>VectorKernels.AffinePacked</c>) one <c>MatrixKernels.AffineRows</c>; otherwise the bias copied into each row and
    /// <c>MatrixKernels.MultiplyAddDotRows</c> (the step's <c>VectorKernels.MultiplyAdd</c>). Not with int8 weights, whose
    /// step multiplies them instead.
    /// </summary>
    public override bool EmitBeamHeadRows(CodeWriter w, StreamRows input, string output)
    {
        if (Int8)
        {
            return false;
        }

        w.Line($"// {Description}: every beam's row at once, b + W x with W read once for all the beams (each row's sums as {StepMethod}'s).");
        if (Plan.PacksTransposed)
        {
            w.Line($"{MatrixKernels}.AffineRows({Param(Plan.Bias)}, {input.Rows}, {input.Stride}, {CodeWriter.Slice("packed", Plan.PackedWeight)}, {output}, {Units}, count, {In}, {Units}); // W^T [{In}, {Units}], packed");
        }
        else
        {
            w.Line($"for (int beam = 0; beam < count; beam++) {Param(Plan.Bias)}.CopyTo({output}.Slice({CodeWriter.Times("beam", Units)}, {Units}));");
            w.Line($"{MatrixKernels}.MultiplyAddDotRows({Param(Plan.Weight)}, {input.Rows}, {input.Stride}, {output}, {Units}, count, {Units}, {In}); // {Plan.Weight.Described}");
        }
        string activation = ActivationCode.Apply(Activation, $"{output}.Slice({CodeWriter.Times("beam", Units)}, {Units})");
        if (activation.Length > 0)
        {
            w.Line($"for (int beam = 0; beam < count; beam++) {activation}");
        }

        return true;
    }
}
