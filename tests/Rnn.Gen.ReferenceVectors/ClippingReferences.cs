using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Rnn.Gen.ReferenceVectors.TrainingReferences;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c> (libtorch's C++ implementations) over the
/// gradients of three parameters of different shapes, which the runtime sees as one flat buffer.
/// </summary>
/// <remarks>
/// <c>Training/clipping.safetensors</c>: per case <c>{case}/input</c> [N] (the gradients, concatenated),
/// <c>{case}/output</c> [N] (after clipping) and for norm clipping <c>{case}/total_norm</c> [1]. The metadata key
/// <c>{case}</c> holds <c>max_norm=...</c> or <c>clip_value=...</c>.
/// </remarks>
internal static class ClippingReferences
{
    private static readonly long[][] Shapes = [[4, 5], [7], [3, 2]];

    public static void Write(string folder)
    {
        Seed("clipping");
        var entries = new List<SafeTensorsEntry>();
        Dictionary<string, string> metadata = Metadata("gradient clipping: per case input, output (and total_norm); options in the metadata");
        Tensor gradients = ToFloat32Exact(torch.randn(Shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b))) * 2);
        double norm = gradients.norm().item<double>();

        // Below, near and above the norm, and zero (everything clipped to zero).
        foreach ((string name, double maxNorm) in new[] { ("clip_half", norm / 2), ("clip_tenth", norm / 10), ("no_clip", norm * 2), ("zero", 0.0), ("tiny", 1e-3) })
        {
            Parameter[] parameters = WithGradients(gradients);
            double total = nn.utils.clip_grad_norm_(parameters, F(maxNorm));
            entries.Add(Entry($"norm/{name}/input", gradients));
            entries.Add(Entry($"norm/{name}/output", torch.cat(parameters.Select(p => p.grad!.flatten()).ToArray())));
            entries.Add(Scalar($"norm/{name}/total_norm", total));
            metadata[$"norm/{name}"] = Options(("max_norm", F(maxNorm)));
        }

        foreach ((string name, double limit) in new[] { ("one", 1.0), ("half", 0.5), ("large", 100.0), ("zero", 0.0) })
        {
            Parameter[] parameters = WithGradients(gradients);
            nn.utils.clip_grad_value_(parameters, F(limit));
            entries.Add(Entry($"value/{name}/input", gradients));
            entries.Add(Entry($"value/{name}/output", torch.cat(parameters.Select(p => p.grad!.flatten()).ToArray())));
            metadata[$"value/{name}"] = Options(("clip_value", F(limit)));
        }

        SafeTensorsFile.Write(Path.Combine(folder, "clipping.safetensors"), entries, metadata);
    }

    // Three parameters whose gradients, flattened and concatenated, are `gradients` (set through backward of sum(p * g)).
    private static Parameter[] WithGradients(Tensor gradients)
    {
        var parameters = new List<Parameter>();
        long offset = 0;
        foreach (long[] shape in Shapes)
        {
            long count = shape.Aggregate(1L, (a, b) => a * b);
            Tensor g = gradients.narrow(0, offset, count).reshape(shape);
            var p = new Parameter(torch.zeros(shape), requires_grad: true);
            (p * g).sum().backward();
            parameters.Add(p);
            offset += count;
        }

        return parameters.ToArray();
    }
}
