using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>The widths the hardware accelerates, and the one the public kernels use.</summary>
internal static partial class Simd
{
    /// <summary>
    /// The widest width, up to <paramref name="width"/>, whose vectors tile runs of <paramref name="run"/> floats from
    /// their starts: 16 lanes when a run is a multiple of 16, else at most 8. A recurrent step's product writes the
    /// gates and the cell kernel reads them straight back, one gate (a run of H) at a time, in 16 lanes only when H is
    /// a multiple of 16. Stored in the vectors the cell loads, each load finds its value in one store, and a small
    /// cell's step has no 512-bit instruction at all, which on this machine slows the 256-bit chains beside it (a
    /// dependent chain of 256-bit adds ran 1.4–1.8 times slower beside independent 512-bit multiply-adds). A
    /// streaming LSTM step with H = 8, its gates stored in 16 lanes and read in 8: 110 ns; in 8 lanes: 85 ns.
    /// </summary>
    internal static KernelWidth RunWidth(KernelWidth width, int run) =>
        width >= KernelWidth.Vector512 && run % 16 != 0 ? KernelWidth.Vector256 : width;

    /// <summary>The widest accelerated width: a JIT-time constant once this class is initialized.</summary>
    internal static readonly KernelWidth Preferred =
        Vector512.IsHardwareAccelerated ? KernelWidth.Vector512
        : Vector256.IsHardwareAccelerated ? KernelWidth.Vector256
        : Vector128.IsHardwareAccelerated ? KernelWidth.Vector128
        : KernelWidth.Scalar;

    /// <summary><see cref="Vector512{T}"/> of float.</summary>
    internal readonly partial struct Wide512 : ISimd<Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) => Vector512.MultiplyAddEstimate(a, b, addend);
    }

    /// <summary><see cref="Vector256{T}"/> of float.</summary>
    internal readonly partial struct Wide256 : ISimd<Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) => Vector256.MultiplyAddEstimate(a, b, addend);
    }

    /// <summary><see cref="Vector128{T}"/> of float.</summary>
    internal readonly partial struct Wide128 : ISimd<Vector128<float>>
    {
        public static int Count => Vector128<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) => Vector128.MultiplyAddEstimate(a, b, addend);
    }

    /// <summary>One float as a vector of one lane: the scalar width, and the last few elements at every width.</summary>
    internal readonly partial struct Scalar : ISimd<float>
    {
        public static int Count => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Broadcast(float value) => value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float MultiplyAdd(float a, float b, float addend) => float.MultiplyAddEstimate(a, b, addend);
    }
}
