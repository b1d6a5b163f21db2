using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Rnn.Gen.Benchmarks.Models;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// The zero-allocation check of issue 6, exact: bytes allocated on the calling thread
/// (GC.GetAllocatedBytesForCurrentThread) per call of each Rnn.Gen workload, after warm-up. BenchmarkDotNet's
/// Allocated column is process-wide, so other threads' allocations (the harness, the runtime) can show up in it as a few
/// bytes per call on long calls.
/// </summary>
public static class AllocationProbe
{
    private const int Calls = 64;

    /// <summary>Workload name → bytes per call on the calling thread.</summary>
    public static IReadOnlyDictionary<string, double> Run()
    {
        var result = new Dictionary<string, double>();
        foreach (Type type in typeof(IStreamingModel).Assembly.GetTypes()
            .Where(t => typeof(IStreamingModel).IsAssignableFrom(t) && t.IsClass).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var model = (IStreamingModel)Activator.CreateInstance(type)!;
            model.Initialize(seed: 1);
            float[] inputs = new float[StreamingBenchmarks.StepsPerInvoke * model.InputSize];
            float[] outputs = new float[StreamingBenchmarks.StepsPerInvoke * model.OutputSize];
            result[type.Name] = PerCall(() => model.StepBlock(inputs, outputs)) / StreamingBenchmarks.StepsPerInvoke;
        }

        foreach (IRnnModel model in new IRnnModel[] { new LstmSequence_I16_H32(), new LstmSequence_I16_H128(), new GruSequence_I16_H32(), new GruSequence_I16_H128() })
        {
            model.Initialize(seed: 1);
            float[] input = new float[model.Steps * model.InputSize], output = new float[model.OutputSize];
            result[model.GetType().Name] = PerCall(() => model.Predict(input, output));
        }

        var data = new TrainingBatch(1);
        using (var trainer = new RnnGenTrainer(1, data, twoCores: false))
        {
            result["Training (c), two halves"] = PerCall(() => trainer.StepOneCore());
            result["Training (c'), one sample at a time"] = PerCall(() => trainer.StepSequentialLoop());
        }

        using (var trainer = new RnnGenTrainer(1, data, twoCores: true))
        {
            result["Training (d), calling thread"] = PerCall(() => trainer.StepTwoCores());
        }

        var embedding = new EmbeddingBenchmarks();
        embedding.Setup();
        result["Embedding (e), Predict"] = PerCall(embedding.RnnGenPredict);
        result["Embedding (e), training step"] = PerCall(() => embedding.RnnGenTrainingStep());
        var convolution = new ConvolutionPeerBenchmarks();
        convolution.Setup();
        result["Conv1D (f), Predict"] = PerCall(convolution.RnnGenPredict);
        result["Conv1D (f), training step"] = PerCall(() => convolution.RnnGenTrainingStep());
        var image = new ImagePeerBenchmarks();
        image.Setup();
        result["Conv2D MNIST stack, Predict"] = PerCall(image.RnnGenPredict);
        result["Conv2D MNIST stack, training step"] = PerCall(() => image.RnnGenTrainingStep());
        var caption = new CaptionBenchmarks();
        caption.Setup();
        result["Captioner, greedy caption"] = PerCall(caption.GreedyCaption);
        result["Captioner, sampled caption"] = PerCall(caption.SampledCaption);

        return result;
    }

    private static double PerCall(Action call)
    {
        // Warm up past tiered compilation (at least 64 calls and 0.3 s): a method is recompiled after 30 calls, on a
        // runtime thread that starts when such work arrives, and the call that queues the work can allocate that thread's
        // objects on the calling thread (7.8 KB in one call, seen in one probe of three with 4 warm-up calls; never
        // with tiered compilation off). That is the runtime's, once per process, not the workload's.
        long warmUpEnd = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 3 / 10);
        for (int i = 0; i < Calls || Stopwatch.GetTimestamp() < warmUpEnd; i++)
        {
            call();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
    }
}
