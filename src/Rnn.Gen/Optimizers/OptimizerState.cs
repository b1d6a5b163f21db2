using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// A snapshot of an optimizer's state for a checkpoint: what <see cref="IOptimizer.GetState"/> returns and
/// <see cref="IOptimizer.SetState"/> restores. Immutable: the constructor copies the buffers in, and every read of
/// <see cref="Buffers"/> hands out copies.
/// </summary>
/// <remarks>
/// Buffer names are PyTorch's state names (<c>momentum_buffer</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>,
/// <c>max_exp_avg_sq</c>, <c>square_avg</c>, <c>grad_avg</c>, <c>sum</c>), each buffer as long as the parameter
/// buffer. An optimizer that has not stepped yet (<see cref="StepCount"/> 0) has no buffers.
/// </remarks>
public sealed class OptimizerState
{
    private readonly SortedDictionary<string, float[]> _buffers;

    /// <summary>Creates a state; the buffers are copied.</summary>
    /// <param name="kind">The optimizer's kind, its class name (<c>Sgd</c>, <c>Adam</c>, <c>AdamW</c>, <c>RmsProp</c>, <c>Adagrad</c>).</param>
    /// <param name="stepCount">Steps taken, zero or more.</param>
    /// <param name="learningRate">The learning rate of the next step.</param>
    /// <param name="buffers">The named per-parameter buffers, all of the same non-zero length.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="kind"/> is empty, a buffer name is empty, a buffer is null or empty, or the buffers differ in length.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepCount"/> is negative.</exception>
    public OptimizerState(string kind, long stepCount, float learningRate, IReadOnlyDictionary<string, float[]> buffers)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        _buffers = new SortedDictionary<string, float[]>(StringComparer.Ordinal);
        int length = -1;
        foreach ((string name, float[] values) in buffers)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("Expected non-empty buffer names.", nameof(buffers));
            }

            if (values is null || values.Length == 0)
            {
                throw new ArgumentException($"Buffer '{name}' is null or empty.", nameof(buffers));
            }

            if (length >= 0 && values.Length != length)
            {
                throw new ArgumentException($"Buffer '{name}' has length {values.Length}, expected {length} (the other buffers' length).", nameof(buffers));
            }

            length = values.Length;
            _buffers.Add(name, (float[])values.Clone());
        }

        Kind = kind;
        StepCount = stepCount;
        LearningRate = learningRate;
        ParameterCount = Math.Max(length, 0);
        Buffers = new CopyingView(_buffers);
    }

    /// <summary>The optimizer's kind, its class name (<c>Sgd</c>, <c>Adam</c>, ...).</summary>
    public string Kind { get; }

    /// <summary>Steps taken (PyTorch's per-parameter <c>step</c>).</summary>
    public long StepCount { get; }

    /// <summary>The learning rate of the next step (a schedule may have changed it).</summary>
    public float LearningRate { get; }

    /// <summary>The length of every buffer; 0 when there are none.</summary>
    public int ParameterCount { get; }

    /// <summary>
    /// The named buffers in ordinal name order. Each read of a value returns a new copy, so the state cannot be changed
    /// through it; read a buffer once and keep the array.
    /// </summary>
    public IReadOnlyDictionary<string, float[]> Buffers { get; }

    /// <summary>The buffer named <paramref name="name"/>, without a copy.</summary>
    internal bool TryGetBufferSpan(string name, out ReadOnlySpan<float> values)
    {
        if (_buffers.TryGetValue(name, out float[]? array))
        {
            values = array;
            return true;
        }

        values = default;
        return false;
    }

    /// <summary>The buffer names, in ordinal order.</summary>
    internal IEnumerable<string> BufferNames => _buffers.Keys;

    /// <summary>The number of buffers.</summary>
    internal int BufferCount => _buffers.Count;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Kind} state: step {StepCount}, learning rate {LearningRate}, buffers [{string.Join(", ", _buffers.Keys)}] of {ParameterCount}";

    /// <summary>A read-only view that copies each array it hands out.</summary>
    private sealed class CopyingView(SortedDictionary<string, float[]> inner) : IReadOnlyDictionary<string, float[]>
    {
        public float[] this[string key] => (float[])inner[key].Clone();

        public IEnumerable<string> Keys => inner.Keys;

        public IEnumerable<float[]> Values => inner.Values.Select(v => (float[])v.Clone());

        public int Count => inner.Count;

        public bool ContainsKey(string key) => inner.ContainsKey(key);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out float[] value)
        {
            if (inner.TryGetValue(key, out float[]? stored))
            {
                value = (float[])stored.Clone();
                return true;
            }

            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<string, float[]>> GetEnumerator() =>
            inner.Select(pair => new KeyValuePair<string, float[]>(pair.Key, (float[])pair.Value.Clone())).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
