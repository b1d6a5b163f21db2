using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Recurrent;

/// <summary>
/// The batch path's parameter gradients in one product per parameter over every sample and step: the summed index runs
/// through the samples in batch order (<c>MatrixKernels.TransposeMultiplyAddSamples</c>, <c>AddRowSumsSamples</c>), so
/// each gradient element is the chain that sample after sample gives, with the weight gradient's register tiles loaded
/// and stored once per batch instead of once per sample. dL/dx stays per sample (a product of its own per sample).
/// </summary>
internal abstract partial class CellEmitter
{
    /// <summary>Where the batch forward pass read this direction's input in each slot's cache block (set by <see cref="EmitBatchSteps"/>).</summary>
    private Region? _batchInputs;

    /// <summary>
    /// Whether the direction's parameter gradients are plain sums over the steps that one product per parameter can
    /// take over all samples: a forward, unidirectional layer with one gate-gradient row per step for both biases (not
    /// GRU), no dropout masks, and no start state (whose outer product each sample adds to W_hh's gradient in between).
    /// </summary>
    private bool GradientsOverSamples =>
        !HasRecurrentDropout && Layer.InputDropout is null && !Layer.HasInitialState && !Direction.Reverse && !Layer.Bidirectional
        && Layer.Partner is null && !Layer.InDecoder && Shape.InputGradientRows == Shape.HiddenGradientRows;

    /// <summary>The method that adds one sample's dL/dx alone, for the batch path whose parameter gradients are over samples.</summary>
    private string DirectionInputGradient => DirectionBackward + "InputGradient";

    /// <summary>The per-sample dL/dx method the batch path calls when <see cref="GradientsOverSamples"/>.</summary>
    private void EmitInputGradientMethod(CodeWriter w)
    {
        if (!GradientsOverSamples)
        {
            return;
        }

        w.Line();
        w.Summary($"The batch path's dL/dx of one sample of {DirectionName}, once the batch's parameter gradients are added: dL/dx_t = W_ih^T dG_t, added into <paramref name=\"dx\"/> unless it is empty.");
        using (w.Block($"private void {DirectionInputGradient}({LayerEmitter.BackwardParameters})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            EmitBackwardLocals(w);
            string all = CodeWriter.Times(Len, G);
            w.Line($"if (!dx.IsEmpty) {MatrixKernels}.MultiplyAdd({Shape.InputGradientRows}.Slice(0, {all}), {Param(Direction.WeightIh)}, dx.Slice(0, {CodeWriter.Times(Len, In)}), {Len}, {G}, {In}); // dL/dx_t = W_ih^T dG_t");
        }
    }

    /// <summary>
    /// The batch path after backward through time: the biases', W_ih's and W_hh's gradients each in one product over
    /// every sample and step (the samples in batch order), then each sample's dL/dx through
    /// <paramref name="gradientsCall"/>. False when the direction does not qualify (<see cref="GradientsOverSamples"/>)
    /// or its input region is not a plain [steps, In] block: the caller then calls the per-sample gradients.
    /// </summary>
    private bool EmitBatchGradientsOverSamples(CodeWriter w, BatchLayout batch, System.Action<CodeWriter, string, string> gradientsCall)
    {
        if (!GradientsOverSamples || _batchInputs is not Region inputs || inputs.Length != (long)Layer.Steps * In)
        {
            return false;
        }

        Region gates = Shape.HiddenSideGradients;
        string dG = $"works.Slice({gates.Name})", dGPastFirst = $"works.Slice({gates.Name} + {G})";
        string x = $"caches.Slice({inputs.Name})", h = $"caches.Slice({Direction.Hidden.Name})";
        w.Line("// The parameter gradients of every sample and step at once, one product each, the samples in batch order: each element is the chain sample after sample gives.");
        using (w.Block())
        {
            w.Line($"{IntReadOnlySpan} order = _batch.SlotsInBatchOrder, lengths = _batch.Lengths;");
            w.Line($"{Span} g = _gradients.Span;");
            w.Line($"{MatrixKernels}.AddRowSumsSamples({dG}, {batch.Work}, order, lengths, 0, {Param(Direction.BiasIh, "g")});");
            w.Line($"{MatrixKernels}.AddRowSumsSamples({dG}, {batch.Work}, order, lengths, 0, {Param(Direction.BiasHh, "g")});");
            if (Direction.TransposedInputWeightGradient is Region transposed)
            {
                w.Line($"{Span} dWihT = _batch.Shared.Slice({transposed.Name}, {transposed.Length});");
                w.Line($"{MatrixKernels}.Transpose({Param(Direction.WeightIh, "g")}, {G}, {In}, dWihT); // W_ih's gradient as [{In}, {G}] while the samples add into it (exact copies, in and out)");
                w.Line($"{MatrixKernels}.TransposeMultiplyAddSamples({x}, {batch.Cache}, {dG}, {batch.Work}, order, lengths, 0, dWihT, {In}, {G}); // Σ_b Σ_t x_t dG_t^T");
                w.Line($"{MatrixKernels}.Transpose(dWihT, {In}, {G}, {Param(Direction.WeightIh, "g")});");
            }
            else
            {
                w.Line($"{MatrixKernels}.TransposeMultiplyAddSamples({dG}, {batch.Work}, {x}, {batch.Cache}, order, lengths, 0, {Param(Direction.WeightIh, "g")}, {G}, {In}); // Σ_b Σ_t dG_t x_t^T");
            }

            w.Line($"{MatrixKernels}.TransposeMultiplyAddSamples({dGPastFirst}, {batch.Work}, {h}, {batch.Cache}, order, lengths, -1, {Param(Direction.WeightHh, "g")}, {G}, {H}); // Σ_b Σ_t dG_t h_(t - 1)^T past each sample's first step");
        }

        w.Line("// dL/dx, sample by sample in batch order.");
        using (w.Block("for (int b = 0; b < batch; b++)"))
        {
            batch.DeclareSampleInBatchOrder(w);
            gradientsCall(w, DirectionInputGradient, string.Empty);
        }

        return true;
    }
}
