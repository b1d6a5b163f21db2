using System;
using Rnn.Gen.Training.Schedules;

namespace Rnn.Gen.Training;

/// <summary>When the <see cref="Trainer"/> advances its learning-rate schedule.</summary>
public enum ScheduleInterval
{
    /// <summary>After each epoch, with the epoch's metric (PyTorch's usual <c>scheduler.step()</c> per epoch).</summary>
    Epoch,

    /// <summary>After each optimizer step (warm-up and cosine schedules counted in steps); skipped steps do not count.</summary>
    Batch,
}

/// <summary>What the <see cref="Trainer"/> does when a batch's loss or gradients are not finite (NaN or ±∞).</summary>
public enum NonFiniteGradientPolicy
{
    /// <summary>Skip the step: neither the parameters nor the optimizer change; the step is counted and reported.</summary>
    Skip,

    /// <summary>Stop training without taking the step (<see cref="StopReason.NonFiniteGradients"/>).</summary>
    Stop,
}

/// <summary>Settings of a <see cref="Trainer"/>. Defaults: 10 epochs, batches of 32, shuffled, seed 0, no validation.</summary>
public sealed class TrainerOptions
{
    private int _epochs = 10;
    private int _batchSize = 32;
    private double _validationSplit;
    private float? _clipNorm;
    private float? _clipValue;
    private int _checkpointEveryEpochs = 1;
    private int _checkpointEveryBatches;

    /// <summary>Total number of epochs of the run, at least one; a resumed run trains until it has done this many.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int Epochs
    {
        get => _epochs;
        init => _epochs = Positive(value, nameof(Epochs));
    }

    /// <summary>Samples per batch, at least one; the gradients are averaged over each batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = Positive(value, nameof(BatchSize));
    }

    /// <summary>Whether each epoch visits the training samples in a new seeded random order (default true).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Trains a model with a <c>[Decoder]</c> by teacher forcing (<see cref="IRnnModel.ForwardTeacherForced"/>): each
    /// decoder step gets the previous target (one-hot of the target class for class-index data). Off: <c>Forward</c>,
    /// which feeds back the model's own greedy outputs.
    /// </summary>
    public bool TeacherForcing { get; init; }

    /// <summary>Seed of the shuffling and of the validation split.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// A fraction of the training data, strictly between 0 and 1, to hold out for validation (a seeded random choice,
    /// see <see cref="Data.Dataset.Split"/>); 0 (the default) for none. Not together with an explicit validation set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, 1 or more, or NaN.</exception>
    public double ValidationSplit
    {
        get => _validationSplit;
        init
        {
            if (!(value >= 0 && value < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(ValidationSplit), value, "Expected a fraction in [0, 1).");
            }

            _validationSplit = value;
        }
    }

    /// <summary>Clip the gradients' global L2 norm to this value before each step (PyTorch's <c>clip_grad_norm_</c>); none by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or NaN.</exception>
    public float? ClipNorm
    {
        get => _clipNorm;
        init => _clipNorm = NonNegative(value, nameof(ClipNorm));
    }

    /// <summary>Clamp every gradient to <c>[−value, value]</c> before each step (PyTorch's <c>clip_grad_value_</c>); none by default. Applied before <see cref="ClipNorm"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or NaN.</exception>
    public float? ClipValue
    {
        get => _clipValue;
        init => _clipValue = NonNegative(value, nameof(ClipValue));
    }

    /// <summary>What to do with a batch whose loss or gradients are NaN or infinite; skip it by default.</summary>
    public NonFiniteGradientPolicy NonFiniteGradients { get; init; } = NonFiniteGradientPolicy.Skip;

    /// <summary>
    /// A learning-rate schedule bound to the trainer's optimizer (for example <see cref="StepDecay"/> or
    /// <see cref="ReduceOnPlateau"/>); none by default. Its state is saved with checkpoints.
    /// </summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>When <see cref="Schedule"/> steps: after each epoch (the default) or after each optimizer step.</summary>
    public ScheduleInterval ScheduleInterval { get; init; } = ScheduleInterval.Epoch;

    /// <summary>
    /// The metric handed to <see cref="Schedule"/> after each epoch (what <see cref="ReduceOnPlateau"/> watches): by
    /// default the validation loss when there is a validation set, otherwise the training loss. With
    /// <see cref="ScheduleInterval.Batch"/> the schedule gets the batch's loss instead.
    /// </summary>
    public MonitoredMetric? ScheduleMetric { get; init; }

    /// <summary>Early stopping; none by default.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Where the trainer writes its checkpoint (atomically, replacing the previous one): every
    /// <see cref="CheckpointEveryEpochs"/> epochs, every <see cref="CheckpointEveryBatches"/> batches, when training
    /// is cancelled and when it ends. None by default.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Write the checkpoint after every this many epochs (default 1; 0 for only on cancellation and at the end).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int CheckpointEveryEpochs
    {
        get => _checkpointEveryEpochs;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(CheckpointEveryEpochs));
            _checkpointEveryEpochs = value;
        }
    }

    /// <summary>Also write the checkpoint after every this many batches (counted over the whole run); 0 (the default) for never.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int CheckpointEveryBatches
    {
        get => _checkpointEveryBatches;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(CheckpointEveryBatches));
            _checkpointEveryBatches = value;
        }
    }

    private static int Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Invalid {name}: {value}; expected 1 or more.");
        }

        return value;
    }

    private static float? NonNegative(float? value, string name)
    {
        if (value is float v && !(v >= 0f))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Invalid {name}: {v}; expected a value >= 0.");
        }

        return value;
    }
}
