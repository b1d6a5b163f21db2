using System;

namespace Rnn.Gen.Initialization;

/// <summary>
/// A small, fast, seeded generator (xoshiro128** seeded through SplitMix64) whose sequence is fixed by this library,
/// not by the .NET version, so the same seed gives the same weights, shuffles and masks everywhere.
/// </summary>
public sealed class SeededRandom
{
    private uint _s0, _s1, _s2, _s3;

    /// <summary>A generator whose whole sequence is determined by <paramref name="seed"/>.</summary>
    public SeededRandom(long seed) => Reseed(seed);

    /// <summary>Restarts the sequence as a new generator with <paramref name="seed"/> would.</summary>
    public void Reseed(long seed)
    {
        ulong x = unchecked((ulong)seed);
        ulong a = SplitMix64(ref x), b = SplitMix64(ref x);
        _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1;
        }
    }

    /// <summary>The full internal state, to save with a checkpoint and restore with <see cref="FromState"/>.</summary>
    public (uint, uint, uint, uint) State => (_s0, _s1, _s2, _s3);

    /// <summary>Recreates a generator at a state read from <see cref="State"/>.</summary>
    public static SeededRandom FromState((uint, uint, uint, uint) state)
    {
        var random = new SeededRandom(0);
        random.SetState(state);
        return random;
    }

    /// <summary>Moves this generator to a state read from <see cref="State"/>, for example from a checkpoint.</summary>
    public void SetState((uint, uint, uint, uint) state)
    {
        if ((state.Item1 | state.Item2 | state.Item3 | state.Item4) == 0)
        {
            throw new ArgumentException("The all-zero state is not a valid xoshiro128** state.", nameof(state));
        }

        (_s0, _s1, _s2, _s3) = state;
    }

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt32()
    {
        uint result = RotateLeft(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 11);
        return result;
    }

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt32() >> 8) * (1.0f / 16777216.0f);

    /// <summary>A uniform double in [0, 1) with 32 random bits.</summary>
    public double NextDouble() => NextUInt32() * (1.0 / 4294967296.0);

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong product = (ulong)NextUInt32() * (uint)maxExclusive;
        uint low = (uint)product;
        if (low < (uint)maxExclusive)
        {
            uint threshold = (uint)(-maxExclusive) % (uint)maxExclusive;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * (uint)maxExclusive;
                low = (uint)product;
            }
        }

        return (int)(product >> 32);
    }

    /// <summary>A standard normal sample (Box–Muller).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static uint RotateLeft(uint value, int count) => (value << count) | (value >> (32 - count));

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
