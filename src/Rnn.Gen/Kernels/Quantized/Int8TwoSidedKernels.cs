using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Gen.Kernels;

/// <summary>
/// A recurrent step's two products on int8 weights in one call (<see cref="AffineSum"/> for LSTM and Elman cells,
/// <see cref="AffinePair"/> for GRU cells), and the AVX-512 kernel every int8 product runs on where the machine has it.
/// </summary>
/// <remarks>
/// <para>
/// A step multiplies W_ih by x and W_hh by h_prev. As two <see cref="Affine(ReadOnlySpan{float}, Int8Weights, int, ReadOnlySpan{float}, Span{float})"/>
/// calls, each quantizes its vector, stores its integer sums and reads them back in a second pass that dequantizes
/// them. Here both vectors are quantized first, then each block of 64 rows sums both matrices' bytes into registers
/// and dequantizes right there (scale, offset and start loaded for the 16 rows of each panel), writing each output once.
/// </para>
/// <para>
/// The arithmetic is the two products' own, in their order: y_r = fma(s_hr · s_h, Σ_h − o_hr, fma(s_xr · s_x, Σ_x − o_xr, b_r)),
/// so a step gives the same bits as the two calls (and as Predict, which runs them apart). Paths other than AVX-512
/// run the two products one after the other.
/// </para>
/// </remarks>
public static partial class Int8Kernels
{
    /// <summary>
    /// <c>y = bias + W_x x + W_h h</c> on int8 matrices <paramref name="inputMatrix"/> (<c>[rows, x.Length]</c>) and
    /// <paramref name="hiddenMatrix"/> (<c>[rows, h.Length]</c>): the same bits as <c>Affine(bias, W_x, x, y)</c> then
    /// <c>MultiplyAdd(W_h, h, y)</c>. <paramref name="y"/> may be <paramref name="bias"/>; it must not overlap x or h.
    /// </summary>
    public static void AffineSum(ReadOnlySpan<float> bias, Int8Weights weights, int inputMatrix, ReadOnlySpan<float> x, int hiddenMatrix, ReadOnlySpan<float> h, Span<float> y) =>
        TwoSided(bias, weights, inputMatrix, x, y, bias, hiddenMatrix, h, y, sum: true, Preferred);

    /// <summary>
    /// <c>inputSide = inputBias + W_x x</c> and <c>hiddenSide = hiddenBias + W_h h</c> (a GRU step's two contributions)
    /// on int8 matrices with the same rows: the same bits as the two <c>Affine</c> calls. Outputs must not overlap x or h.
    /// </summary>
    public static void AffinePair(ReadOnlySpan<float> inputBias, Int8Weights weights, int inputMatrix, ReadOnlySpan<float> x, Span<float> inputSide,
        ReadOnlySpan<float> hiddenBias, int hiddenMatrix, ReadOnlySpan<float> h, Span<float> hiddenSide) =>
        TwoSided(inputBias, weights, inputMatrix, x, inputSide, hiddenBias, hiddenMatrix, h, hiddenSide, sum: false, Preferred);

    /// <summary>Both products on a given path (tests run each); with <paramref name="sum"/>, the second adds into <paramref name="yX"/> and <paramref name="yH"/> is not written.</summary>
    internal static void TwoSided(ReadOnlySpan<float> startX, Int8Weights weights, int matrixX, ReadOnlySpan<float> x, Span<float> yX,
        ReadOnlySpan<float> startH, int matrixH, ReadOnlySpan<float> h, Span<float> yH, bool sum, Int8Path path)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int rows = weights.Rows(matrixX), colsX = weights.Columns(matrixX), colsH = weights.Columns(matrixH);
        if (weights.Rows(matrixH) != rows || x.Length != colsX || h.Length != colsH || yX.Length != rows || startX.Length != rows
            || (!sum && (yH.Length != rows || startH.Length != rows)))
        {
            ThrowTwoSidedShape(rows, colsX, weights.Rows(matrixH), colsH, x.Length, h.Length, yX.Length, startX.Length, sum ? rows : yH.Length, sum ? rows : startH.Length);
        }

