using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Rnn.Gen.Benchmarks;

/// <summary>Writes RESULTS.md: the machine, then one table per workload with the peers, ratios and roofline fractions.</summary>
public static class ResultsWriter
{
    private readonly record struct Figure(double Ns);

    /// <summary>"Type.Method|param=value|…", parameters in declaration order.</summary>
    public static string Key(BenchmarkCase c) => Key(c.Descriptor.Type.Name, c.Descriptor.WorkloadMethod.Name,
        c.Parameters.Items.Select(p => $"{p.Name}={p.Value}").ToArray());

    public static void Write(string path, IReadOnlyList<Summary> summaries, Machine machine,
        IReadOnlyDictionary<string, double> allocations, IReadOnlyDictionary<string, (double Others, double Self)> load, string job, bool torch, bool onnx, string? commit,
        PairedScaling? paired)
    {
        // Key: "Type.Method|param=value|…" in declaration order of the parameters.
        var figures = new Dictionary<string, Figure>();
        foreach (BenchmarkReport report in summaries.SelectMany(s => s.Reports))
        {
            if (report.ResultStatistics is null)
            {
                continue;
            }

            figures[Key(report.BenchmarkCase)] = new Figure(report.ResultStatistics.Median);
        }

        Figure? Get(string type, string method, params string[] parameters) =>
            figures.TryGetValue(Key(type, method, parameters), out Figure f) ? f : null;

        // Other processes' CPU use while a case ran, in cores; a row measured with more than a quarter core busy elsewhere is marked.
        string Load(string type, string method, params string[] parameters) =>
            load.TryGetValue(Key(type, method, parameters), out var l) ? F(l.Others, 2) + (l.Others > 0.25 ? " ⚠" : "") : "—";
        int loaded = load.Count(l => l.Value.Others > 0.25);

        double? Probe(string name) => allocations.TryGetValue(name, out double bytes) ? bytes : null;

        // The "% of this core's peak" columns divide by the peak measured at the width the runtime kernels use here
        // (Vector512 where accelerated, else Vector256): a fraction of the AVX2 peak would overstate AVX-512 kernels up to 2×.
        double corePeak = machine.KernelPeakGflops;
        var md = new StringBuilder();
        var targets = new List<string>();
        md.AppendLine("# Rnn.Gen benchmarks (issue 6)");
        md.AppendLine();
        md.AppendLine("Written by `tests/Rnn.Gen.Benchmarks/run.sh` (BenchmarkDotNet, in-process, MemoryDiagnoser); rerun it to refresh.");
        md.AppendLine("Times are BenchmarkDotNet medians. \"×\" after a peer's figure is the peer's time over Rnn.Gen's: above 1, Rnn.Gen is faster.");
        md.AppendLine();
        md.AppendLine("## Machine and run");
        md.AppendLine();
        md.AppendLine($"- CPU: {machine.Cpu}, {machine.Cores} cores ({machine.Isa})");
        md.AppendLine($"- .NET: {machine.DotNet}; OS: {machine.Os}");
        md.AppendLine($"- measured FMA peak on one core (12 independent chains in registers, best of 25 short tries): AVX2 {F(machine.Avx2FmaGflops, 1)} GFLOP/s"
            + (machine.Avx512FmaGflops > 0 ? $", AVX-512 {F(machine.Avx512FmaGflops, 1)} GFLOP/s" : ""));
        md.AppendLine($"- both cores' FMA throughput at once over one core's alone (the {machine.KernelPeakName} probe on two threads started together, 25 tries of about 10 ms; best / median / worst): "
            + $"{Both(machine.BothCoresBefore)} before the run, {Both(machine.BothCoresAfter)} after it; near 1, the host ran the VM's two cores on one physical core, and a worst try "
            + "well below the median is a moment when the host slowed one of them (which holds (d) back more than (c): (d) waits for the slower core)");
        md.AppendLine($"- caches of one core: L1 data {machine.L1DataKb} KB, L2 {machine.L2Kb} KB; measured L2 read bandwidth on one core "
            + $"({Machine.L2ProbeKb} KB read again and again in vector loads, best of 25 short tries): {F(machine.L2ReadGBps, 1)} GB/s");
        md.AppendLine($"- roofline used for the fractions: {F(Workloads.AnchorRooflineGflops, 0)} GFLOP/s per core (issue 6, the reference machine, column \"% of 39\"), "
            + $"and this core's measured {machine.KernelPeakName} peak ({F(corePeak, 1)} GFLOP/s, column \"% of this core's peak\"): "
            + $"the runtime kernels use {(machine.KernelsUse512 ? "Vector512 (accelerated here)" : "Vector256 (Vector512 is not accelerated here)")}");
        md.AppendLine($"- BenchmarkDotNet job: {job}{(job is "short" or "dry" ? " (few iterations: indicative, not final)" : "")}; "
            + $"libtorch peers: {(torch ? "on (TorchSharp-cpu 0.107.0, torch.set_num_threads(1) unless said)" : "off")}; "
            + $"ONNX Runtime peers: {(onnx ? "on (Microsoft.ML.OnnxRuntime 1.31.1, one thread, IOBinding over pinned buffers)" : "off")}");
        md.AppendLine($"- load average (1/5/15 min) before: {machine.LoadBefore}, after: {machine.LoadAfter}"
            + " — the run itself adds about 1 (2 during (d)); more means other work shared the cores and the figures are noisy");
        md.AppendLine($"- other processes' CPU use while each case ran (from /proc/stat, in cores; column \"others' CPU\"): "
            + $"{loaded} of {load.Count} cases ran with more than 0.25 core busy elsewhere (marked ⚠ in the Rnn.Gen rows)");
        md.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(commit is null ? "" : $"; revision {commit}")}");
        md.AppendLine();
        md.AppendLine("The RTNeural, ONNX Runtime and libtorch \"anchor\" figures are quoted from issue 6: they were measured on");
        md.AppendLine("the reference machine (AMD EPYC Zen 1, 2 cores, AVX2 + FMA), not in this run; ratios against them compare machines");
        md.AppendLine("as well as code when this run's CPU is another. The plain C#, libtorch and ONNX Runtime columns are measured in this run.");
        md.AppendLine();
        md.AppendLine("\"alloc B\" is Rnn.Gen's bytes allocated per call on the calling thread (GC.GetAllocatedBytesForCurrentThread over 64 calls");
        md.AppendLine("after warm-up; `AllocationProbe`), exact. BenchmarkDotNet's own Allocated column (in BenchmarkDotNet.Artifacts/) can also count");
        md.AppendLine("other threads of the process: a few bytes per call on calls of milliseconds.");
        md.AppendLine();
        md.AppendLine("Flops: an LSTM step 8·H·(I+H) + 12·H, a GRU step 6·H·(I+H) + 11·H (matrix products plus the element-wise gate");
        md.AppendLine("arithmetic; sigmoid/tanh not counted), Dense(1) 2·H + 1; a training step 3 × the forward flops of the batch.");

