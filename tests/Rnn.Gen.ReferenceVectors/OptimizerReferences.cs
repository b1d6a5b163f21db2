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
/// Five optimizer steps from the same parameters with a fixed sequence of gradients, for each optimizer and option
/// combination, in float64. The update rules are PyTorch's <c>_single_tensor_*</c> functions (torch/optim/*.py) written
/// with libtorch tensor operations; where TorchSharp's own optimizer classes implement the same rule (every case
/// without <c>maximize</c>, which TorchSharp applies differently from PyTorch) they are run too and must agree.
/// </summary>
/// <remarks>
/// One file per optimizer, <c>Optimizers/{kind}.safetensors</c>: <c>params</c> [N] (the start), <c>grads</c>
/// [Steps, N], and per case <c>{case}/lr</c> [Steps] (the learning rate of each step), <c>{case}/params</c> [Steps, N]
/// (the parameters after each step), <c>{case}/state/{buffer}</c> [N] (PyTorch's state after the last step) and
/// <c>{case}/float32_gap</c> [2] (how far the same run in libtorch float32 lands from the float64 one, relative to the
/// largest magnitude: parameters, state buffers). The
/// metadata key <c>{case}</c> holds the options with PyTorch's names, <c>key=value;...</c>.
/// </remarks>
internal static class OptimizerReferences
{
    public const int Steps = 5;

    /// <summary>37 elements: four 8-wide vectors and a tail of five in the runtime's float loops.</summary>
    public const int Length = 37;

    private sealed record Case(string Name, Dictionary<string, object> Options, double[] LearningRates);

    private static readonly double[] Falling = [F(0.1), F(0.05), F(0.02), F(0.05), F(0.01)];

    private static double[] Constant(double lr) => Enumerable.Repeat(F(lr), Steps).ToArray();

    private static Case C(string name, double lr, params (string Key, object Value)[] options) =>
        new(name, options.ToDictionary(o => o.Key, o => o.Value is double d ? F(d) : o.Value), Constant(lr));

    private static Case Varying(string name, double[] rates, params (string Key, object Value)[] options) =>
        new(name, options.ToDictionary(o => o.Key, o => o.Value is double d ? F(d) : o.Value), rates);

    private static readonly Dictionary<string, Case[]> Kinds = new()
    {
        ["sgd"] =
        [
            C("plain", 0.1),
            C("weight_decay", 0.1, ("weight_decay", 0.1)),
            C("momentum", 0.05, ("momentum", 0.9)),
            C("momentum_dampening", 0.05, ("momentum", 0.9), ("dampening", 0.5)),
            C("momentum_dampening_weight_decay", 0.05, ("momentum", 0.8), ("dampening", 0.3), ("weight_decay", 0.05)),
            C("nesterov", 0.05, ("momentum", 0.9), ("nesterov", true)),
            C("nesterov_weight_decay", 0.05, ("momentum", 0.9), ("nesterov", true), ("weight_decay", 0.01)),
            C("maximize_momentum_weight_decay", 0.05, ("momentum", 0.5), ("weight_decay", 0.01), ("maximize", true)),
            Varying("momentum_varying_lr", Falling, ("momentum", 0.9), ("dampening", 0.1)),
        ],
        ["adam"] =
        [
            C("default", 1e-3),
            C("weight_decay", 1e-2, ("weight_decay", 0.1)),
            C("amsgrad", 1e-2, ("amsgrad", true)),
            C("amsgrad_weight_decay", 1e-2, ("amsgrad", true), ("weight_decay", 0.05)),
            C("betas_eps", 2e-2, ("beta1", 0.3), ("beta2", 0.9), ("eps", 1e-6)),
            C("maximize_weight_decay", 1e-2, ("maximize", true), ("weight_decay", 0.1)),
            Varying("varying_lr", Falling, ("beta1", 0.8), ("beta2", 0.99)),
        ],
        ["adamw"] =
        [
            C("default", 1e-3),
            C("weight_decay", 1e-2, ("weight_decay", 0.1)),
            C("no_weight_decay", 1e-2, ("weight_decay", 0.0)),
            C("amsgrad", 1e-2, ("amsgrad", true)),
            C("amsgrad_weight_decay", 1e-2, ("amsgrad", true), ("weight_decay", 0.5)),
            C("betas_eps", 2e-2, ("beta1", 0.3), ("beta2", 0.9), ("eps", 1e-6), ("weight_decay", 0.05)),
            C("maximize", 1e-2, ("maximize", true)),
            Varying("varying_lr", Falling, ("weight_decay", 0.2)),
        ],
        ["rmsprop"] =
        [
            C("default", 1e-2),
            C("weight_decay", 1e-2, ("weight_decay", 0.1)),
            C("momentum", 1e-3, ("momentum", 0.9)),
            C("centered", 1e-3, ("centered", true)),
            C("centered_momentum", 1e-3, ("centered", true), ("momentum", 0.9)),
            C("centered_momentum_weight_decay_alpha", 1e-3, ("centered", true), ("momentum", 0.5), ("weight_decay", 0.05), ("alpha", 0.4), ("eps", 1e-6)),
            C("maximize_momentum", 1e-3, ("maximize", true), ("momentum", 0.9)),
            Varying("varying_lr", Falling, ("momentum", 0.5)),
        ],
        ["adagrad"] =
        [
            C("default", 1e-2),
            C("lr_decay", 0.1, ("lr_decay", 0.1)),
            C("initial_accumulator_value", 0.1, ("initial_accumulator_value", 0.1)),
            C("weight_decay", 0.1, ("weight_decay", 0.1)),
            C("all", 0.1, ("lr_decay", 0.05), ("initial_accumulator_value", 0.5), ("weight_decay", 0.01), ("eps", 1e-6)),
            C("maximize_lr_decay", 0.1, ("maximize", true), ("lr_decay", 0.2)),
            Varying("varying_lr", Falling, ("lr_decay", 0.01)),
        ],
    };

