using System.Collections.Generic;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Recurrent;

/// <summary>
/// A recurrent layer: one direction, whose hidden sequence is the layer's output, or two merged into an output of
/// their own. Each cell's plan derives from this and creates its directions; the layout is laid out in one order for
/// every cell (parameters of every direction, the merged output, input dropout, then each direction's buffers).
/// </summary>
internal abstract class RecurrentPlan : LayerPlan
{
    private readonly List<RecurrentDirection> _directions = new();

    protected RecurrentPlan(RecurrentSpec spec, LayerContext context)
        : base(spec, context) => Recurrent = spec;

    public RecurrentSpec Recurrent { get; }

    /// <summary>Hidden size per direction.</summary>
    public int Hidden => Recurrent.Hidden;

    public bool Bidirectional => Recurrent.Bidirectional;

    /// <summary>How many gates the rows of the weights stack, each <see cref="Hidden"/> long: 4 (LSTM), 3 (GRU), 1 (Elman).</summary>
    public abstract int Gates { get; }

    /// <summary>Rows of the stacked gate matrices: 4H (LSTM), 3H (GRU), H (Elman).</summary>
    public long GateSize => (long)Gates * Hidden;

    /// <summary>The directions: the forward one, and the reverse one of a bidirectional layer.</summary>
    public IReadOnlyList<RecurrentDirection> Directions => _directions;

    public RecurrentDirection Forward => _directions[0];

    /// <summary>Decoder layers return every step, whatever ReturnSequences says.</summary>
    public override bool SequenceOut => Recurrent.Options.ReturnSequences || InDecoder;

    /// <summary>A decoder's recurrent layer: its start state is its encoder layer's final state (zero for one-to-many).</summary>
    public bool StartsFromEncoder => InDecoder;

    /// <summary>The layer starts from a state kept in the cache (stateful models, decoders) rather than zero.</summary>
    public bool HasInitialState => Stateful || StartsFromEncoder;

    /// <summary>A many-to-one unidirectional layer hands on only the hidden state of the last valid step.</summary>
    private bool HandsOnLastStep => !SequenceOut && !Bidirectional;

    public override Region OutputView => HandsOnLastStep ? Output.Block(Steps - 1, OutputSize) : Output;

    public override Region OutputGradientView => HandsOnLastStep ? OutputGradient.Block(Steps - 1, OutputSize) : OutputGradient;

    public override IReadOnlyList<CarriedState> CarriedStates => Forward.CarriedStates;

    /// <summary>h, the first carried state, is the layer's output.</summary>
    public override CarriedState? OutputState => Forward.CarriedStates[0];

    /// <summary>
    /// A bidirectional encoder layer's final states: the forward direction's at the last valid step and the reverse
    /// direction's at step 0, concatenated (forward first) or summed, as the decoder's start state.
    /// </summary>
    public override IReadOnlyList<FinalStatePart> FinalStateParts(int k)
    {
        if (!Bidirectional)
        {
            return base.FinalStateParts(k);
        }

        bool sum = Recurrent.Options.MergeMode == MergeModeKind.Sum;
        return new[]
        {
            new FinalStatePart(Directions[0].CarriedStates[k].Sequence, Hidden, "length - 1", 0, Adds: false),
            new FinalStatePart(Directions[1].CarriedStates[k].Sequence, Hidden, "0", sum ? 0 : Hidden, Adds: sum),
        };
    }

    public override string? StreamingUnsupported =>
        Bidirectional ? "This model has a bidirectional layer, whose reverse direction needs the whole sequence: use Predict." : null;

    public override bool SupportsBatchPath => !Bidirectional;

    public override bool DrawsTrainingRandomness => base.DrawsTrainingRandomness || Recurrent.Options.RecurrentDropout > 0;

    public override int ZeroStateLength => OutputSize;

    /// <summary>Inputs narrower than a 512-bit vector: the batch path sums W_ih's gradient transposed in the shared buffer.</summary>
    public override void PlanBatch(SlabBuilder shared)
    {
        if (InputSize < ModelPlan.NarrowInput)
        {
            Forward.TransposedInputWeightGradient = shared.Add(Owner, "InputWeightGradientT", InputSize * GateSize, $"[{InputSize}, {GateSize}] W_ih's gradient, transposed, while a batch adds into it");
        }
    }

