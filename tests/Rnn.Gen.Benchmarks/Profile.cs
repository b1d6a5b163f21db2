using System;
using System.Diagnostics;
using System.Numerics.Tensors;
using Rnn.Gen.Benchmarks.Models;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training;
using Rnn.Gen.Kernels;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// <c>--profile</c>: a quick stopwatch breakdown for development (seconds, not minutes): where a training step of
/// workload (c) spends its time (Forward, Backward), the dense kernels old against new with their GFLOP/s, one sequence
/// of (b), and a few streaming sizes of (a). Each figure is the best of several rounds after a warm-up past tiered JIT.
/// Not the benchmark: RESULTS.md comes from run.sh.
/// </summary>
/// <remarks>
/// On a shared 2-core machine figures move by ±30 % from run to run; the dot-form rows, whose old and new code are the
/// same, show how much. <c>DOTNET_TC_CallCountingDelayMs=0</c> makes small kernels reach their optimized code sooner.
/// </remarks>
public static class Profile
{
    /// <summary>
    /// <c>--profile training</c>: workloads (c) and (d) a few times in turn, and one half batch (ForwardBatch and
    /// BackwardBatch of 16 samples) alone against the same on both cores at once with no synchronization between them:
    /// if the latter is slower per half, the two cores contend for something they share (caches, memory, the host).
    /// </summary>
    public static void RunTraining()
    {
        var batch = new TrainingBatch(seed: 1);
        using var one = new RnnGenTrainer(seed: 1, batch, twoCores: false);
        using var two = new RnnGenTrainer(seed: 1, batch, twoCores: true);
        for (int round = 0; round < 3; round++)
        {
            BothCores both = Machine.MeasureBothCores();
            Console.WriteLine($"{"  both cores' FMA at once / one core's",-44} {both.Best,10:F2} {both.Median,8:F2} {both.Worst,8:F2} (best, median, worst)");
            Report("(c) training step, one core (ms)", () => one.StepOneCore(), 1e-3);
            Report("(d) training step, two cores (ms)", () => two.StepTwoCores(), 1e-3);
            HalfAloneAndTogether(batch);
        }

        Chunks(batch);
    }

    /// <summary>The 32 samples of (c) through ForwardBatch/BackwardBatch in chunks of 32, 16, 8 and 4 samples (one core).</summary>
    private static void Chunks(TrainingBatch batch)
    {
        int sample = Workloads.TrainSteps * Workloads.TrainInput;
        var model = new LstmTrain_I8_H64();
        model.Initialize(1);
        model.ReserveBatch(Workloads.TrainBatch);
        float[] output = new float[Workloads.TrainBatch], gradient = new float[Workloads.TrainBatch];
        Array.Fill(gradient, 1f / Workloads.TrainBatch);
        for (int round = 0; round < 2; round++)
        {
            foreach (int chunk in new[] { 32, 16, 8, 4 })
            {
                Report($"  32 samples in chunks of {chunk} (ms)", () =>
                {
                    for (int first = 0; first < Workloads.TrainBatch; first += chunk)
                    {
                        model.ForwardBatch(batch.Inputs.AsSpan(first * sample, chunk * sample), output.AsSpan(0, chunk));
                        model.BackwardBatch(gradient.AsSpan(0, chunk));
                    }
                }, 1e-3);
            }
        }
    }

    private static void HalfAloneAndTogether(TrainingBatch batch)
    {
        const int Half = Workloads.TrainBatch / 2, Calls = 400;
        int sample = Workloads.TrainSteps * Workloads.TrainInput;
        double RunHalves(int half)
        {
            var model = new LstmTrain_I8_H64();
            model.Initialize(1);
            model.ReserveBatch(Half);
            float[] output = new float[Half], gradient = new float[Half];
            Array.Fill(gradient, 1f / Workloads.TrainBatch);
            ReadOnlySpan<float> inputs = batch.Inputs.AsSpan(half * Half * sample, Half * sample);
            for (int i = 0; i < 50; i++)
            {
                model.ForwardBatch(inputs, output);
                model.BackwardBatch(gradient);
            }

            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < Calls; i++)
            {
                model.ForwardBatch(inputs, output);
                model.BackwardBatch(gradient);
            }

            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / Calls;
        }

