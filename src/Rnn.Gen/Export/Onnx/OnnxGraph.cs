using System;
using System.Collections.Generic;
using System.Linq;

namespace Rnn.Gen.Export.Onnx;

/// <summary>How a sequence tensor of the exported graph is laid out: the order of its batch, time and feature axes.</summary>
internal enum SequenceLayout
{
    /// <summary><c>[batch, steps, features]</c>: the model's input and output, and what Gather and MatMul keep.</summary>
    BatchMajor,

    /// <summary><c>[steps, batch, features]</c>: what ONNX's LSTM, GRU and RNN read and write (layout 0).</summary>
    TimeMajor,

    /// <summary><c>[batch, features, steps]</c>: what ONNX's Conv and pooling read and write (N, C, L).</summary>
    ChannelsFirst,

    /// <summary><c>[batch, steps]</c> int64 token ids: a token model's input, read by its Embedding.</summary>
    TokenIds,

    /// <summary>
    /// <c>[batch · positions, channels, height, width]</c>: every position's image (one per sample, or one per frame),
    /// what ONNX's Conv and 2D pooling read and write (N, C, H, W); only the image layers read it.
    /// </summary>
    Images,
}

/// <summary>A value of the graph between two layers: its name and layout. A position (many-to-one) is a sequence of one step.</summary>
/// <param name="Name">The ONNX value's name.</param>
/// <param name="Layout">Its layout.</param>
internal readonly record struct OnnxSequence(string Name, SequenceLayout Layout);

