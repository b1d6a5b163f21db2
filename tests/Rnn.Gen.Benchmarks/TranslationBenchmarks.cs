using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Rnn.Gen.Benchmarks.Models;
using Rnn.Gen.Benchmarks.Peers;
using Rnn.Gen.Initialization;
using TorchSharp;
using static TorchSharp.torch;
using Adam = Rnn.Gen.Optimizers.Adam;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// Issue 15's translation model (<see cref="AttentionTranslator"/>: 12 source ids over 4,000 words → Embedding(128) →
/// bidirectional LSTM(64) → a decoder LSTM(128) with General attention over the 12 encoder steps → Dense(4,000,
/// Softmax), 14 steps, an end token) against libtorch, single-threaded, from the same weights. The training step is a
/// batch of 32 teacher-forced sentences (zero the gradients, forward, each sentence's mean cross-entropy over its
/// steps through its end token, the batch mean, backward, Adam with lr 1e-3); Rnn.Gen through its decoder batch path
/// (ForwardBatchTeacherForced, BackwardBatch: each sentence in a cache of its own, the vocabulary head over a sentence's
/// steps as one matrix product), libtorch as one batch. Decoding is beam search over one sentence, width 1
/// and 5, GNMT's length penalty α = 0.6: sentences per second is 1 / the mean. The weights are the generated model's
/// PyTorch-default initialization, untrained, so the end token is rarely chosen and most searches run all 14 steps.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Decoding)]
public class TranslationBenchmarks
{
    public const int Batch = 32;
    public const float LengthPenalty = 0.6f;

    /// <summary>The decoder's start token, as declared on <see cref="AttentionTranslator"/>.</summary>
    public const int StartToken = 1;

    private const int Steps = AttentionTranslator.Steps, OutputSteps = AttentionTranslator.OutputSteps, Vocabulary = AttentionTranslator.OutputSize;

    private readonly AttentionTranslator _model = new();
    private readonly float[] _sentence = new float[Steps];
    private readonly int[] _sentenceIds = new int[Steps];
    private readonly int[] _tokens = new int[OutputSteps];
    private readonly float[] _sources = new float[Batch * Steps];
    private readonly float[] _targets = new float[Batch * OutputSteps * Vocabulary];
    private readonly int[] _classes = new int[Batch * OutputSteps];
    private readonly int[] _lengths = new int[Batch];
    private readonly float[] _output = new float[OutputSteps * Vocabulary];
    private readonly float[] _gradient = new float[OutputSteps * Vocabulary];
    private readonly float[] _outputs = new float[Batch * OutputSteps * Vocabulary];
    private readonly float[] _gradients = new float[Batch * OutputSteps * Vocabulary];
    private Adam _adam = null!;
    private TorchTranslationPeer? _torch;
    private Tensor? _torchSource, _torchDecoderInput, _torchTargets, _torchMask;

    private void CreateModel()
    {
        _model.Initialize(seed: 1);
        var random = new SeededRandom(5);
        for (int s = 0; s < Steps; s++)
        {
            _sentenceIds[s] = 3 + random.NextInt(AttentionTranslator.VocabularySize - 3);
            _sentence[s] = _sentenceIds[s];
        }

        // Sentences of 6 to 14 target tokens, the last one the end token; the rows after it are masked.
        Array.Clear(_targets);
        for (int b = 0; b < Batch; b++)
        {
            for (int s = 0; s < Steps; s++)
            {
                _sources[(b * Steps) + s] = 3 + random.NextInt(AttentionTranslator.VocabularySize - 3);
            }

            _lengths[b] = 6 + random.NextInt(OutputSteps - 5);
            for (int t = 0; t < OutputSteps; t++)
            {
                int token = t == _lengths[b] - 1 ? AttentionTranslator.EndToken : 3 + random.NextInt(Vocabulary - 3);
                _classes[(b * OutputSteps) + t] = token;
                _targets[(((b * OutputSteps) + t) * Vocabulary) + token] = 1f;
            }
        }

        _model.ReserveBeam(5);
        _model.ReserveBatch(Batch);
    }

