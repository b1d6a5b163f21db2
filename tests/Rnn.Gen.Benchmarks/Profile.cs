using System;
using System.Diagnostics;
using Rnn.Gen.Benchmarks.Models;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// <c>--profile</c>: a quick stopwatch breakdown for development (seconds, not minutes): where a training step of
/// workload (c) spends its time (Forward, Backward), one sequence of (b), and a few streaming sizes of (a). Each figure
/// is the best of several rounds after a warm-up past tiered JIT. Not the benchmark: RESULTS.md comes from run.sh.
/// </summary>
public static class Profile
{
    public static void Run()
    {
        var batch = new TrainingBatch(seed: 1);
        var train = new LstmTrain_I8_H64();
        train.Initialize(1);
        float[] output = new float[1], dOutput = [1f / Workloads.TrainBatch];
        Report("(c) Forward, one sample of 50 steps", () => train.Forward(batch.Sample(0), output), 1);
        Report("(c) Backward, one sample", () => train.Backward(dOutput), 1, before: () => train.Forward(batch.Sample(0), output));
        using (var trainer = new RnnGenTrainer(seed: 1, batch, twoCores: false))
        {
            Report("(c) training step, one core (ms)", () => trainer.StepOneCore(), 1e-3);
        }

        using (var trainer = new RnnGenTrainer(seed: 1, batch, twoCores: true))
        {
            Report("(d) training step, two cores (ms)", () => trainer.StepTwoCores(), 1e-3);
        }

        Kernels();
        Sequence<LstmSequence_I16_H32>("(b) LSTM H=32 Predict");
        Sequence<LstmSequence_I16_H128>("(b) LSTM H=128 Predict");
        Sequence<GruSequence_I16_H32>("(b) GRU H=32 Predict");
        Sequence<GruSequence_I16_H128>("(b) GRU H=128 Predict");
        Streaming(new LstmStream_I1_H8_Dense(), "(a) LSTM I=1 H=8 + Dense");
        Streaming(new LstmStream_I1_H16_Dense(), "(a) LSTM I=1 H=16 + Dense");
        Streaming(new LstmStream_I1_H64_Dense(), "(a) LSTM I=1 H=64 + Dense");
        Streaming(new LstmStream_IH_H64_Dense(), "(a) LSTM I=64 H=64 + Dense");
        Streaming(new LstmStream_IH_H128_Dense(), "(a) LSTM I=128 H=128 + Dense");
        Streaming(new GruStream_I1_H8_Dense(), "(a) GRU I=1 H=8 + Dense");
        Streaming(new GruStream_IH_H32_Dense(), "(a) GRU I=32 H=32 + Dense");
    }

    /// <summary>The kernels one LSTM step of (c) calls (I=8, H=64, 4H=256 gate rows), each alone, in ns per call.</summary>
    private static void Kernels()
    {
        float[] whh = new float[256 * 64], wih = new float[256 * 8], gates = new float[256], h = new float[64], x = new float[8];
        for (int i = 0; i < whh.Length; i++)
        {
            whh[i] = MathF.Sin(i) * 0.1f;
        }

        const double ns = 1000;
        Report("  kernel MultiplyAdd W_hh [256, 64] (ns)", () => Rnn.Gen.Kernels.VectorKernels.MultiplyAdd(whh, h, gates), ns);
        Report("  kernel MultiplyAdd W_ih [256, 8] (ns)", () => Rnn.Gen.Kernels.VectorKernels.MultiplyAdd(wih, x, gates), ns);
        Report("  kernel TransposeMultiplyAdd W_hh (ns)", () => Rnn.Gen.Kernels.VectorKernels.TransposeMultiplyAdd(whh, gates, h), ns);
        Report("  kernel OuterAdd W_hh (ns)", () => Rnn.Gen.Kernels.VectorKernels.OuterAdd(gates, h, whh), ns);
        Report("  kernel OuterAdd W_ih (ns)", () => Rnn.Gen.Kernels.VectorKernels.OuterAdd(gates, x, wih), ns);
        Report("  kernel Sigmoid 128 (ns)", () => Rnn.Gen.Kernels.VectorKernels.Sigmoid(gates.AsSpan(0, 128)), ns);
        Report("  kernel Tanh 64 (ns)", () => Rnn.Gen.Kernels.VectorKernels.Tanh(gates.AsSpan(128, 64)), ns);
        Report("  kernel Add 256 (ns)", () => Rnn.Gen.Kernels.VectorKernels.Add(wih.AsSpan(0, 256), gates), ns);
    }

    private static void Sequence<T>(string name)
        where T : class, IRnnModel, new()
    {
        var model = new T();
        model.Initialize(1);
        float[] input = new float[model.Steps * model.InputSize], output = new float[model.OutputSteps * model.OutputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = MathF.Sin(i);
        }

        Report(name + " (µs)", () => model.Predict(input, output), 1);
    }

    private static void Streaming(IStreamingModel model, string name)
    {
        model.Initialize(1);
        float[] inputs = new float[StreamingBenchmarks.StepsPerInvoke * model.InputSize];
        float[] outputs = new float[StreamingBenchmarks.StepsPerInvoke * model.OutputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = MathF.Sin(0.1f * i);
        }

        Report(name + " (ns per step)", () => model.StepBlock(inputs, outputs), 1000.0 / StreamingBenchmarks.StepsPerInvoke);
    }

    /// <summary>Best of 7 rounds of a round sized to ~40 ms, after 0.5 s of warm-up; printed in µs × <paramref name="scale"/>.</summary>
    private static void Report(string name, Action action, double scale, Action? before = null)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        while (clock.ElapsedMilliseconds < 500)
        {
            before?.Invoke();
            action();
            calls++;
        }

        int perRound = Math.Max(1, (int)(calls * 40.0 / clock.ElapsedMilliseconds));
        double best = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            double total = 0;
            for (int i = 0; i < perRound; i++)
            {
                before?.Invoke();
                long start = Stopwatch.GetTimestamp();
                action();
                total += Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            best = Math.Min(best, total / perRound);
        }

        Console.WriteLine($"{name,-44} {best * scale,10:F2}");
    }
}
