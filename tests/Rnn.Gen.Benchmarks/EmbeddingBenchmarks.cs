using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Rnn.Gen.Benchmarks.Models;
using Adam = Rnn.Gen.Optimizers.Adam;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// Token ids in: Embedding(10,000, 128) → GRU(128) → Dense(2, Softmax) over 50 tokens, the word-level
/// classifier. Forward is one sample's <c>Predict</c>; the training step is a batch of 32 (zero the gradients, the
/// batch forward, cross-entropy of the probabilities, the batch backward, Adam with lr 1e-3 over every parameter, the
/// table's 1.28 M included, dense as PyTorch's default). libtorch runs the same, single-threaded, from the same weights.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Embedding)]
public class EmbeddingBenchmarks
{
    public const int Batch = 32;

    private readonly EmbeddingGruClassifier _model = new();
    private readonly float[] _output = new float[2];
    private int[] _tokens = [];
    private int[] _batchTokens = [];
    private int[] _classes = [];
    private float[] _outputs = [];
    private float[] _gradients = [];
    private Adam _adam = null!;
    private TorchEmbeddingPeer? _torch;

    private void CreateModel()
    {
        _model.Initialize(seed: 1);
        var random = new Rnn.Gen.Initialization.SeededRandom(3);
        _tokens = Enumerable.Range(0, EmbeddingGruClassifier.Steps).Select(_ => random.NextInt(EmbeddingGruClassifier.VocabularySize)).ToArray();
        _batchTokens = Enumerable.Range(0, Batch * EmbeddingGruClassifier.Steps).Select(_ => random.NextInt(EmbeddingGruClassifier.VocabularySize)).ToArray();
        _classes = Enumerable.Range(0, Batch).Select(i => i % 2).ToArray();
        _outputs = new float[Batch * 2];
        _gradients = new float[Batch * 2];
        _model.ReserveBatch(Batch);
    }

    [GlobalSetup(Targets = [nameof(RnnGenPredict), nameof(RnnGenTrainingStep)])]
    public void Setup()
    {
        CreateModel();
        _adam = new Adam(learningRate: 1e-3f);
        RnnGenPredict();
        RnnGenTrainingStep();
    }

    [GlobalSetup(Targets = [nameof(LibTorchPredict), nameof(LibTorchTrainingStep)])]
    public void SetupLibTorch()
    {
        CreateModel();
        _model.Predict(_tokens, _output);
        float[] expected = _output.ToArray();
        torch.set_num_threads(1);
        _torch = new TorchEmbeddingPeer(_model, _batchTokens, _classes);
        LibTorchPredict();
        Check.Close(expected, _output, 1e-4f, "libtorch Embedding → GRU → Dense Predict");

        // The first training step from the same weights gives the same loss.
        float ours = RnnGenLoss();
        float theirs = _torch.Step();
        Check.Close([ours], [theirs], 1e-4f, "libtorch Embedding → GRU → Dense training loss");
    }

    [GlobalCleanup(Targets = [nameof(LibTorchPredict), nameof(LibTorchTrainingStep)])]
    public void Cleanup() => _torch?.Dispose();

    [Benchmark(Baseline = true)]
    public void RnnGenPredict() => _model.Predict(_tokens, _output);

    [Benchmark]
    [BenchmarkCategory(Categories.LibTorch)]
    public void LibTorchPredict() => _torch!.Predict(_tokens, _output);

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

    /// <summary>Zero the gradients, the batch forward, the mean cross-entropy and its gradient, the batch backward.</summary>
    private float RnnGenLoss()
    {
        _model.ZeroGradients();
        _model.ForwardBatch(_batchTokens, _outputs);
        double loss = 0;
        for (int b = 0; b < Batch; b++)
        {
            loss += Losses.CrossEntropyOfProbabilities(_outputs.AsSpan(b * 2, 2), _classes.AsSpan(b, 1), _gradients.AsSpan(b * 2, 2));
        }

        for (int i = 0; i < _gradients.Length; i++)
        {
            _gradients[i] /= Batch;
        }

        _model.BackwardBatch(_gradients);
        return (float)(loss / Batch);
    }
}

/// <summary>The same model in libtorch: nn.Embedding, nn.GRU(batch_first), nn.Linear, softmax; NLL of the log-probabilities; torch.optim.Adam.</summary>
public sealed class TorchEmbeddingPeer : IDisposable
{
    private readonly Embedding _embedding;
    private readonly GRU _gru;
    private readonly Linear _dense;
    private readonly Tensor _tokens, _batchTokens, _classes;
    private readonly long[] _ids = new long[EmbeddingGruClassifier.Steps];
    private readonly Parameter[] _parameters;
    private readonly optim.Optimizer _adam;

    public TorchEmbeddingPeer(EmbeddingGruClassifier model, int[] batchTokens, int[] classes)
    {
        _embedding = nn.Embedding(EmbeddingGruClassifier.VocabularySize, 128);
        _gru = nn.GRU(128, 128, numLayers: 1, bias: true, batchFirst: true);
        _dense = nn.Linear(128, 2, hasBias: true);
        using (torch.no_grad())
        {
            foreach ((string name, Parameter parameter) in Named())
            {
                ParameterInfo info = EmbeddingGruClassifier.ParameterLayout.Single(p => p.Name == name);
                using Tensor source = torch.tensor(model.Parameters.Slice(info.Offset, info.Length).ToArray(), parameter.shape);
                parameter.copy_(source);
            }
        }

        _tokens = torch.zeros(new long[] { 1, EmbeddingGruClassifier.Steps }, ScalarType.Int64);
        _batchTokens = torch.tensor(batchTokens.Select(t => (long)t).ToArray(), new long[] { classes.Length, EmbeddingGruClassifier.Steps });
        _classes = torch.tensor(classes.Select(c => (long)c).ToArray(), ScalarType.Int64);
        _parameters = Named().Select(p => p.Parameter).ToArray();
        _adam = torch.optim.Adam(_parameters, lr: 1e-3);
    }

    private (string Name, Parameter Parameter)[] Named() =>
        _embedding.named_parameters().Select(p => ("0." + p.name, p.parameter))
            .Concat(_gru.named_parameters().Select(p => ("1." + p.name, p.parameter)))
            .Concat(_dense.named_parameters().Select(p => ("2." + p.name, p.parameter)))
            .ToArray();

    private Tensor Probabilities(Tensor tokens)
    {
        Tensor sequence = _gru.call(_embedding.call(tokens), null).Item1;
        return _dense.call(sequence.select(1, sequence.shape[1] - 1)).softmax(-1);
    }

    public void Predict(ReadOnlySpan<int> tokens, Span<float> output)
    {
        using var noGrad = torch.no_grad();
        using DisposeScope scope = torch.NewDisposeScope();
        for (int t = 0; t < tokens.Length; t++)
        {
            _ids[t] = tokens[t];
        }

        using (var ids = _tokens.data<long>())
        {
            ids.CopyFrom(_ids, 0, 0);
        }

        using var values = Probabilities(_tokens).data<float>();
        values.CopyTo(output, 0, 0);
    }

    /// <summary>One optimizer step on the batch; returns the loss before it.</summary>
    public float Step()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        _adam.zero_grad();
        Tensor loss = nn.functional.nll_loss(Probabilities(_batchTokens).log(), _classes);
        loss.backward();
        _adam.step();
        return loss.item<float>();
    }

    public void Dispose()
    {
        _adam.Dispose();
        _tokens.Dispose();
        _batchTokens.Dispose();
        _classes.Dispose();
        _embedding.Dispose();
        _gru.Dispose();
        _dense.Dispose();
    }
}
