using System;
using System.Collections.Generic;
using Rnn.Gen.Generator.Model;

namespace Rnn.Gen.Generator.Planning;

/// <summary>Where a layer sits in the model, as its kind's planner receives it.</summary>
/// <param name="Index">The layer's index in declaration order (its parameters' state_dict prefix).</param>
/// <param name="InputSize">Features per position the layer reads.</param>
/// <param name="Steps">Steps of the sequence the layer runs over: the model's, or a decoder's output steps.</param>
/// <param name="SequenceIn">The layer reads a sequence (every step) rather than one position.</param>
/// <param name="Stateful">The model is stateful: a recurrent layer starts each Forward where the previous one ended.</param>
/// <param name="InDecoder">The layer belongs to a decoder: it runs for the decoder's output steps.</param>
internal sealed record LayerContext(int Index, int InputSize, int Steps, bool SequenceIn, bool Stateful, bool InDecoder, bool Int8Weights = false, bool FastActivations = false)
{
    /// <summary>The class of named offsets the generated code declares for the layer: <c>Layer0</c>.</summary>
    public string Owner => $"Layer{Index}";
}

/// <summary>Input dropout of a layer: the mask (one per sequence for recurrent layers, per position for Dense) and the masked inputs, both in <c>_cache</c>.</summary>
internal sealed record InputDropoutPlan(double Rate, Region Mask, Region MaskedInput, bool OneMaskPerSequence);

/// <summary>
/// A state a recurrent layer carries from one step to the next (h; an LSTM's c too): where streaming keeps it between
/// calls, where the training pass keeps it at every step, where a pass that starts from a given state (stateful models,
/// decoders) keeps that start, and its gradient carried back through time.
/// </summary>
internal sealed record CarriedState(string Name, Region State, Region Sequence, Region? Initial, Region Gradient);

/// <summary>
/// One direction's final state as a part of a decoder layer's start state: <paramref name="Size"/> floats of
/// <paramref name="Sequence"/> (the state at every step, in the training cache) at step <paramref name="Step"/> (a C#
/// expression of <c>length</c>), written at <paramref name="Offset"/> of the start state, or added there.
/// </summary>
internal sealed record FinalStatePart(Region Sequence, long Size, string Step, long Offset, bool Adds);

/// <summary>
/// Shapes and memory of one layer, as its kind planned them: its parameters, and typed regions in the model's slabs
/// (<c>_cache</c> for training activations, <c>_work</c> for backward temporaries, <c>_state</c> for the state of
/// streaming and prediction, <c>_scratch</c> for inference temporaries, <c>_packed</c> for repacked weights). Each kind
/// derives its own plan with its regions as members; this base holds what the model's drivers read of every layer.
/// </summary>
internal abstract class LayerPlan
{
    protected LayerPlan(LayerSpec spec, LayerContext context)
    {
        Spec = spec;
        Context = context;
    }

    public LayerSpec Spec { get; }

    public LayerContext Context { get; }

    public int Index => Context.Index;

    public int InputSize => Context.InputSize;

    public int Steps => Context.Steps;

    public bool SequenceIn => Context.SequenceIn;

    public bool Stateful => Context.Stateful;

    public bool InDecoder => Context.InDecoder;

    /// <summary>The class of the layer's named offsets in generated code.</summary>
    public string Owner => Context.Owner;

    /// <summary>Features per position of the layer's output.</summary>
    public int OutputSize => Spec.OutputSize(InputSize);

    /// <summary>The layer outputs a sequence (every step) rather than one position.</summary>
    public virtual bool SequenceOut => SequenceIn;

    /// <summary>
    /// Steps of the layer's output when it outputs a sequence: its input's <see cref="Steps"/>, or fewer for a layer
    /// with a <see cref="LengthMap"/>. The next layer's <see cref="LayerContext.Steps"/>.
    /// </summary>
    public int OutputSteps => LengthMap?.Apply(Steps) ?? Steps;

    /// <summary>
    /// How the layer maps its input's valid length to its output's (convolutions without padding, pooling), or null when
    /// its output has as many valid steps as its input. The drivers give every layer its own input's valid length
    /// (<c>length</c> in its code) by applying the maps of the layers below to the sample's.
    /// </summary>
    public virtual LengthMap? LengthMap => null;

    /// <summary>How many positions a position-wise layer runs at: every step after a sequence, else one.</summary>
    public int Positions => SequenceIn ? Steps : 1;

    /// <summary>The layer's parameter tensors in state_dict order.</summary>
    public List<ParameterPlan> Parameters { get; } = new();

