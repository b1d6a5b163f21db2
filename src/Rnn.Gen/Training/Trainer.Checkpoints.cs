using System;
using System.Collections.Generic;
using System.IO;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Serialization;
using Rnn.Gen.Training.Schedules;

namespace Rnn.Gen.Training;

// Checkpoints: the trainer captures its whole state as a TrainingState and restores one; CheckpointFile
// (Serialization) writes it as a safetensors file and reads it back, checked against this trainer.
public sealed partial class Trainer
{
    /// <summary>A test seam: sees the tensors of a checkpoint just before they are written.</summary>
    internal Action<List<SafeTensorsEntry>>? CheckpointEntriesWriting { get; set; }

    /// <summary>
    /// Writes the run's whole state at <paramref name="path"/>, atomically: the model's parameters, the optimizer's
    /// state, the position in the run (epoch, batch, the shuffling generator and the epoch's order), the metrics so
    /// far and early stopping's best. A failure leaves the previous file at <paramref name="path"/> as it was; an I/O
    /// error names <paramref name="path"/>. Temporary files that an earlier write killed midway left next to it are
    /// removed. The file records the SHA-256 of its data, which loading verifies.
    /// </summary>
    public void SaveCheckpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckpointFile.Write(path, CaptureState(), CheckpointEntriesWriting);
    }

    /// <summary>Writes the run's whole state to <paramref name="stream"/>; see <see cref="SaveCheckpoint(string)"/>.</summary>
    public void SaveCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckpointFile.Write(stream, CaptureState(), CheckpointEntriesWriting);
    }

    /// <summary>
    /// Restores a run from a checkpoint written by <see cref="SaveCheckpoint(string)"/>: the model's parameters, the
    /// optimizer's state and the run's position, so that the next
    /// <see cref="Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, System.Threading.CancellationToken)"/>, given the
    /// same data, continues exactly as the saved run would have. Either everything is restored or nothing is.
    /// A data-parallel run (<see cref="TrainerOptions.Parallelism"/>) continues exactly with the same parallelism (the
    /// checkpoint holds its replicas' dropout and noise generators); another parallelism continues the run from the
    /// same position, the same training up to float rounding.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid checkpoint, its data is corrupted (the SHA-256 it records does not match), or it does
    /// not match this trainer (the model's parameter layout, the
    /// optimizer's kind and size, the batch size, shuffling or early stopping); nothing was changed. The message
    /// starts with <paramref name="path"/>.
    /// </exception>
    public void LoadCheckpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            Restore(CheckpointFile.Read(stream, _model, _options));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Restores a run from a checkpoint stream; see <see cref="LoadCheckpoint(string)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a valid checkpoint or does not match this trainer; nothing was changed.</exception>
    public void LoadCheckpoint(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Restore(CheckpointFile.Read(stream, _model, _options));
    }

    /// <summary>
    /// Fit's resume from <see cref="TrainerOptions.CheckpointPath"/>: <see cref="LoadCheckpoint(string)"/>, with a
    /// message that says how to start over when the file does not fit this trainer.
    /// </summary>
    private void ResumeFrom(string path)
    {
        try
        {
            LoadCheckpoint(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException(
                $"{e.Message} TrainerOptions.CheckpointPath names this checkpoint and ResumeFromCheckpoint is on, so Fit resumes from it, but it cannot: " +
                "to train from scratch and overwrite it set ResumeFromCheckpoint = false, or choose another CheckpointPath (or move the file away).", e);
        }

        _resumedFrom = path;
    }

    /// <summary>The whole state of the run now: copies of the model's, the optimizer's, the schedule's and the run's.</summary>
    private TrainingState CaptureState()
    {
        (uint, uint, uint, uint)[]? replicaRandoms = null;
        if (_replicaRandomsSeeded && _shards.Length > 1 && _model.TrainingRandom is not null)
        {
            replicaRandoms = new (uint, uint, uint, uint)[_shards.Length - 1];
            for (int k = 1; k < _shards.Length; k++)
            {
                replicaRandoms[k - 1] = _shards[k].Model.TrainingRandom!.State;
            }
        }

        return new TrainingState(
            _model.ParameterLayout,
            _model.Parameters.ToArray(),
            _model.TrainingRandom?.State,
            _model.CarriedState.IsEmpty ? null : _model.CarriedState.ToArray(),
            _optimizer.GetState(),
            _options.Schedule?.GetState(),
            _run.Snapshot())
        {
            ModelType = _model.GetType().FullName ?? _model.GetType().Name,
            LossName = _loss.Name,
            Accuracy = _loss.Targets == TargetKind.ClassIndices,
            BatchSize = _options.BatchSize,
            Shuffle = _options.Shuffle,
            Parallelism = _shards.Length,
            ReplicaRandoms = replicaRandoms,
        };
    }

    /// <summary>
    /// Applies a state read from a checkpoint (and checked against this trainer). The optimizer and the schedule check
    /// their states themselves, so they go first; when the schedule refuses, the optimizer gets its previous state back.
    /// </summary>
    private void Restore(TrainingState state)
    {
        OptimizerState previous = _optimizer.GetState();
        try
        {
            _optimizer.SetState(state.Optimizer);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The checkpoint's optimizer state does not fit this optimizer: {e.Message}", e);
        }

        if (state.Schedule is LearningRateScheduleState schedule)
        {
            try
            {
                _options.Schedule!.SetState(schedule);
            }
            catch (ArgumentException e)
            {
                _optimizer.SetState(previous);
                throw new InvalidDataException($"The checkpoint's schedule state does not fit this schedule: {e.Message}", e);
            }
        }

        state.Parameters.CopyTo(_model.Parameters);
        if (state.TrainingRandom is { } trainingRandom)
        {
            _model.TrainingRandom!.SetState(trainingRandom);
        }

        state.CarriedState?.CopyTo(_model.CarriedState);

        // The replicas' parameters follow the model's at the next batch; their generators come from the checkpoint
        // (when it was written with this parallelism), or are seeded from the model's restored one as in a run that had
        // not trained in parallel yet.
        _replicaRandomsSeeded = state.ReplicaRandoms is not null;
        if (state.ReplicaRandoms is { } replicaRandoms)
        {
            for (int k = 1; k < _shards.Length; k++)
            {
                _shards[k].Model.TrainingRandom!.SetState(replicaRandoms[k - 1]);
            }
        }

        _run = state.Run;
        _fresh = false;
    }
}
