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

/// <summary>
/// What the <see cref="Trainer"/> does when a batch's loss or gradients, or an epoch's validation loss, are not finite
/// (NaN or ±∞). Either way the first one is reported in <see cref="TrainingResult.FirstNonFinite"/>, naming the first
/// sample whose loss was not finite.
/// </summary>
public enum NonFiniteGradientPolicy
{
    /// <summary>
    /// Skip: a batch's step is not taken (neither the parameters nor the optimizer change) and is counted in
    /// <see cref="TrainingResult.SkippedBatches"/>; an epoch's validation loss is kept in its metrics but ignored by early
    /// stopping and the schedule, and counted in <see cref="TrainingResult.SkippedValidations"/>.
    /// </summary>
    Skip,

    /// <summary>
    /// Stop training: before the batch's step (<see cref="StopReason.NonFiniteGradients"/>), or after the epoch whose
    /// validation loss is not finite (<see cref="StopReason.NonFiniteValidationLoss"/>).
    /// </summary>
    Stop,
}

/// <summary>Settings of a <see cref="Trainer"/>. Defaults: 10 epochs, batches of 32, shuffled, seed 0, no validation, one thread (<see cref="Parallelism"/> 1).</summary>
public sealed class TrainerOptions
{
    private int _epochs = 10;
    private int _batchSize = 32;
    private double _validationSplit;
    private float? _clipNorm;
    private float? _clipValue;
    private int _checkpointEveryEpochs = 1;
    private int _checkpointEveryBatches;
    private int _parallelism = 1;

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

    /// <summary>What to do with a batch whose loss or gradients, or a validation loss, are NaN or infinite; skip it by default.</summary>
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
    /// <remarks>
    /// A trainer whose run has not started resumes from the file at this path when there is one (see
    /// <see cref="ResumeFromCheckpoint"/>), as Keras's <c>BackupAndRestore</c> does. Temporary files that a write killed
    /// midway left next to it are removed when a run starts and at every save.
    /// </remarks>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// Whether the first <c>Fit</c> of a trainer resumes from an existing checkpoint at <see cref="CheckpointPath"/>
    /// (default true): the model's parameters, the optimizer's and the schedule's state, the epoch and batch, the
    /// shuffling generator, early stopping's best value and patience count all come from the file, so the run goes on
    /// exactly where it stopped (<see cref="TrainingResult.ResumedFrom"/> says so). A checkpoint that does not fit the
    /// trainer (another model, optimizer or settings) or the data is refused with an exception. False: train from the
    /// current state and overwrite the file at the first save. A trainer that has already trained or loaded a
    /// checkpoint never reads the file again.
    /// </summary>
    public bool ResumeFromCheckpoint { get; init; } = true;

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

    /// <summary>
    /// Data-parallel training: the number of shards each batch is split into, and of model instances that train them
    /// at the same time (the trained model and <c>Parallelism − 1</c> replicas from <see cref="ReplicaFactory"/>). 1
    /// (the default) trains every sample on the calling thread in the trained model, as without this setting.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A batch of <c>B</c> samples, in the sampler's order, is cut into <c>Parallelism</c> contiguous shards (the first
    /// <c>B mod Parallelism</c> one sample longer). Shard 0 runs in the trained model, shard <c>k</c> in replica
    /// <c>k</c>: each starts from the trained model's parameters, zeroes its gradients and accumulates its samples'
    /// gradients (each scaled by <c>1/B</c>) in order. The shard gradients are then added into the trained model's
    /// <see cref="IRnnModel.Gradients"/> in shard order (shard 0 + shard 1 + …), and the step goes on as before:
    /// penalties, the non-finite check, clipping and the optimizer, on the trained model alone.
    /// </para>
    /// <para>
    /// The result depends on this number and on nothing else: not on the number of cores or threads, nor on timing. The
    /// same seed and settings give bit-identical parameters on any machine, and a resumed run continues exactly.
    /// Another value sums the same gradients in another order, so it gives the same training up to float rounding, not
    /// bit for bit; pick a constant (for example the cores of the machine you train on) rather than
    /// <see cref="Environment.ProcessorCount"/> where runs must repeat exactly elsewhere. The shards run on the calling
    /// thread and on up to <c>Parallelism − 1</c> worker threads, no more threads in all than
    /// <see cref="Environment.ProcessorCount"/>; with fewer threads than shards a thread runs several, with the same
    /// result. Values above the batch size leave shards empty. The losses and metrics are summed sample by sample in
    /// batch order, so (without dropout or noise) they are exactly those a single model reports on the same
    /// parameters; evaluation (validation included) is split the same way and gives identical results.
    /// </para>
    /// <para>
    /// Training randomness (dropout masks, Gaussian noise) is drawn per shard: shard 0 from the trained model's
    /// <see cref="IRnnModel.TrainingRandom"/>, shard <c>k</c> from replica <c>k</c>'s, which the trainer seeds from the
    /// trained model's generator (its state when the trainer first trains in parallel, and shard number) and saves in
    /// checkpoints. The masks are as random as a single model's, but not the same draws.
    /// </para>
    /// <para>
    /// Not for stateful models (<c>[RnnModel(..., Stateful = true)]</c>): they carry their state from one window to the
    /// next in one model, so the <see cref="Trainer"/> refuses them with a value above 1. The loss is called from
    /// several threads at once; the library's losses are safe for that, a custom one must be too.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int Parallelism
    {
        get => _parallelism;
        init => _parallelism = Positive(value, nameof(Parallelism));
    }

    /// <summary>
    /// Creates the replicas that <see cref="Parallelism"/> above 1 needs: called <c>Parallelism − 1</c> times when the
    /// <see cref="Trainer"/> is constructed, each call returning a new instance of the trained model's class (typically
    /// <c>() =&gt; new MyModel()</c>). Their parameters need no initialization: every batch copies the trained model's
    /// parameters into them. Unused when <see cref="Parallelism"/> is 1.
    /// </summary>
    public Func<IRnnModel>? ReplicaFactory { get; init; }

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
