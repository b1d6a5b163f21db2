using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Rnn.Gen.Kernels;

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
        var update = new AdagradUpdate(parameters, gradients, _sum, clr, WeightDecay, Eps, Maximize);
        Elementwise.Run(ref update, parameters.Length);
    }
}

/// <summary>
/// <see cref="Adagrad"/>'s update, one pass over the buffers: each element as the remarks of <see cref="Adagrad"/>
/// give it, one rounding per operation, in that order.
/// </summary>
internal ref struct AdagradUpdate : IElementwise
{
    private readonly ref float _parameters;
    private readonly ref float _gradients;
    private readonly ref float _sum;
    private readonly float _clr, _weightDecay, _eps;
    private readonly bool _maximize;

    /// <summary>The update of <paramref name="parameters"/> with the learning rate of this step, <paramref name="clr"/>.</summary>
    public AdagradUpdate(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> sum, float clr, float weightDecay, float eps, bool maximize)
    {
        _parameters = ref MemoryMarshal.GetReference(parameters);
        _gradients = ref MemoryMarshal.GetReference(gradients);
        _sum = ref MemoryMarshal.GetReference(sum);
        _clr = clr;
        _weightDecay = weightDecay;
        _eps = eps;
        _maximize = maximize;
    }

    /// <inheritdoc/>
    public readonly int Run<TMath, TVector>(int i, int n)
        where TMath : struct, IElementMath<TVector>
        where TVector : struct
    {
        ref float p0 = ref _parameters;
        ref float g0 = ref _gradients;
        ref float s0 = ref _sum;
        bool decay = _weightDecay != 0f, maximize = _maximize;
        TVector weightDecay = TMath.Broadcast(_weightDecay), eps = TMath.Broadcast(_eps), clr = TMath.Broadcast(_clr);
        for (; i <= n - TMath.Count; i += TMath.Count)
        {
            nuint at = (nuint)i;
            TVector p = TMath.Load(ref p0, at);
            TVector g = ElementUpdates.Gradient<TMath, TVector>(TMath.Load(ref g0, at), p, maximize, decay, weightDecay);

            TVector s = TMath.Add(TMath.Load(ref s0, at), TMath.Multiply(g, g));
            TMath.Store(s, ref s0, at);
            TMath.Store(TMath.Subtract(p, TMath.Multiply(clr, TMath.Divide(g, TMath.Add(TMath.Sqrt(s), eps)))), ref p0, at);
        }

        return i;
    }
}