    public static void Write(string folder)
    {
        foreach ((string kind, Case[] cases) in Kinds)
        {
            Seed("optimizer/" + kind);
            Tensor start = ToFloat32Exact(torch.rand(Length, ScalarType.Float64) * 4 - 2);
            // Mixed scales and signs per element, an exact zero, and elements whose sign flips every step.
            Tensor scale = torch.tensor(Enumerable.Range(0, Length).Select(i => i % 7 == 0 ? 1e-3 : i % 5 == 0 ? 10.0 : 1.0).ToArray());
            Tensor grads = torch.rand(new long[] { Steps, Length }, ScalarType.Float64) * 2 - 1;
            grads = grads * scale;
            grads[TensorIndex.Colon, 3] = torch.tensor(0.0);
            grads[TensorIndex.Colon, 11] = torch.tensor(new[] { 2.0, -2.0, 2.0, -2.0, 2.0 });
            grads = ToFloat32Exact(grads);

            var entries = new List<SafeTensorsEntry> { Entry("params", start), Entry("grads", grads) };
            Dictionary<string, string> metadata = Metadata(
                $"{kind}: {Steps} steps from params with grads[step]; per case the learning rate of each step, the parameters after each step and the final state");
            metadata["steps"] = Steps.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (Case c in cases)
            {
                (Tensor trajectory, Dictionary<string, Tensor> state) = Run(kind, c, start, grads);
                CrossCheckWithTorchSharp(kind, c, start, grads, trajectory);
                entries.Add(Vector(c.Name + "/lr", c.LearningRates));
                entries.Add(Entry(c.Name + "/params", trajectory));
                foreach ((string buffer, Tensor value) in state.OrderBy(s => s.Key, StringComparer.Ordinal))
                {
                    entries.Add(Entry(c.Name + "/state/" + buffer, value));
                }

                // The same run in float32, for the gap float rounding alone opens: the tests allow a float result no
                // less than twice that gap (and at least 1e-6), per kind of tensor (parameters, state buffers).
                (Tensor trajectory32, Dictionary<string, Tensor> state32) = Run(kind, c, start.to(ScalarType.Float32), grads.to(ScalarType.Float32));
                double paramsGap = RelativeGap(trajectory, trajectory32);
                double stateGap = state.Count == 0 ? 0 : state.Max(s => RelativeGap(s.Value, state32[s.Key]));
                Console.WriteLine($"  {kind}/{c.Name}: libtorch float32 vs float64: params {paramsGap:G3}, state {stateGap:G3}");
                entries.Add(Vector(c.Name + "/float32_gap", [paramsGap, stateGap]));

                metadata[c.Name] = Options(c.Options.Select(o => (o.Key, o.Value)).ToArray());
            }

            SafeTensorsFile.Write(Path.Combine(folder, kind + ".safetensors"), entries, metadata);
        }
    }

