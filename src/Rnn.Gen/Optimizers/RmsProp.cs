using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Rnn.Gen.Kernels;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// RMSprop with optional L2 weight decay, momentum, centering and maximization: the update rule of PyTorch's
/// <c>torch.optim.RMSprop</c> (its <c>_single_tensor_rmsprop</c>).
/// </summary>
/// <remarks>
/// For each parameter <c>p</c> with gradient <c>g</c>:
/// <code>
/// g = −g                                       (when maximize)
/// g = g + weightDecay · p                      (when weightDecay ≠ 0)
/// s = α · s + (1 − α) · g · g                  (square_avg)
/// a = lerp(a, g, 1 − α); avg = √(s − a · a)    (when centered; grad_avg)
/// avg = √s                                     (otherwise)
/// avg = avg + eps                              (eps outside the square root, as PyTorch)
/// b = momentum · b + g / avg; p = p − lr · b   (when momentum > 0; momentum_buffer, starting at zero)
/// p = p − lr · (g / avg)                       (otherwise)
/// </code>
/// The buffers are allocated on the first step: <c>square_avg</c> always, <c>momentum_buffer</c> when momentum is
/// positive, <c>grad_avg</c> when centered.
/// </remarks>
public sealed class RmsProp : Optimizer
{
    private float[] _squareAvg = [];
    private float[] _gradAvg = [];
    private float[] _momentumBuffer = [];

    /// <summary>
    /// An RMSprop optimizer; the arguments are PyTorch's (<c>lr</c>, <c>alpha</c>, <c>eps</c>, <c>weight_decay</c>,
    /// <c>momentum</c>, <c>centered</c>, <c>maximize</c>), with its defaults.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is negative or NaN, or <paramref name="alpha"/> is above 1.</exception>
    public RmsProp(
        float learningRate = 1e-2f, float alpha = 0.99f, float eps = 1e-8f, float weightDecay = 0f, float momentum = 0f,
        bool centered = false, bool maximize = false)
        : base(learningRate)
    {
        ThrowIfNegativeOrNaN(eps, nameof(eps));
        ThrowIfNegativeOrNaN(weightDecay, nameof(weightDecay));
        ThrowIfNegativeOrNaN(momentum, nameof(momentum));
        if (!(alpha >= 0f && alpha <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"Invalid alpha: {alpha}; expected 0 <= alpha <= 1.");
        }

        Alpha = alpha;
        Eps = eps;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
        Maximize = maximize;
        var names = new List<string> { "square_avg" };
        if (momentum > 0f)
        {
            names.Add("momentum_buffer");
        }

        if (centered)
        {
            names.Add("grad_avg");
        }

        StateBufferNames = names.ToArray();
    }

    /// <summary>The smoothing constant of the running averages.</summary>
    public float Alpha { get; }

    /// <summary>The term added to the denominator (after the square root) for numerical stability.</summary>
    public float Eps { get; }

    /// <summary>The L2 penalty factor added to the gradient (PyTorch's <c>weight_decay</c>).</summary>
    public float WeightDecay { get; }

    /// <summary>The momentum factor (0: no momentum buffer).</summary>
    public float Momentum { get; }

    /// <summary>Whether the gradient is normalized by an estimate of its variance (running mean subtracted).</summary>
    public bool Centered { get; }

