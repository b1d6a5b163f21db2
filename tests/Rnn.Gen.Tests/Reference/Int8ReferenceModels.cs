// The int8 twins of reference models: the same layers with Weights = WeightPrecision.Int8 (Int8ReferenceTests).
#nullable enable

namespace Rnn.Gen.Tests.Reference;

[RnnModel(inputSize: 4, steps: 3, Weights = WeightPrecision.Int8)]
[Lstm(128)]
[Dense(1)]
internal partial class Int8_Lstm128_Dense1_I4_T3;

[RnnModel(inputSize: 16, steps: 8, Weights = WeightPrecision.Int8)]
[Lstm(64, ReturnSequences = true)]
[Dense(1)]
internal partial class Int8_Lstm64Seq_Dense1_I16_T8;

[RnnModel(inputSize: 16, steps: 20, Weights = WeightPrecision.Int8)]
[Lstm(33, ReturnSequences = true)]
[Dense(3, Activation = Activation.Sigmoid)]
internal partial class Int8_Lstm33Seq_Dense3Sigmoid_I16_T20;

[RnnModel(inputSize: 4, steps: 30, Weights = WeightPrecision.Int8)]
[Lstm(16)]
[Dense(8, Activation = Activation.Relu)]
[Dense(1)]
internal partial class Int8_Lstm16_Dense8Relu_Dense1_I4_T30;

[RnnModel(inputSize: 1, steps: 100, Weights = WeightPrecision.Int8)]
[Lstm(4)]
[Dense(1)]
internal partial class Int8_Lstm4_Dense1_I1_T100;

[RnnModel(inputSize: 2, steps: 10, Weights = WeightPrecision.Int8)]
[Lstm(8, ReturnSequences = true)]
[Lstm(8)]
[Dense(1)]
internal partial class Int8_Lstm8Seq_Lstm8_Dense1_I2_T10;

[RnnModel(inputSize: 5, steps: 12, Weights = WeightPrecision.Int8)]
[Lstm(13)]
[Dense(4, Activation = Activation.Softmax)]
internal partial class Int8_Lstm13_Dense4Softmax_I5_T12;

[RnnModel(inputSize: 3, steps: 7, Weights = WeightPrecision.Int8)]
[Lstm(5, ReturnSequences = true)]
[Dense(2)]
internal partial class Int8_Lstm5Seq_Dense2_I3_T7_Len7_4_1;

[RnnModel(inputSize: 1, steps: 2, Weights = WeightPrecision.Int8)]
[Gru(128, ReturnSequences = true)]
[Dense(2)]
internal partial class Int8_Gru128Seq_Dense2_I1_T2;

[RnnModel(inputSize: 16, steps: 20, Weights = WeightPrecision.Int8)]
[Gru(33, ReturnSequences = true)]
[Dense(3, Activation = Activation.Sigmoid)]
internal partial class Int8_Gru33Seq_Dense3Sigmoid_I16_T20;

[RnnModel(inputSize: 4, steps: 30, Weights = WeightPrecision.Int8)]
[Gru(16)]
[Dense(8, Activation = Activation.Relu)]
[Dense(1)]
internal partial class Int8_Gru16_Dense8Relu_Dense1_I4_T30;

[RnnModel(inputSize: 1, steps: 100, Weights = WeightPrecision.Int8)]
[Gru(4)]
[Dense(1)]
internal partial class Int8_Gru4_Dense1_I1_T100;

[RnnModel(inputSize: 2, steps: 8, Weights = WeightPrecision.Int8)]
[Gru(6)]
[Dense(1)]
internal partial class Int8_Gru6_Dense1_I2_T8_Len5_8_2;

[RnnModel(inputSize: 2, steps: 5, Weights = WeightPrecision.Int8)]
[Lstm(3, ReturnSequences = true)]
[SimpleRnn(5, ReturnSequences = true, Activation = Activation.Tanh)]
[Gru(4)]
[Dense(2)]
internal partial class Int8_Lstm3Seq_RnnTanh5Seq_Gru4_Dense2_I2_T5;

[RnnModel(inputSize: 8, steps: 4, Weights = WeightPrecision.Int8)]
[SimpleRnn(128, Activation = Activation.Tanh)]
[Dense(1)]
internal partial class Int8_RnnTanh128_Dense1_I8_T4;

[RnnModel(inputSize: 6, steps: 25, Weights = WeightPrecision.Int8)]
[SimpleRnn(33, ReturnSequences = true, Activation = Activation.Tanh)]
[SimpleRnn(16, Activation = Activation.Relu)]
[Dense(1, Activation = Activation.Tanh)]
internal partial class Int8_RnnTanh33Seq_RnnRelu16_Dense1Tanh_I6_T25;

[RnnModel(inputSize: 1, steps: 100, Weights = WeightPrecision.Int8)]
[SimpleRnn(4, Activation = Activation.Relu)]
[Dense(1)]
internal partial class Int8_RnnRelu4_Dense1_I1_T100;

