using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// What the cells' activations need beyond <see cref="IElementMath{TVector}"/> (loads, stores, broadcasts, fused
/// multiply-adds, arithmetic), at one width: the width changes how many lanes, never what each lane computes.
/// </summary>
internal interface ICellMath<TVector> : IElementMath<TVector>
    where TVector : struct
{
    /// <summary>The smaller of each pair, the hardware's instruction: with a NaN in <paramref name="b"/>, NaN on x86 and Arm64.</summary>
    static abstract TVector Min(TVector a, TVector b);

    /// <summary>The larger of each pair, as <see cref="Min"/>.</summary>
    static abstract TVector Max(TVector a, TVector b);

    static abstract TVector Abs(TVector a);

    /// <summary>2^n for <paramref name="biased"/> = n + 1.5 · 2^23 (n a whole number in [-126, 127]), built in the exponent bits.</summary>
    static abstract TVector PowerOfTwo(TVector biased);

    static abstract TVector CopySign(TVector value, TVector sign);

    /// <summary>Lane by lane, <paramref name="ifLess"/> where <c>a &lt; limit</c>, else <paramref name="otherwise"/>.</summary>
    static abstract TVector SelectWhereLess(TVector a, TVector limit, TVector ifLess, TVector otherwise);
}

/// <summary>The cell operations of the two widest <see cref="Simd"/> widths.</summary>
internal static partial class Simd
{
#pragma warning disable CS1591 // each member is the Vector256/Vector512 operation of the same name
    internal readonly partial struct Wide256 : ICellMath<Vector256<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.MinNative(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> PowerOfTwo(Vector256<float> biased) => ((biased.AsInt32() - Vector256.Create(CellKernels.RoundingBiasBits - 127)) << 23).AsSingle();
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> CopySign(Vector256<float> value, Vector256<float> sign) => Vector256.CopySign(value, sign);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> SelectWhereLess(Vector256<float> a, Vector256<float> limit, Vector256<float> ifLess, Vector256<float> otherwise) => Vector256.ConditionalSelect(Vector256.LessThan(a, limit), ifLess, otherwise);
    }

    internal readonly partial struct Wide512 : ICellMath<Vector512<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Abs(Vector512<float> a) => Vector512.Abs(a);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> PowerOfTwo(Vector512<float> biased) => ((biased.AsInt32() - Vector512.Create(CellKernels.RoundingBiasBits - 127)) << 23).AsSingle();
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> CopySign(Vector512<float> value, Vector512<float> sign) => Vector512.CopySign(value, sign);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> SelectWhereLess(Vector512<float> a, Vector512<float> limit, Vector512<float> ifLess, Vector512<float> otherwise) => Vector512.ConditionalSelect(Vector512.LessThan(a, limit), ifLess, otherwise);
    }
#pragma warning restore CS1591
}