    /// <summary>
    /// Lays the layer out with <paramref name="createDirection"/> making each direction of the cell: every direction's
    /// parameters (nn.LSTM / nn.GRU / nn.RNN with num_layers=1: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then
    /// the same with the suffix _reverse), a bidirectional layer's merged output, one input dropout mask shared by both
    /// directions, then each direction's buffers.
    /// </summary>
    protected void Lay(ModelSlabs slabs, System.Func<int, RecurrentDirection> createDirection)
    {
        for (int d = 0; d < (Bidirectional ? 2 : 1); d++)
        {
            RecurrentDirection direction = createDirection(d);
            direction.AddParameters(slabs);
            _directions.Add(direction);
        }

        // A bidirectional layer merges its directions into an output of its own: every step, or (many-to-one) the
        // forward direction's last step with the reverse direction's first, as PyTorch's h_n.
        if (Bidirectional)
        {
            long merged = SequenceOut ? (long)Steps * OutputSize : OutputSize;
            string shape = SequenceOut ? $"[{Steps}, {OutputSize}]" : $"[{OutputSize}]";
            Output = slabs.Cache.Add(Owner, "Output", merged, $"{shape} the directions merged");
            OutputGradient = slabs.Work.Add(Owner, "OutputGradient", merged, $"{shape} dL/d(merged output)");
        }

        PlanInputDropout(slabs, Recurrent.Options.Dropout, Steps, InputSize, oneMaskPerSequence: true);
        foreach (RecurrentDirection direction in _directions)
        {
            direction.AddBuffers(slabs);
            if (!Bidirectional)
            {
                Output = direction.Hidden;
                OutputGradient = direction.HiddenGradient;
            }
        }
    }
}

/// <summary>
/// One direction of a recurrent layer: its parameters and its regions, as typed members. This base holds what every
/// cell has; each cell's direction adds its own regions in <see cref="AddCellBuffers"/>.
/// </summary>
internal abstract class RecurrentDirection
{
    protected RecurrentDirection(RecurrentPlan layer, int index)
    {
        Layer = layer;
        Index = index;
    }

    public RecurrentPlan Layer { get; }

    public int Index { get; }

    /// <summary>The reverse direction runs from the last step to the first.</summary>
    public bool Reverse => Index == 1;

    protected int T => Layer.Steps;

    protected long H => Layer.Hidden;

    protected long G => Layer.GateSize;

    protected string Owner => Layer.Owner;

    public ParameterPlan WeightIh { get; private set; } = null!;

    public ParameterPlan WeightHh { get; private set; } = null!;

    public ParameterPlan BiasIh { get; private set; } = null!;

    public ParameterPlan BiasHh { get; private set; } = null!;

    /// <summary><c>_cache</c> [T, H]: the hidden state of every step.</summary>
    public Region Hidden { get; private set; }

    /// <summary><c>_work</c> [T, H]: dL/dh_t from above (through the merge when bidirectional).</summary>
    public Region HiddenGradient { get; private set; }

    /// <summary><c>_work</c> [H]: dL/dh carried back through time.</summary>
    public Region CarriedHiddenGradient { get; private set; }

    /// <summary><c>_state</c> [H]: h between streaming steps.</summary>
    public Region StateHidden { get; private set; }

    /// <summary><c>_packed</c> [I, G]: W_ih transposed.</summary>
    public Region PackedInputWeights { get; private set; }

    /// <summary><c>_packed</c> [H, G]: W_hh transposed.</summary>
    public Region PackedHiddenWeights { get; private set; }

    /// <summary><c>_cache</c> [H]: the state this Forward started from (stateful: the previous Forward's last; decoder: the encoder's last), which Backward reads.</summary>
    public Region? InitialHidden { get; private set; }

    /// <summary><c>_cache</c> [H]: the recurrent dropout mask, one per sequence.</summary>
    public Region? RecurrentMask { get; private set; }

    /// <summary><c>_cache</c> [T, H]: h_(t-1) through the recurrent dropout mask, as W_hh saw it.</summary>
    public Region? MaskedHidden { get; private set; }

    /// <summary><c>_work</c> [H]: dL/d(masked h_(t-1)).</summary>
    public Region? MaskedHiddenGradient { get; private set; }

    /// <summary>
    /// The batch path only, for inputs narrower than a 512-bit vector: W_ih's gradient held transposed, <c>[In, G]</c>,
    /// in the batch workspace's shared buffer while the batch's samples add into it (rows of G floats are whole vectors
    /// where rows of In are not); null otherwise.
    /// </summary>
    public Region? TransposedInputWeightGradient { get; set; }

    /// <summary>The states carried from step to step: h, and what the cell adds (an LSTM's c).</summary>
    public IReadOnlyList<CarriedState> CarriedStates
    {
        get
        {
            var states = new List<CarriedState> { new("h", StateHidden, Hidden, InitialHidden, CarriedHiddenGradient) };
            states.AddRange(CellCarriedStates);
            return states;
        }
    }

