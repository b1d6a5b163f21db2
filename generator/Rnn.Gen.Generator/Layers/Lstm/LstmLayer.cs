using System.Collections.Generic;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Layers.Recurrent;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Lstm;

/// <summary><c>[Lstm(hiddenSize)]</c>: PyTorch's nn.LSTM, gates i, f, g, o stacked in rows of W_ih [4H, I] and W_hh [4H, H], two biases.</summary>
internal sealed class LstmLayer : RecurrentKind<LstmSpec, LstmPlan>
{
    public static LstmLayer Instance { get; } = new();

    public override string Name => "Lstm";

    public override string AttributeName => "Rnn.Gen.LstmAttribute";

    protected override LstmSpec CreateSpec(RecurrentOptions options, ActivationKind activation) => new(options);

    protected override LstmPlan Plan(LstmSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override CellEmitter CreateCell(LayerEmitter owner, LstmPlan plan, RecurrentDirection direction) => new LstmCellEmitter(owner, plan, (LstmDirection)direction);
}

/// <summary>An LSTM layer.</summary>
internal sealed record LstmSpec(RecurrentOptions Options) : RecurrentSpec(Options)
{
    public override LayerKind Kind => LstmLayer.Instance;
}

/// <summary>An LSTM layer's plan: one or two <see cref="LstmDirection"/>s.</summary>
internal sealed class LstmPlan : RecurrentPlan
{
    public LstmPlan(LstmSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context) => Lay(slabs, index => new LstmDirection(this, index));

    public override int Gates => 4;
}

/// <summary>One direction of an LSTM layer: the gates, the cell state and what backward needs of them.</summary>
internal sealed class LstmDirection : RecurrentDirection
{
    public LstmDirection(LstmPlan layer, int index)
        : base(layer, index)
    {
    }

    /// <summary><c>_packed</c> [G]: b_ih + b_hh.</summary>
    public Region PackedBias { get; private set; }

    /// <summary><c>_cache</c> [T, 4H]: i, f, g, o of every step after their activations.</summary>
    public Region Gates { get; private set; }

    /// <summary><c>_cache</c> [T, H]: the cell state c of every step.</summary>
    public Region CellState { get; private set; }

    /// <summary><c>_cache</c> [T, H]: tanh(c) of every step, reused by backward.</summary>
    public Region TanhCellState { get; private set; }

    /// <summary><c>_work</c> [H]: dL/dc carried back through time.</summary>
    public Region CellStateGradient { get; private set; }

    /// <summary><c>_work</c> [T, 4H]: dL/d(pre-activation) of every step.</summary>
    public Region GateGradients { get; private set; }

    /// <summary><c>_state</c> [H]: c between streaming steps.</summary>
    public Region StateCell { get; private set; }

    /// <summary><c>_scratch</c> [4H]: one inference step's gates.</summary>
    public Region ScratchGates { get; private set; }

    /// <summary><c>_scratch</c> [H]: one inference step's tanh(c).</summary>
    public Region ScratchTanhCellState { get; private set; }

    /// <summary><c>_cache</c> [H]: the cell state this Forward started from.</summary>
    public Region? InitialCellState { get; private set; }

    protected override IEnumerable<CarriedState> CellCarriedStates => new[] { new CarriedState("c", StateCell, CellState, InitialCellState, CellStateGradient) };

    protected override void AddCellBuffers(ModelSlabs slabs)
    {
        PackedBias = slabs.Packed.AddAligned(Owner, Member("PackedBias"), G, $"[{G}] b_ih + b_hh");

        // Backward keeps the pre-activation gradient of every step, so that the weight gradients are summed over time
        // as matrix products after the loop instead of one outer product per step.
        Gates = slabs.Cache.Add(Owner, Member("Gates"), T * G, $"[{T}, {G}] i, f, g, o after their activations");
        CellState = slabs.Cache.Add(Owner, Member("CellState"), T * H, $"[{T}, {H}] c of every step");
        TanhCellState = slabs.Cache.Add(Owner, Member("TanhCellState"), T * H, $"[{T}, {H}] tanh(c), reused by backward");
        CellStateGradient = slabs.Work.Add(Owner, Member("CellStateGradient"), H, $"[{H}] dL/dc carried back through time");
        GateGradients = slabs.Work.Add(Owner, Member("GateGradients"), T * G, $"[{T}, {G}] dL/d(pre-activation) of every step");
        StateCell = slabs.State.Add(Owner, Member("StateCell"), H, $"[{H}] c between streaming steps");
        ScratchGates = slabs.Scratch.Add(Owner, Member("ScratchGates"), G, $"[{G}] one step's gates");
        ScratchTanhCellState = slabs.Scratch.Add(Owner, Member("ScratchTanhCellState"), H, $"[{H}] one step's tanh(c)");
    }

    protected override void AddCellInitialStates(ModelSlabs slabs) =>
        InitialCellState = slabs.Cache.Add(Owner, Member("InitialCellState"), H, $"[{H}] c this Forward started from");
}
