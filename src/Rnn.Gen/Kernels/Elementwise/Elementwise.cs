using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// One pass of a multi-step element-wise update (an optimizer's step: several buffers read, several written, each
/// element on its own), written once over <see cref="IElementMath{TVector}"/>: <see cref="Run{TMath, TVector}"/> does
/// the whole vectors of one width from index <c>i</c> on and returns the first index left.
/// </summary>
/// <remarks>
/// For updates that <see cref="System.Numerics.Tensors.TensorPrimitives"/> would need several passes over memory for
/// (and a scratch buffer); single-operation passes use <see cref="System.Numerics.Tensors.TensorPrimitives"/> directly.
/// </remarks>
internal interface IElementwise
{
    /// <summary>Elements <paramref name="i"/> up to the last whole vector of <typeparamref name="TMath"/> below <paramref name="n"/>; returns the first element not done.</summary>
    int Run<TMath, TVector>(int i, int n)
        where TMath : struct, IElementMath<TVector>
        where TVector : struct;
}

/// <summary>Runs an <see cref="IElementwise"/> pass over all its elements.</summary>
internal static class Elementwise
{
    /// <summary>
    /// Elements 0 to <paramref name="n"/> of <paramref name="kernel"/>: whole vectors at <paramref name="width"/>, the
    /// rest at each narrower width down to the scalar one. Every element is computed the same at every width.
    /// </summary>
    internal static void Run<TKernel>(scoped ref TKernel kernel, int n, KernelWidth width)
        where TKernel : struct, IElementwise, allows ref struct
    {
        int i = 0;
        if (width >= KernelWidth.Vector512)
        {
            i = kernel.Run<Simd.Wide512, Vector512<float>>(i, n);
        }

        if (width >= KernelWidth.Vector256)
        {
            i = kernel.Run<Simd.Wide256, Vector256<float>>(i, n);
        }

        if (width >= KernelWidth.Vector128)
        {
            i = kernel.Run<Simd.Wide128, Vector128<float>>(i, n);
        }

        kernel.Run<Simd.Scalar, float>(i, n);
    }

    /// <summary><see cref="Run{TKernel}(ref TKernel, int, KernelWidth)"/> at <see cref="Simd.Preferred"/>.</summary>
    internal static void Run<TKernel>(scoped ref TKernel kernel, int n)
        where TKernel : struct, IElementwise, allows ref struct =>
        Run(ref kernel, n, Simd.Preferred);
}
