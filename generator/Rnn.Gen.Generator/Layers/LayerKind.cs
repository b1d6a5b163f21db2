using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers;

/// <summary>
/// A layer kind as one unit: the attribute it reads, how it validates that attribute into its spec, how it lays out its
/// parameters and buffers, and the emitter that writes its code. Each kind has a folder of its own under
/// <c>Layers/</c> and one line in <see cref="LayerKinds.All"/>; the model's parser, planner and emitters reach a layer
/// only through this contract and the base types it returns (<see cref="LayerSpec"/>, <see cref="LayerPlan"/>,
/// <see cref="LayerEmitter"/>). The stages run in one direction: the spec is parsed once, planned once, emitted from
/// the plan.
/// </summary>
internal abstract class LayerKind
{
    /// <summary>The kind's name in generated method names and messages: <c>Lstm</c> gives <c>Lstm0Step</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The metadata name of the attribute that declares the layer, e.g. <c>Rnn.Gen.LstmAttribute</c>.</summary>
    public abstract string AttributeName { get; }

    /// <summary>
    /// Reads and validates one attribute: the spec, or null when the attribute is invalid (each reason reported as a
    /// diagnostic on the argument at fault) or malformed (the compiler's error, reported by the compiler).
    /// </summary>
    public abstract LayerSpec? Parse(AttributeReader attribute);

    /// <summary>Lays out the layer's parameters and buffers in the model's slabs; called once per layer, in order.</summary>
    public abstract LayerPlan Plan(LayerSpec spec, LayerContext context, ModelSlabs slabs);

    /// <summary>The emitter of a layer this kind planned.</summary>
    public abstract LayerEmitter CreateEmitter(LayerPlan plan);
}

/// <summary>A <see cref="LayerKind"/> with its spec and plan types, so that each kind's code sees its own types.</summary>
internal abstract class LayerKind<TSpec, TPlan> : LayerKind
    where TSpec : LayerSpec
    where TPlan : LayerPlan
{
    public sealed override LayerPlan Plan(LayerSpec spec, LayerContext context, ModelSlabs slabs) => Plan((TSpec)spec, context, slabs);

    public sealed override LayerEmitter CreateEmitter(LayerPlan plan) => CreateEmitter((TPlan)plan);

    /// <inheritdoc cref="LayerKind.Plan(LayerSpec, LayerContext, ModelSlabs)"/>
    protected abstract TPlan Plan(TSpec spec, LayerContext context, ModelSlabs slabs);

    /// <inheritdoc cref="LayerKind.CreateEmitter(LayerPlan)"/>
    protected abstract LayerEmitter CreateEmitter(TPlan plan);
}
