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
/// Learning-rate traces of TorchSharp's schedulers (ports of torch.optim.lr_scheduler): <c>StepLR</c>,
/// <c>ExponentialLR</c> and <c>ReduceLROnPlateau</c> with a fixed sequence of metrics.
/// </summary>
/// <remarks>
/// <c>Training/schedules.safetensors</c>: per case <c>{case}/lr</c> [Epochs] (the optimizer's learning rate after
/// each <c>step()</c>) and, for ReduceLROnPlateau, <c>{case}/metrics</c> [Epochs] (the value passed to each step).
/// The metadata key <c>{case}</c> holds the scheduler's options and the starting learning rate <c>lr</c>.
/// </remarks>
internal static class ScheduleReferences
{
    private const int Epochs = 40;

    public static void Write(string folder)
    {
        Seed("schedules");
        var entries = new List<SafeTensorsEntry>();
        Dictionary<string, string> metadata = Metadata("learning rate after each scheduler step: per case lr (and metrics); options in the metadata");

        void Trace(string name, double lr, Func<optim.Optimizer, optim.lr_scheduler.LRScheduler> create, double[]? metrics, params (string, object)[] options)
        {
            var p = new Parameter(torch.zeros(1), requires_grad: true);
            optim.Optimizer optimizer = optim.SGD([p], lr);
            optim.lr_scheduler.LRScheduler scheduler = create(optimizer);
            var rates = new double[Epochs];
            for (int epoch = 0; epoch < Epochs; epoch++)
            {
                if (metrics is null)
                {
                    scheduler.step();
                }
                else
                {
                    scheduler.step(metrics[epoch]);
                }

                rates[epoch] = optimizer.ParamGroups.Single().LearningRate;
            }

            entries.Add(Vector(name + "/lr", rates));
            if (metrics is not null)
            {
                entries.Add(Vector(name + "/metrics", metrics));
            }

            metadata[name] = Options(new (string, object)[] { ("lr", lr) }.Concat(options).ToArray());
        }

        Trace("step_lr/3_0.5", F(0.1), o => optim.lr_scheduler.StepLR(o, 3, F(0.5)), null, ("step_size", 3), ("gamma", F(0.5)));
        Trace("step_lr/1_0.9", F(0.01), o => optim.lr_scheduler.StepLR(o, 1, F(0.9)), null, ("step_size", 1), ("gamma", F(0.9)));
        Trace("exponential_lr/0.95", F(0.1), o => optim.lr_scheduler.ExponentialLR(o, F(0.95)), null, ("gamma", F(0.95)));

        // A loss that falls, stalls (with noise smaller and larger than the threshold), falls again, then rises.
        double[] falling = Enumerable.Range(0, Epochs).Select(e =>
            e < 8 ? 1.0 / (e + 1) : e < 20 ? 0.125 * (1 + 1e-5 * (e % 3)) : e < 26 ? 0.1 - 0.01 * (e - 20) : 0.05 + 0.001 * (e - 26)).ToArray();
        double[] noisy = ToFloat32Exact(torch.rand(Epochs)).data<double>().ToArray();
        double[] rising = falling.Select(v => 1 - v).ToArray();
        (string Name, string Mode, double Factor, int Patience, double Threshold, string ThresholdMode, int Cooldown, double MinLr, double Eps, double[] Metrics)[] plateaus =
        [
            ("min_rel", "min", 0.1, 2, 1e-4, "rel", 0, 0.0, 1e-8, falling),
            ("min_abs_cooldown", "min", 0.5, 1, 1e-3, "abs", 2, 0.0, 1e-8, falling),
            ("min_rel_min_lr", "min", 0.5, 0, 0.01, "rel", 0, 0.02, 1e-8, noisy),
            ("max_rel", "max", 0.2, 2, 1e-4, "rel", 1, 0.0, 1e-8, rising),
            ("max_abs", "max", 0.7, 1, 0.01, "abs", 0, 1e-3, 1e-8, noisy),
            ("min_rel_eps", "min", 0.5, 0, 0.0, "rel", 0, 0.0, 0.02, noisy), // eps stops the third reduction
        ];
        foreach (var c in plateaus)
        {
            double[] metrics = c.Metrics.Select(F).ToArray();
            Trace("reduce_on_plateau/" + c.Name, F(0.1),
                o => optim.lr_scheduler.ReduceLROnPlateau(o, c.Mode, F(c.Factor), c.Patience, F(c.Threshold), c.ThresholdMode, c.Cooldown, [F(c.MinLr)], F(c.Eps)),
                metrics,
                ("mode", c.Mode), ("factor", F(c.Factor)), ("patience", c.Patience), ("threshold", F(c.Threshold)),
                ("threshold_mode", c.ThresholdMode), ("cooldown", c.Cooldown), ("min_lr", F(c.MinLr)), ("eps", F(c.Eps)));
        }

        SafeTensorsFile.Write(Path.Combine(folder, "schedules.safetensors"), entries, metadata);
    }
}
