using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// The per-sample block sizes of a model's batch path: slot <c>s</c> of the batch keeps its cache, work and scratch at
/// <c>s</c> times these sizes in the batch workspace's buffers (<c>caches</c>, <c>works</c>, <c>scratches</c> in the
/// generated code).
/// </summary>
internal readonly struct BatchLayout
{
    public BatchLayout(long cache, long work, long scratch)
    {
        Cache = cache;
        Work = work;
        Scratch = scratch;
    }

    public long Cache { get; }

    public long Work { get; }

    public long Scratch { get; }

    /// <summary>Declares <c>cache</c>, slot <paramref name="slot"/>'s cache block.</summary>
    public string SlotCache(string slot = "s", bool readOnly = false) =>
        $"{(readOnly ? ReadOnlySpan : Span)} cache = caches.Slice({slot} * {Cache}, {Cache});";

    /// <summary>Inside a loop over slots <c>s</c>: the slot's <c>cache</c> block and valid <c>length</c>.</summary>
    public void DeclareSlot(CodeWriter w)
    {
        w.Line(SlotCache());
        w.Line("int length = _batch.Length(s);");
    }

    /// <summary>Inside a loop over batch samples <c>b</c> (batch order): the sample's slot <c>s</c>, its <c>cache</c> (read-only) and <c>work</c> blocks and valid <c>length</c>.</summary>
    public void DeclareSampleInBatchOrder(CodeWriter w)
    {
        w.Line("int s = _batch.SlotOf(b);");
        w.Line(SlotCache(readOnly: true));
        w.Line(SlotWork());
        w.Line("int length = _batch.Length(s);");
    }

    /// <summary>Declares <c>work</c>, slot <paramref name="slot"/>'s backward work block.</summary>
    public string SlotWork(string slot = "s") => $"{Span} work = works.Slice({slot} * {Work}, {Work});";

    /// <summary>Declares <c>scratch</c>, slot <paramref name="slot"/>'s one-step temporaries.</summary>
    public string SlotScratch(string slot = "s") => $"{Span} scratch = scratches.Slice({slot} * {Scratch}, {Scratch});";

    /// <summary>
    /// <paramref name="region"/>'s row of step <paramref name="step"/> in slot 0's block of <paramref name="buffer"/>
    /// (<c>caches</c>, <c>works</c>, <c>scratches</c>), the span a rows kernel walks with the blocks' stride; a step's
    /// row is <paramref name="size"/> floats (0: the region has one row).
    /// </summary>
    public static string StepRows(string buffer, Planning.Region region, long size = 0, string step = "t") =>
        $"{buffer}.Slice({(size == 0 ? region.Name : CodeWriter.Offset(region, size, step))})";
}
