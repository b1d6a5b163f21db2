using System;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace Rnn.Gen.Benchmarks;

/// <summary>Conv1D (8 filters, kernel 5, relu) → MaxPool1D(2) → GRU(32) → Dense(1) over 100 steps of 16 features.</summary>
[RnnModel(inputSize: 16, steps: 100)]
[Conv1D(8, 5, Activation = Activation.Relu)]
[MaxPool1D(2)]
[Gru(32)]
[Dense(1)]
public sealed partial class ConvPoolGru_I16_T100;

/// <summary>A causal Conv1D (16 filters, kernel 4, dilation 2) → GRU(32) → Dense(1), streamed one step at a time.</summary>
[RnnModel(inputSize: 16, steps: 1)]
[Conv1D(16, 4, Dilation = 2, Padding = ConvPadding.Causal, Activation = Activation.Tanh)]
[Gru(32)]
[Dense(1)]
public sealed partial class CausalConvGruStream_I16;

/// <summary>
/// Convolution and pooling layers: whole-sequence Predict, a training step (Forward and Backward) of one sample and of
/// a batch of 32 through the batch path, and a streaming Step through a causal convolution. No peers: the figures are
/// for comparing with the recurrent workloads of the same run.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Convolution)]
public class ConvolutionBenchmarks
{
    private const int Batch = 32;
    private readonly ConvPoolGru_I16_T100 _model = new();
    private readonly CausalConvGruStream_I16 _stream = new();
    private readonly float[] _input = Check.Random(ConvPoolGru_I16_T100.Steps * ConvPoolGru_I16_T100.InputSize, seed: 3);
    private readonly float[] _inputs = Check.Random(Batch * ConvPoolGru_I16_T100.Steps * ConvPoolGru_I16_T100.InputSize, seed: 4);
    private readonly float[] _output = new float[1];
    private readonly float[] _outputs = new float[Batch];
    private readonly float[] _gradient = [0.5f];
    private readonly float[] _gradients = new float[Batch];

    [GlobalSetup]
    public void Setup()
    {
        _model.Initialize(seed: 1);
        _stream.Initialize(seed: 1);
        _model.ReserveBatch(Batch);
        Array.Fill(_gradients, 0.5f / Batch);
    }

    [Benchmark]
    public void Predict() => _model.Predict(_input, _output);

    [Benchmark]
    public void ForwardBackward()
    {
        _model.Forward(_input, _output);
        _model.Backward(_gradient);
    }

    [Benchmark]
    public void ForwardBackwardBatch32()
    {
        _model.ForwardBatch(_inputs, _outputs);
        _model.BackwardBatch(_gradients);
    }

    [Benchmark]
    public void CausalStep() => _stream.Step(_input.AsSpan(0, CausalConvGruStream_I16.InputSize), _output);
}

/// <summary>The convolution workload: Conv1D(64 filters, kernel 5) over 100 steps of 40 features.</summary>
[RnnModel(inputSize: 40, steps: 100)]
[Conv1D(64, 5)]
public sealed partial class Conv64K5_I40_T100;

/// <summary>
/// Conv1D(64, 5) over 100 steps of 40 features against libtorch's <c>nn.Conv1d</c> (single-threaded, the same weights,
/// channels first as PyTorch wants them: the input transposed once in setup): one sample's <c>Predict</c>, and a training
/// step of 32 samples (the batch forward, MSE against fixed targets, the batch backward, Adam with lr 1e-3).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Convolution)]
public class ConvolutionPeerBenchmarks : MseBatchPeerBenchmarks<Conv64K5_I40_T100>
{
    protected override string PeerName => "libtorch Conv1d";

    protected override ITorchBatchPeer CreatePeer(Conv64K5_I40_T100 model, float[] inputs, float[] targets, int batch) => new TorchConvPeer(model, inputs, targets, batch);
}

/// <summary>nn.Conv1d(40, 64, 5) in libtorch, fed [B, 40, 100] (channels first); MSE; torch.optim.Adam.</summary>
public sealed class TorchConvPeer : ITorchBatchPeer
{
    private readonly TorchSharp.Modules.Conv1d _conv;
    private readonly TorchSharp.torch.Tensor _x, _batch, _targets;
    private readonly TorchSharp.torch.optim.Optimizer _adam;
    private readonly float[] _sample;

    public TorchConvPeer(Conv64K5_I40_T100 model, float[] inputs, float[] targets, int batch)
    {
        _conv = TorchSharp.torch.nn.Conv1d(40, 64, 5);
        using (TorchSharp.torch.no_grad())
        {
            foreach ((string name, TorchSharp.Modules.Parameter parameter) in _conv.named_parameters())
            {
                ParameterInfo info = Conv64K5_I40_T100.ParameterLayout.First(p => p.Name == "0." + name);
                using var source = TorchSharp.torch.tensor(model.Parameters.Slice(info.Offset, info.Length).ToArray(), parameter.shape);
                parameter.copy_(source);
            }
        }

        _sample = new float[100 * 40];
        _x = TorchSharp.torch.zeros(1, 40, 100);
        // [B, T, C] as Rnn.Gen lays samples out, to PyTorch's [B, C, T] once; the targets [B, T', F] likewise.
        _batch = TorchSharp.torch.tensor(inputs, new long[] { batch, 100, 40 }).permute(0, 2, 1).contiguous();
        _targets = TorchSharp.torch.tensor(targets, new long[] { batch, 96, 64 }).permute(0, 2, 1).contiguous();
        _adam = TorchSharp.torch.optim.Adam(_conv.parameters(), lr: 1e-3);
    }

    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        using var noGrad = TorchSharp.torch.no_grad();
        using var scope = TorchSharp.torch.NewDisposeScope();
        // The caller's [T, C] sample transposed to [C, T] on the way in, and the output back to [T', F].
        for (int t = 0; t < 100; t++)
        {
            for (int c = 0; c < 40; c++)
            {
                _sample[(c * 100) + t] = input[(t * 40) + c];
            }
        }

        using (var accessor = _x.data<float>())
        {
            accessor.CopyFrom(_sample, 0, 0);
        }

        using var values = _conv.call(_x).permute(0, 2, 1).contiguous().data<float>();
        values.CopyTo(output, 0, 0);
    }

    public float Step()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        _adam.zero_grad();
        var loss = TorchSharp.torch.nn.functional.mse_loss(_conv.call(_batch), _targets);
        loss.backward();
        _adam.step();
        return loss.item<float>();
    }

    public void Dispose()
    {
        _adam.Dispose();
        _x.Dispose();
        _batch.Dispose();
        _targets.Dispose();
        _conv.Dispose();
    }
}
