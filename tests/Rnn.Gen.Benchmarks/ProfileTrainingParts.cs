using System;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Rnn.Gen.Kernels;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// <c>--profile training-parts</c>: where one training step of workload (c) goes, kernel by kernel, at the shapes the
/// generated batch path calls them with (a half batch of 16 samples, each in its own slot block, run twice per step):
/// the forward products and cells, the backward cells and products through W_hh, the parameter gradients, the
/// reduction with clipping and Adam. Each row is µs per training step (both halves), best of 7 rounds, with its share
/// of the whole step and its GFLOP/s where it multiplies; the sum of the rows against the measured step shows what the
/// breakdown misses (calls, copies, span checks).
/// </summary>
public static class ProfileTrainingParts
{
    private const int Half = Workloads.TrainBatch / 2, T = Workloads.TrainSteps, I = Workloads.TrainInput, H = Workloads.TrainHidden, G = 4 * H;
    private const int CacheStride = 22816, WorkStride = 16144; // the generated model's slot blocks (the layout's sizes)

    public static void Run()
    {
        Machine machine = Machine.Describe();
        Console.WriteLine($"load average {Machine.LoadAverage()}; AVX-512 FMA {machine.Avx512FmaGflops:F1} GFLOP/s (best of 25)");
        var batch = new TrainingBatch(seed: 1);
        double step;
        using (var trainer = new RnnGenTrainer(seed: 1, batch, twoCores: false))
        {
            step = Time(() => trainer.StepOneCore());
        }

        float[] caches = Values(Half * CacheStride, 0.5f), works = Values(Half * WorkStride, 0.01f);
        float[] wihT = Values(I * G, 0.1f), whhT = Values(H * G, 0.1f), whh = Values(G * H, 0.1f), bias = Values(G, 0.1f);
        float[] dWhh = new float[G * H], dWihT = new float[I * G], dBias = new float[G];
        int gates = 0, cells = T * G, tanhC = cells + T * H, hidden = tanhC + T * H, input = hidden + T * H; // offsets in a slot (the sizes, not the generated order)
        int dGates = 0, dOut = T * G, dh = dOut + T * H, dc = dh + H;
        var rows = new (string Name, double Us, double Flops)[]
        {
            ("forward: AffineRows (x W_ih + h W_hh), steps 1-49", 2 * Time(() =>
            {
                for (int t = 1; t < T; t++)
                {
                    MatrixKernels.AffineRows(bias, caches.AsSpan(input + t * I), CacheStride, wihT, caches.AsSpan(hidden + (t - 1) * H), CacheStride, whhT, caches.AsSpan(gates + t * G), CacheStride, Half, I, H, G);
                }
            }), 2.0 * Workloads.TrainBatch * (T - 1) * G * (I + H)),
            ("forward: LstmCellRows, steps 1-49", 2 * Time(() =>
            {
                for (int t = 1; t < T; t++)
                {
                    CellKernels.LstmCellRows(caches.AsSpan(gates + t * G), caches.AsSpan(cells + (t - 1) * H), CacheStride, caches.AsSpan(cells + t * H), caches.AsSpan(tanhC + t * H), caches.AsSpan(hidden + t * H), CacheStride, Half, H);
                }
            }), 0),
            ("backward: LstmCellBackwardRows, steps 49-1", 2 * Time(() =>
            {
                for (int t = T - 1; t >= 1; t--)
                {
                    CellKernels.LstmCellBackwardRows(caches.AsSpan(gates + t * G), caches.AsSpan(tanhC + t * H), caches.AsSpan(cells + (t - 1) * H), CacheStride, CacheStride, works.AsSpan(dOut + t * H), works.AsSpan(dh), works.AsSpan(dc), works.AsSpan(dGates + t * G), WorkStride, Half, H);
                }
            }), 0),
            ("backward: MultiplyAddRows (dG W_hh), 49 steps", 2 * Time(() =>
            {
                for (int t = T - 1; t >= 1; t--)
                {
                    MatrixKernels.MultiplyAddRows(works.AsSpan(dGates + t * G), WorkStride, whh, works.AsSpan(dh), WorkStride, Half, G, H);
                }
            }), 2.0 * Workloads.TrainBatch * (T - 1) * G * H),
            ("gradients: dW_hh, TransposeMultiplyAdd per sample", 2 * Time(() =>
            {
                for (int s = 0; s < Half; s++)
                {
                    MatrixKernels.TransposeMultiplyAdd(works.AsSpan(s * WorkStride + G, (T - 1) * G), caches.AsSpan(s * CacheStride + hidden, (T - 1) * H), dWhh, G, T - 1, H);
                }
            }), 2.0 * Workloads.TrainBatch * (T - 1) * G * H),
            ("gradients: dW_ih (transposed), per sample", 2 * Time(() =>
            {
                for (int s = 0; s < Half; s++)
                {
                    MatrixKernels.TransposeMultiplyAdd(caches.AsSpan(s * CacheStride + input, T * I), works.AsSpan(s * WorkStride, T * G), dWihT, I, T, G);
                }
            }), 2.0 * Workloads.TrainBatch * T * G * I),
            ("gradients: two bias row sums, per sample", 2 * Time(() =>
            {
                for (int s = 0; s < Half; s++)
                {
                    MatrixKernels.AddRowSums(works.AsSpan(s * WorkStride, T * G), T, dBias);
                    MatrixKernels.AddRowSums(works.AsSpan(s * WorkStride, T * G), T, dBias);
                }
            }), 0),
            ("reduce: add halves, clip, Adam, copy", ReduceTime(), 0),
        };

        double sum = 0;
        foreach (var row in rows)
        {
            sum += row.Us;
            string rate = row.Flops > 0 ? $"{row.Flops / row.Us * 1e-3,8:F1} GFLOP/s" : string.Empty;
            Console.WriteLine($"  {row.Name,-52} {row.Us,8:F1} µs {row.Us / step,6:P0} {rate}");
        }

        Console.WriteLine($"  {"sum of the rows",-52} {sum,8:F1} µs {sum / step,6:P0}");
        Console.WriteLine($"  {"(c) training step, one core",-52} {step,8:F1} µs  ({180.6e6 / step * 1e-3:F1} GFLOP/s)");
        Console.WriteLine($"load average {Machine.LoadAverage()}");
    }

