using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rnn.Gen.Benchmarks.Peers;

/// <summary>
/// libtorch through TorchSharp: nn.LSTM / nn.GRU (+ nn.Linear), float32, weights copied from a generated model by
/// their state_dict names. Inference runs under no_grad with preallocated input and state tensors; each call copies
/// its input in and its output out, as a caller holding spans would.
/// </summary>
public abstract class TorchPeer : IDisposable
{
    protected TorchPeer(CellKind cell, int input, int hidden, bool dense, bool batchFirst)
    {
        Cell = cell;
        Input = input;
        Hidden = hidden;
        Recurrent = cell == CellKind.Lstm
            ? nn.LSTM(input, hidden, numLayers: 1, bias: true, batchFirst: batchFirst)
            : nn.GRU(input, hidden, numLayers: 1, bias: true, batchFirst: batchFirst);
        Dense = dense ? nn.Linear(hidden, 1, hasBias: true) : null;
    }

    public CellKind Cell { get; }
    public int Input { get; }
    public int Hidden { get; }
    protected nn.Module Recurrent { get; }
    protected Linear? Dense { get; }

    /// <summary>Sets the thread count of libtorch's intra-op pool (process-wide).</summary>
    public static void SetThreads(int threads) => torch.set_num_threads(threads);

    /// <summary>The parameters named as the equivalent nn.Sequential's state_dict (0.weight_ih_l0, …, 1.weight).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        foreach ((string name, Parameter p) in Recurrent.named_parameters())
        {
            yield return ($"0.{name}", p);
        }

        if (Dense is not null)
        {
            foreach ((string name, Parameter p) in Dense.named_parameters())
            {
                yield return ($"1.{name}", p);
            }
        }
    }

    /// <summary>Copies every parameter from a generated model, by name.</summary>
    public void LoadFrom(IRnnModel model)
    {
        Dictionary<string, ParameterInfo> layout = model.ParameterLayout.ToDictionary(p => p.Name);
        using var noGrad = torch.no_grad();
        foreach ((string name, Parameter p) in NamedParameters())
        {
            ParameterInfo info = layout[name];
            if (info.Length != p.numel())
            {
                throw new InvalidOperationException($"{name}: {p.numel()} elements in libtorch, {info.Length} in Rnn.Gen.");
            }

            using Tensor source = torch.tensor(model.Parameters.Slice(info.Offset, info.Length).ToArray(), p.shape);
            p.copy_(source);
        }
    }

    /// <summary>Runs the recurrent module from (h, c), or from zeros when <paramref name="h"/> is null.</summary>
    protected (Tensor Output, Tensor Hn, Tensor? Cn) Run(Tensor x, Tensor? h, Tensor? c)
    {
        if (Recurrent is LSTM lstm)
        {
            (Tensor o, Tensor hn, Tensor cn) = h is null ? lstm.call(x) : lstm.call(x, (h, c!));
            return (o, hn, cn);
        }

        (Tensor output, Tensor hN) = ((GRU)Recurrent).call(x, h!);
        return (output, hN, null);
    }

    protected static void CopyIn(Tensor tensor, ReadOnlySpan<float> values)
    {
        using var accessor = tensor.data<float>();
        accessor.CopyFrom(values, 0, 0);
    }

    protected static void CopyOut(Tensor tensor, Span<float> values)
    {
        using var accessor = tensor.data<float>();
        accessor.CopyTo(values, 0, 0);
    }

    public virtual void Dispose()
    {
        Recurrent.Dispose();
        Dense?.Dispose();
    }
}

/// <summary>Streaming: one step of [1, 1, I] on kept (h, c) tensors, then Linear when there is a head.</summary>
public sealed class TorchStreamingPeer : TorchPeer
{
    private readonly Tensor _x, _h;
    private readonly Tensor? _c;

