using System;
using System.ComponentModel;

namespace Rnn.Gen.Kernels;

/// <summary>PLACEHOLDER (naive) matrix kernels; replaced by the register-blocked versions.</summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class MatrixKernels
{
    /// <summary><c>wt[c, r] = w[r, c]</c>.</summary>
    public static void Transpose(ReadOnlySpan<float> w, int rows, int cols, Span<float> wt)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                wt[c * rows + r] = w[r * cols + c];
            }
        }
    }

    /// <summary><c>c[m, n] += a[m, k] · b[k, n]</c>.</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = c[i * n + j];
                for (int p = 0; p < k; p++)
                {
                    s += a[i * k + p] * b[p * n + j];
                }

                c[i * n + j] = s;
            }
        }
    }

    /// <summary><c>c[m, n] += aᵀ · b</c>, a [k, m], b [k, n].</summary>
    public static void TransposeMultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = c[i * n + j];
                for (int p = 0; p < k; p++)
                {
                    s += a[p * m + i] * b[p * n + j];
                }

                c[i * n + j] = s;
            }
        }
    }

    /// <summary><c>y[j] += Σ_i a[i, j]</c> over <paramref name="m"/> rows.</summary>
    public static void AddRowSums(ReadOnlySpan<float> a, int m, Span<float> y)
    {
        int n = y.Length;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                y[j] += a[i * n + j];
            }
        }
    }
}
