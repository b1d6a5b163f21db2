using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Rnn.Gen.Benchmarks.Peers;

/// <summary>
/// libtorch stepping N streams as one batch: x [1, N, I] and the kept (h, c) [1, N, H], nn.LSTM / nn.GRU then
/// nn.Linear on h; each call copies the N input rows in and the N outputs out, as a caller holding spans would.
/// </summary>
public sealed class TorchStreamsPeer : TorchPeer
{
    private readonly Tensor _x, _h;
    private readonly Tensor? _c;

    public TorchStreamsPeer(CellKind cell, int input, int hidden, int streams) : base(cell, input, hidden, dense: true, batchFirst: false)
    {
        _x = torch.zeros(1, streams, input);
        _h = torch.zeros(1, streams, hidden);
        _c = cell == CellKind.Lstm ? torch.zeros(1, streams, hidden) : null;
    }

    public void ResetState()
    {
        _h.zero_();
        _c?.zero_();
    }

    /// <summary>One step of every stream: <paramref name="inputs"/> [N, I], <paramref name="outputs"/> [N, 1].</summary>
    public void Step(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        using var noGrad = torch.no_grad();
        using DisposeScope scope = torch.NewDisposeScope();
        CopyIn(_x, inputs);
        (_, Tensor hn, Tensor? cn) = Run(_x, _h, _c);
        _h.copy_(hn);
        if (cn is not null)
        {
            _c!.copy_(cn);
        }

        CopyOut(Dense!.call(hn), outputs);
    }

    public override void Dispose()
    {
        _x.Dispose();
        _h.Dispose();
        _c?.Dispose();
        base.Dispose();
    }
}
