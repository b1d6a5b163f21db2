using System;
using System.Collections.Generic;
using Rnn.Gen.Data;

namespace Rnn.Gen.Training;

/// <summary>
/// The position of a training run and its metrics so far: everything a <see cref="Trainer"/> keeps from one batch to
/// the next besides the model, the optimizer and the schedule, which hold their own state. A checkpoint saves it as
/// part of a <see cref="TrainingState"/>.
/// </summary>
internal sealed class TrainingRun
{
    /// <summary>The running totals of the current epoch (a field: the loop adds into it in place).</summary>
    public EpochTotals Epoch;

    /// <summary>Epochs finished.</summary>
    public int EpochsCompleted { get; set; }

    /// <summary>Batches done in the current epoch; 0 between epochs.</summary>
    public int BatchesDone { get; set; }

    /// <summary>Batches done in the whole run, skipped ones included.</summary>
    public long BatchesCompleted { get; set; }

    /// <summary>Batches of the whole run whose optimizer step was skipped because of non-finite values.</summary>
    public long SkippedBatches { get; set; }

    /// <summary>Epochs of the whole run whose validation loss was not finite.</summary>
    public int SkippedValidations { get; set; }

    /// <summary>The run's first skipped batch or non-finite validation loss; null while there has been none.</summary>
    public NonFiniteReport? FirstNonFinite { get; set; }

    /// <summary>How the run ended, once it has; null while it can go on (a cancelled run can).</summary>
    public StopReason? Finished { get; set; }

    /// <summary>The sampler of the epochs' orders, built by the first <c>Fit</c> (it needs the training set's size).</summary>
    public MiniBatchSampler? Sampler { get; set; }

    /// <summary>The sampler's order and generator while there is no <see cref="Sampler"/> (from a checkpoint; in a snapshot).</summary>
    public SamplerState? SamplerState { get; set; }

    /// <summary>What the run trains on, set by the first <c>Fit</c>; later calls must give the same data.</summary>
    public DataFingerprint? Data { get; set; }

    /// <summary>Early stopping's best value, best epoch, patience count and best weights, when early stopping is on.</summary>
    public EarlyStoppingState? EarlyStopping { get; set; }

    /// <summary>The metrics of every finished epoch.</summary>
    public List<EpochMetrics> History { get; } = new();

    /// <summary>The global gradient norm of the last batch before clipping; NaN before the first (not saved).</summary>
    public float LastGradientNorm { get; set; } = float.NaN;

    /// <summary>The learning rate of the last batch (not saved).</summary>
    public float LastLearningRate { get; set; }

    /// <summary>
    /// A copy of the saved part of the run, with the sampler's state taken from it: what a checkpoint writes. The
    /// copy shares nothing mutable with this run.
    /// </summary>
    public TrainingRun Snapshot()
    {
        var copy = new TrainingRun
        {
            Epoch = Epoch,
            EpochsCompleted = EpochsCompleted,
            BatchesDone = BatchesDone,
            BatchesCompleted = BatchesCompleted,
            SkippedBatches = SkippedBatches,
            SkippedValidations = SkippedValidations,
            FirstNonFinite = FirstNonFinite,
            Finished = Finished,
            SamplerState = Sampler is MiniBatchSampler sampler
                ? new SamplerState(sampler.Order.ToArray(), sampler.RandomState)
                : SamplerState,
            Data = Data,
            EarlyStopping = EarlyStopping?.Copy(),
        };
        copy.History.AddRange(History);
        return copy;
    }
}

/// <summary>The running totals of the current epoch.</summary>
internal struct EpochTotals
{
    public double LossSum;
    public long Samples;
    public long Correct;
    public long Positions;
    public int Skipped;

    public readonly double MeanLoss => Samples == 0 ? double.NaN : LossSum / Samples;
}

/// <summary>A sampler's order and generator state: the position in the current epoch's order and the next epochs'.</summary>
internal readonly record struct SamplerState(int[] Order, (uint, uint, uint, uint) RandomState);

/// <summary>What identifies the data of a run: sample counts and content hashes of the training and validation sets.</summary>
internal readonly record struct DataFingerprint(int TrainingCount, ulong TrainingHash, int ValidationCount, ulong ValidationHash)
{
    public string Describe() =>
        $"{TrainingCount} training samples (hash {TrainingHash:x16}), " +
        (ValidationCount == 0 ? "no validation set" : $"{ValidationCount} validation samples (hash {ValidationHash:x16})");
}
