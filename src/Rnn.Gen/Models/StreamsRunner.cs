using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using Rnn.Gen.Training;

namespace Rnn.Gen;

/// <summary>
/// Implemented by a generated model's <c>Streams</c> class: one step of the streams <c>first … first + count − 1</c>,
/// reading their inputs from and writing their outputs to the rows of the whole call's spans. Not for user code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IStreamsRange
{
    /// <summary>Steps streams <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1; row <c>s</c> of <paramref name="inputs"/> and <paramref name="outputs"/> belongs to stream <c>s</c>.</summary>
    void StepRange(ReadOnlySpan<float> inputs, Span<float> outputs, int first, int count);
}

/// <summary>
/// Runs one step of a generated model's many streams (<c>Model.Streams</c>) on one thread or, when there are enough
/// streams, on several: the streams are cut into contiguous ranges, one per thread, on the runtime's long-lived shard
/// workers (the trainer's, <see cref="ShardWorkers"/>). Every stream's arithmetic is the same whichever range and
/// thread it falls in (each row of a rows kernel is its own chain), so the outputs do not depend on the split.
/// </summary>
/// <remarks>
/// The spans of a call are pinned for its duration and handed to the workers as pointers; <see cref="Step"/> returns
/// only when every range is done, so nothing outlives the call. Nothing is allocated per call once the workers have
/// started (the first call that splits starts them).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StreamsRunner : IDisposable
{
    /// <summary>Streams of a range start on a multiple of this: the products' register tiles cover rows in groups of up to 4 (<c>RegisterBlocks</c>).</summary>
    private const int RangeAlignment = 8;

    private readonly int _inputSize;
    private readonly int _outputSize;
    private readonly int _streamsPerThread;
    private readonly Job _job = new();
    private ShardWorkers? _workers;
    private int _maxThreads = 1;

    /// <summary>A runner for streams of <paramref name="inputSize"/> inputs and <paramref name="outputSize"/> outputs; a step splits only when each thread gets at least <paramref name="streamsPerThread"/> streams.</summary>
    public StreamsRunner(int inputSize, int outputSize, int streamsPerThread)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(streamsPerThread, 1);
        _inputSize = inputSize;
        _outputSize = outputSize;
        _streamsPerThread = streamsPerThread;
    }

    /// <summary>The fewest streams a thread is given: a step of fewer than twice this many runs on the calling thread alone.</summary>
    public int StreamsPerThread => _streamsPerThread;

    /// <summary>
    /// The most threads a step uses, the calling thread included: 1 unless set. Splitting is opt-in: on a host whose
    /// cores are busy with other work the second core's share waits for it (about 15 ms a step on the loaded 2-core VM
    /// of RESULTS.md), far longer than the step.
    /// </summary>
    public int MaxThreads
    {
        get => _maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            if (value != _maxThreads)
            {
                _workers?.Dispose();
                _workers = null;
                _maxThreads = value;
            }
        }
    }

    /// <summary>The threads a step of <paramref name="count"/> streams runs on.</summary>
    public int ThreadsFor(int count) => Math.Clamp(count / _streamsPerThread, 1, _maxThreads);

    /// <summary>
    /// Checks a step's spans: <paramref name="inputs"/> holds <c>n</c> rows of the input size and
    /// <paramref name="outputs"/> <c>n</c> rows of the output size, for 1 ≤ <c>n</c> ≤ <paramref name="capacity"/>;
    /// returns <c>n</c>, or throws an <see cref="ArgumentException"/> saying what was expected, before anything is written.
    /// </summary>
    public int CheckStep(int inputs, int outputs, int capacity)
    {
        int count = inputs / _inputSize;
        if (inputs % _inputSize != 0 || count < 1 || count > capacity)
        {
            ThrowInputs(inputs, capacity);
        }

        if (outputs != count * _outputSize)
        {
            ModelGuard.ThrowLengthMismatch(nameof(outputs), count * _outputSize, $"[streams = {count}, OutputSize = {_outputSize}], one row per input row", outputs);
        }

        return count;
    }

    /// <summary>Throws unless <paramref name="stream"/> is one of the <paramref name="capacity"/> streams.</summary>
    public static void CheckStream(int stream, int capacity)
    {
        if ((uint)stream >= (uint)capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(stream), stream, $"stream must be between 0 and {capacity - 1} (Capacity = {capacity}), but is {stream}.");
        }
    }

    /// <summary>Throws unless <paramref name="capacity"/> streams of <paramref name="block"/> floats each fit one buffer; returns the floats.</summary>
    public static int CheckCapacity(int capacity, int block)
    {
        if (capacity < 1 || (long)capacity * block > AlignedBuffer.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity must be between 1 and {AlignedBuffer.MaxLength / block} (streams of {block} floats each in one buffer), but is {capacity}.");
        }

        return capacity * block;
    }

    /// <summary>Steps the <paramref name="count"/> streams of <paramref name="target"/>, split over threads when there are enough of them.</summary>
    public unsafe void Step(IStreamsRange target, ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        int threads = ThreadsFor(count);
        if (threads == 1)
        {
            target.StepRange(inputs, outputs, 0, count);
            return;
        }

        _workers ??= new ShardWorkers(_maxThreads);
        fixed (float* input = inputs)
        fixed (float* output = outputs)
        {
            _job.Set(target, input, inputs.Length, output, outputs.Length, count, threads);
            try
            {
                _workers.Run(_job, threads);
            }
            finally
            {
                _job.Clear();
            }
        }
    }

    /// <summary>Ends the worker threads, if any started.</summary>
    public void Dispose()
    {
        _workers?.Dispose();
        _workers = null;
    }

    [DoesNotReturn]
    private void ThrowInputs(int actual, int capacity) =>
        throw new ArgumentException(
            $"inputs must hold one row of InputSize = {_inputSize} floats per stream, for 1 to {capacity} (Capacity) streams: a multiple of {_inputSize} between {_inputSize} and {capacity * _inputSize}, but has {actual}.",
            "inputs");

    /// <summary>One split step: the spans as pointers (pinned by <see cref="Step"/> for its duration) and the ranges.</summary>
    private sealed unsafe class Job : IShardWork
    {
        private IStreamsRange? _target;
        private float* _inputs;
        private float* _outputs;
        private int _inputLength;
        private int _outputLength;
        private int _count;
        private int _ranges;

        public void Set(IStreamsRange target, float* inputs, int inputLength, float* outputs, int outputLength, int count, int ranges)
        {
            _target = target;
            _inputs = inputs;
            _inputLength = inputLength;
            _outputs = outputs;
            _outputLength = outputLength;
            _count = count;
            _ranges = ranges;
        }

        public void Clear()
        {
            _target = null;
            _inputs = _outputs = null;
        }

        /// <summary>Range <paramref name="shard"/>: streams from its start to the next range's, starts on multiples of <see cref="RangeAlignment"/>.</summary>
        public void RunShard(int shard)
        {
            int first = Start(shard), end = Start(shard + 1);
            if (end > first)
            {
                _target!.StepRange(new ReadOnlySpan<float>(_inputs, _inputLength), new Span<float>(_outputs, _outputLength), first, end - first);
            }
        }

        private int Start(int range) =>
            range >= _ranges ? _count : (int)((long)_count * range / _ranges / RangeAlignment * RangeAlignment);
    }
}
