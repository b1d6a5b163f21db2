using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using Rnn.Gen.Kernels;

namespace Rnn.Gen.Tests.Kernels;

/// <summary>
/// Calls a kernel on <c>a</c>, <c>b</c> (empty where the kernel has one input) and the destination <c>c</c>, at the
/// given vector width, or through the public method when the width is null.
/// </summary>
internal delegate void KernelCall(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, KernelWidth? width);

/// <summary>The exact sum of a destination element in double, and the sum of the magnitudes of its terms (for the tolerance).</summary>
internal readonly record struct Expected(double Value, double Magnitude);

/// <summary>One kernel at one set of sizes: operand lengths, the call, and a double-precision reference.</summary>
/// <param name="Name">The kernel and its sizes, for messages.</param>
/// <param name="SameAtEveryWidth">Whether each element is one fused chain in a fixed order, so every width gives the same bits.</param>
/// <param name="TwoInputs">False where the kernel has no <c>b</c> (its length is then 0 and not checked).</param>
internal sealed record KernelCase(
    string Name, int ALength, int BLength, int CLength, KernelCall Call, Func<float[], float[], float[], Expected[]> Reference, bool SameAtEveryWidth,
    bool TwoInputs = true)
{
    public override string ToString() => Name;
}

/// <summary>A case with its seeded operands and, computed once, its reference.</summary>
internal sealed class PreparedCase(KernelCase call, int seed)
{
    private Expected[]? expected;

    public KernelCase Call { get; } = call;

    public float[] A { get; } = KernelCases.Values(call.ALength, seed);

    public float[] B { get; } = KernelCases.Values(call.BLength, seed + 1000);

    public float[] C { get; } = KernelCases.Values(call.CLength, seed + 2000);

    public Expected[] Expected => expected ??= Call.Reference(A, B, C);
}

/// <summary>The kernels under test, the sizes each is tested at, and the widths this machine runs.</summary>
internal static class KernelCases
{
    private static readonly ConcurrentDictionary<string, PreparedCase[]> Prepared = new();

    /// <summary>Every case of a kernel (<see cref="All"/>) with its operands, made once and shared by the tests.</summary>
    public static PreparedCase[] AllPrepared(string name) =>
        Prepared.GetOrAdd(name, n => All(n).Select((call, i) => new PreparedCase(call, seed: i + 1)).ToArray());