[RnnModel(inputSize: 8, steps: 10, Weights = WeightPrecision.Int8)]
[Lstm(19, ReturnSequences = true, Bidirectional = true)]
[Dense(2)]
internal partial class Int8_BiLstm19Seq_Dense2_I8_T10;

[RnnModel(inputSize: 1, steps: 40, Weights = WeightPrecision.Int8)]
[Gru(4, Bidirectional = true)]
[Dense(1)]
internal partial class Int8_BiGru4_Dense1_I1_T40;

// Convolutions keep float32 weights in an int8 model (Int8Support.Float32); the recurrent and Dense layers above and
// below them are quantized. Twins of cases in Reference/Conv and Reference/Image.
[RnnModel(inputSize: 3, steps: 12, Weights = WeightPrecision.Int8)]
[Conv1D(5, 3, Activation = Activation.Relu)]
[MaxPool1D(2)]
[Gru(4)]
[Dense(2)]
internal partial class Int8_ConvMaxPoolGruDense_I3_T12;

[RnnModel(inputSize: 3, steps: 12, Weights = WeightPrecision.Int8)]
[Conv1D(5, 3, Activation = Activation.Relu)]
[MaxPool1D(2)]
[Gru(4)]
[Dense(2)]
internal partial class Int8_ConvMaxPoolGruDense_I3_T12_Len12_7_4;

[RnnModel(inputSize: 3, steps: 11, Weights = WeightPrecision.Int8)]
[Lstm(6, ReturnSequences = true)]
[Conv1D(4, 2, Stride = 2, Dilation = 2)]
[GlobalAveragePool1D]
[Dense(2, Activation = Activation.Tanh)]
internal partial class Int8_LstmSeqConvGlobalAverageDense_I3_T11;

[RnnModel(inputSize: 2, steps: 9, Weights = WeightPrecision.Int8)]
[Conv1D(4, 3, Dilation = 2, Padding = ConvPadding.Causal, Activation = Activation.Tanh)]
[Gru(5, ReturnSequences = true)]
[Dense(2)]
internal partial class Int8_ConvCausalGruSeqDense_I2_T9;

[RnnModel(channels: 1, height: 8, width: 7, Weights = WeightPrecision.Int8)]
[Conv2D(3, 3, Activation = Activation.Tanh)]
[RowsAsSteps]
[Gru(4)]
[Dense(2)]
internal partial class Int8_Conv2DRowsGruDense_C1_H8_W7;