    /// <summary>The layer's training output in <c>_cache</c>: every step's output, or one position's.</summary>
    public Region Output { get; protected set; }

    /// <summary>dLoss/dOutput in <c>_work</c>, shaped like <see cref="Output"/>.</summary>
    public Region OutputGradient { get; protected set; }

    /// <summary>What the next layer reads: the whole output, or (a many-to-one recurrent layer) only its last step.</summary>
    public virtual Region OutputView => Output;

    /// <summary>The part of <see cref="OutputGradient"/> that the next layer writes; see <see cref="OutputView"/>.</summary>
    public virtual Region OutputGradientView => OutputGradient;

    /// <summary>Input dropout, when the layer's attribute asks for it.</summary>
    public InputDropoutPlan? InputDropout { get; protected set; }

    /// <summary>The states the layer carries from step to step (its forward direction's), empty for a stateless layer.</summary>
    public virtual IReadOnlyList<CarriedState> CarriedStates => Array.Empty<CarriedState>();

    /// <summary>The carried state that is also the layer's output (a recurrent layer's h), or null.</summary>
    public virtual CarriedState? OutputState => null;

    /// <summary>For an encoder's recurrent layer, the decoder layer that starts from its final states; for that decoder layer, the encoder layer.</summary>
    public LayerPlan? Partner { get; set; }

    /// <summary>
    /// For a layer that reads the encoder's output at every step (attention): the encoder's top recurrent layer, whose
    /// <see cref="Output"/> ([steps, features], zero past the valid length) it reads and whose
    /// <see cref="OutputGradient"/> it adds into.
    /// </summary>
    public LayerPlan? Memory { get; set; }

    /// <summary>The <c>_scratch</c> region of the model's <c>AttentionWeights</c> (an attention layer's), or null.</summary>
    public virtual Region? AttentionWeightsRegion => null;

    /// <summary>
    /// For an encoder layer whose decoder partner starts from its final states: the parts of carried state
    /// <paramref name="k"/>'s start, each a direction's state in the training cache at a step, written at an offset of
    /// the start state (added when two directions are summed into it). One part by default: the state at the last valid
    /// step.
    /// </summary>
    public virtual IReadOnlyList<FinalStatePart> FinalStateParts(int k) =>
        new[] { new FinalStatePart(CarriedStates[k].Sequence, CarriedStates[k].State.Length, "length - 1", 0, Adds: false) };

    /// <summary>Why the model's <c>Step</c> cannot stream this layer (the message of the exception it throws), or null when it can.</summary>
    public virtual string? StreamingUnsupported => null;

    /// <summary>Whether the layer runs in the batch path (<c>ForwardBatch</c>/<c>BackwardBatch</c>).</summary>
    public virtual bool SupportsBatchPath => true;

    /// <summary>The layer draws training randomness (dropout masks, noise) in Forward.</summary>
    public virtual bool DrawsTrainingRandomness => InputDropout is not null;

    /// <summary>Floats of the shared zero state the layer starts from (0 when it has none).</summary>
    public virtual int ZeroStateLength => 0;

    /// <summary>What the layer needs in the batch workspace's shared buffer; called once the model has a batch path.</summary>
    public virtual void PlanBatch(SlabBuilder shared)
    {
    }

    /// <summary>
    /// Adds a parameter tensor, named <c>{index}.{name}</c> as PyTorch's state_dict, with its penalty factors; generated
    /// code names its offset <c>{Owner}.{member}</c>.
    /// </summary>
    internal ParameterPlan AddParameter(ModelSlabs slabs, string member, string name, double l1, double l2, params long[] shape)
    {
        long length = 1;
        foreach (long dimension in shape)
        {
            length *= dimension;
        }

        string stateDictName = $"{Index}.{name}";
        var parameter = new ParameterPlan(stateDictName, slabs.Parameters.Add(Owner, member, length, $"{stateDictName} [{string.Join(", ", shape)}]"), shape, l1, l2);
        Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Plans input dropout at <paramref name="rate"/> (nothing at 0): a mask of <paramref name="maskLength"/> and the masked inputs of every position.</summary>
    protected void PlanInputDropout(ModelSlabs slabs, double rate, long positions, long maskLength, bool oneMaskPerSequence)
    {
        if (rate > 0)
        {
            Region mask = slabs.Cache.Add(Owner, "InputMask", maskLength, $"[{maskLength}] the input dropout mask");
            Region masked = slabs.Cache.Add(Owner, "MaskedInput", positions * InputSize, $"[{positions}, {InputSize}] the inputs after dropout");
            InputDropout = new InputDropoutPlan(rate, mask, masked, oneMaskPerSequence);
        }
    }
}
