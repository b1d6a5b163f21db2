using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The sigmoid and tanh of <c>Activations = ActivationPrecision.Fast</c>: a rational approximation with no exponential,
/// the same arithmetic in every lane of every width and in the scalar form, so any split of the hidden units into
/// vectors gives the same bits.
/// </summary>
/// <remarks>
/// <para>
/// tanh x = x · P(x²) / Q(x²) for |x| &lt; 9, ±1 beyond (1 − tanh 9 = 3e-8, below half a float ulp of 1). P and Q are of
/// degree 4 in x² (an odd numerator of degree 9 over an even denominator of degree 8), fitted to tanh on [0, 9] for the
/// least maximum absolute error (a Lawson iteration on linearized least squares; 1.9e-8 in exact arithmetic, the rest
/// of the stated bound is float rounding). sigmoid x = 1/2 + 1/2 tanh(x / 2), with the halvings folded into the
/// coefficients: 1/2 + x · P(x²/4) / (4 Q(x²/4)) for |x| &lt; 18, 0 or 1 beyond.
/// </para>
/// <para>
/// The dependency chain of one activation: x² (4 cycles on the Xeon), x⁴ (4), two levels of fused multiply-adds (8),
/// x · P (4), one division (11 at 256 bits, 16–18 at 512), one blend (1): about 32–38 cycles, against about 60–65 for
/// the exact forms (exponential, then a division). Measured maximum error against double-precision <c>Math.Tanh</c>
/// and <c>1 / (1 + Math.Exp(-x))</c> over the floats of both signs up to 32 (<c>FastActivationsTests</c>): within 4e-7
/// (tanh) and 2.5e-7 (sigmoid), absolute (every float swept: 3.34e-7 and 1.94e-7); the worst found are in docs/ARCHITECTURE.md, "Fast activations". NaN stays NaN; ±∞ gives ±1 (tanh), 1 or 0 (sigmoid).
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FastActivations
{
    /// <summary>Above this |x| tanh is ±1.</summary>
    public const float TanhLimit = 9f;

    /// <summary>Above this |x| sigmoid is 0 or 1.</summary>
    public const float SigmoidLimit = 18f;

    // tanh x = x P(y) / Q(y), y = x^2 (see the remarks).
    private const double P0 = 0.9999999065900903, P1 = 0.1337317736099707, P2 = 0.003486556796212812, P3 = 2.047139097182914e-05, P4 = 1.3183584077155997e-08;
    private const double Q1 = 0.46706474290423816, Q2 = 0.025841886022472036, Q3 = 0.00032713430580668323, Q4 = 7.702407204057262e-07;

    // The same for tanh(x / 2) / 2 as a function of x: P_k / (4 4^k) and Q_k / 4^k.
    private const float TP0 = (float)P0, TP1 = (float)P1, TP2 = (float)P2, TP3 = (float)P3, TP4 = (float)P4;
    private const float TQ1 = (float)Q1, TQ2 = (float)Q2, TQ3 = (float)Q3, TQ4 = (float)Q4;
    private const float SP0 = (float)(P0 / 4), SP1 = (float)(P1 / 16), SP2 = (float)(P2 / 64), SP3 = (float)(P3 / 256), SP4 = (float)(P4 / 1024);
    private const float SQ1 = (float)(Q1 / 4), SQ2 = (float)(Q2 / 16), SQ3 = (float)(Q3 / 64), SQ4 = (float)(Q4 / 256);

    /// <summary>Fast tanh x (see the remarks of <see cref="FastActivations"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => Tanh<Simd.Scalar, float>(x);

    /// <summary>Fast 1 / (1 + e^-x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => Sigmoid<Simd.Scalar, float>(x);

    /// <summary>Fast tanh in each lane, bit for bit <see cref="Tanh(float)"/> of the lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x) => Tanh<Simd.Wide128, Vector128<float>>(x);

    /// <summary>Fast sigmoid in each lane, bit for bit <see cref="Sigmoid(float)"/> of the lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => Sigmoid<Simd.Wide128, Vector128<float>>(x);

    /// <inheritdoc cref="Tanh(Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => Tanh<Simd.Wide256, Vector256<float>>(x);

    /// <inheritdoc cref="Sigmoid(Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Sigmoid<Simd.Wide256, Vector256<float>>(x);

    /// <inheritdoc cref="Tanh(Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => Tanh<Simd.Wide512, Vector512<float>>(x);

    /// <inheritdoc cref="Sigmoid(Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Sigmoid<Simd.Wide512, Vector512<float>>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector Tanh<TMath, TVector>(TVector x)
        where TMath : struct, IFastMath<TVector>
        where TVector : struct
    {
        TVector ratio = Ratio<TMath, TVector>(x, TP0, TP1, TP2, TP3, TP4, TQ1, TQ2, TQ3, TQ4);
        // |x| above the limit: ±1; a NaN fails the comparison and keeps the ratio's NaN.
        return TMath.SelectWhereAbove(TMath.Abs(x), TMath.Broadcast(TanhLimit), TMath.CopySign(TMath.Broadcast(1f), x), ratio);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector Sigmoid<TMath, TVector>(TVector x)
        where TMath : struct, IFastMath<TVector>
        where TVector : struct
    {
        TVector half = TMath.Broadcast(0.5f);
        TVector ratio = TMath.Add(half, Ratio<TMath, TVector>(x, SP0, SP1, SP2, SP3, SP4, SQ1, SQ2, SQ3, SQ4));
        return TMath.SelectWhereAbove(TMath.Abs(x), TMath.Broadcast(SigmoidLimit), TMath.Add(half, TMath.CopySign(half, x)), ratio);
    }

    /// <summary>
    /// x · (p0 + p1 y + p2 y² + p3 y³ + p4 y⁴) / (1 + q1 y + q2 y² + q3 y³ + q4 y⁴), y = x², each polynomial in two levels
    /// of fused multiply-adds on y² (the chain is what a streamed step waits on).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Ratio<TMath, TVector>(TVector x, float p0, float p1, float p2, float p3, float p4, float q1, float q2, float q3, float q4)
        where TMath : struct, IFastMath<TVector>
        where TVector : struct
    {
        TVector y = TMath.Multiply(x, x);
        TVector y2 = TMath.Multiply(y, y);
        TVector pLow = TMath.MultiplyAdd(y, TMath.Broadcast(p1), TMath.Broadcast(p0));
        TVector pHigh = TMath.MultiplyAdd(y, TMath.Broadcast(p3), TMath.Broadcast(p2));
        TVector qLow = TMath.MultiplyAdd(y, TMath.Broadcast(q1), TMath.Broadcast(1f));
        TVector qHigh = TMath.MultiplyAdd(y, TMath.Broadcast(q3), TMath.Broadcast(q2));
        TVector p = TMath.MultiplyAdd(y2, TMath.MultiplyAdd(y2, TMath.Broadcast(p4), pHigh), pLow);
        TVector q = TMath.MultiplyAdd(y2, TMath.MultiplyAdd(y2, TMath.Broadcast(q4), qHigh), qLow);
        return TMath.Divide(TMath.Multiply(x, p), q);
    }
}

/// <summary>What <see cref="FastActivations"/> needs beyond <see cref="IElementMath{TVector}"/>, at every width including the scalar one.</summary>
internal interface IFastMath<TVector> : IElementMath<TVector>
    where TVector : struct
{
    static abstract TVector Abs(TVector a);

    /// <summary><paramref name="value"/>'s magnitude with <paramref name="sign"/>'s sign.</summary>
    static abstract TVector CopySign(TVector value, TVector sign);

    /// <summary>Lane by lane, <paramref name="ifAbove"/> where <c>a &gt; limit</c> (false for NaN), else <paramref name="otherwise"/>.</summary>
    static abstract TVector SelectWhereAbove(TVector a, TVector limit, TVector ifAbove, TVector otherwise);
}

/// <summary>The <see cref="IFastMath{TVector}"/> operations of every width.</summary>
internal static partial class Simd
{
#pragma warning disable CS1591 // each member is the vector operation of the same name
    internal readonly partial struct Scalar : IFastMath<float>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Abs(float a) => float.Abs(a);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float CopySign(float value, float sign) => float.CopySign(value, sign);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float SelectWhereAbove(float a, float limit, float ifAbove, float otherwise) => a > limit ? ifAbove : otherwise;
    }

    internal readonly partial struct Wide128 : IFastMath<Vector128<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Abs(Vector128<float> a) => Vector128.Abs(a);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> CopySign(Vector128<float> value, Vector128<float> sign) => Vector128.CopySign(value, sign);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> SelectWhereAbove(Vector128<float> a, Vector128<float> limit, Vector128<float> ifAbove, Vector128<float> otherwise) => Vector128.ConditionalSelect(Vector128.GreaterThan(a, limit), ifAbove, otherwise);
    }

    internal readonly partial struct Wide256 : IFastMath<Vector256<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> SelectWhereAbove(Vector256<float> a, Vector256<float> limit, Vector256<float> ifAbove, Vector256<float> otherwise) => Vector256.ConditionalSelect(Vector256.GreaterThan(a, limit), ifAbove, otherwise);
    }

    internal readonly partial struct Wide512 : IFastMath<Vector512<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> SelectWhereAbove(Vector512<float> a, Vector512<float> limit, Vector512<float> ifAbove, Vector512<float> otherwise) => Vector512.ConditionalSelect(Vector512.GreaterThan(a, limit), ifAbove, otherwise);
    }
#pragma warning restore CS1591
}
