using System;
using System.Numerics.Tensors;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Training;

// Data-parallel training (TrainerOptions.Parallelism): each batch is cut into a fixed number of contiguous shards,
// shard k trains in model k (0 is the trained model, the others replicas), and the shard gradients are added into the
// trained model's in shard order. Every value that reaches the optimizer is computed by the same operations in the same
// order whichever thread runs a shard, so the result depends on the number of shards alone.
public sealed partial class Trainer : IDisposable
{
    private readonly ShardJob _job;
    private ShardWorkers? _workers;
    private bool _disposed;

    // The job of the current parallel run, read by the shards: set before it, cleared after it.
    private JobKind _jobKind;
    private Dataset? _jobData;
    private int[] _jobIndices = [];
    private int _jobCount;
    private float _jobScale;
    private float[] _sampleLosses = []; // each sample's loss, summed in sample order once the shards are done

    // Whether the replicas' training generators have been seeded from the trained model's (or restored from a checkpoint).
    private bool _replicaRandomsSeeded;

    private enum JobKind
    {
        Train,
        Evaluate,
    }

    /// <summary>
    /// Threads that run the shards, the calling thread included: <c>min(Parallelism, Environment.ProcessorCount)</c>
    /// unless a test sets it (1 runs every shard on the calling thread, in order) before the first parallel run.
    /// </summary>
    internal int ShardThreads { get; set; }

    /// <summary>Worker threads started and not yet ended (a test seam).</summary>
    internal int RunningWorkerThreads => _workers?.RunningWorkers ?? 0;

    /// <summary>Replica <paramref name="shard"/> (1 … Parallelism − 1), the model of that shard (a test seam).</summary>
    internal IRnnModel Replica(int shard) => _shards[shard].Model;