/// <summary>
/// The graph under construction, as each layer's <see cref="LayerArchitecture.AddToOnnx"/> sees it: the model's
/// parameters by state_dict name, initializers, nodes, and the transposes between layouts, added only where a layer
/// needs another layout than the one it is given.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly IRnnModel _model;
    private readonly Dictionary<string, ParameterInfo> _parameters;
    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private string _prefix = string.Empty;

    internal OnnxGraph(IRnnModel model, string input)
    {
        _model = model;
        _parameters = model.ParameterLayout.ToDictionary(p => p.Name, StringComparer.Ordinal);
        Claim(input);
        Claim("lengths");
    }

    internal IEnumerable<ProtoWriter> Nodes => _nodes;

    /// <summary>The positions per sample of an image model (1, or its frames); the image layers run at each.</summary>
    public int ImagePositions { get; init; } = 1;

    /// <summary><paramref name="value"/> as images <c>[batch · positions, C, H, W]</c>: only an image model's input and image layers give them.</summary>
    public string AsImages(OnnxSequence value, LayerArchitecture layer) => value.Layout == SequenceLayout.Images
        ? value.Name
        : throw new InvalidOperationException($"The architecture's {layer} reads images, but the layer before it writes a {value.Layout} sequence.");

    /// <summary>
    /// Images (or pooled <c>[batch · positions, C, 1, 1]</c>) <paramref name="images"/> as one vector of
    /// <paramref name="features"/> per position: <c>[batch, positions, features]</c>, each image's floats in order.
    /// </summary>
    public OnnxSequence ImagesAsSteps(string images, int features) =>
        new(Node("Reshape", images, Int64Initializer("shape", [3], -1, ImagePositions, features)), SequenceLayout.BatchMajor);

    /// <summary>
    /// Each sample's valid steps in the current layer's input, int64 [batch], when the graph has a lengths input (else
    /// null): the input's <c>lengths</c>, then mapped through every window that shortens the sequence.
    /// </summary>
    public string? Lengths { get; private set; }

    private string? _sequenceLengths;

    /// <summary>Starts the valid lengths at the graph input <paramref name="lengths"/>.</summary>
    internal void UseLengths(string lengths) => Lengths = lengths;

    /// <summary><see cref="Lengths"/> as ONNX's recurrent operators take them (sequence_lens, int32), or null.</summary>
    public string? SequenceLengths()
    {
        if (Lengths is null)
        {
            return null;
        }

        return _sequenceLengths ??= Node("Cast", [Lengths], OnnxAttribute.Int("to", OnnxProto.Int32));
    }

    /// <summary>
    /// A window's length arithmetic on the valid lengths, PyTorch's <c>floor((L + padding − span) / stride) + 1</c>, as
    /// the generated code's length maps (L is at least the span here, so the integer division floors).
    /// </summary>
    public void MapLengths(long padding, long span, long stride)
    {
        if (Lengths is null || (padding == span - 1 && stride == 1))
        {
            return;
        }

        string shifted = Node("Add", Lengths, Int64Initializer("length_shift", [], padding - span));
        Lengths = Node("Add", Node("Div", shifted, Int64Initializer("length_stride", [], stride)), Int64Initializer("length_one", [], 1));
        _sequenceLengths = null;
    }

    /// <summary>Drops the lengths after a layer that reduces the valid steps to one position (global pooling).</summary>
    public void EndLengths()
    {
        if (Lengths is not null)
        {
            Lengths = Int64Initializer("one_position", [1], 1);
            _sequenceLengths = null;
        }
    }

    /// <summary>
    /// Whether each step of <paramref name="value"/> lies within its sample's <see cref="Lengths"/>: a bool tensor that
    /// broadcasts against the value (<c>[batch, steps, 1]</c>, <c>[steps, batch, 1]</c> or <c>[batch, 1, steps]</c>).
    /// </summary>
    public string ValidSteps(OnnxSequence value)
    {
        string lengths = Lengths ?? throw new InvalidOperationException("The graph has no lengths input.");
        int timeAxis = value.Layout switch
        {
            SequenceLayout.BatchMajor => 1,
            SequenceLayout.TimeMajor => 0,
            SequenceLayout.ChannelsFirst => 2,
            _ => throw new ArgumentOutOfRangeException(nameof(value), value.Layout, "Token ids and images are masked by no layer."),
        };
        string steps = Node("Gather", [Node("Shape", value.Name), Int64Initializer("time_axis", [], timeAxis)], OnnxAttribute.Int("axis", 0));
        string positions = Node("Range", Int64Initializer("zero", [], 0), steps, Int64Initializer("step", [], 1));                // [steps]
        string valid = Node("Less", Node("Unsqueeze", positions, Int64Initializer("axes_0", [1], 0)), Node("Unsqueeze", lengths, Int64Initializer("axes_1", [1], 1))); // [batch, steps]
        return value.Layout switch
        {
            SequenceLayout.BatchMajor => Node("Unsqueeze", valid, Int64Initializer("axes_2", [1], 2)),
            SequenceLayout.ChannelsFirst => Node("Unsqueeze", valid, Int64Initializer("axes_1b", [1], 1)),
            _ => Node("Unsqueeze", Node("Transpose", [valid], OnnxAttribute.Ints("perm", 1, 0)), Int64Initializer("axes_2", [1], 2)),
        };
    }

    /// <summary><paramref name="value"/> with the steps past each sample's <see cref="Lengths"/> set to zero (unchanged without lengths).</summary>
    public OnnxSequence ZeroPadding(OnnxSequence value) =>
        Lengths is null ? value : value with { Name = Node("Mul", value.Name, Node("Cast", [ValidSteps(value)], OnnxAttribute.Int("to", OnnxProto.Float))) };

    internal IEnumerable<ProtoWriter> Initializers => _initializers;

    /// <summary>Names the nodes and values of <paramref name="layer"/> after it: <c>layer2/MatMul</c>.</summary>
    internal void BeginLayer(LayerArchitecture layer) => _prefix = $"layer{layer.Index}/";

    /// <summary>Names what reshapes the input before the layers <c>input/…</c>.</summary>
    internal void BeginInput() => _prefix = "input/";

    /// <summary>Names what follows the layers (the output's mask and name) <c>output/…</c>.</summary>
    internal void BeginOutput() => _prefix = "output/";

    /// <summary>
    /// A copy of the parameter tensor <c>{layer.Index}.{name}</c> (a PyTorch state_dict name, e.g. <c>0.weight_ih_l0</c>),
    /// checked against <paramref name="shape"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no such tensor, or it has another shape: the architecture does not describe this model.</exception>
    public float[] Parameter(LayerArchitecture layer, string name, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        string full = $"{layer.Index}.{name}";
        if (!_parameters.TryGetValue(full, out ParameterInfo? info))
        {
            throw new InvalidOperationException($"{_model.GetType().Name}: the architecture's layer {layer.Index} ({layer.Kind}) needs the parameter '{full}', which the model does not have.");
        }

        if (!info.Shape.SequenceEqual(shape))
        {
            throw new InvalidOperationException($"{_model.GetType().Name}: the parameter '{full}' is [{string.Join(", ", info.Shape)}], but the architecture's layer {layer.Index} ({layer.Kind}) expects [{string.Join(", ", shape)}].");
        }

        return _model.Parameters.Slice(info.Offset, info.Length).ToArray();
    }

    /// <summary>Adds a float initializer (a constant tensor) named <paramref name="name"/> and returns its name.</summary>
    public string Initializer(string name, long[] dims, float[] values)
    {
        Claim(name);
        _initializers.Add(OnnxProto.Tensor(name, dims, values));
        return name;
    }

    /// <summary>Adds an int64 initializer (axes, shapes, indices; <paramref name="dims"/> empty for a scalar) named after the current layer.</summary>
    public string Int64Initializer(string name, long[] dims, params long[] values)
    {
        name = Unique(_prefix + name);
        _initializers.Add(OnnxProto.Tensor(name, dims, values));
        return name;
    }

    /// <summary>
    /// Adds a node of <paramref name="opType"/> with <paramref name="outputs"/> outputs (each <c>""</c> in
    /// <paramref name="omitted"/> positions is left out, for optional outputs) and returns their names.
    /// </summary>
    public string[] Node(string opType, string[] inputs, int outputs, OnnxAttribute[] attributes, params int[] omitted)
    {
        string name = Unique(_prefix + opType);
        string[] names = Enumerable.Range(0, outputs).Select(k => omitted.Contains(k) ? string.Empty : outputs == 1 ? name : $"{name}:{k}").ToArray();
        foreach (string output in names.Where(n => n.Length > 0 && n != name))
        {
            Claim(output);
        }

        _nodes.Add(OnnxProto.Node(name, opType, inputs, names, attributes));
        return names;
    }

    /// <summary>Names <paramref name="value"/> <paramref name="output"/> for the graph's output, with an Identity node.</summary>
    internal void Output(string value, string output)
    {
        Claim(output);
        _nodes.Add(OnnxProto.Node(Unique(_prefix + "Identity"), "Identity", [value], [output], []));
    }

    /// <summary>Adds a node with one output and returns its name.</summary>
    public string Node(string opType, params string[] inputs) => Node(opType, inputs, 1, [])[0];

    /// <summary>Adds a node with one output and attributes and returns its name.</summary>
    public string Node(string opType, string[] inputs, params OnnxAttribute[] attributes) => Node(opType, inputs, 1, attributes)[0];

    /// <summary>Applies an element-wise activation (Tanh, Sigmoid, Relu, Softmax over the features); Identity adds nothing.</summary>
    public OnnxSequence Activate(OnnxSequence value, Activation activation)
    {
        if (activation == Activation.Identity)
        {
            return value;
        }

        if (activation == Activation.Softmax)
        {
            // Softmax over the features: the last axis where features are last, the middle one channels first.
            int axis = value.Layout == SequenceLayout.ChannelsFirst ? 1 : -1;
            return value with { Name = Node("Softmax", [value.Name], OnnxAttribute.Int("axis", axis)) };
        }

        string op = activation switch
        {
            Activation.Tanh => "Tanh",
            Activation.Sigmoid => "Sigmoid",
            Activation.Relu => "Relu",
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "No ONNX operator is written for this activation."),
        };
        return value with { Name = Node(op, value.Name) };
    }

    /// <summary><paramref name="value"/> in <paramref name="layout"/>: itself, or a Transpose of it.</summary>
    public string As(OnnxSequence value, SequenceLayout layout)
    {
        if (value.Layout == layout)
        {
            return value.Name;
        }

        if (value.Layout == SequenceLayout.Images || layout == SequenceLayout.Images)
        {
            throw new InvalidOperationException($"Images become vectors through Flatten, global pooling or a rows bridge only; a layer asked for {value.Layout} as {layout}.");
        }

        if (value.Layout == SequenceLayout.TokenIds || layout == SequenceLayout.TokenIds)
        {
            throw new InvalidOperationException($"Token ids are read by an Embedding only; a layer asked for them as {layout}.");
        }

        // Each layout is an order of the axes (batch, time, features); the permutation takes each output axis from where
        // it lies in the input.
        string from = Axes(value.Layout), to = Axes(layout);
        long[] permutation = to.Select(axis => (long)from.IndexOf(axis, StringComparison.Ordinal)).ToArray();
        return Node("Transpose", [value.Name], OnnxAttribute.Ints("perm", permutation));
    }

    /// <summary><paramref name="value"/> in a layout whose features are the last axis: as it is, or batch-major.</summary>
    public OnnxSequence FeaturesLast(OnnxSequence value) =>
        value.Layout is SequenceLayout.BatchMajor or SequenceLayout.TimeMajor ? value : new OnnxSequence(As(value, SequenceLayout.BatchMajor), SequenceLayout.BatchMajor);

    private static string Axes(SequenceLayout layout) => layout switch
    {
        SequenceLayout.BatchMajor => "BTF",
        SequenceLayout.TimeMajor => "TBF",
        SequenceLayout.ChannelsFirst => "BFT",
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "Token ids and images have no (batch, time, features) order."),
    };

    private string Unique(string name)
    {
        string candidate = name;
        for (int k = 1; _names.Contains(candidate); k++)
        {
            candidate = $"{name}_{k}";
        }

        _names.Add(candidate);
        return candidate;
    }

    private void Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"The exported graph would name two values '{name}'.");
        }
    }
}
