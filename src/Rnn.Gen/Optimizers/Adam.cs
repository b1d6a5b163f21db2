using System;

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
public sealed class Adam : AdamFamily
{
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
        : base(learningRate, beta1, beta2, eps, weightDecay, amsgrad, maximize, decoupledWeightDecay: false)
    {
    }
}