        // (a) streaming
        md.AppendLine();
        md.AppendLine("## (a) Streaming `Step`, one sample at a time (ns per sample)");
        md.AppendLine();
        md.AppendLine("| cell | I | H | head | Rnn.Gen ns | alloc B | plain C# ns | libtorch ns | ONNX RT ns | RTNeural ns | GFLOP/s | % of 39 | % of this core's peak | others' CPU |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        int rtRows = 0, rtBeaten = 0, bigRows = 0, bigAtTarget = 0;
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru })
        {
            foreach (InputKind input in new[] { InputKind.One, InputKind.Hidden })
            {
                foreach (int h in new[] { 8, 16, 32, 64, 128 })
                {
                    foreach (bool dense in new[] { false, true })
                    {
                        string[] p = [$"Cell={cell}", $"Input={input}", $"Hidden={h}", $"Dense={dense}"];
                        Figure? rg = Get(nameof(StreamingBenchmarks), nameof(StreamingBenchmarks.RnnGen), p);
                        if (rg is null)
                        {
                            continue;
                        }

                        int i = input == InputKind.One ? 1 : h;
                        double flops = Workloads.StreamingFlops(cell, i, h, dense);
                        double gflops = flops / rg.Value.Ns;
                        double? rt = dense ? Workloads.RtNeuralStreamingNs(cell, input, h) : null;
                        if (rt is not null)
                        {
                            rtRows++;
                            rtBeaten += rg.Value.Ns < rt ? 1 : 0;
                        }

                        if (h >= 64)
                        {
                            bigRows++;
                            bigAtTarget += gflops >= 0.6 * Workloads.AnchorRooflineGflops ? 1 : 0;
                        }

                        double? bytes = Probe($"{cell}Stream_I{(input == InputKind.One ? "1" : "H")}_H{h}{(dense ? "_Dense" : "")}");
                        md.AppendLine($"| {cell.ToString().ToUpperInvariant()} | {i} | {h} | {(dense ? "Dense(1)" : "—")} | {F(rg.Value.Ns, 0)} | {A(bytes)} "
                            + $"| {Peer(Get(nameof(StreamingBenchmarks), nameof(StreamingBenchmarks.PlainCSharp), p), rg.Value.Ns, 1)} "
                            + $"| {Peer(Get(nameof(StreamingBenchmarks), nameof(StreamingBenchmarks.LibTorch), p), rg.Value.Ns, 1)} "
                            + $"| {Peer(Get(nameof(StreamingBenchmarks), nameof(StreamingBenchmarks.OnnxRuntime), p), rg.Value.Ns, 1)} "
                            + $"| {Ratio(rt, rg.Value.Ns, 1)} | {F(gflops, 1)} | {Pct(gflops / Workloads.AnchorRooflineGflops)} | {Pct(gflops / corePeak)} "
                            + $"| {Load(nameof(StreamingBenchmarks), nameof(StreamingBenchmarks.RnnGen), p)} |");
                    }
                }
            }
        }

        if (rtRows > 0)
        {
            targets.Add($"(a) faster than RTNeural (Dense(1) rows): {rtBeaten} of {rtRows} sizes");
        }

        if (bigRows > 0)
        {
            targets.Add($"(a) ≥ 60 % of the 39 GFLOP/s roofline at H ≥ 64: {bigAtTarget} of {bigRows} rows");
        }

        // (b) sequences
        md.AppendLine();
        md.AppendLine($"## (b) Whole-sequence `Predict`: input {Workloads.SequenceInput}, {Workloads.SequenceSteps} steps, batch 1, + Dense(1) (µs per sequence)");
        md.AppendLine();
        md.AppendLine("| cell | H | Rnn.Gen µs | alloc B | plain C# µs | libtorch µs | ONNX RT µs | RTNeural µs | libtorch anchor µs | GFLOP/s | % of 39 | % of this core's peak | others' CPU |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        int seqRows = 0, seqRt = 0, seqTorch = 0, seqTorchRows = 0;
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru })
        {
            foreach (int h in new[] { 32, 128 })
            {
                string[] p = [$"Cell={cell}", $"Hidden={h}"];
                Figure? rg = Get(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.RnnGen), p);
                if (rg is null)
                {
                    continue;
                }

                double ns = rg.Value.Ns, gflops = Workloads.SequenceFlops(cell, h) / ns;
                double? rt = Workloads.RtNeuralSequenceNs(cell, h);
                Figure? lt = Get(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.LibTorch), p);
                seqRows++;
                seqRt += rt is not null && ns < rt ? 1 : 0;
                if (lt is not null)
                {
                    seqTorchRows++;
                    seqTorch += lt.Value.Ns >= 4 * ns ? 1 : 0;
                }

                double? bytes = Probe($"{cell}Sequence_I16_H{h}");
                md.AppendLine($"| {cell.ToString().ToUpperInvariant()} | {h} | {F(ns / 1000, 1)} | {A(bytes)} "
                    + $"| {Peer(Get(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.PlainCSharp), p), ns, 1000)} "
                    + $"| {Peer(lt, ns, 1000)} | {Peer(Get(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.OnnxRuntime), p), ns, 1000)} | {Ratio(rt, ns, 1000)} | {Ratio(Workloads.LibTorchAnchorSequenceNs(cell, h), ns, 1000)} "
                    + $"| {F(gflops, 1)} | {Pct(gflops / Workloads.AnchorRooflineGflops)} | {Pct(gflops / corePeak)} "
                    + $"| {Load(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.RnnGen), p)} |");
            }
        }

        // At batch 1 every step multiplies by all of W_hh: when it does not fit in L1 each step streams it from L2, and
        // the measured L2 read bandwidth bounds the sequence from below whatever the arithmetic.
        var belowFloor = new List<string>(); // the rows short of 4× libtorch whose W_hh streams from L2
        if (seqRows > 0 && machine.L2ReadGBps > 0)
        {
            md.AppendLine();
            md.AppendLine($"Memory bound at batch 1: each of the {Workloads.SequenceSteps} steps multiplies by the whole packed W_hhᵀ ([H, G] floats). "
                + $"Where it is larger than the {machine.L1DataKb} KB L1, every step reads it from L2, so reading it {Workloads.SequenceSteps} times at the "
                + $"measured {F(machine.L2ReadGBps, 1)} GB/s is a floor under the sequence's time, whatever the arithmetic.");
            md.AppendLine();
            md.AppendLine("| cell | H | W_hhᵀ KB | in L1 | L2 floor µs | Rnn.Gen µs | Rnn.Gen's W_hh GB/s | libtorch / 4 µs (the 4× target) |");
            md.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru })
            {
                foreach (int h in new[] { 32, 128 })
                {
                    string[] p = [$"Cell={cell}", $"Hidden={h}"];
                    if (Get(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.RnnGen), p) is not { } rg)
                    {
                        continue;
                    }

                    double bytes = (double)h * (cell == CellKind.Lstm ? 4 : 3) * h * sizeof(float);
                    bool inL1 = bytes <= machine.L1DataKb * 1024.0;
                    double floorNs = inL1 ? 0 : Workloads.SequenceSteps * bytes / machine.L2ReadGBps;
                    Figure? lt = Get(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.LibTorch), p);
                    double? quarter = lt?.Ns / 4;
                    if (quarter is { } q && q < rg.Ns && !inL1)
                    {
                        // What 4× libtorch would take: reading W_hh that fast, with nothing else in the step's time.
                        double needed = Workloads.SequenceSteps * bytes / q;
                        belowFloor.Add($"{cell.ToString().ToUpperInvariant()} H = {h} at {F(lt!.Value.Ns / rg.Ns, 1)}×: {F(q / 1000, 1)} µs would read W_hh at "
                            + $"{F(needed, 1)} GB/s with no time left for the cells, {Pct(needed / machine.L2ReadGBps)} of the L2's measured {F(machine.L2ReadGBps, 1)} GB/s; "
                            + $"Rnn.Gen's sequence reads it at {F(Workloads.SequenceSteps * bytes / rg.Ns, 1)} GB/s, cells included");
                    }

                    md.AppendLine($"| {cell.ToString().ToUpperInvariant()} | {h} | {F(bytes / 1024, 0)} | {(inL1 ? "yes" : "no")} | {(inL1 ? "—" : F(floorNs / 1000, 1))} "
                        + $"| {F(rg.Ns / 1000, 1)} | {F(Workloads.SequenceSteps * bytes / rg.Ns, 1)} | {(quarter is { } qq ? F(qq / 1000, 1) : "—")} |");
                }
            }
        }

        if (seqRows > 0)
        {
            targets.Add($"(b) faster than RTNeural: {seqRt} of {seqRows}; ≥ 4× faster than libtorch (this run): {seqTorch} of {seqTorchRows}"
                + (belowFloor.Count > 0 ? $" (where not, memory bound: {string.Join("; ", belowFloor)})" : string.Empty));
        }

        // (c), (d) training
        md.AppendLine();
        md.AppendLine($"## (c), (d) Training step: LSTM I={Workloads.TrainInput} H={Workloads.TrainHidden}, {Workloads.TrainSteps} steps, batch {Workloads.TrainBatch}, Dense(1), MSE, clip 1.0, Adam (ms per step)");
        md.AppendLine();
        md.AppendLine("| implementation | cores | ms | alloc B (Rnn.Gen) | time / Rnn.Gen (c) | GFLOP/s | % of 39 × cores | % of this core's peak × cores | CPU used (cores) | others' CPU |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        Figure? c1 = Get(nameof(TrainingBenchmarks), nameof(TrainingBenchmarks.RnnGenOneCore));
        var rows = new (string Name, string Method, int Cores, string? Probe)[]
        {
            ("Rnn.Gen (c): batch path, two halves, one core", nameof(TrainingBenchmarks.RnnGenOneCore), 1, "Training (c), two halves"),
            ("Rnn.Gen (c'): one sample at a time", nameof(TrainingBenchmarks.RnnGenSequentialLoop), 1, "Training (c'), one sample at a time"),
            ("Rnn.Gen (d): batch path, two halves on two cores", nameof(TrainingBenchmarks.RnnGenTwoCores), 2, "Training (d), calling thread"),
            ("plain C#", nameof(TrainingBenchmarks.PlainCSharp), 1, null),
            ("libtorch, 1 thread", nameof(TrainingBenchmarks.LibTorchOneThread), 1, null),
            ("libtorch, 2 threads", nameof(TrainingBenchmarks.LibTorchTwoThreads), 2, null),
        };
        foreach ((string name, string method, int cores, string? probe) in rows)
        {
            Figure? f = Get(nameof(TrainingBenchmarks), method);
            if (f is null)
            {
                continue;
            }

            double gflops = Workloads.TrainingFlops / f.Value.Ns;
            md.AppendLine($"| {name} | {cores} | {F(f.Value.Ns / 1e6, 2)} | {(probe is null ? "—" : A(Probe(probe)))} | {(c1 is null ? "—" : F(f.Value.Ns / c1.Value.Ns, 2))} "
                + $"| {F(gflops, 1)} | {Pct(gflops / (cores * Workloads.AnchorRooflineGflops))} | {Pct(gflops / (cores * corePeak))} "
                + $"| {(load.TryGetValue(Key(nameof(TrainingBenchmarks), method), out var l) ? F(l.Self, 2) : "—")} | {Load(nameof(TrainingBenchmarks), method)} |");
        }

        md.AppendLine($"| libtorch anchor, 1 thread (issue 6) | 1 | {F(Workloads.LibTorchAnchorTrainingNs / 1e6, 2)} | | {(c1 is null ? "—" : F(Workloads.LibTorchAnchorTrainingNs / c1.Value.Ns, 2))} | | | | | |");
        md.AppendLine($"| libtorch anchor, 2 threads (issue 6) | 2 | {F(Workloads.LibTorchAnchorTrainingTwoThreadsNs / 1e6, 2)} | | {(c1 is null ? "—" : F(Workloads.LibTorchAnchorTrainingTwoThreadsNs / c1.Value.Ns, 2))} | | | | | |");
        md.AppendLine();
        md.AppendLine($"Training flops per step: {F(Workloads.TrainingFlops / 1e6, 1)} M. (d) is checked in its setup: three steps on two cores give");
        md.AppendLine("parameters and clipped gradients bit-identical to three steps of (c) from the same seed, or the run fails.");
        if (paired is { } ps)
        {
            md.AppendLine();
            md.AppendLine($"(d) against (c) in alternation, after the benchmarks: {ps.Rounds} rounds of {ps.StepsPerRound} steps on one core then {ps.StepsPerRound} on two (each side after one untimed step), "
                + $"each round's time on one core over its time on two: median {F(ps.Median, 2)}×, 10th–90th percentile {F(ps.P10, 2)}–{F(ps.P90, 2)}×. "
                + "BenchmarkDotNet measures (c) and (d) minutes apart, and this VM's speed drifts by up to a third over seconds; the rounds compare the two in the same state.");
        }

        Figure? d = Get(nameof(TrainingBenchmarks), nameof(TrainingBenchmarks.RnnGenTwoCores));
        Figure? t1 = Get(nameof(TrainingBenchmarks), nameof(TrainingBenchmarks.LibTorchOneThread));
        if (c1 is not null)
        {
            double gflops = Workloads.TrainingFlops / c1.Value.Ns;
            targets.Add($"(c) ≥ 2× faster than libtorch, one thread: {(t1 is null ? "not measured in this run" : $"{F(t1.Value.Ns / c1.Value.Ns, 2)}×")}"
                + $" (against the issue's 12.4 ms: {F(Workloads.LibTorchAnchorTrainingNs / c1.Value.Ns, 2)}×); "
                + $"≥ 50 % of the roofline: {Pct(gflops / Workloads.AnchorRooflineGflops)}");
            if (d is not null)
            {
                targets.Add($"(d) ≥ 1.7× the throughput of (c): {F(c1.Value.Ns / d.Value.Ns, 2)}× from the medians above"
                    + (paired is { } pr ? $", {F(pr.Median, 2)}× in alternation (median of {pr.Rounds} rounds; 10–90 %: {F(pr.P10, 2)}–{F(pr.P90, 2)}×)" : string.Empty)
                    + $"; bit-identical: checked (the two cores' FMA throughput at once, best / median / worst: {Both(machine.BothCoresBefore)} one core's before the run, {Both(machine.BothCoresAfter)} after)");
            }

        }

        // Zero allocation: the probe covers every Rnn.Gen workload, whatever the filter of this run.
        static string Yes(bool free) => free ? "yes" : "NO";
        bool AllFree(string prefix) => allocations.Where(a => a.Key.StartsWith(prefix, StringComparison.Ordinal)).All(a => a.Value == 0);
        targets.Add($"zero bytes allocated per call on the calling thread: (a) {Yes(AllFree("LstmStream") && AllFree("GruStream"))}, "
            + $"(b) {Yes(AllFree("LstmSequence") && AllFree("GruSequence"))}, (c) {Yes(AllFree("Training (c)"))}, (d) {Yes(AllFree("Training (d)"))}");

        md.AppendLine();
        md.AppendLine("## Targets of issue 6, as this run measured them");
        md.AppendLine();
        foreach (string line in targets)
        {
            md.AppendLine($"- {line}");
        }

        File.WriteAllText(path, md.ToString().Replace("\r\n", "\n"));
    }

    private static string Key(string type, string method, params string[] parameters) =>
        string.Join("|", new[] { $"{type}.{method}" }.Concat(parameters));

    private static string Both(BothCores b) => $"{F(b.Best, 2)} / {F(b.Median, 2)} / {F(b.Worst, 2)}×";

    private static string F(double value, int decimals) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    private static string Pct(double fraction) => double.IsFinite(fraction) ? $"{fraction * 100:F0} %" : "—";

    private static string A(double? bytes) => bytes is null ? "?" : bytes.Value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A peer's time in the table's unit, and how many times Rnn.Gen's it is.</summary>
    private static string Peer(Figure? peer, double rnnGenNs, double unit) =>
        peer is null ? "—" : $"{F(peer.Value.Ns / unit, unit == 1 ? 0 : 1)} ({F(peer.Value.Ns / rnnGenNs, 1)}×)";

    private static string Ratio(double? peerNs, double rnnGenNs, double unit) =>
        peerNs is null ? "—" : $"{F(peerNs.Value / unit, unit == 1 ? 0 : 1)} ({F(peerNs.Value / rnnGenNs, 1)}×)";
}
