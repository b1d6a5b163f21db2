using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The operands of <c>c(i, j) += Σ_q Σ_(t &lt; steps(q)) a_q(i, t) · b_q[t, j]</c>, a product whose summed index runs
/// through segments in a given order: segment q is slot <c>s = Order[q]</c>, with
/// <c>a_q(i, t) = A[s·ASegmentStride + i·ARowStride + t·AStepStride]</c>, <c>b_q[t, j] = B[s·BSegmentStride + t·n + j]</c>
/// and <c>steps(q) = max(0, Lengths[s] + LengthOffset)</c>. With the segments the samples of a batch in batch order,
/// each in its own block of a batch buffer, a parameter gradient summed over every sample and step in one product.
/// </summary>
internal readonly ref struct TileSegments
{
    public readonly ref float A;
    public readonly nint ARowStride;
    public readonly nint AStepStride;
    public readonly nint ASegmentStride;
    public readonly ref float B;
    public readonly nint BSegmentStride;
    public readonly ReadOnlySpan<int> Order;
    public readonly ReadOnlySpan<int> Lengths;
    public readonly int LengthOffset;

    public TileSegments(ref float a, nint aRowStride, nint aStepStride, nint aSegmentStride, ref float b, nint bSegmentStride, ReadOnlySpan<int> order, ReadOnlySpan<int> lengths, int lengthOffset)
    {
        A = ref a;
        ARowStride = aRowStride;
        AStepStride = aStepStride;
        ASegmentStride = aSegmentStride;
        B = ref b;
        BSegmentStride = bSegmentStride;
        Order = order;
        Lengths = lengths;
        LengthOffset = lengthOffset;
    }

    /// <summary>The steps of segment <paramref name="q"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Steps(int q) => Math.Max(0, Lengths[Order[q]] + LengthOffset);

    /// <summary>The operands of the product's columns from <paramref name="j"/> on.</summary>
    public TileSegments Columns(int j) =>
        new(ref A, ARowStride, AStepStride, ASegmentStride, ref Unsafe.Add(ref B, j), BSegmentStride, Order, Lengths, LengthOffset);

    /// <summary>The operands of the product's rows from <paramref name="i"/> on.</summary>
    public TileSegments Rows(int i) =>
        new(ref Unsafe.Add(ref A, i * ARowStride), ARowStride, AStepStride, ASegmentStride, ref B, BSegmentStride, Order, Lengths, LengthOffset);
}

internal static partial class RegisterBlocks
{
    /// <summary>
    /// <c>c[i, j] += Σ_q Σ_t a_q(i, t) · b_q[t, j]</c> over every column (c is <c>[m, n]</c>, rows <paramref name="n"/>
    /// apart), as <see cref="TileSegments"/> describes the operands: the tiles of
    /// <see cref="MatrixMatrix(in TileSources, ref float, nint, int, int, KernelWidth, KernelWidth)"/>, whose accumulators
    /// stay in registers from the first segment to the last. Each element is one chain of fused multiply-adds from its
    /// value on entry, over the segments in order and each segment's steps in order: the chain that one product per
    /// segment, in that order, computes, bit for bit, with c loaded and stored once instead of once per segment.
    /// </summary>
    internal static void MatrixMatrixSegments(in TileSegments sources, ref float c, int m, int n, KernelWidth widest)
    {
        int j = 0;
        if (widest >= KernelWidth.Vector512)
        {
            j = SegmentPanels<Simd.Wide512, Vector512<float>>(sources, ref c, m, j, n);
        }

        if (widest >= KernelWidth.Vector256)
        {
            j = SegmentPanels<Simd.Wide256, Vector256<float>>(sources, ref c, m, j, n);
        }

        if (widest >= KernelWidth.Vector128)
        {
            j = SegmentPanels<Simd.Wide128, Vector128<float>>(sources, ref c, m, j, n);
        }

        SegmentPanels<Simd.Scalar, float>(sources, ref c, m, j, n);
    }

    /// <summary>As <c>TilePanels</c>: panels of four, two, then one vector of columns from <paramref name="j"/> on; returns the first column left.</summary>
    private static int SegmentPanels<TSimd, TVector>(in TileSegments sources, ref float c, int m, int j, int n)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
    {
        int lanes = TSimd.Count;
        if (WideRegisters<TSimd, TVector>())
        {
            for (; n - j >= 4 * lanes; j += 4 * lanes)
            {
                SegmentTileRows<TSimd, TVector, Block.Four>(sources.Columns(j), ref Unsafe.Add(ref c, j), n, m);
            }
        }

        for (; n - j >= 2 * lanes; j += 2 * lanes)
        {
            SegmentTileRows<TSimd, TVector, Block.Two>(sources.Columns(j), ref Unsafe.Add(ref c, j), n, m);
        }

        for (; n - j >= lanes; j += lanes)
        {
            SegmentTileRows<TSimd, TVector, Block.One>(sources.Columns(j), ref Unsafe.Add(ref c, j), n, m);
        }

        return j;
    }

