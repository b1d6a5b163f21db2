using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// The update of PyTorch's <c>_single_tensor_adam</c> (which also serves <c>AdamW</c> through
/// <c>decoupled_weight_decay</c>), shared by <see cref="Adam"/> and <see cref="AdamW"/>.
/// </summary>
/// <remarks>
/// Scalars are computed in double from the float hyper-parameters and applied as floats, as PyTorch applies its Python
/// floats to float tensors: <c>1 − β1</c>, <c>1 − β2</c>, the bias corrections, the step size and the decay factor
/// <c>1 − lr · weightDecay</c>. Tensor arithmetic is float, one rounding per PyTorch operation, in PyTorch's order;
/// the vector body and the scalar tail compute exactly the same roundings (no fused multiply-add).
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

        int n = parameters.Length;
        ref float p0 = ref MemoryMarshal.GetReference(parameters);
        ref float g0 = ref MemoryMarshal.GetReference(gradients);
        ref float m0 = ref MemoryMarshal.GetReference(expAvg);
        ref float v0 = ref MemoryMarshal.GetReference(expAvgSq);
        ref float x0 = ref MemoryMarshal.GetReference(maxExpAvgSq);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vWeightDecay = Vector256.Create(weightDecay), vDecayFactor = Vector256.Create(decayFactor);
            Vector256<float> vLerp = Vector256.Create(lerpScale);
            Vector256<float> vBeta2 = Vector256.Create(beta2), vOneMinusBeta2 = Vector256.Create(oneMinusBeta2);
            Vector256<float> vStep = Vector256.Create(stepSize), vBc2 = Vector256.Create(biasCorrection2Sqrt);
            Vector256<float> vEps = Vector256.Create(eps);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> p = Vector256.LoadUnsafe(ref p0, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref g0, (nuint)i);
                Vector256<float> m = Vector256.LoadUnsafe(ref m0, (nuint)i);
                Vector256<float> v = Vector256.LoadUnsafe(ref v0, (nuint)i);
                if (maximize)
                {
                    g = -g;
                }

                if (l2)
                {
                    g += vWeightDecay * p;
                }

                if (decay)
                {
                    p *= vDecayFactor;
                }

                m = lerpFromStart ? m + vLerp * (g - m) : g - (g - m) * vLerp;
                v = v * vBeta2 + vOneMinusBeta2 * g * g;
                Vector256<float> second = v;
                if (amsgrad)
                {
                    second = Vector256.Max(Vector256.LoadUnsafe(ref x0, (nuint)i), v);
                    second.StoreUnsafe(ref x0, (nuint)i);
                }

                Vector256<float> denom = Vector256.Sqrt(second) / vBc2 + vEps;
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
            if (maximize)
            {
                g = -g;
            }

            if (l2)
            {
                g += weightDecay * p;
            }

            if (decay)
            {
                p *= decayFactor;
            }

            m = lerpFromStart ? m + lerpScale * (g - m) : g - (g - m) * lerpScale;
            v = v * beta2 + oneMinusBeta2 * g * g;
            float second = v;
            if (amsgrad)
            {
                second = MathF.Max(Unsafe.Add(ref x0, i), v);
                Unsafe.Add(ref x0, i) = second;
            }

            float denom = MathF.Sqrt(second) / biasCorrection2Sqrt + eps;
            Unsafe.Add(ref m0, i) = m;
            Unsafe.Add(ref v0, i) = v;
            Unsafe.Add(ref p0, i) = p - stepSize * (m / denom);
        }
    }
}