    public TorchStreamingPeer(CellKind cell, int input, int hidden, bool dense) : base(cell, input, hidden, dense, batchFirst: false)
    {
        _x = torch.zeros(1, 1, input);
        _h = torch.zeros(1, 1, hidden);
        _c = cell == CellKind.Lstm ? torch.zeros(1, 1, hidden) : null;
    }

    public int OutputSize => Dense is null ? Hidden : 1;

    public void ResetState()
    {
        _h.zero_();
        _c?.zero_();
    }

    /// <summary>Steps once per row of <paramref name="inputs"/> [count, I], writing [count, OutputSize].</summary>
    public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        using var noGrad = torch.no_grad();
        for (int k = 0; k < count; k++)
        {
            using DisposeScope scope = torch.NewDisposeScope();
            CopyIn(_x, inputs.Slice(k * Input, Input));
            (_, Tensor hn, Tensor? cn) = Run(_x, _h, _c);
            _h.copy_(hn);
            if (cn is not null)
            {
                _c!.copy_(cn);
            }

            Tensor y = Dense is null ? hn : Dense.call(hn);
            CopyOut(y, outputs.Slice(k * OutputSize, OutputSize));
        }
    }

    public override void Dispose()
    {
        _x.Dispose();
        _h.Dispose();
        _c?.Dispose();
        base.Dispose();
    }
}

/// <summary>Whole-sequence inference: [T, 1, I] from a zero state, Linear on the last hidden state.</summary>
public sealed class TorchSequencePeer : TorchPeer
{
    private readonly Tensor _x, _h0;
    private readonly Tensor? _c0;

    public TorchSequencePeer(CellKind cell, int input, int hidden, int steps) : base(cell, input, hidden, dense: true, batchFirst: false)
    {
        _x = torch.zeros(steps, 1, input);
        _h0 = torch.zeros(1, 1, hidden);
        _c0 = cell == CellKind.Lstm ? torch.zeros(1, 1, hidden) : null;
    }

    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        using var noGrad = torch.no_grad();
        using DisposeScope scope = torch.NewDisposeScope();
        CopyIn(_x, input);
        (_, Tensor hn, _) = Run(_x, _h0, _c0);
        CopyOut(Dense!.call(hn), output);
    }

    public override void Dispose()
    {
        _x.Dispose();
        _h0.Dispose();
        _c0?.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// The training step of workload (c) in libtorch: nn.LSTM(batch_first) + nn.Linear on the last step over the whole
/// batch [B, T, I], MSE (mean over the batch), backward, clip_grad_norm_(1.0), torch.optim.Adam(lr = 1e-3).
/// </summary>
public sealed class TorchTrainer : TorchPeer
{
    private readonly Tensor _x, _y;
    private readonly Parameter[] _parameters;
    private readonly optim.Optimizer _adam;

    public TorchTrainer(IRnnModel initial, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, int steps, int input, int hidden)
        : base(CellKind.Lstm, input, hidden, dense: true, batchFirst: true)
    {
        LoadFrom(initial);
        _x = torch.tensor(inputs.ToArray(), new long[] { batch, steps, input });
        _y = torch.tensor(targets.ToArray(), new long[] { batch, 1 });
        _parameters = NamedParameters().Select(p => p.Parameter).ToArray();
        _adam = torch.optim.Adam(_parameters, lr: 1e-3);
    }

    /// <summary>One optimizer step; returns the batch loss (before the step).</summary>
    public float Step()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        _adam.zero_grad();
        (Tensor output, _, _) = Run(_x, null, null);
        Tensor prediction = Dense!.call(output.select(1, output.shape[1] - 1));
        Tensor loss = nn.functional.mse_loss(prediction, _y);
        loss.backward();
        nn.utils.clip_grad_norm_(_parameters, 1.0);
        _adam.step();
        return loss.item<float>();
    }

    public override void Dispose()
    {
        _x.Dispose();
        _y.Dispose();
        _adam.Dispose();
        base.Dispose();
    }
}
