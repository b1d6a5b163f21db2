// The int8 twins of decoder and attention reference models: the same layers with Weights = WeightPrecision.Int8
// (Int8DecoderReferenceTests). Each twin's float32 model is the reference model of the same case.
#nullable enable

using System;

namespace Rnn.Gen.Tests.Reference;

[RnnModel(inputSize: 4, steps: 6, Weights = WeightPrecision.Int8)]
[Lstm(6)]
[Decoder(5)]
[Lstm(6)]
[Dense(5, Activation = Activation.Softmax)]
internal partial class Int8_Lstm6_Dec5_Lstm6_Dense5Softmax_I4_T6;

[RnnModel(inputSize: 3, steps: 7, Weights = WeightPrecision.Int8)]
[Gru(7)]
[Decoder(4)]
[Gru(7)]
[Dense(3, Activation = Activation.Softmax)]
internal partial class Int8_Gru7_Dec4_Gru7_Dense3Softmax_I3_T7;

[RnnModel(inputSize: 2, steps: 6, Weights = WeightPrecision.Int8)]
[SimpleRnn(5, Activation = Activation.Tanh)]
[Decoder(3, Feedback = DecoderFeedback.Output)]
[SimpleRnn(5, Activation = Activation.Tanh)]
[Dense(2, Activation = Activation.Tanh)]
internal partial class Int8_RnnTanh5_Dec3Out_RnnTanh5_Dense2Tanh_I2_T6;

[RnnModel(inputSize: 2, steps: 5, Weights = WeightPrecision.Int8)]
[Gru(5, ReturnSequences = true)]
[Gru(9)]
[Decoder(5)]
[Gru(5)]
[Gru(9)]
[Dense(2, Activation = Activation.Tanh)]
internal partial class Int8_Gru5Seq_Gru9_Dec5_Gru5_Gru9_Dense2Tanh_I2_T5;

[RnnModel(inputSize: 3, steps: 5, Weights = WeightPrecision.Int8)]
[Lstm(6, ReturnSequences = true)]
[Gru(4)]
[Decoder(4)]
[Lstm(6)]
[Gru(4)]
[Dense(5, Activation = Activation.Softmax)]
internal partial class Int8_Lstm6Seq_Gru4_Dec4_Lstm6_Gru4_Dense5Softmax_I3_T5;

[RnnModel(inputSize: 3, steps: 7, Weights = WeightPrecision.Int8)]
[Lstm(5)]
[Decoder(4)]
[Lstm(5)]
[Dense(4, Activation = Activation.Softmax)]
internal partial class Int8_Lstm5_Dec4_Lstm5_Dense4Softmax_I3_T7_Len4;

[RnnModel(inputSize: 3, steps: 6, Weights = WeightPrecision.Int8)]
[Gru(6)]
[Decoder(4, Feedback = DecoderFeedback.Output)]
[Gru(6)]
[Dense(3, Activation = Activation.Softmax)]
internal partial class Int8_Gru6_Dec4Out_Gru6_Dense3Softmax_I3_T6;

[RnnModel(inputSize: 4, steps: 1, Weights = WeightPrecision.Int8)]
[Decoder(6, Feedback = DecoderFeedback.Output)]
[Gru(5)]
[Dense(3)]
internal partial class Int8_Dec6Out_Gru5_Dense3_I4_T1;

[RnnModel(inputSize: 3, steps: 1, Weights = WeightPrecision.Int8)]
[Decoder(5, Feedback = DecoderFeedback.Token)]
[Lstm(9)]
[Dense(4, Activation = Activation.Softmax)]
internal partial class Int8_Dec5Tok_Lstm9_Dense4Softmax_I3_T1;

[RnnModel(inputSize: 3, steps: 6, Weights = WeightPrecision.Int8)]
[Lstm(6)]
[Decoder(4)]
[Lstm(6)]
[Attention(AttentionScore.Dot)]
[Dense(5, Activation = Activation.Softmax)]
internal partial class Int8_AttnDotLstm;

