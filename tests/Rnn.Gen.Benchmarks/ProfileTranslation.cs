using System;
using System.Linq;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// <c>--profile translation</c>: the three training steps of <see cref="TranslationBenchmarks"/> (the batch path, the
/// sentence-after-sentence loop, libtorch on one thread), called in turn round after round, each call timed by this
/// thread's CPU time, so that on a machine shared with other jobs the time spent waiting for a core is not counted
/// (cache pollution from the other jobs still is). Prints each step's median and minimum and their ratios to libtorch's.
/// Not the benchmark: RESULTS.md comes from run.sh; this is what stays readable when the load is too high for it.
/// <c>--profile translation NAME</c> runs only the step NAME, 200 rounds (for a sampling profiler: perf record).
/// </summary>
public static class ProfileTranslation
{
    public static void Run(string? only = null, int warmUp = 5, int rounds = 25)
    {
        var benchmarks = new TranslationBenchmarks();
        benchmarks.SetupLibTorch(); // checks the outputs, beam search and the first loss against libtorch
        benchmarks.Setup(); // the Rnn.Gen model again from its seed, then its own checks
        (string Name, Func<float> Step)[] steps =
        [
            (nameof(TranslationBenchmarks.RnnGenTrainingStep), benchmarks.RnnGenTrainingStep),
            (nameof(TranslationBenchmarks.RnnGenTrainingStepPerSentence), benchmarks.RnnGenTrainingStepPerSentence),
            (nameof(TranslationBenchmarks.LibTorchTrainingStep), benchmarks.LibTorchTrainingStep),
        ];
        if (only is not null)
        {
            steps = steps.Where(s => s.Name == only).ToArray();
            rounds = 200;
        }

        double[][] times = steps.Select(_ => new double[rounds]).ToArray();
        for (int round = -warmUp; round < rounds; round++)
        {
            for (int i = 0; i < steps.Length; i++)
            {
                double start = ProfileTrainingParts.ThreadMicroseconds();
                steps[i].Step();
                double elapsed = ProfileTrainingParts.ThreadMicroseconds() - start;
                if (round >= 0)
                {
                    times[i][round] = elapsed / 1000;
                }
            }
        }

        if (only is not null)
        {
            Console.WriteLine($"{only}: median {Median(times[0]):F2} ms, min {times[0].Min():F2} ms of thread CPU time");
            benchmarks.Cleanup();
            return;
        }

        double torchMedian = Median(times[^1]), torchMinimum = times[^1].Min();
        Console.WriteLine($"{"training step (ms of thread CPU time)",-32} {"median",8} {"min",8} {"libtorch/this (median)",24} {"(min)",8}");
        for (int i = 0; i < steps.Length; i++)
        {
            double median = Median(times[i]), minimum = times[i].Min();
            Console.WriteLine($"{steps[i].Name,-32} {median,8:F2} {minimum,8:F2} {torchMedian / median,23:F2}x {torchMinimum / minimum,7:F2}x");
        }

        benchmarks.Cleanup();
    }

    private static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
