using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Recurrent;

/// <summary>
/// Emits a recurrent layer of any cell: one <see cref="CellEmitter"/> per direction writes that direction's code; this
/// layer-level emitter runs them, merges a bidirectional layer's directions and applies input dropout.
/// </summary>
internal sealed partial class RecurrentEmitter : LayerEmitter<RecurrentPlan>
{
    public RecurrentEmitter(RecurrentPlan layer, Func<LayerEmitter, RecurrentDirection, CellEmitter> createCell)
        : base(layer) => Cells = layer.Directions.Select(direction => createCell(this, direction)).ToList();

    /// <summary>One cell emitter per direction, the forward direction first.</summary>
    public IReadOnlyList<CellEmitter> Cells { get; }

    private CellEmitter Forward => Cells[0];

    private int H => Plan.Hidden;

    public override string Description =>
        $"layer {Layer.Index}, {(Plan.Bidirectional ? "bidirectional " : string.Empty)}{Forward.CellName} {In} -> {H}"
        + (Plan.Bidirectional ? $" per direction, merged by {Plan.Recurrent.Options.MergeMode.ToString().ToLowerInvariant()} into {Layer.OutputSize}" : string.Empty)
        + TrainingOptions;

    protected override string TrainingOptions =>
        base.TrainingOptions + (Plan.Recurrent.Options.RecurrentDropout > 0 ? $", recurrent dropout {Format(Plan.Recurrent.Options.RecurrentDropout)}" : string.Empty);

    /// <summary>A <c>RecurrentLayer</c> of the cell (<c>RecurrentCell.Lstm</c>, <c>Gru</c>, <c>SimpleRnn</c>, named as the kind), its size and options.</summary>
    public override string Architecture
    {
        get
        {
            RecurrentOptions options = Plan.Recurrent.Options;
            var init = new List<string> { $"ReturnSequences = {(options.ReturnSequences ? "true" : "false")}" };
            if (Plan.Bidirectional)
            {
                init.Add("Bidirectional = true");
                init.Add($"MergeMode = {Member(MergeMode, options.MergeMode)}");
            }

            if (Plan.Recurrent.CellActivation is { } activation)
            {
                init.Add($"Activation = {Member(Activation, activation)}");
            }

            return $"new {Export}.RecurrentLayer({Layer.Index}, {Export}.RecurrentCell.{Layer.Spec.Kind.Name}, inputSize: {In}, hidden: {H}) {{ {string.Join(", ", init)} }}";
        }
    }

    /// <summary>PyTorch's default for recurrent layers: U(−1/√H, 1/√H).</summary>
    protected override (int Fan, string Module) Initialization => (H, "recurrent layers");

    public override void EmitMethods(CodeWriter w)
    {
        for (int i = 0; i < Cells.Count; i++)
        {
            if (i > 0)
            {
                w.Line();
            }

            Cells[i].EmitStepMethod(w);
            w.Line();
            Cells[i].EmitBackwardMethods(w);
        }

        if (Plan.Bidirectional)
        {
            w.Line();
            EmitBidirectionalBackward(w);
        }
    }

