using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Generator.Model;

namespace Rnn.Gen.Generator.Planning;

/// <summary>A contiguous range of one of the model's float slabs.</summary>
internal readonly record struct Region(long Offset, long Length)
{
    public long End => Offset + Length;

    /// <summary>The <paramref name="index"/>-th of equal consecutive blocks of <paramref name="blockLength"/> floats.</summary>
    public Region Block(long index, long blockLength) => new(Offset + (index * blockLength), blockLength);
}

/// <summary>Hands out consecutive regions of one slab; sizes are counted in <see cref="long"/> so overflow is detectable.</summary>
/// <param name="alignEveryRegion">
/// Start every region on a multiple of 16 floats and round the size up to one: 64 bytes, a cache line and an AVX-512
/// vector, in a 64-byte-aligned buffer. The activation slabs are laid out so (a vector load that straddles two cache
/// lines costs two), and a batch's per-sample blocks, this size apart, then start on cache lines too.
/// </param>
internal sealed class SlabBuilder(bool alignEveryRegion = false)
{
    private long _size;

    public long Size => alignEveryRegion ? RoundUp(_size) : _size;

    public Region Add(long length)
    {
        if (alignEveryRegion)
        {
            _size = RoundUp(_size);
        }

        var region = new Region(_size, length);
        _size += length;
        return region;
    }

    /// <summary>As <see cref="Add"/>, starting on a multiple of 16 floats: 64 bytes, a cache line, in a 64-byte-aligned slab.</summary>
    public Region AddAligned(long length)
    {
        _size = RoundUp(_size);
        return Add(length);
    }

    private static long RoundUp(long size) => (size + 15) / 16 * 16;
}

/// <summary>One parameter tensor: its PyTorch <c>state_dict</c> name, its place in the flat buffer and its shape.</summary>
/// <param name="Role">What the tensor is: <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c>, <c>weight</c>, <c>bias</c>.</param>
/// <param name="Direction">0 for the forward direction (and Dense), 1 for the reverse direction of a bidirectional layer.</param>
internal sealed record ParameterPlan(string Name, Region Region, long[] Shape, string Role, int Direction = 0);

/// <summary>
/// One direction of a recurrent layer: its parameters and its regions. A unidirectional layer has one, whose hidden
/// sequence is the layer's output; a bidirectional layer has two, merged into the layer's output.
/// </summary>
internal sealed class DirectionPlan
{
    public DirectionPlan(int index) => Index = index;

    public int Index { get; }

    /// <summary>The reverse direction runs from the last step to the first.</summary>
    public bool Reverse => Index == 1;

    public List<ParameterPlan> Parameters { get; } = new();
    public Dictionary<string, Region> Cache { get; } = new();
    public Dictionary<string, Region> Work { get; } = new();
    public Dictionary<string, Region> State { get; } = new();
    public Dictionary<string, Region> Scratch { get; } = new();

    /// <summary>
    /// Regions of <c>_packed</c>: the weights transposed (<c>wihT</c> [I, G], <c>whhT</c> [H, G]) and, where both biases
    /// add up, their sum (<c>bias</c> [G]); repacked from the parameters at the start of every sequence pass.
    /// </summary>
    public Dictionary<string, Region> Packed { get; } = new();

    /// <summary>
    /// The batch path only, for inputs narrower than a 512-bit vector: W_ih's gradient held transposed, <c>[In, G]</c>,
    /// in the batch workspace's shared buffer while the batch's samples add into it (rows of G floats are whole vectors
    /// where rows of In are not); null otherwise.
    /// </summary>
    public Region? TransposedInputWeightGradient { get; set; }

    public ParameterPlan Parameter(string role) => Parameters.Find(p => p.Role == role)!;
}

/// <summary>
/// Shapes and memory of one layer: its parameters and the regions it uses in each of the model's slabs
/// (<c>_cache</c> for training activations, <c>_work</c> for backward temporaries, <c>_state</c> for the
/// recurrent state of streaming and prediction, <c>_scratch</c> for inference temporaries).
/// </summary>
internal sealed class LayerPlan
{
    public LayerPlan(int index, LayerSpec spec, int inputSize, int steps, bool sequenceIn)
    {
        Index = index;
        Spec = spec;
        InputSize = inputSize;
        Steps = steps;
        SequenceIn = sequenceIn;
        SequenceOut = spec.IsRecurrent ? spec.ReturnSequences : sequenceIn;
    }

