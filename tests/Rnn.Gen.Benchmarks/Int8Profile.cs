using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// <c>--profile int8</c> (issue 17, target 3): the int8 workloads of <see cref="Int8StreamingBenchmarks"/> and
/// <see cref="Int8SequenceBenchmarks"/> (float32, int8, int8 + fast activations, RTNeural's -march=native builds when
/// <c>--rtneural</c> names their folder) timed in alternation, the fastest sample of each kept. Every workload is set
/// up and warmed up (5 s, all of them in turn) before any is timed; then 20 passes over the workloads, each pass 100
/// rounds of one sample of each variant per workload, so that every variant is sampled at the same moments as the
/// others of its workload and across the whole run (about 10 s), with its caches warm from the rounds before. Not a
/// benchmark: on this VM the whole machine's speed drifts by up to a third between moments (and BenchmarkDotNet's cases
/// run minutes apart). Timing each workload's variants in one block of seconds after setting it up, as this profile did
/// first, left workloads set up late to be measured while their code was still being tiered. Each variant runs
/// through the benchmark class's own setup and method.
/// </summary>
public static class Int8Profile
{
    private const int Rounds = 2000, Passes = 20;

    public static void Run()
    {
        Console.WriteLine($"load average {Machine.LoadAverage()}; RTNeural: {(Peers.RtNeuralPeer.Directory is null ? "not measured (no --rtneural)" : "Eigen and xsimd, -march=native")}");
        var workloads = new List<(string Name, List<(string Name, Action Run, int Steps)> Variants, double Unit)>();
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru })
        {
            foreach (int hidden in new[] { 64, 128 })
            {
                workloads.Add(($"{cell.ToString().ToUpperInvariant()} I=H={hidden} Step, ns",
                    Variants(() => new Int8StreamingBenchmarks { Cell = cell, Hidden = hidden }, Streaming(), StreamingBenchmarks.StepsPerInvoke), 1.0));
            }
        }

        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru })
        {
            workloads.Add(($"{cell.ToString().ToUpperInvariant()}(128) T=100 Predict, µs", Variants(() => new Int8SequenceBenchmarks { Cell = cell }, Sequence(), 1), 1e-3));
        }

        Report(workloads);
        Console.WriteLine($"load average {Machine.LoadAverage()}");
    }

    /// <summary>One instance of the benchmark class per method, set up by that method's setup (RTNeural's only when its library was built).</summary>
    private static List<(string Name, Action Run, int Steps)> Variants<T>(Func<T> create, IEnumerable<(string Method, Action<T> Setup, Action<T> Run)> methods, int steps)
    {
        var variants = new List<(string Name, Action Run, int Steps)>();
        foreach ((string method, Action<T> setup, Action<T> run) in methods)
        {
            if (method.StartsWith("RtNeural", StringComparison.Ordinal) && !Peers.RtNeuralPeer.Has(method))
            {
                continue;
            }

            T b = create();
            setup(b);
            variants.Add((method, () => run(b), steps));
        }

        return variants;
    }

    private static IEnumerable<(string, Action<Int8StreamingBenchmarks>, Action<Int8StreamingBenchmarks>)> Streaming() =>
    [
        (nameof(Int8StreamingBenchmarks.Float32), b => b.SetupFloat32(), b => b.Float32()),
        (nameof(Int8StreamingBenchmarks.Int8), b => b.SetupInt8(), b => b.Int8()),
        (nameof(Int8StreamingBenchmarks.Int8Fast), b => b.SetupInt8Fast(), b => b.Int8Fast()),
        (nameof(Int8StreamingBenchmarks.RtNeuralEigenNative), b => b.SetupEigen(), b => b.RtNeuralEigenNative()),
        (nameof(Int8StreamingBenchmarks.RtNeuralXsimdNative), b => b.SetupXsimd(), b => b.RtNeuralXsimdNative()),
    ];

    private static IEnumerable<(string, Action<Int8SequenceBenchmarks>, Action<Int8SequenceBenchmarks>)> Sequence() =>
    [
        (nameof(Int8SequenceBenchmarks.Float32), b => b.SetupFloat32(), b => b.Float32()),
        (nameof(Int8SequenceBenchmarks.Int8), b => b.SetupInt8(), b => b.Int8()),
        (nameof(Int8SequenceBenchmarks.Int8Fast), b => b.SetupInt8Fast(), b => b.Int8Fast()),
        (nameof(Int8SequenceBenchmarks.RtNeuralEigenNative), b => b.SetupEigen(), b => b.RtNeuralEigenNative()),
        (nameof(Int8SequenceBenchmarks.RtNeuralXsimdNative), b => b.SetupXsimd(), b => b.RtNeuralXsimdNative()),
    ];

    /// <summary>
    /// Times every workload's variants in alternation, round after round over all workloads, and prints the fastest
    /// sample of each, per step (or per call), scaled by the workload's unit.
    /// </summary>
    private static void Report(List<(string Name, List<(string Name, Action Run, int Steps)> Variants, double Unit)> workloads)
    {
        double[][] fastest = workloads.Select(w => w.Variants.Select(_ => double.MaxValue).ToArray()).ToArray();
        long warmUpEnd = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmUpEnd)
        {
            foreach (var workload in workloads)
            {
                foreach ((_, Action run, _) in workload.Variants)
                {
                    run();
                }
            }
        }

        for (int pass = 0; pass < Passes; pass++)
        {
            for (int w = 0; w < workloads.Count; w++)
            {
                var variants = workloads[w].Variants;
                for (int round = 0; round < Rounds / Passes; round++)
                {
                    for (int v = 0; v < variants.Count; v++)
                    {
                        long start = Stopwatch.GetTimestamp();
                        variants[v].Run();
                        double sample = (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency / variants[v].Steps * workloads[w].Unit;
                        fastest[w][v] = Math.Min(fastest[w][v], sample);
                    }
                }
            }
        }

        Console.WriteLine($"{"workload",-26} {"float32",10} {"int8",10} {"int8+fast",10} {"RTNeural best",14} {"build",-22} {"int8 ×f32",9} {"×RTN",6} {"i8fast ×f32",11} {"×RTN",6}");
        for (int w = 0; w < workloads.Count; w++)
        {
            var variants = workloads[w].Variants;
            double[] mine = fastest[w];
            double Best(string method) => variants.FindIndex(v => v.Name == method) is int i and >= 0 ? mine[i] : double.NaN;
            double f32 = Best("Float32"), i8 = Best("Int8"), i8f = Best("Int8Fast");
            double eigen = Best("RtNeuralEigenNative"), xsimd = Best("RtNeuralXsimdNative");
            double rtn = double.IsNaN(eigen) ? xsimd : double.IsNaN(xsimd) ? eigen : Math.Min(eigen, xsimd);
            string build = double.IsNaN(rtn) ? "not measured" : rtn == eigen ? "Eigen, -march=native" : "xsimd, -march=native";
            Console.WriteLine($"{workloads[w].Name,-26} {f32,10:F1} {i8,10:F1} {i8f,10:F1} {rtn,14:F1} {build,-22} {f32 / i8,8:F2}× {rtn / i8,5:F2}× {f32 / i8f,10:F2}× {rtn / i8f,5:F2}×");
        }
    }
}
