using System;
using System.ComponentModel;

namespace Rnn.Gen;

/// <summary>
/// The buffers and the bookkeeping of a generated model's batch path (<see cref="IRnnBatchModel"/>): one cache, work and
/// scratch block per sample, and the order the samples run in.
/// </summary>
/// <remarks>
/// Samples run in <em>slots</em> ordered by valid length, longest first (ties keep batch order), as PyTorch's packed
/// sequences: at step t the samples still running are slots 0 to <see cref="Running"/>(t) − 1, so one matrix product
/// with a fixed row stride covers exactly them. Slot s's blocks start at <c>s · CacheSize</c>, <c>s · WorkSize</c> and
/// <c>s · ScratchSize</c>; the buffers start on 64-byte boundaries (<see cref="AlignedBuffer"/>), so with sizes that are
/// multiples of 16 floats, as the generator lays them out, every block starts on a cache line. Generated code uses this
/// class; it is public only for that.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BatchWorkspace
{
    private AlignedBuffer _cache = Empty;
    private AlignedBuffer _work = Empty;
    private AlignedBuffer _scratch = Empty;
    private readonly AlignedBuffer _shared;
    private int[] _sampleOfSlot = [];
    private int[] _slotOfSample = [];
    private int[] _lengths = [];
    private int[] _inputLengths = [];
    private int[] _decodedSteps = [];
    private AlignedBuffer _rows = Empty;
    private readonly int[] _running;
    private bool _hasForward;
    private readonly string _forward;

    private static readonly AlignedBuffer Empty = new(0);

    /// <summary>
    /// Creates an empty workspace for samples of <paramref name="steps"/> steps with the given per-sample block sizes, and
    /// <paramref name="sharedSize"/> floats the whole batch shares (allocated now).
    /// </summary>
    /// <param name="cacheSize">Floats per sample in <see cref="Cache"/>.</param>
    /// <param name="workSize">Floats per sample in <see cref="Work"/>.</param>
    /// <param name="scratchSize">Floats per sample in <see cref="Scratch"/>.</param>
    /// <param name="steps">Time steps per sample.</param>
    /// <param name="sharedSize">Floats the whole batch shares.</param>
    /// <param name="minLength">The shortest valid length a sample may have (more than 1 when a convolution or pooling window needs more steps).</param>
    /// <param name="longestStage">The most steps a layer's sequence has, when more than <paramref name="steps"/> (an image's rows as steps).</param>
    /// <param name="rowsSize">Floats per sample in <see cref="Rows"/>, one buffer for the whole batch (0: none).</param>
    /// <param name="forward">The model's batch forward method, named in the messages of <see cref="CheckBackward"/>
    /// (<c>ForwardBatchTeacherForced</c> for a decoder model).</param>
    public BatchWorkspace(int cacheSize, int workSize, int scratchSize, int steps, int sharedSize = 0, int minLength = 1, int longestStage = 0, int rowsSize = 0, string forward = "ForwardBatch")
    {
        _forward = forward;
        RowsSize = rowsSize;
        MinLength = minLength;
        _shared = sharedSize == 0 ? Empty : new AlignedBuffer(sharedSize);
        CacheSize = cacheSize;
        WorkSize = workSize;
        ScratchSize = scratchSize;
        Steps = steps;
        _running = new int[Math.Max(steps, longestStage)];
    }

    /// <summary>Floats per sample in <see cref="Rows"/>.</summary>
    public int RowsSize { get; }

    /// <summary>
    /// Capacity · <see cref="RowsSize"/> contiguous floats for the whole batch: where a layer gathers the rows of every
    /// sample to run them as one matrix product (a decoder's head in <c>BackwardBatch</c>).
    /// </summary>
    public Span<float> Rows => _rows.Span;

    /// <summary>Floats per sample in <see cref="Cache"/>.</summary>
    public int CacheSize { get; }

    /// <summary>The shortest valid length a sample may have.</summary>
    public int MinLength { get; }

    /// <summary>Floats per sample in <see cref="Work"/>.</summary>
    public int WorkSize { get; }

    /// <summary>Floats per sample in <see cref="Scratch"/>.</summary>
    public int ScratchSize { get; }

    /// <summary>Time steps per sample.</summary>
    public int Steps { get; }

    /// <summary>The samples the buffers hold now.</summary>
    public int Capacity => _lengths.Length;

    /// <summary>The samples of the current batch.</summary>
    public int Count { get; private set; }

    /// <summary>The longest valid length in the current batch: the steps the batch runs.</summary>
    public int MaxLength { get; private set; }

    /// <summary>The activations of every slot, <c>[Capacity, CacheSize]</c>.</summary>
    public Span<float> Cache => _cache.Span;

    /// <summary>The backward work areas of every slot, <c>[Capacity, WorkSize]</c>.</summary>
    public Span<float> Work => _work.Span;

    /// <summary>The one-step temporaries of every slot, <c>[Capacity, ScratchSize]</c>.</summary>
    public Span<float> Scratch => _scratch.Span;

    /// <summary>
    /// Floats the batch pass uses once rather than per sample, 64-byte aligned: where the generated backward pass sums a
    /// weight gradient in a layout its products prefer, between exact copies in and out of <c>Gradients</c>.
    /// </summary>
    public Span<float> Shared => _shared.Span;

    /// <summary>The batch index of the sample in slot <paramref name="slot"/>.</summary>
    public int SampleOf(int slot) => _sampleOfSlot[slot];

    /// <summary>The slot of batch sample <paramref name="sample"/>.</summary>
    public int SlotOf(int sample) => _slotOfSample[sample];

    /// <summary>The valid length of the sample in slot <paramref name="slot"/>.</summary>
    public int Length(int slot) => _lengths[slot];

    /// <summary>
    /// Per slot, the output steps a decoder's sample runs through (its target's end token included; the steps after it
    /// are masked): written by <c>ForwardBatchTeacherForced</c>, read by <c>BackwardBatch</c>.
    /// </summary>
    public Span<int> DecodedSteps => _decodedSteps.AsSpan(0, Count);

    /// <summary>How many slots are still running at step <paramref name="step"/> (those whose length exceeds it).</summary>
    public int Running(int step) => _running[step];

    /// <summary>Grows the buffers to hold <paramref name="capacity"/> samples (allocates only when it is more than ever before).</summary>
    public void Reserve(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if (capacity <= Capacity)
        {
            return;
        }

        long cache = (long)capacity * CacheSize, work = (long)capacity * WorkSize, scratch = (long)capacity * ScratchSize;
        if (Math.Max(cache, Math.Max(work, scratch)) > AlignedBuffer.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"A batch of {capacity} samples needs {Math.Max(cache, work)} floats in one buffer, more than an array holds; use smaller batches.");
        }

        // All or nothing: the new buffers replace the old only once all are allocated.
        var newCache = new AlignedBuffer((int)cache);
        var newWork = new AlignedBuffer((int)work);
        var newScratch = new AlignedBuffer((int)scratch);
        var sampleOfSlot = new int[capacity];
        var slotOfSample = new int[capacity];
        var lengths = new int[capacity];
        var inputLengths = new int[capacity];
        var decodedSteps = new int[capacity];
        var rows = RowsSize == 0 ? Empty : new AlignedBuffer(checked(capacity * RowsSize));
        _cache = newCache;
        _work = newWork;
        _scratch = newScratch;
        _sampleOfSlot = sampleOfSlot;
        _slotOfSample = slotOfSample;
        _lengths = lengths;
        _inputLengths = inputLengths;
        _decodedSteps = decodedSteps;
        _rows = rows;
        Count = 0;
        _hasForward = false;
    }

    /// <summary>
    /// Checks the batch's shapes and lengths, grows the buffers if needed, and orders the samples into slots. Throws
    /// before changing anything when a shape or a length is wrong.
    /// </summary>
    /// <param name="inputLength">The length of the inputs span, <c>B · sampleInput</c>.</param>
    /// <param name="sampleInput">Floats per input sample.</param>
    /// <param name="outputLength">The length of the outputs span.</param>
    /// <param name="sampleOutput">Floats per output sample.</param>
    /// <param name="lengths">Each sample's valid steps, or empty for all <see cref="Steps"/>.</param>
    /// <returns>The batch size B.</returns>
    public int Begin(int inputLength, int sampleInput, int outputLength, int sampleOutput, ReadOnlySpan<int> lengths)
    {
        if (inputLength == 0 || inputLength % sampleInput != 0)
        {
            throw new ArgumentException($"inputs must hold one or more samples of {sampleInput} elements ([B, Steps, InputSize]), but has {inputLength}.", "inputs");
        }

        int batch = inputLength / sampleInput;
        if (outputLength != (long)batch * sampleOutput)
        {
            throw new ArgumentException($"outputs must have {(long)batch * sampleOutput} elements ([B = {batch}, OutputSteps, OutputSize]), but has {outputLength}.", "outputs");
        }

        if (!lengths.IsEmpty)
        {
            if (lengths.Length != batch)
            {
                throw new ArgumentException($"lengths must hold one length per sample ({batch}), or be empty, but has {lengths.Length}.", nameof(lengths));
            }

            for (int b = 0; b < batch; b++)
            {
                if (lengths[b] < MinLength || lengths[b] > Steps)
                {
                    throw new ArgumentOutOfRangeException(nameof(lengths), lengths[b], $"lengths[{b}] must be between {MinLength} and {Steps} (Steps), but is {lengths[b]}.");
                }
            }
        }

        Reserve(batch);
        Count = batch;
        _hasForward = false;

        // Slots by length, longest first; a stable insertion sort keeps batch order among equal lengths.
        for (int b = 0; b < batch; b++)
        {
            int length = lengths.IsEmpty ? Steps : lengths[b];
            int s = b;
            while (s > 0 && _lengths[s - 1] < length)
            {
                _lengths[s] = _lengths[s - 1];
                _sampleOfSlot[s] = _sampleOfSlot[s - 1];
                s--;
            }

            _lengths[s] = length;
            _sampleOfSlot[s] = b;
        }

        for (int s = 0; s < batch; s++)
        {
            _slotOfSample[_sampleOfSlot[s]] = s;
            _inputLengths[s] = _lengths[s];
        }

        CountRunning();
        return batch;
    }

    /// <summary>
    /// Sets the valid lengths that <see cref="Length"/>, <see cref="Running"/> and <see cref="MaxLength"/> report to each
    /// slot's input length mapped by <paramref name="map"/> (null: the input lengths themselves). A model whose layers
    /// change the number of steps (convolutions, pooling) selects, before each layer, the lengths of that layer's input;
    /// the map is non-decreasing, so the slots stay ordered longest first.
    /// </summary>
    public void SelectLengths(Func<int, int>? map)
    {
        for (int s = 0; s < Count; s++)
        {
            _lengths[s] = map is null ? _inputLengths[s] : map(_inputLengths[s]);
        }

        CountRunning();
    }

    private void CountRunning()
    {
        MaxLength = _lengths[0];
        int running = Count;
        for (int t = 0; t < _running.Length; t++)
        {
            while (running > 0 && _lengths[running - 1] <= t)
            {
                running--;
            }

            _running[t] = running;
        }
    }

    /// <summary>Marks the forward pass of the current batch complete: <see cref="IRnnBatchModel.BackwardBatch"/> may run.</summary>
    public void Complete() => _hasForward = true;

    /// <summary>
    /// Checks a backward call against the last forward pass: that there was one, and the gradient spans' lengths.
    /// </summary>
    public void CheckBackward(int outputGradientLength, int sampleOutput, int inputGradientLength, int sampleInput)
    {
        if (!_hasForward)
        {
            throw new InvalidOperationException($"BackwardBatch needs the activations of a preceding {_forward} call on this instance; call {_forward} first.");
        }

        if (outputGradientLength != (long)Count * sampleOutput)
        {
            throw new ArgumentException($"outputGradients must have {(long)Count * sampleOutput} elements ([B = {Count}, OutputSteps, OutputSize], as the last {_forward}), but has {outputGradientLength}.", "outputGradients");
        }

        if (inputGradientLength != 0 && inputGradientLength != (long)Count * sampleInput)
        {
            throw new ArgumentException($"inputGradients must be empty or have {(long)Count * sampleInput} elements ([B = {Count}, Steps, InputSize]), but has {inputGradientLength}.", "inputGradients");
        }
    }
}
