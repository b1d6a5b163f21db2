using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The LSTM and GRU cells of <see cref="CellKernels"/> with the activations of <see cref="FastActivations"/>: what the
/// inference of a model declared with <c>Activations = ActivationPrecision.Fast</c> calls (its training calls
/// <see cref="CellKernels"/>). <see cref="CellKernels"/>' own checks and cell loop, generic over the activations
/// (<see cref="ICellActivations"/>), so the same arithmetic in the same order apart from the sigmoid and tanh; every lane
/// computes the same at every width, so the unrolled step gives these bits too.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class FastCellKernels
{
    /// <summary><see cref="CellKernels.LstmCell"/> with the fast activations.</summary>
    public static void LstmCell(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> tanhC, Span<float> h) =>
        CellKernels.LstmCell<Fast>(gates, cPrev, c, tanhC, h);

    /// <summary><see cref="CellKernels.LstmCellRows"/> with the fast activations (the streams' step).</summary>
    public static void LstmCellRows(Span<float> gates, ReadOnlySpan<float> cPrev, int cPrevStride, Span<float> c, Span<float> tanhC, Span<float> h, int stride, int rows, int hidden) =>
        CellKernels.LstmCellRows<Fast>(gates, cPrev, cPrevStride, c, tanhC, h, stride, rows, hidden);

    /// <summary><see cref="CellKernels.GruCell"/> with the fast activations.</summary>
    public static void GruCell(Span<float> gates, ReadOnlySpan<float> gatesHidden, ReadOnlySpan<float> hPrev, Span<float> hn, Span<float> h) =>
        CellKernels.GruCell<Fast>(gates, gatesHidden, hPrev, hn, h);

    /// <summary><see cref="CellKernels.GruCellRows"/> with the fast activations (the streams' step).</summary>
    public static void GruCellRows(Span<float> gates, ReadOnlySpan<float> gatesHidden, int hiddenSideStride, ReadOnlySpan<float> hPrev, int hPrevStride, Span<float> hn, Span<float> h, int stride, int rows, int hidden) =>
        CellKernels.GruCellRows<Fast>(gates, gatesHidden, hiddenSideStride, hPrev, hPrevStride, hn, h, stride, rows, hidden);

    /// <summary>The fast activations at the cell loop's widths: <see cref="FastActivations"/>' one generic body at each.</summary>
    private readonly struct Fast : ICellActivations
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sigmoid(Vector512<float> x) => FastActivations.Sigmoid<Simd.Wide512, Vector512<float>>(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Tanh(Vector512<float> x) => FastActivations.Tanh<Simd.Wide512, Vector512<float>>(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sigmoid(Vector256<float> x) => FastActivations.Sigmoid<Simd.Wide256, Vector256<float>>(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Tanh(Vector256<float> x) => FastActivations.Tanh<Simd.Wide256, Vector256<float>>(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sigmoid(float x) => FastActivations.Sigmoid<Simd.Scalar, float>(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Tanh(float x) => FastActivations.Tanh<Simd.Scalar, float>(x);
    }
}
