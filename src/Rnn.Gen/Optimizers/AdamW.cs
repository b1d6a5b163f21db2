using System;

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
public sealed class AdamW : AdamFamily
{
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
        : base(learningRate, beta1, beta2, eps, weightDecay, amsgrad, maximize, decoupledWeightDecay: true)
    {
    }
}
