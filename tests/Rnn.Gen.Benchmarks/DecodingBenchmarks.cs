using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Rnn.Gen.Benchmarks.Models;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// Encoder–decoder decoding and training on <see cref="TokenSeq2Seq"/> (Embedding(40, 64) → LSTM(128), 20 ids in, 20
/// decoder steps out over 40 tokens): greedy decoding (<c>Predict</c>), beam search of width 1 (greedy, through the
/// beam bookkeeping) and 5, and one teacher-forced training sample (<c>ForwardTeacherForced</c> + <c>Backward</c>;
/// decoders have no batch path). No end token, so every call decodes all 20 steps.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Decoding)]
public class DecodingBenchmarks
{
    private readonly TokenSeq2Seq _model = new();
    private readonly float[] _input = new float[TokenSeq2Seq.Steps];
    private readonly float[] _output = new float[TokenSeq2Seq.OutputSteps * TokenSeq2Seq.OutputSize];
    private readonly float[] _targets = new float[TokenSeq2Seq.OutputSteps * TokenSeq2Seq.OutputSize];
    private readonly int[] _tokens = new int[TokenSeq2Seq.OutputSteps];

    [GlobalSetup]
    public void Setup()
    {
        _model.Initialize(seed: 1);
        var random = new Rnn.Gen.Initialization.SeededRandom(3);
        for (int t = 0; t < _input.Length; t++)
        {
            _input[t] = random.NextInt(TokenSeq2Seq.VocabularySize);
        }

        for (int t = 0; t < TokenSeq2Seq.OutputSteps; t++)
        {
            _targets[(t * TokenSeq2Seq.OutputSize) + random.NextInt(TokenSeq2Seq.OutputSize)] = 1f;
        }

        _model.ReserveBeam(5);

        // Width 1 is greedy decoding: the same tokens as Predict's, or the run fails.
        _model.Predict(_input, _output);
        int[] greedy = Enumerable.Range(0, TokenSeq2Seq.OutputSteps)
            .Select(t => Rnn.Gen.Decoding.TokenSampler.MostProbable(_output.AsSpan(t * TokenSeq2Seq.OutputSize, TokenSeq2Seq.OutputSize))).ToArray();
        _model.BeamSearch(_input, _tokens, 1);
        if (!greedy.SequenceEqual(_tokens))
        {
            throw new InvalidOperationException("BeamSearch of width 1 differs from greedy decoding.");
        }
    }

    [Benchmark(Baseline = true)]
    public void GreedyPredict() => _model.Predict(_input, _output);

    [Benchmark]
    public int BeamWidth1() => _model.BeamSearch(_input, _tokens, 1);

    [Benchmark]
    public int BeamWidth5() => _model.BeamSearch(_input, _tokens, 5, 0.6f);

    [Benchmark]
    public void TeacherForcedTrainingSample()
    {
        _model.ForwardTeacherForced(_input, _targets, _output);
        _model.Backward(_output); // any gradient of the output's shape: the cost is the same
    }
}
