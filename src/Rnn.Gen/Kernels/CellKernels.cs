using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The element-wise part of one recurrent step, fused: every gate's activation and the state update in one pass over
/// the hidden units, with no temporaries and one call per step instead of one per activation. Generated cells call
/// these after the matrix–vector products; the arithmetic is PyTorch's (see each method).
/// </summary>
/// <remarks>
/// Vectorized with <see cref="Vector256"/> where the hardware has it (the hidden units in chunks of 8), scalar for the
/// rest. The sigmoid is <c>1 / (1 + exp(-x))</c> with the vector <c>Exp</c> of .NET; the hyperbolic tangent is an odd
/// polynomial near zero (|x| &lt; 0.3, where the exponential form would lose relative accuracy) and
/// <c>sign(x) (1 - e) / (1 + e)</c>, <c>e = exp(-2|x|)</c>, elsewhere; both within a few float ulps of the exact values
/// (tested against double precision).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class CellKernels
{
    /// <summary>
    /// The LSTM cell of PyTorch's nn.LSTM: <paramref name="gates"/> holds the pre-activations of the four gates in rows
    /// i, f, g, o (<c>[4H]</c>) and receives them activated (sigmoid, sigmoid, tanh, sigmoid); then
    /// <c>c = f c_prev + i g</c>, <c>tanhC = tanh(c)</c>, <c>h = o tanhC</c>. <paramref name="c"/> may alias
    /// <paramref name="cPrev"/>; <paramref name="h"/> must not alias the others.
    /// </summary>
    public static void LstmCell(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> tanhC, Span<float> h)
    {
        int hidden = h.Length;
        Check(gates.Length, 4 * hidden, "gates", "[4 * H]");
        Check(cPrev.Length, hidden, "cPrev", "[H]");
        Check(c.Length, hidden, "c", "[H]");
        Check(tanhC.Length, hidden, "tanhC", "[H]");
        ref float gi = ref MemoryMarshal.GetReference(gates);
        ref float gf = ref Unsafe.Add(ref gi, hidden);
        ref float gg = ref Unsafe.Add(ref gi, 2 * hidden);
        ref float go = ref Unsafe.Add(ref gi, 3 * hidden);
        ref float cp = ref MemoryMarshal.GetReference(cPrev);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        ref float tc = ref MemoryMarshal.GetReference(tanhC);
        ref float h0 = ref MemoryMarshal.GetReference(h);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= hidden - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                nuint at = (nuint)j;
                Vector256<float> i = Sigmoid(Vector256.LoadUnsafe(ref gi, at));
                Vector256<float> f = Sigmoid(Vector256.LoadUnsafe(ref gf, at));
                Vector256<float> g = Tanh(Vector256.LoadUnsafe(ref gg, at));
                Vector256<float> o = Sigmoid(Vector256.LoadUnsafe(ref go, at));
                Vector256<float> cell = Vector256.FusedMultiplyAdd(f, Vector256.LoadUnsafe(ref cp, at), i * g);
                Vector256<float> tanhCell = Tanh(cell);
                i.StoreUnsafe(ref gi, at);
                f.StoreUnsafe(ref gf, at);
                g.StoreUnsafe(ref gg, at);
                o.StoreUnsafe(ref go, at);
                cell.StoreUnsafe(ref c0, at);
                tanhCell.StoreUnsafe(ref tc, at);
                (o * tanhCell).StoreUnsafe(ref h0, at);
            }
        }

        for (; j < hidden; j++)
        {
            float i = Sigmoid(Unsafe.Add(ref gi, j)), f = Sigmoid(Unsafe.Add(ref gf, j));
            float g = Tanh(Unsafe.Add(ref gg, j)), o = Sigmoid(Unsafe.Add(ref go, j));
            float cell = MathF.FusedMultiplyAdd(f, Unsafe.Add(ref cp, j), i * g);
            float tanhCell = Tanh(cell);
            Unsafe.Add(ref gi, j) = i;
            Unsafe.Add(ref gf, j) = f;
            Unsafe.Add(ref gg, j) = g;
            Unsafe.Add(ref go, j) = o;
            Unsafe.Add(ref c0, j) = cell;
            Unsafe.Add(ref tc, j) = tanhCell;
            Unsafe.Add(ref h0, j) = o * tanhCell;
        }
    }

    /// <summary>
    /// The GRU cell of PyTorch's nn.GRU: <paramref name="gates"/> holds the input contribution <c>W_ih x + b_ih</c> and
    /// <paramref name="gatesHidden"/> the hidden one <c>W_hh h_prev + b_hh</c>, rows r, z, n (<c>[3H]</c>);
    /// <c>r = sigmoid(.r + .r)</c>, <c>z = sigmoid(.z + .z)</c>, <c>n = tanh(x.n + r hn)</c> with
    /// <c>hn = W_hn h_prev + b_hn</c>, <c>h = (1 - z) n + z h_prev</c>. <paramref name="gates"/> receives r, z, n and
    /// <paramref name="hn"/> the hidden part of n. <paramref name="h"/> may alias <paramref name="hPrev"/>.
    /// </summary>
    public static void GruCell(Span<float> gates, ReadOnlySpan<float> gatesHidden, ReadOnlySpan<float> hPrev, Span<float> hn, Span<float> h)
    {
        int hidden = h.Length;
        Check(gates.Length, 3 * hidden, "gates", "[3 * H]");
        Check(gatesHidden.Length, 3 * hidden, "gatesHidden", "[3 * H]");
        Check(hPrev.Length, hidden, "hPrev", "[H]");
        Check(hn.Length, hidden, "hn", "[H]");
        ref float xr = ref MemoryMarshal.GetReference(gates);
        ref float xz = ref Unsafe.Add(ref xr, hidden);
        ref float xn = ref Unsafe.Add(ref xr, 2 * hidden);
        ref float hr = ref MemoryMarshal.GetReference(gatesHidden);
        ref float hz = ref Unsafe.Add(ref hr, hidden);
        ref float hh = ref Unsafe.Add(ref hr, 2 * hidden);
        ref float hp = ref MemoryMarshal.GetReference(hPrev);
        ref float hn0 = ref MemoryMarshal.GetReference(hn);
        ref float h0 = ref MemoryMarshal.GetReference(h);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= hidden - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                nuint at = (nuint)j;
                Vector256<float> r = Sigmoid(Vector256.LoadUnsafe(ref xr, at) + Vector256.LoadUnsafe(ref hr, at));
                Vector256<float> z = Sigmoid(Vector256.LoadUnsafe(ref xz, at) + Vector256.LoadUnsafe(ref hz, at));
                Vector256<float> recurrentN = Vector256.LoadUnsafe(ref hh, at);
                Vector256<float> n = Tanh(Vector256.FusedMultiplyAdd(r, recurrentN, Vector256.LoadUnsafe(ref xn, at)));
                Vector256<float> previous = Vector256.LoadUnsafe(ref hp, at);
                r.StoreUnsafe(ref xr, at);
                z.StoreUnsafe(ref xz, at);
                n.StoreUnsafe(ref xn, at);
                recurrentN.StoreUnsafe(ref hn0, at);
                ((Vector256<float>.One - z) * n + z * previous).StoreUnsafe(ref h0, at);
            }
        }

        for (; j < hidden; j++)
        {
            float r = Sigmoid(Unsafe.Add(ref xr, j) + Unsafe.Add(ref hr, j));
            float z = Sigmoid(Unsafe.Add(ref xz, j) + Unsafe.Add(ref hz, j));
            float hiddenN = Unsafe.Add(ref hh, j);
            float n = Tanh(MathF.FusedMultiplyAdd(r, hiddenN, Unsafe.Add(ref xn, j)));
            float previous = Unsafe.Add(ref hp, j);
            Unsafe.Add(ref xr, j) = r;
            Unsafe.Add(ref xz, j) = z;
            Unsafe.Add(ref xn, j) = n;
            Unsafe.Add(ref hn0, j) = hiddenN;
            Unsafe.Add(ref h0, j) = ((1f - z) * n) + (z * previous);
        }
    }

    /// <summary>Below this magnitude tanh is the odd polynomial (the exponential form would cancel).</summary>
    private const float TanhSmall = 0.3f;

    // tanh x = x + x^3 (c3 + x^2 (c5 + x^2 (c7 + x^2 (c9 + x^2 c11)))), the Taylor series; at |x| < 0.3 the first
    // omitted term (x^13) is below 1e-9 relative.
    private const float C3 = -1f / 3f, C5 = 2f / 15f, C7 = -17f / 315f, C9 = 62f / 2835f, C11 = -1382f / 155925f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> a = Vector256.Abs(x);
        Vector256<float> e = Vector256.Exp(a * -2f);
        Vector256<float> large = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        Vector256<float> x2 = x * x;
        Vector256<float> p = Vector256.FusedMultiplyAdd(x2, Vector256.Create(C11), Vector256.Create(C9));
        p = Vector256.FusedMultiplyAdd(x2, p, Vector256.Create(C7));
        p = Vector256.FusedMultiplyAdd(x2, p, Vector256.Create(C5));
        p = Vector256.FusedMultiplyAdd(x2, p, Vector256.Create(C3));
        Vector256<float> small = Vector256.FusedMultiplyAdd(x * x2, p, x);
        Vector256<float> signedLarge = Vector256.CopySign(large, x);
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(TanhSmall)), small, signedLarge);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Tanh(float x) => MathF.Tanh(x);

    private static void Check(int actual, int expected, string name, string shape)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {name} of {expected} elements ({shape}, H = the length of h), got {actual}.", name);
        }
    }
}
