using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// The entry guard's cost per call (issue 17, target 1): <see cref="CallGuard.Enter"/> and <see cref="CallGuard.Exit"/>
/// around a call that stores 8 floats of state and reads them back in the next (as a streamed step does), against
/// the same call without the guard. The difference is what the guard adds to one Step.
/// </summary>
[BenchmarkCategory(Categories.Streaming)]
public class GuardBenchmarks
{
    private const int Calls = 16;
    private int _inUse;
    private readonly float[] _state = new float[8];

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public float Unguarded()
    {
        float sum = 0;
        for (int k = 0; k < Calls; k++)
        {
            sum += Body(k);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public float Guarded()
    {
        float sum = 0;
        for (int k = 0; k < Calls; k++)
        {
            CallGuard.Enter(ref _inUse, this);
            try
            {
                sum += Body(k);
            }
            finally
            {
                CallGuard.Exit(ref _inUse);
            }
        }

        return sum;
    }

    // The state of the previous call, one multiply-add per float, stored back: a dependency from call to call.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private float Body(int k)
    {
        float[] s = _state;
        float last = 0;
        for (int j = 0; j < s.Length; j++)
        {
            s[j] = (s[j] * 0.5f) + k;
            last = s[j];
        }

        return last;
    }
}
