using System;
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
