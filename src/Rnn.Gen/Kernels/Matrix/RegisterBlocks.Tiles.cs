using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

internal static partial class RegisterBlocks
{
    /// <summary>
    /// <c>c[i, j] += Σ_t a(i, t) · b[t, j]</c> for <c>i &lt; m</c>, <c>t &lt; k</c>, and the columns <c>j</c> that whole
    /// vectors of the widths from <paramref name="widest"/> down to <paramref name="narrowest"/> cover, where
    /// <c>a(i, t) = a[i·aRowStride + t·aStepStride]</c> (so one kernel serves <c>a</c> and <c>aᵀ</c>), b is
    /// <c>[k, n]</c> and c is <c>[m, n]</c>. Returns the first column not done: <paramref name="n"/> when
    /// <paramref name="narrowest"/> is <see cref="KernelWidth.Scalar"/>.
    /// </summary>
    internal static int MatrixMatrix(ref float a, nint aRowStride, nint aStepStride, ref float b, ref float c, int m, int k, int n, KernelWidth widest, KernelWidth narrowest) =>
        MatrixMatrix(ref a, aRowStride, aStepStride, ref b, ref c, n, m, k, n, widest, narrowest);

    /// <summary>As the overload above with the rows of c <paramref name="ldc"/> elements apart (c's own rows or rows spread over a batch).</summary>
    internal static int MatrixMatrix(ref float a, nint aRowStride, nint aStepStride, ref float b, ref float c, nint ldc, int m, int k, int n, KernelWidth widest, KernelWidth narrowest) =>
        MatrixMatrix(new TileSources(ref a, aRowStride, aStepStride, ref b, k, ref c, ldc), ref c, ldc, m, n, widest, narrowest);

    /// <summary>
    /// <c>c(i, j) = init(i, j) + Σ_t a(i, t) · b[t, j] + Σ_u a2(i, u) · b2[u, j]</c> over the tiles of the given widths,
    /// as <see cref="TileSources"/> describes the operands (c itself as init for <c>c +=</c>). Returns the first column
    /// not done.
    /// </summary>
    internal static int MatrixMatrix(in TileSources sources, ref float c, nint ldc, int m, int n, KernelWidth widest, KernelWidth narrowest)
    {
        int j = 0;
        if (widest >= KernelWidth.Vector512)
        {
            j = TilePanels<Simd.Wide512, Vector512<float>>(sources, ref c, ldc, m, j, n);
        }

        if (widest >= KernelWidth.Vector256 && narrowest <= KernelWidth.Vector256)
        {
            j = TilePanels<Simd.Wide256, Vector256<float>>(sources, ref c, ldc, m, j, n);
        }

        if (widest >= KernelWidth.Vector128 && narrowest <= KernelWidth.Vector128)
        {
            j = TilePanels<Simd.Wide128, Vector128<float>>(sources, ref c, ldc, m, j, n);
        }

        if (narrowest == KernelWidth.Scalar)
        {
            j = TilePanels<Simd.Scalar, float>(sources, ref c, ldc, m, j, n);
        }

        return j;
    }

    /// <summary>
    /// Columns from <paramref name="j"/> on, in panels of whole vectors (four wide where the registers allow, then two,
    /// then one); each panel walks down all the rows of c in tiles. Returns the first column left (less than one vector).
    /// </summary>
    private static int TilePanels<TSimd, TVector>(in TileSources sources, ref float c, nint ldc, int m, int j, int n)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
    {
        int lanes = TSimd.Count;
        if (WideRegisters<TSimd, TVector>())
        {
            for (; n - j >= 4 * lanes; j += 4 * lanes)
            {
                TileRows<TSimd, TVector, Block.Four>(sources.Columns(j), ref Unsafe.Add(ref c, j), n, ldc, m);
            }
        }

        for (; n - j >= 2 * lanes; j += 2 * lanes)
        {
            TileRows<TSimd, TVector, Block.Two>(sources.Columns(j), ref Unsafe.Add(ref c, j), n, ldc, m);
        }

        if (n - j >= lanes)
        {
            TileRows<TSimd, TVector, Block.One>(sources.Columns(j), ref Unsafe.Add(ref c, j), n, ldc, m);
            j += lanes;
        }

        return j;
    }

    /// <summary>
    /// Whether a tile may keep 24 accumulators: at 512 bits, where the hardware has 32 vector registers (AVX-512); AVX2
    /// has 16, and a tile of 24 would spill.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool WideRegisters<TSimd, TVector>()
        where TSimd : struct, ISimd<TVector>
        where TVector : struct =>
        TSimd.Count == 16;

