using System;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Rnn.Gen.Kernels;
using Xunit;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// The dense kernels of <see cref="VectorKernels"/> and <see cref="MatrixKernels"/> against double-precision loops, at
/// every vector width this machine runs (the public methods use the widest; the internal overloads take the width, so
/// the narrower paths that other machines take run here too).
/// </summary>
public sealed class KernelTests
{
    public static TheoryData<string> Kernels => new(KernelCases.Names);

    public static TheoryData<string, int> KernelsAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in KernelCases.Names)
        {
            foreach (KernelWidth width in KernelCases.Widths())
            {
                data.Add(name, (int)width);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KernelsAndWidths))]
    public void Matches_a_double_precision_reference_and_writes_only_its_destination(string kernel, int lanes)
    {
        var width = (KernelWidth)lanes;
        int seed = 0;
        foreach (PreparedCase prepared in KernelCases.AllPrepared(kernel))
        {
            seed++;
            Expected[] expected = prepared.Expected;

            // Offsets that vary with the case, so spans start at every alignment.
            var ga = new GuardedBuffer(prepared.A, seed % 7, isDestination: false);
            var gb = new GuardedBuffer(prepared.B, seed % 5, isDestination: false);
            var gc = new GuardedBuffer(prepared.C, seed % 3, isDestination: true);
            prepared.Call.Call(ga.Span, gb.Span, gc.Span, width);

            string context = $"{prepared.Call} at {width}";
            gc.AssertGuardsIntact(context);
            float[] actual = gc.ToArray();
            for (int i = 0; i < actual.Length; i++)
            {
                double error = Math.Abs(actual[i] - expected[i].Value);
                if (!(error <= 1e-5 * expected[i].Magnitude + 1e-6))
                {
                    Assert.Fail($"{context}: element {i} is {actual[i]:R}, expected {expected[i].Value:R} (sum of magnitudes {expected[i].Magnitude:R}).");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_vector_width_gives_the_same_bits_where_each_element_is_one_fused_chain(string kernel)
    {
        // The promise holds where the hardware fuses multiply-adds in vectors and scalars alike (x86 FMA3, Arm64).
        if (!Fma.IsSupported && !AdvSimd.Arm64.IsSupported)
        {
            return;
        }

        foreach (PreparedCase prepared in KernelCases.AllPrepared(kernel).Where(p => p.Call.SameAtEveryWidth))
        {
            float[] scalar = (float[])prepared.C.Clone();
            prepared.Call.Call(prepared.A, prepared.B, scalar, KernelWidth.Scalar);
            foreach (KernelWidth width in KernelCases.Widths().Skip(1))
            {
                float[] actual = (float[])prepared.C.Clone();
                prepared.Call.Call(prepared.A, prepared.B, actual, width);
                GuardedBuffer.AssertSameBits(scalar, actual, $"{prepared.Call} at {width} against the scalar width");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Results_do_not_depend_on_where_the_spans_start(string kernel)
    {
        foreach (KernelCase call in KernelCases.Some(kernel))
        {
            float[] a = KernelCases.Values(call.ALength, 1), b = KernelCases.Values(call.BLength, 2), c = KernelCases.Values(call.CLength, 3);
            float[] first = (float[])c.Clone();
            call.Call(a, b, first, width: null);
            for (int offset = 1; offset < 16; offset++)
            {
                var ga = new GuardedBuffer(a, offset, isDestination: false);
                var gb = new GuardedBuffer(b, 15 - offset, isDestination: false);
                var gc = new GuardedBuffer(c, (offset * 7) % 16, isDestination: true);
                call.Call(ga.Span, gb.Span, gc.Span, width: null);
                gc.AssertGuardsIntact($"{call} at offset {offset}");
                GuardedBuffer.AssertSameBits(first, gc.ToArray(), $"{call} at offset {offset}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Spans_that_do_not_agree_throw_before_anything_is_written(string kernel)
    {
        foreach (KernelCase call in KernelCases.Some(kernel))
        {
            foreach ((int da, int db, int dc) in new[] { (1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1) })
            {
                if ((db != 0 && !call.TwoInputs) || call.ALength + da < 0 || call.BLength + db < 0 || call.CLength + dc < 0)
                {
                    continue;
                }

                float[] a = new float[call.ALength + da], b = new float[call.BLength + db], c = KernelCases.Values(call.CLength + dc, 4);
                float[] before = (float[])c.Clone();
                Exception error = Assert.ThrowsAny<ArgumentException>(() => call.Call(a, b, c, width: null));
                Assert.Contains("Expected", error.Message, StringComparison.Ordinal);
                GuardedBuffer.AssertSameBits(before, c, $"{call} with lengths off by ({da}, {db}, {dc})");
            }
        }
    }

    [Fact]
    public void Negative_sizes_throw()
    {
        float[] empty = [];
        Assert.ThrowsAny<ArgumentException>(() => MatrixKernels.MultiplyAdd(empty, empty, empty, -1, 0, 0));
        Assert.ThrowsAny<ArgumentException>(() => MatrixKernels.MultiplyAdd(empty, empty, empty, 0, -1, 0));
        Assert.ThrowsAny<ArgumentException>(() => MatrixKernels.TransposeMultiplyAdd(empty, empty, empty, 0, 0, -1));
        Assert.ThrowsAny<ArgumentException>(() => MatrixKernels.Transpose(empty, -2, 0, empty));
        Assert.ThrowsAny<ArgumentException>(() => MatrixKernels.AddRowSums(empty, -1, empty));

        // -2 × -3 = 6 elements would pass a check of the product alone.
        Assert.ThrowsAny<ArgumentException>(() => MatrixKernels.Transpose(new float[6], -2, -3, new float[6]));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernels_allocate_nothing(string kernel)
    {
        KernelCase[] calls = KernelCases.Some(kernel).ToArray();
        float[][] operands = calls.SelectMany(c => new[] { new float[c.ALength], new float[c.BLength], new float[c.CLength] }).ToArray();
        void RunAll()
        {
            for (int i = 0; i < calls.Length; i++)
            {
                calls[i].Call(operands[3 * i], operands[3 * i + 1], operands[3 * i + 2], width: null);
            }
        }

        // Warm up past tiered compilation (which may allocate on this thread), then take the fewest bytes of a few rounds.
        for (int i = 0; i < 100; i++)
        {
            RunAll();
        }

        long fewest = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                RunAll();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
    }

    [Fact]
    public void The_public_kernels_run_at_the_widest_accelerated_width()
    {
        Assert.Equal(KernelCases.Widths().Last(), Simd.Preferred);
    }
}
