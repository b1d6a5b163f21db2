using System;
using System.Collections.Generic;

namespace Rnn.Gen.Training;

/// <summary>Which moment a <see cref="TrainingProgress"/> report describes.</summary>
public enum TrainingPhase
{
    /// <summary>A batch has been trained (or skipped).</summary>
    Batch,

    /// <summary>An epoch has ended; the validation metrics are set when there is a validation set.</summary>
    Epoch,
}

/// <summary>Why <see cref="Trainer.Fit(Data.Dataset, IProgress{TrainingProgress}?, System.Threading.CancellationToken)"/> returned.</summary>
public enum StopReason
{
    /// <summary>Every epoch was trained.</summary>
    Completed,

    /// <summary><see cref="EarlyStopping"/> ended the run.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; the run stopped between two batches and can resume.</summary>
    Cancelled,

    /// <summary>A batch had a non-finite loss or gradient and <see cref="NonFiniteGradientPolicy.Stop"/> was set.</summary>
    NonFiniteGradients,

    /// <summary>
    /// An epoch's validation loss was not finite and <see cref="NonFiniteGradientPolicy.Stop"/> was set; the run stopped
    /// after that epoch (<see cref="TrainingResult.FirstNonFinite"/> names the validation sample).
    /// </summary>
    NonFiniteValidationLoss,
}

/// <summary>Where the <see cref="Trainer"/> met a non-finite value (see <see cref="NonFiniteReport"/>).</summary>
public enum NonFiniteSource
{
    /// <summary>A training batch: its loss or its averaged gradients; its optimizer step was not taken.</summary>
    TrainingBatch,

    /// <summary>The validation set at the end of an epoch: its loss; early stopping and the schedule ignored it.</summary>
    Validation,
}

/// <summary>
/// The first non-finite value (NaN or ±∞) of a run: where it was, and the first sample whose loss was not finite.
/// <see cref="Message"/> says it in words, with what to do.
/// </summary>
/// <param name="Source">A training batch or the validation set.</param>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="Batch">The batch in its epoch, 1-based; 0 for the validation set.</param>
/// <param name="SampleIndex">
/// The first sample (in batch order) whose loss was not finite, as its index in the dataset given to <c>Fit</c>: the
/// shuffled order mapped back, and with <see cref="TrainerOptions.ValidationSplit"/> the index before the split. Null
/// when every sample's loss was finite and only the averaged gradients were not.
/// </param>
/// <param name="Value">That sample's loss; without a sample, the gradients' global norm.</param>
public sealed record NonFiniteReport(NonFiniteSource Source, int Epoch, int Batch, int? SampleIndex, double Value)
{
    /// <summary>The report in words: where, which sample, and what to check.</summary>
    public string Message => (Source, SampleIndex) switch
    {
        (NonFiniteSource.Validation, int sample) =>
            $"Epoch {Epoch}: the loss of validation sample {sample} is {Value}, so the validation loss is not finite; " +
            "check that sample's inputs and targets for NaN or infinity.",
        (NonFiniteSource.Validation, null) =>
            $"Epoch {Epoch}: the validation loss is {Value}; check the validation samples for NaN or infinity.",
        (_, int sample) =>
            $"Epoch {Epoch}, batch {Batch}: the loss of training sample {sample} is {Value}, so the batch's step was not taken; " +
            "check that sample's inputs and targets for NaN or infinity.",
        _ =>
            $"Epoch {Epoch}, batch {Batch}: every sample's loss is finite but the averaged gradients are not (global norm {Value}), so the batch's step " +
            "was not taken; lower the learning rate, or clip with TrainerOptions.ClipValue.",
    };
}

/// <summary>
/// A progress report of the <see cref="Trainer"/>, after each batch and at the end of each epoch. A value type, so
/// reporting allocates nothing on the trainer's side.
/// </summary>
/// <param name="Phase">Whether a batch or an epoch has just ended.</param>
/// <param name="Epoch">The current epoch, 1-based.</param>
/// <param name="Epochs">The run's total number of epochs.</param>
/// <param name="Batch">Batches done in this epoch (equal to <paramref name="Batches"/> at the end of an epoch).</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="BatchesCompleted">Batches done in the whole run, skipped ones included: the optimizer steps tried.</param>
/// <param name="SkippedBatches">Batches of the whole run whose optimizer step was skipped because of non-finite values.</param>
/// <param name="TrainingLoss">The mean sample loss of this epoch so far (skipped batches excluded).</param>
/// <param name="TrainingAccuracy">The training accuracy of this epoch so far, for classifiers.</param>
/// <param name="ValidationLoss">The validation loss, at the end of an epoch with a validation set.</param>
/// <param name="ValidationAccuracy">The validation accuracy, at the end of an epoch with a validation set, for classifiers.</param>
/// <param name="LearningRate">The learning rate of the last step (before a schedule changed it for the next one).</param>
/// <param name="GradientNorm">The global L2 norm of the last batch's averaged gradients before clipping.</param>
public readonly record struct TrainingProgress(
    TrainingPhase Phase,
    int Epoch,
    int Epochs,
    int Batch,
    int Batches,
    long BatchesCompleted,
    long SkippedBatches,
    double TrainingLoss,
    double? TrainingAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    float LearningRate,
    float GradientNorm);