    /// <summary>The states the cell carries besides h.</summary>
    protected virtual IEnumerable<CarriedState> CellCarriedStates => System.Array.Empty<CarriedState>();

    /// <summary>
    /// Where this direction's final state lies in the start state of the decoder layer that starts from it: after the
    /// forward direction's for a concatenating bidirectional layer's reverse direction, else at 0.
    /// </summary>
    public long FinalStateOffset => Reverse && Layer.Recurrent.Options.MergeMode == MergeModeKind.Concat ? H : 0;

    /// <summary>A member name of this direction's named offsets: <c>Hidden</c>, or <c>HiddenReverse</c>.</summary>
    protected string Member(string name) => Reverse ? name + "Reverse" : name;

    /// <summary>The four tensors of the direction, in state_dict order.</summary>
    public void AddParameters(ModelSlabs slabs)
    {
        string suffix = Reverse ? "_reverse" : string.Empty;
        Penalties penalties = Layer.Recurrent.Options.Penalties;
        WeightIh = Layer.AddParameter(slabs, Member("WeightIh"), "weight_ih_l0" + suffix, penalties.KernelL1, penalties.KernelL2, G, Layer.InputSize);
        WeightHh = Layer.AddParameter(slabs, Member("WeightHh"), "weight_hh_l0" + suffix, penalties.RecurrentL1, penalties.RecurrentL2, G, H);
        BiasIh = Layer.AddParameter(slabs, Member("BiasIh"), "bias_ih_l0" + suffix, penalties.BiasL1, penalties.BiasL2, G);
        BiasHh = Layer.AddParameter(slabs, Member("BiasHh"), "bias_hh_l0" + suffix, penalties.BiasL1, penalties.BiasL2, G);
    }

    /// <summary>The direction's buffers: the hidden sequence and its gradients, the streaming state, the packed weights, the cell's own, the start state, recurrent dropout.</summary>
    public void AddBuffers(ModelSlabs slabs)
    {
        Hidden = slabs.Cache.Add(Owner, Member("Hidden"), T * H, $"[{T}, {H}] h of every step");
        HiddenGradient = slabs.Work.Add(Owner, Member("HiddenGradient"), T * H, $"[{T}, {H}] dL/dh_t from above");
        CarriedHiddenGradient = slabs.Work.Add(Owner, Member("CarriedHiddenGradient"), H, $"[{H}] dL/dh carried back through time");
        StateHidden = slabs.State.Add(Owner, Member("StateHidden"), H, $"[{H}] h between streaming steps");

        // Each packed matrix starts on a cache line of the aligned slab, so its rows (of G floats) stay aligned
        // whenever G is a multiple of 16: split 64-byte loads are far slower on a matrix streamed from L2.
        PackedInputWeights = slabs.Packed.AddAligned(Owner, Member("PackedInputWeights"), Layer.InputSize * G, $"[{Layer.InputSize}, {G}] W_ih transposed");
        PackedHiddenWeights = slabs.Packed.AddAligned(Owner, Member("PackedHiddenWeights"), H * G, $"[{H}, {G}] W_hh transposed");
        AddCellBuffers(slabs);

        if (Layer.HasInitialState)
        {
            InitialHidden = slabs.Cache.Add(Owner, Member("InitialHidden"), H, $"[{H}] h this Forward started from");
            AddCellInitialStates(slabs);
        }

        // Recurrent dropout: one mask per sequence on h_(t-1), and the masked h_(t-1) of every step.
        if (Layer.Recurrent.Options.RecurrentDropout > 0)
        {
            RecurrentMask = slabs.Cache.Add(Owner, Member("RecurrentMask"), H, $"[{H}] the recurrent dropout mask");
            MaskedHidden = slabs.Cache.Add(Owner, Member("MaskedHidden"), T * H, $"[{T}, {H}] h_(t-1) through the mask");
            MaskedHiddenGradient = slabs.Work.Add(Owner, Member("MaskedHiddenGradient"), H, $"[{H}] dL/d(masked h_(t-1))");
        }
    }

    /// <summary>The cell's own regions, after the packed weights.</summary>
    protected abstract void AddCellBuffers(ModelSlabs slabs);

    /// <summary>The start states the cell carries besides h, after <see cref="InitialHidden"/>.</summary>
    protected virtual void AddCellInitialStates(ModelSlabs slabs)
    {
    }
}