    /// <summary>Every size a dimension is tested at: the edges of each vector width and block, and the model sizes.</summary>
    public static readonly int[] Sizes = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 127, 128, 200, 256, 512];

    /// <summary>The kernels by name.</summary>
    public static readonly string[] Names =
        ["VectorKernels.MultiplyAdd", "VectorKernels.MultiplyAddPacked", "VectorKernels.TransposeMultiplyAdd", "MatrixKernels.Transpose",
         "MatrixKernels.MultiplyAdd", "MatrixKernels.TransposeMultiplyAdd", "MatrixKernels.AddRowSums"];

    /// <summary>The widths this machine accelerates, and the scalar one (which every machine runs for its tails).</summary>
    public static IEnumerable<KernelWidth> Widths()
    {
        yield return KernelWidth.Scalar;
        if (Vector128.IsHardwareAccelerated)
        {
            yield return KernelWidth.Vector128;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            yield return KernelWidth.Vector256;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            yield return KernelWidth.Vector512;
        }
    }

    /// <summary>Every case of a kernel: all pairs of <see cref="Sizes"/> for the matrix–vector kernels, a cross product with bounded work for the matrix–matrix ones.</summary>
    public static IEnumerable<KernelCase> All(string name) =>
        Cases(name, from r in Sizes from c in Sizes select (r, c), Triples());

    /// <summary>A few cases of a kernel, with sizes that are no multiple of any vector, for the tests that need not run every size.</summary>
    public static IEnumerable<KernelCase> Some(string name) => Cases(name, [(17, 33), (65, 9), (3, 200)], [(7, 33, 17), (65, 9, 3), (100, 16, 65)]);

    private static IEnumerable<KernelCase> Cases(string name, IEnumerable<(int, int)> pairs, IEnumerable<(int M, int K, int N)> triples) => name switch
    {
        "VectorKernels.MultiplyAdd" => pairs.Select(p => DotForm(p.Item1, p.Item2)),
        "VectorKernels.MultiplyAddPacked" => pairs.Select(p => Packed(p.Item1, p.Item2)),
        "VectorKernels.TransposeMultiplyAdd" => pairs.Select(p => VectorTranspose(p.Item1, p.Item2)),
        "MatrixKernels.Transpose" => pairs.Select(p => Transpose(p.Item1, p.Item2)),
        "MatrixKernels.MultiplyAdd" => triples.Select(t => MatrixMultiply(t.M, t.K, t.N)),
        "MatrixKernels.TransposeMultiplyAdd" => triples.Select(t => MatrixTransposeMultiply(t.M, t.K, t.N)),
        "MatrixKernels.AddRowSums" => pairs.Select(p => RowSums(p.Item1, p.Item2)),
        _ => throw new ArgumentException($"No kernel named {name}.", nameof(name)),
    };

    /// <summary>
    /// All triples of the sizes up to 33; each larger size on each dimension with small sizes on the other two; and the
    /// shapes a model uses (time steps × features × gates).
    /// </summary>
    private static IEnumerable<(int M, int K, int N)> Triples()
    {
        int[] small = Sizes.Where(s => s <= 33).ToArray();
        int[] others = [1, 3, 8, 17];
        var triples = new List<(int, int, int)>(from m in small from k in small from n in small select (m, k, n));
        foreach (int large in Sizes.Where(s => s > 33))
        {
            foreach (int p in others)
            {
                foreach (int q in others)
                {
                    triples.AddRange([(large, p, q), (p, large, q), (p, q, large)]);
                }
            }
        }

        triples.AddRange([(50, 8, 256), (100, 16, 512), (50, 256, 8), (100, 512, 16), (100, 128, 128), (256, 50, 8), (512, 100, 1),
            (512, 100, 3), (256, 50, 6), (32, 100, 9), (200, 64, 200), (1, 512, 512),
            (18, 9, 16), (22, 7, 33), (23, 17, 8), (700, 5, 3)]); // row remainders 6, 10 and 11; more rows than a column chunk
        return triples;
    }

    /// <summary>Seeded values in [−1, 1].</summary>
    public static float[] Values(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    private static KernelCase DotForm(int rows, int cols) => new(
        $"VectorKernels.MultiplyAdd [{rows}, {cols}] ({rows}, {cols})", rows * cols, cols, rows,
        (a, b, c, width) =>
        {
            if (width is { } w) VectorKernels.MultiplyAdd(a, b, c, w);
            else VectorKernels.MultiplyAdd(a, b, c);
        },
        (w, x, y) => Product(y, rows, 1, cols, (r, _, t) => (double)w[r * cols + t] * x[t]),
        SameAtEveryWidth: false);

    private static KernelCase Packed(int rows, int cols) => new(
        $"VectorKernels.MultiplyAddPacked [{cols}, {rows}] ({rows}, {cols})", cols * rows, cols, rows,
        (a, b, c, width) =>
        {
            if (width is { } w) VectorKernels.MultiplyAddPacked(a, b, c, w);
            else VectorKernels.MultiplyAddPacked(a, b, c);
        },
        (wt, x, y) => Product(y, rows, 1, cols, (r, _, t) => (double)wt[t * rows + r] * x[t]),
        SameAtEveryWidth: true);

    private static KernelCase VectorTranspose(int rows, int cols) => new(
        $"VectorKernels.TransposeMultiplyAdd [{rows}, {cols}] ({rows}, {cols})", rows * cols, rows, cols,
        (a, b, c, width) =>
        {
            if (width is { } w) VectorKernels.TransposeMultiplyAdd(a, b, c, w);
            else VectorKernels.TransposeMultiplyAdd(a, b, c);
        },
        (w, dy, dx) => Product(dx, cols, 1, rows, (c, _, r) => (double)w[r * cols + c] * dy[r]),
        SameAtEveryWidth: true);

    private static KernelCase Transpose(int rows, int cols) => new(
        $"MatrixKernels.Transpose ({rows}, {cols})", rows * cols, 0, rows * cols,
        (a, _, c, width) =>
        {
            if (width is { } w) MatrixKernels.Transpose(a, rows, cols, c, w);
            else MatrixKernels.Transpose(a, rows, cols, c);
        },
        (w, _, _) => Enumerable.Range(0, rows * cols).Select(i => new Expected(w[(i % rows) * cols + i / rows], 0)).ToArray(),
        SameAtEveryWidth: true, TwoInputs: false);

    private static KernelCase MatrixMultiply(int m, int k, int n) => new(
        $"MatrixKernels.MultiplyAdd ({m}, {k}, {n})", m * k, k * n, m * n,
        (a, b, c, width) =>
        {
            if (width is { } w) MatrixKernels.MultiplyAdd(a, b, c, m, k, n, w);
            else MatrixKernels.MultiplyAdd(a, b, c, m, k, n);
        },
        (a, b, c) => Product(c, m, n, k, (i, j, t) => (double)a[i * k + t] * b[t * n + j]),
        SameAtEveryWidth: n != 1);

    private static KernelCase MatrixTransposeMultiply(int m, int k, int n) => new(
        $"MatrixKernels.TransposeMultiplyAdd ({m}, {k}, {n})", k * m, k * n, m * n,
        (a, b, c, width) =>
        {
            if (width is { } w) MatrixKernels.TransposeMultiplyAdd(a, b, c, m, k, n, w);
            else MatrixKernels.TransposeMultiplyAdd(a, b, c, m, k, n);
        },
        (a, b, c) => Product(c, m, n, k, (i, j, t) => (double)a[t * m + i] * b[t * n + j]),
        SameAtEveryWidth: true);

    private static KernelCase RowSums(int m, int n) => new(
        $"MatrixKernels.AddRowSums ({m}, {n})", m * n, 0, n,
        (a, _, c, width) =>
        {
            if (width is { } w) MatrixKernels.AddRowSums(a, m, c, w);
            else MatrixKernels.AddRowSums(a, m, c);
        },
        (a, _, y) => Product(y, 1, n, m, (_, j, i) => a[i * n + j]),
        SameAtEveryWidth: true, TwoInputs: false);

    /// <summary><c>c[i, j] + Σ_t term(i, j, t)</c> in double for a <c>[rows, cols]</c> destination, with the sum of magnitudes.</summary>
    private static Expected[] Product(float[] c, int rows, int cols, int steps, Func<int, int, int, double> term)
    {
        var expected = new Expected[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                double sum = c[i * cols + j], magnitude = Math.Abs(sum);
                for (int t = 0; t < steps; t++)
                {
                    double value = term(i, j, t);
                    sum += value;
                    magnitude += Math.Abs(value);
                }

                expected[i * cols + j] = new Expected(sum, magnitude);
            }
        }

        return expected;
    }
}
