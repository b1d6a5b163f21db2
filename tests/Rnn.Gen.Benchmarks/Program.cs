using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// Runs the benchmarks of issue 6 in-process and, with <c>--results FILE</c>, writes the markdown results file.
/// </summary>
/// <remarks>
/// Options (the rest goes to BenchmarkDotNet, e.g. <c>--filter *Streaming*</c>):
/// <list type="bullet">
/// <item><c>--job dry|short|medium|default</c>: BenchmarkDotNet's job (default: short).</item>
/// <item><c>--torch</c>: include the libtorch peers (category <c>libtorch</c>); needs the process to run under
/// tests/tools/with-debian13-glibc on Debian 12.</item>
/// <item><c>--no-onnx</c>: leave out the ONNX Runtime peers (category <c>onnx</c>).</item>
/// <item><c>--rtneural DIR</c>: include the RTNeural peers (category <c>rtneural</c>), the libraries that
/// Peers/RTNeural/build.sh wrote to DIR; each build whose library is missing is left out.</item>
/// <item><c>--results FILE</c>: write the markdown results; <c>--commit TEXT</c>: the revision it names.</item>
/// <item><c>--check</c>: only run the determinism check of workload (d) and exit.</item>
/// <item><c>--profile</c>: a quick stopwatch breakdown for development (see <see cref="Profile"/>) and exit;
/// <c>--profile training</c>: only workloads (c) and (d), three times, and a half batch alone against both cores at once;
/// <c>--profile training-parts</c>: workload (c) kernel by kernel at the batch path's shapes, in thread CPU time;
/// <c>--profile streaming</c>: workload (a) with its Dense head at every size, twice; <c>--profile sequence</c>: (b), twice;
/// <c>--profile kernels</c>: the dense-kernel table alone; <c>--profile floor</c>: the streaming steps at H = 64 and 128 and
/// the H = 128 sequences against their L2 floors, with their products and cells timed apart, exact and with the fast
/// activations (<see cref="FloorProfile"/>); <c>--profile translation</c>: the translation model's three training steps
/// in turn, in thread CPU time (<see cref="ProfileTranslation"/>; libtorch needs the glibc wrapper as for <c>--torch</c>).</item>
/// </list>
/// Everything runs in this process (InProcessEmitToolchain): a child process would not get the newer C runtime that
/// libtorch needs.
/// </remarks>
public static class Program
{
    public static int Main(string[] args)
    {
        string jobName = "short";
        bool torch = false, onnx = true, checkOnly = false;
        string? results = null, commit = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--job": jobName = args[++i].ToLowerInvariant(); break;
                case "--torch": torch = true; break;
                case "--no-onnx": onnx = false; break;
                case "--results": results = args[++i]; break;
                case "--commit": commit = args[++i]; break;
                case "--rtneural": Peers.RtNeuralPeer.Directory = args[++i]; break;
                case "--check": checkOnly = true; break;
                case "--profile" when i + 1 < args.Length && args[i + 1] == "training": Profile.RunTraining(); return 0;
                case "--profile" when i + 1 < args.Length && args[i + 1] == "training-parts": ProfileTrainingParts.Run(); return 0;
                case "--profile" when i + 1 < args.Length && args[i + 1] == "sequence": Profile.RunSequence(); return 0;
                case "--profile" when i + 1 < args.Length && args[i + 1] == "kernels": Profile.RunKernels(); return 0;
                case "--profile" when i + 1 < args.Length && args[i + 1] == "floor": FloorProfile.Run(); return 0;
                case "--profile" when i + 1 < args.Length && args[i + 1] == "int8": Int8Profile.Run(); return 0;
                case "--profile" when i + 1 < args.Length && args[i + 1] == "translation": ProfileTranslation.Run(i + 2 < args.Length ? args[i + 2] : null); return 0;
                case "--profile" when i + 1 < args.Length && args[i + 1] == "streaming": Profile.RunStreaming(i + 2 < args.Length ? args[i + 2] : null); return 0;
                case "--profile": Profile.Run(); return 0;
                default: rest.Add(args[i]); break;
            }
        }

        // Under tests/tools/with-debian13-glibc, LD_LIBRARY_PATH points at Debian 13's C runtime: this process's loader
        // has already read it, but the helper processes BenchmarkDotNet starts (dotnet --version, shells) run with the
        // system loader and fail with it. Children get the managed environment, so clear it there.
        if (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") is { } libraryPath && libraryPath.Contains("debian13", StringComparison.Ordinal))
        {
            Environment.SetEnvironmentVariable("LD_LIBRARY_PATH", null);
        }

        if (checkOnly)
        {
            Console.WriteLine(TrainingBenchmarks.VerifyDeterminism());
            return 0;
        }

        if (!rest.Contains("--filter"))
        {
            rest.AddRange(["--filter", "*"]); // never the interactive menu
        }

        Machine machine = Machine.Describe();
        IReadOnlyDictionary<string, double> allocations = AllocationProbe.Run();
        Console.WriteLine($"Allocation probe: {allocations.Count(a => a.Value == 0)} of {allocations.Count} Rnn.Gen workloads allocate nothing per call on the calling thread");
        foreach ((string name, double bytes) in allocations.Where(a => a.Value != 0))
        {
            Console.WriteLine($"  {name}: {bytes:F1} B per call");
        }
        Console.WriteLine($"FMA peak on one core: AVX2 {machine.Avx2FmaGflops:F1} GFLOP/s, AVX-512 {machine.Avx512FmaGflops:F1} GFLOP/s "
            + $"(fractions use the {machine.KernelPeakName} figure, the kernels' width); load {machine.LoadBefore}");

        Job job = (jobName switch
        {
            "dry" => Job.Dry,
            "short" => Job.ShortRun.WithIterationTime(TimeInterval.FromMilliseconds(250)), // 3 + 3 iterations of 250 ms
            "medium" => Job.MediumRun,
            "default" => Job.Default,
            _ => throw new ArgumentException($"Unknown job '{jobName}': dry, short, medium or default."),
        }).WithToolchain(InProcessEmitToolchain.Instance).WithId(jobName);

        var loadMonitor = new LoadMonitor();
        IConfig config = DefaultConfig.Instance
            .AddEventProcessor(loadMonitor)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddFilter(new SimpleFilter(c => (torch || !c.Descriptor.HasCategory(Categories.LibTorch))
                && (onnx || !c.Descriptor.HasCategory(Categories.Onnx))
                && (!c.Descriptor.HasCategory(Categories.RtNeural) || Peers.RtNeuralPeer.Has(c.Descriptor.WorkloadMethod.Name))))
            .WithOptions(ConfigOptions.DisableLogFile);

        Summary[] summaries = BenchmarkSwitcher
            .FromTypes([typeof(StreamingBenchmarks), typeof(SequenceBenchmarks), typeof(TrainingBenchmarks), typeof(EmbeddingBenchmarks), typeof(ConvolutionBenchmarks), typeof(ConvolutionPeerBenchmarks), typeof(ImagePeerBenchmarks), typeof(CaptionBenchmarks), typeof(DecodingBenchmarks), typeof(StreamsBenchmarks), typeof(TranslationBenchmarks), typeof(Int8StreamingBenchmarks), typeof(Int8SequenceBenchmarks), typeof(GuardBenchmarks)])
            .Run([.. rest], config)
            .ToArray();
        machine.LoadAfter = Machine.LoadAverage();
        machine.BothCoresAfter = Machine.MeasureBothCores();

        bool failed = summaries.Length == 0 || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        if (results is not null)
        {
            PairedScaling? paired = summaries.Any(r => r.BenchmarksCases.Any(c => c.Descriptor.Type == typeof(TrainingBenchmarks)))
                ? TrainingBenchmarks.MeasurePairedScaling()
                : null;
            ResultsWriter.Write(results, summaries, machine, allocations, loadMonitor.Cases, jobName, torch, onnx, commit, paired);
            Console.WriteLine($"Wrote {results}");
        }

        return failed ? 1 : 0;
    }
}