[RnnModel(inputSize: 2, steps: 5, Weights = WeightPrecision.Int8)]
[Gru(7)]
[Decoder(5)]
[Gru(7)]
[Attention(AttentionScore.General)]
[Dense(4, Activation = Activation.Softmax)]
internal partial class Int8_AttnGeneralGru;

[RnnModel(inputSize: 3, steps: 6, Weights = WeightPrecision.Int8)]
[Lstm(5)]
[Decoder(4)]
[Lstm(5)]
[Attention(AttentionScore.Additive, Units = 4)]
[Dense(5, Activation = Activation.Softmax)]
internal partial class Int8_AttnAdditiveLstm_V5;

[RnnModel(inputSize: 1, steps: 7, Weights = WeightPrecision.Int8)]
[Embedding(11, 4)]
[Lstm(3, Bidirectional = true)]
[Decoder(5, StartToken = 2)]
[Embedding(7, 3)]
[Lstm(6)]
[Attention(AttentionScore.General)]
[Dense(7, Activation = Activation.Softmax)]
internal partial class Int8_AttnTokBiLstmConcatGeneral;

[RnnModel(inputSize: 1, steps: 6, Weights = WeightPrecision.Int8)]
[Embedding(9, 3)]
[Gru(5, Bidirectional = true, MergeMode = MergeMode.Sum)]
[Decoder(4, StartToken = 1)]
[Embedding(6, 4)]
[Gru(5)]
[Attention(AttentionScore.Additive, Units = 3)]
[Dense(6, Activation = Activation.Softmax)]
internal partial class Int8_AttnTokBiGruSumAdditive;

[RnnModel(inputSize: 3, steps: 5, Weights = WeightPrecision.Int8)]
[Lstm(4, Bidirectional = true, MergeMode = MergeMode.Sum)]
[Decoder(4)]
[Lstm(4)]
[Attention(AttentionScore.Dot)]
[Dense(5, Activation = Activation.Softmax)]
internal partial class Int8_AttnBiLstmSumDot;

[RnnModel(inputSize: 2, steps: 5, Weights = WeightPrecision.Int8)]
[Gru(4, ReturnSequences = true)]
[Gru(6)]
[Decoder(4)]
[Gru(4)]
[Gru(6)]
[Attention(AttentionScore.General)]
[Dense(5, Activation = Activation.Softmax)]
internal partial class Int8_AttnStackedGruGeneral;

[RnnModel(inputSize: 3, steps: 5, Weights = WeightPrecision.Int8)]
[Lstm(5)]
[Decoder(4)]
[Lstm(5)]
[Attention(AttentionScore.General)]
[Dense(2, Activation = Activation.Tanh)]
internal partial class Int8_AttnLstmOutputFeedback;

[RnnModel(inputSize: 1, steps: 6, Weights = WeightPrecision.Int8)]
[Embedding(10, 4)]
[Lstm(4)]
[Decoder(6, EndToken = 3)]
[Embedding(8, 3)]
[Lstm(4)]
[Attention(AttentionScore.General)]
[Dense(8, Activation = Activation.Softmax)]
internal partial class Int8_AttnTokLstmGeneralEnd_V8H4D3;