/// <summary>The metrics of one finished epoch.</summary>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="TrainingLoss">
/// The mean sample loss over the epoch's trained batches, each batch's regularization penalty included (as Keras
/// reports it); the validation loss has no penalty.
/// </param>
/// <param name="TrainingAccuracy">The fraction of output steps whose largest logit was the target class, for classifiers.</param>
/// <param name="ValidationLoss">The mean sample loss on the validation set after the epoch, when there is one.</param>
/// <param name="ValidationAccuracy">The validation accuracy, for classifiers with a validation set.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="SkippedBatches">Batches of the epoch whose optimizer step was skipped because of non-finite values.</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainingLoss,
    double? TrainingAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    float LearningRate,
    int SkippedBatches);

/// <summary>The loss (and accuracy, for classifiers) of a model on a dataset.</summary>
/// <param name="Loss">The mean sample loss.</param>
/// <param name="Accuracy">The fraction of output steps whose largest output was the target class, for class-index datasets.</param>
public readonly record struct Evaluation(double Loss, double? Accuracy);

/// <summary>What one <see cref="Trainer.TrainOnBatch"/> did.</summary>
/// <param name="Loss">The mean sample loss of the batch before the step, plus the model's regularization penalty.</param>
/// <param name="GradientNorm">The global L2 norm of the averaged gradients before clipping (not finite when the step was skipped).</param>
/// <param name="Skipped">Whether the step was not taken because the loss or a gradient was not finite.</param>
/// <param name="Correct">Output steps whose largest logit was the target class (classifiers; 0 otherwise).</param>
public readonly record struct BatchResult(double Loss, float GradientNorm, bool Skipped, int Correct);

/// <summary>The outcome of a training run.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(StopReason reason, int epochsCompleted, long batchesCompleted, long skippedBatches,
        IReadOnlyList<EpochMetrics> history, int? bestEpoch, double? bestValue, bool restoredBestWeights, TimeSpan elapsed,
        int skippedValidations = 0, NonFiniteReport? firstNonFinite = null, string? resumedFrom = null)
    {
        SkippedValidations = skippedValidations;
        FirstNonFinite = firstNonFinite;
        ResumedFrom = resumedFrom;
        StopReason = reason;
        EpochsCompleted = epochsCompleted;
        BatchesCompleted = batchesCompleted;
        SkippedBatches = skippedBatches;
        History = history;
        BestEpoch = bestEpoch;
        BestValue = bestValue;
        RestoredBestWeights = restoredBestWeights;
        Elapsed = elapsed;
    }

    /// <summary>Why training stopped.</summary>
    public StopReason StopReason { get; }

    /// <summary>Epochs finished in the whole run (a resumed run counts the epochs before the checkpoint).</summary>
    public int EpochsCompleted { get; }

    /// <summary>Batches done in the whole run, skipped ones included: the optimizer steps tried (a resumed run counts those before the checkpoint).</summary>
    public long BatchesCompleted { get; }

    /// <summary>Batches of the whole run whose optimizer step was skipped because of non-finite values.</summary>
    public long SkippedBatches { get; }

    /// <summary>The metrics of every finished epoch of the run, first epoch first.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>
    /// Epochs of the whole run whose validation loss was not finite. Their metrics keep the value (in
    /// <see cref="EpochMetrics.ValidationLoss"/>), but early stopping and the learning-rate schedule ignored them.
    /// </summary>
    public int SkippedValidations { get; }

    /// <summary>
    /// The run's first skipped batch or non-finite validation loss, with the first offending sample; null when every
    /// value was finite. A run with <see cref="SkippedBatches"/> or <see cref="SkippedValidations"/> above 0 has one.
    /// </summary>
    public NonFiniteReport? FirstNonFinite { get; }

    /// <summary>
    /// The checkpoint this call resumed from (<see cref="TrainerOptions.CheckpointPath"/>, with
    /// <see cref="TrainerOptions.ResumeFromCheckpoint"/>); null when it did not resume from one.
    /// </summary>
    public string? ResumedFrom { get; }

    /// <summary>The best epoch by the early-stopping metric, when early stopping is on and an epoch was watched.</summary>
    public int? BestEpoch { get; }

    /// <summary>The early-stopping metric at <see cref="BestEpoch"/>.</summary>
    public double? BestValue { get; }

    /// <summary>Whether the model now holds the parameters of <see cref="BestEpoch"/> rather than of the last step.</summary>
    public bool RestoredBestWeights { get; }

    /// <summary>Wall time of this call (not of the epochs before a checkpoint).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The metrics of the last finished epoch, or null when none finished.</summary>
    public EpochMetrics? Last => History.Count > 0 ? History[^1] : null;
}
