using System;
using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary>The cell of a recurrent layer.</summary>
public enum RecurrentCell
{
    /// <summary>nn.LSTM: gates i, f, g, o.</summary>
    Lstm,

    /// <summary>nn.GRU: gates r, z, n, with n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).</summary>
    Gru,

    /// <summary>nn.RNN (Elman): h = act(W_ih x + b_ih + W_hh h + b_hh).</summary>
    SimpleRnn,
}

/// <summary>
/// <c>[Lstm(hidden)]</c>, <c>[Gru(hidden)]</c>, <c>[SimpleRnn(hidden)]</c>: one layer of nn.LSTM / nn.GRU / nn.RNN
/// (<c>{i}.weight_ih_l0</c> [G·H, in], <c>{i}.weight_hh_l0</c> [G·H, H], <c>{i}.bias_ih_l0</c>, <c>{i}.bias_hh_l0</c>, and
/// the same with <c>_reverse</c> for the second direction).
/// </summary>
public sealed class RecurrentLayer : LayerArchitecture
{
    /// <summary>Layer <paramref name="index"/>, a <paramref name="cell"/> of <paramref name="hidden"/> units per direction reading <paramref name="inputSize"/> features.</summary>
    public RecurrentLayer(int index, RecurrentCell cell, int inputSize, int hidden)
        : base(index, inputSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        Cell = cell;
        Hidden = hidden;
    }

    /// <summary>The cell.</summary>
    public RecurrentCell Cell { get; }

    /// <summary>Hidden units per direction.</summary>
    public int Hidden { get; }

    /// <summary>Every step's output (true) or the last step's (false).</summary>
    public bool ReturnSequences { get; init; }

    /// <summary>A second direction runs from the last step to the first.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>How a bidirectional layer merges its directions.</summary>
    public MergeMode MergeMode { get; init; }

    /// <summary>The Elman cell's activation: Tanh or Relu (LSTM and GRU have their own).</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <inheritdoc/>
    public override string Kind => Cell.ToString();

    /// <inheritdoc/>
    public override int OutputSize => Bidirectional && MergeMode == MergeMode.Concat ? 2 * Hidden : Hidden;

    /// <summary>Gates stacked in the rows of the weights: 4, 3 or 1.</summary>
    private int Gates => Cell switch
    {
        RecurrentCell.Lstm => 4,
        RecurrentCell.Gru => 3,
        _ => 1,
    };

    /// <summary>
    /// For each gate block of ONNX's order, the block of PyTorch's order it is: ONNX's LSTM is i, o, f, c (PyTorch
    /// i, f, g, o), its GRU z, r, h (PyTorch r, z, n).
    /// </summary>
    private int[] GateOrder => Cell switch
    {
        RecurrentCell.Lstm => [0, 3, 1, 2],
        RecurrentCell.Gru => [1, 0, 2],
        _ => [0],
    };