    /// <summary>Whether the parameters climb the gradient instead of descending it (PyTorch's <c>maximize</c>).</summary>
    public bool Maximize { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateBufferNames { get; }

    /// <inheritdoc/>
    protected override float[] GetStateBuffer(string name) => name switch
    {
        "square_avg" => _squareAvg,
        "momentum_buffer" when Momentum > 0f => _momentumBuffer,
        "grad_avg" when Centered => _gradAvg,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such buffer."),
    };

    /// <inheritdoc/>
    protected override void AllocateState(int parameterCount)
    {
        _squareAvg = new float[parameterCount];
        if (Momentum > 0f)
        {
            _momentumBuffer = new float[parameterCount];
        }

        if (Centered)
        {
            _gradAvg = new float[parameterCount];
        }
    }

    /// <inheritdoc/>
    protected override void ClearState()
    {
        Array.Clear(_squareAvg);
        Array.Clear(_momentumBuffer);
        Array.Clear(_gradAvg);
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        var update = new RmsPropUpdate(
            parameters, gradients, _squareAvg, _gradAvg, _momentumBuffer, LearningRate, Alpha, Eps, WeightDecay, Momentum, Centered, Maximize);
        Elementwise.Run(ref update, parameters.Length);
    }
}

/// <summary>
/// <see cref="RmsProp"/>'s update, one pass over the buffers: each element as the remarks of <see cref="RmsProp"/>
/// give it, one rounding per operation, in that order.
/// </summary>
internal ref struct RmsPropUpdate : IElementwise
{
    private readonly ref float _parameters;
    private readonly ref float _gradients;
    private readonly ref float _squareAvg;
    private readonly ref float _gradAvg;
    private readonly ref float _momentumBuffer;
    private readonly float _lr, _alpha, _oneMinusAlpha, _lerpScale, _eps, _weightDecay, _momentum;
    private readonly bool _lerpFromStart, _centered, _maximize;

    /// <summary>The update of <paramref name="parameters"/>; <paramref name="gradAvg"/> and <paramref name="momentumBuffer"/> are empty when not used.</summary>
    public RmsPropUpdate(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> squareAvg, Span<float> gradAvg, Span<float> momentumBuffer,
        float lr, float alpha, float eps, float weightDecay, float momentum, bool centered, bool maximize)
    {
        _parameters = ref MemoryMarshal.GetReference(parameters);
        _gradients = ref MemoryMarshal.GetReference(gradients);
        _squareAvg = ref MemoryMarshal.GetReference(squareAvg);
        _gradAvg = ref MemoryMarshal.GetReference(gradAvg);
        _momentumBuffer = ref MemoryMarshal.GetReference(momentumBuffer);

        // PyTorch's Python-float scalars: 1 − α computed in double, everything applied as float.
        _oneMinusAlpha = (float)(1.0 - alpha);
        _lerpFromStart = Math.Abs(_oneMinusAlpha) < 0.5f; // torch.lerp's two formulas, see AdamKernel
        _lerpScale = _lerpFromStart ? _oneMinusAlpha : 1f - _oneMinusAlpha;
        _lr = lr;
        _alpha = alpha;
        _eps = eps;
        _weightDecay = weightDecay;
        _momentum = momentum;
        _centered = centered;
        _maximize = maximize;
    }

    /// <inheritdoc/>
    public readonly int Run<TMath, TVector>(int i, int n)
        where TMath : struct, IElementMath<TVector>
        where TVector : struct
    {
        ref float p0 = ref _parameters;
        ref float g0 = ref _gradients;
        ref float s0 = ref _squareAvg;
        ref float a0 = ref _gradAvg;
        ref float b0 = ref _momentumBuffer;
        bool decay = _weightDecay != 0f, centered = _centered, useMomentum = _momentum > 0f, maximize = _maximize, lerpFromStart = _lerpFromStart;
        TVector alpha = TMath.Broadcast(_alpha), oneMinusAlpha = TMath.Broadcast(_oneMinusAlpha);
        TVector lerp = TMath.Broadcast(_lerpScale), eps = TMath.Broadcast(_eps);
        TVector weightDecay = TMath.Broadcast(_weightDecay), momentum = TMath.Broadcast(_momentum), lr = TMath.Broadcast(_lr);
        for (; i <= n - TMath.Count; i += TMath.Count)
        {
            nuint at = (nuint)i;
            TVector p = TMath.Load(ref p0, at);
            TVector g = ElementUpdates.Gradient<TMath, TVector>(TMath.Load(ref g0, at), p, maximize, decay, weightDecay);

            TVector s = TMath.Add(TMath.Multiply(TMath.Load(ref s0, at), alpha), TMath.Multiply(TMath.Multiply(oneMinusAlpha, g), g));
            TMath.Store(s, ref s0, at);
            TVector avg;
            if (centered)
            {
                TVector a = ElementUpdates.Lerp<TMath, TVector>(TMath.Load(ref a0, at), g, lerp, lerpFromStart);
                TMath.Store(a, ref a0, at);
                avg = TMath.Sqrt(TMath.Subtract(s, TMath.Multiply(a, a)));
            }
            else
            {
                avg = TMath.Sqrt(s);
            }

            avg = TMath.Add(avg, eps);
            if (useMomentum)
            {
                TVector b = TMath.Add(TMath.Multiply(TMath.Load(ref b0, at), momentum), TMath.Divide(g, avg));
                TMath.Store(b, ref b0, at);
                TMath.Store(TMath.Subtract(p, TMath.Multiply(lr, b)), ref p0, at);
            }
            else
            {
                TMath.Store(TMath.Subtract(p, TMath.Multiply(lr, TMath.Divide(g, avg))), ref p0, at);
            }
        }

        return i;
    }
}
