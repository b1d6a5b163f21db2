using System.Runtime.CompilerServices;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The operands of a register-tiled product <c>c(i, j) = init(i, j) + Σ_t a(i, t) · b[t, j] + Σ_u a2(i, u) · b2[u, j]</c>:
/// <c>a(i, t) = A[i·ARowStride + t·AStepStride]</c>, <c>a2(i, u) = A2[i·A2RowStride + u]</c>, b and b2 with rows of the
/// product's n columns, init rows <see cref="LdInit"/> apart (0: one row for all). With init = c it is <c>c +=</c>; with
/// <see cref="K2"/> = 0 the second source is not read. Each element is one chain of fused multiply-adds from init, over
/// t, then over u.
/// </summary>
internal readonly ref struct TileSources
{
    public readonly ref float A;
    public readonly nint ARowStride;
    public readonly nint AStepStride;
    public readonly ref float B;
    public readonly int K;
    public readonly ref float A2;
    public readonly nint A2RowStride;
    public readonly ref float B2;
    public readonly int K2;
    public readonly ref float Init;
    public readonly nint LdInit;

    /// <summary>One source, added to <paramref name="init"/>.</summary>
    public TileSources(ref float a, nint aRowStride, nint aStepStride, ref float b, int k, ref float init, nint ldInit)
        : this(ref a, aRowStride, aStepStride, ref b, k, ref a, 0, ref b, 0, ref init, ldInit)
    {
    }

    /// <summary>Two sources, the second row-major.</summary>
    public TileSources(ref float a, nint aRowStride, nint aStepStride, ref float b, int k, ref float a2, nint a2RowStride, ref float b2, int k2, ref float init, nint ldInit)
    {
        A = ref a;
        ARowStride = aRowStride;
        AStepStride = aStepStride;
        B = ref b;
        K = k;
        A2 = ref a2;
        A2RowStride = a2RowStride;
        B2 = ref b2;
        K2 = k2;
        Init = ref init;
        LdInit = ldInit;
    }

    /// <summary>The operands of the product's columns from <paramref name="j"/> on.</summary>
    public TileSources Columns(int j) =>
        new(ref A, ARowStride, AStepStride, ref Unsafe.Add(ref B, j), K, ref A2, A2RowStride, ref Unsafe.Add(ref B2, j), K2, ref Unsafe.Add(ref Init, j), LdInit);

    /// <summary>The operands of the product's rows from <paramref name="i"/> on.</summary>
    public TileSources Rows(int i) =>
        new(ref Unsafe.Add(ref A, i * ARowStride), ARowStride, AStepStride, ref B, K, ref Unsafe.Add(ref A2, i * A2RowStride), A2RowStride, ref B2, K2, ref Unsafe.Add(ref Init, i * LdInit), LdInit);
}