    [GlobalSetup(Targets = [nameof(RnnGenTrainingStep), nameof(RnnGenTrainingStepPerSentence), nameof(RnnGenBeamWidth1), nameof(RnnGenBeamWidth5)])]
    public void Setup()
    {
        CreateModel();
        _adam = new Adam(learningRate: 1e-3f);

        // Width 1 is greedy decoding: the same tokens as Predict's, or the run fails.
        _model.Predict(_sentence, _output);
        int greedyLength = _model.BeamSearch(_sentence, _tokens, 1, LengthPenalty);
        for (int t = 0; t < greedyLength; t++)
        {
            if (_tokens[t] != Rnn.Gen.Decoding.TokenSampler.MostProbable(_output.AsSpan(t * Vocabulary, Vocabulary)))
            {
                throw new InvalidOperationException($"BeamSearch of width 1 differs from greedy decoding at step {t}.");
            }
        }

        RnnGenBeamWidth5();
        RnnGenTrainingStep();
    }

    [GlobalSetup(Targets = [nameof(LibTorchTrainingStep), nameof(LibTorchBeamWidth1), nameof(LibTorchBeamWidth5)])]
    public void SetupLibTorch()
    {
        CreateModel();
        torch.set_num_threads(1);
        _torch = new TorchTranslationPeer(_model, AttentionTranslator.VocabularySize, embedding: 128, encoderHidden: 64, decoderHidden: 128,
            StartToken, AttentionTranslator.EndToken);
        _torchSource = torch.tensor(_sources.Select(v => (long)v).ToArray(), new long[] { Batch, Steps });
        _torchTargets = torch.tensor(_classes.Select(v => (long)v).ToArray(), new long[] { Batch, OutputSteps });
        long[] fed = new long[Batch * OutputSteps];
        float[] mask = new float[Batch * OutputSteps];
        for (int b = 0; b < Batch; b++)
        {
            for (int t = 0; t < OutputSteps; t++)
            {
                fed[(b * OutputSteps) + t] = t == 0 ? StartToken : _classes[(b * OutputSteps) + t - 1];
                mask[(b * OutputSteps) + t] = t < _lengths[b] ? 1f : 0f;
            }
        }

        _torchDecoderInput = torch.tensor(fed, new long[] { Batch, OutputSteps });
        _torchMask = torch.tensor(mask, new long[] { Batch, OutputSteps });

        // The same teacher-forced probabilities for the first sentence (through its end token).
        _model.ForwardTeacherForced(_sources.AsSpan(0, Steps), _targets.AsSpan(0, OutputSteps * Vocabulary), _output);
        using (torch.no_grad())
        {
            using Tensor probabilities = _torch.LogProbabilities(_torchSource.narrow(0, 0, 1), _torchDecoderInput.narrow(0, 0, 1)).exp();
            float[] theirs = probabilities.data<float>().ToArray();
            int valid = _lengths[0] * Vocabulary;
            Check.Close(_output.AsSpan(0, valid), theirs.AsSpan(0, valid), 1e-4f, "libtorch translation model, teacher-forced probabilities");
        }

        // The same beam-search results, width 1 and 5.
        var theirTokens = new int[OutputSteps];
        foreach (int width in new[] { 1, 5 })
        {
            int ours = _model.BeamSearch(_sentence, _tokens, width, LengthPenalty);
            int theirs = _torch.BeamSearch(_sentenceIds, theirTokens, width, LengthPenalty);
            if (ours != theirs || !_tokens.SequenceEqual(theirTokens))
            {
                throw new InvalidOperationException($"libtorch beam search (width {width}) chose [{string.Join(", ", theirTokens)}], Rnn.Gen [{string.Join(", ", _tokens)}].");
            }
        }

        // The first training step from the same weights gives the same loss.
        float rnnGen = RnnGenLoss();
        float libtorch = _torch.Step(_torchSource, _torchDecoderInput, _torchTargets, _torchMask);
        Check.Close([rnnGen], [libtorch], 1e-4f, "libtorch translation model, training loss");
    }