/// <summary>The cases, their twins and the members IRnnModel does not have.</summary>
internal static class Int8DecoderReferenceModels
{
    /// <summary>Folder/case: the reference file of each twin (Decoder/ or Attention/).</summary>
    public static readonly string[] CaseNames =
    [
        "Decoder/Lstm6_Dec5_Lstm6_Dense5Softmax_I4_T6",
        "Decoder/Gru7_Dec4_Gru7_Dense3Softmax_I3_T7",
        "Decoder/RnnTanh5_Dec3Out_RnnTanh5_Dense2Tanh_I2_T6",
        "Decoder/Gru5Seq_Gru9_Dec5_Gru5_Gru9_Dense2Tanh_I2_T5",
        "Decoder/Lstm6Seq_Gru4_Dec4_Lstm6_Gru4_Dense5Softmax_I3_T5",
        "Decoder/Lstm5_Dec4_Lstm5_Dense4Softmax_I3_T7_Len4",
        "Decoder/Gru6_Dec4Out_Gru6_Dense3Softmax_I3_T6",
        "Decoder/Dec6Out_Gru5_Dense3_I4_T1",
        "Decoder/Dec5Tok_Lstm9_Dense4Softmax_I3_T1",
        "Attention/AttnDotLstm",
        "Attention/AttnGeneralGru",
        "Attention/AttnAdditiveLstm_V5",
        "Attention/AttnTokBiLstmConcatGeneral",
        "Attention/AttnTokBiGruSumAdditive",
        "Attention/AttnBiLstmSumDot",
        "Attention/AttnStackedGruGeneral",
        "Attention/AttnLstmOutputFeedback",
        "Attention/AttnTokLstmGeneralEnd_V8H4D3",
    ];

    /// <summary>The int8 twin of the case.</summary>
    public static IRnnModel Create(string caseName) => caseName switch
    {
        "Decoder/Lstm6_Dec5_Lstm6_Dense5Softmax_I4_T6" => new Int8_Lstm6_Dec5_Lstm6_Dense5Softmax_I4_T6(),
        "Decoder/Gru7_Dec4_Gru7_Dense3Softmax_I3_T7" => new Int8_Gru7_Dec4_Gru7_Dense3Softmax_I3_T7(),
        "Decoder/RnnTanh5_Dec3Out_RnnTanh5_Dense2Tanh_I2_T6" => new Int8_RnnTanh5_Dec3Out_RnnTanh5_Dense2Tanh_I2_T6(),
        "Decoder/Gru5Seq_Gru9_Dec5_Gru5_Gru9_Dense2Tanh_I2_T5" => new Int8_Gru5Seq_Gru9_Dec5_Gru5_Gru9_Dense2Tanh_I2_T5(),
        "Decoder/Lstm6Seq_Gru4_Dec4_Lstm6_Gru4_Dense5Softmax_I3_T5" => new Int8_Lstm6Seq_Gru4_Dec4_Lstm6_Gru4_Dense5Softmax_I3_T5(),
        "Decoder/Lstm5_Dec4_Lstm5_Dense4Softmax_I3_T7_Len4" => new Int8_Lstm5_Dec4_Lstm5_Dense4Softmax_I3_T7_Len4(),
        "Decoder/Gru6_Dec4Out_Gru6_Dense3Softmax_I3_T6" => new Int8_Gru6_Dec4Out_Gru6_Dense3Softmax_I3_T6(),
        "Decoder/Dec6Out_Gru5_Dense3_I4_T1" => new Int8_Dec6Out_Gru5_Dense3_I4_T1(),
        "Decoder/Dec5Tok_Lstm9_Dense4Softmax_I3_T1" => new Int8_Dec5Tok_Lstm9_Dense4Softmax_I3_T1(),
        "Attention/AttnDotLstm" => new Int8_AttnDotLstm(),
        "Attention/AttnGeneralGru" => new Int8_AttnGeneralGru(),
        "Attention/AttnAdditiveLstm_V5" => new Int8_AttnAdditiveLstm_V5(),
        "Attention/AttnTokBiLstmConcatGeneral" => new Int8_AttnTokBiLstmConcatGeneral(),
        "Attention/AttnTokBiGruSumAdditive" => new Int8_AttnTokBiGruSumAdditive(),
        "Attention/AttnBiLstmSumDot" => new Int8_AttnBiLstmSumDot(),
        "Attention/AttnStackedGruGeneral" => new Int8_AttnStackedGruGeneral(),
        "Attention/AttnLstmOutputFeedback" => new Int8_AttnLstmOutputFeedback(),
        "Attention/AttnTokLstmGeneralEnd_V8H4D3" => new Int8_AttnTokLstmGeneralEnd_V8H4D3(),
        _ => throw new ArgumentException($"No int8 decoder case is named '{caseName}'.", nameof(caseName)),
    };

