using System;
using System.Collections.Generic;
using Microsoft.ML.OnnxRuntime;
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

/// <summary>
/// ONNX Runtime stepping N streams as one batch: the LSTM or GRU operator on X [1, N, I] with H0 (C0) [1, N, H]
/// carried over, then MatMul + Add (the graph of <see cref="OnnxWriter"/> with a batch of N), IOBinding over pinned
/// buffers, <c>threads</c> intra-op threads.
/// </summary>
public sealed class OnnxStreamsPeer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly List<OrtValue> _values = [];
    private readonly float[] _x, _h0, _c0, _hn, _cn, _y;
    private readonly bool _lstm;

    public OnnxStreamsPeer(IRnnModel model, CellKind cell, int input, int hidden, int streams, int threads)
    {
        _lstm = cell == CellKind.Lstm;
        byte[] onnx = OnnxWriter.Model(model, cell, input, hidden, dense: true, steps: 1, streaming: true, batch: streams);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnx, options);
        _binding = _session.CreateIoBinding();
        _x = new float[streams * input];
        _h0 = new float[streams * hidden];
        _c0 = new float[streams * hidden];
        _hn = new float[streams * hidden];
        _cn = new float[streams * hidden];
        _y = new float[streams];
        long[] state = [1, streams, hidden];
        Bind(true, "X", _x, [1, streams, input]);
        Bind(true, "H0", _h0, state);
        if (_lstm)
        {
            Bind(true, "C0", _c0, state);
        }

        Bind(false, "Y_h", _hn, state);
        if (_lstm)
        {
            Bind(false, "Y_c", _cn, state);
        }

        Bind(false, "Y", _y, [1, streams, 1]);
    }

    private void Bind(bool input, string name, float[] buffer, long[] shape)
    {
        OrtValue value = OrtValue.CreateTensorValueFromMemory(buffer, shape);
        _values.Add(value);
        if (input)
        {
            _binding.BindInput(name, value);
        }
        else
        {
            _binding.BindOutput(name, value);
        }
    }

    public void ResetState()
    {
        Array.Clear(_h0);
        Array.Clear(_c0);
    }

    /// <summary>One step of every stream: <paramref name="inputs"/> [N, I], <paramref name="outputs"/> [N, 1].</summary>
    public void Step(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        inputs.CopyTo(_x);
        _session.RunWithBinding(_runOptions, _binding);
        _hn.CopyTo(_h0);
        if (_lstm)
        {
            _cn.CopyTo(_c0);
        }

        _y.AsSpan().CopyTo(outputs);
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (OrtValue value in _values)
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
    }
}
