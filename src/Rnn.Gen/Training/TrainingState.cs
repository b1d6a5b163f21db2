using System.Collections.Generic;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training.Schedules;

namespace Rnn.Gen.Training;

/// <summary>
/// The whole state of a training run at a batch boundary, from which it continues exactly: the model's parameters,
/// carried state and random generators, the optimizer's and the schedule's state, and the run's position and metrics
/// (<see cref="Run"/>). <see cref="Trainer.SaveCheckpoint(string)"/> captures one and
/// <see cref="Serialization.CheckpointFile"/> writes it; reading a checkpoint gives one back, checked against the
/// trainer, which then restores it all at once.
/// </summary>
/// <param name="ParameterLayout">The model's parameter tensors (names, offsets, shapes).</param>
/// <param name="Parameters">The model's parameters, a copy.</param>
/// <param name="TrainingRandom">The state of the model's dropout and noise generator; null when it has none.</param>
/// <param name="CarriedState">A stateful model's carried recurrent state, a copy; null for other models.</param>
/// <param name="Optimizer">The optimizer's state.</param>
/// <param name="Schedule">The learning-rate schedule's state; null without a schedule.</param>
/// <param name="Run">The run's position and metrics, a snapshot (<see cref="TrainingRun.Snapshot"/>).</param>
internal sealed record TrainingState(
    IReadOnlyList<ParameterInfo> ParameterLayout,
    float[] Parameters,
    (uint, uint, uint, uint)? TrainingRandom,
    float[]? CarriedState,
    OptimizerState Optimizer,
    LearningRateScheduleState? Schedule,
    TrainingRun Run)
{
    /// <summary>The model's class, for readers of the file (not checked when loading).</summary>
    public required string ModelType { get; init; }

    /// <summary>The loss's <see cref="ILoss.Name"/>, for readers of the file (not checked when loading).</summary>
    public required string LossName { get; init; }

    /// <summary>Whether the run measures accuracy (a loss on class indices): the history then has accuracy columns.</summary>
    public required bool Accuracy { get; init; }

    /// <summary>The batch size: a position in an epoch means nothing with another one.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Whether the epochs' orders are shuffled.</summary>
    public required bool Shuffle { get; init; }

    /// <summary>The number of shards each batch is cut into (<see cref="TrainerOptions.Parallelism"/>).</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>
    /// The training generators of replicas 1 … <see cref="Parallelism"/> − 1, once seeded; null otherwise (they are then
    /// seeded from the model's at the next parallel batch).
    /// </summary>
    public (uint, uint, uint, uint)[]? ReplicaRandoms { get; init; }
}
