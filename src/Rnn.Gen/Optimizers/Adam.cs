using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// Adam with optional L2 weight decay (added to the gradient, not decoupled): the update rule of PyTorch's
/// <c>torch.optim.Adam</c> without <c>amsgrad</c>.
/// </summary>
/// <remarks>
/// For each parameter <c>p</c> with gradient <c>g</c>, at step <c>t</c> (1 on the first step):
/// <code>
/// g = g + weightDecay · p                      (when weightDecay ≠ 0)
/// m = β1 · m + (1 − β1) · g
/// v = β2 · v + (1 − β2) · g²
/// stepSize = lr / (1 − β1^t)
/// denom = √v / √(1 − β2^t) + eps
/// p = p − stepSize · m / denom
/// </code>
/// As in PyTorch, <c>m</c> is updated as <c>lerp(m, g, 1 − β1)</c>, the bias corrections and the step size are
/// computed in double and applied as float scalars, and the two moment buffers are allocated on the first step.
/// </remarks>
public sealed class Adam : Optimizer
{
    private float[] _firstMoment = [];
    private float[] _secondMoment = [];

    /// <summary>An Adam optimizer; the arguments are PyTorch's (<c>lr</c>, <c>betas</c>, <c>eps</c>, <c>weight_decay</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/>, <paramref name="eps"/> or <paramref name="weightDecay"/> is negative or NaN,
    /// or a beta is outside [0, 1).
    /// </exception>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
        : base(learningRate)
    {
        ThrowIfNegativeOrNaN(eps, nameof(eps));
        ThrowIfNotInUnitInterval(beta1, nameof(beta1));
        ThrowIfNotInUnitInterval(beta2, nameof(beta2));
        ThrowIfNegativeOrNaN(weightDecay, nameof(weightDecay));
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
    }

    /// <summary>The decay rate of the first-moment (mean) estimate.</summary>
    public float Beta1 { get; }

    /// <summary>The decay rate of the second-moment (uncentered variance) estimate.</summary>
    public float Beta2 { get; }

    /// <summary>The term added to the denominator for numerical stability.</summary>
    public float Eps { get; }

    /// <summary>The L2 penalty factor added to the gradient (PyTorch's <c>weight_decay</c>).</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateBufferNames { get; } = ["exp_avg", "exp_avg_sq"];

    /// <inheritdoc/>
    protected override float[] GetStateBuffer(string name) => name switch
    {
        "exp_avg" => _firstMoment,
        "exp_avg_sq" => _secondMoment,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such buffer."),
    };

    /// <inheritdoc/>
    protected override void AllocateState(int parameterCount)
    {
        _firstMoment = new float[parameterCount];
        _secondMoment = new float[parameterCount];
    }

    /// <inheritdoc/>
    protected override void ClearState()
    {
        Array.Clear(_firstMoment);
        Array.Clear(_secondMoment);
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        double t = StepCount;
        double biasCorrection1 = 1.0 - Math.Pow(Beta1, t);
        double biasCorrection2 = 1.0 - Math.Pow(Beta2, t);
        float stepSize = (float)(LearningRate / biasCorrection1);
        float biasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);

        // torch.lerp(m, g, w) computes m + w (g − m) for w < 0.5 and g − (g − m)(1 − w) otherwise.
        float weight = (float)(1.0 - Beta1);
        bool lerpFromStart = weight < 0.5f;
        float lerpScale = lerpFromStart ? weight : 1f - weight;
        float oneMinusBeta2 = (float)(1.0 - Beta2);

        int n = parameters.Length;
        ref float p0 = ref MemoryMarshal.GetReference(parameters);
        ref float g0 = ref MemoryMarshal.GetReference(gradients);
        ref float m0 = ref MemoryMarshal.GetReference(_firstMoment.AsSpan());
        ref float v0 = ref MemoryMarshal.GetReference(_secondMoment.AsSpan());
        float weightDecay = WeightDecay, beta2 = Beta2, eps = Eps;
        bool decay = weightDecay != 0f;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vDecay = Vector256.Create(weightDecay), vLerp = Vector256.Create(lerpScale);
            Vector256<float> vBeta2 = Vector256.Create(beta2), vOneMinusBeta2 = Vector256.Create(oneMinusBeta2);
            Vector256<float> vStep = Vector256.Create(stepSize), vBc2 = Vector256.Create(biasCorrection2Sqrt);
            Vector256<float> vEps = Vector256.Create(eps);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref p0, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref g0, (nuint)i);
                Vector256<float> m = Vector256.LoadUnsafe(ref m0, (nuint)i);
                Vector256<float> v = Vector256.LoadUnsafe(ref v0, (nuint)i);
                if (decay)
                {
                    g += vDecay * p;
                }

                m = lerpFromStart ? m + vLerp * (g - m) : g - (g - m) * vLerp;
                v = v * vBeta2 + vOneMinusBeta2 * g * g;
                Vector256<float> denom = Vector256.Sqrt(v) / vBc2 + vEps;
                m.StoreUnsafe(ref m0, (nuint)i);
                v.StoreUnsafe(ref v0, (nuint)i);
                (p - vStep * (m / denom)).StoreUnsafe(ref p0, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float p = Unsafe.Add(ref p0, i);
            float g = Unsafe.Add(ref g0, i);
            float m = Unsafe.Add(ref m0, i);
            float v = Unsafe.Add(ref v0, i);
            if (decay)
            {
                g += weightDecay * p;
            }

            m = lerpFromStart ? m + lerpScale * (g - m) : g - (g - m) * lerpScale;
            v = v * beta2 + oneMinusBeta2 * g * g;
            float denom = MathF.Sqrt(v) / biasCorrection2Sqrt + eps;
            Unsafe.Add(ref m0, i) = m;
            Unsafe.Add(ref v0, i) = v;
            Unsafe.Add(ref p0, i) = p - stepSize * (m / denom);
        }
    }
}
