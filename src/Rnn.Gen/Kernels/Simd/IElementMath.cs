namespace Rnn.Gen.Kernels;

/// <summary>
/// The element-wise arithmetic of one width, each operation one IEEE rounding (no fused multiply-add): what the
/// width-generic element-wise kernels (<see cref="Elementwise"/>) and the cells' activations compute with. The width
/// changes how many lanes, never what a lane computes: the <see cref="Simd.Scalar"/> width rounds as every vector lane.
/// </summary>
/// <typeparam name="TVector">The vector type, or <see cref="float"/> for the scalar width.</typeparam>
internal interface IElementMath<TVector> : ISimd<TVector>
    where TVector : struct
{
    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    static abstract TVector Negate(TVector a);

    /// <summary>The correctly rounded square root.</summary>
    static abstract TVector Sqrt(TVector a);

    /// <summary>IEEE 754-2019 maximum, as <see cref="System.MathF.Max(float, float)"/>: NaN if either is NaN, +0 above −0.</summary>
    static abstract TVector Maximum(TVector a, TVector b);

    /// <summary>IEEE 754-2019 minimum, as <see cref="System.MathF.Min(float, float)"/>: NaN if either is NaN, −0 below +0.</summary>
    static abstract TVector Minimum(TVector a, TVector b);
}
