using System.Collections.Generic;
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
internal sealed class SlabBuilder
{
    public long Size { get; private set; }

    public Region Add(long length)
    {
        var region = new Region(Size, length);
        Size += length;
        return region;
    }
}

/// <summary>One parameter tensor: its PyTorch <c>state_dict</c> name, its place in the flat buffer and its shape.</summary>
internal sealed record ParameterPlan(string Name, Region Region, long[] Shape, string Role);

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

    public int Index { get; }
    public LayerSpec Spec { get; }
    public LayerKind Kind => Spec.Kind;
    public int InputSize { get; }
    /// <summary>Hidden size, units, or (for a noise layer) the features passing through.</summary>
    public int OutputSize => Spec.HasWeights ? Spec.Size : InputSize;
    public int Steps { get; }
    public bool SequenceIn { get; }
    public bool SequenceOut { get; }

    /// <summary>How many positions a dense layer runs at: every step after a sequence, else one.</summary>
    public int Positions => SequenceIn ? Steps : 1;

    /// <summary>Rows of the stacked gate matrices: 4H (LSTM), 3H (GRU), H (Elman), units (Dense).</summary>
    public long GateSize => Kind switch
    {
        LayerKind.Lstm => 4L * Spec.Size,
        LayerKind.Gru => 3L * Spec.Size,
        _ => OutputSize,
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
    public Region OutputView => Spec.IsRecurrent && !SequenceOut ? Output.Block(Steps - 1, OutputSize) : Output;

    /// <summary>The part of <see cref="OutputGradient"/> that the next layer writes; see <see cref="OutputView"/>.</summary>
    public Region OutputGradientView => Spec.IsRecurrent && !SequenceOut ? OutputGradient.Block(Steps - 1, OutputSize) : OutputGradient;

    public ParameterPlan Parameter(string role) => Parameters.Find(p => p.Role == role)!;
}

/// <summary>The whole model: layer shapes, the flat parameter layout and the size of every slab.</summary>
internal sealed class ModelPlan
{
    /// <summary>The largest array .NET allows (<c>Array.MaxLength</c>).</summary>
    public const long MaxArrayLength = 0x7FFFFFC7;

    private ModelPlan(ModelSpec spec) => Spec = spec;

    public ModelSpec Spec { get; }
    public List<LayerPlan> Layers { get; } = new();
    public long ParameterCount { get; private set; }
    public long CacheSize { get; private set; }
    public long WorkSize { get; private set; }
    public long StateSize { get; private set; }
    public long ScratchSize { get; private set; }

    /// <summary>The training copy of the input, <c>[Steps, InputSize]</c>, at the start of <c>_cache</c>.</summary>
    public Region InputCache { get; private set; }

