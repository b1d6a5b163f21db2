using System.Runtime.CompilerServices;
using Rnn.Gen.Kernels;

namespace Rnn.Gen.Optimizers;

/// <summary>The steps the optimizers' element-wise updates share, one rounding per operation, in PyTorch's order.</summary>
internal static class ElementUpdates
{
    /// <summary>The gradient an update starts from: <c>−g</c> when maximizing, then <c>+ weightDecay · p</c> when decaying.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector Gradient<TMath, TVector>(TVector g, TVector p, bool maximize, bool decay, TVector weightDecay)
        where TMath : struct, IElementMath<TVector>
        where TVector : struct
    {
        if (maximize)
        {
            g = TMath.Negate(g);
        }

        return decay ? TMath.Add(g, TMath.Multiply(weightDecay, p)) : g;
    }

    /// <summary>
    /// <c>torch.lerp(start, end, w)</c>: <c>start + w (end − start)</c> for |w| &lt; 0.5 (<paramref name="fromStart"/>,
    /// <paramref name="scale"/> = w), else <c>end − (end − start)(1 − w)</c> (<paramref name="scale"/> = 1 − w).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector Lerp<TMath, TVector>(TVector start, TVector end, TVector scale, bool fromStart)
        where TMath : struct, IElementMath<TVector>
        where TVector : struct =>
        fromStart
            ? TMath.Add(start, TMath.Multiply(scale, TMath.Subtract(end, start)))
            : TMath.Subtract(end, TMath.Multiply(TMath.Subtract(end, start), scale));
}
