using System;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Rnn.Gen.Benchmarks.Peers;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// Workloads (c) and (d): one training step of LSTM(8 → 64) + Dense(1) over 50 steps, batch 32, MSE, global-norm
/// clipping (1.0), Adam (lr 1e-3). Each invocation is one optimizer step; the parameters go on changing.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Training)]
public class TrainingBenchmarks
{
    private const int Seed = 1;
    private TrainingBatch _data = null!;
    private RnnGenTrainer? _trainer;
    private PlainLstmRegressor? _plain;
    private Adam? _plainAdam;
    private TorchTrainer? _torch;
    private readonly float[] _out = new float[1], _dOut = new float[1];

    /// <summary>
    /// The check of workload (d): three steps on two cores give parameters bit-identical to three steps on one core from
    /// the same seed. Also checks the plain C# peer's gradients against the generated model's.
    /// </summary>
    public static string VerifyDeterminism()
    {
        var data = new TrainingBatch(Seed);
        using var one = new RnnGenTrainer(Seed, data, twoCores: false);
        using var two = new RnnGenTrainer(Seed, data, twoCores: true);
        using var loop = new RnnGenTrainer(Seed, data, twoCores: false);
        for (int step = 0; step < 3; step++)
        {
            float l1 = one.StepOneCore(), l2 = two.StepTwoCores();
            loop.StepSequentialLoop();
            if (BitConverter.SingleToInt32Bits(l1) != BitConverter.SingleToInt32Bits(l2))
            {
                throw new InvalidOperationException($"Training step {step}: loss {l2:R} on two cores, {l1:R} on one.");
            }

            Check.BitIdentical(one.Model.Parameters, two.Model.Parameters, $"parameters after training step {step + 1}, two cores against one");
            Check.BitIdentical(one.Model.Gradients, two.Model.Gradients, $"clipped gradients of training step {step + 1}, two cores against one");
        }

        float loopDifference = Check.MaxRelativeDifference(one.Model.Parameters, loop.Model.Parameters);
        return $"two cores = one core bit for bit after 3 steps ({one.Model.Parameters.Length} parameters); "
            + $"the single-loop summation order differs from the two-half one by at most {loopDifference:G3} (relative) after 3 steps";
    }

    /// <summary>
    /// (d) against (c) measured in alternation: rounds of a few steps on one core, then as many on two (each side's
    /// first step untimed), so that both
    /// sides of each ratio see the machine in the same state. This VM's speed drifts by up to a third over seconds, and
    /// BenchmarkDotNet measures (c) and (d) minutes apart, so the ratio of their medians mixes two machine states.
    /// Returns the median of the rounds' ratios and their 10th and 90th percentiles.
    /// </summary>
    public static PairedScaling MeasurePairedScaling(int rounds = 300, int stepsPerRound = 4)
    {
        var data = new TrainingBatch(Seed);
        using var one = new RnnGenTrainer(Seed, data, twoCores: false);
        using var two = new RnnGenTrainer(Seed, data, twoCores: true);
        for (int i = 0; i < 200; i++) // past tiered compilation: both paths reach their optimized code
        {
            one.StepOneCore();
            two.StepTwoCores();
        }

        var ratios = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            // Each side's first step is not timed: after the one-core steps the worker thread has stopped polling and
            // blocked (ShardWorkers.SpinTime), and waking it takes about a millisecond here, which a trainer pays once
            // per Fit, not per step.
            one.StepOneCore();
            long oneStart = Stopwatch.GetTimestamp();
            for (int i = 0; i < stepsPerRound; i++)
            {
                one.StepOneCore();
            }

            long oneEnd = Stopwatch.GetTimestamp();
            two.StepTwoCores();
            long twoStart = Stopwatch.GetTimestamp();
            for (int i = 0; i < stepsPerRound; i++)
            {
                two.StepTwoCores();
            }

            ratios[r] = (double)(oneEnd - oneStart) / (Stopwatch.GetTimestamp() - twoStart);
        }