    /// <summary>Decoder recurrent layers return every step, whatever ReturnSequences says.</summary>
    public void ReturnEveryStep() => SequenceOut = true;

    public int Index { get; }
    public LayerSpec Spec { get; }
    public LayerKind Kind => Spec.Kind;
    public int InputSize { get; }
    /// <summary>Hidden size, units, or (for a noise layer) the features passing through.</summary>
    public int OutputSize => !Spec.HasWeights ? InputSize : Bidirectional && Spec.MergeMode == MergeModeKind.Concat ? 2 * Spec.Size : Spec.Size;

    /// <summary>Size of a recurrent layer's hidden state (per direction).</summary>
    public int HiddenSize => Spec.Size;

    public bool Bidirectional => Spec.IsRecurrent && Spec.Bidirectional;

    /// <summary>The directions of a recurrent layer (one or two); empty for other layers.</summary>
    public List<DirectionPlan> Directions { get; } = new();
    public int Steps { get; }
    public bool SequenceIn { get; }

    /// <summary>The model is stateful: the layer starts each Forward from the state the previous one ended in.</summary>
    public bool Stateful { get; init; }

    /// <summary>The layer belongs to a decoder: it runs for the decoder's output steps.</summary>
    public bool InDecoder { get; init; }

    /// <summary>A decoder's recurrent layer: its start state is its encoder layer's final state (zero for one-to-many).</summary>
    public bool StartsFromEncoder => InDecoder && Spec.IsRecurrent;

    /// <summary>The layer starts from a state kept in the cache (stateful models, decoders) rather than zero.</summary>
    public bool HasInitialState => Stateful || StartsFromEncoder;

    /// <summary>For an encoder's recurrent layer, the decoder layer that starts from its final state; for that decoder layer, the encoder layer.</summary>
    public LayerPlan? Partner { get; set; }
    public bool SequenceOut { get; private set; }

    /// <summary>How many positions a dense layer runs at: every step after a sequence, else one.</summary>
    public int Positions => SequenceIn ? Steps : 1;

    /// <summary>Rows of the stacked gate matrices: 4H (LSTM), 3H (GRU), H (Elman), units (Dense).</summary>
    public long GateSize => Spec.IsRecurrent ? (long)Gates * Spec.Size : OutputSize;

    /// <summary>How many gates the rows stack, each H long: 4 (LSTM), 3 (GRU), 1 (Elman, Dense).</summary>
    public int Gates => Kind switch
    {
        LayerKind.Lstm => 4,
        LayerKind.Gru => 3,
        _ => 1,
    };

    public List<ParameterPlan> Parameters { get; } = new();
    public Dictionary<string, Region> Cache { get; } = new();
    public Dictionary<string, Region> Work { get; } = new();
    public Dictionary<string, Region> State { get; } = new();
    public Dictionary<string, Region> Scratch { get; } = new();

    /// <summary>The layer's training output in <c>_cache</c>: every step's hidden state, or a dense layer's outputs.</summary>
    public Region Output => Cache["out"];

    /// <summary>dLoss/dOutput in <c>_work</c>, shaped like <see cref="Output"/>.</summary>
    public Region OutputGradient => Work["dOut"];

    /// <summary>What the next layer reads: the whole output, or only its last step for a many-to-one recurrent layer.</summary>
    public Region OutputView => Spec.IsRecurrent && !SequenceOut && !Bidirectional ? Output.Block(Steps - 1, OutputSize) : Output;

    /// <summary>The part of <see cref="OutputGradient"/> that the next layer writes; see <see cref="OutputView"/>.</summary>
    public Region OutputGradientView => Spec.IsRecurrent && !SequenceOut && !Bidirectional ? OutputGradient.Block(Steps - 1, OutputSize) : OutputGradient;

    public ParameterPlan Parameter(string role) => Parameters.Find(p => p.Role == role)!;
}

/// <summary>The whole model: layer shapes, the flat parameter layout and the size of every slab.</summary>
internal sealed class ModelPlan
{
    /// <summary>The largest buffer a model may have: .NET's <c>Array.MaxLength</c> less the 15 floats of slack of an <c>AlignedBuffer</c>.</summary>
    public const long MaxArrayLength = 0x7FFFFFC7 - 15;

