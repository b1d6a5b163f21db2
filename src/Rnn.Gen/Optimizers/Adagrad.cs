using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// Adagrad with optional learning-rate decay, L2 weight decay, an initial accumulator value and maximization: the
/// update rule of PyTorch's <c>torch.optim.Adagrad</c> (its <c>_single_tensor_adagrad</c>).
/// </summary>
/// <remarks>
/// For each parameter <c>p</c> with gradient <c>g</c>, at step <c>t</c> (1 on the first step):
/// <code>
/// g = −g                                       (when maximize)
/// g = g + weightDecay · p                      (when weightDecay ≠ 0)
/// clr = lr / (1 + (t − 1) · lrDecay)           (in double)
/// sum = sum + g · g                            (sum starts at initialAccumulatorValue)
/// p = p − clr · (g / (√sum + eps))
/// </code>
/// The <c>sum</c> buffer is allocated on the first step.
/// </remarks>
public sealed class Adagrad : Optimizer
{
    private static readonly string[] BufferNames = ["sum"];

    private float[] _sum = [];

    /// <summary>
    /// An Adagrad optimizer; the arguments are PyTorch's (<c>lr</c>, <c>lr_decay</c>, <c>weight_decay</c>,
    /// <c>initial_accumulator_value</c>, <c>eps</c>, <c>maximize</c>), with its defaults.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is negative or NaN.</exception>
    public Adagrad(
        float learningRate = 1e-2f, float lrDecay = 0f, float weightDecay = 0f, float initialAccumulatorValue = 0f, float eps = 1e-10f,
        bool maximize = false)
        : base(learningRate)
    {
        ThrowIfNegativeOrNaN(lrDecay, nameof(lrDecay));
        ThrowIfNegativeOrNaN(weightDecay, nameof(weightDecay));
        ThrowIfNegativeOrNaN(initialAccumulatorValue, nameof(initialAccumulatorValue));
        ThrowIfNegativeOrNaN(eps, nameof(eps));
        LrDecay = lrDecay;
        WeightDecay = weightDecay;
        InitialAccumulatorValue = initialAccumulatorValue;
        Eps = eps;
        Maximize = maximize;
    }

    /// <summary>The learning-rate decay: step <c>t</c> uses <c>lr / (1 + (t − 1) · lrDecay)</c>.</summary>
    public float LrDecay { get; }

    /// <summary>The L2 penalty factor added to the gradient (PyTorch's <c>weight_decay</c>).</summary>
    public float WeightDecay { get; }

    /// <summary>The value the sum of squared gradients starts from.</summary>
    public float InitialAccumulatorValue { get; }

    /// <summary>The term added to the denominator (after the square root) for numerical stability.</summary>
    public float Eps { get; }

    /// <summary>Whether the parameters climb the gradient instead of descending it (PyTorch's <c>maximize</c>).</summary>
    public bool Maximize { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateBufferNames => BufferNames;

    /// <inheritdoc/>
    protected override float[] GetStateBuffer(string name) =>
        name == "sum" ? _sum : throw new ArgumentOutOfRangeException(nameof(name), name, "No such buffer.");

    /// <inheritdoc/>
    protected override void AllocateState(int parameterCount)
    {
        _sum = new float[parameterCount];
        Array.Fill(_sum, InitialAccumulatorValue);
    }

    /// <inheritdoc/>
    protected override void ClearState() => Array.Fill(_sum, InitialAccumulatorValue);

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        float clr = (float)(LearningRate / (1.0 + (StepCount - 1) * (double)LrDecay));
        float weightDecay = WeightDecay, eps = Eps;
        bool decay = weightDecay != 0f, maximize = Maximize;
        int n = parameters.Length;
        ref float p0 = ref MemoryMarshal.GetReference(parameters);
        ref float g0 = ref MemoryMarshal.GetReference(gradients);
        ref float s0 = ref MemoryMarshal.GetReference(_sum.AsSpan());
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vDecay = Vector256.Create(weightDecay), vEps = Vector256.Create(eps), vClr = Vector256.Create(clr);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref p0, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref g0, (nuint)i);
                if (maximize)
                {
                    g = -g;
                }

                if (decay)
                {
                    g += vDecay * p;
                }

                Vector256<float> s = Vector256.LoadUnsafe(ref s0, (nuint)i) + g * g;
                s.StoreUnsafe(ref s0, (nuint)i);
                (p - vClr * (g / (Vector256.Sqrt(s) + vEps))).StoreUnsafe(ref p0, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float p = Unsafe.Add(ref p0, i);
            float g = Unsafe.Add(ref g0, i);
            if (maximize)
            {
                g = -g;
            }

            if (decay)
            {
                g += weightDecay * p;
            }

            float s = Unsafe.Add(ref s0, i) + g * g;
            Unsafe.Add(ref s0, i) = s;
            Unsafe.Add(ref p0, i) = p - clr * (g / (MathF.Sqrt(s) + eps));
        }
    }
}
