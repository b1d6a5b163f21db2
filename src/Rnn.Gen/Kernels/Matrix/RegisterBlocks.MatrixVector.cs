using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The register-blocked loops behind <see cref="VectorKernels"/> and <see cref="MatrixKernels"/>. A block of the
/// result stays in vector registers while the summed index runs to its end, so each element of the result is loaded
/// and stored once per call, and each element of it is one chain of fused multiply-adds over the summed index, in order.
/// </summary>
/// <remarks>
/// Each kernel is written once, generic over the vector width (<see cref="ISimd{TVector}"/>) and the block shape
/// (<see cref="IBlockSize"/>): the guards <c>if (TBlock.Value &gt; n)</c> are JIT-time constants, so an instantiation
/// keeps only its own accumulators. A dispatcher walks the columns at the widest width, then the remainder at each
/// narrower width down to the scalar one, which computes an element exactly as a vector lane does.
/// </remarks>
internal static partial class RegisterBlocks
{
    /// <summary>
    /// <c>y[j] += Σ_t x[t·xStride] · w[t·ldw + j]</c> for <c>j &lt; n</c>, <c>t &lt; k</c>: a matrix–vector product with
    /// the matrix packed as <c>[k, n]</c> (row stride <paramref name="ldw"/>), so that y is summed lane by lane, with no
    /// horizontal reduction.
    /// </summary>
    internal static void MatrixVector(ref float w, nint ldw, ref float x, nint xStride, ref float y, int k, int n, KernelWidth width) =>
        MatrixVector(ref w, ldw, ref x, xStride, ref y, ref y, k, n, n, width);

    /// <summary>
    /// <c>y[j] = init[j] + Σ_t x[t·xStride] · w[t·ldw + j]</c>: <see cref="MatrixVector(ref float, nint, ref float, nint, ref float, int, int, KernelWidth)"/>
    /// with the sums started from <paramref name="init"/> (a bias, read where it lies, or y itself), the same chains;
    /// y is stored in the vectors a cell kernel reads it back in when it is <paramref name="run"/>-long runs (a cell's
    /// gates, see <see cref="Simd.RunWidth"/>).
    /// </summary>
    internal static void MatrixVector(ref float w, nint ldw, ref float x, nint xStride, ref float init, ref float y, int k, int n, int run, KernelWidth width)
    {
        width = Simd.RunWidth(width, run);

        // A short row in one panel: a streaming step of a small model waits on this product, and one panel is one chain
        // of k fused multiply-adds in flight, where panels of several widths one after another are several chains in a
        // row (a GRU with H = 8 has rows of 24: 16 + 8 lanes, or 3 vectors of 8 in one panel). Each element is the same
        // chain either way.
        if (width >= KernelWidth.Vector512 && n % 16 == 0 && n >= 16 && n <= 16 * 16)
        {
            SinglePanel<Simd.Wide512, Vector512<float>>(ref w, ldw, ref x, xStride, ref init, ref y, k, n / 16);
            return;
        }

        if (width >= KernelWidth.Vector256 && n % 8 == 0 && n >= 8 && n <= 16 * 8)
        {
            SinglePanel<Simd.Wide256, Vector256<float>>(ref w, ldw, ref x, xStride, ref init, ref y, k, n / 8);
            return;
        }

        int j = 0;
        if (width >= KernelWidth.Vector512)
        {
            j = MatrixVectorPanels<Simd.Wide512, Vector512<float>>(ref w, ldw, ref x, xStride, ref init, ref y, k, j, n);
        }

        if (width >= KernelWidth.Vector256)
        {
            j = MatrixVectorPanels<Simd.Wide256, Vector256<float>>(ref w, ldw, ref x, xStride, ref init, ref y, k, j, n);
        }

        if (width >= KernelWidth.Vector128)
        {
            j = MatrixVectorPanels<Simd.Wide128, Vector128<float>>(ref w, ldw, ref x, xStride, ref init, ref y, k, j, n);
        }

        MatrixVectorPanels<Simd.Scalar, float>(ref w, ldw, ref x, xStride, ref init, ref y, k, j, n);
    }

