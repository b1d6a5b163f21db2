using System.Collections.Generic;
using System.Globalization;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit.Streams;

/// <summary>
/// Many streams (<c>[RnnModel(…, Streams = true)]</c>): <c>CreateStreams(capacity)</c> and the nested <c>Streams</c>
/// class, which keeps the states of up to <c>capacity</c> independent streams (a server's N sensors) and steps them
/// together: each recurrent layer multiplies the rows of every stream by its packed weights in one product, so a weight is
/// read once per step for all streams instead of once per stream. Layers without weights to share (a Dense head, an
/// Embedding, a causal convolution…) run their one-position step stream by stream on each stream's block. Every stream
/// computes what the model's <c>Step</c> computes on its own state, bit for bit (the rows kernels compute each row as the
/// one-stream kernels do). Large steps are split into ranges of streams over the cores (the runtime's
/// <c>StreamsRunner</c>, on the trainer's shard workers); the split changes no bit.
/// </summary>
internal static class StreamsEmitter
{
    /// <summary>
    /// The fewest flops a thread is given when a step is split (<c>MaxThreads</c> above 1): about 40 µs of work at this
    /// VM's 50–100 GFLOP/s per core, against a hand-over to a spinning worker of a few µs. Not a break-even measured here:
    /// in the run of RESULTS.md ("Many streams", the 2-core VM at load average 90–126) every split step waited about
    /// 15 ms for the second core, whatever its size, so splitting is off by default (<c>MaxThreads</c> = 1).
    /// </summary>
    public const long MinFlopsPerThread = 4_000_000;

    /// <summary>The nested class: <c>Streams</c>, or <c>ModelStreams</c> in a model itself named <c>Streams</c>.</summary>
    public static string ClassName(ModelSpec spec) => spec.ClassName == "Streams" ? "ModelStreams" : "Streams";

    /// <summary>Why a model cannot have streams (RNNGEN055's reason), or null when it can.</summary>
    public static string? Unsupported(ModelPlan plan) =>
        plan.StreamingUnsupported is { } reason ? reason.Replace(": use Predict", string.Empty).Replace(", or Generate to sample", string.Empty)
        : plan.Spec.IsAbstract ? "The class is abstract, and the streams compute in an instance of it."
        : plan.Spec.Int8Weights ? "The streams multiply float32 weights, and this model's Step multiplies int8 ones (Weights = WeightPrecision.Int8)." : null;

    /// <summary>The members, when the model asks for streams and can stream.</summary>
    public static void EmitMembers(CodeWriter w, ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        if (!plan.Spec.Streams || Unsupported(plan) is not null)
        {
            return;
        }

        var block = new StreamsBlock(plan);
        var step = new CodeWriter();
        EmitStepMethod(step, plan, layers, block);
        EmitLayout(w, plan, block);
        EmitClass(w, plan, block);
        w.Line();
        w.Lines(step);
    }

    private static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void EmitLayout(CodeWriter w, ModelPlan plan, StreamsBlock block)
    {
        w.Line();
        w.Summary($"Offsets, in floats, in the block each stream of a <see cref=\"{ClassName(plan.Spec)}\"/> keeps.");
        using (w.Block($"private static class {StreamsBlock.Layout}"))
        {
            w.Line($"public const int Block = {Literal(block.Size)}; // floats per stream, a multiple of 16 (a cache line)");
            w.Line($"public const int State = 0; // [{Literal(block.StateSize)}] the stream's state, laid out as _state (the layers' State* offsets)");
            w.Line($"public const int Scratch = {Literal(block.ScratchOffset)}; // [{Literal(block.ScratchSize)}] one step's temporaries, laid out as _scratch (the layers' Scratch* offsets)");
            foreach ((int layer, long offset, long size) in block.Outputs)
            {
                w.Line($"public const int Output{layer} = {Literal(offset)}; // [{Literal(size)}] layer {layer}'s output, computed stream by stream");
            }
        }
    }