    private ModelPlan(ModelSpec spec) => Spec = spec;

    public ModelSpec Spec { get; }
    public List<LayerPlan> Layers { get; } = new();
    public long ParameterCount { get; private set; }
    public long CacheSize { get; private set; }
    public long WorkSize { get; private set; }
    public long StateSize { get; private set; }
    public long ScratchSize { get; private set; }
    public long PackedSize { get; private set; }

    /// <summary>
    /// Whether the model gets a batch path (<c>ForwardBatch</c>/<c>BackwardBatch</c>): not with a decoder (decoding
    /// feeds outputs back step by step), a bidirectional layer, or a stateful model (those train one sample at a time).
    /// </summary>
    public bool HasBatchPath => Spec.Decoder is null && !Spec.Stateful && !Layers.Any(l => l.Bidirectional);

    /// <summary>Floats the batch path needs once per batch rather than per sample (the batch workspace's shared buffer).</summary>
    public long BatchSharedSize { get; private set; }

    /// <summary>Inputs narrower than this many floats (one 512-bit vector) get their W_ih gradient summed transposed in the batch path.</summary>
    public const int NarrowInput = 16;

    /// <summary>The training copy of the input, <c>[Steps, InputSize]</c>, at the start of <c>_cache</c>.</summary>
    public Region InputCache { get; private set; }

    public int OutputSize => Layers[Layers.Count - 1].OutputSize;
    public int OutputSteps => Head.SequenceOut ? Head.Steps : 1;

    /// <summary>Decoder models: the decoder's input at every step, <c>[OutputSteps, DecoderInputSize]</c>, in the cache.</summary>
    public Region DecoderInput { get; private set; }

    /// <summary>Decoder models: dL/d(decoder input), for a one-to-many model's input gradient.</summary>
    public Region DecoderInputGradient { get; private set; }

    /// <summary>Decoder models: one step's decoder input in the scratch slab, for Predict and Generate.</summary>
    public Region DecoderStepInput { get; private set; }

    /// <summary>Features of the decoder's input: the fed-back output, after the model input for one-to-many models.</summary>
    public int DecoderInputSize { get; private set; }
    public long InputLength => (long)Spec.Steps * Spec.InputSize;
    public long OutputLength => (long)OutputSteps * OutputSize;
    public LayerPlan Head => Layers[Layers.Count - 1];

    /// <summary>Sizes of each buffer the constructor allocates, for the too-large check.</summary>
    public IEnumerable<(string What, long Size)> Buffers()
    {
        yield return ("parameters", ParameterCount);
        yield return ("training cache", CacheSize);
        yield return ("backward workspace", WorkSize);
        yield return ("recurrent state", StateSize);
        yield return ("inference scratch", ScratchSize);
        yield return ("packed weights", PackedSize);
        yield return ("input", InputLength);
        yield return ("output", OutputLength);
    }

    /// <summary>Lays out a model whose layer order the parser has already validated.</summary>
    public static ModelPlan Create(ModelSpec spec)
    {
        var plan = new ModelPlan(spec);
        var parameters = new SlabBuilder();
        var cache = new SlabBuilder(alignEveryRegion: true);
        var work = new SlabBuilder(alignEveryRegion: true);
        var state = new SlabBuilder();
        var scratch = new SlabBuilder(alignEveryRegion: true);
        var packed = new SlabBuilder();
        plan.InputCache = cache.Add((long)spec.Steps * spec.InputSize);

        int inputSize = spec.InputSize;
        bool sequence = true;
        int steps = spec.Steps;
        DecoderSpec? decoder = spec.Decoder;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (decoder is not null && i == decoder.FirstLayer)
            {
                // The decoder runs over its own steps; its input is the fed-back output (after the model input, one-to-many).
                steps = decoder.OutputSteps;
                sequence = true;
                int feedback = spec.Layers.Last(l => l.HasWeights).Size;
                plan.DecoderInputSize = inputSize = (decoder.OneToMany ? spec.InputSize : 0) + feedback;
                plan.DecoderInput = cache.Add((long)steps * inputSize);
                plan.DecoderInputGradient = work.Add((long)steps * inputSize);
                plan.DecoderStepInput = scratch.Add(inputSize);
            }

            bool inDecoder = decoder is not null && i >= decoder.FirstLayer;
            var layer = new LayerPlan(i, spec.Layers[i], inputSize, steps, sequence) { Stateful = spec.Stateful, InDecoder = inDecoder };
            if (layer.StartsFromEncoder)
            {
                layer.ReturnEveryStep();
            }

            AddParameters(layer, parameters);
            AddBuffers(layer, cache, work, state, scratch, packed);
            plan.Layers.Add(layer);
            inputSize = layer.OutputSize;
            sequence = layer.SequenceOut;
        }

