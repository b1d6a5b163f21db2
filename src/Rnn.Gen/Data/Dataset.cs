using System;
using System.Runtime.InteropServices;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Data;

/// <summary>What a <see cref="Dataset"/> holds as targets.</summary>
public enum TargetKind
{
    /// <summary>Real values, <c>[OutputSteps, OutputSize]</c> per sample (regression, or probabilities for BCE).</summary>
    Values,

    /// <summary>One class index per output step, <c>[OutputSteps]</c> per sample (classification with cross-entropy).</summary>
    ClassIndices,
}

/// <summary>
/// An in-memory set of fixed-size samples for training or evaluation: inputs <c>[Count, Steps, InputSize]</c>,
/// sample-major, and targets <c>[Count, OutputSteps, OutputSize]</c> (values) or <c>[Count, OutputSteps]</c> (class
/// indices). The shapes are a model's: <see cref="ForModel(IRnnModel, ReadOnlySpan{float}, ReadOnlySpan{float})"/> and
/// <see cref="ForClassifier(IRnnModel, ReadOnlySpan{float}, ReadOnlySpan{int})"/> take them from one, and their overloads
/// with <c>int</c> inputs take token ids for a model whose first layer is an Embedding.
/// </summary>
/// <remarks>
/// A dataset is immutable: the constructors copy the data, so a trainer can rely on it not changing between epochs
/// and a checkpoint can recognise it again (<see cref="ContentHash"/>).
/// </remarks>
public sealed class Dataset
{
    private readonly float[] _inputs;
    private readonly float[]? _targets;
    private readonly int[]? _classIndices;
    private readonly int[]? _lengths;
    private ulong _hash;
    private bool _hashed;

    /// <summary>A dataset with real-valued targets.</summary>
    /// <param name="inputs">All inputs, sample-major: <c>Count × steps × inputSize</c> floats.</param>
    /// <param name="targets">All targets: <c>Count × outputSteps × outputSize</c> floats.</param>
    /// <param name="steps">Time steps per input sample.</param>
    /// <param name="inputSize">Features per input step.</param>
    /// <param name="outputSteps">Target steps per sample (1 for a many-to-one model).</param>
    /// <param name="outputSize">Features per target step.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative.</exception>
    /// <exception cref="ArgumentException">
    /// The dataset is empty, or a length does not match the shapes; the message names the expected length.
    /// </exception>
    public Dataset(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int steps, int inputSize, int outputSteps, int outputSize)
    {
        Count = CheckInputs(inputs, steps, inputSize, outputSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        long expected = (long)Count * outputSteps * outputSize;
        if (targets.Length != expected)
        {
            throw new ArgumentException(
                $"Expected targets of length {expected} ({Count} samples × {outputSteps} output steps × {outputSize} outputs), got {targets.Length}.",
                nameof(targets));
        }

        Steps = steps;
        InputSize = inputSize;
        OutputSteps = outputSteps;
        OutputSize = outputSize;
        TargetKind = TargetKind.Values;
        _inputs = inputs.ToArray();
        _targets = targets.ToArray();
    }

    /// <summary>A dataset with one class index per output step.</summary>
    /// <param name="inputs">All inputs, sample-major: <c>Count × steps × inputSize</c> floats.</param>
    /// <param name="classIndices">All targets: <c>Count × outputSteps</c> class indices, each zero or more.</param>
    /// <param name="steps">Time steps per input sample.</param>
    /// <param name="inputSize">Features per input step.</param>
    /// <param name="outputSteps">Target steps per sample (1 for a many-to-one classifier).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative.</exception>
    /// <exception cref="ArgumentException">
    /// The dataset is empty, a length does not match the shapes (the message names the expected length), or a class
    /// index is negative.
    /// </exception>
    public Dataset(ReadOnlySpan<float> inputs, ReadOnlySpan<int> classIndices, int steps, int inputSize, int outputSteps)
    {
        Count = CheckInputs(inputs, steps, inputSize, outputSteps);
        long expected = (long)Count * outputSteps;
        if (classIndices.Length != expected)
        {
            throw new ArgumentException(
                $"Expected class indices of length {expected} ({Count} samples × {outputSteps} output steps), got {classIndices.Length}.",
                nameof(classIndices));
        }

        for (int i = 0; i < classIndices.Length; i++)
        {
            if (classIndices[i] < 0)
            {
                throw new ArgumentException(
                    $"Class index {classIndices[i]} of sample {i / outputSteps}, step {i % outputSteps} is negative.", nameof(classIndices));
            }
        }

        Steps = steps;
        InputSize = inputSize;
        OutputSteps = outputSteps;
        OutputSize = 0;
        TargetKind = TargetKind.ClassIndices;
        _inputs = inputs.ToArray();
        _classIndices = classIndices.ToArray();
    }

    /// <summary>A dataset with real-valued targets shaped for <paramref name="model"/>: <c>[Steps, InputSize]</c> in, <c>[OutputSteps, OutputSize]</c> out.</summary>
    /// <exception cref="ArgumentException">The lengths do not fit the model's shapes; the message names the expected length.</exception>
    public static Dataset ForModel(IRnnModel model, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Dataset(inputs, targets, model.Steps, model.InputSize, model.OutputSteps, model.OutputSize);
    }

    /// <summary>A dataset with one class index per output step of <paramref name="model"/> (its outputs are the class logits).</summary>
    /// <exception cref="ArgumentException">
    /// The lengths do not fit the model's shapes, or a class index is outside <c>[0, OutputSize)</c>.
    /// </exception>
    public static Dataset ForClassifier(IRnnModel model, ReadOnlySpan<float> inputs, ReadOnlySpan<int> classIndices)
    {
        ArgumentNullException.ThrowIfNull(model);
        var dataset = new Dataset(inputs, classIndices, model.Steps, model.InputSize, model.OutputSteps);
        dataset.CheckClassIndices(model.OutputSize);
        return dataset;
    }

    /// <summary>
    /// A dataset of token-id samples with real-valued targets, for a model whose first layer is an Embedding
    /// (<c>InputSize</c> 1): <paramref name="tokens"/> holds <c>[Count, Steps]</c> ids. The ids are kept as floats
    /// (whole numbers, exact below 2^24), which the model's float members read back as ids and check against its
    /// vocabulary.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit the model's shapes, or the model does not read one id per step.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or 2^24 or more.</exception>
    public static Dataset ForModel(IRnnModel model, ReadOnlySpan<int> tokens, ReadOnlySpan<float> targets)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ForModel(model, TokensAsFloats(model, tokens), targets);
    }