        if (path != Int8Path.Avx512)
        {
            Product(startX, weights, matrixX, x, yX, path);
            if (sum)
            {
                Product(yX, weights, matrixH, h, yX, path);
            }
            else
            {
                Product(startH, weights, matrixH, h, yH, path);
            }

            return;
        }

        int paddedX = Int8Weights.PaddedColumns(colsX), paddedH = Int8Weights.PaddedColumns(colsH);
        float sx = QuantizeActivations(x, weights.Activations.AsSpan(0, paddedX));
        float sh = QuantizeActivations(h, weights.SecondActivations.AsSpan(0, paddedH));
        var sides = new Sides(weights, rows, matrixX, ref MemoryMarshal.GetReference(startX), ref MemoryMarshal.GetReference(yX), sx,
            matrixH, ref MemoryMarshal.GetReference(sum ? startX : startH), ref MemoryMarshal.GetReference(sum ? yX : yH), sh);
        ref byte ux = ref MemoryMarshal.GetArrayDataReference(weights.Activations), uh = ref MemoryMarshal.GetArrayDataReference(weights.SecondActivations);
        if (sum)
        {
            SumsAndFinishAvx512<SumOfSides>(ref sides, ref weights.Data(matrixX), ref ux, paddedX / 4, ref weights.Data(matrixH), ref uh, paddedH / 4);
        }
        else
        {
            SumsAndFinishAvx512<PairOfSides>(ref sides, ref weights.Data(matrixX), ref ux, paddedX / 4, ref weights.Data(matrixH), ref uh, paddedH / 4);
        }
    }

    /// <summary>One product on the AVX-512 path: the sums of each block of rows dequantized in registers (no pass over stored sums).</summary>
    private static void ProductAvx512(ReadOnlySpan<float> start, Int8Weights weights, int matrix, ReadOnlySpan<float> x, Span<float> y)
    {
        int rows = weights.Rows(matrix), padded = Int8Weights.PaddedColumns(weights.Columns(matrix));
        float sx = QuantizeActivations(x, weights.Activations.AsSpan(0, padded));
        ref float s0 = ref MemoryMarshal.GetReference(start);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        var sides = new Sides(weights, rows, matrix, ref s0, ref y0, sx, matrix, ref s0, ref y0, 0f);
        ref byte u = ref MemoryMarshal.GetArrayDataReference(weights.Activations);
        SumsAndFinishAvx512<OneSide>(ref sides, ref weights.Data(matrix), ref u, padded / 4, ref weights.Data(matrix), ref u, 0);
    }

    private enum SideMode
    {
        One, // y_x = fma(s_x-scale, Σ_x, start_x)
        Sum, // y_x = fma(s_h-scale, Σ_h, fma(s_x-scale, Σ_x, start_x))
        Pair, // y_x as One, y_h = fma(s_h-scale, Σ_h, start_h)
    }

    /// <summary>
    /// The mode as a type: the kernel is compiled once per mode with the mode's tests folded away, instead of one body
    /// that tests a field for every panel (and that dynamic PGO laid out for whichever modes ran first).
    /// </summary>
    private interface ISideMode
    {
        static abstract SideMode Mode { get; }
    }

    private readonly struct OneSide : ISideMode
    {
        public static SideMode Mode => SideMode.One;
    }

    private readonly struct SumOfSides : ISideMode
    {
        public static SideMode Mode => SideMode.Sum;
    }

    private readonly struct PairOfSides : ISideMode
    {
        public static SideMode Mode => SideMode.Pair;
    }

    /// <summary>Where a two-sided product's outputs go and what dequantizes them, per side: row scales, offsets (64 Σ_c w_rc), start, output.</summary>
    private ref struct Sides
    {
        public readonly ref float ScaleX, ScaleH, StartX, StartH, YX, YH;
        public readonly ref int OffsetX, OffsetH;
        public readonly float Sx, Sh;
        public readonly int Rows;

        public Sides(Int8Weights weights, int rows, int matrixX, ref float startX, ref float yX, float sx, int matrixH, ref float startH, ref float yH, float sh)
        {
            ScaleX = ref weights.Scales[weights.RowOffset(matrixX)];
            OffsetX = ref weights.Offsets[weights.RowOffset(matrixX)];
            ScaleH = ref weights.Scales[weights.RowOffset(matrixH)];
            OffsetH = ref weights.Offsets[weights.RowOffset(matrixH)];
            StartX = ref startX;
            YX = ref yX;
            StartH = ref startH;
            YH = ref yH;
            Sx = sx;
            Sh = sh;
            Rows = rows;
        }

        /// <summary>
        /// Dequantizes panel <paramref name="panel"/>'s 16 rows from their integer sums and writes them. A last, partial
        /// panel loads its start and stores its outputs under a mask of its real rows (scales and offsets are stored
        /// for the padded rows, start and y only for the real ones), the same arithmetic lane by lane.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly unsafe void Finish<TMode>(int panel, Vector512<int> sumX, Vector512<int> sumH)
            where TMode : ISideMode
        {
            int r = panel * 16;
            if (r + 16 <= Rows)
            {
                Write<TMode>(r, sumX, sumH, Vector512.LoadUnsafe(ref StartX, (nuint)r), TMode.Mode == SideMode.Pair ? Vector512.LoadUnsafe(ref StartH, (nuint)r) : default, out Vector512<float> x, out Vector512<float> h);
                x.StoreUnsafe(ref YX, (nuint)r);
                if (TMode.Mode == SideMode.Pair)
                {
                    h.StoreUnsafe(ref YH, (nuint)r);
                }

                return;
            }

            Vector512<float> real = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(Rows - r)).AsSingle();
            fixed (float* startX = &Unsafe.Add(ref StartX, r), startH = &Unsafe.Add(ref StartH, r), yX = &Unsafe.Add(ref YX, r), yH = &Unsafe.Add(ref YH, r))
            {
                Write<TMode>(r, sumX, sumH, Avx512F.MaskLoad(startX, real, default), TMode.Mode == SideMode.Pair ? Avx512F.MaskLoad(startH, real, default) : default, out Vector512<float> x, out Vector512<float> h);
                Avx512F.MaskStore(yX, real, x);
                if (TMode.Mode == SideMode.Pair)
                {
                    Avx512F.MaskStore(yH, real, h);
                }
            }
        }

        /// <summary>The rows' outputs: x (the one side, or the sum of both) and, for a pair, h; <paramref name="startH"/> read only then.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly void Write<TMode>(int r, Vector512<int> sumX, Vector512<int> sumH, Vector512<float> startX, Vector512<float> startH, out Vector512<float> x, out Vector512<float> h)
            where TMode : ISideMode
        {
            x = Avx512F.FusedMultiplyAdd(
                Vector512.LoadUnsafe(ref ScaleX, (nuint)r) * Vector512.Create(Sx),
                Vector512.ConvertToSingle(sumX - Vector512.LoadUnsafe(ref OffsetX, (nuint)r)),
                startX);
            h = default;
            if (TMode.Mode == SideMode.One)
            {
                return;
            }

            Vector512<float> hScale = Vector512.LoadUnsafe(ref ScaleH, (nuint)r) * Vector512.Create(Sh);
            Vector512<float> hSum = Vector512.ConvertToSingle(sumH - Vector512.LoadUnsafe(ref OffsetH, (nuint)r));
            if (TMode.Mode == SideMode.Sum)
            {
                x = Avx512F.FusedMultiplyAdd(hScale, hSum, x);
            }
            else
            {
                h = Avx512F.FusedMultiplyAdd(hScale, hSum, startH);
            }
        }
    }

    // Four panels (64 rows) at a time: each broadcast group of 4 activations is loaded once for the four; then the same
    // four panels of the second matrix (none for a one-sided product); then the 64 rows are dequantized from the registers.
    private static void SumsAndFinishAvx512<TMode>(scoped ref Sides sides, ref sbyte wx, ref byte ux, int groupsX, ref sbyte wh, ref byte uh, int groupsH)
        where TMode : ISideMode
    {
        int panels = Int8Weights.PaddedRows(sides.Rows) / 16, bytesX = groupsX * 64, bytesH = groupsH * 64, p = 0;
        for (; p <= panels - 4; p += 4)
        {
            Sums4(ref Unsafe.Add(ref wx, p * bytesX), bytesX, ref ux, groupsX, out Vector512<int> x0, out Vector512<int> x1, out Vector512<int> x2, out Vector512<int> x3);
            Vector512<int> h0 = default, h1 = default, h2 = default, h3 = default;
            if (TMode.Mode != SideMode.One)
            {
                Sums4(ref Unsafe.Add(ref wh, p * bytesH), bytesH, ref uh, groupsH, out h0, out h1, out h2, out h3);
            }

            sides.Finish<TMode>(p, x0, h0);
            sides.Finish<TMode>(p + 1, x1, h1);
            sides.Finish<TMode>(p + 2, x2, h2);
            sides.Finish<TMode>(p + 3, x3, h3);
        }

        for (; p < panels; p++)
        {
            Vector512<int> x = Sums1(ref Unsafe.Add(ref wx, p * bytesX), ref ux, groupsX);
            Vector512<int> h = TMode.Mode != SideMode.One ? Sums1(ref Unsafe.Add(ref wh, p * bytesH), ref uh, groupsH) : default;
            sides.Finish<TMode>(p, x, h);
        }
    }

    /// <summary>The integer sums of four consecutive panels (<paramref name="panelBytes"/> apart): vpmaddubsw, then vpmaddwd by ones into 32-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sums4(ref sbyte w0, int panelBytes, ref byte u, int groups, out Vector512<int> a0, out Vector512<int> a1, out Vector512<int> a2, out Vector512<int> a3)
    {
        Vector512<short> ones = Vector512<short>.One;
        ref sbyte w1 = ref Unsafe.Add(ref w0, panelBytes);
        ref sbyte w2 = ref Unsafe.Add(ref w1, panelBytes);
        ref sbyte w3 = ref Unsafe.Add(ref w2, panelBytes);
        a0 = default;
        a1 = default;
        a2 = default;
        a3 = default;
        for (int g = 0; g < groups; g++)
        {
            Vector512<byte> x = Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, g * 4))).AsByte();
            nuint at = (nuint)(g * 64);
            a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Vector512.LoadUnsafe(ref w0, at)), ones);
            a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Vector512.LoadUnsafe(ref w1, at)), ones);
            a2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Vector512.LoadUnsafe(ref w2, at)), ones);
            a3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Vector512.LoadUnsafe(ref w3, at)), ones);
        }
    }

    /// <summary>The integer sums of one panel, in two chains of alternate groups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Sums1(ref sbyte w0, ref byte u, int groups)
    {
        Vector512<short> ones = Vector512<short>.One;
        Vector512<int> a0 = default, a1 = default;
        int g = 0;
        for (; g <= groups - 2; g += 2)
        {
            Vector512<byte> x = Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, g * 4))).AsByte();
            Vector512<byte> x1 = Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, g * 4 + 4))).AsByte();
            a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Vector512.LoadUnsafe(ref w0, (nuint)(g * 64))), ones);
            a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x1, Vector512.LoadUnsafe(ref w0, (nuint)(g * 64 + 64))), ones);
        }

        if (g < groups)
        {
            Vector512<byte> x = Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, g * 4))).AsByte();
            a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, Vector512.LoadUnsafe(ref w0, (nuint)(g * 64))), ones);
        }

        return a0 + a1;
    }

    [DoesNotReturn]
    private static void ThrowTwoSidedShape(int rows, int colsX, int rowsH, int colsH, int x, int h, int yX, int startX, int yH, int startH) =>
        throw new ArgumentException($"Expected two int8 matrices with the same rows, [{rows}, {colsX}] and [{rowsH}, {colsH}], x of {colsX} and h of {colsH} elements, "
            + $"and outputs and starts of {rows}; got x {x}, h {h}, the first output {yX} and start {startX}, the second output {yH} and start {startH}.");
}
