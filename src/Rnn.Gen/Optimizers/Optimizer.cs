using System;
using System.Collections.Generic;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// The common part of the optimizers: the learning rate, the step counter, and the binding to one parameter
/// buffer length. A derived class supplies the state it needs (<see cref="AllocateState"/>) and the update
/// rule (<see cref="Update"/>).
/// </summary>
/// <remarks>
/// State is allocated on the first <see cref="Step"/> (or <see cref="SetState"/>), when the parameter count becomes
/// known; later steps allocate nothing. <see cref="GetState"/> and <see cref="SetState"/> save and restore it through
/// the buffers a derived class names in <see cref="StateBufferNames"/>.
/// </remarks>
public abstract class Optimizer : IOptimizer
{
    private float _learningRate;

    /// <summary>Checks and stores the learning rate.</summary>
    /// <param name="learningRate">Learning rate, zero or more (PyTorch's <c>lr</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or NaN.</exception>
    protected Optimizer(float learningRate)
    {
        ThrowIfNegativeOrNaN(learningRate, nameof(learningRate));
        _learningRate = learningRate;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or NaN.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            ThrowIfNegativeOrNaN(value, nameof(LearningRate));
            _learningRate = value;
        }
    }

    /// <summary>The length of the parameter buffer this optimizer serves; 0 until the first step binds it.</summary>
    public int ParameterCount { get; private set; }

    /// <summary>Steps taken since construction or the last <see cref="Reset"/> (PyTorch's per-parameter <c>step</c>).</summary>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (gradients.Length != parameters.Length)
        {
            throw new ArgumentException(
                $"Expected gradients of length {parameters.Length} (the parameters' length), got {gradients.Length}.",
                nameof(gradients));
        }

        if (ParameterCount == 0)
        {
            if (parameters.Length == 0)
            {
                throw new ArgumentException("Expected at least one parameter, got an empty buffer.", nameof(parameters));
            }

            AllocateState(parameters.Length);
            ParameterCount = parameters.Length;
        }
        else if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"Expected parameters of length {ParameterCount} (the length this optimizer is bound to), got {parameters.Length}.",
                nameof(parameters));
        }

        StepCount++;
        Update(parameters, gradients);
    }

    /// <summary>
    /// Forgets the optimizer's state (step count, momentum, moment estimates), as a freshly constructed one;
    /// it stays bound to the same parameter count and keeps its arrays.
    /// </summary>
    public void Reset()
    {
        StepCount = 0;
        ClearState();
    }

    /// <inheritdoc/>
    public OptimizerState GetState()
    {
        var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (StepCount > 0)
        {
            foreach (string name in StateBufferNames)
            {
                buffers.Add(name, GetStateBuffer(name)); // OptimizerState copies it
            }
        }

        return new OptimizerState(Kind, StepCount, LearningRate, buffers);
    }

    /// <inheritdoc/>
    public void SetState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!string.Equals(state.Kind, Kind, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Expected the state of a {Kind} optimizer, got one of a {state.Kind}.", nameof(state));
        }

        if (!(state.LearningRate >= 0f))
        {
            throw new ArgumentException($"Invalid learning rate in the state: {state.LearningRate}; expected a value >= 0.", nameof(state));
        }

        IReadOnlyList<string> expected = state.StepCount > 0 ? StateBufferNames : [];
        if (state.BufferCount != expected.Count)
        {
            throw new ArgumentException(
                $"Expected the buffers [{string.Join(", ", expected)}] for a {Kind} at step {state.StepCount} with these options, got [{string.Join(", ", state.BufferNames)}].",
                nameof(state));
        }

        foreach (string name in expected)
        {
            if (!state.TryGetBufferSpan(name, out _))
            {
                throw new ArgumentException(
                    $"Expected the buffers [{string.Join(", ", expected)}] for a {Kind} at step {state.StepCount} with these options, got [{string.Join(", ", state.BufferNames)}].",
                    nameof(state));
            }
        }

        if (expected.Count > 0 && ParameterCount != 0 && state.ParameterCount != ParameterCount)
        {
            throw new ArgumentException(
                $"Expected buffers of length {ParameterCount} (the length this optimizer is bound to), got {state.ParameterCount}.",
                nameof(state));
        }

        // Everything is valid: from here on nothing throws.
        if (state.StepCount == 0)
        {
            Reset();
        }
        else
        {
            if (expected.Count > 0 && ParameterCount == 0)
            {
                AllocateState(state.ParameterCount);
                ParameterCount = state.ParameterCount;
            }

            foreach (string name in expected)
            {
                state.TryGetBufferSpan(name, out ReadOnlySpan<float> values);
                values.CopyTo(GetStateBuffer(name));
            }

            StepCount = state.StepCount;
        }

        _learningRate = state.LearningRate;
    }

    /// <summary>The kind recorded in <see cref="OptimizerState.Kind"/>: the class name.</summary>
    protected virtual string Kind => GetType().Name;

    /// <summary>
    /// The PyTorch names of the per-parameter buffers this optimizer keeps with its options (empty for plain SGD), in
    /// a fixed order; each is allocated by <see cref="AllocateState"/> and returned by <see cref="GetStateBuffer"/>.
    /// </summary>
    protected abstract IReadOnlyList<string> StateBufferNames { get; }

    /// <summary>The array of the buffer named <paramref name="name"/> (one of <see cref="StateBufferNames"/>), once allocated.</summary>
    protected abstract float[] GetStateBuffer(string name);

    /// <summary>Allocates the per-parameter state for a buffer of <paramref name="parameterCount"/> elements.</summary>
    protected abstract void AllocateState(int parameterCount);

    /// <summary>Sets the state to what a freshly constructed optimizer has.</summary>
    protected abstract void ClearState();

    /// <summary>
    /// Applies one update. <see cref="StepCount"/> already counts this step (it is 1 on the first step); both spans
    /// have length <see cref="ParameterCount"/>. Must not allocate.
    /// </summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is zero or more.</summary>
    protected static void ThrowIfNegativeOrNaN(float value, string parameterName)
    {
        if (!(value >= 0f))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"Invalid {parameterName}: {value}; expected a value >= 0.");
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 0 &lt;= <paramref name="value"/> &lt; 1.</summary>
    protected static void ThrowIfNotInUnitInterval(float value, string parameterName)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"Invalid {parameterName}: {value}; expected 0 <= {parameterName} < 1.");
        }
    }
}
