using System;
using System.Collections.Generic;
using Rnn.Gen.Optimizers;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>One configuration of each optimizer and option that changes its state, for the contract and state tests.</summary>
internal static class OptimizerCatalog
{
    private static readonly (string Name, Func<IOptimizer> Create, string[] Buffers)[] Entries =
    [
        ("sgd", () => new Sgd(0.1f), []),
        ("sgd-decay", () => new Sgd(0.1f, weightDecay: 1e-2f), []),
        ("sgd-momentum", () => new Sgd(0.1f, momentum: 0.9f, dampening: 0.1f), ["momentum_buffer"]),
        ("sgd-nesterov-decay", () => new Sgd(0.1f, momentum: 0.9f, nesterov: true, weightDecay: 1e-2f), ["momentum_buffer"]),
        ("sgd-maximize", () => new Sgd(0.1f, momentum: 0.5f, weightDecay: 1e-2f, maximize: true), ["momentum_buffer"]),
        ("adam", () => new Adam(), ["exp_avg", "exp_avg_sq"]),
        ("adam-decay", () => new Adam(1e-2f, weightDecay: 1e-2f), ["exp_avg", "exp_avg_sq"]),
        ("adam-amsgrad", () => new Adam(1e-2f, beta1: 0.3f, amsgrad: true, maximize: true), ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
        ("adamw", () => new AdamW(), ["exp_avg", "exp_avg_sq"]),
        ("adamw-amsgrad", () => new AdamW(1e-2f, weightDecay: 0.1f, amsgrad: true), ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
        ("rmsprop", () => new RmsProp(), ["square_avg"]),
        ("rmsprop-momentum-decay", () => new RmsProp(1e-3f, momentum: 0.9f, weightDecay: 1e-2f), ["square_avg", "momentum_buffer"]),
        ("rmsprop-centered", () => new RmsProp(1e-3f, alpha: 0.4f, centered: true), ["square_avg", "grad_avg"]),
        ("rmsprop-centered-momentum", () => new RmsProp(1e-3f, centered: true, momentum: 0.5f, maximize: true), ["square_avg", "momentum_buffer", "grad_avg"]),
        ("adagrad", () => new Adagrad(), ["sum"]),
        ("adagrad-all", () => new Adagrad(0.1f, lrDecay: 0.05f, weightDecay: 1e-2f, initialAccumulatorValue: 0.1f), ["sum"]),
    ];

    public static IEnumerable<string> Names
    {
        get
        {
            foreach (var entry in Entries)
            {
                yield return entry.Name;
            }
        }
    }

    public static IOptimizer Create(string name) => Find(name).Create();

    /// <summary>The buffer names the state of <paramref name="name"/> has after a step, in ordinal order.</summary>
    public static string[] ExpectedBuffers(string name)
    {
        string[] names = (string[])Find(name).Buffers.Clone();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    private static (string Name, Func<IOptimizer> Create, string[] Buffers) Find(string name) =>
        Array.Find(Entries, e => e.Name == name) is { Name: not null } entry ? entry : throw new ArgumentOutOfRangeException(nameof(name), name, null);
}