    /// <summary>
    /// One panel of columns (b and c start at its first column, row stride <paramref name="n"/>) down all the rows:
    /// tiles of 24 accumulators with 32 vector registers (6 rows of a four-vector panel, 12 rows of a two-vector one),
    /// else of 12 (6 rows of a two-vector panel); 12 rows of a one-vector panel; then one tile of the rows left.
    /// </summary>
    private static void TileRows<TSimd, TVector, TVectors>(in TileSources sources, ref float c, int n, nint ldc, int m)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TVectors : struct, IBlockSize
    {
        int i = 0;
        if (TVectors.Value == 4)
        {
            for (; m - i >= 6; i += 6)
            {
                Tile<TSimd, TVector, Block.Six, TVectors>(sources.Rows(i), ref Unsafe.Add(ref c, i * ldc), n, ldc);
            }
        }
        else if (TVectors.Value == 2 && !WideRegisters<TSimd, TVector>())
        {
            for (; m - i >= 6; i += 6)
            {
                Tile<TSimd, TVector, Block.Six, TVectors>(sources.Rows(i), ref Unsafe.Add(ref c, i * ldc), n, ldc);
            }
        }
        else
        {
            for (; m - i >= 12; i += 12)
            {
                Tile<TSimd, TVector, Block.Twelve, TVectors>(sources.Rows(i), ref Unsafe.Add(ref c, i * ldc), n, ldc);
            }
        }

        TileSources rest = sources.Rows(i);
        ref float cRest = ref Unsafe.Add(ref c, i * ldc);
        switch (m - i)
        {
            case 1: Tile<TSimd, TVector, Block.One, TVectors>(rest, ref cRest, n, ldc); break;
            case 2: Tile<TSimd, TVector, Block.Two, TVectors>(rest, ref cRest, n, ldc); break;
            case 3: Tile<TSimd, TVector, Block.Three, TVectors>(rest, ref cRest, n, ldc); break;
            case 4: Tile<TSimd, TVector, Block.Four, TVectors>(rest, ref cRest, n, ldc); break;
            case 5: Tile<TSimd, TVector, Block.Five, TVectors>(rest, ref cRest, n, ldc); break;
            case 6: Tile<TSimd, TVector, Block.Six, TVectors>(rest, ref cRest, n, ldc); break;
            case 7: Tile<TSimd, TVector, Block.Seven, TVectors>(rest, ref cRest, n, ldc); break;
            case 8: Tile<TSimd, TVector, Block.Eight, TVectors>(rest, ref cRest, n, ldc); break;
            case 9: Tile<TSimd, TVector, Block.Nine, TVectors>(rest, ref cRest, n, ldc); break;
            case 10: Tile<TSimd, TVector, Block.Ten, TVectors>(rest, ref cRest, n, ldc); break;
            case 11: Tile<TSimd, TVector, Block.Eleven, TVectors>(rest, ref cRest, n, ldc); break;
        }
    }

