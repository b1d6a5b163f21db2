using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Rnn.Gen.Kernels;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// The matrix–matrix kernels that batch a layer's work over time give the same bits as the per-step loops they replace
/// (where every element is the same chain of fused multiply-adds in the same order), so a model can switch to them
/// without its results moving. Holds where both sides fuse: x86 with AVX2 and FMA.
/// </summary>
public sealed class BatchedKernelTests
{
    private const int Steps = 37, Gates = 4 * 17, Features = 11;

    private static bool Fused => Vector256.IsHardwareAccelerated && Fma.IsSupported;

    [Fact]
    public void The_weight_gradient_over_time_equals_one_outer_product_per_step()
    {
        if (!Fused)
        {
            return;
        }

        float[] dGates = KernelCases.Values(Steps * Gates, 1), inputs = KernelCases.Values(Steps * Features, 2);
        float[] perStep = KernelCases.Values(Gates * Features, 3), batched = (float[])perStep.Clone();
        for (int t = 0; t < Steps; t++)
        {
            VectorKernels.OuterAdd(dGates.AsSpan(t * Gates, Gates), inputs.AsSpan(t * Features, Features), perStep);
        }

        MatrixKernels.TransposeMultiplyAdd(dGates, inputs, batched, Gates, Steps, Features);
        GuardedBuffer.AssertSameBits(perStep, batched, "dW");
    }

    [Fact]
    public void The_input_gradients_of_all_steps_equal_one_transpose_product_per_step()
    {
        if (!Fused)
        {
            return;
        }

        float[] dGates = KernelCases.Values(Steps * Gates, 4), weight = KernelCases.Values(Gates * Features, 5);
        float[] perStep = KernelCases.Values(Steps * Features, 6), batched = (float[])perStep.Clone();
        for (int t = 0; t < Steps; t++)
        {
            VectorKernels.TransposeMultiplyAdd(weight, dGates.AsSpan(t * Gates, Gates), perStep.AsSpan(t * Features, Features));
        }

        MatrixKernels.MultiplyAdd(dGates, weight, batched, Steps, Gates, Features);
        GuardedBuffer.AssertSameBits(perStep, batched, "dX");
    }

    [Fact]
    public void The_bias_gradient_over_time_equals_one_add_per_step()
    {
        float[] dGates = KernelCases.Values(Steps * Gates, 7);
        float[] perStep = KernelCases.Values(Gates, 8), batched = (float[])perStep.Clone();
        for (int t = 0; t < Steps; t++)
        {
            VectorKernels.Add(dGates.AsSpan(t * Gates, Gates), perStep);
        }

        MatrixKernels.AddRowSums(dGates, Steps, batched);
        GuardedBuffer.AssertSameBits(perStep, batched, "db");
    }

    [Fact]
    public void The_input_projection_of_all_steps_equals_one_packed_product_per_step()
    {
        float[] inputs = KernelCases.Values(Steps * Features, 9), weight = KernelCases.Values(Gates * Features, 10);
        float[] packed = new float[Features * Gates];
        MatrixKernels.Transpose(weight, Gates, Features, packed);
        float[] perStep = KernelCases.Values(Steps * Gates, 11), batched = (float[])perStep.Clone();
        for (int t = 0; t < Steps; t++)
        {
            VectorKernels.MultiplyAddPacked(packed, inputs.AsSpan(t * Features, Features), perStep.AsSpan(t * Gates, Gates));
        }

        MatrixKernels.MultiplyAdd(inputs, packed, batched, Steps, Features, Gates);
        GuardedBuffer.AssertSameBits(perStep, batched, "gates");
    }
}