    /// <summary>As <c>TileRows</c>: one panel down all the rows of c in tiles of up to 24 accumulators.</summary>
    private static void SegmentTileRows<TSimd, TVector, TVectors>(in TileSegments sources, ref float c, int n, int m)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TVectors : struct, IBlockSize
    {
        int i = 0;
        if (TVectors.Value == 4 || (TVectors.Value == 2 && !WideRegisters<TSimd, TVector>()))
        {
            for (; m - i >= 6; i += 6)
            {
                SegmentTile<TSimd, TVector, Block.Six, TVectors>(sources.Rows(i), ref Unsafe.Add(ref c, (nint)i * n), n);
            }
        }
        else
        {
            for (; m - i >= 12; i += 12)
            {
                SegmentTile<TSimd, TVector, Block.Twelve, TVectors>(sources.Rows(i), ref Unsafe.Add(ref c, (nint)i * n), n);
            }
        }

        TileSegments rest = sources.Rows(i);
        ref float cRest = ref Unsafe.Add(ref c, (nint)i * n);
        switch (m - i)
        {
            case 1: SegmentTile<TSimd, TVector, Block.One, TVectors>(rest, ref cRest, n); break;
            case 2: SegmentTile<TSimd, TVector, Block.Two, TVectors>(rest, ref cRest, n); break;
            case 3: SegmentTile<TSimd, TVector, Block.Three, TVectors>(rest, ref cRest, n); break;
            case 4: SegmentTile<TSimd, TVector, Block.Four, TVectors>(rest, ref cRest, n); break;
            case 5: SegmentTile<TSimd, TVector, Block.Five, TVectors>(rest, ref cRest, n); break;
            case 6: SegmentTile<TSimd, TVector, Block.Six, TVectors>(rest, ref cRest, n); break;
            case 7: SegmentTile<TSimd, TVector, Block.Seven, TVectors>(rest, ref cRest, n); break;
            case 8: SegmentTile<TSimd, TVector, Block.Eight, TVectors>(rest, ref cRest, n); break;
            case 9: SegmentTile<TSimd, TVector, Block.Nine, TVectors>(rest, ref cRest, n); break;
            case 10: SegmentTile<TSimd, TVector, Block.Ten, TVectors>(rest, ref cRest, n); break;
            case 11: SegmentTile<TSimd, TVector, Block.Eleven, TVectors>(rest, ref cRest, n); break;
        }
    }