    public override void EmitPack(CodeWriter w)
    {
        foreach (CellEmitter cell in Cells)
        {
            cell.EmitPack(w);
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        inputs = EmitInputDropout(w, inputs);
        foreach (CellEmitter cell in Cells)
        {
            w.Line($"// {cell.DirectionName}, every step{cell.Shape.ForwardNote}.");
            using (w.Block())
            {
                cell.EmitForward(w, inputs);
            }
        }

        if (Plan.Bidirectional)
        {
            EmitMerge(w);
        }
    }

    /// <summary>One streaming step of the (forward, only) direction; the layer's output is its hidden state.</summary>
    public override string EmitInferenceStep(CodeWriter w, string input, string state, string? destination)
    {
        Forward.EmitInferenceCall(w, input, state);
        return CodeWriter.Slice(state, Plan.Forward.StateHidden);
    }

    /// <summary>The batch path's forward pass: each sample's dropout masks, then every step in lockstep over the running samples.</summary>
    public override void EmitBatchForward(CodeWriter w, BatchLayout batch, string name, string source, Region sourceRegion)
    {
        RecurrentDirection direction = Plan.Forward;
        if (Layer.InputDropout is not null || direction.RecurrentMask is not null)
        {
            w.Line($"// {Description}: each sample's dropout masks, then every step in lockstep over the running samples.");
            using (w.Block("for (int s = 0; s < batch; s++)"))
            {
                batch.DeclareSlot(w);
                w.Line($"{ReadOnlySpan} {name} = {source};");
                EmitInputDropout(w, name);
                if (direction.RecurrentMask is not null)
                {
                    w.Line($"{Forward.RecurrentMaskDraw}; // recurrent dropout, one mask per sequence");
                }
            }
        }
        else
        {
            w.Line($"// {Description}: every step in lockstep over the running samples.");
        }

        Forward.EmitBatchSteps(w, batch, Layer.InputDropout?.MaskedInput ?? sourceRegion);
    }

    public override void EmitBatchBackward(CodeWriter w, BatchLayout batch, Action<CodeWriter, string, string> backwardCall) =>
        Forward.EmitBatchBackward(w, batch, backwardCall);

    /// <summary>Training forward: the merged output of a bidirectional layer.</summary>
    private void EmitMerge(CodeWriter w)
    {
        Region forward = Plan.Directions[0].Hidden, reverse = Plan.Directions[1].Hidden;
        string mode = Plan.Recurrent.Options.MergeMode.ToString().ToLowerInvariant();
        w.Line(Layer.SequenceOut
            ? $"// Merge the directions at every step ({mode}; concat puts the forward features first, as PyTorch)."
            : $"// Merge the forward direction's last step with the reverse direction's first (its last), as PyTorch's h_n ({mode}).");
        if (Layer.SequenceOut)
        {
            using (w.Block("for (int t = 0; t < length; t++)"))
            {
                EmitMergeAt(w, CodeWriter.SliceAt("cache", forward, H, "t"), CodeWriter.SliceAt("cache", reverse, H, "t"), CodeWriter.SliceAt("cache", Layer.Output, Layer.OutputSize, "t"));
            }

            w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice({CodeWriter.Times("length", Layer.OutputSize)}).Clear();");
        }
        else
        {
            using (w.Block())
            {
                EmitMergeAt(w, CodeWriter.SliceAt("cache", forward, H, "length - 1"), CodeWriter.SliceAt("cache", reverse, H, "0"), CodeWriter.Slice("cache", Layer.Output));
            }
        }
    }

    private void EmitMergeAt(CodeWriter w, string forward, string reverse, string output)
    {
        w.Line($"{ReadOnlySpan} hf = {forward}, hr = {reverse};");
        w.Line($"{Span} merged = {output};");
        switch (Plan.Recurrent.Options.MergeMode)
        {
            case MergeModeKind.Concat:
                w.Line($"hf.CopyTo(merged.Slice(0, {H}));");
                w.Line($"hr.CopyTo(merged.Slice({H}, {H}));");
                break;
            case MergeModeKind.Sum:
                w.Line($"for (int j = 0; j < {H}; j++) merged[j] = hf[j] + hr[j];");
                break;
            case MergeModeKind.Multiply:
                w.Line($"for (int j = 0; j < {H}; j++) merged[j] = hf[j] * hr[j];");
                break;
            case MergeModeKind.Average:
                w.Line($"for (int j = 0; j < {H}; j++) merged[j] = 0.5f * (hf[j] + hr[j]);");
                break;
            default:
                throw new InvalidOperationException($"The parser admits no merge mode {Plan.Recurrent.Options.MergeMode}.");
        }
    }

    /// <summary>Backward of a bidirectional layer: through the merge into each direction, then each direction.</summary>
    private void EmitBidirectionalBackward(CodeWriter w)
    {
        RecurrentDirection forward = Plan.Directions[0], reverse = Plan.Directions[1];
        w.Summary($"Backward for {Description}: through the merge, then backward through time in each direction.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line($"{Span} dForward = {CodeWriter.Slice("work", forward.HiddenGradient)};");
            w.Line($"{Span} dReverse = {CodeWriter.Slice("work", reverse.HiddenGradient)};");
            w.Line("dForward.Clear();");
            w.Line("dReverse.Clear();");
            if (!Layer.SequenceOut)
            {
                EmitMergeBackwardAt(w, CodeWriter.Slice("work", Layer.OutputGradient), "length - 1", "0", forward, reverse);
            }
            else
            {
                using (w.Block("for (int t = 0; t < length; t++)"))
                {
                    EmitMergeBackwardAt(w, CodeWriter.SliceAt("work", Layer.OutputGradient, Layer.OutputSize, "t"), "t", "t", forward, reverse);
                }
            }

            foreach (CellEmitter cell in Cells)
            {
                w.Line($"{cell.DirectionBackward}(cache, work, length, xs, dx);");
            }

            EmitInputDropoutBackwardEnd(w);
        }
    }

    private void EmitMergeBackwardAt(CodeWriter w, string dMerged, string forwardStep, string reverseStep, RecurrentDirection forward, RecurrentDirection reverse)
    {
        w.Line($"{ReadOnlySpan} dm = {dMerged};");
        w.Line($"{Span} df = dForward.Slice({CodeWriter.Times(forwardStep, H)}, {H}), dr = dReverse.Slice({CodeWriter.Times(reverseStep, H)}, {H});");
        switch (Plan.Recurrent.Options.MergeMode)
        {
            case MergeModeKind.Concat:
                w.Line($"dm.Slice(0, {H}).CopyTo(df);");
                w.Line($"dm.Slice({H}, {H}).CopyTo(dr);");
                break;
            case MergeModeKind.Sum:
                w.Line("dm.CopyTo(df);");
                w.Line("dm.CopyTo(dr);");
                break;
            case MergeModeKind.Multiply:
                w.Line($"{ReadOnlySpan} hf = {CodeWriter.SliceAt("cache", forward.Hidden, H, forwardStep)}, hr = {CodeWriter.SliceAt("cache", reverse.Hidden, H, reverseStep)};");
                w.Line($"for (int j = 0; j < {H}; j++) {{ df[j] = dm[j] * hr[j]; dr[j] = dm[j] * hf[j]; }}");
                break;
            case MergeModeKind.Average:
                w.Line($"for (int j = 0; j < {H}; j++) {{ df[j] = 0.5f * dm[j]; dr[j] = 0.5f * dm[j]; }}");
                break;
            default:
                throw new InvalidOperationException($"The parser admits no merge mode {Plan.Recurrent.Options.MergeMode}.");
        }
    }
}
