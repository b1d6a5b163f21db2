using System.Globalization;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit.Streams;

/// <summary>
/// Where a value of every stream lies during a step of a model's many streams (<c>Model.Streams</c>): stream
/// <c>s</c>'s row is <c>{Buffer}.Slice(s * {Stride} + {Offset}, {Size})</c>. <c>blocks</c> holds one block per stream
/// (its state, its temporaries, the outputs of layers that run stream by stream), <c>inputs</c> and <c>outputs</c> the
/// call's rows.
/// </summary>
/// <param name="Buffer">The span in the generated method: <c>blocks</c>, <c>inputs</c> or <c>outputs</c>.</param>
/// <param name="Offset">Where stream 0's row starts in it: a constant expression.</param>
/// <param name="Stride">Floats from one stream's row to the next: a constant expression.</param>
/// <param name="Size">Floats in a row.</param>
internal sealed record StreamRows(string Buffer, string Offset, string Stride, long Size)
{
    /// <summary>Stream <paramref name="stream"/>'s row, a span of <see cref="Size"/> floats.</summary>
    public string Row(string stream = "s") => $"{Buffer}.Slice({stream} * {Stride}{Plus}, {Size.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>
    /// The rows of the streams from the step's range start (<c>first</c>) on, for a rows kernel that walks them
    /// <see cref="Stride"/> apart; in the blocks, from <c>range</c>, the range's first block.
    /// </summary>
    public string Rows => Buffer == "blocks" ? $"range.Slice({Offset})" : $"{Buffer}.Slice(first * {Stride}{Plus})";

    private string Plus => Offset == "0" ? string.Empty : " + " + Offset;
}

/// <summary>
/// The block of one stream: the model's <c>_state</c> layout (so that every layer's named state offsets hold), then at
/// <c>StreamsLayout.Scratch</c> the model's <c>_scratch</c> layout (one step's temporaries), then the outputs of the
/// layers that run stream by stream. Each part starts on a multiple of 16 floats, and so does every block.
/// </summary>
internal sealed class StreamsBlock
{
    /// <summary>The generated class of the block's named offsets.</summary>
    public const string Layout = "StreamsLayout";

    public StreamsBlock(ModelPlan plan)
        : this(plan, Layout, record: 0, unit: "stream", first: "first")
    {
    }

    /// <summary>
    /// A block whose offsets are the constants of the generated class <paramref name="layout"/>, with
    /// <paramref name="record"/> floats right after the state (a beam's attention weights, which go with its state:
    /// <c>BeamSearchEmitter</c>); each block holds one <paramref name="unit"/>, and a step's range starts at block
    /// <paramref name="first"/> (an expression).
    /// </summary>
    public StreamsBlock(ModelPlan plan, string layout, long record, string unit, string first)
    {
        LayoutName = layout;
        Unit = unit;
        First = first;
        StateSize = plan.StateSize;
        RecordSize = record;
        ScratchSize = plan.ScratchSize;
        ScratchOffset = RoundUp(StateSize + record);
        _end = ScratchOffset + RoundUp(ScratchSize);
    }

    /// <summary>The generated class of this block's named offsets (<see cref="Layout"/> for the streams).</summary>
    public string LayoutName { get; }

    /// <summary>What one block holds, as the rows steps' comments name it: "stream", or "beam" for beam search.</summary>
    public string Unit { get; }

    /// <summary>The first block of a step's range: the parameter <c>first</c> for the streams, 0 for the live beams.</summary>
    public string First { get; }

    /// <summary>The loop over the blocks of a step's range, <paramref name="index"/> each one's number.</summary>
    public string EachInRange(string index = "s") =>
        First == "0" ? $"for (int {index} = 0; {index} < count; {index}++)" : $"for (int {index} = {First}; {index} < {First} + count; {index}++)";

    /// <summary>Floats right after the state that go with it (0 for the streams).</summary>
    public long RecordSize { get; }

    private long _end;

    public long StateSize { get; }

    public long ScratchSize { get; }

    /// <summary>Where the scratch part starts.</summary>
    public long ScratchOffset { get; }

    /// <summary>Floats of one stream's block, a multiple of 16.</summary>
    public long Size => RoundUp(_end);

    /// <summary>The stride of every row in the blocks.</summary>
    public string Stride => $"{LayoutName}.Block";

    /// <summary>A region of the model's <c>_state</c>, in every stream's block.</summary>
    public StreamRows State(Region region) => new("blocks", region.Name, Stride, region.Length);

    /// <summary>A region of the model's <c>_scratch</c>, in every stream's block.</summary>
    public StreamRows Scratch(Region region) => new("blocks", $"{LayoutName}.Scratch + {region.Name}", Stride, region.Length);

    /// <summary>Adds a row of <paramref name="size"/> floats to the block for the output of layer <paramref name="index"/>, which runs stream by stream.</summary>
    public StreamRows AddOutput(int index, long size)
    {
        long offset = RoundUp(_end);
        _end = offset + size;
        Outputs.Add((index, offset, size));
        return new StreamRows("blocks", $"{LayoutName}.Output{index}", Stride, size);
    }

    /// <summary>Adds a row of <paramref name="size"/> floats to the block, named <paramref name="name"/> in the layout class.</summary>
    public StreamRows AddRow(string name, long size)
    {
        long offset = RoundUp(_end);
        _end = offset + size;
        Rows.Add((name, offset, size));
        return new StreamRows("blocks", $"{LayoutName}.{name}", Stride, size);
    }

    /// <summary>The named rows added (<see cref="AddRow"/>), with their offsets.</summary>
    public System.Collections.Generic.List<(string Name, long Offset, long Size)> Rows { get; } = new();

    /// <summary>The output rows added, with their offsets.</summary>
    public System.Collections.Generic.List<(int Layer, long Offset, long Size)> Outputs { get; } = new();

    private static long RoundUp(long size) => (size + 15) / 16 * 16;
}
