using System;
using System.Runtime.InteropServices;
using Rnn.Gen.Kernels;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// The update of PyTorch's <c>_single_tensor_adam</c> (which also serves <c>AdamW</c> through
/// <c>decoupled_weight_decay</c>), shared by <see cref="Adam"/> and <see cref="AdamW"/>.
/// </summary>
/// <remarks>
/// Scalars are computed in double from the float hyper-parameters and applied as floats, as PyTorch applies its Python
/// floats to float tensors: <c>1 − β1</c>, <c>1 − β2</c>, the bias corrections, the step size and the decay factor
/// <c>1 − lr · weightDecay</c>. Tensor arithmetic is float, one rounding per PyTorch operation, in PyTorch's order;
/// every width (<see cref="AdamUpdate"/>, down to the scalar one for the last elements) computes exactly the same
/// roundings (no fused multiply-add).
/// </remarks>
internal static class AdamKernel
{
    public static void Update(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> expAvg, Span<float> expAvgSq, Span<float> maxExpAvgSq,
        long step, float learningRate, float beta1, float beta2, float eps, float weightDecay, bool decoupledWeightDecay,
        bool amsgrad, bool maximize)
    {
        double biasCorrection1 = 1.0 - Math.Pow(beta1, step);
        double biasCorrection2 = 1.0 - Math.Pow(beta2, step);
        float stepSize = (float)(learningRate / biasCorrection1);
        float biasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);

        // AdamW: param.mul_(1 − lr · weight_decay) before the update; Adam: grad = grad + weight_decay · param.
        bool decay = weightDecay != 0f && decoupledWeightDecay;
        bool l2 = weightDecay != 0f && !decoupledWeightDecay;
        float decayFactor = (float)(1.0 - (double)learningRate * weightDecay);

        // exp_avg.lerp_(grad, 1 − β1): torch.lerp computes m + w (g − m) for |w| < 0.5 and g − (g − m)(1 − w) otherwise.
        float weight = (float)(1.0 - beta1);
        bool lerpFromStart = Math.Abs(weight) < 0.5f;
        float lerpScale = lerpFromStart ? weight : 1f - weight;
        float oneMinusBeta2 = (float)(1.0 - beta2);

        var update = new AdamUpdate(
            parameters, gradients, expAvg, expAvgSq, maxExpAvgSq, lerpFromStart, lerpScale, beta2, oneMinusBeta2, stepSize,
            biasCorrection2Sqrt, eps, weightDecay, l2, decayFactor, decay, amsgrad, maximize);
        Elementwise.Run(ref update, parameters.Length);
    }
}

/// <summary>
/// <see cref="AdamKernel"/>'s pass over the buffers, with the scalars it computed: every element one rounding per
/// PyTorch operation, in PyTorch's order, at every width.
/// </summary>
internal ref struct AdamUpdate : IElementwise
{
    private readonly ref float _parameters;
    private readonly ref float _gradients;
    private readonly ref float _expAvg;
    private readonly ref float _expAvgSq;
    private readonly ref float _maxExpAvgSq;
    private readonly float _lerpScale, _beta2, _oneMinusBeta2, _stepSize, _biasCorrection2Sqrt, _eps, _weightDecay, _decayFactor;
    private readonly bool _lerpFromStart, _l2, _decay, _amsgrad, _maximize;

    /// <summary>The update of <paramref name="parameters"/>; <paramref name="maxExpAvgSq"/> is empty without AMSGrad.</summary>
    public AdamUpdate(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> expAvg, Span<float> expAvgSq, Span<float> maxExpAvgSq,
        bool lerpFromStart, float lerpScale, float beta2, float oneMinusBeta2, float stepSize, float biasCorrection2Sqrt, float eps,
        float weightDecay, bool l2, float decayFactor, bool decay, bool amsgrad, bool maximize)
    {
        _parameters = ref MemoryMarshal.GetReference(parameters);
        _gradients = ref MemoryMarshal.GetReference(gradients);
        _expAvg = ref MemoryMarshal.GetReference(expAvg);
        _expAvgSq = ref MemoryMarshal.GetReference(expAvgSq);
        _maxExpAvgSq = ref MemoryMarshal.GetReference(maxExpAvgSq);
        _lerpFromStart = lerpFromStart;
        _lerpScale = lerpScale;
        _beta2 = beta2;
        _oneMinusBeta2 = oneMinusBeta2;
        _stepSize = stepSize;
        _biasCorrection2Sqrt = biasCorrection2Sqrt;
        _eps = eps;
        _weightDecay = weightDecay;
        _l2 = l2;
        _decayFactor = decayFactor;
        _decay = decay;
        _amsgrad = amsgrad;
        _maximize = maximize;
    }

    /// <inheritdoc/>
    public readonly int Run<TMath, TVector>(int i, int n)
        where TMath : struct, IElementMath<TVector>
        where TVector : struct
    {
        ref float p0 = ref _parameters;
        ref float g0 = ref _gradients;
        ref float m0 = ref _expAvg;
        ref float v0 = ref _expAvgSq;
        ref float x0 = ref _maxExpAvgSq;
        bool l2 = _l2, decay = _decay, amsgrad = _amsgrad, maximize = _maximize, lerpFromStart = _lerpFromStart;
        TVector weightDecay = TMath.Broadcast(_weightDecay), decayFactor = TMath.Broadcast(_decayFactor);
        TVector lerp = TMath.Broadcast(_lerpScale);
        TVector beta2 = TMath.Broadcast(_beta2), oneMinusBeta2 = TMath.Broadcast(_oneMinusBeta2);
        TVector stepSize = TMath.Broadcast(_stepSize), biasCorrection2Sqrt = TMath.Broadcast(_biasCorrection2Sqrt);
        TVector eps = TMath.Broadcast(_eps);
        for (; i <= n - TMath.Count; i += TMath.Count)
        {
            nuint at = (nuint)i;
            TVector p = TMath.Load(ref p0, at);
            TVector g = ElementUpdates.Gradient<TMath, TVector>(TMath.Load(ref g0, at), p, maximize, l2, weightDecay);
            TVector m = TMath.Load(ref m0, at);
            TVector v = TMath.Load(ref v0, at);

            if (decay)
            {
                p = TMath.Multiply(p, decayFactor);
            }

            m = ElementUpdates.Lerp<TMath, TVector>(m, g, lerp, lerpFromStart);
            v = TMath.Add(TMath.Multiply(v, beta2), TMath.Multiply(TMath.Multiply(oneMinusBeta2, g), g));
            TVector second = v;
            if (amsgrad)
            {
                second = TMath.Maximum(TMath.Load(ref x0, at), v);
                TMath.Store(second, ref x0, at);
            }

            TVector denom = TMath.Add(TMath.Divide(TMath.Sqrt(second), biasCorrection2Sqrt), eps);
            TMath.Store(m, ref m0, at);
            TMath.Store(v, ref v0, at);
            TMath.Store(TMath.Subtract(p, TMath.Multiply(stepSize, TMath.Divide(m, denom))), ref p0, at);
        }

        return i;
    }
}
