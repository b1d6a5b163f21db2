using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, L2 weight decay and
/// maximization: the update rule of PyTorch's <c>torch.optim.SGD</c> (its <c>_single_tensor_sgd</c>).
/// </summary>
/// <remarks>
/// For each parameter <c>p</c> with gradient <c>g</c>, at step <c>t</c>:
/// <code>
/// g = −g                                                   (when maximize)
/// g = g + weightDecay · p                                  (when weightDecay ≠ 0)
/// b = g                                  at t = 1,        (when momentum ≠ 0)
/// b = momentum · b + (1 − dampening) · g  after
/// g = g + momentum · b  if nesterov, else g = b           (when momentum ≠ 0)
/// p = p − lr · g
/// </code>
/// The momentum buffer (<c>momentum_buffer</c> in <see cref="Optimizer.GetState"/>) is allocated on the first step,
/// only when momentum is not zero. <c>1 − dampening</c> is computed in double and applied as a float, as PyTorch
/// applies its Python floats to float tensors.
/// </remarks>
public sealed class Sgd : Optimizer
{
    private static readonly string[] MomentumBufferNames = ["momentum_buffer"];

    private float[] _momentumBuffer = [];

    /// <summary>
    /// An SGD optimizer; the arguments are PyTorch's (<c>lr</c>, <c>momentum</c>, <c>dampening</c>, <c>nesterov</c>,
    /// <c>weight_decay</c>, <c>maximize</c>), with its defaults.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/>, <paramref name="momentum"/> or <paramref name="weightDecay"/> is negative or NaN,
    /// or <paramref name="dampening"/> is NaN.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> is set without a positive momentum and zero dampening.</exception>
    public Sgd(float learningRate = 1e-3f, float momentum = 0f, float dampening = 0f, bool nesterov = false, float weightDecay = 0f, bool maximize = false)
        : base(learningRate)
    {
        ThrowIfNegativeOrNaN(momentum, nameof(momentum));
        ThrowIfNegativeOrNaN(weightDecay, nameof(weightDecay));
        if (float.IsNaN(dampening))
        {
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "Invalid dampening: NaN.");
        }

        if (nesterov && (momentum <= 0f || dampening != 0f))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening.", nameof(nesterov));
        }

        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
        Maximize = maximize;
    }

    /// <summary>The momentum factor (0 for plain SGD).</summary>
    public float Momentum { get; }

    /// <summary>The dampening applied to the gradient when it enters the momentum buffer after the first step.</summary>
    public float Dampening { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>The L2 penalty factor added to the gradient (PyTorch's <c>weight_decay</c>).</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the parameters climb the gradient instead of descending it (PyTorch's <c>maximize</c>).</summary>
    public bool Maximize { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateBufferNames => Momentum != 0f ? MomentumBufferNames : [];

    /// <inheritdoc/>
    protected override float[] GetStateBuffer(string name) => name == "momentum_buffer" && Momentum != 0f
        ? _momentumBuffer
        : throw new ArgumentOutOfRangeException(nameof(name), name, "No such buffer.");

    /// <inheritdoc/>
    protected override void AllocateState(int parameterCount)
    {
        if (Momentum != 0f)
        {
            _momentumBuffer = new float[parameterCount];
        }
    }

    /// <inheritdoc/>
    protected override void ClearState()
    {
        Array.Clear(_momentumBuffer);
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        float lr = LearningRate;
        float weightDecay = WeightDecay;
        if (Momentum == 0f)
        {
            UpdatePlain(parameters, gradients, lr, weightDecay, Maximize);
            return;
        }

        // PyTorch computes 1 - dampening in double and applies it as a float scalar.
        float keep = (float)(1.0 - Dampening);
        // PyTorch's momentum_buffer is None until the first step (StepCount 1 here), which stores the gradient itself.
        UpdateWithMomentum(parameters, gradients, _momentumBuffer, lr, weightDecay, Momentum, keep, Nesterov, Maximize, first: StepCount == 1);
    }

    private static void UpdatePlain(Span<float> parameters, ReadOnlySpan<float> gradients, float lr, float weightDecay, bool maximize)
    {
        int n = parameters.Length;
        ref float p0 = ref MemoryMarshal.GetReference(parameters);
        ref float g0 = ref MemoryMarshal.GetReference(gradients);
        bool decay = weightDecay != 0f;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vLr = Vector256.Create(lr), vDecay = Vector256.Create(weightDecay);
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

                (p - vLr * g).StoreUnsafe(ref p0, (nuint)i);
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

            Unsafe.Add(ref p0, i) = p - lr * g;
        }
    }

    private static void UpdateWithMomentum(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> buffer,
        float lr, float weightDecay, float momentum, float keep, bool nesterov, bool maximize, bool first)
    {
        int n = parameters.Length;
        ref float p0 = ref MemoryMarshal.GetReference(parameters);
        ref float g0 = ref MemoryMarshal.GetReference(gradients);
        ref float b0 = ref MemoryMarshal.GetReference(buffer);
        bool decay = weightDecay != 0f;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vLr = Vector256.Create(lr), vDecay = Vector256.Create(weightDecay);
            Vector256<float> vMomentum = Vector256.Create(momentum), vKeep = Vector256.Create(keep);
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

                Vector256<float> b = first ? g : vMomentum * Vector256.LoadUnsafe(ref b0, (nuint)i) + vKeep * g;
                b.StoreUnsafe(ref b0, (nuint)i);
                Vector256<float> d = nesterov ? g + vMomentum * b : b;
                (p - vLr * d).StoreUnsafe(ref p0, (nuint)i);
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

            float b = first ? g : momentum * Unsafe.Add(ref b0, i) + keep * g;
            Unsafe.Add(ref b0, i) = b;
            float d = nesterov ? g + momentum * b : b;
            Unsafe.Add(ref p0, i) = p - lr * d;
        }
    }
}
