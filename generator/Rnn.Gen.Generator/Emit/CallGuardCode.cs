using System;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// The entry guard of a public member that works in the instance's buffers: <c>CallGuard.Enter</c>, the body in a
/// <c>try</c>, <c>CallGuard.Exit</c> in its <c>finally</c>. A call that overlaps another on the same instance (from
/// another thread) then throws before it touches anything; the field is declared by <see cref="ModelEmitter"/>.
/// Only the outermost public member holds the instance: what it calls is private, or a public member without a guard.
/// </summary>
internal static class CallGuardCode
{
    /// <summary>The flag field: 1 while a call holds the instance.</summary>
    public const string Field = "_inUse";

    /// <summary>Writes the entry and opens the <c>try</c> block; disposing the result closes it and writes the <c>finally</c>.</summary>
    public static IDisposable Hold(CodeWriter w)
    {
        w.Line($"{CallGuard}.Enter(ref {Field}, this);");
        w.Line("try");
        return new Release(w, w.Block());
    }

    private sealed class Release : IDisposable
    {
        private readonly CodeWriter _w;
        private readonly IDisposable _body;

        public Release(CodeWriter w, IDisposable body)
        {
            _w = w;
            _body = body;
        }

        public void Dispose()
        {
            _body.Dispose();
            _w.Line("finally");
            using (_w.Block())
            {
                _w.Line($"{CallGuard}.Exit(ref {Field});");
            }
        }
    }
}
