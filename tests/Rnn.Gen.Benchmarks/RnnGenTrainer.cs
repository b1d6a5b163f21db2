using System;
using System.Numerics.Tensors;
using Rnn.Gen.Benchmarks.Models;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training;

namespace Rnn.Gen.Benchmarks;

/// <summary>One seeded batch of workload (c): inputs [B, T, I] uniform in [-1, 1], targets [B] a smooth function of them.</summary>
public sealed class TrainingBatch
{
    public TrainingBatch(int seed)
    {
        var random = new Random(seed);
        Inputs = new float[Workloads.TrainBatch * Workloads.TrainSteps * Workloads.TrainInput];
        Targets = new float[Workloads.TrainBatch];
        for (int i = 0; i < Inputs.Length; i++)
        {
            Inputs[i] = (float)(random.NextDouble() * 2 - 1);
        }

        int sample = Workloads.TrainSteps * Workloads.TrainInput;
        for (int b = 0; b < Workloads.TrainBatch; b++)
        {
            // the mean of the last step's features: learnable, bounded
            Targets[b] = TensorPrimitives.Sum(Inputs.AsSpan(b * sample + sample - Workloads.TrainInput, Workloads.TrainInput)) / Workloads.TrainInput;
        }
    }

    public float[] Inputs { get; }
    public float[] Targets { get; }

    public ReadOnlySpan<float> Sample(int b) =>
        Inputs.AsSpan(b * Workloads.TrainSteps * Workloads.TrainInput, Workloads.TrainSteps * Workloads.TrainInput);
}

/// <summary>
/// Workloads (c) and (d) with the generated model: the batch path (ForwardBatch of a half batch in lockstep, MSE per
/// sample, the loss gradients scaled by 1/B, BackwardBatch); then global-norm clipping (1.0) and an Adam step (lr 1e-3).
/// </summary>
/// <remarks>
/// The batch is reduced in two fixed halves, whatever the number of cores: half 0 accumulates into model A's
/// Gradients, half 1 into model B's, then A.Gradients += B.Gradients (element-wise, one rounding per element), clip and
/// Adam on A, and A's parameters are copied to B. <see cref="StepOneCore"/> runs both halves on the calling thread,
/// <see cref="StepTwoCores"/> runs them as two shards on the runtime's <see cref="ShardWorkers"/> (half 1 on its worker
/// thread, the one <c>Trainer.Fit</c> uses with <c>Parallelism = 2</c>): the same operations in the same order
/// on the same values, hence bit-identical parameters. <see cref="StepSequentialLoop"/> is the one-sample path, Forward and Backward for
/// each of the B samples into one Gradients buffer: what the batch path saves, with another summation order.
/// </remarks>
public sealed class RnnGenTrainer : IShardWork, IDisposable
{
    private const int Half = Workloads.TrainBatch / 2;
    private const float GradientScale = 1f / Workloads.TrainBatch;

    private readonly TrainingBatch _data;
    private readonly LstmTrain_I8_H64 _a = new(), _b = new();
    private readonly Adam _adam = new(learningRate: 1e-3f);
    private readonly float[] _outA = new float[Half], _dOutA = new float[Half], _outB = new float[Half], _dOutB = new float[Half];
    private readonly ShardWorkers? _workers;
    private double _lossA, _lossB;

    public RnnGenTrainer(int seed, TrainingBatch data, bool twoCores)
    {
        _data = data;
        _a.Initialize(seed);
        _a.Parameters.CopyTo(_b.Parameters);
        _a.ReserveBatch(Half);
        _b.ReserveBatch(Half);
        _workers = twoCores ? new ShardWorkers(threads: 2) : null;
    }

    public LstmTrain_I8_H64 Model => _a;

    /// <summary>Both halves on this thread; returns the batch loss (mean over the samples).</summary>
    public float StepOneCore()
    {
        RunShard(0);
        RunShard(1);
        return Reduce();
    }

    /// <summary>Half 1 on the worker thread while this thread runs half 0.</summary>
    public float StepTwoCores()
    {
        if (_workers is null)
        {
            throw new InvalidOperationException("Created without the worker thread.");
        }

        _workers.Run(this, shards: 2);
        return Reduce();
    }

    /// <summary>Half <paramref name="shard"/> of the batch into model A's (0) or B's (1) gradients.</summary>
    public void RunShard(int shard)
    {
        if (shard == 0)
        {
            _lossA = RunHalf(_a, 0, _outA, _dOutA);
        }
        else
        {
            _lossB = RunHalf(_b, Half, _outB, _dOutB);
        }
    }

    /// <summary>All samples into A's Gradients one at a time (Forward, Backward per sample), then clip and Adam.</summary>
    public float StepSequentialLoop()
    {
        LstmTrain_I8_H64 m = _a;
        m.ZeroGradients();
        double loss = 0;
        for (int s = 0; s < Workloads.TrainBatch; s++)
        {
            loss += Sample(m, s, _outA, _dOutA);
        }

        GradientClipping.ClipByGlobalNorm(m.Gradients, maxNorm: 1f);
        _adam.Step(m.Parameters, m.Gradients);
        m.Parameters.CopyTo(_b.Parameters);
        return (float)(loss / Workloads.TrainBatch);
    }

    private float Reduce()
    {
        TensorPrimitives.Add(_a.Gradients, _b.Gradients, _a.Gradients);
        GradientClipping.ClipByGlobalNorm(_a.Gradients, maxNorm: 1f);
        _adam.Step(_a.Parameters, _a.Gradients);
        _a.Parameters.CopyTo(_b.Parameters);
        return (float)((_lossA + _lossB) / Workloads.TrainBatch);
    }
    private double RunHalf(LstmTrain_I8_H64 m, int first, float[] output, float[] dOutput)
    {
        // The half's 16 samples through the batch path: one ForwardBatch, the MSE of each, one BackwardBatch.
        m.ZeroGradients();
        int sample = Workloads.TrainSteps * Workloads.TrainInput;
        m.ForwardBatch(_data.Inputs.AsSpan(first * sample, Half * sample), output);
        double loss = 0;
        for (int s = 0; s < Half; s++)
        {
            loss += Losses.MeanSquaredError(output.AsSpan(s, 1), _data.Targets.AsSpan(first + s, 1), dOutput.AsSpan(s, 1));
        }

        TensorPrimitives.Multiply(dOutput, GradientScale, dOutput);
        m.BackwardBatch(dOutput);
        return loss;
    }

    private float Sample(LstmTrain_I8_H64 m, int s, float[] output, float[] dOutput)
    {
        m.Forward(_data.Sample(s), output.AsSpan(0, 1));
        float loss = Losses.MeanSquaredError(output.AsSpan(0, 1), _data.Targets.AsSpan(s, 1), dOutput.AsSpan(0, 1));
        dOutput[0] *= GradientScale;
        m.Backward(dOutput.AsSpan(0, 1));
        return loss;
    }

    public void Dispose() => _workers?.Dispose();
}
