using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Layers.Recurrent;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Gru;

/// <summary>
/// <c>[Gru(hiddenSize)]</c>: PyTorch's nn.GRU, gates r, z, n stacked in rows of W_ih [3H, I] and W_hh [3H, H], two
/// biases, the reset gate applied to (W_hn h + b_hn).
/// </summary>
internal sealed class GruLayer : RecurrentKind<GruSpec, GruPlan>
{
    public static GruLayer Instance { get; } = new();

    public override string Name => "Gru";

    public override string AttributeName => "Rnn.Gen.GruAttribute";

    protected override GruSpec CreateSpec(RecurrentOptions options, ActivationKind activation) => new(options);

    protected override GruPlan Plan(GruSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override CellEmitter CreateCell(LayerEmitter owner, GruPlan plan, RecurrentDirection direction) => new GruCellEmitter(owner, plan, (GruDirection)direction);
}

/// <summary>A GRU layer.</summary>
internal sealed record GruSpec(RecurrentOptions Options) : RecurrentSpec(Options)
{
    public override LayerKind Kind => GruLayer.Instance;
}

/// <summary>A GRU layer's plan: one or two <see cref="GruDirection"/>s.</summary>
internal sealed class GruPlan : RecurrentPlan
{
    public GruPlan(GruSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context) => Lay(slabs, index => new GruDirection(this, index));

    public override int Gates => 3;
}

/// <summary>One direction of a GRU layer: both sides' contributions kept apart (b_hn sits inside the reset gate, so the biases are not summed).</summary>
internal sealed class GruDirection : RecurrentDirection
{
    public GruDirection(GruPlan layer, int index)
        : base(layer, index)
    {
    }

    /// <summary><c>_cache</c> [T, 3H]: r, z, n of every step after their activations.</summary>
    public Region Gates { get; private set; }

    /// <summary><c>_cache</c> [T, H]: W_hn h + b_hn of every step, before the reset gate.</summary>
    public Region HiddenCandidate { get; private set; }

    /// <summary><c>_work</c> [T, 3H]: dL/d(W_ih x + b_ih) of every step.</summary>
    public Region InputSideGradients { get; private set; }

    /// <summary><c>_work</c> [T, 3H]: dL/d(W_hh h + b_hh) of every step.</summary>
    public Region HiddenSideGradients { get; private set; }

    /// <summary><c>_scratch</c> [3H]: one step's input side.</summary>
    public Region ScratchGates { get; private set; }

    /// <summary><c>_scratch</c> [H]: one step's W_hn h + b_hn.</summary>
    public Region ScratchHiddenCandidate { get; private set; }

    /// <summary><c>_scratch</c> [3H]: one step's hidden side, W_hh h + b_hh (the training loop's too, one row reused).</summary>
    public Region ScratchHiddenSide { get; private set; }

    protected override void AddCellBuffers(ModelSlabs slabs)
    {
        Gates = slabs.Cache.Add(Owner, Member("Gates"), T * G, $"[{T}, {G}] r, z, n after their activations");
        HiddenCandidate = slabs.Cache.Add(Owner, Member("HiddenCandidate"), T * H, $"[{T}, {H}] W_hn h + b_hn, before the reset gate");
        InputSideGradients = slabs.Work.Add(Owner, Member("InputSideGradients"), T * G, $"[{T}, {G}] dL/d(W_ih x + b_ih) of every step");
        HiddenSideGradients = slabs.Work.Add(Owner, Member("HiddenSideGradients"), T * G, $"[{T}, {G}] dL/d(W_hh h + b_hh) of every step");
        ScratchGates = slabs.Scratch.Add(Owner, Member("ScratchGates"), G, $"[{G}] one step's input side");
        ScratchHiddenCandidate = slabs.Scratch.Add(Owner, Member("ScratchHiddenCandidate"), H, $"[{H}] one step's W_hn h + b_hn");
        ScratchHiddenSide = slabs.Scratch.Add(Owner, Member("ScratchHiddenSide"), G, $"[{G}] one step's W_hh h + b_hh");
    }
}
