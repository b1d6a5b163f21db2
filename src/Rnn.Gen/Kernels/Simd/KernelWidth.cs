namespace Rnn.Gen.Kernels;

/// <summary>The vector width a kernel runs at, in float lanes. The public kernels use <see cref="Simd.Preferred"/>; tests run every width the machine has.</summary>
internal enum KernelWidth
{
    /// <summary>One float at a time.</summary>
    Scalar = 1,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector128{T}"/>: 4 floats.</summary>
    Vector128 = 4,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector256{T}"/>: 8 floats.</summary>
    Vector256 = 8,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector512{T}"/>: 16 floats.</summary>
    Vector512 = 16,
}