        double alone = RunHalves(0);
        double other = 0;
        var thread = new System.Threading.Thread(() => other = RunHalves(1));
        thread.Start();
        double together = RunHalves(0);
        thread.Join();
        Console.WriteLine($"{"  half batch alone / both cores at once (ms)",-44} {alone,10:F3} {together,8:F3} {other,8:F3}");
    }

    /// <summary>
    /// <c>--profile streaming [suffix]</c>: workload (a) with its Dense(1) head at every size, ns per step (best of 7
    /// rounds), twice in turn so that the spread between the two rounds shows the machine's noise; with a suffix, the
    /// models whose class name ends with it (<c>_H8</c>: the cells alone at H = 8).
    /// </summary>
    public static void RunStreaming(string? only = null)
    {
        for (int round = 0; round < 2; round++)
        {
            foreach (string cell in new[] { "Lstm", "Gru" })
            {
                foreach (string input in new[] { "1", "H" })
                {
                    foreach (int hidden in new[] { 8, 16, 32, 64, 128 })
                    {
                        foreach (bool dense in new[] { true, false })
                        {
                            string name = $"Rnn.Gen.Benchmarks.Models.{cell}Stream_I{input}_H{hidden}{(dense ? "_Dense" : string.Empty)}";
                            if (only is null ? !dense : !name.EndsWith(only, StringComparison.Ordinal))
                            {
                                continue;
                            }

                            var model = (IStreamingModel)Activator.CreateInstance(Type.GetType(name, throwOnError: true)!)!;
                            Streaming(model, $"(a) {cell} I={(input == "1" ? 1 : hidden)} H={hidden}{(dense ? " + Dense" : string.Empty)}");
                        }
                    }
                }
            }
        }
    }

    /// <summary><c>--profile kernels</c>: the dense-kernel table alone (old against new at the sizes models use).</summary>
    public static void RunKernels() => DenseKernels();

    /// <summary><c>--profile sequence</c>: workload (b), each of its four models' Predict, twice in turn.</summary>
    public static void RunSequence()
    {
        Machine machine = Machine.Describe();
        Console.WriteLine($"load average {Machine.LoadAverage()}; L1 / L2 read {machine.L1ReadGBps:F1} / {machine.L2ReadGBps:F1} GB/s, AVX-512 FMA {machine.Avx512FmaGflops:F1} GFLOP/s (best of 25)");
        for (int round = 0; round < 2; round++)
        {
            Sequence<LstmSequence_I16_H32>("(b) LSTM H=32 Predict", Workloads.SequenceFloor(machine, CellKind.Lstm, 32));
            Sequence<LstmSequence_I16_H128>("(b) LSTM H=128 Predict", Workloads.SequenceFloor(machine, CellKind.Lstm, 128));
            Sequence<GruSequence_I16_H32>("(b) GRU H=32 Predict", Workloads.SequenceFloor(machine, CellKind.Gru, 32));
            Sequence<GruSequence_I16_H128>("(b) GRU H=128 Predict", Workloads.SequenceFloor(machine, CellKind.Gru, 128));
        }

        Console.WriteLine($"load average {Machine.LoadAverage()}");
    }

    public static void Run()
    {
        var batch = new TrainingBatch(seed: 1);
        var train = new LstmTrain_I8_H64();
        train.Initialize(1);
        float[] output = new float[1], dOutput = [1f / Workloads.TrainBatch];
        Report("(c) Forward, one sample of 50 steps", () => train.Forward(batch.Sample(0), output), 1);
        Report("(c) Backward, one sample", () => train.Backward(dOutput), 1, before: () => train.Forward(batch.Sample(0), output));
        const int Half = Workloads.TrainBatch / 2;
        int sample = Workloads.TrainSteps * Workloads.TrainInput;
        float[] halfOutput = new float[Half], halfGradient = new float[Half];
        Array.Fill(halfGradient, 1f / Workloads.TrainBatch);
        train.ReserveBatch(Workloads.TrainBatch);
        Report("(c) ForwardBatch, 16 samples", () => train.ForwardBatch(batch.Inputs.AsSpan(0, Half * sample), halfOutput), 1);
        Report("(c) BackwardBatch, 16 samples", () => train.BackwardBatch(halfGradient), 1, before: () => train.ForwardBatch(batch.Inputs.AsSpan(0, Half * sample), halfOutput));
        float[] rowsA = Values(Half * 2000, 1f), whhT = Values(64 * 256, 0.1f), whh = Values(256 * 64, 0.1f), rowsC = Values(Half * 2000, 1f);
        Report("  kernel MultiplyAddRows [16, 64] x [64, 256] (ns)", () => MatrixKernels.MultiplyAddRows(rowsA, 2000, whhT, rowsC, 2000, Half, 64, 256), 1000);
        Report("  kernel MultiplyAddRows [16, 256] x [256, 64] (ns)", () => MatrixKernels.MultiplyAddRows(rowsA, 2000, whh, rowsC, 2000, Half, 256, 64), 1000);
        float[] denseA = Values(Half * 256, 1f), denseC = Values(Half * 256, 1f);
        Report("  kernel MultiplyAdd (16, 64, 256), rows together (ns)", () => MatrixKernels.MultiplyAdd(denseA.AsSpan(0, Half * 64), whhT, denseC, Half, 64, 256), 1000);
        float[] cellGates = Values(256, 1f), cellC = Values(64, 1f), cellC2 = new float[64], cellT = new float[64], cellH = new float[64], dc = new float[64], dg = new float[256];
        Report("  kernel LstmCell H=64 (ns)", () => CellKernels.LstmCell(cellGates, cellC, cellC2, cellT, cellH), 1000);
        Report("  kernel LstmCellBackward H=64 (ns)", () => CellKernels.LstmCellBackward(cellGates, cellT, cellC, cellH, dc, dg), 1000);
        using (var trainer = new RnnGenTrainer(seed: 1, batch, twoCores: false))
        {
            Report("(c) training step, one core (ms)", () => trainer.StepOneCore(), 1e-3);
        }

        using (var trainer = new RnnGenTrainer(seed: 1, batch, twoCores: true))
        {
            Report("(d) training step, two cores (ms)", () => trainer.StepTwoCores(), 1e-3);
        }

        TrainerScaling(batch);
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
        Streaming(new GruStream_IH_H8_Dense(), "(a) GRU I=8 H=8 + Dense");
        Streaming(new GruStream_IH_H8(), "(a) GRU I=8 H=8");
        Streaming(new LstmStream_IH_H8_Dense(), "(a) LSTM I=8 H=8 + Dense");
        Streaming(new GruStream_I1_H16_Dense(), "(a) GRU I=1 H=16 + Dense");
        Streaming(new GruStream_IH_H32_Dense(), "(a) GRU I=32 H=32 + Dense");
    }

    /// <summary>
    /// The runtime's <see cref="Trainer"/> on workload (c)'s model: 8 batches of 32 per epoch (the batch of (c) and
    /// seven shifted copies), clipping and Adam, with <c>Parallelism</c> 1 and 2; ms per batch over 3 epochs.
    /// </summary>
    private static void TrainerScaling(TrainingBatch batch)
    {
        const int Batches = 8;
        int sample = Workloads.TrainSteps * Workloads.TrainInput;
        float[] inputs = new float[Batches * Workloads.TrainBatch * sample], targets = new float[Batches * Workloads.TrainBatch];
        for (int b = 0; b < Batches; b++)
        {
            for (int i = 0; i < batch.Inputs.Length; i++)
            {
                inputs[(b * batch.Inputs.Length) + i] = batch.Inputs[(i + (b * 37)) % batch.Inputs.Length];
            }

            batch.Targets.CopyTo(targets, b * Workloads.TrainBatch);
        }

        double oneCore = 0;
        foreach (int parallelism in new[] { 1, 2 })
        {
            double best = double.MaxValue;
            for (int round = 0; round < 4; round++) // the first warms up: JIT, replicas, batch buffers
            {
                var model = new LstmTrain_I8_H64();
                model.Initialize(1);
                Dataset data = Dataset.ForModel(model, inputs, targets);
                var options = new TrainerOptions
                {
                    Epochs = 3, BatchSize = Workloads.TrainBatch, Shuffle = false, ClipNorm = 1f, Parallelism = parallelism,
                    ReplicaFactory = () => new LstmTrain_I8_H64(),
                };
                using var trainer = new Trainer(model, new Adam(learningRate: 1e-3f), MeanSquaredErrorLoss.Instance, options);
                long start = Stopwatch.GetTimestamp();
                trainer.Fit(data);
                double perBatch = Stopwatch.GetElapsedTime(start).TotalMilliseconds / (3 * Batches);
                best = round == 0 ? best : Math.Min(best, perBatch);
            }

            oneCore = parallelism == 1 ? best : oneCore;
            Console.WriteLine($"{$"Trainer.Fit, Parallelism = {parallelism} (ms per batch)",-44} {best,10:F2}{(parallelism > 1 ? $"   ({oneCore / best:F2}x)" : string.Empty)}");
        }
    }

    /// <summary>The kernels one LSTM step of (c) calls (I=8, H=64, 4H=256 gate rows), each alone, in ns per call.</summary>
    private static void Kernels()
    {
        float[] whh = Values(256 * 64, 0.1f), wih = Values(256 * 8, 0.1f), gates = Values(256, 0.1f), h = Values(64, 1f), x = Values(8, 1f);
        const double ns = 1000;
        Report("  kernel OuterAdd W_hh (ns)", () => VectorKernels.OuterAdd(gates, h, whh), ns);
        Report("  kernel OuterAdd W_ih (ns)", () => VectorKernels.OuterAdd(gates, x, wih), ns);
        Report("  kernel Sigmoid 128 (ns)", () => VectorKernels.Sigmoid(gates.AsSpan(0, 128)), ns);
        Report("  kernel Tanh 64 (ns)", () => VectorKernels.Tanh(gates.AsSpan(128, 64)), ns);
        Report("  kernel Add 256 (ns)", () => VectorKernels.Add(wih.AsSpan(0, 256), gates), ns);
        DenseKernels();
    }

    /// <summary>
    /// The dense kernels at the sizes models use, in ns per call and GFLOP/s (2 flops per multiply-add), beside what
    /// they replace where there is one: the dot form on PyTorch's layout for the packed product, or a loop of per-step
    /// calls for the matrix–matrix kernels (what a model runs when it does not batch over time).
    /// </summary>
    private static void DenseKernels()
    {
        Console.WriteLine();
        Console.WriteLine($"{"dense kernel [rows, cols] / (m, k, n)",-52} {"old ns",9} {"new ns",9} {"old GF/s",9} {"new GF/s",9} {"speedup",8}");
        (int Rows, int Cols)[] matrixVector = [(256, 64), (512, 128), (256, 8), (32, 9), (64, 1)];
        foreach ((int rows, int cols) in matrixVector)
        {
            float[] w = Values(rows * cols, 0.01f), wt = new float[cols * rows], x = Values(cols, 1f), y = Values(rows, 1f);
            MatrixKernels.Transpose(w, rows, cols, wt);
            double flops = 2.0 * rows * cols;
            Row($"VectorKernels.MultiplyAddPacked vs dot form [{rows}, {cols}]", flops, () => VectorKernels.MultiplyAdd(w, x, y), () => VectorKernels.MultiplyAddPacked(wt, x, y));
        }

        foreach ((int rows, int cols) in matrixVector)
        {
            float[] w = Values(rows * cols, 0.01f), dy = Values(rows, 1f), dx = Values(cols, 1f);
            Row($"VectorKernels.TransposeMultiplyAdd [{rows}, {cols}]", 2.0 * rows * cols, null, () => VectorKernels.TransposeMultiplyAdd(w, dy, dx));
        }

        foreach ((int rows, int cols) in new[] { (256, 64), (512, 128), (256, 8), (1024, 512) })
        {
            float[] w = Values(rows * cols, 1f), wt = new float[rows * cols];
            Row($"MatrixKernels.Transpose [{rows}, {cols}] (GF/s = Gfloat/s)", rows * cols, null, () => MatrixKernels.Transpose(w, rows, cols, wt));
        }

        // Input projections (a = inputs [T, I], b = packed W_ih [I, G]) against T dot-form steps with W_ih [G, I]; input
        // gradients (a = dGates [T, G], b = W_ih [G, I]) against T transpose products.
        foreach ((int m, int k, int n) in new[] { (50, 8, 256), (100, 16, 512), (100, 128, 128), (50, 256, 8), (100, 512, 16), (50, 256, 1) })
        {
            float[] a = Values(m * k, 1f), b = Values(k * n, 0.01f), c = Values(m * n, 1f), bt = new float[n * k];
            MatrixKernels.Transpose(b, k, n, bt);
            bool projection = k < n;
            Action perStep = projection
                ? () => { for (int t = 0; t < m; t++) VectorKernels.MultiplyAdd(bt, a.AsSpan(t * k, k), c.AsSpan(t * n, n)); }
                : () => { for (int t = 0; t < m; t++) VectorKernels.TransposeMultiplyAdd(b, a.AsSpan(t * k, k), c.AsSpan(t * n, n)); };
            Row($"MatrixKernels.MultiplyAdd ({m}, {k}, {n}) {(projection ? "vs T dot" : "vs T transp.")}", 2.0 * m * k * n, perStep, () => MatrixKernels.MultiplyAdd(a, b, c, m, k, n));
        }

        // Weight gradients over time (a = dGates [T, G], b = inputs [T, C], c = dW [G, C]) against T outer products.
        foreach ((int g, int t, int n) in new[] { (256, 50, 8), (256, 50, 64), (512, 100, 128), (512, 100, 16), (256, 50, 3), (256, 50, 1), (32, 100, 1) })
        {
            float[] a = Values(t * g, 1f), b = Values(t * n, 1f), c = Values(g * n, 1f);
            Action perStep = () => { for (int s = 0; s < t; s++) VectorKernels.OuterAdd(a.AsSpan(s * g, g), b.AsSpan(s * n, n), c); };
            Row($"MatrixKernels.TransposeMultiplyAdd ({g}, {t}, {n}) vs T outer", 2.0 * g * t * n, perStep, () => MatrixKernels.TransposeMultiplyAdd(a, b, c, g, t, n));
        }

        foreach ((int m, int n) in new[] { (50, 256), (100, 512) })
        {
            float[] a = Values(m * n, 1f), y = new float[n];
            Action perStep = () => { for (int s = 0; s < m; s++) VectorKernels.Add(a.AsSpan(s * n, n), y); };
            Row($"MatrixKernels.AddRowSums ({m}, {n}) vs T adds", (double)m * n, perStep, () => MatrixKernels.AddRowSums(a, m, y));
        }

        Console.WriteLine();
    }

    /// <summary>One row of the dense-kernel table: ns per call of the old and new kernel, GFLOP/s, and the ratio.</summary>
    private static void Row(string name, double flops, Action? old, Action current)
    {
        double newNs = NanosecondsPerCall(current);
        if (old is null)
        {
            Console.WriteLine($"{name,-52} {"",9} {newNs,9:F1} {"",9} {flops / newNs,9:F2} {"",8}");
            return;
        }

        double oldNs = NanosecondsPerCall(old);
        Console.WriteLine($"{name,-52} {oldNs,9:F1} {newNs,9:F1} {flops / oldNs,9:F2} {flops / newNs,9:F2} {oldNs / newNs,7:F2}x");
    }

    /// <summary>
    /// Best of 7 rounds of back-to-back calls timed together (~15 ms each), after 0.3 s of warm-up: tiered JIT promotes
    /// a method only after 100 ms without new methods being compiled, and each kernel size instantiates new ones.
    /// </summary>
    private static double NanosecondsPerCall(Action action)
    {
        long warmUpEnd = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 3 / 10;
        long calls = 0;
        while (Stopwatch.GetTimestamp() < warmUpEnd)
        {
            action();
            calls++;
        }

        long perRound = Math.Max(1, calls / 20);
        double best = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < perRound; i++)
            {
                action();
            }

            best = Math.Min(best, (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency / perRound);
        }

        return best;
    }

    private static float[] Values(int length, float scale)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = MathF.Sin(i) * scale;
        }

        return values;
    }

    private static void Sequence<T>(string name, Floor? floor = null)
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

        // As every Predict ran before issue 17: reading Parameters (untimed) counts as a write, so the next Predict repacks.
        (double packedOnce, double repacking, double ratio) = Alternating(() => model.Predict(input, output), () => model.Predict(input, output), () => _ = model.Parameters);
        Console.WriteLine($"{"  alternating: packed once / repacking (µs)",-44} {packedOnce,10:F2} {repacking,8:F2}   repacking's share {100 * (1 - (1 / ratio)),5:F1} % (median of paired ratios)");
        if (floor is { } f)
        {
            // Both floors: under load the FMA probe reads low, and the compute floor then passes the memory floor.
            Console.WriteLine($"{"  floor (µs), packed once as % of it",-44} {f.Ns / 1e3,10:F2} {100 * f.Ns / 1e3 / packedOnce,8:F1} %   ({f.Bound}: {f.Bytes / 1e6:F2} MB of weights, {f.Flops / 1e6:F2} MFLOP)");
            Console.WriteLine($"{$"  {f.Level} floor alone (µs), as % of it",-44} {f.MemoryNs / 1e3,10:F2} {100 * f.MemoryNs / 1e3 / packedOnce,8:F1} %");
        }
    }

    /// <summary>
    /// Two variants of one call timed in alternation, one call each per round (<paramref name="beforeB"/>, untimed, before
    /// each call of b), 1,000 rounds: the fastest call of each (a loaded machine's interruptions only add time) and the
    /// median of the rounds' ratios b / a, which the machine's state moves less than either time.
    /// </summary>
    private static (double A, double B, double MedianRatio) Alternating(Action a, Action b, Action? beforeB = null)
    {
        const int Rounds = 1000;
        for (int i = 0; i < 200; i++)
        {
            a();
            beforeB?.Invoke();
            b();
        }

        double bestA = double.MaxValue, bestB = double.MaxValue;
        double[] ratios = new double[Rounds];
        for (int round = 0; round < Rounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            a();
            double timeA = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            beforeB?.Invoke();
            start = Stopwatch.GetTimestamp();
            b();
            double timeB = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            bestA = Math.Min(bestA, timeA);
            bestB = Math.Min(bestB, timeB);
            ratios[round] = timeB / timeA;
        }

        Array.Sort(ratios);
        return (bestA, bestB, ratios[Rounds / 2]);
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
                total += (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency; // not TimeSpan: its ticks are 100 ns
            }

            best = Math.Min(best, total / perRound);
        }

        Console.WriteLine($"{name,-44} {best * scale,10:F2}");
    }
}
