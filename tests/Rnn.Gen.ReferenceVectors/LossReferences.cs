using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using static Rnn.Gen.ReferenceVectors.TrainingReferences;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// Each loss's value and gradient with respect to its input, computed by libtorch's loss functions and autograd in
/// float64: <c>mse_loss</c>, <c>l1_loss</c>, <c>huber_loss</c>, <c>cross_entropy</c> (class indices, label smoothing)
/// and <c>binary_cross_entropy_with_logits</c>, with the reductions <c>mean</c> and <c>sum</c>.
/// </summary>
/// <remarks>
/// <c>Losses/losses.safetensors</c>: per case <c>{case}/input</c>, <c>{case}/target</c> (class indices as whole
/// numbers for cross-entropy), <c>{case}/value</c> [1] and <c>{case}/grad</c> (shape of the input). The metadata key
/// <c>{case}</c> holds <c>loss=...;reduction=...</c> and the loss's options. Cases are named <c>{loss}/{variant}</c>.
/// </remarks>
internal static class LossReferences
{
    public static void Write(string folder)
    {
        Seed("losses");
        var entries = new List<SafeTensorsEntry>();
        Dictionary<string, string> metadata = Metadata(
            "loss values and gradients d loss / d input: per case input, target, value, grad; options in the metadata");

        void Add(string name, string loss, string reduction, Tensor input, Tensor target, Func<Tensor, Tensor> function, params (string, object)[] options)
        {
            Tensor x = input.detach().clone().requires_grad_(true);
            Tensor value = function(x);
            value.backward();
            entries.Add(Entry(name + "/input", input));
            entries.Add(Entry(name + "/target", target));
            entries.Add(Scalar(name + "/value", value.item<double>()));
            entries.Add(Entry(name + "/grad", x.grad!));
            metadata[name] = Options(new (string, object)[] { ("loss", loss), ("reduction", reduction) }.Concat(options).ToArray());
        }

        foreach ((string reduction, nn.Reduction r) in new[] { ("mean", nn.Reduction.Mean), ("sum", nn.Reduction.Sum) })
        {
            // Regression: 37 elements (vector body and tail), one exact tie (prediction == target).
            Tensor prediction = ToFloat32Exact(torch.randn(37) * 2);
            Tensor target = ToFloat32Exact(torch.randn(37) * 2);
            target[5] = prediction[5].clone();
            prediction[6] = torch.tensor(0.25); // the Huber cases put these two exactly on the boundary
            prediction[7] = torch.tensor(-0.75);
            Add($"mse/{reduction}", "mse", reduction, prediction, target, x => nn.functional.mse_loss(x, target, r));
            Add($"l1/{reduction}", "l1", reduction, prediction, target, x => nn.functional.l1_loss(x, target, r));
            foreach (double delta in new[] { 1.0, 0.5, 2.5 })
            {
                Tensor huberTarget = target.clone();
                huberTarget[6] = torch.tensor(0.25 - delta); // exactly on the boundary |p - t| = delta
                huberTarget[7] = torch.tensor(-0.75 + delta);
                string name = $"huber/{reduction}_delta{delta.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                Add(name, "huber", reduction, prediction, huberTarget, x => nn.functional.huber_loss(x, huberTarget, delta, r), ("delta", delta));
            }

            Tensor single = ToFloat32Exact(torch.randn(1));
            Tensor singleTarget = ToFloat32Exact(torch.randn(1));
            Add($"mse/{reduction}_single", "mse", reduction, single, singleTarget, x => nn.functional.mse_loss(x, singleTarget, r));

            // Cross-entropy on class indices: 6 positions of 5 classes, and one position; large logits for stability.
            foreach ((string variant, long n, long classes, double scale) in new[] { ("seq", 6L, 5L, 3.0), ("one", 1L, 4L, 2.0), ("large", 4L, 3L, 60.0) })
            {
                Tensor logits = ToFloat32Exact(torch.randn(new[] { n, classes }) * scale);
                Tensor classIndex = torch.randint(0, classes, new[] { n }, ScalarType.Int64);
                foreach (double smoothing in new[] { 0.0, 0.1, 0.3 })
                {
                    string name = $"cross_entropy/{reduction}_{variant}_ls{smoothing.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                    double s = F(smoothing);
                    Add(name, "cross_entropy", reduction, logits, classIndex.to(ScalarType.Float64),
                        x => nn.functional.cross_entropy(x, classIndex, reduction: r, label_smoothing: s),
                        ("label_smoothing", s), ("classes", classes));
                }
            }

            // Binary cross-entropy with logits: hard and soft targets, logits up to ±100 for stability.
            Tensor bceLogits = ToFloat32Exact(torch.randn(37) * 3);
            bceLogits[0] = torch.tensor(100.0);
            bceLogits[1] = torch.tensor(-100.0);
            bceLogits[2] = torch.tensor(30.0);
            bceLogits[3] = torch.tensor(-30.0);
            bceLogits[4] = torch.tensor(0.0);
            Tensor hard = torch.randint(0, 2, new long[] { 37 }, ScalarType.Float64);
            hard[0] = torch.tensor(0.0);
            hard[1] = torch.tensor(1.0);
            Tensor soft = ToFloat32Exact(torch.rand(37));
            Add($"bce_with_logits/{reduction}_hard", "bce_with_logits", reduction, bceLogits, hard,
                x => nn.functional.binary_cross_entropy_with_logits(x, hard, reduction: r));
            Add($"bce_with_logits/{reduction}_soft", "bce_with_logits", reduction, bceLogits, soft,
                x => nn.functional.binary_cross_entropy_with_logits(x, soft, reduction: r));
        }

        SafeTensorsFile.Write(Path.Combine(folder, "losses.safetensors"), entries, metadata);
    }
}
