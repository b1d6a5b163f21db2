using BenchmarkDotNet.Attributes;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// The captioning sample's model (samples/Rnn.Gen.Samples.Captioning): a 28 × 112 picture through Conv2D(8, 3) →
/// MaxPool2D(2) → Conv2D(16, 3) → MaxPool2D(2) → Flatten → Dense(64, tanh), whose features are h_0 of the decoder's
/// LSTM(64); 5 decoding steps over 13 tokens.
/// </summary>
[RnnModel(channels: 1, height: 28, width: 112)]
[Conv2D(8, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Conv2D(16, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Flatten]
[Dense(64, Activation = Activation.Tanh)]
[Decoder(5, StartToken = 11)]
[Embedding(13, 16)]
[Lstm(64)]
[Dense(13, Activation = Activation.Softmax)]
public sealed partial class Captioner_C1_H28_W112;

/// <summary>
/// Decode throughput of the captioner: one caption per call (the encoder once, then 5 decoder steps), greedy
/// (<c>Predict</c>) or sampled (<c>Generate</c> at temperature 1, all tokens); captions per second is 1 / the mean.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Convolution)]
public class CaptionBenchmarks
{
    private readonly Captioner_C1_H28_W112 _model = new();
    private readonly float[] _picture = Check.Random(Captioner_C1_H28_W112.InputSize, seed: 6);
    private readonly float[] _output = new float[Captioner_C1_H28_W112.OutputSteps * Captioner_C1_H28_W112.OutputSize];
    private readonly int[] _tokens = new int[Captioner_C1_H28_W112.OutputSteps];
    private readonly SeededRandom _random = new(7);

    [GlobalSetup]
    public void Setup()
    {
        _model.Initialize(seed: 1);
        GreedyCaption();
        SampledCaption();
    }

    [Benchmark(Baseline = true)]
    public void GreedyCaption() => _model.Predict(_picture, _output);

    [Benchmark]
    public void SampledCaption() => _model.Generate(_picture, _output, _tokens, 1f, 0, _random);
}
