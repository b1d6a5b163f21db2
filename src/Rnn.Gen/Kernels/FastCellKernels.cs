using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    public static void LstmCell(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> tanhC, Span<float> h)
    {
        int hidden = h.Length;
        Check(gates.Length, 4 * hidden, nameof(gates));
        Check(cPrev.Length, hidden, nameof(cPrev));
        Check(c.Length, hidden, nameof(c));
        Check(tanhC.Length, hidden, nameof(tanhC));
        LstmCellCore(ref MemoryMarshal.GetReference(gates), ref MemoryMarshal.GetReference(cPrev), ref MemoryMarshal.GetReference(c), ref MemoryMarshal.GetReference(tanhC), ref MemoryMarshal.GetReference(h), hidden);
    }

    /// <summary><see cref="CellKernels.LstmCellRows"/> with the fast activations (the streams' step).</summary>
    public static void LstmCellRows(Span<float> gates, ReadOnlySpan<float> cPrev, int cPrevStride, Span<float> c, Span<float> tanhC, Span<float> h, int stride, int rows, int hidden)
    {
        CheckCounts(rows, hidden, stride);
        MatrixKernels.CheckRows("gates", gates.Length, rows, stride, 4 * hidden);
        MatrixKernels.CheckRows("cPrev", cPrev.Length, rows, cPrevStride, hidden);
        MatrixKernels.CheckRows("c", c.Length, rows, stride, hidden);
        MatrixKernels.CheckRows("tanhC", tanhC.Length, rows, stride, hidden);
        MatrixKernels.CheckRows("h", h.Length, rows, stride, hidden);
        ref float g0 = ref MemoryMarshal.GetReference(gates);
        ref float cp = ref MemoryMarshal.GetReference(cPrev);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        ref float tc = ref MemoryMarshal.GetReference(tanhC);
        ref float h0 = ref MemoryMarshal.GetReference(h);
        for (int r = 0; r < rows; r++)
        {
            nint at = (nint)r * stride;
            LstmCellCore(ref Unsafe.Add(ref g0, at), ref Unsafe.Add(ref cp, (nint)r * cPrevStride), ref Unsafe.Add(ref c0, at), ref Unsafe.Add(ref tc, at), ref Unsafe.Add(ref h0, at), hidden);
        }
    }

    /// <summary><see cref="CellKernels.GruCell"/> with the fast activations.</summary>
    public static void GruCell(Span<float> gates, ReadOnlySpan<float> gatesHidden, ReadOnlySpan<float> hPrev, Span<float> hn, Span<float> h)
    {
        int hidden = h.Length;
        Check(gates.Length, 3 * hidden, nameof(gates));
        Check(gatesHidden.Length, 3 * hidden, nameof(gatesHidden));
        Check(hPrev.Length, hidden, nameof(hPrev));
        Check(hn.Length, hidden, nameof(hn));
        GruCellCore(ref MemoryMarshal.GetReference(gates), ref MemoryMarshal.GetReference(gatesHidden), ref MemoryMarshal.GetReference(hPrev), ref MemoryMarshal.GetReference(hn), ref MemoryMarshal.GetReference(h), hidden);
    }

    /// <summary><see cref="CellKernels.GruCellRows"/> with the fast activations (the streams' step).</summary>
    public static void GruCellRows(Span<float> gates, ReadOnlySpan<float> gatesHidden, int hiddenSideStride, ReadOnlySpan<float> hPrev, int hPrevStride, Span<float> hn, Span<float> h, int stride, int rows, int hidden)
    {
        CheckCounts(rows, hidden, stride);
        CheckCounts(rows, hidden, hiddenSideStride);
        MatrixKernels.CheckRows("gates", gates.Length, rows, stride, 3 * hidden);
        MatrixKernels.CheckRows("gatesHidden", gatesHidden.Length, rows, hiddenSideStride, 3 * hidden);
        MatrixKernels.CheckRows("hPrev", hPrev.Length, rows, hPrevStride, hidden);
        MatrixKernels.CheckRows("hn", hn.Length, rows, stride, hidden);
        MatrixKernels.CheckRows("h", h.Length, rows, stride, hidden);
        ref float g0 = ref MemoryMarshal.GetReference(gates);
        ref float gh = ref MemoryMarshal.GetReference(gatesHidden);
        ref float hp = ref MemoryMarshal.GetReference(hPrev);
        ref float hn0 = ref MemoryMarshal.GetReference(hn);
        ref float h0 = ref MemoryMarshal.GetReference(h);
        for (int r = 0; r < rows; r++)
        {
            nint at = (nint)r * stride;
            GruCellCore(ref Unsafe.Add(ref g0, at), ref Unsafe.Add(ref gh, (nint)r * hiddenSideStride), ref Unsafe.Add(ref hp, (nint)r * hPrevStride), ref Unsafe.Add(ref hn0, at), ref Unsafe.Add(ref h0, at), hidden);
        }
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

    private static void CheckCounts(int rows, int hidden, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(hidden);
        ArgumentOutOfRangeException.ThrowIfNegative(stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, name);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string name) =>
        throw new ArgumentException($"Expected {name} of {expected} elements (H = the length of h), got {actual}.", name);
}
