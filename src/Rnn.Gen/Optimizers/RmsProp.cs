using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        // PyTorch's Python-float scalars: 1 − α computed in double, everything applied as float.
        float alpha = Alpha, eps = Eps, weightDecay = WeightDecay, momentum = Momentum, lr = LearningRate;
        float oneMinusAlpha = (float)(1.0 - alpha);
        bool lerpFromStart = Math.Abs(oneMinusAlpha) < 0.5f; // torch.lerp's two formulas, see AdamKernel
        float lerpScale = lerpFromStart ? oneMinusAlpha : 1f - oneMinusAlpha;
        bool decay = weightDecay != 0f, centered = Centered, useMomentum = momentum > 0f, maximize = Maximize;

        int n = parameters.Length;
        ref float p0 = ref MemoryMarshal.GetReference(parameters);
        ref float g0 = ref MemoryMarshal.GetReference(gradients);
        ref float s0 = ref MemoryMarshal.GetReference(_squareAvg.AsSpan());
        ref float a0 = ref MemoryMarshal.GetReference(_gradAvg.AsSpan());
        ref float b0 = ref MemoryMarshal.GetReference(_momentumBuffer.AsSpan());
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vAlpha = Vector256.Create(alpha), vOneMinusAlpha = Vector256.Create(oneMinusAlpha);
            Vector256<float> vLerp = Vector256.Create(lerpScale), vEps = Vector256.Create(eps);
            Vector256<float> vDecay = Vector256.Create(weightDecay), vMomentum = Vector256.Create(momentum), vLr = Vector256.Create(lr);
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

                Vector256<float> s = Vector256.LoadUnsafe(ref s0, (nuint)i) * vAlpha + vOneMinusAlpha * g * g;
                s.StoreUnsafe(ref s0, (nuint)i);
                Vector256<float> avg;
                if (centered)
                {
                    Vector256<float> a = Vector256.LoadUnsafe(ref a0, (nuint)i);
                    a = lerpFromStart ? a + vLerp * (g - a) : g - (g - a) * vLerp;
                    a.StoreUnsafe(ref a0, (nuint)i);
                    avg = Vector256.Sqrt(s - a * a);
                }
                else
                {
                    avg = Vector256.Sqrt(s);
                }

                avg += vEps;
                if (useMomentum)
                {
                    Vector256<float> b = Vector256.LoadUnsafe(ref b0, (nuint)i) * vMomentum + g / avg;
                    b.StoreUnsafe(ref b0, (nuint)i);
                    (p - vLr * b).StoreUnsafe(ref p0, (nuint)i);
                }
                else
                {
                    (p - vLr * (g / avg)).StoreUnsafe(ref p0, (nuint)i);
                }
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

            float s = Unsafe.Add(ref s0, i) * alpha + oneMinusAlpha * g * g;
            Unsafe.Add(ref s0, i) = s;
            float avg;
            if (centered)
            {
                float a = Unsafe.Add(ref a0, i);
                a = lerpFromStart ? a + lerpScale * (g - a) : g - (g - a) * lerpScale;
                Unsafe.Add(ref a0, i) = a;
                avg = MathF.Sqrt(s - a * a);
            }
            else
            {
                avg = MathF.Sqrt(s);
            }

            avg += eps;
            if (useMomentum)
            {
                float b = Unsafe.Add(ref b0, i) * momentum + g / avg;
                Unsafe.Add(ref b0, i) = b;
                Unsafe.Add(ref p0, i) = p - lr * b;
            }
            else
            {
                Unsafe.Add(ref p0, i) = p - lr * (g / avg);
            }
        }
    }
}