    /// <summary>
    /// One tile of c, <typeparamref name="TRows"/> rows by <typeparamref name="TVectors"/> vectors (1, 2 or 4), in up to
    /// 24 accumulators: accumulator q holds row q / V, vector q % V of the tile (V vectors). Each step t loads the tile's
    /// vectors of row t of b once and broadcasts a(i, t) once per row i: as many independent chains of fused
    /// multiply-adds as accumulators, enough to hide their latency, for rows + V loads.
    /// </summary>
    private static void Tile<TSimd, TVector, TRows, TVectors>(in TileSources sources, ref float c, nint n, nint ldc)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TRows : struct, IBlockSize
        where TVectors : struct, IBlockSize
    {
        int count = TRows.Value * TVectors.Value;
        nuint s = (nuint)TSimd.Count;
        ref float a = ref sources.A;
        ref float b = ref sources.B;
        nint aRowStride = sources.ARowStride, aStepStride = sources.AStepStride;
        int k = sources.K;
        ref float init = ref sources.Init;
        nint ldInit = sources.LdInit;
        TVector c0 = TSimd.Load(ref init, Offset<TVectors>(0, ldInit, s));
        TVector c1 = count > 1 ? TSimd.Load(ref init, Offset<TVectors>(1, ldInit, s)) : default;
        TVector c2 = count > 2 ? TSimd.Load(ref init, Offset<TVectors>(2, ldInit, s)) : default;
        TVector c3 = count > 3 ? TSimd.Load(ref init, Offset<TVectors>(3, ldInit, s)) : default;
        TVector c4 = count > 4 ? TSimd.Load(ref init, Offset<TVectors>(4, ldInit, s)) : default;
        TVector c5 = count > 5 ? TSimd.Load(ref init, Offset<TVectors>(5, ldInit, s)) : default;
        TVector c6 = count > 6 ? TSimd.Load(ref init, Offset<TVectors>(6, ldInit, s)) : default;
        TVector c7 = count > 7 ? TSimd.Load(ref init, Offset<TVectors>(7, ldInit, s)) : default;
        TVector c8 = count > 8 ? TSimd.Load(ref init, Offset<TVectors>(8, ldInit, s)) : default;
        TVector c9 = count > 9 ? TSimd.Load(ref init, Offset<TVectors>(9, ldInit, s)) : default;
        TVector c10 = count > 10 ? TSimd.Load(ref init, Offset<TVectors>(10, ldInit, s)) : default;
        TVector c11 = count > 11 ? TSimd.Load(ref init, Offset<TVectors>(11, ldInit, s)) : default;
        TVector c12 = count > 12 ? TSimd.Load(ref init, Offset<TVectors>(12, ldInit, s)) : default;
        TVector c13 = count > 13 ? TSimd.Load(ref init, Offset<TVectors>(13, ldInit, s)) : default;
        TVector c14 = count > 14 ? TSimd.Load(ref init, Offset<TVectors>(14, ldInit, s)) : default;
        TVector c15 = count > 15 ? TSimd.Load(ref init, Offset<TVectors>(15, ldInit, s)) : default;
        TVector c16 = count > 16 ? TSimd.Load(ref init, Offset<TVectors>(16, ldInit, s)) : default;
        TVector c17 = count > 17 ? TSimd.Load(ref init, Offset<TVectors>(17, ldInit, s)) : default;
        TVector c18 = count > 18 ? TSimd.Load(ref init, Offset<TVectors>(18, ldInit, s)) : default;
        TVector c19 = count > 19 ? TSimd.Load(ref init, Offset<TVectors>(19, ldInit, s)) : default;
        TVector c20 = count > 20 ? TSimd.Load(ref init, Offset<TVectors>(20, ldInit, s)) : default;
        TVector c21 = count > 21 ? TSimd.Load(ref init, Offset<TVectors>(21, ldInit, s)) : default;
        TVector c22 = count > 22 ? TSimd.Load(ref init, Offset<TVectors>(22, ldInit, s)) : default;
        TVector c23 = count > 23 ? TSimd.Load(ref init, Offset<TVectors>(23, ldInit, s)) : default;
        for (int part = 0; part < 2; part++)
        {
            for (int t = 0; t < k; t++)
            {
                // Accumulators of vector 0 broadcast their row's a(i, t); those of the other vectors reuse it.
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

            // The second source, if any, continues the same chains: a2 (row-major) times b2.
            a = ref sources.A2;
            b = ref sources.B2;
            aRowStride = sources.A2RowStride;
            aStepStride = 1;
            k = sources.K2;
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

    /// <summary>Where accumulator <paramref name="q"/> of a tile lives in c: row q / V, vector q % V.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Offset<TVectors>(int q, nint n, nuint lanes)
        where TVectors : struct, IBlockSize =>
        (nuint)(q / TVectors.Value) * (nuint)n + (nuint)(q % TVectors.Value) * lanes;

    /// <summary>The broadcast a(i, t) for accumulator <paramref name="q"/>: a new row's where q starts a row, else the current one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Row<TSimd, TVector, TVectors>(int q, TVector current, ref float a, nint aRowStride)
        where TSimd : struct, ISimd<TVector>
        where TVector : struct
        where TVectors : struct, IBlockSize =>
        q % TVectors.Value == 0 ? TSimd.Broadcast(Unsafe.Add(ref a, q / TVectors.Value * aRowStride)) : current;

    /// <summary>The vector of b's row that accumulator <paramref name="q"/> multiplies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Vector<TVector, TVectors>(int q, TVector b0, TVector b1, TVector b2, TVector b3)
        where TVector : struct
        where TVectors : struct, IBlockSize =>
        (q % TVectors.Value) switch { 0 => b0, 1 => b1, 2 => b2, _ => b3 };
}