    /// <summary>
    /// One ONNX LSTM, GRU or RNN node (layout 0: [steps, batch, features]) with W [D, G·H, in], R [D, G·H, H] and
    /// B [D, 2·G·H] (Wb then Rb), the gate blocks reordered; a GRU with linear_before_reset = 1, PyTorch's n. Its Y
    /// [steps, D, batch, H] when the layer returns sequences, else its Y_h [D, batch, H] (the forward direction's last
    /// step and the reverse direction's first, PyTorch's h_n); then the two directions merged.
    /// </summary>
    internal override OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input)
    {
        int directions = Bidirectional ? 2 : 1;
        long rows = (long)Gates * Hidden;
        var w = new float[directions * rows * InputSize];
        var r = new float[directions * rows * Hidden];
        var b = new float[directions * 2 * rows];
        for (int d = 0; d < directions; d++)
        {
            string suffix = d == 0 ? string.Empty : "_reverse";
            Reorder(graph.Parameter(this, "weight_ih_l0" + suffix, (int)rows, InputSize), w.AsSpan((int)(d * rows * InputSize)), Hidden * InputSize);
            Reorder(graph.Parameter(this, "weight_hh_l0" + suffix, (int)rows, Hidden), r.AsSpan((int)(d * rows * Hidden)), Hidden * Hidden);
            Reorder(graph.Parameter(this, "bias_ih_l0" + suffix, (int)rows), b.AsSpan((int)(d * 2 * rows)), Hidden);
            Reorder(graph.Parameter(this, "bias_hh_l0" + suffix, (int)rows), b.AsSpan((int)((d * 2 * rows) + rows)), Hidden);
        }

        string x = graph.As(input, SequenceLayout.TimeMajor);
        string[] inputs =
        [
            x,
            graph.Initializer($"{Index}.W", [directions, rows, InputSize], w),
            graph.Initializer($"{Index}.R", [directions, rows, Hidden], r),
            graph.Initializer($"{Index}.B", [directions, 2 * rows], b),
            .. graph.SequenceLengths() is { } lengths ? new[] { lengths } : [],   // sequence_lens: padded steps leave the state alone
        ];
        OnnxAttribute[] attributes = Cell switch
        {
            RecurrentCell.Gru => [Hiddens(), Direction(), OnnxAttribute.Int("linear_before_reset", 1)],
            RecurrentCell.SimpleRnn => [Hiddens(), Direction(), OnnxAttribute.Strings("activations", Bidirectional ? [CellActivation(), CellActivation()] : [CellActivation()])],
            _ => [Hiddens(), Direction()],
        };

        // Outputs: Y (every step) and Y_h (the final states); the one not read is left out.
        string[] outputs = graph.Node(Cell switch { RecurrentCell.Lstm => "LSTM", RecurrentCell.Gru => "GRU", _ => "RNN" }, inputs, 2, attributes, ReturnSequences ? 1 : 0);
        if (!ReturnSequences && !Bidirectional)
        {
            return new OnnxSequence(outputs[1], SequenceLayout.TimeMajor);                        // Y_h [1, batch, H]: one position
        }

        string states = ReturnSequences
            ? outputs[0]                                                                          // Y [steps, D, batch, H]
            : graph.Node("Unsqueeze", outputs[1], graph.Int64Initializer("axis0", [1], 0));       // [1, D, batch, H]: one position
        return new OnnxSequence(Merge(graph, states), SequenceLayout.TimeMajor);
    }

    /// <summary>[steps, D, batch, H] to [steps, batch, features]: one direction squeezed, or two merged by <see cref="MergeMode"/>.</summary>
    private string Merge(OnnxGraph graph, string states)
    {
        if (!Bidirectional)
        {
            return graph.Node("Squeeze", states, graph.Int64Initializer("axis1", [1], 1));
        }

        if (MergeMode == MergeMode.Concat)
        {
            // [steps, batch, 2, H] flattened to [steps, batch, 2H]: the forward direction's features first, as PyTorch.
            string interleaved = graph.Node("Transpose", [states], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
            return graph.Node("Reshape", interleaved, graph.Int64Initializer("concat_shape", [3], 0, 0, 2L * Hidden));
        }

        string forward = graph.Node("Gather", [states, graph.Int64Initializer("forward", [], 0)], OnnxAttribute.Int("axis", 1));
        string reverse = graph.Node("Gather", [states, graph.Int64Initializer("reverse", [], 1)], OnnxAttribute.Int("axis", 1));
        return MergeMode switch
        {
            MergeMode.Sum => graph.Node("Add", forward, reverse),
            MergeMode.Multiply => graph.Node("Mul", forward, reverse),
            MergeMode.Average => graph.Node("Mul", graph.Node("Add", forward, reverse), graph.Initializer($"{Index}.half", [], [0.5f])),
            _ => throw new NotSupportedException($"{this}: no ONNX nodes are written for the merge mode {MergeMode}."),
        };
    }

    private OnnxAttribute Hiddens() => OnnxAttribute.Int("hidden_size", Hidden);

    private OnnxAttribute Direction() => OnnxAttribute.String("direction", Bidirectional ? "bidirectional" : "forward");

    private string CellActivation() => Activation switch
    {
        Activation.Tanh => "Tanh",
        Activation.Relu => "Relu",
        _ => throw new NotSupportedException($"{this}: an Elman cell's activation is Tanh or Relu, not {Activation}."),
    };

    /// <summary>Copies the gate blocks of <paramref name="source"/> (PyTorch's order, <paramref name="block"/> floats each) into <paramref name="target"/> in ONNX's order.</summary>
    private void Reorder(float[] source, Span<float> target, int block)
    {
        int[] order = GateOrder;
        for (int k = 0; k < order.Length; k++)
        {
            source.AsSpan(order[k] * block, block).CopyTo(target.Slice(k * block, block));
        }
    }
}
