// The fast-activation twins of reference models: the same layers with Activations = ActivationPrecision.Fast (FastReferenceTests).
#nullable enable

namespace Rnn.Gen.Tests.Reference;

[RnnModel(inputSize: 3, steps: 5, Activations = ActivationPrecision.Fast)]
[Lstm(8)]
[Dense(1)]
internal partial class Fast_Lstm8_Dense1_I3_T5;

[RnnModel(inputSize: 1, steps: 100, Activations = ActivationPrecision.Fast)]
[Lstm(4)]
[Dense(1)]
internal partial class Fast_Lstm4_Dense1_I1_T100;

[RnnModel(inputSize: 4, steps: 30, Activations = ActivationPrecision.Fast)]
[Lstm(16)]
[Dense(8, Activation = Activation.Relu)]
[Dense(1)]
internal partial class Fast_Lstm16_Dense8Relu_Dense1_I4_T30;

[RnnModel(inputSize: 16, steps: 20, Activations = ActivationPrecision.Fast)]
[Lstm(33, ReturnSequences = true)]
[Dense(3, Activation = Activation.Sigmoid)]
internal partial class Fast_Lstm33Seq_Dense3Sigmoid_I16_T20;

[RnnModel(inputSize: 4, steps: 3, Activations = ActivationPrecision.Fast)]
[Lstm(128)]
[Dense(1)]
internal partial class Fast_Lstm128_Dense1_I4_T3;

[RnnModel(inputSize: 2, steps: 10, Activations = ActivationPrecision.Fast)]
[Lstm(8, ReturnSequences = true)]
[Lstm(8)]
[Dense(1)]
internal partial class Fast_Lstm8Seq_Lstm8_Dense1_I2_T10;

[RnnModel(inputSize: 3, steps: 5, Activations = ActivationPrecision.Fast)]
[Gru(8)]
[Dense(1)]
internal partial class Fast_Gru8_Dense1_I3_T5;

[RnnModel(inputSize: 1, steps: 100, Activations = ActivationPrecision.Fast)]
[Gru(4)]
[Dense(1)]
internal partial class Fast_Gru4_Dense1_I1_T100;

[RnnModel(inputSize: 4, steps: 30, Activations = ActivationPrecision.Fast)]
[Gru(16)]
[Dense(8, Activation = Activation.Relu)]
[Dense(1)]
internal partial class Fast_Gru16_Dense8Relu_Dense1_I4_T30;

[RnnModel(inputSize: 1, steps: 2, Activations = ActivationPrecision.Fast)]
[Gru(128, ReturnSequences = true)]
[Dense(2)]
internal partial class Fast_Gru128Seq_Dense2_I1_T2;

[RnnModel(inputSize: 2, steps: 10, Activations = ActivationPrecision.Fast)]
[Gru(8, ReturnSequences = true)]
[Gru(8)]
[Dense(1)]
internal partial class Fast_Gru8Seq_Gru8_Dense1_I2_T10;

internal static class FastReferenceModels
{
    /// <summary>The reference cases that have a fast-activation twin: LSTM and GRU, one layer and stacked, H from 4 to 128.</summary>
    public static readonly string[] CaseNames =
    [
        "Lstm8_Dense1_I3_T5",
        "Lstm4_Dense1_I1_T100",
        "Lstm16_Dense8Relu_Dense1_I4_T30",
        "Lstm33Seq_Dense3Sigmoid_I16_T20",
        "Lstm128_Dense1_I4_T3",
        "Lstm8Seq_Lstm8_Dense1_I2_T10",
        "Gru8_Dense1_I3_T5",
        "Gru4_Dense1_I1_T100",
        "Gru16_Dense8Relu_Dense1_I4_T30",
        "Gru128Seq_Dense2_I1_T2",
        "Gru8Seq_Gru8_Dense1_I2_T10",
    ];

    /// <summary>The fast-activation twin of reference case <paramref name="caseName"/>.</summary>
    public static IRnnModel Create(string caseName) => caseName switch
    {
        "Lstm8_Dense1_I3_T5" => new Fast_Lstm8_Dense1_I3_T5(),
        "Lstm4_Dense1_I1_T100" => new Fast_Lstm4_Dense1_I1_T100(),
        "Lstm16_Dense8Relu_Dense1_I4_T30" => new Fast_Lstm16_Dense8Relu_Dense1_I4_T30(),
        "Lstm33Seq_Dense3Sigmoid_I16_T20" => new Fast_Lstm33Seq_Dense3Sigmoid_I16_T20(),
        "Lstm128_Dense1_I4_T3" => new Fast_Lstm128_Dense1_I4_T3(),
        "Lstm8Seq_Lstm8_Dense1_I2_T10" => new Fast_Lstm8Seq_Lstm8_Dense1_I2_T10(),
        "Gru8_Dense1_I3_T5" => new Fast_Gru8_Dense1_I3_T5(),
        "Gru4_Dense1_I1_T100" => new Fast_Gru4_Dense1_I1_T100(),
        "Gru16_Dense8Relu_Dense1_I4_T30" => new Fast_Gru16_Dense8Relu_Dense1_I4_T30(),
        "Gru128Seq_Dense2_I1_T2" => new Fast_Gru128Seq_Dense2_I1_T2(),
        "Gru8Seq_Gru8_Dense1_I2_T10" => new Fast_Gru8Seq_Gru8_Dense1_I2_T10(),
        _ => throw new System.ArgumentOutOfRangeException(nameof(caseName), caseName, "Expected a case with a fast-activation twin."),
    };
}
