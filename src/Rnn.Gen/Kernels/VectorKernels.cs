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
/// The dense linear-algebra kernels that generated models call with literal sizes. Vectorized with the widest of
/// <see cref="Vector512"/>, <see cref="Vector256"/> and <see cref="Vector128"/> that the hardware accelerates, scalar
/// for the tails and where none is.
/// </summary>
/// <remarks>
/// Matrices are row-major, as PyTorch's. The kernels check that the spans agree, then never check again; they do not
/// allocate, and on a given machine their results depend on the sizes alone, not on where the spans start.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class VectorKernels
{
    /// <summary><c>y[r] += Σ_c w[r, c] · x[c]</c> for a <c>[y.Length, x.Length]</c> matrix <paramref name="w"/>.</summary>
    /// <remarks>
    /// The dot form, for a weight in PyTorch's layout: each row is summed in vector lanes, then reduced. Where the same
    /// weight multiplies many vectors, packing it once with
    /// <see cref="MatrixKernels.Transpose(ReadOnlySpan{float}, int, int, Span{float})"/> and calling
    /// <see cref="MultiplyAddPacked(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> is faster.
    /// </remarks>
    public static void MultiplyAdd(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y) => MultiplyAdd(w, x, y, Simd.Preferred);

    /// <summary><see cref="MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> at a given vector width (tests run each).</summary>
    internal static void MultiplyAdd(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, KernelWidth width)
    {
        int rows = y.Length, cols = x.Length;
        CheckMatrix(w.Length, rows, cols);
        DotRows(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), rows, cols, width);
    }

    /// <summary>
    /// <c>y[r] += Σ_c wt[c, r] · x[c]</c> for <paramref name="wt"/> a <c>[x.Length, y.Length]</c> matrix: the
    /// transpose of a PyTorch <c>[y.Length, x.Length]</c> weight, packed once with
    /// <see cref="MatrixKernels.Transpose(ReadOnlySpan{float}, int, int, Span{float})"/>.
    /// </summary>
    /// <remarks>
    /// The matrix–vector product of every recurrent step. In this layout y is summed lane by lane: a block of 8 vectors
    /// of y (16 with AVX-512) stays in registers while each x[c] is broadcast and multiplied into row c of the block, so
    /// there is no horizontal reduction, and y is loaded and stored once. Each y[r] is one chain of fused multiply-adds
    /// over c in order, the same at every vector width.
    /// </remarks>
    public static void MultiplyAddPacked(ReadOnlySpan<float> wt, ReadOnlySpan<float> x, Span<float> y) => MultiplyAddPacked(wt, x, y, 1, Simd.Preferred);

    /// <summary>
    /// <see cref="MultiplyAddPacked(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> into the pre-activations
    /// of a cell's <paramref name="gates"/> gates (4 for an LSTM, 3 for a GRU), which a <see cref="CellKernels"/> cell
    /// reads next: y is stored in the vectors the cell loads each gate in, 16 lanes only when a gate's length is a
    /// multiple of 16 (a streaming LSTM step with H = 8: 110 ns with its gates stored in 16 lanes, 85 in 8). The same
    /// sums.
    /// </summary>
    public static void MultiplyAddPacked(ReadOnlySpan<float> wt, ReadOnlySpan<float> x, Span<float> y, int gates) => MultiplyAddPacked(wt, x, y, gates, Simd.Preferred);

    /// <summary><see cref="MultiplyAddPacked(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> at a given vector width.</summary>
    internal static void MultiplyAddPacked(ReadOnlySpan<float> wt, ReadOnlySpan<float> x, Span<float> y, KernelWidth width) => MultiplyAddPacked(wt, x, y, 1, width);

    /// <summary><see cref="MultiplyAddPacked(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> at a given vector width.</summary>
    internal static void MultiplyAddPacked(ReadOnlySpan<float> wt, ReadOnlySpan<float> x, Span<float> y, int gates, KernelWidth width)
    {
        int rows = y.Length, cols = x.Length;
        CheckMatrix(wt.Length, cols, rows);
        CheckGates(rows, gates);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        RegisterBlocks.MatrixVector(ref MemoryMarshal.GetReference(wt), rows, ref MemoryMarshal.GetReference(x), 1, ref y0, ref y0, cols, rows, rows / gates, width);
    }

    /// <summary>
    /// <c>y[r] = bias[r] + Σ_c wt[c, r] · x[c]</c>, the pre-activations of a cell's <paramref name="gates"/> gates (1
    /// for a plain affine map): <see cref="MultiplyAddPacked(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/>
    /// with the sums started from <paramref name="bias"/> where it lies, the same chains as copying the bias into y first.
    /// </summary>
    /// <remarks>
    /// A streaming step's pre-activations. Copying the bias and then loading it back as the sums' start makes the step
    /// wait: the copy's stores and the product's loads are not the same vectors, and a load that spans two stores
    /// cannot take its value from the store buffer; it waits until the stores are written to the cache (a store and
    /// load back took about 6 ns longer here when the load spanned two stores). A streaming GRU step with H = 8: 95 ns
    /// with the copy, 75 without.
    /// </remarks>
    public static void AffinePacked(ReadOnlySpan<float> bias, ReadOnlySpan<float> wt, ReadOnlySpan<float> x, Span<float> y, int gates) => AffinePacked(bias, wt, x, y, gates, Simd.Preferred);

    /// <summary><see cref="AffinePacked(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> at a given vector width.</summary>
    internal static void AffinePacked(ReadOnlySpan<float> bias, ReadOnlySpan<float> wt, ReadOnlySpan<float> x, Span<float> y, int gates, KernelWidth width)
    {
        int rows = y.Length, cols = x.Length;
        CheckSame(bias.Length, rows);
        CheckMatrix(wt.Length, cols, rows);
        CheckGates(rows, gates);
        RegisterBlocks.MatrixVector(ref MemoryMarshal.GetReference(wt), rows, ref MemoryMarshal.GetReference(x), 1, ref MemoryMarshal.GetReference(bias), ref MemoryMarshal.GetReference(y), cols, rows, rows / gates, width);
    }

    /// <summary><c>dx[c] += Σ_r w[r, c] · dy[r]</c>: the transpose product used to send gradients back.</summary>
    /// <remarks>
    /// <paramref name="w"/> is <c>[dy.Length, dx.Length]</c>, which is already the packed layout of
    /// <see cref="MultiplyAddPacked(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> for this product: a block
    /// of dx stays in registers while each dy[r] is broadcast and multiplied into row r, and dx is loaded and stored once.
    /// </remarks>
    public static void TransposeMultiplyAdd(ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx) => TransposeMultiplyAdd(w, dy, dx, Simd.Preferred);

    /// <summary><see cref="TransposeMultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> at a given vector width.</summary>
    internal static void TransposeMultiplyAdd(ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx, KernelWidth width)
    {
        int rows = dy.Length, cols = dx.Length;
        CheckMatrix(w.Length, rows, cols);
        RegisterBlocks.MatrixVector(ref MemoryMarshal.GetReference(w), cols, ref MemoryMarshal.GetReference(dy), 1, ref MemoryMarshal.GetReference(dx), rows, cols, width);
    }

    /// <summary>
    /// <c>y[r] += Σ_c w[r·cols + c] · x[c]</c> for <c>r &lt; rows</c>, in dot form: four rows at a time where AVX and
    /// FMA are there (Vector256; a Vector512 variant measured no faster: the rows stream from L2 either way), one row at
    /// a time otherwise.
    /// </summary>
    internal static void DotRows(ref float w, ref float x, ref float y, int rows, int cols, KernelWidth width)
    {
        if (cols == 1)
        {
            // A single column is contiguous: y += w · x0, vectorized down the rows.
            TensorPrimitives.MultiplyAdd(MemoryMarshal.CreateReadOnlySpan(ref w, rows), x, MemoryMarshal.CreateSpan(ref y, rows), MemoryMarshal.CreateSpan(ref y, rows));
            return;
        }

        int r = 0;
        if (width >= KernelWidth.Vector256 && Avx.IsSupported && Fma.IsSupported && cols >= Vector256<float>.Count)
        {
            // Four rows at a time: each chunk of x is loaded once for the four rows, and the four sums are reduced
            // together by horizontal adds into one Vector128 instead of four separate reductions.
            for (; r <= rows - 4; r += 4)
            {
                Vector128<float> sums = Dot4(ref Unsafe.Add(ref w, (nint)r * cols), cols, ref x);
                (Vector128.LoadUnsafe(ref y, (nuint)r) + sums).StoreUnsafe(ref y, (nuint)r);
            }
        }

        for (; r < rows; r++)
        {
            Unsafe.Add(ref y, r) += Dot(ref Unsafe.Add(ref w, (nint)r * cols), ref x, cols, width);
        }
    }

    /// <summary>The dot products of four consecutive rows (row stride <paramref name="cols"/>) with <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Dot4(ref float w, int cols, ref float x)
    {
        ref float w1 = ref Unsafe.Add(ref w, cols);
        ref float w2 = ref Unsafe.Add(ref w, 2 * cols);
        ref float w3 = ref Unsafe.Add(ref w, 3 * cols);
        Vector256<float> a0 = Vector256<float>.Zero, a1 = Vector256<float>.Zero, a2 = Vector256<float>.Zero, a3 = Vector256<float>.Zero;
        int c = 0;
        for (; c <= cols - Vector256<float>.Count; c += Vector256<float>.Count)
        {
            Vector256<float> xc = Vector256.LoadUnsafe(ref x, (nuint)c);
            a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)c), xc, a0);
            a1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w1, (nuint)c), xc, a1);
            a2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w2, (nuint)c), xc, a2);
            a3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w3, (nuint)c), xc, a3);
        }

        // [a0, a1, a2, a3] -> per-row sums: three horizontal adds, then the two 128-bit halves.
        Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
        Vector128<float> sums = h.GetLower() + h.GetUpper();
        if (c < cols)
        {
            float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
            for (; c < cols; c++)
            {
                float xc = Unsafe.Add(ref x, c);
                t0 = MathF.FusedMultiplyAdd(Unsafe.Add(ref w, c), xc, t0);
                t1 = MathF.FusedMultiplyAdd(Unsafe.Add(ref w1, c), xc, t1);
                t2 = MathF.FusedMultiplyAdd(Unsafe.Add(ref w2, c), xc, t2);
                t3 = MathF.FusedMultiplyAdd(Unsafe.Add(ref w3, c), xc, t3);
            }

            sums += Vector128.Create(t0, t1, t2, t3);
        }

        return sums;
    }

    /// <summary><c>dw[r, c] += dy[r] · x[c]</c>: the outer product that accumulates a weight gradient.</summary>
    public static void OuterAdd(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw)
    {
        int rows = dy.Length, cols = x.Length;
        CheckMatrix(dw.Length, rows, cols);
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float dw0 = ref MemoryMarshal.GetReference(dw);
        for (int r = 0; r < rows; r++)
        {
            float scale = dy[r];
            if (scale != 0f)
            {
                Axpy(scale, ref x0, ref Unsafe.Add(ref dw0, r * cols), cols);
            }
        }
    }

    /// <summary><c>y[i] += x[i]</c>.</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckSame(x.Length, y.Length);
        TensorPrimitives.Add(x, y, y);
    }

    /// <summary><c>result[i] = x[i] · y[i]</c>; <paramref name="result"/> may be <paramref name="x"/> or <paramref name="y"/>.</summary>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> result)
    {
        CheckSame(x.Length, y.Length);
        CheckSame(x.Length, result.Length);
        TensorPrimitives.Multiply(x, y, result);
    }

    /// <summary>In place logistic sigmoid.</summary>
    public static void Sigmoid(Span<float> values) => TensorPrimitives.Sigmoid(values, values);

    /// <summary>In place hyperbolic tangent.</summary>
    public static void Tanh(Span<float> values) => TensorPrimitives.Tanh(values, values);

    /// <summary>In place max(0, x).</summary>
    public static void Relu(Span<float> values) => TensorPrimitives.Max(values, 0f, values);

    /// <summary>In place softmax over all of <paramref name="values"/>, shifted by the maximum for stability.</summary>
    public static void Softmax(Span<float> values)
    {
        float max = TensorPrimitives.Max(values);
        TensorPrimitives.Subtract(values, max, values);
        TensorPrimitives.Exp(values, values); // vectorized: a 4,000-word head's softmax was a third of a decoder's forward pass with MathF.Exp
        float sum = TensorPrimitives.Sum(values);
        TensorPrimitives.Multiply(values, 1f / sum, values);
    }

    /// <summary>
    /// The softmax backward product, in place: <c>g[i] = y[i] · (g[i] − Σ_j g[j] y[j])</c>, where <paramref name="y"/>
    /// is the softmax output and <paramref name="gradient"/> holds dL/dy on entry and dL/dz on return.
    /// </summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, Span<float> gradient) => SoftmaxBackward(y, gradient, gradient);

    /// <summary>
    /// The softmax backward product from <paramref name="outputGradient"/> (dL/dy) into <paramref name="gradient"/>
    /// (dL/dz), <c>dz[i] = y[i] · (dy[i] − Σ_j dy[j] y[j])</c>: the in-place form when both are the same span, and
    /// without a copy of dL/dy otherwise (a batch's head reads the caller's gradient rows directly).
    /// <paramref name="gradient"/> is <paramref name="outputGradient"/> itself or overlaps neither input.
    /// </summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> outputGradient, Span<float> gradient)
    {
        CheckSame(y.Length, outputGradient.Length);
        CheckSame(y.Length, gradient.Length);
        float dot = TensorPrimitives.Dot(y, outputGradient);
        TensorPrimitives.AddMultiply(outputGradient, -dot, y, gradient); // (g + (−dot)) · y: g − dot rounded, then times y, each element as the scalar loop rounds it
    }

    /// <summary>One dot product, in two Vector256 or one Vector128 accumulator as the width allows, the rest scalar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot(ref float a, ref float b, int length, KernelWidth width)
    {
        int i = 0;
        float sum = 0f;
        if (width >= KernelWidth.Vector256 && length >= Vector256<float>.Count)
        {
            Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
            for (; i <= length - 2 * Vector256<float>.Count; i += 2 * Vector256<float>.Count)
            {
                acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i), acc0);
                acc1 = Vector256.MultiplyAddEstimate(
                    Vector256.LoadUnsafe(ref a, (nuint)(i + Vector256<float>.Count)),
                    Vector256.LoadUnsafe(ref b, (nuint)(i + Vector256<float>.Count)),
                    acc1);
            }

            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i), acc0);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }
        else if (width >= KernelWidth.Vector128 && length >= Vector128<float>.Count)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                acc = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, (nuint)i), Vector128.LoadUnsafe(ref b, (nuint)i), acc);
            }

            sum = Vector128.Sum(acc);
        }

        for (; i < length; i++)
        {
            sum = float.MultiplyAddEstimate(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i), sum);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy(float scale, ref float x, ref float y, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            Vector256<float> s = Vector256.Create(scale);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(s, Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i))
                    .StoreUnsafe(ref y, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
        {
            Vector128<float> s = Vector128.Create(scale);
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                (s * Vector128.LoadUnsafe(ref x, (nuint)i) + Vector128.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = MathF.FusedMultiplyAdd(scale, Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
        }
    }

    // The checks are inlined into each kernel and their throws are not (a streaming step of a small model makes a
    // dozen kernel calls, where a call per check measured a few percent of the step).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckMatrix(int length, int rows, int cols)
    {
        if (length != rows * cols)
        {
            ThrowMatrix(length, rows, cols);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckSame(int a, int b)
    {
        if (a != b)
        {
            ThrowNotSame(a, b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckGates(int rows, int gates)
    {
        if (gates < 1 || rows % gates != 0)
        {
            ThrowGates(rows, gates);
        }
    }

    [DoesNotReturn]
    private static void ThrowGates(int rows, int gates) =>
        throw new ArgumentOutOfRangeException(nameof(gates), gates, $"Expected a positive number of gates that divides the {rows} rows of y.");

    [DoesNotReturn]
    private static void ThrowMatrix(int length, int rows, int cols) =>
        throw new ArgumentException($"Expected a [{rows}, {cols}] matrix of {rows * cols} elements, got {length} elements.");

    [DoesNotReturn]
    private static void ThrowNotSame(int a, int b) => throw new ArgumentException($"Expected spans of equal length, got {a} and {b}.");
}
