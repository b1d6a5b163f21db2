using Rnn.Gen;

// Models with convolution and pooling layers, for the compile-and-run tests (ConvolutionTests, the reference vectors
// declare their own).
namespace Rnn.Gen.Tests.Models;

/// <summary>Conv1D → MaxPool1D → GRU → Dense: 12 steps, 10 after the convolution, 5 after the pool; at least 4 valid steps.</summary>
[RnnModel(inputSize: 3, steps: 12)]
[Conv1D(5, 3, Activation = Activation.Relu)]
[MaxPool1D(2)]
[Gru(4)]
[Dense(2)]
public partial class ConvPoolGru;

/// <summary>A causal dilated Conv1D → GRU (sequence) → Dense: streams with Step.</summary>
[RnnModel(inputSize: 2, steps: 9)]
[Conv1D(4, 3, Padding = ConvPadding.Causal, Dilation = 2, Activation = Activation.Tanh)]
[Gru(5, ReturnSequences = true)]
[Dense(2)]
public partial class CausalConvGruSequence;

/// <summary>LSTM (sequence) → strided, dilated Conv1D → GlobalAveragePool1D → Dense: 11 steps, 5 after the convolution.</summary>
[RnnModel(inputSize: 3, steps: 11)]
[Lstm(6, ReturnSequences = true)]
[Conv1D(4, 2, Stride = 2, Dilation = 2)]
[GlobalAveragePool1D]
[Dense(2, Activation = Activation.Tanh)]
public partial class LstmConvGlobalAverage;

/// <summary>Same-padded Conv1D → AvgPool1D (stride 2) → GlobalMaxPool1D → Dense.</summary>
[RnnModel(inputSize: 4, steps: 10)]
[Conv1D(6, 4, Padding = ConvPadding.Same, Activation = Activation.Sigmoid)]
[AvgPool1D(3, Stride = 2)]
[GlobalMaxPool1D]
[Dense(3)]
public partial class SameConvPools;

/// <summary>A strided Conv1D as the head: 8 steps in, 3 out (many-to-many).</summary>
[RnnModel(inputSize: 3, steps: 8)]
[Conv1D(4, 3, Stride = 2)]
public partial class ConvHead;

/// <summary>A strided Conv1D → bidirectional GRU (sequence) → GlobalMaxPool1D → Dense: the reverse direction starts at the convolution's last valid step.</summary>
[RnnModel(inputSize: 3, steps: 10)]
[Conv1D(4, 3, Stride = 2)]
[Gru(3, Bidirectional = true, ReturnSequences = true)]
[GlobalMaxPool1D]
[Dense(2)]
public partial class ConvBiGruGlobalMax;

/// <summary>Noise and a time-distributed Dense before a causal Conv1D, dropout on the Dense head after it: streams.</summary>
[RnnModel(inputSize: 3, steps: 6)]
[GaussianNoise(0.1)]
[Dense(4, Activation = Activation.Tanh)]
[Conv1D(3, 2, Padding = ConvPadding.Causal)]
[Dense(2, Dropout = 0.25)]
public partial class DenseCausalConvDense;

/// <summary>A stateful model with a causal Conv1D before its LSTM: the LSTM carries its state from Forward to Forward.</summary>
[RnnModel(inputSize: 2, steps: 6, Stateful = true)]
[Conv1D(3, 2, Padding = ConvPadding.Causal)]
[Lstm(4)]
[Dense(1)]
public partial class StatefulCausalConvLstm;

/// <summary>Two convolutions and two pools under a time-distributed Dense: 12 → 12 → 10 → 9 → 4 steps, at least 5 valid.</summary>
[RnnModel(inputSize: 2, steps: 12)]
[Conv1D(3, 3, Padding = ConvPadding.Causal, Activation = Activation.Relu)]
[Conv1D(4, 2, Dilation = 2)]
[MaxPool1D(2, Stride = 1)]
[AvgPool1D(2)]
[Dense(2, Activation = Activation.Tanh)]
public partial class TwoConvsTwoPools;

/// <summary>The convolution models and the fewest valid steps each accepts.</summary>
public static class ConvolutionModels
{
    public static IRnnModel Create(string name) => name switch
    {
        nameof(ConvPoolGru) => new ConvPoolGru(),
        nameof(CausalConvGruSequence) => new CausalConvGruSequence(),
        nameof(LstmConvGlobalAverage) => new LstmConvGlobalAverage(),
        nameof(SameConvPools) => new SameConvPools(),
        nameof(ConvHead) => new ConvHead(),
        nameof(ConvBiGruGlobalMax) => new ConvBiGruGlobalMax(),
        nameof(DenseCausalConvDense) => new DenseCausalConvDense(),
        nameof(TwoConvsTwoPools) => new TwoConvsTwoPools(),
        _ => throw new System.ArgumentException("Unknown convolution model " + name, nameof(name)),
    };

    /// <summary>Each model and its shortest valid length: the windows of its convolutions and pools each need a step.</summary>
    public static readonly (string Name, int MinLength)[] All =
    {
        (nameof(ConvPoolGru), 4),
        (nameof(CausalConvGruSequence), 1),
        (nameof(LstmConvGlobalAverage), 3),
        (nameof(SameConvPools), 3),
        (nameof(ConvHead), 3),
        (nameof(ConvBiGruGlobalMax), 3),
        (nameof(TwoConvsTwoPools), 5),
    };
}
