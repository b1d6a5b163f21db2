using System.Linq;
using Rnn.Gen;

// Models declared for the compile-and-run tests. Sizes are small so finite differences stay cheap, and several are
// chosen to be above and not a multiple of the vector width (8 floats), so vector bodies and scalar tails both run.
namespace Rnn.Gen.Tests.Models;

/// <summary>The model of the foundation issue: stacked LSTM (sequence) -> GRU (last step) -> Dense.</summary>
[RnnModel(inputSize: 3, steps: 50)]
[Lstm(64, ReturnSequences = true)]
[Gru(32)]
[Dense(1)]
public partial class Forecaster;

[RnnModel(inputSize: 3, steps: 7)]
[Lstm(5)]
[Dense(2)]
public partial class LstmToDense;

[RnnModel(inputSize: 11, steps: 4)]
[Lstm(19, ReturnSequences = true)]
[Dense(9, Activation = Activation.Tanh)]
public partial class WideLstmSequence;

[RnnModel(inputSize: 2, steps: 6)]
[Gru(6)]
[Dense(2, Activation = Activation.Tanh)]
public partial class GruToDense;

[RnnModel(inputSize: 10, steps: 3)]
[Gru(17, ReturnSequences = true)]
[Dense(4, Activation = Activation.Sigmoid)]
[Dense(3)]
public partial class WideGruSequenceTwoDense;

[RnnModel(inputSize: 3, steps: 5)]
[SimpleRnn(4)]
[Dense(3, Activation = Activation.Sigmoid)]
public partial class ElmanTanhToDense;

[RnnModel(inputSize: 3, steps: 5)]
[SimpleRnn(9, Activation = Activation.Relu, ReturnSequences = true)]
[Dense(2, Activation = Activation.Relu)]
public partial class ElmanReluSequence;

[RnnModel(inputSize: 2, steps: 5)]
[Lstm(5, ReturnSequences = true)]
[Gru(4, ReturnSequences = true)]
[SimpleRnn(3)]
[Dense(4, Activation = Activation.Softmax)]
public partial class StackedThreeCells;

[RnnModel(inputSize: 2, steps: 4)]
[Lstm(3, ReturnSequences = true)]
public partial class LstmSequenceOnly;

[RnnModel(inputSize: 3, steps: 2)]
[Gru(2)]
public partial class GruLastStepOnly;

[RnnModel(inputSize: 3, steps: 4)]
[Dense(5, Activation = Activation.Relu)]
[Dense(2, Activation = Activation.Softmax)]
public partial class DenseOnly;

// Training-only randomness and penalties: dropout, recurrent dropout, Gaussian noise, L1/L2 on every tensor kind.
[RnnModel(inputSize: 4, steps: 6)]
[GaussianNoise(0.3)]
[Lstm(7, ReturnSequences = true, Dropout = 0.3, RecurrentDropout = 0.4, KernelL2 = 1e-2, RecurrentL1 = 1e-3)]
[Gru(5, Dropout = 0.2, RecurrentDropout = 0.25, BiasL1 = 1e-2)]
[Dense(3, Activation = Activation.Tanh, Dropout = 0.5, KernelL1 = 1e-3, BiasL2 = 1e-2)]
public partial class RegularizedStack;

[RnnModel(inputSize: 3, steps: 5)]
[SimpleRnn(6, ReturnSequences = true, Dropout = 0.25, RecurrentDropout = 0.3, RecurrentL2 = 0.05)]
[GaussianNoise(0.2)]
[Dense(2, Dropout = 0.3, KernelL2 = 0.1)]
public partial class RegularizedElmanSequence;

// Bidirectional layers: every merge mode, stacked, many-to-one and many-to-many, sizes across the vector width.
[RnnModel(inputSize: 3, steps: 6)]
[Lstm(5, Bidirectional = true)]
[Dense(2)]
public partial class BiLstmConcatToDense;

[RnnModel(inputSize: 2, steps: 5)]
[Gru(9, Bidirectional = true, ReturnSequences = true, MergeMode = MergeMode.Sum)]
[SimpleRnn(4, Bidirectional = true, MergeMode = MergeMode.Multiply)]
[Dense(3, Activation = Activation.Softmax)]
public partial class StackedBiGruSumElmanMultiply;

[RnnModel(inputSize: 4, steps: 4)]
[SimpleRnn(3, Activation = Activation.Relu, Bidirectional = true, ReturnSequences = true, MergeMode = MergeMode.Average)]
[Lstm(10, Bidirectional = true, ReturnSequences = true)]
public partial class BiElmanAverageBiLstmSequence;

