using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The int8 copies of a model's weight matrices, for inference with <c>[RnnModel(..., Weights = WeightPrecision.Int8)]</c>:
/// each matrix quantized symmetrically per row (scale = max|row| / 127, values in [−127, 127]) from the float
/// parameters by <see cref="Quantize"/>, and read by <see cref="Int8Kernels"/>. Training never reads them; weight files
/// hold the float parameters.
/// </summary>
/// <remarks>
/// Layout of a <c>[rows, cols]</c> matrix: rows padded to a multiple of 16 and columns to a multiple of 4 (with zero
/// weights), then panels of 16 rows, each panel <c>[cols / 4][16 rows][4 columns]</c>: one 64-byte vector holds 4
/// consecutive columns of 16 rows, the four bytes each 32-bit lane of a multiply-add of 8-bit pairs sums. A panel is
/// contiguous and every panel starts on a 64-byte boundary. Beside the bytes, per row: its scale and 64 times the sum
/// of its int8 weights (the correction for the activations' offset, see <see cref="Int8Kernels"/>). One instance holds
/// every matrix of a model (indexed in the order the constructor lists them) and the activations' scratch.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed class Int8Weights
{
    private const int Alignment = 64;
    private readonly byte[] _bytes;
    private readonly int _start;
    private readonly int[] _rows, _cols, _byteOffset, _rowOffset;

    /// <summary>Allocates the int8 copies of matrices of the given shapes, all zero until <see cref="Quantize"/>.</summary>
    /// <param name="shapes">rows, columns of each matrix, in order (PyTorch's <c>[out, in]</c>).</param>
    public Int8Weights(params ReadOnlySpan<int> shapes)
    {
        if (shapes.Length == 0 || shapes.Length % 2 != 0)
        {
            throw new ArgumentException($"Expected pairs of rows and columns, got {shapes.Length} numbers.", nameof(shapes));
        }

        int count = shapes.Length / 2;
        _rows = new int[count];
        _cols = new int[count];
        _byteOffset = new int[count];
        _rowOffset = new int[count];
        long bytes = 0, rows = 0;
        int widest = 0, widestRows = 0;
        for (int m = 0; m < count; m++)
        {
            int r = shapes[2 * m], c = shapes[2 * m + 1];
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(r, nameof(shapes));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c, nameof(shapes));
            _rows[m] = r;
            _cols[m] = c;
            _byteOffset[m] = checked((int)bytes);
            _rowOffset[m] = checked((int)rows);
            bytes += (long)PaddedRows(r) * PaddedColumns(c);
            rows += PaddedRows(r);
            widest = Math.Max(widest, PaddedColumns(c));
            widestRows = Math.Max(widestRows, PaddedRows(r));
        }

        _bytes = GC.AllocateArray<byte>(checked((int)bytes + Alignment - 1), pinned: true);
        _start = (int)((Alignment - (Address(_bytes) % Alignment)) % Alignment);
        ByteLength = (int)bytes;
        Scales = new float[rows];
        Offsets = new int[rows];
        Activations = GC.AllocateArray<byte>(widest, pinned: true);
        SecondActivations = GC.AllocateArray<byte>(widest, pinned: true);
        Sums = new int[widestRows];
    }

    /// <summary>The number of matrices.</summary>
    public int Count => _rows.Length;

    /// <summary>The int8 bytes of every matrix, padding included.</summary>
    public int ByteLength { get; }

    /// <summary>Rows of matrix <paramref name="matrix"/>.</summary>
    public int Rows(int matrix) => _rows[matrix];

    /// <summary>Columns of matrix <paramref name="matrix"/>.</summary>
    public int Columns(int matrix) => _cols[matrix];

    /// <summary>Each padded row's scale: its float weights are about scale × its int8 weights.</summary>
    internal float[] Scales { get; }

    /// <summary>Each padded row's 64 × (sum of its int8 weights).</summary>
    internal int[] Offsets { get; }

    /// <summary>One activation vector's bytes (the widest padded column count), quantized by each product.</summary>
    internal byte[] Activations { get; }

    /// <summary>The second activation vector of a product over two matrices (<see cref="Int8Kernels.AffineSum"/>, <see cref="Int8Kernels.AffinePair"/>): h beside x.</summary>
    internal byte[] SecondActivations { get; }

    /// <summary>One product's integer sums, a padded row each.</summary>
    internal int[] Sums { get; }

    internal static int PaddedRows(int rows) => (rows + 15) & ~15;

    internal static int PaddedColumns(int cols) => (cols + 3) & ~3;

    internal int ByteOffset(int matrix) => _byteOffset[matrix];

    internal int RowOffset(int matrix) => _rowOffset[matrix];

    /// <summary>The bytes of matrix <paramref name="matrix"/>, starting on a 64-byte boundary.</summary>
    internal ref sbyte Data(int matrix) => ref Unsafe.As<byte, sbyte>(ref _bytes[_start + _byteOffset[matrix]]);

    /// <summary>
    /// Quantizes a float <c>[rows, cols]</c> matrix (PyTorch's row-major layout) into matrix <paramref name="matrix"/>:
    /// per row, scale = max|w| / 127 and q = round(w / scale) (to even), a row of zeros stays zero with scale 0.
    /// </summary>
    public void Quantize(int matrix, ReadOnlySpan<float> weights)
    {
        int rows = _rows[matrix], cols = _cols[matrix];
        if (weights.Length != rows * cols)
        {
            throw new ArgumentException($"Expected a [{rows}, {cols}] matrix of {rows * cols} elements, got {weights.Length} elements.", nameof(weights));
        }

        int paddedRows = PaddedRows(rows), paddedCols = PaddedColumns(cols);
        Span<sbyte> data = MemoryMarshal.CreateSpan(ref Data(matrix), paddedRows * paddedCols);
        Span<float> scales = Scales.AsSpan(_rowOffset[matrix], paddedRows);
        Span<int> offsets = Offsets.AsSpan(_rowOffset[matrix], paddedRows);
        data.Clear();
        scales.Clear();
        offsets.Clear();
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = weights.Slice(r * cols, cols);
            float max = 0f;
            foreach (float v in row)
            {
                max = MathF.Max(max, MathF.Abs(v));
            }

            if (!float.IsFinite(max))
            {
                throw new ArgumentException($"Row {r} of the matrix holds a value that is not finite: int8 weights need finite parameters.", nameof(weights));
            }

            if (max == 0f)
            {
                continue;
            }

            float scale = max / 127f, inverse = 127f / max;
            int sum = 0;
            int panel = r >> 4, lane = r & 15;
            int panelStart = panel * 16 * paddedCols;
            for (int c = 0; c < cols; c++)
            {
                int q = Math.Clamp((int)MathF.Round(row[c] * inverse), -127, 127);
                data[panelStart + (c >> 2) * 64 + lane * 4 + (c & 3)] = (sbyte)q;
                sum += q;
            }

            scales[r] = scale;
            offsets[r] = 64 * sum;
        }
    }

    private static unsafe long Address(byte[] array) => (long)Unsafe.AsPointer(ref array[0]);
}