    /// <summary>The float32 model of the case (its reference model).</summary>
    public static IRnnModel CreateFloat(string caseName) => caseName.StartsWith("Decoder/", StringComparison.Ordinal)
        ? DecoderReferenceModels.Create(caseName["Decoder/".Length..])
        : AttentionReferenceModels.Create(caseName["Attention/".Length..]);

    /// <summary>The model's BeamSearch (token models only); false for a model that feeds back outputs.</summary>
    public static bool TryBeamSearch(IRnnModel model, ReadOnlySpan<float> input, Span<int> tokens, int beamWidth, int length, out int steps)
    {
        switch (model)
        {
            case Int8_Lstm6_Dec5_Lstm6_Dense5Softmax_I4_T6 m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_Gru7_Dec4_Gru7_Dense3Softmax_I3_T7 m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_Lstm6Seq_Gru4_Dec4_Lstm6_Gru4_Dense5Softmax_I3_T5 m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_Lstm5_Dec4_Lstm5_Dense4Softmax_I3_T7_Len4 m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_Dec5Tok_Lstm9_Dense4Softmax_I3_T1 m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_AttnDotLstm m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_AttnGeneralGru m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_AttnAdditiveLstm_V5 m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_AttnTokBiLstmConcatGeneral m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_AttnTokBiGruSumAdditive m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_AttnBiLstmSumDot m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_AttnStackedGruGeneral m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            case Int8_AttnTokLstmGeneralEnd_V8H4D3 m: steps = m.BeamSearch(input, tokens, beamWidth, 0f, length); return true;
            default: steps = 0; return false;
        }
    }

    /// <summary>The model's Generate (token models only); false for a model that feeds back outputs.</summary>
    public static bool TryGenerate(IRnnModel model, ReadOnlySpan<float> input, Span<float> output, Span<int> tokens, float temperature, int topK, global::Rnn.Gen.Initialization.SeededRandom random)
    {
        switch (model)
        {
            case Int8_Lstm6_Dec5_Lstm6_Dense5Softmax_I4_T6 m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_Gru7_Dec4_Gru7_Dense3Softmax_I3_T7 m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_Lstm6Seq_Gru4_Dec4_Lstm6_Gru4_Dense5Softmax_I3_T5 m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_Lstm5_Dec4_Lstm5_Dense4Softmax_I3_T7_Len4 m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_Dec5Tok_Lstm9_Dense4Softmax_I3_T1 m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_AttnDotLstm m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_AttnGeneralGru m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_AttnAdditiveLstm_V5 m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_AttnTokBiLstmConcatGeneral m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_AttnTokBiGruSumAdditive m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_AttnBiLstmSumDot m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_AttnStackedGruGeneral m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            case Int8_AttnTokLstmGeneralEnd_V8H4D3 m: m.Generate(input, output, tokens, temperature, topK, random); return true;
            default: return false;
        }
    }

    /// <summary>The attention weights of the model's last decoding (attention models only; empty otherwise).</summary>
    public static ReadOnlySpan<float> AttentionWeights(IRnnModel model) => model switch
    {
        Int8_AttnDotLstm m => m.AttentionWeights,
        Int8_AttnGeneralGru m => m.AttentionWeights,
        Int8_AttnAdditiveLstm_V5 m => m.AttentionWeights,
        Int8_AttnTokBiLstmConcatGeneral m => m.AttentionWeights,
        Int8_AttnTokBiGruSumAdditive m => m.AttentionWeights,
        Int8_AttnBiLstmSumDot m => m.AttentionWeights,
        Int8_AttnStackedGruGeneral m => m.AttentionWeights,
        Int8_AttnLstmOutputFeedback m => m.AttentionWeights,
        Int8_AttnTokLstmGeneralEnd_V8H4D3 m => m.AttentionWeights,
        _ => ReadOnlySpan<float>.Empty,
    };
}