[RnnModel(inputSize: 3, steps: 5)]
[Gru(4, Bidirectional = true, ReturnSequences = true, Dropout = 0.3, RecurrentDropout = 0.2)]
[Dense(2, Activation = Activation.Tanh)]
public partial class BiGruWithDropout;

public static class AllModels
{
    /// <summary>One fresh instance of every test model, by name, for theories.</summary>
    public static IRnnModel Create(string name) => name switch
    {
        nameof(Forecaster) => new Forecaster(),
        nameof(LstmToDense) => new LstmToDense(),
        nameof(WideLstmSequence) => new WideLstmSequence(),
        nameof(GruToDense) => new GruToDense(),
        nameof(WideGruSequenceTwoDense) => new WideGruSequenceTwoDense(),
        nameof(ElmanTanhToDense) => new ElmanTanhToDense(),
        nameof(ElmanReluSequence) => new ElmanReluSequence(),
        nameof(StackedThreeCells) => new StackedThreeCells(),
        nameof(LstmSequenceOnly) => new LstmSequenceOnly(),
        nameof(GruLastStepOnly) => new GruLastStepOnly(),
        nameof(DenseOnly) => new DenseOnly(),
        nameof(RegularizedStack) => new RegularizedStack(),
        nameof(RegularizedElmanSequence) => new RegularizedElmanSequence(),
        nameof(BiLstmConcatToDense) => new BiLstmConcatToDense(),
        nameof(StackedBiGruSumElmanMultiply) => new StackedBiGruSumElmanMultiply(),
        nameof(BiElmanAverageBiLstmSequence) => new BiElmanAverageBiLstmSequence(),
        nameof(BiGruWithDropout) => new BiGruWithDropout(),
        nameof(Seq2SeqTokens) => new Seq2SeqTokens(),
        nameof(Seq2SeqValues) => new Seq2SeqValues(),
        nameof(OneToManyTokens) => new OneToManyTokens(),
        nameof(DotAttentionValues) => new DotAttentionValues(),
        nameof(GeneralAttentionGru) => new GeneralAttentionGru(),
        nameof(StackedGeneralAttention) => new StackedGeneralAttention(),
        nameof(BidirectionalEncoderValues) => new BidirectionalEncoderValues(),
        _ => throw new System.ArgumentException("Unknown test model " + name, nameof(name)),
    };

    public static readonly string[] Small =
    {
        nameof(LstmToDense), nameof(WideLstmSequence), nameof(GruToDense), nameof(WideGruSequenceTwoDense),
        nameof(ElmanTanhToDense), nameof(ElmanReluSequence), nameof(StackedThreeCells), nameof(LstmSequenceOnly),
        nameof(GruLastStepOnly), nameof(DenseOnly),
    };

    /// <summary>Models whose Forward draws dropout masks or noise (so Forward differs from Predict).</summary>
    public static readonly string[] Stochastic = { nameof(RegularizedStack), nameof(RegularizedElmanSequence), nameof(BiGruWithDropout) };

    /// <summary>Deterministic models with a bidirectional layer: no streaming Step.</summary>
    public static readonly string[] Bidirectional = { nameof(BiLstmConcatToDense), nameof(StackedBiGruSumElmanMultiply), nameof(BiElmanAverageBiLstmSequence) };

    /// <summary>Deterministic models: Forward equals Predict.</summary>
    public static readonly string[] All = [nameof(Forecaster), .. Small];

    public static Xunit.TheoryData<string> GradientCheckData() => new([.. Small, .. Stochastic, .. Bidirectional]);

    /// <summary>Encoder–decoder and one-to-many models: they decode whole sequences, no streaming Step.</summary>
    public static readonly string[] Decoders =
    {
        nameof(Seq2SeqTokens), nameof(Seq2SeqValues), nameof(OneToManyTokens), nameof(DotAttentionValues), nameof(GeneralAttentionGru),
        nameof(StackedGeneralAttention), nameof(BidirectionalEncoderValues),
    };

    /// <summary>Models whose Step refuses (bidirectional layers, decoders).</summary>
    public static bool Streams(string name) => !Bidirectional.Contains(name) && !Decoders.Contains(name) && name != nameof(BiGruWithDropout);

    public static Xunit.TheoryData<string> EveryModelData() => new([.. All, .. Stochastic, .. Bidirectional, .. Decoders]);

    public static Xunit.TheoryData<string> SmallData() => new(Small);

    public static Xunit.TheoryData<string> AllData() => new(All);
}
