using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Rnn.Gen.Kernels;

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
        // PyTorch computes 1 - dampening in double and applies it as a float scalar; its momentum_buffer is None until
        // the first step (StepCount 1 here), which stores the gradient itself.
        var update = new SgdUpdate(
            parameters, gradients, _momentumBuffer, LearningRate, WeightDecay, Momentum, keep: (float)(1.0 - Dampening), Nesterov, Maximize,
            first: StepCount == 1);
        Elementwise.Run(ref update, parameters.Length);
    }
}

/// <summary>
/// <see cref="Sgd"/>'s update, one pass over the buffers: each element as the remarks of <see cref="Sgd"/> give it,
/// one rounding per operation, in that order. (Plain SGD, p + (−lr) · g, would be one TensorPrimitives.MultiplyAdd,
/// bit for bit, but measured three times slower than this pass on 200,000 parameters: on large spans it stores around
/// the cache, and the next step reads the parameters straight back.)
/// </summary>
internal ref struct SgdUpdate : IElementwise
{
    private readonly ref float _parameters;
    private readonly ref float _gradients;
    private readonly ref float _buffer;
    private readonly float _lr, _weightDecay, _momentum, _keep;
    private readonly bool _nesterov, _maximize, _first;

    /// <summary>The update of <paramref name="parameters"/>; <paramref name="buffer"/> is the momentum buffer, empty without momentum.</summary>
    public SgdUpdate(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> buffer, float lr, float weightDecay, float momentum, float keep,
        bool nesterov, bool maximize, bool first)
    {
        _parameters = ref MemoryMarshal.GetReference(parameters);
        _gradients = ref MemoryMarshal.GetReference(gradients);
        _buffer = ref MemoryMarshal.GetReference(buffer);
        _lr = lr;
        _weightDecay = weightDecay;
        _momentum = momentum;
        _keep = keep;
        _nesterov = nesterov;
        _maximize = maximize;
        _first = first;
    }

    /// <inheritdoc/>
    public readonly int Run<TMath, TVector>(int i, int n)
        where TMath : struct, IElementMath<TVector>
        where TVector : struct
    {
        ref float p0 = ref _parameters;
        ref float g0 = ref _gradients;
        ref float b0 = ref _buffer;
        bool decay = _weightDecay != 0f, useMomentum = _momentum != 0f, nesterov = _nesterov, maximize = _maximize, first = _first;
        TVector lr = TMath.Broadcast(_lr), weightDecay = TMath.Broadcast(_weightDecay);
        TVector momentum = TMath.Broadcast(_momentum), keep = TMath.Broadcast(_keep);
        for (; i <= n - TMath.Count; i += TMath.Count)
        {
            nuint at = (nuint)i;
            TVector p = TMath.Load(ref p0, at);
            TVector g = ElementUpdates.Gradient<TMath, TVector>(TMath.Load(ref g0, at), p, maximize, decay, weightDecay);

            TVector d = g;
            if (useMomentum)
            {
                TVector b = first ? g : TMath.Add(TMath.Multiply(momentum, TMath.Load(ref b0, at)), TMath.Multiply(keep, g));
                TMath.Store(b, ref b0, at);
                d = nesterov ? TMath.Add(g, TMath.Multiply(momentum, b)) : b;
            }

            TMath.Store(TMath.Subtract(p, TMath.Multiply(lr, d)), ref p0, at);
        }

        return i;
    }
}
