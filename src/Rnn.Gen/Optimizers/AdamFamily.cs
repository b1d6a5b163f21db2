using System;
using System.Collections.Generic;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// What <see cref="Adam"/> and <see cref="AdamW"/> share: the hyper-parameters, the moment buffers and the update
/// (<see cref="AdamKernel"/>); they differ only in how the weight decay applies.
/// </summary>
public abstract class AdamFamily : Optimizer
{
    private readonly bool _decoupledWeightDecay;
    private float[] _expAvg = [];
    private float[] _expAvgSq = [];
    private float[] _maxExpAvgSq = [];

    /// <summary>Checks and stores the hyper-parameters (PyTorch's <c>lr</c>, <c>betas</c>, <c>eps</c>, <c>weight_decay</c>, <c>amsgrad</c>, <c>maximize</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/>, <paramref name="eps"/> or <paramref name="weightDecay"/> is negative or NaN,
    /// or a beta is outside [0, 1).
    /// </exception>
    private protected AdamFamily(
        float learningRate, float beta1, float beta2, float eps, float weightDecay, bool amsgrad, bool maximize, bool decoupledWeightDecay)
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
        _decoupledWeightDecay = decoupledWeightDecay;
        StateBufferNames = amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"];
    }

    /// <summary>The decay rate of the first-moment (mean) estimate.</summary>
    public float Beta1 { get; }

    /// <summary>The decay rate of the second-moment (uncentered variance) estimate.</summary>
    public float Beta2 { get; }

    /// <summary>The term added to the denominator for numerical stability.</summary>
    public float Eps { get; }

    /// <summary>
    /// PyTorch's <c>weight_decay</c>: an L2 penalty added to the gradient (<see cref="Adam"/>), or the decoupled decay
    /// that multiplies the parameters by <c>1 − lr · weightDecay</c> (<see cref="AdamW"/>).
    /// </summary>
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
            _decoupledWeightDecay, Amsgrad, Maximize);
}