    /// <summary>
    /// Ends the worker threads of data-parallel training (<see cref="TrainerOptions.Parallelism"/> above 1); the
    /// trainer cannot train or evaluate after that. The model, the optimizer and the checkpoints are unaffected. A
    /// trainer that is not disposed ends its threads when it is garbage-collected; they are background threads, so
    /// they never keep a process alive.
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        _workers?.Dispose();
    }

    private static Shard[] CreateShards(IRnnModel model, TrainerOptions options)
    {
        int outputLength = model.OutputSteps * model.OutputSize;
        var shards = new Shard[options.Parallelism];
        shards[0] = new Shard(model, outputLength);
        if (shards.Length == 1)
        {
            return shards;
        }

        string type = model.GetType().Name;
        if (!model.CarriedState.IsEmpty)
        {
            throw new ArgumentException(
                $"{type} is stateful: it carries its recurrent state from one window to the next in one model, so its batches cannot be split over replicas. " +
                $"Train it with TrainerOptions.Parallelism = 1 (it is {options.Parallelism}).",
                nameof(options));
        }

        if (options.ReplicaFactory is not Func<IRnnModel> factory)
        {
            throw new ArgumentException(
                $"TrainerOptions.Parallelism = {options.Parallelism} trains {options.Parallelism - 1} replica(s) of the model beside it: set TrainerOptions.ReplicaFactory " +
                $"to a function that returns a new {type} (for example () => new {type}()).",
                nameof(options));
        }

        for (int k = 1; k < shards.Length; k++)
        {
            IRnnModel replica = factory()
                ?? throw new ArgumentException($"TrainerOptions.ReplicaFactory returned null; it must return a new {type} at each call.", nameof(options));
            if (ReferenceEquals(replica, model))
            {
                throw new ArgumentException(
                    $"TrainerOptions.ReplicaFactory returned the trained model itself; it must return a new {type} at each call (each replica trains its own shard, on its own thread).",
                    nameof(options));
            }

            for (int j = 1; j < k; j++)
            {
                if (ReferenceEquals(replica, shards[j].Model))
                {
                    throw new ArgumentException(
                        $"TrainerOptions.ReplicaFactory returned the same {type} instance for replicas {j} and {k}; it must return a new one at each call.",
                        nameof(options));
                }
            }

            if (replica.GetType() != model.GetType())
            {
                throw new ArgumentException(
                    $"TrainerOptions.ReplicaFactory returned a {replica.GetType().Name}; the replicas must be instances of the trained model's class, {type}.",
                    nameof(options));
            }

            if (replica.ParameterCount != model.ParameterCount || replica.Parameters.Length != model.ParameterCount || replica.Gradients.Length != model.ParameterCount)
            {
                throw new ArgumentException(
                    $"TrainerOptions.ReplicaFactory returned a {type} with {replica.ParameterCount} parameters ({replica.Parameters.Length} in Parameters, " +
                    $"{replica.Gradients.Length} in Gradients); the trained model has {model.ParameterCount}.",
                    nameof(options));
            }

            shards[k] = new Shard(replica, outputLength);
        }

        return shards;
    }

    /// <summary>One batch over the shards: shard k's samples into model k's gradients, then all of them into the trained model's.</summary>
    private (double LossSum, int Correct, long Positions) TrainShards(Dataset data, ReadOnlySpan<int> indices, float scale)
    {
        int count = indices.Length;
        if (_jobIndices.Length < count)
        {
            _jobIndices = new int[Math.Max(count, _options.BatchSize)];
        }

        indices.CopyTo(_jobIndices);
        SeedReplicaRandoms();
        RunJob(JobKind.Train, data, count, scale);

        // The reduction, in shard order whatever thread ran which shard: shard 0's gradients are the trained model's own.
        Span<float> gradients = _model.Gradients;
        for (int k = 1; k < _shards.Length; k++)
        {
            if (ShardLength(k, count) > 0)
            {
                TensorPrimitives.Add(gradients, _shards[k].Model.Gradients, gradients);
            }
        }

        (double lossSum, long correct, long positions) = Totals(count);
        return (lossSum, (int)correct, positions);
    }

    /// <summary>Inference on every sample of <paramref name="data"/> over the shards, with a single model's totals.</summary>
    private (double LossSum, long Correct, long Positions) EvaluateShards(Dataset data)
    {
        RunJob(JobKind.Evaluate, data, data.Count, 0f);
        return Totals(data.Count);
    }

    private void RunJob(JobKind kind, Dataset data, int count, float scale)
    {
        if (_sampleLosses.Length < count)
        {
            _sampleLosses = new float[Math.Max(count, _options.BatchSize)];
        }

        // Every job starts from the trained model's parameters, whatever changed them since (the optimizer, a
        // checkpoint, early stopping's restore, the user). Copied here, so that during the job each thread touches
        // its own shard's model alone.
        Span<float> parameters = _model.Parameters;
        for (int k = 1; k < _shards.Length; k++)
        {
            if (ShardLength(k, count) > 0)
            {
                parameters.CopyTo(_shards[k].Model.Parameters);
            }
        }

        _jobKind = kind;
        _jobData = data;
        _jobCount = count;
        _jobScale = scale;
        try
        {
            int threads = Math.Min(ShardThreads, _shards.Length);
            if (threads <= 1)
            {
                for (int k = 0; k < _shards.Length; k++)
                {
                    RunShard(k);
                }
            }
            else
            {
                _workers ??= new ShardWorkers(threads);
                _workers.Run(_job, _shards.Length);
            }
        }
        finally
        {
            _jobData = null;
        }
    }

    /// <summary>
    /// The loss summed sample by sample in order, as one model's loop sums it (so it does not depend on the number of
    /// shards), and the shards' counts.
    /// </summary>
    private (double LossSum, long Correct, long Positions) Totals(int count)
    {
        double lossSum = 0;
        foreach (float loss in _sampleLosses.AsSpan(0, count))
        {
            lossSum += loss;
        }

        long correct = 0, positions = 0;
        foreach (Shard shard in _shards)
        {
            correct += shard.Correct;
            positions += shard.Positions;
        }

        return (lossSum, correct, positions);
    }

    /// <summary>
    /// The first sample of the last job (a batch, or an evaluation) whose loss was not finite, as its index in the job's
    /// dataset and its loss; null when every loss was finite. The shards hold contiguous runs of the job's samples in
    /// order, so the first shard that saw one holds the first.
    /// </summary>
    private (int Index, float Loss)? FirstNonFiniteSample()
    {
        foreach (Shard shard in _shards)
        {
            if (shard.FirstNonFinite >= 0)
            {
                return (shard.FirstNonFinite, shard.FirstNonFiniteLoss);
            }
        }

        return null;
    }

    /// <summary>Runs shard <paramref name="k"/> of the current job; on any thread, beside the other shards.</summary>
    private void RunShard(int k)
    {
        Shard shard = _shards[k];
        shard.Clear();
        int start = ShardStart(k, _jobCount);
        int length = ShardLength(k, _jobCount);
        if (length == 0 && k > 0)
        {
            return; // an empty shard: not added in the reduction
        }

        Dataset data = _jobData!;
        Span<float> losses = _sampleLosses.AsSpan(start, length);
        if (_jobKind == JobKind.Train)
        {
            shard.Model.ZeroGradients();
            TrainSamples(shard, data, _jobIndices.AsSpan(start, length), _jobScale, losses);
        }
        else
        {
            EvaluateSamples(shard, data, start, length, losses);
        }
    }

    // Contiguous shards of `count` samples; the first `count mod shards` get one more, so a small batch stays on the
    // calling thread's shard 0 first.
    private int ShardStart(int k, int count) => (k * (count / _shards.Length)) + Math.Min(k, count % _shards.Length);

    private int ShardLength(int k, int count) => (count / _shards.Length) + (k < count % _shards.Length ? 1 : 0);

    /// <summary>
    /// Seeds replica k's training generator (dropout, noise) from the trained model's current state and k, once: the
    /// first time the trainer trains in parallel, unless a checkpoint restored them. The trained model's own generator
    /// is only read, so shard 0 draws as a single model would.
    /// </summary>
    private void SeedReplicaRandoms()
    {
        if (_replicaRandomsSeeded)
        {
            return;
        }

        if (_model.TrainingRandom is SeededRandom main)
        {
            (uint a, uint b, uint c, uint d) = main.State;
            ulong first = a | ((ulong)b << 32), second = c | ((ulong)d << 32);
            for (int k = 1; k < _shards.Length; k++)
            {
                ulong seed = first ^ ((second << 23) | (second >> 41)) ^ unchecked((ulong)k * 0x9E3779B97F4A7C15UL);
                _shards[k].Model.TrainingRandom?.Reseed(unchecked((long)seed));
            }
        }

        _replicaRandomsSeeded = true;
    }

    /// <summary>A model and what one thread needs to train or evaluate samples in it: its output buffers and totals.</summary>
    private sealed class Shard(IRnnModel model, int outputLength)
    {
        public IRnnModel Model { get; } = model;

        public float[] Output { get; } = new float[outputLength];

        public float[] OutputGradient { get; } = new float[outputLength];

        /// <summary>Teacher forcing on class indices: the one-hot targets as the decoder's inputs.</summary>
        public float[] Teacher { get; } = new float[outputLength];

        /// <summary>The batch path's gathered inputs, outputs, output gradients and lengths (grown to the largest batch seen).</summary>
        public float[] BatchInputs { get; private set; } = [];

        public float[] BatchOutputs { get; private set; } = [];

        public float[] BatchGradients { get; private set; } = [];

        public int[] BatchLengths { get; private set; } = [];

        public double LossSum;
        public long Correct;
        public long Positions;

        /// <summary>The dataset index of the first sample of the shard's job whose loss was not finite; −1 when none was.</summary>
        public int FirstNonFinite = -1;

        /// <summary>That sample's loss (NaN or ±∞).</summary>
        public float FirstNonFiniteLoss;

        /// <summary>Adds a sample's loss to the totals, noting the first that is not finite.</summary>
        public void AddLoss(int index, float loss)
        {
            LossSum += loss;
            if (!float.IsFinite(loss) && FirstNonFinite < 0)
            {
                FirstNonFinite = index;
                FirstNonFiniteLoss = loss;
            }
        }

        /// <summary>Grows the batch buffers (and the model's batch workspace) to <paramref name="count"/> samples; allocates only beyond the largest batch so far.</summary>
        public void ReserveBatch(int count, int inputLength)
        {
            if (BatchLengths.Length >= count)
            {
                return;
            }

            if (Model is IRnnDecoderBatchModel decoder)
            {
                decoder.ReserveBatch(count);
            }
            else
            {
                ((IRnnBatchModel)Model).ReserveBatch(count);
            }
            BatchInputs = new float[(long)count * inputLength];
            BatchOutputs = new float[(long)count * Output.Length];
            BatchGradients = new float[(long)count * Output.Length];
            BatchLengths = new int[count];
        }

        public void Clear()
        {
            LossSum = 0;
            Correct = 0;
            Positions = 0;
            FirstNonFinite = -1;
        }
    }

    /// <summary>The worker pool's view of the trainer; the pool holds it only while a job runs.</summary>
    private sealed class ShardJob(Trainer trainer) : IShardWork
    {
        public void RunShard(int shard) => trainer.RunShard(shard);
    }
}