        Array.Sort(ratios);
        return new PairedScaling(ratios[rounds / 2], ratios[rounds / 10], ratios[rounds * 9 / 10], rounds, stepsPerRound);
    }

    [GlobalSetup(Targets = [nameof(RnnGenOneCore), nameof(RnnGenSequentialLoop)])]
    public void SetupOneCore()
    {
        _data = new TrainingBatch(Seed);
        _trainer = new RnnGenTrainer(Seed, _data, twoCores: false);
    }

    [GlobalSetup(Target = nameof(RnnGenTwoCores))]
    public void SetupTwoCores()
    {
        VerifyDeterminism(); // throws when two cores and one core differ in a single bit
        _data = new TrainingBatch(Seed);
        _trainer = new RnnGenTrainer(Seed, _data, twoCores: true);
    }

    [GlobalSetup(Target = nameof(PlainCSharp))]
    public void SetupPlain()
    {
        _data = new TrainingBatch(Seed);
        using var reference = new RnnGenTrainer(Seed, _data, twoCores: false);
        var model = reference.Model;
        _plain = new PlainLstmRegressor(Workloads.TrainInput, Workloads.TrainHidden, 1, Workloads.TrainSteps);
        model.Parameters.CopyTo(_plain.Parameters);

        // Same first-batch gradients as the generated model's (before clipping).
        model.ZeroGradients();
        _plain.ZeroGradients();
        for (int s = 0; s < Workloads.TrainBatch; s++)
        {
            model.Forward(_data.Sample(s), _out);
            float expected = _out[0];
            Losses.MeanSquaredError(_out, _data.Targets.AsSpan(s, 1), _dOut);
            _dOut[0] /= Workloads.TrainBatch;
            model.Backward(_dOut);
            _plain.Forward(_data.Sample(s), _out);
            Check.Close([expected], _out, 1e-5f, $"plain C# training forward, sample {s}");
            _plain.Backward(_dOut);
        }

        Check.Close(model.Gradients, _plain.Gradients, 1e-5f, "plain C# training gradients");
        _plainAdam = new Adam(learningRate: 1e-3f);
    }

    [GlobalSetup(Target = nameof(LibTorchOneThread))]
    public void SetupLibTorchOneThread() => SetupLibTorch(1);

    [GlobalSetup(Target = nameof(LibTorchTwoThreads))]
    public void SetupLibTorchTwoThreads() => SetupLibTorch(2);

    private void SetupLibTorch(int threads)
    {
        _data = new TrainingBatch(Seed);
        using var reference = new RnnGenTrainer(Seed, _data, twoCores: false);
        TorchPeer.SetThreads(threads);
        _torch = new TorchTrainer(reference.Model, _data.Inputs, _data.Targets, Workloads.TrainBatch, Workloads.TrainSteps,
            Workloads.TrainInput, Workloads.TrainHidden);
        float expected = reference.StepSequentialLoop(), actual = _torch.Step();
        Check.Close([expected], [actual], 1e-4f, "libtorch first training loss");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer?.Dispose();
        _torch?.Dispose();
        TorchPeerThreadsReset();
    }

    private void TorchPeerThreadsReset()
    {
        if (_torch is not null)
        {
            TorchPeer.SetThreads(1);
        }
    }

    /// <summary>(c) on one core: the two-half reduction that (d) parallelizes.</summary>
    [Benchmark(Baseline = true)]
    public float RnnGenOneCore() => _trainer!.StepOneCore();

    /// <summary>(c) as README's loop: every sample into one Gradients buffer.</summary>
    [Benchmark]
    public float RnnGenSequentialLoop() => _trainer!.StepSequentialLoop();

    /// <summary>(d): the halves on two cores, bit-identical to <see cref="RnnGenOneCore"/>.</summary>
    [Benchmark]
    public float RnnGenTwoCores() => _trainer!.StepTwoCores();

    [Benchmark]
    public float PlainCSharp()
    {
        PlainLstmRegressor m = _plain!;
        m.ZeroGradients();
        float loss = 0;
        for (int s = 0; s < Workloads.TrainBatch; s++)
        {
            m.Forward(_data.Sample(s), _out);
            loss += Losses.MeanSquaredError(_out, _data.Targets.AsSpan(s, 1), _dOut);
            _dOut[0] /= Workloads.TrainBatch;
            m.Backward(_dOut);
        }

        GradientClipping.ClipByGlobalNorm(m.Gradients, maxNorm: 1f);
        _plainAdam!.Step(m.Parameters, m.Gradients);
        return loss / Workloads.TrainBatch;
    }

    [Benchmark]
    [BenchmarkCategory(Categories.LibTorch)]
    public float LibTorchOneThread() => _torch!.Step();

    [Benchmark]
    [BenchmarkCategory(Categories.LibTorch)]
    public float LibTorchTwoThreads() => _torch!.Step();
}

/// <summary>(d)'s throughput over (c)'s from steps run in alternation (<see cref="TrainingBenchmarks.MeasurePairedScaling"/>).</summary>
public readonly record struct PairedScaling(double Median, double P10, double P90, int Rounds, int StepsPerRound);