    /// <summary>All <paramref name="vectors"/> vectors of a row (1 to 16) in one panel.</summary>
    private static void SinglePanel<TSimd, TVector>(ref float w, nint ldw, ref float x, nint xStride, ref float init, ref float y, int k, int vectors)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
    {
        switch (vectors)
        {
            case 1: MatrixVectorPanel<TSimd, TVector, Block.One>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 2: MatrixVectorPanel<TSimd, TVector, Block.Two>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 3: MatrixVectorPanel<TSimd, TVector, Block.Three>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 4: MatrixVectorPanel<TSimd, TVector, Block.Four>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 5: MatrixVectorPanel<TSimd, TVector, Block.Five>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 6: MatrixVectorPanel<TSimd, TVector, Block.Six>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 7: MatrixVectorPanel<TSimd, TVector, Block.Seven>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 8: MatrixVectorPanel<TSimd, TVector, Block.Eight>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 9: MatrixVectorPanel<TSimd, TVector, Block.Nine>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 10: MatrixVectorPanel<TSimd, TVector, Block.Ten>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 11: MatrixVectorPanel<TSimd, TVector, Block.Eleven>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 12: MatrixVectorPanel<TSimd, TVector, Block.Twelve>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 13: MatrixVectorPanel<TSimd, TVector, Block.Thirteen>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 14: MatrixVectorPanel<TSimd, TVector, Block.Fourteen>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            case 15: MatrixVectorPanel<TSimd, TVector, Block.Fifteen>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
            default: MatrixVectorPanel<TSimd, TVector, Block.Sixteen>(ref w, ldw, ref x, xStride, ref init, ref y, k); break;
        }
    }

    /// <summary>
    /// Columns from <paramref name="j"/> on, in whole vectors of <typeparamref name="TSimd"/>: panels of 8 vectors while
    /// they fit (of 16 first for Vector512: AVX-512 has 32 vector registers, and a panel of 256 floats makes the whole
    /// of a row of an LSTM's [64, 256] weight one sequential stream, about 10 % faster from L2), then at most one panel
    /// each of 4, 2 and 1. Returns the first column left (less than one vector).
    /// </summary>
    private static int MatrixVectorPanels<TSimd, TVector>(ref float w, nint ldw, ref float x, nint xStride, ref float init, ref float y, int k, int j, int n)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
    {
        int lanes = TSimd.Count;
        if (lanes == 16)
        {
            for (; n - j >= 16 * lanes; j += 16 * lanes)
            {
                MatrixVectorPanel<TSimd, TVector, Block.Sixteen>(ref Unsafe.Add(ref w, j), ldw, ref x, xStride, ref Unsafe.Add(ref init, j), ref Unsafe.Add(ref y, j), k);
            }
        }

        for (; n - j >= 8 * lanes; j += 8 * lanes)
        {
            MatrixVectorPanel<TSimd, TVector, Block.Eight>(ref Unsafe.Add(ref w, j), ldw, ref x, xStride, ref Unsafe.Add(ref init, j), ref Unsafe.Add(ref y, j), k);
        }

        if (n - j >= 4 * lanes)
        {
            MatrixVectorPanel<TSimd, TVector, Block.Four>(ref Unsafe.Add(ref w, j), ldw, ref x, xStride, ref Unsafe.Add(ref init, j), ref Unsafe.Add(ref y, j), k);
            j += 4 * lanes;
        }

        if (n - j >= 2 * lanes)
        {
            MatrixVectorPanel<TSimd, TVector, Block.Two>(ref Unsafe.Add(ref w, j), ldw, ref x, xStride, ref Unsafe.Add(ref init, j), ref Unsafe.Add(ref y, j), k);
            j += 2 * lanes;
        }

        if (n - j >= lanes)
        {
            MatrixVectorPanel<TSimd, TVector, Block.One>(ref Unsafe.Add(ref w, j), ldw, ref x, xStride, ref Unsafe.Add(ref init, j), ref Unsafe.Add(ref y, j), k);
            j += lanes;
        }

        return j;
    }