[RnnModel(steps: 4, channels: 2, height: 6, width: 6, Weights = WeightPrecision.Int8)]
[Conv2D(3, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Flatten]
[Lstm(5)]
[Dense(2)]
internal partial class Int8_FramesConvPoolFlattenLstm_T4_C2_H6_W6;

[RnnModel(steps: 5, channels: 1, height: 5, width: 5, Weights = WeightPrecision.Int8)]
[Conv2D(4, 3, Padding = ConvPadding.Same, Activation = Activation.Tanh)]
[GlobalAveragePool2D]
[Gru(3, ReturnSequences = true)]
[Dense(2)]
internal partial class Int8_FramesConvGlobalAverageGruSeq_T5_C1_H5_W5;

internal static class Int8ReferenceModels
{
    /// <summary>The reference cases that have an int8 twin.</summary>
    public static readonly string[] CaseNames =
    [
        "Lstm128_Dense1_I4_T3",
        "Lstm64Seq_Dense1_I16_T8",
        "Lstm33Seq_Dense3Sigmoid_I16_T20",
        "Lstm16_Dense8Relu_Dense1_I4_T30",
        "Lstm4_Dense1_I1_T100",
        "Lstm8Seq_Lstm8_Dense1_I2_T10",
        "Lstm13_Dense4Softmax_I5_T12",
        "Lstm5Seq_Dense2_I3_T7_Len7_4_1",
        "Gru128Seq_Dense2_I1_T2",
        "Gru33Seq_Dense3Sigmoid_I16_T20",
        "Gru16_Dense8Relu_Dense1_I4_T30",
        "Gru4_Dense1_I1_T100",
        "Gru6_Dense1_I2_T8_Len5_8_2",
        "Lstm3Seq_RnnTanh5Seq_Gru4_Dense2_I2_T5",
        "RnnTanh128_Dense1_I8_T4",
        "RnnTanh33Seq_RnnRelu16_Dense1Tanh_I6_T25",
        "RnnRelu4_Dense1_I1_T100",
        "BiLstm19Seq_Dense2_I8_T10",
        "BiGru4_Dense1_I1_T40",
        "Conv/ConvMaxPoolGruDense_I3_T12",
        "Conv/ConvMaxPoolGruDense_I3_T12_Len12_7_4",
        "Conv/LstmSeqConvGlobalAverageDense_I3_T11",
        "Conv/ConvCausalGruSeqDense_I2_T9",
        "Image/Conv2DRowsGruDense_C1_H8_W7",
        "Image/FramesConvPoolFlattenLstm_T4_C2_H6_W6",
        "Image/FramesConvGlobalAverageGruSeq_T5_C1_H5_W5",
    ];

    /// <summary>The cases whose float model cannot stream (a convolution that reads ahead, rows of an image as steps): Step throws for the twin too.</summary>
    public static readonly string[] WithoutStep =
    [
        "Conv/ConvMaxPoolGruDense_I3_T12",
        "Conv/ConvMaxPoolGruDense_I3_T12_Len12_7_4",
        "Conv/LstmSeqConvGlobalAverageDense_I3_T11",
        "Image/Conv2DRowsGruDense_C1_H8_W7",
    ];

    /// <summary>Where case <paramref name="caseName"/>'s vectors are: Reference/Cases, or the folder a convolution twin's name starts with (Conv/, Image/).</summary>
    public static string CasePath(string caseName) =>
        caseName.Contains('/') ? System.IO.Path.Combine(System.AppContext.BaseDirectory, "Reference", caseName + ".safetensors") : ReferenceAssert.CasePath(caseName);

    /// <summary>The int8 twin of reference case <paramref name="caseName"/>.</summary>
    public static IRnnModel Create(string caseName) => caseName switch
    {
        "Lstm128_Dense1_I4_T3" => new Int8_Lstm128_Dense1_I4_T3(),
        "Lstm64Seq_Dense1_I16_T8" => new Int8_Lstm64Seq_Dense1_I16_T8(),
        "Lstm33Seq_Dense3Sigmoid_I16_T20" => new Int8_Lstm33Seq_Dense3Sigmoid_I16_T20(),
        "Lstm16_Dense8Relu_Dense1_I4_T30" => new Int8_Lstm16_Dense8Relu_Dense1_I4_T30(),
        "Lstm4_Dense1_I1_T100" => new Int8_Lstm4_Dense1_I1_T100(),
        "Lstm8Seq_Lstm8_Dense1_I2_T10" => new Int8_Lstm8Seq_Lstm8_Dense1_I2_T10(),
        "Lstm13_Dense4Softmax_I5_T12" => new Int8_Lstm13_Dense4Softmax_I5_T12(),
        "Lstm5Seq_Dense2_I3_T7_Len7_4_1" => new Int8_Lstm5Seq_Dense2_I3_T7_Len7_4_1(),
        "Gru128Seq_Dense2_I1_T2" => new Int8_Gru128Seq_Dense2_I1_T2(),
        "Gru33Seq_Dense3Sigmoid_I16_T20" => new Int8_Gru33Seq_Dense3Sigmoid_I16_T20(),
        "Gru16_Dense8Relu_Dense1_I4_T30" => new Int8_Gru16_Dense8Relu_Dense1_I4_T30(),
        "Gru4_Dense1_I1_T100" => new Int8_Gru4_Dense1_I1_T100(),
        "Gru6_Dense1_I2_T8_Len5_8_2" => new Int8_Gru6_Dense1_I2_T8_Len5_8_2(),
        "Lstm3Seq_RnnTanh5Seq_Gru4_Dense2_I2_T5" => new Int8_Lstm3Seq_RnnTanh5Seq_Gru4_Dense2_I2_T5(),
        "RnnTanh128_Dense1_I8_T4" => new Int8_RnnTanh128_Dense1_I8_T4(),
        "RnnTanh33Seq_RnnRelu16_Dense1Tanh_I6_T25" => new Int8_RnnTanh33Seq_RnnRelu16_Dense1Tanh_I6_T25(),
        "RnnRelu4_Dense1_I1_T100" => new Int8_RnnRelu4_Dense1_I1_T100(),
        "BiLstm19Seq_Dense2_I8_T10" => new Int8_BiLstm19Seq_Dense2_I8_T10(),
        "BiGru4_Dense1_I1_T40" => new Int8_BiGru4_Dense1_I1_T40(),
        "Conv/ConvMaxPoolGruDense_I3_T12" => new Int8_ConvMaxPoolGruDense_I3_T12(),
        "Conv/ConvMaxPoolGruDense_I3_T12_Len12_7_4" => new Int8_ConvMaxPoolGruDense_I3_T12_Len12_7_4(),
        "Conv/LstmSeqConvGlobalAverageDense_I3_T11" => new Int8_LstmSeqConvGlobalAverageDense_I3_T11(),
        "Conv/ConvCausalGruSeqDense_I2_T9" => new Int8_ConvCausalGruSeqDense_I2_T9(),
        "Image/Conv2DRowsGruDense_C1_H8_W7" => new Int8_Conv2DRowsGruDense_C1_H8_W7(),
        "Image/FramesConvPoolFlattenLstm_T4_C2_H6_W6" => new Int8_FramesConvPoolFlattenLstm_T4_C2_H6_W6(),
        "Image/FramesConvGlobalAverageGruSeq_T5_C1_H5_W5" => new Int8_FramesConvGlobalAverageGruSeq_T5_C1_H5_W5(),
        _ => throw new System.ArgumentOutOfRangeException(nameof(caseName), caseName, "Expected a case with an int8 twin."),
    };
}
