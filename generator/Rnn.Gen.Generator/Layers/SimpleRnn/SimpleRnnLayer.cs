using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Layers.Recurrent;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.SimpleRnn;

/// <summary><c>[SimpleRnn(hiddenSize)]</c>: PyTorch's nn.RNN (Elman), h = act(W_ih x + b_ih + W_hh h_prev + b_hh), act = tanh or relu.</summary>
internal sealed class SimpleRnnLayer : RecurrentKind<SimpleRnnSpec, SimpleRnnPlan>
{
    public static SimpleRnnLayer Instance { get; } = new();

    public override string Name => "SimpleRnn";

    public override string AttributeName => "Rnn.Gen.SimpleRnnAttribute";

    protected override ActivationKind? CellActivation(AttributeReader attribute) =>
        LayerOptions.Activation(attribute, ActivationKind.Tanh, ActivationKind.Tanh, ActivationKind.Relu);

    protected override SimpleRnnSpec CreateSpec(RecurrentOptions options, ActivationKind activation) => new(options, activation);

    protected override SimpleRnnPlan Plan(SimpleRnnSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override CellEmitter CreateCell(LayerEmitter owner, SimpleRnnPlan plan, RecurrentDirection direction) => new SimpleRnnCellEmitter(owner, plan, (SimpleRnnDirection)direction);
}

/// <summary>An Elman RNN layer and its activation.</summary>
internal sealed record SimpleRnnSpec(RecurrentOptions Options, ActivationKind Activation) : RecurrentSpec(Options)
{
    public override LayerKind Kind => SimpleRnnLayer.Instance;

    public override ActivationKind? CellActivation => Activation;
}

/// <summary>An Elman RNN layer's plan: one or two <see cref="SimpleRnnDirection"/>s.</summary>
internal sealed class SimpleRnnPlan : RecurrentPlan
{
    public SimpleRnnPlan(SimpleRnnSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context)
    {
        Activation = spec.Activation;
        Lay(slabs, index => new SimpleRnnDirection(this, index));
    }

    public ActivationKind Activation { get; }

    public override int Gates => 1;
}

/// <summary>One direction of an Elman layer: its hidden sequence holds the pre-activations until the cell applies the activation in place.</summary>
internal sealed class SimpleRnnDirection : RecurrentDirection
{
    public SimpleRnnDirection(SimpleRnnPlan layer, int index)
        : base(layer, index)
    {
    }

    /// <summary><c>_packed</c> [H]: b_ih + b_hh.</summary>
    public Region PackedBias { get; private set; }

    /// <summary><c>_work</c> [T, H]: dL/d(pre-activation) of every step.</summary>
    public Region PreActivationGradients { get; private set; }

    /// <summary><c>_scratch</c> [H]: one inference step's pre-activation.</summary>
    public Region ScratchPreActivation { get; private set; }

    protected override void AddCellBuffers(ModelSlabs slabs)
    {
        PackedBias = slabs.Packed.AddAligned(Owner, Member("PackedBias"), G, $"[{G}] b_ih + b_hh");
        PreActivationGradients = slabs.Work.Add(Owner, Member("PreActivationGradients"), T * H, $"[{T}, {H}] dL/d(pre-activation) of every step");
        ScratchPreActivation = slabs.Scratch.Add(Owner, Member("ScratchPreActivation"), H, $"[{H}] one step's pre-activation");
    }
}
