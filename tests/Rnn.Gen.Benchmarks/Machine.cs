using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Gen.Benchmarks;

/// <summary>What the results file says about the machine: CPU, cores, .NET, vector ISA, load, measured FMA peak.</summary>
public sealed class Machine
{
    public string Cpu { get; init; } = "unknown";
    public int Cores { get; init; }
    public string DotNet { get; init; } = RuntimeInformation.FrameworkDescription;
    public string Os { get; init; } = RuntimeInformation.OSDescription;
    public string Isa { get; init; } = "";
    public string LoadBefore { get; init; } = "";
    public string LoadAfter { get; set; } = "";
    public double Avx2FmaGflops { get; init; }
    public double Avx512FmaGflops { get; init; }

    public static Machine Describe() => new()
    {
        Cpu = CpuModel(),
        Cores = Environment.ProcessorCount,
        Isa = string.Join(", ", new[]
        {
            ("AVX2", Avx2.IsSupported), ("FMA", Fma.IsSupported), ("AVX-512F", Avx512F.IsSupported),
            ("Vector512 accelerated", Vector512.IsHardwareAccelerated),
        }.Where(f => f.Item2).Select(f => f.Item1)),
        LoadBefore = LoadAverage(),
        Avx2FmaGflops = Fma.IsSupported ? Best(MeasureFma256) : 0,
        Avx512FmaGflops = Avx512F.IsSupported ? Best(MeasureFma512) : 0,
    };

    /// <summary>/proc/loadavg's 1, 5 and 15 minute averages (the other builds and runs on the machine).</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static double Best(Func<long, double> measure)
    {
        measure(1_000_000); // JIT and warm up
        double best = 0;
        for (int i = 0; i < 25; i++) // many short tries: on a shared machine the best one ran alone
        {
            best = Math.Max(best, measure(4_000_000));
        }

        return best;
    }

    /// <summary>GFLOP/s of 10 independent chains of 256-bit FMAs (8 lanes × 2 flops) on this thread.</summary>
    // Fully optimized from the first call: tier-0 and on-stack-replacement code would keep the chains in memory.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double MeasureFma256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.9999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c); a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c); a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c); a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c);
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Sink = (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9).GetElement(0);
        return iterations * 10.0 * 8 * 2 / seconds / 1e9;
    }

    /// <summary>As <see cref="MeasureFma256"/> with 512-bit vectors (16 lanes).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double MeasureFma512(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.9999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c); a2 = Avx512F.FusedMultiplyAdd(a2, m, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, c); a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c); a8 = Avx512F.FusedMultiplyAdd(a8, m, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Sink = (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9).GetElement(0);
        return iterations * 10.0 * 16 * 2 / seconds / 1e9;
    }

    /// <summary>Keeps the measured chains alive.</summary>
    public static float Sink { get; private set; }
}
