using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The cells' activations one vector at a time, for the unrolled streaming step that the generator writes for small
/// recurrent layers (H ≤ 16, I ≤ 16): inlined into the step, they compute exactly what <see cref="CellKernels"/> computes
/// for the same hidden units, so the unrolled step's outputs are the general path's, bit for bit.
/// </summary>
/// <remarks>
/// <see cref="CellKernels"/> activates whole vectors of 8 units (16 when H is a multiple of 16) with its own vector
/// exponential, and the units past the last whole vector of 8 with <see cref="System.MathF.Exp"/> and
/// <see cref="System.MathF.Tanh"/>. The unrolled step keeps that split: its 256- and 512-bit chunks call the vector
/// functions here, its 128-bit and scalar chunks (the units past the last whole 8) the per-lane scalar ones.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StepMath
{
    /// <summary>1 / (1 + e^-x) in each lane, as <see cref="CellKernels"/>'s vectors compute it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => CellKernels.Sigmoid(x);

    /// <summary>tanh x in each lane, as <see cref="CellKernels"/>'s vectors compute it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => CellKernels.Tanh(x);

    /// <summary>1 / (1 + e^-x) in each lane, as <see cref="CellKernels"/>'s vectors compute it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => CellKernels.Sigmoid(x);

    /// <summary>tanh x in each lane, as <see cref="CellKernels"/>'s vectors compute it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => CellKernels.Tanh(x);

    /// <summary>1 / (1 + e^-x), as <see cref="CellKernels"/> computes the units past its last whole vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => CellKernels.Sigmoid(x);

    /// <summary>tanh x, as <see cref="CellKernels"/> computes the units past its last whole vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => CellKernels.Tanh(x);

    /// <summary><see cref="Sigmoid(float)"/> in each of four lanes: the 128-bit chunk of an unrolled step, past the last whole vector of 8 units.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SigmoidLanes(Vector128<float> x) =>
        Vector128.Create(CellKernels.Sigmoid(x.GetElement(0)), CellKernels.Sigmoid(x.GetElement(1)), CellKernels.Sigmoid(x.GetElement(2)), CellKernels.Sigmoid(x.GetElement(3)));

    /// <summary><see cref="Tanh(float)"/> in each of four lanes: the 128-bit chunk of an unrolled step, past the last whole vector of 8 units.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> TanhLanes(Vector128<float> x) =>
        Vector128.Create(CellKernels.Tanh(x.GetElement(0)), CellKernels.Tanh(x.GetElement(1)), CellKernels.Tanh(x.GetElement(2)), CellKernels.Tanh(x.GetElement(3)));
}
