using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Gen.Kernels;

/// <summary>
/// Matrix–vector products on int8 weights (<see cref="Int8Weights"/>), for the inference of models declared with
/// <c>Weights = WeightPrecision.Int8</c>: a quarter of float32's bytes to read per step.
/// </summary>
/// <remarks>
/// <para>
/// Each product quantizes its activation vector x first, symmetrically with a scale of its own:
/// s_x = max|x| / 63, q_c = round(x_c / s_x) in [−63, 63], stored as u_c = q_c + 64 in [1, 127]. The integer sums
/// Σ_c w_rc u_c are exact in 32 bits, and Σ_c w_rc q_c = Σ_c w_rc u_c − 64 Σ_c w_rc, the second term kept per row at
/// quantization. Then y_r = fma(s_r · s_x, (float)(Σ_c w_rc q_c), start_r), start the bias or y itself.
/// </para>
/// <para>
/// Why 7-bit activations: x86's multiply-add of unsigned by signed bytes (<c>vpmaddubsw</c>, AVX2 and AVX-512BW) sums
/// two products into a saturating 16-bit lane; with u ≤ 127 and |w| ≤ 127 the pair stays below 32,767, so nothing
/// saturates and every path gives the same integers: AVX-VNNI's <c>vpdpbusd</c> where the runtime exposes it
/// (<see cref="AvxVnni"/>; .NET 10 has no 512-bit VNNI class), else AVX-512BW (<c>vpmaddubsw</c>, then <c>vpmaddwd</c>
/// by ones into 32-bit lanes: 3 instructions per 64 multiply-adds, against 4 fused multiply-adds of floats), else AVX2
/// the same at 256 bits, else scalar. The results are the same bits on every path (tested).
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static partial class Int8Kernels
{
    /// <summary>The instruction set a product runs on; tests run every one the machine has.</summary>
    internal enum Int8Path
    {
        Scalar,
        Avx2,
        Avx512,
        AvxVnni,
    }

    /// <summary>The fastest path this machine has: AVX-VNNI, AVX-512BW, AVX2 or scalar.</summary>
    internal static Int8Path Preferred { get; } =
        AvxVnni.IsSupported ? Int8Path.AvxVnni
        : Avx512BW.IsSupported && Vector512.IsHardwareAccelerated ? Int8Path.Avx512
        : Avx2.IsSupported ? Int8Path.Avx2
        : Int8Path.Scalar;

    /// <summary>Whether <paramref name="path"/> runs on this machine.</summary>
    internal static bool IsSupported(Int8Path path) => path switch
    {
        Int8Path.Scalar => true,
        Int8Path.Avx2 => Avx2.IsSupported,
        Int8Path.Avx512 => Avx512BW.IsSupported,
        Int8Path.AvxVnni => AvxVnni.IsSupported,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Expected an Int8Path."),
    };

    /// <summary><c>y[r] += Σ_c W[r, c] · x[c]</c> on int8 matrix <paramref name="matrix"/> of <paramref name="weights"/> (<c>[y.Length, x.Length]</c>).</summary>
    public static void MultiplyAdd(Int8Weights weights, int matrix, ReadOnlySpan<float> x, Span<float> y) => Product(y, weights, matrix, x, y, Preferred);

    /// <summary><c>y[r] = bias[r] + Σ_c W[r, c] · x[c]</c>: <see cref="MultiplyAdd(Int8Weights, int, ReadOnlySpan{float}, Span{float})"/> started from the bias, the same bits as copying the bias into y first.</summary>
    public static void Affine(ReadOnlySpan<float> bias, Int8Weights weights, int matrix, ReadOnlySpan<float> x, Span<float> y) => Product(bias, weights, matrix, x, y, Preferred);

    /// <summary>The product on a given path (tests run each); <paramref name="start"/> may be <paramref name="y"/>.</summary>
    internal static void Product(ReadOnlySpan<float> start, Int8Weights weights, int matrix, ReadOnlySpan<float> x, Span<float> y, Int8Path path)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int rows = weights.Rows(matrix), cols = weights.Columns(matrix);
        if (x.Length != cols || y.Length != rows || start.Length != rows)
        {
            ThrowShape(rows, cols, x.Length, y.Length, start.Length);
        }

        if (path == Int8Path.Avx512)
        {
            ProductAvx512(start, weights, matrix, x, y); // Int8TwoSidedKernels: sums and dequantization in one pass
            return;
        }

        int paddedCols = Int8Weights.PaddedColumns(cols), panels = Int8Weights.PaddedRows(rows) / 16;
        float xScale = QuantizeActivations(x, weights.Activations.AsSpan(0, paddedCols));
        ref byte u = ref MemoryMarshal.GetArrayDataReference(weights.Activations);
        ref sbyte w = ref weights.Data(matrix);
        ref int sums = ref MemoryMarshal.GetArrayDataReference(weights.Sums);
        int groups = paddedCols / 4;
        switch (path)
        {
            case Int8Path.AvxVnni:
                SumsAvxVnni(ref w, ref u, ref sums, panels, groups);
                break;
            case Int8Path.Avx2:
                SumsAvx2(ref w, ref u, ref sums, panels, groups);
                break;
            case Int8Path.Scalar:
                SumsScalar(ref w, ref u, ref sums, panels, groups);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(path), path, "Expected an Int8Path.");
        }

        Finish(start, weights.Scales.AsSpan(weights.RowOffset(matrix), rows), weights.Offsets.AsSpan(weights.RowOffset(matrix), rows), weights.Sums.AsSpan(0, rows), xScale, y);
    }

    /// <summary>
    /// u = round(x / s) + 64 with s = max|x| / 63 (to even, as the vector rounding), 64 in the padding; returns s. A
    /// vector of zeros, or of magnitudes under 63 / float.MaxValue, gives s = 0; a vector with a NaN or infinity gives
    /// s = NaN, so the product's outputs are NaN.
    /// </summary>
    /// <remarks>
    /// Every step quantizes x and h_prev, so this runs twice per step: on AVX-512 it is one pass for the maximum (on
    /// the magnitudes' bits as integers, where every NaN and infinity sorts above every finite value) and one that
    /// rounds 16 values with <c>vcvtps2dq</c> (to nearest even, the rounding mode .NET keeps) and narrows them to
    /// bytes with <c>vpmovdb</c>. The bytes are those of the scalar rule on every path (tested).
    /// </remarks>
    internal static float QuantizeActivations(ReadOnlySpan<float> x, Span<byte> u)
    {
        float max = Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? MaxMagnitudeAvx512(x)
            : x.Length == 0 ? 0f : MathF.Abs(TensorPrimitives.MaxMagnitude(x));
        float inverse = 63f / max;
        if (!float.IsFinite(max) || !float.IsFinite(inverse))
        {
            // NaN or infinity in x: NaN outputs. All zeros, or magnitudes so small (below 63 / float.MaxValue, about
            // 1.9e-37) that 63 / max overflows: zeros, whose product is the start, off by at most Σ|w| · 1.9e-37.
            u.Fill(64);
            return float.IsFinite(max) ? 0f : float.NaN;
        }

        int c = 0;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref byte u0 = ref MemoryMarshal.GetReference(u);
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
        {
            Vector512<float> scale = Vector512.Create(inverse);
            Vector512<int> offset = Vector512.Create(64);
            for (; c <= x.Length - 16; c += 16)
            {
                Vector512<int> q = Avx512F.ConvertToVector512Int32(Vector512.LoadUnsafe(ref x0, (nuint)c) * scale) + offset;
                Avx512F.ConvertToVector128Byte(q).StoreUnsafe(ref u0, (nuint)c);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> scale = Vector256.Create(inverse);
            Vector256<int> offset = Vector256.Create(64);
            for (; c <= x.Length - 32; c += 32)
            {
                Vector256<int> a = Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref x0, (nuint)c) * scale)) + offset;
                Vector256<int> b = Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref x0, (nuint)(c + 8)) * scale)) + offset;
                Vector256<int> d = Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref x0, (nuint)(c + 16)) * scale)) + offset;
                Vector256<int> e = Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref x0, (nuint)(c + 24)) * scale)) + offset;
                Vector256.Narrow(Vector256.Narrow(a, b), Vector256.Narrow(d, e)).AsByte().StoreUnsafe(ref u0, (nuint)c);
            }
        }

        for (; c < x.Length; c++)
        {
            Unsafe.Add(ref u0, c) = (byte)((int)MathF.Round(Unsafe.Add(ref x0, c) * inverse) + 64);
        }

        u.Slice(x.Length).Fill(64);
        return max / 63f;
    }

    /// <summary>
    /// max|x| (0 for an empty x), or a non-finite value when x holds a NaN or an infinity: the largest of the
    /// magnitudes' bit patterns as integers, which orders finite magnitudes as floats and puts infinity and every NaN
    /// above them.
    /// </summary>
    private static float MaxMagnitudeAvx512(ReadOnlySpan<float> x)
    {
        ref int x0 = ref Unsafe.As<float, int>(ref MemoryMarshal.GetReference(x));
        int c = 0, max = 0;
        if (x.Length >= 16)
        {
            Vector512<int> magnitude = Vector512.Create(int.MaxValue), m0 = Vector512<int>.Zero, m1 = Vector512<int>.Zero;
            for (; c <= x.Length - 32; c += 32)
            {
                m0 = Vector512.Max(m0, Vector512.LoadUnsafe(ref x0, (nuint)c) & magnitude);
                m1 = Vector512.Max(m1, Vector512.LoadUnsafe(ref x0, (nuint)(c + 16)) & magnitude);
            }

            if (c <= x.Length - 16)
            {
                m0 = Vector512.Max(m0, Vector512.LoadUnsafe(ref x0, (nuint)c) & magnitude);
                c += 16;
            }

            Vector512<int> m = Vector512.Max(m0, m1);
            Vector256<int> half = Vector256.Max(m.GetLower(), m.GetUpper());
            Vector128<int> quarter = Vector128.Max(half.GetLower(), half.GetUpper());
            max = Math.Max(Math.Max(quarter.GetElement(0), quarter.GetElement(1)), Math.Max(quarter.GetElement(2), quarter.GetElement(3)));
        }

        for (; c < x.Length; c++)
        {
            max = Math.Max(max, Unsafe.Add(ref x0, c) & int.MaxValue);
        }

        return BitConverter.Int32BitsToSingle(max);
    }

    /// <summary>y_r = fma(s_r · s_x, (float)(sum_r − offset_r), start_r).</summary>
    private static void Finish(ReadOnlySpan<float> start, ReadOnlySpan<float> scales, ReadOnlySpan<int> offsets, ReadOnlySpan<int> sums, float xScale, Span<float> y)
    {
        int r = 0, rows = y.Length;
        ref float s0 = ref MemoryMarshal.GetReference(start);
        ref float k0 = ref MemoryMarshal.GetReference(scales);
        ref int o0 = ref MemoryMarshal.GetReference(offsets);
        ref int n0 = ref MemoryMarshal.GetReference(sums);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            Vector256<float> sx = Vector256.Create(xScale);
            for (; r <= rows - 8; r += 8)
            {
                Vector256<float> value = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref n0, (nuint)r) - Vector256.LoadUnsafe(ref o0, (nuint)r));
                Vector256<float> scale = Vector256.LoadUnsafe(ref k0, (nuint)r) * sx;
                Fma.MultiplyAdd(scale, value, Vector256.LoadUnsafe(ref s0, (nuint)r)).StoreUnsafe(ref y0, (nuint)r);
            }
        }

        for (; r < rows; r++)
        {
            float scale = Unsafe.Add(ref k0, r) * xScale;
            Unsafe.Add(ref y0, r) = MathF.FusedMultiplyAdd(scale, Unsafe.Add(ref n0, r) - Unsafe.Add(ref o0, r), Unsafe.Add(ref s0, r));
        }
    }

    private static void SumsScalar(ref sbyte w, ref byte u, ref int sums, int panels, int groups)
    {
        for (int p = 0; p < panels; p++)
        {
            ref sbyte panel = ref Unsafe.Add(ref w, p * groups * 64);
            for (int lane = 0; lane < 16; lane++)
            {
                int sum = 0;
                for (int g = 0; g < groups; g++)
                {
                    ref sbyte q = ref Unsafe.Add(ref panel, g * 64 + lane * 4);
                    ref byte a = ref Unsafe.Add(ref u, g * 4);
                    sum += (q * a) + (Unsafe.Add(ref q, 1) * Unsafe.Add(ref a, 1)) + (Unsafe.Add(ref q, 2) * Unsafe.Add(ref a, 2)) + (Unsafe.Add(ref q, 3) * Unsafe.Add(ref a, 3));
                }

                Unsafe.Add(ref sums, p * 16 + lane) = sum;
            }
        }
    }

    // One panel at a time, its 16 rows in two 256-bit halves (bytes 0–31 rows 0–7, 32–63 rows 8–15).
    private static void SumsAvx2(ref sbyte w, ref byte u, ref int sums, int panels, int groups)
    {
        Vector256<short> ones = Vector256<short>.One;
        int panelBytes = groups * 64;
        for (int p = 0; p < panels; p++)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, p * panelBytes);
            Vector256<int> lo = default, hi = default;
            for (int g = 0; g < groups; g++)
            {
                Vector256<byte> x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, g * 4))).AsByte();
                lo += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref w0, (nuint)(g * 64))), ones);
                hi += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref w0, (nuint)(g * 64 + 32))), ones);
            }

            lo.StoreUnsafe(ref sums, (nuint)(p * 16));
            hi.StoreUnsafe(ref sums, (nuint)(p * 16 + 8));
        }
    }

    // vpdpbusd: the four products of each 32-bit lane summed into it in one instruction, 256 bits at a time.
    private static void SumsAvxVnni(ref sbyte w, ref byte u, ref int sums, int panels, int groups)
    {
        int panelBytes = groups * 64, p = 0;
        for (; p <= panels - 2; p += 2)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, p * panelBytes);
            ref sbyte w1 = ref Unsafe.Add(ref w0, panelBytes);
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int g = 0; g < groups; g++)
            {
                Vector256<byte> x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, g * 4))).AsByte();
                nuint at = (nuint)(g * 64);
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, x, Vector256.LoadUnsafe(ref w0, at));
                a1 = AvxVnni.MultiplyWideningAndAdd(a1, x, Vector256.LoadUnsafe(ref w0, at + 32));
                a2 = AvxVnni.MultiplyWideningAndAdd(a2, x, Vector256.LoadUnsafe(ref w1, at));
                a3 = AvxVnni.MultiplyWideningAndAdd(a3, x, Vector256.LoadUnsafe(ref w1, at + 32));
            }

            a0.StoreUnsafe(ref sums, (nuint)(p * 16));
            a1.StoreUnsafe(ref sums, (nuint)(p * 16 + 8));
            a2.StoreUnsafe(ref sums, (nuint)(p * 16 + 16));
            a3.StoreUnsafe(ref sums, (nuint)(p * 16 + 24));
        }

        for (; p < panels; p++)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, p * panelBytes);
            Vector256<int> lo = default, hi = default;
            for (int g = 0; g < groups; g++)
            {
                Vector256<byte> x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref u, g * 4))).AsByte();
                lo = AvxVnni.MultiplyWideningAndAdd(lo, x, Vector256.LoadUnsafe(ref w0, (nuint)(g * 64)));
                hi = AvxVnni.MultiplyWideningAndAdd(hi, x, Vector256.LoadUnsafe(ref w0, (nuint)(g * 64 + 32)));
            }

            lo.StoreUnsafe(ref sums, (nuint)(p * 16));
            hi.StoreUnsafe(ref sums, (nuint)(p * 16 + 8));
        }
    }

    [DoesNotReturn]
    private static void ThrowShape(int rows, int cols, int x, int y, int start) =>
        throw new ArgumentException($"Expected x of {cols} and y and the start of {rows} elements for a [{rows}, {cols}] int8 matrix, got x {x}, y {y}, start {start}.");
}
