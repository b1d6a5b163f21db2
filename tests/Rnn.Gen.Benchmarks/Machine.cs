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

    /// <summary>Measured single-core FMA peak with 256-bit vectors, GFLOP/s (0 without FMA).</summary>
    public double Avx2FmaGflops { get; init; }

    /// <summary>Measured single-core FMA peak with 512-bit vectors, GFLOP/s (0 without AVX-512F).</summary>
    public double Avx512FmaGflops { get; init; }

    /// <summary>
    /// Whether Rnn.Gen's runtime kernels run at 512 bits here: they take <see cref="Vector512{T}"/> when it is hardware
    /// accelerated, else <see cref="Vector256{T}"/> (<c>Simd.Preferred</c> in src/Rnn.Gen/Kernels/MatrixKernels.cs).
    /// </summary>
    public bool KernelsUse512 { get; init; } = Vector512.IsHardwareAccelerated;

    /// <summary>The measured peak at the kernels' vector width: what the "% of this core's peak" columns divide by.</summary>
    public double KernelPeakGflops => KernelsUse512 ? Avx512FmaGflops : Avx2FmaGflops;

    /// <summary>Names the width of <see cref="KernelPeakGflops"/>: "AVX-512" or "AVX2".</summary>
    public string KernelPeakName => KernelsUse512 ? "AVX-512" : "AVX2";

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

    /// <summary>Independent FMA chains per measurement: with a latency of 4 cycles and 2 FMA units, 8 keep both units
    /// busy; 12 leave a margin for a longer latency and still fit in the 16 registers of AVX2 with the two constants.</summary>
    private const int Chains = 12;

    /// <summary>GFLOP/s of <see cref="Chains"/> independent chains of 256-bit FMAs (8 lanes × 2 flops) on this thread.</summary>
    private static double MeasureFma256(long iterations)
    {
        long start = Stopwatch.GetTimestamp();
        Sink = Fma256Chains(iterations);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return iterations * Chains * 8 * 2.0 / seconds / 1e9;
    }

    /// <summary>As <see cref="MeasureFma256"/> with 512-bit vectors (16 lanes).</summary>
    private static double MeasureFma512(long iterations)
    {
        long start = Stopwatch.GetTimestamp();
        Sink = Fma512Chains(iterations);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return iterations * Chains * 16 * 2.0 / seconds / 1e9;
    }

    /// <summary>The timed loop of <see cref="MeasureFma256"/>: <paramref name="iterations"/> × <see cref="Chains"/> FMAs; returns a lane of their sum.</summary>
    /// <remarks>
    /// A method of its own, with no call in it: every vector register is caller-saved on x64, and when the chains
    /// lived across the Stopwatch calls around the loop the JIT kept them on the stack for the whole method, so each
    /// FMA waited on a load and a store (a third of the AVX2 peak, a quarter of the AVX-512 one). The chains start from different values so that
    /// no compiler can merge them into one (gcc does with equal starts). Fully optimized from the first call: tier-0
    /// and on-stack-replacement code would keep the chains in memory too.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Fma256Chains(long iterations)
    {
        // a·m + c with m just below 1 and c tiny stays near the start value: no overflow, no denormals.
        Vector256<float> m = Vector256.Create(0.9999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1.00f), a1 = Vector256.Create(1.01f), a2 = Vector256.Create(1.02f), a3 = Vector256.Create(1.03f);
        Vector256<float> a4 = Vector256.Create(1.04f), a5 = Vector256.Create(1.05f), a6 = Vector256.Create(1.06f), a7 = Vector256.Create(1.07f);
        Vector256<float> a8 = Vector256.Create(1.08f), a9 = Vector256.Create(1.09f), a10 = Vector256.Create(1.10f), a11 = Vector256.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c); a2 = Fma.MultiplyAdd(a2, m, c); a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c); a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c); a9 = Fma.MultiplyAdd(a9, m, c); a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }

    /// <summary>As <see cref="Fma256Chains"/> with 512-bit vectors (see its remarks).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Fma512Chains(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.9999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1.00f), a1 = Vector512.Create(1.01f), a2 = Vector512.Create(1.02f), a3 = Vector512.Create(1.03f);
        Vector512<float> a4 = Vector512.Create(1.04f), a5 = Vector512.Create(1.05f), a6 = Vector512.Create(1.06f), a7 = Vector512.Create(1.07f);
        Vector512<float> a8 = Vector512.Create(1.08f), a9 = Vector512.Create(1.09f), a10 = Vector512.Create(1.10f), a11 = Vector512.Create(1.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c); a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c); a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }

    /// <summary>Keeps the measured chains alive.</summary>
    public static float Sink { get; private set; }
}