    /// <summary>
    /// One tile of c, as <c>Tile</c> lays out its accumulators, loaded once, carried through every segment's steps, and
    /// stored once.
    /// </summary>
    private static void SegmentTile<TSimd, TVector, TRows, TVectors>(in TileSegments sources, ref float c, nint n)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TRows : struct, IBlockSize
        where TVectors : struct, IBlockSize
    {
        int count = TRows.Value * TVectors.Value;
        nuint s = (nuint)TSimd.Count;
        nint ldc = n;
        nint aRowStride = sources.ARowStride, aStepStride = sources.AStepStride;
        TVector c0 = TSimd.Load(ref c, Offset<TVectors>(0, ldc, s));
        TVector c1 = count > 1 ? TSimd.Load(ref c, Offset<TVectors>(1, ldc, s)) : default;
        TVector c2 = count > 2 ? TSimd.Load(ref c, Offset<TVectors>(2, ldc, s)) : default;
        TVector c3 = count > 3 ? TSimd.Load(ref c, Offset<TVectors>(3, ldc, s)) : default;
        TVector c4 = count > 4 ? TSimd.Load(ref c, Offset<TVectors>(4, ldc, s)) : default;
        TVector c5 = count > 5 ? TSimd.Load(ref c, Offset<TVectors>(5, ldc, s)) : default;
        TVector c6 = count > 6 ? TSimd.Load(ref c, Offset<TVectors>(6, ldc, s)) : default;
        TVector c7 = count > 7 ? TSimd.Load(ref c, Offset<TVectors>(7, ldc, s)) : default;
        TVector c8 = count > 8 ? TSimd.Load(ref c, Offset<TVectors>(8, ldc, s)) : default;
        TVector c9 = count > 9 ? TSimd.Load(ref c, Offset<TVectors>(9, ldc, s)) : default;
        TVector c10 = count > 10 ? TSimd.Load(ref c, Offset<TVectors>(10, ldc, s)) : default;
        TVector c11 = count > 11 ? TSimd.Load(ref c, Offset<TVectors>(11, ldc, s)) : default;
        TVector c12 = count > 12 ? TSimd.Load(ref c, Offset<TVectors>(12, ldc, s)) : default;
        TVector c13 = count > 13 ? TSimd.Load(ref c, Offset<TVectors>(13, ldc, s)) : default;
        TVector c14 = count > 14 ? TSimd.Load(ref c, Offset<TVectors>(14, ldc, s)) : default;
        TVector c15 = count > 15 ? TSimd.Load(ref c, Offset<TVectors>(15, ldc, s)) : default;
        TVector c16 = count > 16 ? TSimd.Load(ref c, Offset<TVectors>(16, ldc, s)) : default;
        TVector c17 = count > 17 ? TSimd.Load(ref c, Offset<TVectors>(17, ldc, s)) : default;
        TVector c18 = count > 18 ? TSimd.Load(ref c, Offset<TVectors>(18, ldc, s)) : default;
        TVector c19 = count > 19 ? TSimd.Load(ref c, Offset<TVectors>(19, ldc, s)) : default;
        TVector c20 = count > 20 ? TSimd.Load(ref c, Offset<TVectors>(20, ldc, s)) : default;
        TVector c21 = count > 21 ? TSimd.Load(ref c, Offset<TVectors>(21, ldc, s)) : default;
        TVector c22 = count > 22 ? TSimd.Load(ref c, Offset<TVectors>(22, ldc, s)) : default;
        TVector c23 = count > 23 ? TSimd.Load(ref c, Offset<TVectors>(23, ldc, s)) : default;
        for (int q = 0; q < sources.Order.Length; q++)
        {
            int slot = sources.Order[q];
            int k = sources.Steps(q);
            ref float a = ref Unsafe.Add(ref sources.A, slot * sources.ASegmentStride);
            ref float b = ref Unsafe.Add(ref sources.B, slot * sources.BSegmentStride);
            for (int t = 0; t < k; t++)
            {
                TVector b0 = TSimd.Load(ref b, 0);
                TVector b1 = TVectors.Value > 1 ? TSimd.Load(ref b, s) : default;
                TVector b2 = TVectors.Value > 2 ? TSimd.Load(ref b, 2 * s) : default;
                TVector b3 = TVectors.Value > 3 ? TSimd.Load(ref b, 3 * s) : default;
                TVector ai = TSimd.Broadcast(a);
                c0 = TSimd.MultiplyAdd(ai, b0, c0);
                if (count > 1) c1 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(1, ai, ref a, aRowStride), Vector<TVector, TVectors>(1, b0, b1, b2, b3), c1);
                if (count > 2) c2 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(2, ai, ref a, aRowStride), Vector<TVector, TVectors>(2, b0, b1, b2, b3), c2);
                if (count > 3) c3 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(3, ai, ref a, aRowStride), Vector<TVector, TVectors>(3, b0, b1, b2, b3), c3);
                if (count > 4) c4 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(4, ai, ref a, aRowStride), Vector<TVector, TVectors>(4, b0, b1, b2, b3), c4);
                if (count > 5) c5 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(5, ai, ref a, aRowStride), Vector<TVector, TVectors>(5, b0, b1, b2, b3), c5);
                if (count > 6) c6 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(6, ai, ref a, aRowStride), Vector<TVector, TVectors>(6, b0, b1, b2, b3), c6);
                if (count > 7) c7 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(7, ai, ref a, aRowStride), Vector<TVector, TVectors>(7, b0, b1, b2, b3), c7);
                if (count > 8) c8 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(8, ai, ref a, aRowStride), Vector<TVector, TVectors>(8, b0, b1, b2, b3), c8);
                if (count > 9) c9 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(9, ai, ref a, aRowStride), Vector<TVector, TVectors>(9, b0, b1, b2, b3), c9);
                if (count > 10) c10 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(10, ai, ref a, aRowStride), Vector<TVector, TVectors>(10, b0, b1, b2, b3), c10);
                if (count > 11) c11 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(11, ai, ref a, aRowStride), Vector<TVector, TVectors>(11, b0, b1, b2, b3), c11);
                if (count > 12) c12 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(12, ai, ref a, aRowStride), Vector<TVector, TVectors>(12, b0, b1, b2, b3), c12);
                if (count > 13) c13 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(13, ai, ref a, aRowStride), Vector<TVector, TVectors>(13, b0, b1, b2, b3), c13);
                if (count > 14) c14 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(14, ai, ref a, aRowStride), Vector<TVector, TVectors>(14, b0, b1, b2, b3), c14);
                if (count > 15) c15 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(15, ai, ref a, aRowStride), Vector<TVector, TVectors>(15, b0, b1, b2, b3), c15);
                if (count > 16) c16 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(16, ai, ref a, aRowStride), Vector<TVector, TVectors>(16, b0, b1, b2, b3), c16);
                if (count > 17) c17 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(17, ai, ref a, aRowStride), Vector<TVector, TVectors>(17, b0, b1, b2, b3), c17);
                if (count > 18) c18 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(18, ai, ref a, aRowStride), Vector<TVector, TVectors>(18, b0, b1, b2, b3), c18);
                if (count > 19) c19 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(19, ai, ref a, aRowStride), Vector<TVector, TVectors>(19, b0, b1, b2, b3), c19);
                if (count > 20) c20 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(20, ai, ref a, aRowStride), Vector<TVector, TVectors>(20, b0, b1, b2, b3), c20);
                if (count > 21) c21 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(21, ai, ref a, aRowStride), Vector<TVector, TVectors>(21, b0, b1, b2, b3), c21);
                if (count > 22) c22 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(22, ai, ref a, aRowStride), Vector<TVector, TVectors>(22, b0, b1, b2, b3), c22);
                if (count > 23) c23 = TSimd.MultiplyAdd(ai = Row<TSimd, TVector, TVectors>(23, ai, ref a, aRowStride), Vector<TVector, TVectors>(23, b0, b1, b2, b3), c23);
                a = ref Unsafe.Add(ref a, aStepStride);
                b = ref Unsafe.Add(ref b, n);
            }
        }

        TSimd.Store(c0, ref c, Offset<TVectors>(0, ldc, s));
        if (count > 1) TSimd.Store(c1, ref c, Offset<TVectors>(1, ldc, s));
        if (count > 2) TSimd.Store(c2, ref c, Offset<TVectors>(2, ldc, s));
        if (count > 3) TSimd.Store(c3, ref c, Offset<TVectors>(3, ldc, s));
        if (count > 4) TSimd.Store(c4, ref c, Offset<TVectors>(4, ldc, s));
        if (count > 5) TSimd.Store(c5, ref c, Offset<TVectors>(5, ldc, s));
        if (count > 6) TSimd.Store(c6, ref c, Offset<TVectors>(6, ldc, s));
        if (count > 7) TSimd.Store(c7, ref c, Offset<TVectors>(7, ldc, s));
        if (count > 8) TSimd.Store(c8, ref c, Offset<TVectors>(8, ldc, s));
        if (count > 9) TSimd.Store(c9, ref c, Offset<TVectors>(9, ldc, s));
        if (count > 10) TSimd.Store(c10, ref c, Offset<TVectors>(10, ldc, s));
        if (count > 11) TSimd.Store(c11, ref c, Offset<TVectors>(11, ldc, s));
        if (count > 12) TSimd.Store(c12, ref c, Offset<TVectors>(12, ldc, s));
        if (count > 13) TSimd.Store(c13, ref c, Offset<TVectors>(13, ldc, s));
        if (count > 14) TSimd.Store(c14, ref c, Offset<TVectors>(14, ldc, s));
        if (count > 15) TSimd.Store(c15, ref c, Offset<TVectors>(15, ldc, s));
        if (count > 16) TSimd.Store(c16, ref c, Offset<TVectors>(16, ldc, s));
        if (count > 17) TSimd.Store(c17, ref c, Offset<TVectors>(17, ldc, s));
        if (count > 18) TSimd.Store(c18, ref c, Offset<TVectors>(18, ldc, s));
        if (count > 19) TSimd.Store(c19, ref c, Offset<TVectors>(19, ldc, s));
        if (count > 20) TSimd.Store(c20, ref c, Offset<TVectors>(20, ldc, s));
        if (count > 21) TSimd.Store(c21, ref c, Offset<TVectors>(21, ldc, s));
        if (count > 22) TSimd.Store(c22, ref c, Offset<TVectors>(22, ldc, s));
        if (count > 23) TSimd.Store(c23, ref c, Offset<TVectors>(23, ldc, s));
    }
}