    /// <summary>
    /// One panel of <typeparamref name="TVectors"/> vectors of y (up to 16) in registers: each step t broadcasts x[t]
    /// and adds it times row t of the panel, one load and one fused multiply-add per vector. With 8 or more vectors,
    /// enough independent chains to hide the multiply-add latency; the loop is then bound by the loads of w.
    /// </summary>
    private static void MatrixVectorPanel<TSimd, TVector, TVectors>(ref float w, nint ldw, ref float x, nint xStride, ref float init, ref float y, int k)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TVectors : struct, IBlockSize
    {
        int v = TVectors.Value;
        nuint s = (nuint)TSimd.Count;
        TVector y0 = TSimd.Load(ref init, 0);
        TVector y1 = v > 1 ? TSimd.Load(ref init, s) : default;
        TVector y2 = v > 2 ? TSimd.Load(ref init, 2 * s) : default;
        TVector y3 = v > 3 ? TSimd.Load(ref init, 3 * s) : default;
        TVector y4 = v > 4 ? TSimd.Load(ref init, 4 * s) : default;
        TVector y5 = v > 5 ? TSimd.Load(ref init, 5 * s) : default;
        TVector y6 = v > 6 ? TSimd.Load(ref init, 6 * s) : default;
        TVector y7 = v > 7 ? TSimd.Load(ref init, 7 * s) : default;
        TVector y8 = v > 8 ? TSimd.Load(ref init, 8 * s) : default;
        TVector y9 = v > 9 ? TSimd.Load(ref init, 9 * s) : default;
        TVector y10 = v > 10 ? TSimd.Load(ref init, 10 * s) : default;
        TVector y11 = v > 11 ? TSimd.Load(ref init, 11 * s) : default;
        TVector y12 = v > 12 ? TSimd.Load(ref init, 12 * s) : default;
        TVector y13 = v > 13 ? TSimd.Load(ref init, 13 * s) : default;
        TVector y14 = v > 14 ? TSimd.Load(ref init, 14 * s) : default;
        TVector y15 = v > 15 ? TSimd.Load(ref init, 15 * s) : default;
        for (int t = 0; t < k; t++)
        {
            TVector xt = TSimd.Broadcast(x);
            y0 = TSimd.MultiplyAdd(TSimd.Load(ref w, 0), xt, y0);
            if (v > 1) y1 = TSimd.MultiplyAdd(TSimd.Load(ref w, s), xt, y1);
            if (v > 2) y2 = TSimd.MultiplyAdd(TSimd.Load(ref w, 2 * s), xt, y2);
            if (v > 3) y3 = TSimd.MultiplyAdd(TSimd.Load(ref w, 3 * s), xt, y3);
            if (v > 4) y4 = TSimd.MultiplyAdd(TSimd.Load(ref w, 4 * s), xt, y4);
            if (v > 5) y5 = TSimd.MultiplyAdd(TSimd.Load(ref w, 5 * s), xt, y5);
            if (v > 6) y6 = TSimd.MultiplyAdd(TSimd.Load(ref w, 6 * s), xt, y6);
            if (v > 7) y7 = TSimd.MultiplyAdd(TSimd.Load(ref w, 7 * s), xt, y7);
            if (v > 8) y8 = TSimd.MultiplyAdd(TSimd.Load(ref w, 8 * s), xt, y8);
            if (v > 9) y9 = TSimd.MultiplyAdd(TSimd.Load(ref w, 9 * s), xt, y9);
            if (v > 10) y10 = TSimd.MultiplyAdd(TSimd.Load(ref w, 10 * s), xt, y10);
            if (v > 11) y11 = TSimd.MultiplyAdd(TSimd.Load(ref w, 11 * s), xt, y11);
            if (v > 12) y12 = TSimd.MultiplyAdd(TSimd.Load(ref w, 12 * s), xt, y12);
            if (v > 13) y13 = TSimd.MultiplyAdd(TSimd.Load(ref w, 13 * s), xt, y13);
            if (v > 14) y14 = TSimd.MultiplyAdd(TSimd.Load(ref w, 14 * s), xt, y14);
            if (v > 15) y15 = TSimd.MultiplyAdd(TSimd.Load(ref w, 15 * s), xt, y15);
            w = ref Unsafe.Add(ref w, ldw);
            x = ref Unsafe.Add(ref x, xStride);
        }

        TSimd.Store(y0, ref y, 0);
        if (v > 1) TSimd.Store(y1, ref y, s);
        if (v > 2) TSimd.Store(y2, ref y, 2 * s);
        if (v > 3) TSimd.Store(y3, ref y, 3 * s);
        if (v > 4) TSimd.Store(y4, ref y, 4 * s);
        if (v > 5) TSimd.Store(y5, ref y, 5 * s);
        if (v > 6) TSimd.Store(y6, ref y, 6 * s);
        if (v > 7) TSimd.Store(y7, ref y, 7 * s);
        if (v > 8) TSimd.Store(y8, ref y, 8 * s);
        if (v > 9) TSimd.Store(y9, ref y, 9 * s);
        if (v > 10) TSimd.Store(y10, ref y, 10 * s);
        if (v > 11) TSimd.Store(y11, ref y, 11 * s);
        if (v > 12) TSimd.Store(y12, ref y, 12 * s);
        if (v > 13) TSimd.Store(y13, ref y, 13 * s);
        if (v > 14) TSimd.Store(y14, ref y, 14 * s);
        if (v > 15) TSimd.Store(y15, ref y, 15 * s);
    }
}
