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
    /// Both cores' FMA throughput when they run at once, over one core's alone (<see cref="MeasureBothCores"/>), at the
    /// start and at the end of the run: about 2 when the VM's two cores are two physical cores, about 1 when the host
    /// runs them on the two hardware threads of one core (then (d) cannot be much faster than (c), whatever the code).
    /// The worst tries show the moments when the host slowed one of the two.
    /// </summary>
    public BothCores BothCoresBefore { get; init; }

    public BothCores BothCoresAfter { get; set; }

    /// <summary>The first-level data cache and the second-level cache of one core, in KB (from sysfs; 0 where unknown).</summary>
    public int L1DataKb { get; init; }

    public int L2Kb { get; init; }

    public int L3Kb { get; init; }

    /// <summary>
    /// Measured single-core read bandwidths from each cache level, GB/s: the widest vector loads summed into 8
    /// accumulators over a buffer of that level's probe size (<see cref="L1ProbeKb"/>, <see cref="L2ProbeKb"/>,
    /// <see cref="L3ProbeKb"/>), again and again (best of 25 short tries). An upper bound for any kernel that streams
    /// weights of that size from that level once per step; 0 where the level is unknown.
    /// </summary>
    public double L1ReadGBps { get; init; }

    public double L2ReadGBps { get; init; }

    public double L3ReadGBps { get; init; }

    /// <summary>Half the L1 data cache (16 KB where unknown): room for the probe and the stack.</summary>
    public int L1ProbeKb => Math.Max(16, L1DataKb / 2);

    /// <summary>The L2 probe's buffer: LSTM(128)'s packed W_hhᵀ, 128 × 512 floats, five times a 48 KB L1 and within L2.</summary>
    public const int L2ProbeKb = 256;

    /// <summary>Twice the L2, or halfway between L2 and L3 when L3 is less than 4 × L2; 0 where L3 is unknown.</summary>
    public int L3ProbeKb => L3Kb == 0 ? 0 : L3Kb >= 4 * L2Kb ? 2 * L2Kb : (L2Kb + L3Kb) / 2;

    /// <summary>The highest FMA peak measured on one core (AVX-512 where it runs, else AVX2): the compute floors divide by it.</summary>
    public double PeakGflops => Math.Max(Avx2FmaGflops, Avx512FmaGflops);

    /// <summary>
    /// The cache level a working set of <paramref name="bytes"/> fits in (the smallest whose size holds it) and that
    /// level's measured read bandwidth; beyond L3, L3's figure (an upper bound on memory's).
    /// </summary>
    public (string Level, double GBps) ReadBandwidth(double bytes) =>
        bytes <= L1DataKb * 1024.0 ? ("L1", L1ReadGBps)
        : bytes <= L2Kb * 1024.0 || L3Kb == 0 ? ("L2", L2ReadGBps)
        : bytes <= L3Kb * 1024.0 ? ("L3", L3ReadGBps)
        : ("L3+", L3ReadGBps);

    /// <summary>
    /// Whether Rnn.Gen's runtime kernels run at 512 bits here: they take <see cref="Vector512{T}"/> when it is hardware
    /// accelerated, else <see cref="Vector256{T}"/> (<c>Simd.Preferred</c> in src/Rnn.Gen/Kernels/MatrixKernels.cs).
    /// </summary>
    public bool KernelsUse512 { get; init; } = Vector512.IsHardwareAccelerated;

    /// <summary>The measured peak at the kernels' vector width: what the "% of this core's peak" columns divide by.</summary>
    public double KernelPeakGflops => KernelsUse512 ? Avx512FmaGflops : Avx2FmaGflops;

    /// <summary>Names the width of <see cref="KernelPeakGflops"/>: "AVX-512" or "AVX2".</summary>
    public string KernelPeakName => KernelsUse512 ? "AVX-512" : "AVX2";

    public static Machine Describe() => new Machine()
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
        L1DataKb = CacheKb(level: 1, type: "Data"),
        L2Kb = CacheKb(level: 2, type: "Unified"),
        L3Kb = CacheKb(level: 3, type: "Unified"),
    }.WithBandwidths();

    /// <summary>Measures the read bandwidth of each cache level (each try reads about 128 MB, a millisecond or so).</summary>
    private Machine WithBandwidths() => new()
    {
        Cpu = Cpu, Cores = Cores, Isa = Isa, LoadBefore = LoadBefore, Avx2FmaGflops = Avx2FmaGflops, Avx512FmaGflops = Avx512FmaGflops,
        L1DataKb = L1DataKb, L2Kb = L2Kb, L3Kb = L3Kb,
        L1ReadGBps = MeasureReadBest(L1ProbeKb),
        L2ReadGBps = MeasureReadBest(L2ProbeKb),
        L3ReadGBps = L3ProbeKb == 0 ? 0 : MeasureReadBest(L3ProbeKb),
        BothCoresBefore = MeasureBothCores(),
    };

    /// <summary>
    /// Two threads run the FMA probe of the kernels' width at the same moment (25 tries, each started together): the
    /// best, median and worst try's summed GFLOP/s over the same probe's best on one thread alone.
    /// </summary>
    public static BothCores MeasureBothCores()
    {
        Func<long, double> probe = Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? MeasureFma512 : Fma.IsSupported ? MeasureFma256 : _ => 0;
        double alone = Best(probe);
        if (alone == 0 || Environment.ProcessorCount < 2)
        {
            return default;
        }

        const int Tries = 25;
        var results = new double[2, Tries];
        using var start = new System.Threading.Barrier(2);
        var other = new System.Threading.Thread(() => Run(1));
        other.Start();
        Run(0);
        other.Join();
        var sums = new double[Tries];
        for (int i = 0; i < Tries; i++)
        {
            sums[i] = (results[0, i] + results[1, i]) / alone;
        }

        Array.Sort(sums);
        return new BothCores(sums[^1], sums[Tries / 2], sums[0]);

        void Run(int thread)
        {
            probe(1_000_000);
            for (int i = 0; i < Tries; i++)
            {
                start.SignalAndWait();
                results[thread, i] = probe(4_000_000);
            }
        }
    }

    /// <summary>The size of cpu0's cache of that level and type, from /sys/devices/system/cpu/cpu0/cache.</summary>
    private static int CacheKb(int level, string type)
    {
        try
        {
            foreach (string index in Directory.EnumerateDirectories("/sys/devices/system/cpu/cpu0/cache", "index*"))
            {
                if (File.ReadAllText(Path.Combine(index, "level")).Trim() == level.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    && File.ReadAllText(Path.Combine(index, "type")).Trim() == type)
                {
                    string size = File.ReadAllText(Path.Combine(index, "size")).Trim();
                    return size.EndsWith('K') && int.TryParse(size[..^1], out int kb) ? kb : 0;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }

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

    private static double Best(Func<long, double> measure, long warmUp = 1_000_000, long count = 4_000_000)
    {
        measure(warmUp); // JIT and warm up
        double best = 0;
        for (int i = 0; i < 25; i++) // many short tries: on a shared machine the best one ran alone
        {
            best = Math.Max(best, measure(count));
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

    private static double MeasureReadBest(int kb)
    {
        long passes = Math.Max(1, 128L * 1024 / kb); // 128 MB a try
        return Best(p => MeasureRead(kb, p), warmUp: Math.Max(1, passes / 5), count: passes);
    }

    /// <summary>GB/s of <paramref name="passes"/> reads of a <paramref name="kb"/> KB buffer (its first pass outside the timing).</summary>
    private static unsafe double MeasureRead(int kb, long passes)
    {
        int floats = kb * 1024 / sizeof(float);
        float* buffer = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
        try
        {
            new Span<float>(buffer, floats).Fill(1e-3f);
            Sink = ReadPasses(buffer, floats, 1);
            long start = Stopwatch.GetTimestamp();
            Sink = ReadPasses(buffer, floats, passes);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return passes * (double)floats * sizeof(float) / seconds / 1e9;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>The timed loop of <see cref="MeasureRead"/>: every float of the buffer, <paramref name="passes"/> times, summed in 8 vector accumulators.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static unsafe float ReadPasses(float* buffer, int floats, long passes)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (long pass = 0; pass < passes; pass++)
            {
                for (float* p = buffer, end = buffer + floats; p < end; p += 8 * 16)
                {
                    a0 += Vector512.Load(p); a1 += Vector512.Load(p + 16); a2 += Vector512.Load(p + 32); a3 += Vector512.Load(p + 48);
                    a4 += Vector512.Load(p + 64); a5 += Vector512.Load(p + 80); a6 += Vector512.Load(p + 96); a7 += Vector512.Load(p + 112);
                }
            }

            return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7).ToScalar();
        }

        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        for (long pass = 0; pass < passes; pass++)
        {
            for (float* p = buffer, end = buffer + floats; p < end; p += 8 * 8)
            {
                b0 += Vector256.Load(p); b1 += Vector256.Load(p + 8); b2 += Vector256.Load(p + 16); b3 += Vector256.Load(p + 24);
                b4 += Vector256.Load(p + 32); b5 += Vector256.Load(p + 40); b6 += Vector256.Load(p + 48); b7 += Vector256.Load(p + 56);
            }
        }

        return (b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7).ToScalar();
    }

    /// <summary>Keeps the measured chains alive.</summary>
    public static float Sink { get; private set; }
}

/// <summary>Both cores' FMA throughput at once over one core's (<see cref="Machine.MeasureBothCores"/>): the best, median and worst of the tries.</summary>
public readonly record struct BothCores(double Best, double Median, double Worst);
