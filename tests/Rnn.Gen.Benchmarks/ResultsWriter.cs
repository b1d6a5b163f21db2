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

        // RTNeural: the fastest of the builds measured for a workload, and that build's name.
        (Figure? Best, string? Build) BestRtNeural(string type, string[] parameters) => Peers.RtNeuralPeer.Variants
            .Select(v => (Figure: Get(type, v.Method, parameters), v.Label))
            .Where(v => v.Figure is not null)
            .OrderBy(v => v.Figure!.Value.Ns)
            .Select(v => (v.Figure, (string?)v.Label))
            .FirstOrDefault();
        List<string> rtNeural = Peers.RtNeuralPeer.Variants
            .Where(v => figures.Keys.Any(k => k.Contains($".{v.Method}|", StringComparison.Ordinal)))
            .Select(v => v.Label).ToList();

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
        md.AppendLine($"- caches of one core: L1 data {machine.L1DataKb} KB, L2 {machine.L2Kb} KB, L3 {(machine.L3Kb == 0 ? "unknown" : $"{machine.L3Kb} KB")}; "
            + $"measured read bandwidth on one core (a buffer read again and again in vector loads, best of 25 short tries): "
            + $"L1 {F(machine.L1ReadGBps, 1)} GB/s ({machine.L1ProbeKb} KB), L2 {F(machine.L2ReadGBps, 1)} GB/s ({Machine.L2ProbeKb} KB)"
            + (machine.L3ProbeKb > 0 ? $", L3 {F(machine.L3ReadGBps, 1)} GB/s ({machine.L3ProbeKb} KB)" : ""));
        md.AppendLine($"- floors: a workload's floor is the larger of its flops at this core's measured FMA peak ({F(machine.PeakGflops, 1)} GFLOP/s) and its weight bytes "
            + "at the measured read bandwidth of the cache level its weights fit in; \"% of floor\" is the time over that floor (100 % = at the floor). "
            + $"The \"% of peak\" columns divide by the peak at the width the runtime kernels use ({machine.KernelPeakName}, {F(corePeak, 1)} GFLOP/s): "
            + $"{(machine.KernelsUse512 ? "Vector512 (accelerated here)" : "Vector256 (Vector512 is not accelerated here)")}");
        md.AppendLine($"- RTNeural peers: {(rtNeural.Count > 0 ? $"on ({string.Join("; ", rtNeural)}; g++ -O3, compile-time API; each row shows the fastest build and names it)" : "not measured (no RTNeural source tree given: see README.md)")}");
        md.AppendLine($"- BenchmarkDotNet job: {job}{(job is "short" or "dry" ? " (few iterations: indicative, not final)" : "")}; "
            + $"libtorch peers: {(torch ? "on (TorchSharp-cpu 0.107.0, torch.set_num_threads(1) unless said)" : "off")}; "
            + $"ONNX Runtime peers: {(onnx ? "on (Microsoft.ML.OnnxRuntime 1.31.1, one thread, IOBinding over pinned buffers)" : "off")}");
        md.AppendLine($"- load average (1/5/15 min) before: {machine.LoadBefore}, after: {machine.LoadAfter}"
            + " — the run itself adds about 1 (2 during (d)); more means other work shared the cores and the figures are noisy");
        md.AppendLine($"- other processes' CPU use while each case ran (from /proc/stat, in cores; column \"others' CPU\"): "
            + $"{loaded} of {load.Count} cases ran with more than 0.25 core busy elsewhere (marked ⚠ in the Rnn.Gen rows)");
        md.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(commit is null ? "" : $"; revision {commit}")}");
        md.AppendLine();
        md.AppendLine("Every figure below was measured in this run, on this machine: no column quotes another machine.");
        md.AppendLine();
        md.AppendLine("\"alloc B\" is Rnn.Gen's bytes allocated per call on the calling thread (GC.GetAllocatedBytesForCurrentThread over 64 calls");
        md.AppendLine("after warm-up; `AllocationProbe`), exact. BenchmarkDotNet's own Allocated column (in BenchmarkDotNet.Artifacts/) can also count");
        md.AppendLine("other threads of the process: a few bytes per call on calls of milliseconds.");
        md.AppendLine();
        md.AppendLine("Flops: an LSTM step 8·H·(I+H) + 12·H, a GRU step 6·H·(I+H) + 11·H (matrix products plus the element-wise gate");
        md.AppendLine("arithmetic; sigmoid/tanh not counted), Dense(1) 2·H + 1; a training step 3 × the forward flops of the batch.");
        md.AppendLine("Weight bytes: a step reads G·H·(I+H) matrix floats and G·H biases (plus the GRU's b_hn, H), Dense(1) H + 1; a streamed sample");
        md.AppendLine("reads all of them; a sequence reads the recurrent matrix and biases every step and the input matrix and head once.");

        // (a) streaming
        md.AppendLine();
        md.AppendLine("## (a) Streaming `Step`, one sample at a time (ns per sample)");
        md.AppendLine();
        md.AppendLine("| cell | I | H | head | Rnn.Gen ns | alloc B | Rnn.Gen fast ns (% of floor) | plain C# ns | libtorch ns | ONNX RT ns | RTNeural ns (best build) | flops | weight KB (level) | floor ns (bound) | Rnn.Gen % of floor | RTNeural % of floor | GFLOP/s | % of peak | others' CPU |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        int rtRows = 0, rtBeaten = 0;
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
                        Floor floor = Workloads.StreamingFloor(machine, cell, i, h, dense);
                        double gflops = floor.Flops / rg.Value.Ns;
                        (Figure? rt, string? build) = BestRtNeural(nameof(StreamingBenchmarks), p);
                        if (rt is not null)
                        {
                            rtRows++;
                            rtBeaten += rg.Value.Ns < rt.Value.Ns ? 1 : 0;
                        }

                        double? bytes = Probe($"{cell}Stream_I{(input == InputKind.One ? "1" : "H")}_H{h}{(dense ? "_Dense" : "")}");
                        md.AppendLine($"| {cell.ToString().ToUpperInvariant()} | {i} | {h} | {(dense ? "Dense(1)" : "—")} | {F(rg.Value.Ns, 0)} | {A(bytes)} "
                            + $"| {Fast(Get(nameof(StreamingBenchmarks), nameof(StreamingBenchmarks.RnnGenFast), p), floor, 1)} "
                            + $"| {Peer(Get(nameof(StreamingBenchmarks), nameof(StreamingBenchmarks.PlainCSharp), p), rg.Value.Ns, 1)} "
                            + $"| {Peer(Get(nameof(StreamingBenchmarks), nameof(StreamingBenchmarks.LibTorch), p), rg.Value.Ns, 1)} "
                            + $"| {Peer(Get(nameof(StreamingBenchmarks), nameof(StreamingBenchmarks.OnnxRuntime), p), rg.Value.Ns, 1)} "
                            + $"| {RtCell(rt, build, rg.Value.Ns, 1)} | {F(floor.Flops, 0)} | {F(floor.Bytes / 1024, 1)} ({floor.Level}) | {F(floor.Ns, 1)} ({floor.Bound}) "
                            + $"| {OfFloor(rg.Value.Ns, floor)} | {(rt is null ? "—" : OfFloor(rt.Value.Ns, floor))} | {F(gflops, 1)} | {Pct(gflops / corePeak)} "
                            + $"| {Load(nameof(StreamingBenchmarks), nameof(StreamingBenchmarks.RnnGen), p)} |");
                    }
                }
            }
        }

        targets.Add(rtRows > 0
            ? $"(a) faster than RTNeural's best build, same run: {rtBeaten} of {rtRows} rows"
            : "(a) against RTNeural: not measured (no RTNeural source tree given)");

        // (b) sequences
        md.AppendLine();
        md.AppendLine($"## (b) Whole-sequence `Predict`: input {Workloads.SequenceInput}, {Workloads.SequenceSteps} steps, batch 1, + Dense(1) (µs per sequence)");
        md.AppendLine();
        md.AppendLine("| cell | H | Rnn.Gen µs | alloc B | Rnn.Gen fast µs (% of floor) | plain C# µs | libtorch µs | ONNX RT µs | RTNeural µs (best build) | flops | weight bytes read (level) | floor µs (bound) | Rnn.Gen % of floor | RTNeural % of floor | GFLOP/s | % of peak | others' CPU |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        int seqRows = 0, seqRt = 0, seqRtRows = 0, seqTorch = 0, seqTorchRows = 0;
        var shortOfTorch = new List<string>();
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

                double ns = rg.Value.Ns;
                Floor floor = Workloads.SequenceFloor(machine, cell, h);
                double gflops = floor.Flops / ns;
                (Figure? rt, string? build) = BestRtNeural(nameof(SequenceBenchmarks), p);
                Figure? lt = Get(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.LibTorch), p);
                seqRows++;
                if (rt is not null)
                {
                    seqRtRows++;
                    seqRt += ns < rt.Value.Ns ? 1 : 0;
                }

                if (lt is not null)
                {
                    seqTorchRows++;
                    seqTorch += lt.Value.Ns >= 4 * ns ? 1 : 0;
                    if (lt.Value.Ns < 4 * ns)
                    {
                        // Whether 4× libtorch is possible at all here: a quarter of libtorch's time against this machine's floor.
                        shortOfTorch.Add($"{cell.ToString().ToUpperInvariant()} H = {h} at {F(lt.Value.Ns / ns, 1)}×: a quarter of libtorch's time is "
                            + $"{F(lt.Value.Ns / 4 / 1000, 1)} µs, {OfFloor(lt.Value.Ns / 4, floor)} of the floor ({F(floor.Ns / 1000, 1)} µs, {floor.Bound}); Rnn.Gen is at {OfFloor(ns, floor)}");
                    }
                }

                double? bytes = Probe($"{cell}Sequence_I16_H{h}");
                md.AppendLine($"| {cell.ToString().ToUpperInvariant()} | {h} | {F(ns / 1000, 1)} | {A(bytes)} "
                    + $"| {Fast(Get(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.RnnGenFast), p), floor, 1000)} "
                    + $"| {Peer(Get(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.PlainCSharp), p), ns, 1000)} "
                    + $"| {Peer(lt, ns, 1000)} | {Peer(Get(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.OnnxRuntime), p), ns, 1000)} | {RtCell(rt, build, ns, 1000)} "
                    + $"| {F(floor.Flops, 0)} | {F(floor.Bytes / 1024, 0)} KB ({floor.Level}) | {F(floor.Ns / 1000, 1)} ({floor.Bound}) "
                    + $"| {OfFloor(ns, floor)} | {(rt is null ? "—" : OfFloor(rt.Value.Ns, floor))} | {F(gflops, 1)} | {Pct(gflops / corePeak)} "
                    + $"| {Load(nameof(SequenceBenchmarks), nameof(SequenceBenchmarks.RnnGen), p)} |");
            }
        }

        if (seqRows > 0)
        {
            targets.Add((seqRtRows > 0 ? $"(b) faster than RTNeural's best build, same run: {seqRt} of {seqRtRows}" : "(b) against RTNeural: not measured")
                + $"; ≥ 4× faster than libtorch (this run): {(seqTorchRows > 0 ? $"{seqTorch} of {seqTorchRows}" : "not measured")}"
                + (shortOfTorch.Count > 0 ? $" (where not: {string.Join("; ", shortOfTorch)})" : string.Empty));
        }

        // (c), (d) training
        md.AppendLine();
        md.AppendLine($"## (c), (d) Training step: LSTM I={Workloads.TrainInput} H={Workloads.TrainHidden}, {Workloads.TrainSteps} steps, batch {Workloads.TrainBatch}, Dense(1), MSE, clip 1.0, Adam (ms per step)");
        md.AppendLine();
        md.AppendLine("| implementation | cores | ms | alloc B (Rnn.Gen) | time / Rnn.Gen (c) | GFLOP/s | % of this core's peak × cores | CPU used (cores) | others' CPU |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
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
                + $"| {F(gflops, 1)} | {Pct(gflops / (cores * corePeak))} "
                + $"| {(load.TryGetValue(Key(nameof(TrainingBenchmarks), method), out var l) ? F(l.Self, 2) : "—")} | {Load(nameof(TrainingBenchmarks), method)} |");
        }

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
            targets.Add($"(c) ≥ 2× faster than libtorch, one thread: {(t1 is null ? "not measured in this run" : $"{F(t1.Value.Ns / c1.Value.Ns, 2)}×")}; "
                + $"{Pct(gflops / corePeak)} of this core's measured {machine.KernelPeakName} peak");
            if (d is not null)
            {
                targets.Add($"(d) ≥ 1.7× the throughput of (c): {F(c1.Value.Ns / d.Value.Ns, 2)}× from the medians above"
                    + (paired is { } pr ? $", {F(pr.Median, 2)}× in alternation (median of {pr.Rounds} rounds; 10–90 %: {F(pr.P10, 2)}–{F(pr.P90, 2)}×)" : string.Empty)
                    + $"; bit-identical: checked (the two cores' FMA throughput at once, best / median / worst: {Both(machine.BothCoresBefore)} one core's before the run, {Both(machine.BothCoresAfter)} after)");
            }

        }

        // Every other benchmark class (convolutions, embeddings, decoders, translation, many streams, int8, ...): a generic table.
        WriteOtherWorkloads(md, summaries, load);

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

    /// <summary>The classes with a table of their own above; every other class gets the generic table of <see cref="WriteOtherWorkloads"/>.</summary>
    private static readonly HashSet<Type> TabledTypes = [typeof(StreamingBenchmarks), typeof(SequenceBenchmarks), typeof(TrainingBenchmarks)];

    /// <summary>
    /// One section per other benchmark class that ran: every case's median, BenchmarkDotNet's allocated bytes per
    /// operation, and its time over the class's baseline method with the same parameters (above 1, slower than it).
    /// </summary>
    private static void WriteOtherWorkloads(StringBuilder md, IReadOnlyList<Summary> summaries, IReadOnlyDictionary<string, (double Others, double Self)> load)
    {
        var reports = summaries.SelectMany(s => s.Reports)
            .Where(r => r.ResultStatistics is not null && !TabledTypes.Contains(r.BenchmarkCase.Descriptor.Type))
            .ToList();
        foreach (var type in reports.GroupBy(r => r.BenchmarkCase.Descriptor.Type).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            md.AppendLine();
            md.AppendLine($"## {type.Key.Name}");
            md.AppendLine();
            md.AppendLine("| method | parameters | median | time / baseline | allocated B/op (BenchmarkDotNet) | others' CPU |");
            md.AppendLine("|---|---|---|---|---|---|");
            string Parameters(BenchmarkCase c) => string.Join(", ", c.Parameters.Items.Select(p => $"{p.Name}={p.Value}"));
            var baselines = type.Where(r => r.BenchmarkCase.Descriptor.Baseline)
                .GroupBy(r => Parameters(r.BenchmarkCase))
                .ToDictionary(g => g.Key, g => g.First().ResultStatistics!.Median);
            // Parameter sets in the order BenchmarkDotNet ran them; within one, the methods in declaration order.
            foreach (BenchmarkReport report in type.GroupBy(r => Parameters(r.BenchmarkCase))
                .SelectMany(g => g.OrderBy(r => r.BenchmarkCase.Descriptor.WorkloadMethod.MetadataToken)))
            {
                BenchmarkCase c = report.BenchmarkCase;
                double median = report.ResultStatistics!.Median;
                string ratio = baselines.TryGetValue(Parameters(c), out double baseline) ? $"{F(median / baseline, 2)}×" : "—";
                long? allocated = report.GcStats.GetBytesAllocatedPerOperation(c);
                string others = load.TryGetValue(Key(c), out var l) ? F(l.Others, 2) + (l.Others > 0.25 ? " ⚠" : "") : "—";
                md.AppendLine($"| {c.Descriptor.WorkloadMethod.Name} | {Parameters(c)} | {Time(median)} | {ratio} | {(allocated is null ? "—" : allocated.Value.ToString(CultureInfo.InvariantCulture))} | {others} |");
            }
        }
    }

    /// <summary>A time in ns, µs or ms, whichever reads best.</summary>
    private static string Time(double ns) => ns switch
    {
        < 1e3 => $"{F(ns, 1)} ns",
        < 1e6 => $"{F(ns / 1e3, 2)} µs",
        _ => $"{F(ns / 1e6, 2)} ms",
    };

    private static string Key(string type, string method, params string[] parameters) =>
        string.Join("|", new[] { $"{type}.{method}" }.Concat(parameters));

    private static string Both(BothCores b) => $"{F(b.Best, 2)} / {F(b.Median, 2)} / {F(b.Worst, 2)}×";

    private static string F(double value, int decimals) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    private static string Pct(double fraction) => double.IsFinite(fraction) ? $"{fraction * 100:F0} %" : "—";

    private static string A(double? bytes) => bytes is null ? "?" : bytes.Value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A peer's time in the table's unit, and how many times Rnn.Gen's it is.</summary>
    private static string Peer(Figure? peer, double rnnGenNs, double unit) =>
        peer is null ? "—" : $"{F(peer.Value.Ns / unit, unit == 1 ? 0 : 1)} ({F(peer.Value.Ns / rnnGenNs, 1)}×)";

    /// <summary>RTNeural's best time, how many times Rnn.Gen's it is, and the build; "not measured" without RTNeural.</summary>
    private static string RtCell(Figure? best, string? build, double rnnGenNs, double unit) =>
        best is null ? "not measured" : $"{Peer(best, rnnGenNs, unit)}, {build}";

    /// <summary>The fast-activation twin's time (Activations = ActivationPrecision.Fast) in the table's unit and as a percentage of the floor; "—" where not measured.</summary>
    private static string Fast(Figure? fast, Floor floor, double unit) =>
        fast is null ? "—" : $"{F(fast.Value.Ns / unit, unit == 1 ? 0 : 1)} ({OfFloor(fast.Value.Ns, floor)})";

    /// <summary>A time as a percentage of the floor (100 % = at the floor).</summary>
    private static string OfFloor(double ns, Floor floor) => floor.Ns > 0 ? $"{ns / floor.Ns * 100:F0} %" : "—";
}
