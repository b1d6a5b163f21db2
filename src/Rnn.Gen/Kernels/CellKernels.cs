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

    /// <summary>
    /// One LSTM step backward, element-wise: from the activated <paramref name="gates"/> (i, f, g, o),
    /// <paramref name="tanhC"/> and <paramref name="cPrev"/> of the step, dL/dh_t in <paramref name="dh"/> and dL/dc_t
    /// (from the next step) in <paramref name="dc"/>, writes dL/d(pre-activation) into <paramref name="dGates"/> (rows
    /// i, f, g, o) and replaces <paramref name="dc"/> by dL/dc_(t-1) = dL/dc_t · f.
    /// </summary>
    public static void LstmCellBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates)
    {
        int hidden = dh.Length;
        Check(gates.Length, 4 * hidden, "gates", "[4 * H]");
        Check(tanhC.Length, hidden, "tanhC", "[H]");
        Check(cPrev.Length, hidden, "cPrev", "[H]");
        Check(dc.Length, hidden, "dc", "[H]");
        Check(dGates.Length, 4 * hidden, "dGates", "[4 * H]");
        ref float gi = ref MemoryMarshal.GetReference(gates);
        ref float tc = ref MemoryMarshal.GetReference(tanhC);
        ref float cp = ref MemoryMarshal.GetReference(cPrev);
        ref float dh0 = ref MemoryMarshal.GetReference(dh);
        ref float dc0 = ref MemoryMarshal.GetReference(dc);
        ref float di = ref MemoryMarshal.GetReference(dGates);
        nuint f = (nuint)hidden, g = 2 * (nuint)hidden, o = 3 * (nuint)hidden;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> one = Vector256<float>.One;
            for (; j <= hidden - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                nuint at = (nuint)j;
                Vector256<float> vi = Vector256.LoadUnsafe(ref gi, at), vf = Vector256.LoadUnsafe(ref gi, f + at);
                Vector256<float> vg = Vector256.LoadUnsafe(ref gi, g + at), vo = Vector256.LoadUnsafe(ref gi, o + at);
                Vector256<float> vtc = Vector256.LoadUnsafe(ref tc, at), vdh = Vector256.LoadUnsafe(ref dh0, at);
                Vector256<float> dcj = Vector256.LoadUnsafe(ref dc0, at) + (vdh * vo * (one - (vtc * vtc)));
                (dcj * vg * vi * (one - vi)).StoreUnsafe(ref di, at);
                (dcj * Vector256.LoadUnsafe(ref cp, at) * vf * (one - vf)).StoreUnsafe(ref di, f + at);
                (dcj * vi * (one - (vg * vg))).StoreUnsafe(ref di, g + at);
                (vdh * vtc * vo * (one - vo)).StoreUnsafe(ref di, o + at);
                (dcj * vf).StoreUnsafe(ref dc0, at);
            }
        }

        for (; j < hidden; j++)
        {
            nuint at = (nuint)j;
            float vi = Unsafe.Add(ref gi, at), vf = Unsafe.Add(ref gi, f + at), vg = Unsafe.Add(ref gi, g + at), vo = Unsafe.Add(ref gi, o + at);
            float vtc = Unsafe.Add(ref tc, at), vdh = Unsafe.Add(ref dh0, at);
            float dcj = Unsafe.Add(ref dc0, at) + (vdh * vo * (1f - (vtc * vtc)));
            Unsafe.Add(ref di, at) = dcj * vg * vi * (1f - vi);
            Unsafe.Add(ref di, f + at) = dcj * Unsafe.Add(ref cp, at) * vf * (1f - vf);
            Unsafe.Add(ref di, g + at) = dcj * vi * (1f - (vg * vg));
            Unsafe.Add(ref di, o + at) = vdh * vtc * vo * (1f - vo);
            Unsafe.Add(ref dc0, at) = dcj * vf;
        }
    }

    /// <summary>
    /// One GRU step backward, element-wise: from the activated <paramref name="gates"/> (r, z, n), <paramref name="hn"/>
    /// (W_hn h_prev + b_hn) and <paramref name="hPrev"/> of the step, and dL/dh_t in <paramref name="dh"/>, writes
    /// dL/d(W_ih x + b_ih) into <paramref name="dGatesInput"/> and dL/d(W_hh h_prev + b_hh) into
    /// <paramref name="dGatesHidden"/> (rows r, z, n), and replaces <paramref name="dh"/> by its direct path to h_(t-1),
    /// dL/dh_t · z (the path through W_hh is added by the caller).
    /// </summary>
    public static void GruCellBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev, Span<float> dh, Span<float> dGatesInput, Span<float> dGatesHidden)
    {
        int hidden = dh.Length;
        Check(gates.Length, 3 * hidden, "gates", "[3 * H]");
        Check(hn.Length, hidden, "hn", "[H]");
        Check(hPrev.Length, hidden, "hPrev", "[H]");
        Check(dGatesInput.Length, 3 * hidden, "dGatesInput", "[3 * H]");
        Check(dGatesHidden.Length, 3 * hidden, "dGatesHidden", "[3 * H]");
        ref float gr = ref MemoryMarshal.GetReference(gates);
        ref float hn0 = ref MemoryMarshal.GetReference(hn);
        ref float hp = ref MemoryMarshal.GetReference(hPrev);
        ref float dh0 = ref MemoryMarshal.GetReference(dh);
        ref float dx = ref MemoryMarshal.GetReference(dGatesInput);
        ref float dhh = ref MemoryMarshal.GetReference(dGatesHidden);
        nuint z = (nuint)hidden, n = 2 * (nuint)hidden;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> one = Vector256<float>.One;
            for (; j <= hidden - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                nuint at = (nuint)j;
                Vector256<float> vr = Vector256.LoadUnsafe(ref gr, at), vz = Vector256.LoadUnsafe(ref gr, z + at), vn = Vector256.LoadUnsafe(ref gr, n + at);
                Vector256<float> vdh = Vector256.LoadUnsafe(ref dh0, at);
                Vector256<float> dn = vdh * (one - vz) * (one - (vn * vn));
                Vector256<float> dr = dn * Vector256.LoadUnsafe(ref hn0, at) * vr * (one - vr);
                Vector256<float> dz = vdh * (Vector256.LoadUnsafe(ref hp, at) - vn) * vz * (one - vz);
                dr.StoreUnsafe(ref dx, at);
                dz.StoreUnsafe(ref dx, z + at);
                dn.StoreUnsafe(ref dx, n + at);
                dr.StoreUnsafe(ref dhh, at);
                dz.StoreUnsafe(ref dhh, z + at);
                (dn * vr).StoreUnsafe(ref dhh, n + at);
                (vdh * vz).StoreUnsafe(ref dh0, at);
            }
        }

        for (; j < hidden; j++)
        {
            nuint at = (nuint)j;
            float vr = Unsafe.Add(ref gr, at), vz = Unsafe.Add(ref gr, z + at), vn = Unsafe.Add(ref gr, n + at);
            float vdh = Unsafe.Add(ref dh0, at);
            float dn = vdh * (1f - vz) * (1f - (vn * vn));
            float dr = dn * Unsafe.Add(ref hn0, at) * vr * (1f - vr);
            float dz = vdh * (Unsafe.Add(ref hp, at) - vn) * vz * (1f - vz);
            Unsafe.Add(ref dx, at) = dr;
            Unsafe.Add(ref dx, z + at) = dz;
            Unsafe.Add(ref dx, n + at) = dn;
            Unsafe.Add(ref dhh, at) = dr;
            Unsafe.Add(ref dhh, z + at) = dz;
            Unsafe.Add(ref dhh, n + at) = dn * vr;
            Unsafe.Add(ref dh0, at) = vdh * vz;
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
