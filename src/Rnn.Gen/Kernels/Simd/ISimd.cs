namespace Rnn.Gen.Kernels;

/// <summary>
/// The operations the register-blocked kernels need, for one vector type: written once, generic over these, and
/// compiled by the JIT into separate code per width (static abstract calls on a struct are direct and inlined).
/// </summary>
/// <typeparam name="TVector">The vector type, or <see cref="float"/> for the scalar width.</typeparam>
internal interface ISimd<TVector>
    where TVector : struct
{
    /// <summary>The float lanes of a vector.</summary>
    static abstract int Count { get; }

    /// <summary>The vector at <paramref name="source"/> + <paramref name="offset"/> floats (no alignment needed).</summary>
    static abstract TVector Load(ref float source, nuint offset);

    /// <summary>Stores <paramref name="value"/> at <paramref name="destination"/> + <paramref name="offset"/> floats.</summary>
    static abstract void Store(TVector value, ref float destination, nuint offset);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TVector Broadcast(float value);

    /// <summary>
    /// <c>a · b + addend</c> in each lane, fused (one rounding) where the hardware fuses, as x86 with FMA3 and Arm64
    /// do; the scalar width does the same, so a lane rounds as a scalar would.
    /// </summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector addend);
}
