using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.EventProcessors;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// Measures, for each benchmark case, how much CPU other processes used while it ran (from /proc/stat less this
/// process's own /proc/self/stat time) and how many cores this process kept busy: a row measured while others built
/// is marked, and a peer that uses more threads than it was given shows. Linux only; elsewhere it records nothing.
/// </summary>
public sealed class LoadMonitor : EventProcessor
{
    private (long Busy, long Total, long Self)? _start;

    /// <summary>Case key (as <see cref="ResultsWriter"/> builds it) → (others' CPU in cores, this process's CPU in cores).</summary>
    public Dictionary<string, (double Others, double Self)> Cases { get; } = new();

    public override void OnStartRunBenchmark(BenchmarkCase benchmarkCase) => _start = Read();

    public override void OnEndRunBenchmark(BenchmarkCase benchmarkCase, BenchmarkReport report)
    {
        if (_start is not { } start || Read() is not { } end || end.Total <= start.Total)
        {
            return;
        }

        double cores = Environment.ProcessorCount, total = end.Total - start.Total;
        double self = end.Self - start.Self, busy = end.Busy - start.Busy;
        Cases[ResultsWriter.Key(benchmarkCase)] = (Math.Max(0, (busy - self) / total * cores), self / total * cores);
    }

    /// <summary>Machine busy and total jiffies (all cores) and this process's user + system jiffies.</summary>
    private static (long Busy, long Total, long Self)? Read()
    {
        try
        {
            long[] cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            // user nice system idle iowait irq softirq steal (guest time is already in user)
            long idle = cpu[3] + cpu[4], busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + (cpu.Length > 7 ? cpu[7] : 0);
            string stat = File.ReadAllText("/proc/self/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the 3rd (state) on
            long self = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (14th, 15th)
            return (busy, busy + idle, self);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
