using System;
using System.Collections.Generic;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// Adam with optional L2 weight decay (added to the gradient, not decoupled: see <see cref="AdamW"/> for that),
/// AMSGrad and maximization: the update rule of PyTorch's <c>torch.optim.Adam</c> (its <c>_single_tensor_adam</c>).
/// </summary>
/// <remarks>
/// For each parameter <c>p</c> with gradient <c>g</c>, at step <c>t</c> (1 on the first step):
/// <code>
/// g = −g                                       (when maximize)
/// g = g + weightDecay · p                      (when weightDecay ≠ 0)
/// m = lerp(m, g, 1 − β1)                       (β1 · m + (1 − β1) · g)
/// v = β2 · v + (1 − β2) · g · g
/// vMax = max(vMax, v)                          (when amsgrad; the denominator then uses vMax instead of v)
/// stepSize = lr / (1 − β1^t)
/// denom = √v / √(1 − β2^t) + eps
/// p = p − stepSize · (m / denom)
/// </code>
/// As in PyTorch, the bias corrections and the step size are computed in double and applied as float scalars.
/// The buffers (<c>exp_avg</c>, <c>exp_avg_sq</c>, and <c>max_exp_avg_sq</c> with AMSGrad) start at zero and are
/// allocated on the first step.
/// </remarks>
public sealed class Adam : Optimizer
{
    private float[] _expAvg = [];
    private float[] _expAvgSq = [];
    private float[] _maxExpAvgSq = [];

    /// <summary>
    /// An Adam optimizer; the arguments are PyTorch's (<c>lr</c>, <c>betas</c>, <c>eps</c>, <c>weight_decay</c>,
    /// <c>amsgrad</c>, <c>maximize</c>), with its defaults.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/>, <paramref name="eps"/> or <paramref name="weightDecay"/> is negative or NaN,
    /// or a beta is outside [0, 1).
    /// </exception>
    public Adam(
        float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f,
        bool amsgrad = false, bool maximize = false)
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
        Amsgrad = amsgrad;
        Maximize = maximize;
        StateBufferNames = amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"];
    }

    /// <summary>The decay rate of the first-moment (mean) estimate.</summary>
    public float Beta1 { get; }

    /// <summary>The decay rate of the second-moment (uncentered variance) estimate.</summary>
    public float Beta2 { get; }

    /// <summary>The term added to the denominator for numerical stability.</summary>
    public float Eps { get; }

    /// <summary>The L2 penalty factor added to the gradient (PyTorch's <c>weight_decay</c>).</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the AMSGrad variant is used: the denominator uses the largest second moment seen so far.</summary>
    public bool Amsgrad { get; }

    /// <summary>Whether the parameters climb the gradient instead of descending it (PyTorch's <c>maximize</c>).</summary>
    public bool Maximize { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateBufferNames { get; }

    /// <inheritdoc/>
    protected override float[] GetStateBuffer(string name) => name switch
    {
        "exp_avg" => _expAvg,
        "exp_avg_sq" => _expAvgSq,
        "max_exp_avg_sq" when Amsgrad => _maxExpAvgSq,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such buffer."),
    };

    /// <inheritdoc/>
    protected override void AllocateState(int parameterCount)
    {
        _expAvg = new float[parameterCount];
        _expAvgSq = new float[parameterCount];
        if (Amsgrad)
        {
            _maxExpAvgSq = new float[parameterCount];
        }
    }

    /// <inheritdoc/>
    protected override void ClearState()
    {
        Array.Clear(_expAvg);
        Array.Clear(_expAvgSq);
        Array.Clear(_maxExpAvgSq);
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients) =>
        AdamKernel.Update(
            parameters, gradients, _expAvg, _expAvgSq, _maxExpAvgSq, StepCount, LearningRate, Beta1, Beta2, Eps, WeightDecay,
            decoupledWeightDecay: false, Amsgrad, Maximize);
}
