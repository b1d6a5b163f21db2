using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Rnn.Gen;

/// <summary>
/// The entry guard of generated models. An instance computes in buffers of its own (caches, scratch, streaming state,
/// packed weights), so it runs one call at a time: every public member that uses them holds the instance from
/// <see cref="Enter"/> to <see cref="Exit"/>, and a call that begins while another holds it throws an
/// <see cref="InvalidOperationException"/> before touching anything, instead of computing with buffers the other call
/// is writing. The test is one atomic compare-and-exchange, so two calls that overlap are always detected: the first
/// completes with its correct result, the second throws.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CallGuard
{
    /// <summary>Holds the instance whose flag is <paramref name="inUse"/> for the call that begins, or throws if another call holds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Enter(ref int inUse, object model)
    {
        if (Interlocked.CompareExchange(ref inUse, 1, 0) != 0)
        {
            ThrowInUse(model);
        }
    }

    /// <summary>Releases the instance at the end of the call (in a <c>finally</c>, so an exception releases it too).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Exit(ref int inUse) => Volatile.Write(ref inUse, 0);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInUse(object model) =>
        throw new InvalidOperationException(
            $"{model.GetType().Name}: a call began while another call on the same instance was still running (from another thread). " +
            "An instance computes in buffers of its own and runs one call at a time; this call computed nothing. " +
            "For concurrent inference give each thread a predictor of its own, model.CreatePredictor(): it reads the model's parameters " +
            "and owns its buffers (a predictor, too, serves one thread). To train on several cores, use TrainerOptions.Parallelism with a ReplicaFactory.");
}