    [GlobalCleanup(Targets = [nameof(LibTorchTrainingStep), nameof(LibTorchBeamWidth1), nameof(LibTorchBeamWidth5)])]
    public void Cleanup()
    {
        _torch?.Dispose();
        _torchSource?.Dispose();
        _torchDecoderInput?.Dispose();
        _torchTargets?.Dispose();
        _torchMask?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int RnnGenBeamWidth1() => _model.BeamSearch(_sentence, _tokens, 1, LengthPenalty);

    [Benchmark]
    [BenchmarkCategory(Categories.LibTorch)]
    public int LibTorchBeamWidth1() => _torch!.BeamSearch(_sentenceIds, _tokens, 1, LengthPenalty);

    [Benchmark]
    public int RnnGenBeamWidth5() => _model.BeamSearch(_sentence, _tokens, 5, LengthPenalty);

    [Benchmark]
    [BenchmarkCategory(Categories.LibTorch)]
    public int LibTorchBeamWidth5() => _torch!.BeamSearch(_sentenceIds, _tokens, 5, LengthPenalty);

    [Benchmark]
    public float RnnGenTrainingStep()
    {
        float loss = RnnGenLoss();
        _adam.Step(_model.Parameters, _model.Gradients);
        return loss;
    }

    /// <summary>The same step sentence after sentence (ForwardTeacherForced and Backward): what the batch path replaces.</summary>
    [Benchmark]
    public float RnnGenTrainingStepPerSentence()
    {
        _model.ZeroGradients();
        double loss = 0;
        for (int b = 0; b < Batch; b++)
        {
            _model.ForwardTeacherForced(_sources.AsSpan(b * Steps, Steps), _targets.AsSpan(b * OutputSteps * Vocabulary, OutputSteps * Vocabulary), _output);
            int valid = _lengths[b];
            Array.Clear(_gradient);
            loss += Losses.CrossEntropyOfProbabilities(_output.AsSpan(0, valid * Vocabulary), _classes.AsSpan(b * OutputSteps, valid), _gradient.AsSpan(0, valid * Vocabulary));
            for (int i = 0; i < valid * Vocabulary; i++)
            {
                _gradient[i] /= Batch;
            }

            _model.Backward(_gradient);
        }

        _adam.Step(_model.Parameters, _model.Gradients);
        return (float)(loss / Batch);
    }

    [Benchmark]
    [BenchmarkCategory(Categories.LibTorch)]
    public float LibTorchTrainingStep() => _torch!.Step(_torchSource!, _torchDecoderInput!, _torchTargets!, _torchMask!);

    /// <summary>Zero the gradients; the batch's teacher-forced forward, each sentence's mean cross-entropy through its end token over the batch, the batch's backward.</summary>
    private float RnnGenLoss()
    {
        _model.ZeroGradients();
        _model.ForwardBatchTeacherForced(_sources, _targets, _outputs);
        double loss = 0;
        Array.Clear(_gradients);
        for (int b = 0; b < Batch; b++)
        {
            int valid = _lengths[b], offset = b * OutputSteps * Vocabulary;
            Span<float> gradient = _gradients.AsSpan(offset, valid * Vocabulary);
            loss += Losses.CrossEntropyOfProbabilities(_outputs.AsSpan(offset, valid * Vocabulary), _classes.AsSpan(b * OutputSteps, valid), gradient);
            for (int i = 0; i < gradient.Length; i++)
            {
                gradient[i] /= Batch;
            }
        }

        _model.BackwardBatch(_gradients);
        return (float)(loss / Batch);
    }
}
