using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The element-wise part of one recurrent step, fused: every gate's activation and the state update in one pass over
/// the hidden units, with no temporaries and one call per step instead of one per activation. Generated cells call
/// these after the matrix–vector products; the arithmetic is PyTorch's (see each method).
/// </summary>
/// <remarks>
/// Vectorized with <see cref="Vector512"/> and <see cref="Vector256"/> where the hardware has them (the hidden units in
/// chunks of 16 when H is a multiple of 16, else of 8: the vectors the step's product stored the gates in, see
/// <c>Simd.RunWidth</c>), scalar for the rest; every lane computes the same whatever the width. The sigmoid is
/// <c>1 / (1 + exp(-x))</c> with a vector exponential of its own (range reduction to 2^n e^r and a degree-7
/// polynomial, within 2 ulps); the hyperbolic tangent is an odd
/// polynomial near zero (|x| &lt; 0.3, where the exponential form would lose relative accuracy) and
/// <c>sign(x) (1 - e) / (1 + e)</c>, <c>e = exp(-2|x|)</c>, elsewhere; both within a few float ulps of the exact values
/// (tested against double precision).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class CellKernels
{
    /// <summary>
    /// The LSTM cell of PyTorch's nn.LSTM: <paramref name="gates"/> holds the pre-activations of the four gates in rows
    /// i, f, g, o (<c>[4H]</c>) and receives them activated (sigmoid, sigmoid, tanh, sigmoid); then
    /// <c>c = f c_prev + i g</c>, <c>tanhC = tanh(c)</c>, <c>h = o tanhC</c>. <paramref name="c"/> may alias
    /// <paramref name="cPrev"/>; <paramref name="h"/> must not alias the others.
    /// </summary>
    public static void LstmCell(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> tanhC, Span<float> h) =>
        LstmCell<ExactActivations>(gates, cPrev, c, tanhC, h);

    /// <summary><see cref="LstmCell"/>'s checks and call, with the activations of <typeparamref name="TActivations"/>.</summary>
    internal static void LstmCell<TActivations>(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> tanhC, Span<float> h)
        where TActivations : struct, ICellActivations
    {
        int hidden = h.Length;
        Check(gates.Length, 4 * hidden, "gates", "[4 * H]");
        Check(cPrev.Length, hidden, "cPrev", "[H]");
        Check(c.Length, hidden, "c", "[H]");
        Check(tanhC.Length, hidden, "tanhC", "[H]");
        LstmCellCore<TActivations>(ref MemoryMarshal.GetReference(gates), ref MemoryMarshal.GetReference(cPrev), ref MemoryMarshal.GetReference(c), ref MemoryMarshal.GetReference(tanhC), ref MemoryMarshal.GetReference(h), hidden);
    }

    /// <summary>
    /// <see cref="LstmCell"/> for <paramref name="rows"/> samples in one call, each sample's rows
    /// <paramref name="stride"/> floats after the previous sample's (the blocks of a batch, one step of all of them): the
    /// same arithmetic per sample, without a call, four span checks and five slices per sample and step.
    /// </summary>
    /// <param name="gates">Sample 0's gate row (<c>[4H]</c>, activated in place); sample r's starts r · stride later.</param>
    /// <param name="cPrev">Sample 0's previous cell state (<c>[H]</c>), the others <paramref name="cPrevStride"/> apart.</param>
    /// <param name="cPrevStride"><paramref name="stride"/>, or 0 for one row shared by all (the zero start state).</param>
    /// <param name="c">Sample 0's new cell state; may be <paramref name="cPrev"/>'s row.</param>
    /// <param name="tanhC">Sample 0's tanh(c).</param>
    /// <param name="h">Sample 0's output, H floats.</param>
    /// <param name="stride">Floats from one sample's rows to the next's.</param>
    /// <param name="rows">The number of samples.</param>
    /// <param name="hidden">H.</param>
    public static void LstmCellRows(Span<float> gates, ReadOnlySpan<float> cPrev, int cPrevStride, Span<float> c, Span<float> tanhC, Span<float> h, int stride, int rows, int hidden) =>
        LstmCellRows<ExactActivations>(gates, cPrev, cPrevStride, c, tanhC, h, stride, rows, hidden);

    /// <summary><see cref="LstmCellRows"/>'s checks and loop, with the activations of <typeparamref name="TActivations"/>.</summary>
    internal static void LstmCellRows<TActivations>(Span<float> gates, ReadOnlySpan<float> cPrev, int cPrevStride, Span<float> c, Span<float> tanhC, Span<float> h, int stride, int rows, int hidden)
        where TActivations : struct, ICellActivations
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
            LstmCellCore<TActivations>(ref Unsafe.Add(ref g0, at), ref Unsafe.Add(ref cp, (nint)r * cPrevStride), ref Unsafe.Add(ref c0, at), ref Unsafe.Add(ref tc, at), ref Unsafe.Add(ref h0, at), hidden);
        }
    }

    /// <summary>
    /// The exact activations, for the generic checks and loops: this class's vector sigmoid and tanh in 16 and 8 lanes,
    /// <see cref="MathF.Exp"/> and <see cref="MathF.Tanh"/> for the single units past the last whole vector.
    /// </summary>
    private readonly struct ExactActivations : ICellActivations
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sigmoid(Vector512<float> x) => CellKernels.Sigmoid(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Tanh(Vector512<float> x) => CellKernels.Tanh(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sigmoid(Vector256<float> x) => CellKernels.Sigmoid(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Tanh(Vector256<float> x) => CellKernels.Tanh(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sigmoid(float x) => CellKernels.Sigmoid(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Tanh(float x) => CellKernels.Tanh(x);
    }

    /// <summary>
    /// One sample's LSTM cell: 16 lanes while whole vectors fit (when the gates' run allows them, <see cref="Wide"/>), then
    /// 8, then single units, each with <typeparamref name="TActivations"/>' sigmoid and tanh of its width.
    /// </summary>
    private static void LstmCellCore<TActivations>(ref float gi, ref float cp, ref float c0, ref float tc, ref float h0, int hidden)
        where TActivations : struct, ICellActivations
    {
        int j = 0;
        if (Wide(hidden))
        {
            j = LstmCellVectors<Simd.Wide512, Vector512<float>, TActivations>(ref gi, hidden, ref cp, ref c0, ref tc, ref h0, j);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = LstmCellVectors<Simd.Wide256, Vector256<float>, TActivations>(ref gi, hidden, ref cp, ref c0, ref tc, ref h0, j);
        }

        if (j < hidden) // the single units past the last whole vector: no call when H is a multiple of 8
        {
            LstmCellVectors<Simd.Scalar, float, TActivations>(ref gi, hidden, ref cp, ref c0, ref tc, ref h0, j);
        }
    }

    /// <summary>
    /// The GRU cell of PyTorch's nn.GRU: <paramref name="gates"/> holds the input contribution <c>W_ih x + b_ih</c> and
    /// <paramref name="gatesHidden"/> the hidden one <c>W_hh h_prev + b_hh</c>, rows r, z, n (<c>[3H]</c>);
    /// <c>r = sigmoid(.r + .r)</c>, <c>z = sigmoid(.z + .z)</c>, <c>n = tanh(x.n + r hn)</c> with
    /// <c>hn = W_hn h_prev + b_hn</c>, <c>h = (1 - z) n + z h_prev</c>. <paramref name="gates"/> receives r, z, n and
    /// <paramref name="hn"/> the hidden part of n. <paramref name="h"/> may alias <paramref name="hPrev"/>.
    /// </summary>
    public static void GruCell(Span<float> gates, ReadOnlySpan<float> gatesHidden, ReadOnlySpan<float> hPrev, Span<float> hn, Span<float> h) =>
        GruCell<ExactActivations>(gates, gatesHidden, hPrev, hn, h);

    /// <summary><see cref="GruCell"/>'s checks and call, with the activations of <typeparamref name="TActivations"/>.</summary>
    internal static void GruCell<TActivations>(Span<float> gates, ReadOnlySpan<float> gatesHidden, ReadOnlySpan<float> hPrev, Span<float> hn, Span<float> h)
        where TActivations : struct, ICellActivations
    {
        int hidden = h.Length;
        Check(gates.Length, 3 * hidden, "gates", "[3 * H]");
        Check(gatesHidden.Length, 3 * hidden, "gatesHidden", "[3 * H]");
        Check(hPrev.Length, hidden, "hPrev", "[H]");
        Check(hn.Length, hidden, "hn", "[H]");
        GruCellCore<TActivations>(ref MemoryMarshal.GetReference(gates), ref MemoryMarshal.GetReference(gatesHidden), ref MemoryMarshal.GetReference(hPrev), ref MemoryMarshal.GetReference(hn), ref MemoryMarshal.GetReference(h), hidden);
    }

    /// <summary>
    /// <see cref="GruCell"/> for <paramref name="rows"/> samples in one call (the blocks of a batch, one step of all of
    /// them): the same arithmetic per sample, without a call, span checks and slices per sample and step.
    /// </summary>
    /// <param name="gates">Sample 0's input side (<c>[3H]</c>, replaced by r, z, n); sample r's <paramref name="stride"/> · r later.</param>
    /// <param name="gatesHidden">Sample 0's hidden side W_hh h_prev + b_hh (<c>[3H]</c>), the others <paramref name="hiddenSideStride"/> apart.</param>
    /// <param name="hiddenSideStride">Floats from one sample's hidden side to the next's.</param>
    /// <param name="hPrev">Sample 0's h_prev, the others <paramref name="hPrevStride"/> apart (0: one zero row for all).</param>
    /// <param name="hPrevStride"><paramref name="stride"/>, or 0.</param>
    /// <param name="hn">Sample 0's W_hn h_prev + b_hn, written.</param>
    /// <param name="h">Sample 0's output; may be h_prev's row.</param>
    /// <param name="stride">Floats from one sample's gates, hn and h to the next's.</param>
    /// <param name="rows">The number of samples.</param>
    /// <param name="hidden">H.</param>
    public static void GruCellRows(Span<float> gates, ReadOnlySpan<float> gatesHidden, int hiddenSideStride, ReadOnlySpan<float> hPrev, int hPrevStride, Span<float> hn, Span<float> h, int stride, int rows, int hidden) =>
        GruCellRows<ExactActivations>(gates, gatesHidden, hiddenSideStride, hPrev, hPrevStride, hn, h, stride, rows, hidden);

    /// <summary><see cref="GruCellRows"/>'s checks and loop, with the activations of <typeparamref name="TActivations"/>.</summary>
    internal static void GruCellRows<TActivations>(Span<float> gates, ReadOnlySpan<float> gatesHidden, int hiddenSideStride, ReadOnlySpan<float> hPrev, int hPrevStride, Span<float> hn, Span<float> h, int stride, int rows, int hidden)
        where TActivations : struct, ICellActivations
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
            GruCellCore<TActivations>(ref Unsafe.Add(ref g0, at), ref Unsafe.Add(ref gh, (nint)r * hiddenSideStride), ref Unsafe.Add(ref hp, (nint)r * hPrevStride), ref Unsafe.Add(ref hn0, at), ref Unsafe.Add(ref h0, at), hidden);
        }
    }

    /// <summary>One sample's GRU cell, split into widths as <see cref="LstmCellCore{TActivations}"/>.</summary>
    private static void GruCellCore<TActivations>(ref float xr, ref float hr, ref float hp, ref float hn0, ref float h0, int hidden)
        where TActivations : struct, ICellActivations
    {
        int j = 0;
        if (Wide(hidden))
        {
            j = GruCellVectors<Simd.Wide512, Vector512<float>, TActivations>(ref xr, ref hr, hidden, ref hp, ref hn0, ref h0, j);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = GruCellVectors<Simd.Wide256, Vector256<float>, TActivations>(ref xr, ref hr, hidden, ref hp, ref hn0, ref h0, j);
        }

        if (j < hidden)
        {
            GruCellVectors<Simd.Scalar, float, TActivations>(ref xr, ref hr, hidden, ref hp, ref hn0, ref h0, j);
        }
    }

    /// <summary>
    /// One LSTM step backward, element-wise: from the activated <paramref name="gates"/> (i, f, g, o),
    /// <paramref name="tanhC"/> and <paramref name="cPrev"/> of the step, dL/dh_t in <paramref name="dh"/> and dL/dc_t
    /// (from the next step) in <paramref name="dc"/>, writes dL/d(pre-activation) into <paramref name="dGates"/> (rows
    /// i, f, g, o) and replaces <paramref name="dc"/> by dL/dc_(t-1) = dL/dc_t · f.
    /// </summary>
    public static void LstmCellBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates)
    {
        int hidden = dh.Length;
        Check(gates.Length, 4 * hidden, "gates", "[4 * H]");
        Check(tanhC.Length, hidden, "tanhC", "[H]");
        Check(cPrev.Length, hidden, "cPrev", "[H]");
        Check(dc.Length, hidden, "dc", "[H]");
        Check(dGates.Length, 4 * hidden, "dGates", "[4 * H]");
        LstmCellBackwardCore(ref MemoryMarshal.GetReference(gates), ref MemoryMarshal.GetReference(tanhC), ref MemoryMarshal.GetReference(cPrev), ref MemoryMarshal.GetReference(dh), ref MemoryMarshal.GetReference(dc), ref MemoryMarshal.GetReference(dGates), hidden);
    }

    /// <summary>
    /// One LSTM step backward for <paramref name="rows"/> samples in one call (the blocks of a batch): for each sample,
    /// <c>dh += dOut</c> (the gradient from the layer above at this step), <see cref="LstmCellBackward"/>, then
    /// <c>dh = 0</c> for the product through W_hh to add into. The same arithmetic per sample as those three calls.
    /// </summary>
    /// <param name="gates">Sample 0's activated gates of the step (<c>[4H]</c>); sample r's <paramref name="cacheStride"/> · r later.</param>
    /// <param name="tanhC">Sample 0's tanh(c_t).</param>
    /// <param name="cPrev">Sample 0's c_(t-1), the others <paramref name="cPrevStride"/> apart (0: one zero row for all).</param>
    /// <param name="cPrevStride"><paramref name="cacheStride"/>, or 0.</param>
    /// <param name="cacheStride">Floats from one sample's activations to the next's.</param>
    /// <param name="dOut">Sample 0's dL/dh_t from the layer above.</param>
    /// <param name="dh">Sample 0's dL/dh_t carried back through time; zero on return.</param>
    /// <param name="dc">Sample 0's dL/dc_t, replaced by dL/dc_(t-1).</param>
    /// <param name="dGates">Sample 0's dL/d(pre-activation) of the step, written.</param>
    /// <param name="workStride">Floats from one sample's gradients (dOut, dh, dc, dGates) to the next's.</param>
    /// <param name="rows">The number of samples.</param>
    /// <param name="hidden">H.</param>
    public static void LstmCellBackwardRows(ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> cPrev, int cPrevStride, int cacheStride, ReadOnlySpan<float> dOut, Span<float> dh, Span<float> dc, Span<float> dGates, int workStride, int rows, int hidden)
    {
        CheckCounts(rows, hidden, cacheStride);
        CheckCounts(rows, hidden, workStride);
        MatrixKernels.CheckRows("gates", gates.Length, rows, cacheStride, 4 * hidden);
        MatrixKernels.CheckRows("tanhC", tanhC.Length, rows, cacheStride, hidden);
        MatrixKernels.CheckRows("cPrev", cPrev.Length, rows, cPrevStride, hidden);
        MatrixKernels.CheckRows("dOut", dOut.Length, rows, workStride, hidden);
        MatrixKernels.CheckRows("dh", dh.Length, rows, workStride, hidden);
        MatrixKernels.CheckRows("dc", dc.Length, rows, workStride, hidden);
        MatrixKernels.CheckRows("dGates", dGates.Length, rows, workStride, 4 * hidden);
        ref float g0 = ref MemoryMarshal.GetReference(gates);
        ref float tc = ref MemoryMarshal.GetReference(tanhC);
        ref float cp = ref MemoryMarshal.GetReference(cPrev);
        ref float dc0 = ref MemoryMarshal.GetReference(dc);
        ref float di = ref MemoryMarshal.GetReference(dGates);
        for (int r = 0; r < rows; r++)
        {
            nint cache = (nint)r * cacheStride, work = (nint)r * workStride;
            Span<float> dhRow = dh.Slice((int)work, hidden);
            VectorKernels.Add(dOut.Slice((int)work, hidden), dhRow);
            LstmCellBackwardCore(
                ref Unsafe.Add(ref g0, cache), ref Unsafe.Add(ref tc, cache), ref Unsafe.Add(ref cp, (nint)r * cPrevStride),
                ref MemoryMarshal.GetReference(dhRow), ref Unsafe.Add(ref dc0, work), ref Unsafe.Add(ref di, work), hidden);
            dhRow.Clear();
        }
    }

    private static void LstmCellBackwardCore(ref float gi, ref float tc, ref float cp, ref float dh0, ref float dc0, ref float di, int hidden)
    {
        nuint f = (nuint)hidden, g = 2 * (nuint)hidden, o = 3 * (nuint)hidden;
        int j = 0;
        if (Wide(hidden))
        {
            j = LstmCellBackwardVectors<Simd.Wide512, Vector512<float>>(ref gi, ref tc, ref cp, ref dh0, ref dc0, ref di, hidden, j);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = LstmCellBackwardVectors<Simd.Wide256, Vector256<float>>(ref gi, ref tc, ref cp, ref dh0, ref dc0, ref di, hidden, j);
        }

        for (; j < hidden; j++)
        {
            nuint at = (nuint)j;
            float vi = Unsafe.Add(ref gi, at), vf = Unsafe.Add(ref gi, f + at), vg = Unsafe.Add(ref gi, g + at), vo = Unsafe.Add(ref gi, o + at);
            float vtc = Unsafe.Add(ref tc, at), vdh = Unsafe.Add(ref dh0, at);
            float dcj = Unsafe.Add(ref dc0, at) + (vdh * vo * (1f - (vtc * vtc)));
            Unsafe.Add(ref di, at) = dcj * vg * vi * (1f - vi);
            Unsafe.Add(ref di, f + at) = dcj * Unsafe.Add(ref cp, at) * vf * (1f - vf);
            Unsafe.Add(ref di, g + at) = dcj * vi * (1f - (vg * vg));
            Unsafe.Add(ref di, o + at) = vdh * vtc * vo * (1f - vo);
            Unsafe.Add(ref dc0, at) = dcj * vf;
        }
    }

    /// <summary>
    /// One GRU step backward, element-wise: from the activated <paramref name="gates"/> (r, z, n), <paramref name="hn"/>
    /// (W_hn h_prev + b_hn) and <paramref name="hPrev"/> of the step, and dL/dh_t in <paramref name="dh"/>, writes
    /// dL/d(W_ih x + b_ih) into <paramref name="dGatesInput"/> and dL/d(W_hh h_prev + b_hh) into
    /// <paramref name="dGatesHidden"/> (rows r, z, n), and replaces <paramref name="dh"/> by its direct path to h_(t-1),
    /// dL/dh_t · z (the path through W_hh is added by the caller).
    /// </summary>
    public static void GruCellBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev, Span<float> dh, Span<float> dGatesInput, Span<float> dGatesHidden)
    {
        int hidden = dh.Length;
        Check(gates.Length, 3 * hidden, "gates", "[3 * H]");
        Check(hn.Length, hidden, "hn", "[H]");
        Check(hPrev.Length, hidden, "hPrev", "[H]");
        Check(dGatesInput.Length, 3 * hidden, "dGatesInput", "[3 * H]");
        Check(dGatesHidden.Length, 3 * hidden, "dGatesHidden", "[3 * H]");
        GruCellBackwardCore(ref MemoryMarshal.GetReference(gates), ref MemoryMarshal.GetReference(hn), ref MemoryMarshal.GetReference(hPrev), ref MemoryMarshal.GetReference(dh), ref MemoryMarshal.GetReference(dGatesInput), ref MemoryMarshal.GetReference(dGatesHidden), hidden);
    }

    /// <summary>
    /// One GRU step backward for <paramref name="rows"/> samples in one call (the blocks of a batch): for each sample,
    /// <c>dh += dOut</c> (the gradient from the layer above at this step), then <see cref="GruCellBackward"/>. The same
    /// arithmetic per sample as those two calls.
    /// </summary>
    /// <param name="gates">Sample 0's activated r, z, n of the step; sample r's <paramref name="cacheStride"/> · r later.</param>
    /// <param name="hn">Sample 0's W_hn h_prev + b_hn of the step.</param>
    /// <param name="hPrev">Sample 0's h_prev, the others <paramref name="hPrevStride"/> apart (0: one zero row for all).</param>
    /// <param name="hPrevStride"><paramref name="cacheStride"/>, or 0.</param>
    /// <param name="cacheStride">Floats from one sample's activations to the next's.</param>
    /// <param name="dOut">Sample 0's dL/dh_t from the layer above.</param>
    /// <param name="dh">Sample 0's dL/dh_t carried back through time, replaced by its direct path z · dh to h_prev.</param>
    /// <param name="dGatesInput">Sample 0's dL/d(W_ih x + b_ih) of the step, written.</param>
    /// <param name="dGatesHidden">Sample 0's dL/d(W_hh h_prev + b_hh) of the step, written.</param>
    /// <param name="workStride">Floats from one sample's gradients to the next's.</param>
    /// <param name="rows">The number of samples.</param>
    /// <param name="hidden">H.</param>
    public static void GruCellBackwardRows(ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev, int hPrevStride, int cacheStride, ReadOnlySpan<float> dOut, Span<float> dh, Span<float> dGatesInput, Span<float> dGatesHidden, int workStride, int rows, int hidden)
    {
        CheckCounts(rows, hidden, cacheStride);
        CheckCounts(rows, hidden, workStride);
        MatrixKernels.CheckRows("gates", gates.Length, rows, cacheStride, 3 * hidden);
        MatrixKernels.CheckRows("hn", hn.Length, rows, cacheStride, hidden);
        MatrixKernels.CheckRows("hPrev", hPrev.Length, rows, hPrevStride, hidden);
        MatrixKernels.CheckRows("dOut", dOut.Length, rows, workStride, hidden);
        MatrixKernels.CheckRows("dh", dh.Length, rows, workStride, hidden);
        MatrixKernels.CheckRows("dGatesInput", dGatesInput.Length, rows, workStride, 3 * hidden);
        MatrixKernels.CheckRows("dGatesHidden", dGatesHidden.Length, rows, workStride, 3 * hidden);
        ref float g0 = ref MemoryMarshal.GetReference(gates);
        ref float hn0 = ref MemoryMarshal.GetReference(hn);
        ref float hp = ref MemoryMarshal.GetReference(hPrev);
        ref float dx = ref MemoryMarshal.GetReference(dGatesInput);
        ref float dhh = ref MemoryMarshal.GetReference(dGatesHidden);
        for (int r = 0; r < rows; r++)
        {
            nint cache = (nint)r * cacheStride, work = (nint)r * workStride;
            Span<float> dhRow = dh.Slice((int)work, hidden);
            VectorKernels.Add(dOut.Slice((int)work, hidden), dhRow);
            GruCellBackwardCore(
                ref Unsafe.Add(ref g0, cache), ref Unsafe.Add(ref hn0, cache), ref Unsafe.Add(ref hp, (nint)r * hPrevStride),
                ref MemoryMarshal.GetReference(dhRow), ref Unsafe.Add(ref dx, work), ref Unsafe.Add(ref dhh, work), hidden);
        }
    }

    private static void GruCellBackwardCore(ref float gr, ref float hn0, ref float hp, ref float dh0, ref float dx, ref float dhh, int hidden)
    {
        nuint z = (nuint)hidden, n = 2 * (nuint)hidden;
        int j = 0;
        if (Wide(hidden))
        {
            j = GruCellBackwardVectors<Simd.Wide512, Vector512<float>>(ref gr, ref hn0, ref hp, ref dh0, ref dx, ref dhh, hidden, j);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            j = GruCellBackwardVectors<Simd.Wide256, Vector256<float>>(ref gr, ref hn0, ref hp, ref dh0, ref dx, ref dhh, hidden, j);
        }

        for (; j < hidden; j++)
        {
            nuint at = (nuint)j;
            float vr = Unsafe.Add(ref gr, at), vz = Unsafe.Add(ref gr, z + at), vn = Unsafe.Add(ref gr, n + at);
            float vdh = Unsafe.Add(ref dh0, at);
            float dn = vdh * (1f - vz) * (1f - (vn * vn));
            float dr = dn * Unsafe.Add(ref hn0, at) * vr * (1f - vr);
            float dz = vdh * (Unsafe.Add(ref hp, at) - vn) * vz * (1f - vz);
            Unsafe.Add(ref dx, at) = dr;
            Unsafe.Add(ref dx, z + at) = dz;
            Unsafe.Add(ref dx, n + at) = dn;
            Unsafe.Add(ref dhh, at) = dr;
            Unsafe.Add(ref dhh, z + at) = dz;
            Unsafe.Add(ref dhh, n + at) = dn * vr;
            Unsafe.Add(ref dh0, at) = vdh * vz;
        }
    }

    /// <summary>Below this magnitude tanh is the odd polynomial (the exponential form would cancel).</summary>
    private const float TanhSmall = 0.3f;

    // tanh x = x + x^3 (c3 + x^2 (c5 + x^2 (c7 + x^2 (c9 + x^2 c11)))), the Taylor series; at |x| < 0.3 the first
    // omitted term (x^13) is below 1e-9 relative.
    private const float C3 = -1f / 3f, C5 = 2f / 15f, C7 = -17f / 315f, C9 = 62f / 2835f, C11 = -1382f / 155925f;

    /// <summary>
    /// Hidden units <paramref name="j"/> on of <see cref="LstmCell"/>, as many as fill whole vectors (all of them in the
    /// scalar width), with <typeparamref name="TActivations"/>' sigmoid and tanh; returns where it stopped.
    /// </summary>
    private static int LstmCellVectors<TMath, TVector, TActivations>(ref float gi, int hidden, ref float cp, ref float c0, ref float tc, ref float h0, int j)
        where TMath : struct, IElementMath<TVector>
        where TVector : struct
        where TActivations : struct, ICellActivations<TVector>
    {
        ref float gf = ref Unsafe.Add(ref gi, hidden);
        ref float gg = ref Unsafe.Add(ref gi, 2 * hidden);
        ref float go = ref Unsafe.Add(ref gi, 3 * hidden);
        for (; j <= hidden - TMath.Count; j += TMath.Count)
        {
            nuint at = (nuint)j;
            TVector i = TActivations.Sigmoid(TMath.Load(ref gi, at));
            TVector f = TActivations.Sigmoid(TMath.Load(ref gf, at));
            TVector g = TActivations.Tanh(TMath.Load(ref gg, at));
            TVector o = TActivations.Sigmoid(TMath.Load(ref go, at));
            TVector cell = TMath.MultiplyAdd(f, TMath.Load(ref cp, at), TMath.Multiply(i, g));
            TVector tanhCell = TActivations.Tanh(cell);
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

    /// <summary>Hidden units <paramref name="j"/> on of <see cref="GruCell"/>, as <see cref="LstmCellVectors{TMath, TVector, TActivations}"/>.</summary>
    private static int GruCellVectors<TMath, TVector, TActivations>(ref float xr, ref float hr, int hidden, ref float hp, ref float hn0, ref float h0, int j)
        where TMath : struct, IElementMath<TVector>
        where TVector : struct
        where TActivations : struct, ICellActivations<TVector>
    {
        ref float xz = ref Unsafe.Add(ref xr, hidden);
        ref float xn = ref Unsafe.Add(ref xr, 2 * hidden);
        ref float hz = ref Unsafe.Add(ref hr, hidden);
        ref float hh = ref Unsafe.Add(ref hr, 2 * hidden);
        TVector one = TMath.Broadcast(1f);
        for (; j <= hidden - TMath.Count; j += TMath.Count)
        {
            nuint at = (nuint)j;
            TVector r = TActivations.Sigmoid(TMath.Add(TMath.Load(ref xr, at), TMath.Load(ref hr, at)));
            TVector z = TActivations.Sigmoid(TMath.Add(TMath.Load(ref xz, at), TMath.Load(ref hz, at)));
            TVector recurrentN = TMath.Load(ref hh, at);
            TVector n = TActivations.Tanh(TMath.MultiplyAdd(r, recurrentN, TMath.Load(ref xn, at)));
            TVector previous = TMath.Load(ref hp, at);
            TMath.Store(r, ref xr, at);
            TMath.Store(z, ref xz, at);
            TMath.Store(n, ref xn, at);
            TMath.Store(recurrentN, ref hn0, at);
            TMath.Store(TMath.Add(TMath.Multiply(TMath.Subtract(one, z), n), TMath.Multiply(z, previous)), ref h0, at);
        }

        return j;
    }

    /// <summary>Hidden units <paramref name="j"/> on of <see cref="LstmCellBackward"/>, as many as fill whole vectors; returns where it stopped.</summary>
    private static int LstmCellBackwardVectors<TMath, TVector>(ref float gi, ref float tc, ref float cp, ref float dh0, ref float dc0, ref float di, int hidden, int j)
        where TMath : struct, ICellMath<TVector>
        where TVector : struct
    {
        nuint f = (nuint)hidden, g = 2 * (nuint)hidden, o = 3 * (nuint)hidden;
        TVector one = TMath.Broadcast(1f);
        for (; j <= hidden - TMath.Count; j += TMath.Count)
        {
            nuint at = (nuint)j;
            TVector vi = TMath.Load(ref gi, at), vf = TMath.Load(ref gi, f + at);
            TVector vg = TMath.Load(ref gi, g + at), vo = TMath.Load(ref gi, o + at);
            TVector vtc = TMath.Load(ref tc, at), vdh = TMath.Load(ref dh0, at);
            TVector dcj = TMath.Add(TMath.Load(ref dc0, at), TMath.Multiply(TMath.Multiply(vdh, vo), TMath.Subtract(one, TMath.Multiply(vtc, vtc))));
            TMath.Store(TMath.Multiply(TMath.Multiply(TMath.Multiply(dcj, vg), vi), TMath.Subtract(one, vi)), ref di, at);
            TMath.Store(TMath.Multiply(TMath.Multiply(TMath.Multiply(dcj, TMath.Load(ref cp, at)), vf), TMath.Subtract(one, vf)), ref di, f + at);
            TMath.Store(TMath.Multiply(TMath.Multiply(dcj, vi), TMath.Subtract(one, TMath.Multiply(vg, vg))), ref di, g + at);
            TMath.Store(TMath.Multiply(TMath.Multiply(TMath.Multiply(vdh, vtc), vo), TMath.Subtract(one, vo)), ref di, o + at);
            TMath.Store(TMath.Multiply(dcj, vf), ref dc0, at);
        }

        return j;
    }

    /// <summary>Hidden units <paramref name="j"/> on of <see cref="GruCellBackward"/>, as many as fill whole vectors; returns where it stopped.</summary>
    private static int GruCellBackwardVectors<TMath, TVector>(ref float gr, ref float hn0, ref float hp, ref float dh0, ref float dx, ref float dhh, int hidden, int j)
        where TMath : struct, ICellMath<TVector>
        where TVector : struct
    {
        nuint z = (nuint)hidden, n = 2 * (nuint)hidden;
        TVector one = TMath.Broadcast(1f);
        for (; j <= hidden - TMath.Count; j += TMath.Count)
        {
            nuint at = (nuint)j;
            TVector vr = TMath.Load(ref gr, at), vz = TMath.Load(ref gr, z + at), vn = TMath.Load(ref gr, n + at);
            TVector vdh = TMath.Load(ref dh0, at);
            TVector dn = TMath.Multiply(TMath.Multiply(vdh, TMath.Subtract(one, vz)), TMath.Subtract(one, TMath.Multiply(vn, vn)));
            TVector dr = TMath.Multiply(TMath.Multiply(TMath.Multiply(dn, TMath.Load(ref hn0, at)), vr), TMath.Subtract(one, vr));
            TVector dz = TMath.Multiply(TMath.Multiply(TMath.Multiply(vdh, TMath.Subtract(TMath.Load(ref hp, at), vn)), vz), TMath.Subtract(one, vz));
            TMath.Store(dr, ref dx, at);
            TMath.Store(dz, ref dx, z + at);
            TMath.Store(dn, ref dx, n + at);
            TMath.Store(dr, ref dhh, at);
            TMath.Store(dz, ref dhh, z + at);
            TMath.Store(TMath.Multiply(dn, vr), ref dhh, n + at);
            TMath.Store(TMath.Multiply(vdh, vz), ref dh0, at);
        }

        return j;
    }

    internal static Vector256<float> Sigmoid(Vector256<float> x) => Sigmoid<Simd.Wide256, Vector256<float>>(x);

    internal static Vector256<float> Tanh(Vector256<float> x) => Tanh<Simd.Wide256, Vector256<float>>(x);

    internal static Vector256<float> Exp(Vector256<float> x) => Exp<Simd.Wide256, Vector256<float>>(x);

    internal static Vector512<float> Sigmoid(Vector512<float> x) => Sigmoid<Simd.Wide512, Vector512<float>>(x);

    internal static Vector512<float> Tanh(Vector512<float> x) => Tanh<Simd.Wide512, Vector512<float>>(x);

    internal static Vector512<float> Exp(Vector512<float> x) => Exp<Simd.Wide512, Vector512<float>>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Sigmoid<TMath, TVector>(TVector x)
        where TMath : struct, ICellMath<TVector>
        where TVector : struct
    {
        TVector one = TMath.Broadcast(1f);
        return TMath.Divide(one, TMath.Add(one, Exp<TMath, TVector>(TMath.Negate(x))));
    }

    // exp x = 2^n e^r with n = round(x / ln 2) and r = x - n ln 2 (|r| <= ln 2 / 2), ln 2 split in two so n ln 2 is
    // exact; e^r by its Taylor polynomial to r^7 (the first omitted term is below 2e-8 relative), evaluated in Estrin's
    // scheme (three levels of fused multiply-adds instead of seven in a row: a streaming step waits on this chain); 2^n
    // goes straight into the exponent bits. n comes from one fused multiply-add with 1.5 · 2^23, whose low mantissa
    // bits then hold n (no rounding or conversion instructions). x is clamped to [-87, 88] first, where 2^n stays a
    // normal float: exp(88) is 1.7e38, below float's largest, and below exp(-87) = 1.6e-38 the activations are 0 or 1
    // in float anyway.
    private const float ExpLow = -87f, ExpHigh = 88f, Log2E = 1.44269504088896341f, Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;
    internal const float RoundingBias = 12582912f; // 1.5 · 2^23: bits 0x4B400000
    internal const int RoundingBiasBits = 0x4B400000;
    private const float E2 = 1f / 2f, E3 = 1f / 6f, E4 = 1f / 24f, E5 = 1f / 120f, E6 = 1f / 720f, E7 = 1f / 5040f;

    /// <summary>
    /// e^x within 2 float ulps for x in [-87, 88] (clamped outside, NaN stays NaN): about 20 vector instructions, no
    /// table and a short dependency chain, several times faster than <see cref="Vector256.Exp(Vector256{float})"/>,
    /// which computes in double. Every lane the same arithmetic whatever the vector width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Exp<TMath, TVector>(TVector x)
        where TMath : struct, ICellMath<TVector>
        where TVector : struct
    {
        TVector clamped = TMath.Min(TMath.Broadcast(ExpHigh), TMath.Max(TMath.Broadcast(ExpLow), x));
        TVector biased = TMath.MultiplyAdd(clamped, TMath.Broadcast(Log2E), TMath.Broadcast(RoundingBias));
        TVector n = TMath.Subtract(biased, TMath.Broadcast(RoundingBias));
        TVector r = TMath.MultiplyAdd(n, TMath.Broadcast(-Ln2High), clamped);
        r = TMath.MultiplyAdd(n, TMath.Broadcast(-Ln2Low), r);
        TVector r2 = TMath.Multiply(r, r);
        TVector r4 = TMath.Multiply(r2, r2);
        TVector low = TMath.MultiplyAdd(r2, TMath.MultiplyAdd(r, TMath.Broadcast(E3), TMath.Broadcast(E2)), TMath.MultiplyAdd(r, TMath.Broadcast(1f), TMath.Broadcast(1f)));
        TVector high = TMath.MultiplyAdd(r2, TMath.MultiplyAdd(r, TMath.Broadcast(E7), TMath.Broadcast(E6)), TMath.MultiplyAdd(r, TMath.Broadcast(E5), TMath.Broadcast(E4)));
        TVector p = TMath.MultiplyAdd(r4, high, low);
        return TMath.Multiply(p, TMath.PowerOfTwo(biased)); // a NaN x went through the clamp (x is Max's second operand) into p
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Tanh<TMath, TVector>(TVector x)
        where TMath : struct, ICellMath<TVector>
        where TVector : struct
    {
        TVector one = TMath.Broadcast(1f);
        TVector a = TMath.Abs(x);
        TVector e = Exp<TMath, TVector>(TMath.Multiply(a, TMath.Broadcast(-2f)));
        TVector large = TMath.Divide(TMath.Subtract(one, e), TMath.Add(one, e));
        TVector x2 = TMath.Multiply(x, x);
        TVector p = TMath.MultiplyAdd(x2, TMath.Broadcast(C11), TMath.Broadcast(C9));
        p = TMath.MultiplyAdd(x2, p, TMath.Broadcast(C7));
        p = TMath.MultiplyAdd(x2, p, TMath.Broadcast(C5));
        p = TMath.MultiplyAdd(x2, p, TMath.Broadcast(C3));
        TVector small = TMath.MultiplyAdd(TMath.Multiply(x, x2), p, x);
        return TMath.SelectWhereLess(a, TMath.Broadcast(TanhSmall), small, TMath.CopySign(large, x));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Tanh(float x) => MathF.Tanh(x);

    /// <summary>
    /// Whether a cell of <paramref name="hidden"/> units runs in 16 lanes: the width the step's product stored its gates
    /// in (<see cref="Simd.RunWidth"/>, one rule for both sides).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Wide(int hidden) => Simd.RunWidth(Simd.Preferred, hidden) >= KernelWidth.Vector512;

    private static void CheckCounts(int rows, int hidden, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(hidden);
        ArgumentOutOfRangeException.ThrowIfNegative(stride);
    }

    // Inlined, its throw not (see VectorKernels.CheckMatrix): a cell makes four or six checks per call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int actual, int expected, string name, string shape)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, name, shape);
        }
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string name, string shape) =>
        throw new ArgumentException($"Expected {name} of {expected} elements ({shape}, H = the length of h), got {actual}.", name);
}