    /// <summary>
    /// A dataset of token-id samples with one class index per output step, for a model whose first layer is an
    /// Embedding; see <see cref="ForModel(IRnnModel, ReadOnlySpan{int}, ReadOnlySpan{float})"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit the model's shapes, or a class index is outside <c>[0, OutputSize)</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or 2^24 or more.</exception>
    public static Dataset ForClassifier(IRnnModel model, ReadOnlySpan<int> tokens, ReadOnlySpan<int> classIndices)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ForClassifier(model, TokensAsFloats(model, tokens), classIndices);
    }

    /// <summary>Token ids as the floats a token model's <see cref="IRnnModel"/> members read.</summary>
    private static float[] TokensAsFloats(IRnnModel model, ReadOnlySpan<int> tokens)
    {
        if (model.InputSize != 1)
        {
            throw new ArgumentException(
                $"Token ids are one per step, but {model.GetType().Name} reads {model.InputSize} features per step; token datasets are for models whose first layer is an Embedding.",
                nameof(model));
        }

        var values = new float[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= 1u << 24)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(tokens),
                    $"tokens[{i}] (sample {i / model.Steps}, step {i % model.Steps}) is {tokens[i]}; token ids are whole numbers from 0 to 2^24 - 1.");
            }

            values[i] = tokens[i];
        }

        return values;
    }

    /// <summary>A copy of <paramref name="source"/> whose samples have the valid lengths <paramref name="lengths"/>.</summary>
    private Dataset(Dataset source, int[]? lengths)
    {
        Count = source.Count;
        Steps = source.Steps;
        InputSize = source.InputSize;
        OutputSteps = source.OutputSteps;
        OutputSize = source.OutputSize;
        TargetKind = source.TargetKind;
        _inputs = source._inputs;
        _targets = source._targets;
        _classIndices = source._classIndices;
        _lengths = lengths;
    }

    /// <summary>
    /// The same samples, padded at the end: sample i's first <c>lengths[i]</c> steps are valid (see
    /// <see cref="SequencePadding"/>). The trainer then runs the models' <c>length</c> overloads and, when the targets
    /// follow the input steps (many-to-many), counts only the valid steps in the loss and the accuracy.
    /// </summary>
    /// <exception cref="ArgumentException">There is not one length per sample, or a length is outside 1 to <see cref="Steps"/>.</exception>
    public Dataset WithLengths(ReadOnlySpan<int> lengths)
    {
        if (lengths.Length != Count)
        {
            throw new ArgumentException($"Expected {Count} lengths (one per sample), got {lengths.Length}.", nameof(lengths));
        }

        for (int i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] < 1 || lengths[i] > Steps)
            {
                throw new ArgumentException($"The length of sample {i} is {lengths[i]}; it must be between 1 and {Steps} (Steps).", nameof(lengths));
            }
        }

        return new Dataset(this, lengths.ToArray());
    }

    /// <summary>Whether the samples are padded, with lengths of their own (<see cref="WithLengths"/>).</summary>
    public bool HasLengths => _lengths is not null;

    /// <summary>The valid steps of sample <paramref name="index"/>: its length, or <see cref="Steps"/> when the samples are not padded.</summary>
    public int Length(int index)
    {
        int checkedIndex = CheckIndex(index);
        return _lengths is null ? Steps : _lengths[checkedIndex];
    }

    /// <summary>Number of samples, at least one.</summary>
    public int Count { get; }

    /// <summary>Time steps per input sample.</summary>
    public int Steps { get; }

    /// <summary>Features per input step.</summary>
    public int InputSize { get; }

    /// <summary>Target steps per sample.</summary>
    public int OutputSteps { get; }

    /// <summary>Features per target step for <see cref="TargetKind.Values"/>; 0 for class indices (the model's output size decides).</summary>
    public int OutputSize { get; }

    /// <summary>Whether the targets are values or class indices.</summary>
    public TargetKind TargetKind { get; }

    /// <summary>Floats per input sample: <c>Steps × InputSize</c>.</summary>
    public int InputLength => Steps * InputSize;

    /// <summary>Elements per target: <c>OutputSteps × OutputSize</c> values, or <c>OutputSteps</c> class indices.</summary>
    public int TargetLength => TargetKind == TargetKind.Values ? OutputSteps * OutputSize : OutputSteps;

    /// <summary>The input of sample <paramref name="index"/>, <c>[Steps, InputSize]</c>.</summary>
    public ReadOnlySpan<float> Input(int index) => _inputs.AsSpan(CheckIndex(index) * InputLength, InputLength);

    /// <summary>The real-valued target of sample <paramref name="index"/>, <c>[OutputSteps, OutputSize]</c>.</summary>
    /// <exception cref="InvalidOperationException">The dataset holds class indices.</exception>
    public ReadOnlySpan<float> Target(int index)
    {
        if (_targets is null)
        {
            throw new InvalidOperationException("This dataset holds class indices, not values; use ClassIndices(index).");
        }

        return _targets.AsSpan(CheckIndex(index) * TargetLength, TargetLength);
    }

    /// <summary>The class indices of sample <paramref name="index"/>, one per output step.</summary>
    /// <exception cref="InvalidOperationException">The dataset holds values.</exception>
    public ReadOnlySpan<int> ClassIndices(int index)
    {
        if (_classIndices is null)
        {
            throw new InvalidOperationException("This dataset holds values, not class indices; use Target(index).");
        }

        return _classIndices.AsSpan(CheckIndex(index) * OutputSteps, OutputSteps);
    }

    /// <summary>A new dataset of the samples at <paramref name="indices"/>, in that order (copied).</summary>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>[0, Count)</c>.</exception>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        if (indices.IsEmpty)
        {
            throw new ArgumentException("A subset needs at least one index.", nameof(indices));
        }

        var inputs = new float[indices.Length * InputLength];
        for (int i = 0; i < indices.Length; i++)
        {
            Input(indices[i]).CopyTo(inputs.AsSpan(i * InputLength, InputLength));
        }

        if (_targets is not null)
        {
            var targets = new float[indices.Length * TargetLength];
            for (int i = 0; i < indices.Length; i++)
            {
                Target(indices[i]).CopyTo(targets.AsSpan(i * TargetLength, TargetLength));
            }

            return WithLengthsOf(new Dataset(inputs, targets, Steps, InputSize, OutputSteps, OutputSize), indices);
        }

        var classes = new int[indices.Length * OutputSteps];
        for (int i = 0; i < indices.Length; i++)
        {
            ClassIndices(indices[i]).CopyTo(classes.AsSpan(i * OutputSteps, OutputSteps));
        }

        return WithLengthsOf(new Dataset(inputs, classes, Steps, InputSize, OutputSteps), indices);
    }

    /// <summary>A subset keeps the lengths of its samples.</summary>
    private Dataset WithLengthsOf(Dataset subset, ReadOnlySpan<int> indices)
    {
        if (_lengths is null)
        {
            return subset;
        }

        int[] lengths = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            lengths[i] = Length(indices[i]);
        }

        return new Dataset(subset, lengths);
    }

    /// <summary>
    /// Splits the samples at random into a training part and a validation part holding
    /// <paramref name="validationFraction"/> of them. As Keras's <c>validation_split</c>, the training part has
    /// <c>floor(Count × (1 − fraction))</c> samples; unlike Keras, the validation samples are drawn by a seeded
    /// shuffle rather than taken from the end. Both parts keep the samples in their original order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not strictly between 0 and 1.</exception>
    /// <exception cref="ArgumentException">One of the parts would be empty.</exception>
    public (Dataset Training, Dataset Validation) Split(double validationFraction, long seed)
    {
        (int[] training, int[] validation) = SplitIndices(Count, validationFraction, seed);
        return (Subset(training), Subset(validation));
    }

    /// <summary>
    /// The sample indices of <see cref="Split"/>: a seeded random choice of validation samples, both index lists in
    /// ascending order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not strictly between 0 and 1.</exception>
    /// <exception cref="ArgumentException">One of the parts would be empty.</exception>
    public static (int[] Training, int[] Validation) SplitIndices(int count, double validationFraction, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction,
                "Expected a validation fraction strictly between 0 and 1.");
        }

        int trainingCount = (int)Math.Floor(count * (1.0 - validationFraction));
        int validationCount = count - trainingCount;
        if (trainingCount == 0 || validationCount == 0)
        {
            throw new ArgumentException(
                $"A validation fraction of {validationFraction} of {count} samples leaves {trainingCount} for training and {validationCount} for validation; both need at least one.",
                nameof(validationFraction));
        }

        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        new SeededRandom(seed).Shuffle(order.AsSpan());
        int[] validation = order[..validationCount];
        int[] training = order[validationCount..];
        Array.Sort(validation);
        Array.Sort(training);
        return (training, validation);
    }

    /// <summary>
    /// A 64-bit FNV-1a hash of the shapes and every input and target bit pattern: two datasets with the same hash hold,
    /// with overwhelming probability, the same samples in the same order. Checkpoints use it to recognise their data.
    /// </summary>
    public ulong ContentHash
    {
        get
        {
            if (!_hashed)
            {
                ulong hash = 14695981039346656037UL;
                hash = Mix(hash, (uint)Count);
                hash = Mix(hash, (uint)Steps);
                hash = Mix(hash, (uint)InputSize);
                hash = Mix(hash, (uint)OutputSteps);
                hash = Mix(hash, (uint)OutputSize);
                hash = Mix(hash, (uint)TargetKind);
                hash = MixAll(hash, MemoryMarshal.Cast<float, uint>(_inputs.AsSpan()));
                hash = _targets is not null
                    ? MixAll(hash, MemoryMarshal.Cast<float, uint>(_targets.AsSpan()))
                    : MixAll(hash, MemoryMarshal.Cast<int, uint>(_classIndices.AsSpan()));
                if (_lengths is not null)
                {
                    hash = MixAll(hash, MemoryMarshal.Cast<int, uint>(_lengths.AsSpan()));
                }

                _hash = hash;
                _hashed = true;
            }

            return _hash;
        }
    }

    /// <summary>Throws unless every class index is below <paramref name="classCount"/>.</summary>
    /// <exception cref="ArgumentException">A class index is <paramref name="classCount"/> or more; the message names it.</exception>
    internal void CheckClassIndices(int classCount)
    {
        if (_classIndices is null)
        {
            return;
        }

        for (int i = 0; i < _classIndices.Length; i++)
        {
            if (_classIndices[i] >= classCount)
            {
                throw new ArgumentException(
                    $"Class index {_classIndices[i]} of sample {i / OutputSteps}, step {i % OutputSteps} is outside [0, {classCount}) (the model's OutputSize).",
                    "classIndices");
            }
        }
    }

    /// <summary>A short description of the shapes, for messages: <c>inputs [24, 1] → targets [1, 1]</c>.</summary>
    public override string ToString() => TargetKind == TargetKind.Values
        ? $"{Count} samples: inputs [{Steps}, {InputSize}] → targets [{OutputSteps}, {OutputSize}]"
        : $"{Count} samples: inputs [{Steps}, {InputSize}] → class indices [{OutputSteps}]";

    private static int CheckInputs(ReadOnlySpan<float> inputs, int steps, int inputSize, int outputSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSteps);
        long perSample = (long)steps * inputSize;
        if (inputs.IsEmpty)
        {
            throw new ArgumentException("A dataset needs at least one sample; the inputs are empty.", nameof(inputs));
        }

        if (inputs.Length % perSample != 0)
        {
            throw new ArgumentException(
                $"Expected inputs of a multiple of {perSample} floats ({steps} steps × {inputSize} features per sample), got {inputs.Length}.",
                nameof(inputs));
        }

        return (int)(inputs.Length / perSample);
    }

    private int CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected a sample index in [0, {Count}).");
        }

        return index;
    }

    private static ulong Mix(ulong hash, uint word)
    {
        for (int b = 0; b < 4; b++)
        {
            hash = (hash ^ ((word >> (8 * b)) & 0xFF)) * 1099511628211UL;
        }

        return hash;
    }

    private static ulong MixAll(ulong hash, ReadOnlySpan<uint> words)
    {
        foreach (uint word in words)
        {
            hash = Mix(hash, word);
        }

        return hash;
    }
}
