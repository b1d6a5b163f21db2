using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The LSTM and GRU cells of <see cref="CellKernels"/> with the activations of <see cref="FastActivations"/>: what the
/// inference of a model declared with <c>Activations = ActivationPrecision.Fast</c> calls (its training calls
/// <see cref="CellKernels"/>). The same arithmetic as <see cref="CellKernels"/> apart from the sigmoid and tanh, in the
/// same order; every lane computes the same at every width, so the unrolled step gives these bits too.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class FastCellKernels
{
    /// <summary><see cref="CellKernels.LstmCell"/> with the fast activations.</summary>
    public static void LstmCell(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> tanhC, Span<float> h) =>
        CellKernels.LstmCell<FastLstm>(gates, cPrev, c, tanhC, h);

    /// <summary><see cref="CellKernels.LstmCellRows"/> with the fast activations (the streams' step).</summary>
    public static void LstmCellRows(Span<float> gates, ReadOnlySpan<float> cPrev, int cPrevStride, Span<float> c, Span<float> tanhC, Span<float> h, int stride, int rows, int hidden) =>
        CellKernels.LstmCellRows<FastLstm>(gates, cPrev, cPrevStride, c, tanhC, h, stride, rows, hidden);

    /// <summary><see cref="CellKernels.GruCell"/> with the fast activations.</summary>
    public static void GruCell(Span<float> gates, ReadOnlySpan<float> gatesHidden, ReadOnlySpan<float> hPrev, Span<float> hn, Span<float> h) =>
        CellKernels.GruCell<FastGru>(gates, gatesHidden, hPrev, hn, h);

    /// <summary><see cref="CellKernels.GruCellRows"/> with the fast activations (the streams' step).</summary>
    public static void GruCellRows(Span<float> gates, ReadOnlySpan<float> gatesHidden, int hiddenSideStride, ReadOnlySpan<float> hPrev, int hPrevStride, Span<float> hn, Span<float> h, int stride, int rows, int hidden) =>
        CellKernels.GruCellRows<FastGru>(gates, gatesHidden, hiddenSideStride, hPrev, hPrevStride, hn, h, stride, rows, hidden);

    private readonly struct FastLstm : ILstmCellCore
    {
        public static void Run(ref float gi, ref float cp, ref float c0, ref float tc, ref float h0, int hidden) => LstmCellCore(ref gi, ref cp, ref c0, ref tc, ref h0, hidden);
    }

    private readonly struct FastGru : IGruCellCore
    {
        public static void Run(ref float xr, ref float hr, ref float hp, ref float hn0, ref float h0, int hidden) => GruCellCore(ref xr, ref hr, ref hp, ref hn0, ref h0, hidden);
    }

    // Every width computes the same bits, so the widest that fits goes first and the rest follow narrower.
    private static void LstmCellCore(ref float gi, ref float cp, ref float c0, ref float tc, ref float h0, int hidden)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            j = LstmCellVectors<Simd.Wide512, Vector512<float>>(ref gi, hidden, ref cp, ref c0, ref tc, ref h0, j);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = LstmCellVectors<Simd.Wide256, Vector256<float>>(ref gi, hidden, ref cp, ref c0, ref tc, ref h0, j);
        }

        LstmCellVectors<Simd.Scalar, float>(ref gi, hidden, ref cp, ref c0, ref tc, ref h0, j);
    }

    private static void GruCellCore(ref float xr, ref float hr, ref float hp, ref float hn0, ref float h0, int hidden)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            j = GruCellVectors<Simd.Wide512, Vector512<float>>(ref xr, ref hr, hidden, ref hp, ref hn0, ref h0, j);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = GruCellVectors<Simd.Wide256, Vector256<float>>(ref xr, ref hr, hidden, ref hp, ref hn0, ref h0, j);
        }

        GruCellVectors<Simd.Scalar, float>(ref xr, ref hr, hidden, ref hp, ref hn0, ref h0, j);
    }

    /// <summary>Hidden units <paramref name="j"/> on, as many as fill whole vectors: the arithmetic of <see cref="CellKernels.LstmCell"/>.</summary>
    private static int LstmCellVectors<TMath, TVector>(ref float gi, int hidden, ref float cp, ref float c0, ref float tc, ref float h0, int j)
        where TMath : struct, IFastMath<TVector>
        where TVector : struct
    {
        ref float gf = ref Unsafe.Add(ref gi, hidden);
        ref float gg = ref Unsafe.Add(ref gi, 2 * hidden);
        ref float go = ref Unsafe.Add(ref gi, 3 * hidden);
        for (; j <= hidden - TMath.Count; j += TMath.Count)
        {
            nuint at = (nuint)j;
            TVector i = FastActivations.Sigmoid<TMath, TVector>(TMath.Load(ref gi, at));
            TVector f = FastActivations.Sigmoid<TMath, TVector>(TMath.Load(ref gf, at));
            TVector g = FastActivations.Tanh<TMath, TVector>(TMath.Load(ref gg, at));
            TVector o = FastActivations.Sigmoid<TMath, TVector>(TMath.Load(ref go, at));
            TVector cell = TMath.MultiplyAdd(f, TMath.Load(ref cp, at), TMath.Multiply(i, g));
            TVector tanhCell = FastActivations.Tanh<TMath, TVector>(cell);
            TMath.Store(i, ref gi, at);
            TMath.Store(f, ref gf, at);
            TMath.Store(g, ref gg, at);
            TMath.Store(o, ref go, at);
            TMath.Store(cell, ref c0, at);
            TMath.Store(tanhCell, ref tc, at);
            TMath.Store(TMath.Multiply(o, tanhCell), ref h0, at);
        }

        return j;
    }

    /// <summary>Hidden units <paramref name="j"/> on, as many as fill whole vectors: the arithmetic of <see cref="CellKernels.GruCell"/>.</summary>
    private static int GruCellVectors<TMath, TVector>(ref float xr, ref float hr, int hidden, ref float hp, ref float hn0, ref float h0, int j)
        where TMath : struct, IFastMath<TVector>
        where TVector : struct
    {
        ref float xz = ref Unsafe.Add(ref xr, hidden);
        ref float xn = ref Unsafe.Add(ref xr, 2 * hidden);
        ref float hz = ref Unsafe.Add(ref hr, hidden);
        ref float hh = ref Unsafe.Add(ref hr, 2 * hidden);
        TVector one = TMath.Broadcast(1f);
        for (; j <= hidden - TMath.Count; j += TMath.Count)
        {
            nuint at = (nuint)j;
            TVector r = FastActivations.Sigmoid<TMath, TVector>(TMath.Add(TMath.Load(ref xr, at), TMath.Load(ref hr, at)));
            TVector z = FastActivations.Sigmoid<TMath, TVector>(TMath.Add(TMath.Load(ref xz, at), TMath.Load(ref hz, at)));
            TVector recurrentN = TMath.Load(ref hh, at);
            TVector n = FastActivations.Tanh<TMath, TVector>(TMath.MultiplyAdd(r, recurrentN, TMath.Load(ref xn, at)));
            TVector previous = TMath.Load(ref hp, at);
            TMath.Store(r, ref xr, at);
            TMath.Store(z, ref xz, at);
            TMath.Store(n, ref xn, at);
            TMath.Store(recurrentN, ref hn0, at);
            TMath.Store(TMath.Add(TMath.Multiply(TMath.Subtract(one, z), n), TMath.Multiply(z, previous)), ref h0, at);
        }

        return j;
    }
}