        // Pair each encoder recurrent layer with the decoder recurrent layer that starts from its final state.
        if (decoder is { OneToMany: false })
        {
            var encoder = plan.Layers.Where(l => l.Spec.IsRecurrent && !l.InDecoder).ToList();
            var decoding = plan.Layers.Where(l => l.StartsFromEncoder).ToList();
            for (int k = 0; k < encoder.Count && k < decoding.Count; k++)
            {
                encoder[k].Partner = decoding[k];
                decoding[k].Partner = encoder[k];
            }
        }

        if (plan.HasBatchPath)
        {
            var shared = new SlabBuilder(alignEveryRegion: true);
            foreach (LayerPlan layer in plan.Layers.Where(l => l.Spec.IsRecurrent && l.InputSize < NarrowInput))
            {
                layer.Directions[0].TransposedInputWeightGradient = shared.Add((long)layer.InputSize * layer.Directions[0].Parameters.Single(p => p.Role == "weight_ih").Shape[0]);
            }

            plan.BatchSharedSize = shared.Size;
        }

        plan.ParameterCount = parameters.Size;
        plan.CacheSize = cache.Size;
        plan.WorkSize = work.Size;
        plan.StateSize = state.Size;
        plan.ScratchSize = scratch.Size;
        plan.PackedSize = packed.Size;
        return plan;
    }

    private static void AddParameters(LayerPlan layer, SlabBuilder parameters)
    {
        ParameterPlan Add(string name, string role, int direction, params long[] shape)
        {
            long length = 1;
            foreach (long dimension in shape)
            {
                length *= dimension;
            }

            var parameter = new ParameterPlan($"{layer.Index}.{name}", parameters.Add(length), shape, role, direction);
            layer.Parameters.Add(parameter);
            return parameter;
        }

        if (!layer.Spec.HasWeights)
        {
            return;
        }

        if (!layer.Spec.IsRecurrent)
        {
            // nn.Linear: weight [out, in], bias [out].
            Add("weight", "weight", 0, layer.OutputSize, layer.InputSize);
            Add("bias", "bias", 0, layer.OutputSize);
            return;
        }

        // nn.LSTM / nn.GRU / nn.RNN with num_layers=1: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then the
        // same four with the suffix _reverse when bidirectional.
        long rows = layer.GateSize;
        for (int d = 0; d < (layer.Bidirectional ? 2 : 1); d++)
        {
            var direction = new DirectionPlan(d);
            string suffix = d == 1 ? "_reverse" : string.Empty;
            direction.Parameters.Add(Add("weight_ih_l0" + suffix, "weight_ih", d, rows, layer.InputSize));
            direction.Parameters.Add(Add("weight_hh_l0" + suffix, "weight_hh", d, rows, layer.HiddenSize));
            direction.Parameters.Add(Add("bias_ih_l0" + suffix, "bias_ih", d, rows));
            direction.Parameters.Add(Add("bias_hh_l0" + suffix, "bias_hh", d, rows));
            layer.Directions.Add(direction);
        }
    }

    private static void AddBuffers(LayerPlan layer, SlabBuilder cache, SlabBuilder work, SlabBuilder state, SlabBuilder scratch, SlabBuilder packed)
    {
        long t = layer.Steps;
        if (!layer.Spec.IsRecurrent)
        {
            // Dense: its outputs; Gaussian noise: the noisy values (training only).
            long units = layer.OutputSize;
            layer.Cache["out"] = cache.Add(layer.Positions * units);
            layer.Work["dOut"] = work.Add(layer.Positions * units);
            if (layer.Kind == LayerKind.Dense)
            {
                layer.Scratch["out"] = scratch.Add(units);
            }

            AddInputDropout(layer, cache, layer.Positions, layer.Positions * layer.InputSize);
            return;
        }

        // A bidirectional layer merges its directions into an output of its own: every step, or (many-to-one) the
        // forward direction's last step with the reverse direction's first, as PyTorch's h_n.
        if (layer.Bidirectional)
        {
            long merged = layer.SequenceOut ? t * layer.OutputSize : layer.OutputSize;
            layer.Cache["out"] = cache.Add(merged);
            layer.Work["dOut"] = work.Add(merged);
        }

        // One mask for the layer's inputs, shared by both directions.
        AddInputDropout(layer, cache, t, layer.InputSize);

        long h = layer.HiddenSize;
        long g = layer.GateSize;
        foreach (DirectionPlan direction in layer.Directions)
        {
            Region hidden = cache.Add(t * h);       // the hidden state of every step
            Region dHidden = work.Add(t * h);       // dL/dh_t from above (through the merge when bidirectional)
            if (!layer.Bidirectional)
            {
                layer.Cache["out"] = hidden;
                layer.Work["dOut"] = dHidden;
            }

            direction.Cache["h"] = hidden;
            direction.Work["dH"] = dHidden;
            direction.Work["dh"] = work.Add(h);
            direction.State["h"] = state.Add(h);
            // Each packed matrix starts on a cache line of the aligned slab, so its rows (of G floats) stay aligned
            // whenever G is a multiple of 16: split 64-byte loads are far slower on a matrix streamed from L2.
            direction.Packed["wihT"] = packed.AddAligned(layer.InputSize * g);
            direction.Packed["whhT"] = packed.AddAligned(h * g);
            if (layer.Kind != LayerKind.Gru)
            {
                direction.Packed["bias"] = packed.AddAligned(g); // b_ih + b_hh (GRU keeps them apart: b_hn sits inside the reset gate)
            }

            // Backward keeps the pre-activation gradient of every step, so that the weight gradients are summed over
            // time as matrix products after the loop instead of one outer product per step.
            switch (layer.Kind)
            {
                case LayerKind.Lstm:
                    direction.Cache["gates"] = cache.Add(t * g);   // i, f, g, o after their activations
                    direction.Cache["c"] = cache.Add(t * h);       // cell state
                    direction.Cache["tanhC"] = cache.Add(t * h);   // tanh(c), reused by backward
                    direction.Work["dc"] = work.Add(h);
                    direction.Work["dGates"] = work.Add(t * g);
                    direction.State["c"] = state.Add(h);
                    direction.Scratch["gates"] = scratch.Add(g);
                    direction.Scratch["tanhC"] = scratch.Add(h);
                    break;
                case LayerKind.Gru:
                    direction.Cache["gates"] = cache.Add(t * g);   // r, z, n after their activations
                    direction.Cache["hn"] = cache.Add(t * h);      // W_hn h + b_hn, before the reset gate
                    direction.Work["dGatesInput"] = work.Add(t * g);
                    direction.Work["dGatesHidden"] = work.Add(t * g);
                    direction.Scratch["gates"] = scratch.Add(g);
                    direction.Scratch["hn"] = scratch.Add(h);
                    direction.Scratch["gatesHidden"] = scratch.Add(g);
                    break;
                default:
                    direction.Work["dPre"] = work.Add(t * h);
                    direction.Scratch["pre"] = scratch.Add(h);
                    break;
            }

            // The state this Forward started from (stateful: the previous Forward's last; decoder: the encoder's last), which Backward reads.
            if (layer.HasInitialState)
            {
                direction.Cache["initialH"] = cache.Add(h);
                if (layer.Kind == LayerKind.Lstm)
                {
                    direction.Cache["initialC"] = cache.Add(h);
                }
            }

            // Recurrent dropout: one mask per sequence on h_(t-1), and the masked h_(t-1) of every step.
            if (layer.Spec.RecurrentDropout > 0)
            {
                direction.Cache["recurrentMask"] = cache.Add(h);
                direction.Cache["maskedHidden"] = cache.Add(t * h);
                direction.Work["dMaskedHidden"] = work.Add(h);
            }
        }
    }

    /// <summary>Input dropout: the mask (one per sequence for recurrent layers, per position for Dense) and the masked inputs.</summary>
    private static void AddInputDropout(LayerPlan layer, SlabBuilder cache, long positions, long maskLength)
    {
        if (layer.Spec.Dropout > 0)
        {
            layer.Cache["inputMask"] = cache.Add(maskLength);
            layer.Cache["maskedInput"] = cache.Add(positions * layer.InputSize);
        }
    }
}