    private static double ReduceTime()
    {
        var model = new Rnn.Gen.Benchmarks.Models.LstmTrain_I8_H64();
        model.Initialize(1);
        var other = new Rnn.Gen.Benchmarks.Models.LstmTrain_I8_H64();
        var adam = new Adam(learningRate: 1e-3f);
        Values(model.Gradients.Length, 0.001f).CopyTo(model.Gradients);
        return Time(() =>
        {
            TensorPrimitives.Add(model.Gradients, other.Gradients, model.Gradients);
            GradientClipping.ClipByGlobalNorm(model.Gradients, maxNorm: 1f);
            adam.Step(model.Parameters, model.Gradients);
            model.Parameters.CopyTo(other.Parameters);
        });
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>This thread's CPU time in µs (CLOCK_THREAD_CPUTIME_ID); the wall clock where that is not available.</summary>
    internal static double ThreadMicroseconds()
    {
        const int ThreadCpuTime = 3;
        if (OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuTime, out TimeSpec time) == 0)
        {
            return (time.Seconds * 1e6) + (time.Nanoseconds * 1e-3);
        }

        return Stopwatch.GetTimestamp() * 1e6 / Stopwatch.Frequency;
    }

    private static float[] Values(int n, float scale)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = scale * MathF.Sin(0.37f * i);
        }

        return values;
    }

    /// <summary>
    /// Best of 7 rounds of ~40 ms after 0.5 s of warm-up (CPU time), µs per call, in this thread's CPU time (on Linux): on a
    /// machine shared with other jobs, the time the thread waited for a core is not counted.
    /// </summary>
    private static double Time(Action action)
    {
        double begin = ThreadMicroseconds(), elapsed;
        int calls = 0;
        while ((elapsed = ThreadMicroseconds() - begin) < 500_000) // past tiered compilation, in CPU time
        {
            action();
            calls++;
        }

        int perRound = Math.Max(1, (int)(calls * 40_000 / elapsed));
        double best = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            double start = ThreadMicroseconds();
            for (int i = 0; i < perRound; i++)
            {
                action();
            }

            best = Math.Min(best, (ThreadMicroseconds() - start) / perRound);
        }

        return best;
    }
}
