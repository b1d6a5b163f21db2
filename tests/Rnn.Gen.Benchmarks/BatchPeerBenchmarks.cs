using System;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace Rnn.Gen.Benchmarks;

/// <summary>A libtorch model that <see cref="MseBatchPeerBenchmarks{TModel}"/> sets beside a generated one: one sample's prediction and one training step of the batch it was built with.</summary>
public interface ITorchBatchPeer : IDisposable
{
    /// <summary>One sample's forward pass, in the generated model's input and output layout.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Zero the gradients, the batch forward, MSE against the fixed targets, backward, the optimizer step; returns the loss.</summary>
    float Step();
}

/// <summary>
/// The shape of the convolution peers' runs: a generated batch model against a libtorch peer (single-threaded, the same
/// weights): one sample's <c>Predict</c>, and a training step of <see cref="Batch"/> samples (the batch forward, the mean
/// squared error of every output against fixed targets, the batch backward, Adam with lr 1e-3). The libtorch setup
/// checks the same prediction and the same first loss, or the run fails.
/// </summary>
public abstract class MseBatchPeerBenchmarks<TModel>
    where TModel : IRnnBatchModel, new()
{
    public const int Batch = 32;
    private readonly TModel _model = new();
    private readonly float[] _input, _inputs, _targets, _output, _outputs, _gradients;
    private Rnn.Gen.Optimizers.Adam _adam = null!;
    private ITorchBatchPeer? _torch;

    protected MseBatchPeerBenchmarks()
    {
        int inputLength = _model.Steps * _model.InputSize, outputLength = _model.OutputSteps * _model.OutputSize;
        _input = Check.Random(inputLength, seed: 3);
        _inputs = Check.Random(Batch * inputLength, seed: 4);
        _targets = Check.Random(Batch * outputLength, seed: 5);
        _output = new float[outputLength];
        _outputs = new float[Batch * outputLength];
        _gradients = new float[Batch * outputLength];
    }

    /// <summary>What the checks call the libtorch model.</summary>
    protected abstract string PeerName { get; }

    /// <summary>The libtorch model with <paramref name="model"/>'s weights, over this batch and these targets.</summary>
    protected abstract ITorchBatchPeer CreatePeer(TModel model, float[] inputs, float[] targets, int batch);

    [GlobalSetup(Targets = [nameof(RnnGenPredict), nameof(RnnGenTrainingStep)])]
    public void Setup()
    {
        _model.Initialize(seed: 1);
        _model.ReserveBatch(Batch);
        _adam = new Rnn.Gen.Optimizers.Adam(learningRate: 1e-3f);
        RnnGenPredict();
        RnnGenTrainingStep();
    }

    [GlobalSetup(Targets = [nameof(LibTorchPredict), nameof(LibTorchTrainingStep)])]
    public void SetupLibTorch()
    {
        _model.Initialize(seed: 1);
        _model.ReserveBatch(Batch);
        _model.Predict(_input, _output);
        float[] expected = _output.ToArray();
        TorchSharp.torch.set_num_threads(1);
        _torch = CreatePeer(_model, _inputs, _targets, Batch);
        LibTorchPredict();
        Check.Close(expected, _output, 1e-4f, $"{PeerName} Predict");
        float ours = RnnGenLoss(), theirs = _torch.Step();
        Check.Close([ours], [theirs], 1e-4f, $"{PeerName} training loss");
    }

    [GlobalCleanup(Targets = [nameof(LibTorchPredict), nameof(LibTorchTrainingStep)])]
    public void Cleanup() => _torch?.Dispose();

    [Benchmark(Baseline = true)]
    public void RnnGenPredict() => _model.Predict(_input, _output);

    [Benchmark]
    [BenchmarkCategory(Categories.LibTorch)]
    public void LibTorchPredict() => _torch!.Predict(_input, _output);

    [Benchmark]
    public float RnnGenTrainingStep()
    {
        float loss = RnnGenLoss();
        _adam.Step(_model.Parameters, _model.Gradients);
        return loss;
    }

    [Benchmark]
    [BenchmarkCategory(Categories.LibTorch)]
    public float LibTorchTrainingStep() => _torch!.Step();

    /// <summary>Zero the gradients, the batch forward, the mean squared error over every output and its gradient, the batch backward.</summary>
    private float RnnGenLoss()
    {
        _model.ZeroGradients();
        _model.ForwardBatch(_inputs, _outputs, default);
        double loss = 0;
        float scale = 2f / _outputs.Length;
        for (int i = 0; i < _outputs.Length; i++)
        {
            float difference = _outputs[i] - _targets[i];
            loss += difference * (double)difference;
            _gradients[i] = scale * difference;
        }

        _model.BackwardBatch(_gradients, default);
        return (float)(loss / _outputs.Length);
    }
}