    /// <summary>
    /// One layer's rows step (<see cref="LayerEmitter.EmitStreamsStep"/>, <see cref="LayerEmitter.EmitBeamHeadRows"/>), in
    /// a scope with the parameters and the packed weights: what the streams' and the beams' steps both write.
    /// </summary>
    internal static void EmitRowsStep(CodeWriter w, ModelPlan plan, CodeWriter rowsStep)
    {
        using (w.Block())
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            if (plan.PackedSize > 0)
            {
                w.Line($"{ReadOnlySpan} packed = _packed;");
            }

            w.Lines(rowsStep);
        }
    }

    /// <summary>The streams of one thread: every layer in turn over all of them.</summary>
    private static void EmitStepMethod(CodeWriter w, ModelPlan plan, IReadOnlyList<LayerEmitter> layers, StreamsBlock block)
    {
        ModelSpec spec = plan.Spec;
        string inputSize = Literal(spec.InputSize), outputSize = Literal(plan.OutputSize);
        var input = new StreamRows("inputs", "0", inputSize, spec.InputSize);
        var outputs = new StreamRows("outputs", "0", outputSize, plan.OutputSize);
        int last = -1;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Layer.Spec.ActsAtInference)
            {
                last = i;
            }
        }

        w.Summary($"One step of streams <paramref name=\"first\"/> to <paramref name=\"first\"/> + <paramref name=\"count\"/> - 1 of a <see cref=\"{ClassName(spec)}\"/>, on their blocks in <paramref name=\"blocks\"/> ({StreamsBlock.Layout}): row s of <paramref name=\"inputs\"/> [.., {spec.InputSize}] and <paramref name=\"outputs\"/> [.., {plan.OutputSize}] is stream s's. Each stream computes what Step computes on its own state, bit for bit.");
        using (w.Block($"private void StepStreams({Span} blocks, {ReadOnlySpan} inputs, {Span} outputs, int first, int count)"))
        {
            w.Line($"{Span} range = blocks.Slice(first * {block.Stride}); // the range's blocks: a rows kernel walks them {block.Stride} apart from the first");
            for (int i = 0; i < layers.Count; i++)
            {
                LayerEmitter layer = layers[i];
                if (!layer.Layer.Spec.ActsAtInference)
                {
                    continue; // noise: its input passes through at inference
                }

                bool isLast = i == last;
                var lockstep = new CodeWriter();
                StreamRows? rows = layer.EmitStreamsStep(lockstep, input, block);
                if (rows is not null)
                {
                    EmitRowsStep(w, plan, lockstep);

                    if (isLast)
                    {
                        w.Line("// The top layer's output is each stream's output row.");
                        using (w.Block("for (int s = first; s < first + count; s++)"))
                        {
                            w.Line($"{rows.Row()}.CopyTo({outputs.Row()});");
                        }
                    }

                    input = rows;
                    continue;
                }

                StreamRows destination = isLast ? outputs : block.AddOutput(layer.Layer.Index, layer.Layer.OutputSize);
                w.Line($"// {layer.Description}: stream by stream, its one-position step on each stream's block.");
                using (w.Block("for (int s = first; s < first + count; s++)"))
                {
                    w.Line($"{Span} state = blocks.Slice(s * {block.Stride}, {Literal(block.StateSize)});");
                    w.Line($"{Span} scratch = blocks.Slice(s * {block.Stride} + {StreamsBlock.Layout}.Scratch, {Literal(block.ScratchSize)});");
                    string result = layer.EmitInferenceStep(w, input.Row(), "state", destination.Row());
                    if (result != destination.Row())
                    {
                        w.Line($"{result}.CopyTo({destination.Row()});");
                    }
                }

                input = destination;
            }

            if (last < 0)
            {
                using (w.Block("for (int s = first; s < first + count; s++)"))
                {
                    w.Line($"{input.Row()}.CopyTo({outputs.Row()});");
                }
            }
        }
    }

    private static void EmitClass(CodeWriter w, ModelPlan plan, StreamsBlock block)
    {
        ModelSpec spec = plan.Spec;
        string name = ClassName(spec);
        string model = $"global::{spec.FullyQualifiedName}";
        long flopsPerStream = System.Math.Max(1, 2 * plan.ParameterCount);
        long streamsPerThread = System.Math.Max(1, (MinFlopsPerThread + flopsPerStream - 1) / flopsPerStream);
        w.Line();
        w.Summary($"Many independent streams on this model's parameters (a server's sensors): each keeps a state of its own, and one <see cref=\"{name}.Step\"/> steps them together, one product per recurrent layer for all of them. Allocates the streams' blocks once; no allocation per call.");
        w.Line($"public {name} CreateStreams(int capacity) => new(this, capacity);");
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// Up to <see cref=\"Capacity\"/> independent streams of the {spec.ClassName} it was created from (<see cref=\"CreateStreams\"/>): stream s keeps");
        w.Line("/// a streaming state of its own, and <see cref=\"Step\"/> runs one time step of streams 0 to n - 1 at once, each recurrent layer");
        w.Line("/// multiplying every stream's rows by its weights in one product, so the weights are read once per step for all the streams.");
        w.Line("/// Stream s computes what the model's Step computes on its own state, bit for bit, however many streams run and however");
        w.Line("/// the step is split over threads. It reads the model's parameters (repacked at the first step after they were handed out");
        w.Line("/// for writing, as Step does); do not train the model or load weights into it during a step. One call at a time: a call that");
        w.Line("/// overlaps another throws <see cref=\"global::System.InvalidOperationException\"/>.");
        w.Line("/// </summary>");
        using (w.Block($"public sealed class {name} : global::System.IDisposable"))
        {
            w.Line($"private readonly {model} _model; // the model's class, made by its private constructor: the model's parameters, packed weights of its own");
            w.Line($"private readonly {AlignedBuffer} _blocks; // [Capacity, {StreamsBlock.Layout}.Block]: each stream's state and temporaries");
            w.Line($"private readonly {StreamsRunner} _runner = new(InputSize, OutputSize, streamsPerThread: {Literal(streamsPerThread)}); // with MaxThreads above 1, splits a step of at least twice as many streams over the cores (about {Literal(flopsPerStream)} flops a stream)");
            w.Line("private readonly Range _range;");
            w.Line($"private int {CallGuardCode.Field}; // 1 while a call runs ({CallGuard})");
            w.Line();
            using (w.Block($"internal {name}({model} model, int capacity)"))
            {
                w.Line($"_blocks = new {AlignedBuffer}({StreamsRunner}.CheckCapacity(capacity, {StreamsBlock.Layout}.Block));");
                w.Line($"_model = new {model}(model, ({model}.{ModelEmitter.PredictorName(spec)})null!); // the predictor's instance: shared parameters, buffers of its own");
                w.Line("_range = new Range(_model, _blocks);");
                w.Line("Capacity = capacity;");
            }

            w.Line();
            w.Summary("The number of streams, fixed at creation: stream indices run from 0 to Capacity - 1.");
            w.Line("public int Capacity { get; }");
            w.Line();
            w.Summary("The most threads a step uses, the calling thread included: 1 (every step on the calling thread) unless set; with more, a step of at least twice <see cref=\"StreamsPerThread\"/> streams is split over them. The outputs are the same either way.");
            using (w.Block("public int MaxThreads"))
            {
                w.Line("get => _runner.MaxThreads;");
                using (w.Block("set"))
                using (CallGuardCode.Hold(w))
                {
                    w.Line("_runner.MaxThreads = value;");
                }
            }

            w.Line();
            w.Summary("The fewest streams a thread is given: a step of fewer than twice as many runs on the calling thread alone.");
            w.Line("public int StreamsPerThread => _runner.StreamsPerThread;");
            w.Line();
            w.Summary($"One time step of streams 0 to n - 1: <paramref name=\"inputs\"/> is [n, InputSize = {spec.InputSize}] (row s for stream s), <paramref name=\"outputs\"/> [n, OutputSize = {plan.OutputSize}], for 1 &lt;= n &lt;= Capacity; streams n and above keep their state. A wrong length throws an <see cref=\"global::System.ArgumentException\"/> before anything is written.");
            using (w.Block($"public void Step({ReadOnlySpan} inputs, {Span} outputs)"))
            {
                w.Line("int count = _runner.CheckStep(inputs.Length, outputs.Length, Capacity);");
                TokenInputEmitter.EmitCheck(w, plan, "inputs", "count");
                using (CallGuardCode.Hold(w))
                {
                    if (plan.TracksParameterWrites)
                    {
                        w.Line("_model.PackIfStale(); // the parameters may have changed since the last packing");
                    }

                    w.Line("_runner.Step(_range, inputs, outputs, count);");
                }
            }

            w.Line();
            w.Summary("Zeroes the state of stream <paramref name=\"stream\"/> (a new series on that sensor); the others keep theirs.");
            using (w.Block("public void Reset(int stream)"))
            {
                w.Line($"{StreamsRunner}.CheckStream(stream, Capacity);");
                using (CallGuardCode.Hold(w))
                {
                    w.Line($"_blocks.Span.Slice(stream * {StreamsBlock.Layout}.Block, {StreamsBlock.Layout}.Block).Clear();");
                }
            }

            w.Line();
            w.Summary("Zeroes the state of every stream.");
            using (w.Block("public void Reset()"))
            using (CallGuardCode.Hold(w))
            {
                w.Line("_blocks.Span.Clear();");
            }

            w.Line();
            w.Summary("Ends the worker threads a split step started (none before); the streams stay usable and start them again when needed.");
            using (w.Block("public void Dispose()"))
            using (CallGuardCode.Hold(w))
            {
                w.Line("_runner.Dispose();");
            }

            w.Line();
            w.Summary("A range of streams, as the runner hands it to each thread.");
            using (w.Block($"private sealed class Range : {IStreamsRange}"))
            {
                w.Line($"private readonly {model} _model;");
                w.Line($"private readonly {AlignedBuffer} _blocks;");
                w.Line();
                w.Line($"public Range({model} model, {AlignedBuffer} blocks)");
                using (w.Block())
                {
                    w.Line("_model = model;");
                    w.Line("_blocks = blocks;");
                }

                w.Line();
                w.Line($"public void StepRange({ReadOnlySpan} inputs, {Span} outputs, int first, int count) => _model.StepStreams(_blocks, inputs, outputs, first, count);");
            }
        }
    }
}
