using System;
using System.Collections.Generic;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019), AMSGrad and maximization: the update rule of
/// PyTorch's <c>torch.optim.AdamW</c> (<c>_single_tensor_adam</c> with <c>decoupled_weight_decay</c>).
/// </summary>
/// <remarks>
/// As <see cref="Adam"/>, except that the weight decay shrinks the parameters instead of entering the gradient:
/// <code>
/// p = p · (1 − lr · weightDecay)               (before the Adam update; the factor computed in double)
/// </code>
/// The default weight decay is PyTorch's, 0.01.
/// </remarks>
public sealed class AdamW : Optimizer
{
    private float[] _expAvg = [];
    private float[] _expAvgSq = [];
    private float[] _maxExpAvgSq = [];

    /// <summary>
    /// An AdamW optimizer; the arguments are PyTorch's (<c>lr</c>, <c>betas</c>, <c>eps</c>, <c>weight_decay</c>,
    /// <c>amsgrad</c>, <c>maximize</c>), with its defaults.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/>, <paramref name="eps"/> or <paramref name="weightDecay"/> is negative or NaN,
    /// or a beta is outside [0, 1).
    /// </exception>
    public AdamW(
        float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f,
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

    /// <summary>The decoupled weight decay factor: each step multiplies the parameters by <c>1 − lr · weightDecay</c>.</summary>
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
            decoupledWeightDecay: true, Amsgrad, Maximize);
}