    public int OutputSize => Layers[Layers.Count - 1].OutputSize;
    public int OutputSteps => Layers[Layers.Count - 1].SequenceOut ? Spec.Steps : 1;
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
        yield return ("input", InputLength);
        yield return ("output", OutputLength);
    }

    /// <summary>Lays out a model whose layer order the parser has already validated.</summary>
    public static ModelPlan Create(ModelSpec spec)
    {
        var plan = new ModelPlan(spec);
        var parameters = new SlabBuilder();
        var cache = new SlabBuilder();
        var work = new SlabBuilder();
        var state = new SlabBuilder();
        var scratch = new SlabBuilder();
        plan.InputCache = cache.Add((long)spec.Steps * spec.InputSize);

        int inputSize = spec.InputSize;
        bool sequence = true;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = new LayerPlan(i, spec.Layers[i], inputSize, spec.Steps, sequence);
            AddParameters(layer, parameters);
            AddBuffers(layer, cache, work, state, scratch);
            plan.Layers.Add(layer);
            inputSize = layer.OutputSize;
            sequence = layer.SequenceOut;
        }

        plan.ParameterCount = parameters.Size;
        plan.CacheSize = cache.Size;
        plan.WorkSize = work.Size;
        plan.StateSize = state.Size;
        plan.ScratchSize = scratch.Size;
        return plan;
    }

    private static void AddParameters(LayerPlan layer, SlabBuilder parameters)
    {
        long rows = layer.GateSize;
        void Add(string name, string role, params long[] shape)
        {
            long length = 1;
            foreach (long dimension in shape)
            {
                length *= dimension;
            }

            layer.Parameters.Add(new ParameterPlan($"{layer.Index}.{name}", parameters.Add(length), shape, role));
        }

        if (!layer.Spec.HasWeights)
        {
            return;
        }

        if (layer.Spec.IsRecurrent)
        {
            // nn.LSTM / nn.GRU / nn.RNN with num_layers=1: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0.
            Add("weight_ih_l0", "weight_ih", rows, layer.InputSize);
            Add("weight_hh_l0", "weight_hh", rows, layer.OutputSize);
            Add("bias_ih_l0", "bias_ih", rows);
            Add("bias_hh_l0", "bias_hh", rows);
        }
        else
        {
            // nn.Linear: weight [out, in], bias [out].
            Add("weight", "weight", layer.OutputSize, layer.InputSize);
            Add("bias", "bias", layer.OutputSize);
        }
    }

    private static void AddBuffers(LayerPlan layer, SlabBuilder cache, SlabBuilder work, SlabBuilder state, SlabBuilder scratch)
    {
        long h = layer.OutputSize;
        long t = layer.Steps;
        long g = layer.GateSize;
        switch (layer.Kind)
        {
            case LayerKind.Lstm:
                layer.Cache["gates"] = cache.Add(t * g);   // i, f, g, o after their activations
                layer.Cache["c"] = cache.Add(t * h);       // cell state
                layer.Cache["tanhC"] = cache.Add(t * h);   // tanh(c), reused by backward
                layer.Cache["out"] = cache.Add(t * h);     // hidden state
                layer.Work["dOut"] = work.Add(t * h);
                layer.Work["dh"] = work.Add(h);
                layer.Work["dc"] = work.Add(h);
                layer.Work["dGates"] = work.Add(g);
                layer.State["h"] = state.Add(h);
                layer.State["c"] = state.Add(h);
                layer.Scratch["gates"] = scratch.Add(g);
                layer.Scratch["tanhC"] = scratch.Add(h);
                break;
            case LayerKind.Gru:
                layer.Cache["gates"] = cache.Add(t * g);   // r, z, n after their activations
                layer.Cache["hn"] = cache.Add(t * h);      // W_hn h + b_hn, before the reset gate
                layer.Cache["out"] = cache.Add(t * h);
                layer.Work["dOut"] = work.Add(t * h);
                layer.Work["dh"] = work.Add(h);
                layer.Work["dGatesInput"] = work.Add(g);
                layer.Work["dGatesHidden"] = work.Add(g);
                layer.State["h"] = state.Add(h);
                layer.Scratch["gates"] = scratch.Add(g);
                layer.Scratch["hn"] = scratch.Add(h);
                layer.Scratch["gatesHidden"] = scratch.Add(g);
                break;
            case LayerKind.SimpleRnn:
                layer.Cache["out"] = cache.Add(t * h);
                layer.Work["dOut"] = work.Add(t * h);
                layer.Work["dh"] = work.Add(h);
                layer.Work["dPre"] = work.Add(h);
                layer.State["h"] = state.Add(h);
                layer.Scratch["pre"] = scratch.Add(h);
                break;
            case LayerKind.Dense:
                layer.Cache["out"] = cache.Add(layer.Positions * h);
                layer.Work["dOut"] = work.Add(layer.Positions * h);
                layer.Scratch["out"] = scratch.Add(h);
                break;
            default: // Gaussian noise: the noisy values, in training only
                layer.Cache["out"] = cache.Add(layer.Positions * h);
                layer.Work["dOut"] = work.Add(layer.Positions * h);
                break;
        }

        // Input dropout: one mask per sequence (recurrent) or per position (Dense), and the masked inputs.
        if (layer.Spec.Dropout > 0)
        {
            long positions = layer.Spec.IsRecurrent ? t : layer.Positions;
            layer.Cache["inputMask"] = cache.Add(layer.Spec.IsRecurrent ? layer.InputSize : positions * layer.InputSize);
            layer.Cache["maskedInput"] = cache.Add(positions * layer.InputSize);
        }

        // Recurrent dropout: one mask per sequence on h_(t-1), and the masked h_(t-1) of every step.
        if (layer.Spec.RecurrentDropout > 0)
        {
            layer.Cache["recurrentMask"] = cache.Add(h);
            layer.Cache["maskedHidden"] = cache.Add(t * h);
            layer.Work["dMaskedHidden"] = work.Add(h);
        }
    }
}