    private static double Get(Case c, string key, double defaultValue) => c.Options.TryGetValue(key, out object? v) ? (double)v : defaultValue;

    private static bool Flag(Case c, string key) => c.Options.TryGetValue(key, out object? v) && (bool)v;

    /// <summary>PyTorch's single-tensor update rules, step by step, in float64.</summary>
    private static (Tensor Trajectory, Dictionary<string, Tensor> State) Run(string kind, Case c, Tensor start, Tensor grads)
    {
        Tensor p = start.clone();
        var trajectory = new List<Tensor>();
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        bool maximize = Flag(c, "maximize");
        double weightDecay = Get(c, "weight_decay", kind == "adamw" ? F(1e-2) : 0.0);
        for (int step = 1; step <= Steps; step++)
        {
            double lr = c.LearningRates[step - 1];
            Tensor grad = grads[step - 1].clone();
            if (maximize)
            {
                grad = -grad;
            }

            switch (kind)
            {
                case "sgd":
                {
                    double momentum = Get(c, "momentum", 0), dampening = Get(c, "dampening", 0);
                    if (weightDecay != 0)
                    {
                        grad = grad.add(p, alpha: weightDecay);
                    }

                    if (momentum != 0)
                    {
                        if (!state.TryGetValue("momentum_buffer", out Tensor? buf))
                        {
                            buf = grad.clone().detach();
                            state["momentum_buffer"] = buf;
                        }
                        else
                        {
                            buf.mul_(momentum).add_(grad, alpha: 1 - dampening);
                        }

                        grad = Flag(c, "nesterov") ? grad.add(buf, alpha: momentum) : buf;
                    }

                    p.add_(grad, alpha: -lr);
                    break;
                }

                case "adam":
                case "adamw":
                {
                    double beta1 = Get(c, "beta1", F(0.9)), beta2 = Get(c, "beta2", F(0.999)), eps = Get(c, "eps", F(1e-8));
                    bool amsgrad = Flag(c, "amsgrad");
                    Tensor expAvg = StateOf(state, "exp_avg", p, 0), expAvgSq = StateOf(state, "exp_avg_sq", p, 0);
                    if (weightDecay != 0)
                    {
                        if (kind == "adamw")
                        {
                            p.mul_(1 - lr * weightDecay);
                        }
                        else
                        {
                            grad = grad.add(p, alpha: weightDecay);
                        }
                    }

                    expAvg.lerp_(grad, torch.tensor(1 - beta1, dtype: grad.dtype));
                    expAvgSq.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
                    double biasCorrection1 = 1 - Math.Pow(beta1, step);
                    double biasCorrection2 = 1 - Math.Pow(beta2, step);
                    double stepSize = lr / biasCorrection1;
                    double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
                    Tensor denom;
                    if (amsgrad)
                    {
                        Tensor max = StateOf(state, "max_exp_avg_sq", p, 0);
                        max.copy_(torch.maximum(max, expAvgSq));
                        denom = (max.sqrt() / biasCorrection2Sqrt).add_(eps);
                    }
                    else
                    {
                        denom = (expAvgSq.sqrt() / biasCorrection2Sqrt).add_(eps);
                    }

                    p.addcdiv_(expAvg, denom, value: -stepSize);
                    break;
                }

                case "rmsprop":
                {
                    double alpha = Get(c, "alpha", F(0.99)), eps = Get(c, "eps", F(1e-8)), momentum = Get(c, "momentum", 0);
                    bool centered = Flag(c, "centered");
                    if (weightDecay != 0)
                    {
                        grad = grad.add(p, alpha: weightDecay);
                    }

                    Tensor squareAvg = StateOf(state, "square_avg", p, 0);
                    squareAvg.mul_(alpha).addcmul_(grad, grad, value: 1 - alpha);
                    Tensor avg;
                    if (centered)
                    {
                        Tensor gradAvg = StateOf(state, "grad_avg", p, 0);
                        gradAvg.lerp_(grad, torch.tensor(1 - alpha, dtype: grad.dtype));
                        avg = squareAvg.addcmul(gradAvg, gradAvg, value: -1).sqrt_();
                    }
                    else
                    {
                        avg = squareAvg.sqrt();
                    }

                    avg = avg.add_(eps);
                    if (momentum > 0)
                    {
                        Tensor buf = StateOf(state, "momentum_buffer", p, 0);
                        buf.mul_(momentum).addcdiv_(grad, avg);
                        p.add_(buf, alpha: -lr);
                    }
                    else
                    {
                        p.addcdiv_(grad, avg, value: -lr);
                    }

                    break;
                }

                case "adagrad":
                {
                    double lrDecay = Get(c, "lr_decay", 0), eps = Get(c, "eps", F(1e-10));
                    Tensor sum = StateOf(state, "sum", p, Get(c, "initial_accumulator_value", 0));
                    if (weightDecay != 0)
                    {
                        grad = grad.add(p, alpha: weightDecay);
                    }

                    double clr = lr / (1 + (step - 1) * lrDecay);
                    sum.addcmul_(grad, grad, value: 1);
                    Tensor std = sum.sqrt().add_(eps);
                    p.addcdiv_(grad, std, value: -clr);
                    break;
                }

                default:
                    throw new InvalidOperationException(kind);
            }

            trajectory.Add(p.clone());
        }

        return (torch.stack(trajectory), state);
    }

