using Rnn.Gen.Generator.Emit;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Recurrent;

/// <summary>
/// <c>Activations = ActivationPrecision.Fast</c> in a cell: its inference (Step, the streams, and Predict's pass over
/// the sequence) calls <c>FastCellKernels</c>, its training (Forward's pass, the batch path) <c>CellKernels</c>, whose
/// exact activations the backward pass differentiates.
/// </summary>
internal abstract partial class CellEmitter
{
    /// <summary>The model asks for fast activations (only LSTM and GRU cells read it; the parser refuses a model without them).</summary>
    protected bool FastActivations => Layer.Context.FastActivations;

    /// <summary>The cell kernels of inference: <c>FastCellKernels</c> with fast activations, else <c>CellKernels</c>.</summary>
    protected string InferenceCells => FastActivations ? RuntimeNames.FastCellKernels : CellKernels;

    /// <summary>In the step's comment: which activations.</summary>
    protected string FastNote => FastActivations ? " (fast sigmoid and tanh)" : string.Empty;

    /// <summary>
    /// The cell update of step t in the pass over the sequence, <paramref name="call"/> a kernel method with its
    /// arguments: with fast activations, <c>CellKernels</c> when training and <c>FastCellKernels</c> for Predict.
    /// </summary>
    protected void EmitSequenceCell(CodeWriter w, string call)
    {
        if (!FastActivations)
        {
            w.Line($"{CellKernels}.{call};");
            return;
        }

        w.Line($"if (training) {CellKernels}.{call}; // exact activations: the backward pass differentiates these");
        w.Line($"else {RuntimeNames.FastCellKernels}.{call}; // inference: the fast sigmoid and tanh, as Step");
    }
}