    private static double RelativeGap(Tensor expected, Tensor actual) =>
        (actual.to(ScalarType.Float64) - expected).abs().max().item<double>() / Math.Max(expected.abs().max().item<double>(), 1e-300);

    private static Tensor StateOf(Dictionary<string, Tensor> state, string name, Tensor like, double initial)
    {
        if (!state.TryGetValue(name, out Tensor? value))
        {
            value = torch.full_like(like, initial, dtype: like.dtype);
            state[name] = value;
        }

        return value;
    }

    /// <summary>
    /// Runs TorchSharp's optimizer class on the same problem (gradients set through backward of sum(p * g)) and fails
    /// unless it agrees with <see cref="Run"/>: two implementations of PyTorch's rule, one of them TorchSharp's.
    /// </summary>
    private static void CrossCheckWithTorchSharp(string kind, Case c, Tensor start, Tensor grads, Tensor trajectory)
    {
        if (Flag(c, "maximize"))
        {
            return; // TorchSharp's SGD flips the sign of the step rather than of the gradient; Adagrad has no maximize.
        }

        var p = new Parameter(start.clone(), requires_grad: true);
        Parameter[] parameters = [p];
        double weightDecay = Get(c, "weight_decay", kind == "adamw" ? F(1e-2) : 0.0);
        double lr0 = c.LearningRates[0];
        optim.Optimizer optimizer = kind switch
        {
            "sgd" => optim.SGD(parameters, lr0, Get(c, "momentum", 0), Get(c, "dampening", 0), weightDecay, Flag(c, "nesterov")),
            "adam" => optim.Adam(parameters, lr0, Get(c, "beta1", F(0.9)), Get(c, "beta2", F(0.999)), Get(c, "eps", F(1e-8)), weightDecay, Flag(c, "amsgrad")),
            "adamw" => optim.AdamW(parameters, lr0, Get(c, "beta1", F(0.9)), Get(c, "beta2", F(0.999)), Get(c, "eps", F(1e-8)), weightDecay, Flag(c, "amsgrad")),
            "rmsprop" => optim.RMSProp(parameters, lr0, Get(c, "alpha", F(0.99)), Get(c, "eps", F(1e-8)), weightDecay, Get(c, "momentum", 0), Flag(c, "centered")),
            "adagrad" => optim.Adagrad(parameters, lr0, Get(c, "lr_decay", 0), weightDecay, Get(c, "initial_accumulator_value", 0), Get(c, "eps", F(1e-10))),
            _ => throw new InvalidOperationException(kind),
        };
        for (int step = 0; step < Steps; step++)
        {
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = c.LearningRates[step];
            }

            optimizer.zero_grad();
            (p * grads[step]).sum().backward();
            optimizer.step();
            double difference = (p.detach() - trajectory[step]).abs().max().item<double>();
            double magnitude = trajectory[step].abs().max().item<double>();
            if (!(difference <= 1e-12 * magnitude))
            {
                throw new InvalidOperationException($"{kind}/{c.Name}: TorchSharp's optimizer differs from PyTorch's rule by {difference:G3} at step {step + 1}.");
            }
        }
    }
}
