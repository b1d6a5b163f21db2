using System;
using Rnn.Gen;

// The models of issue 6, declared as a user would. Streaming models use steps: 1 (Step ignores Steps); each exists
// with and without a Dense(1) head. The classes are sealed, and each adds StepBlock: a loop of Step calls written
// inside the class, so the JIT sees direct calls on the concrete type (one interface call per block, not per step).
// The streaming declarations were written by a loop; keep the pattern when adding sizes.
namespace Rnn.Gen.Benchmarks.Models;

/// <summary>A generated model that streams a block of <see cref="StreamingBenchmarks.StepsPerInvoke"/> steps.</summary>
public interface IStreamingModel : IRnnModel
{
    /// <summary>Calls Step once per step of <paramref name="inputs"/> [StepsPerInvoke, InputSize].</summary>
    void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs);
}

[RnnModel(inputSize: 1, steps: 1)] [Lstm(8)]
public sealed partial class LstmStream_I1_H8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Lstm(8)] [Dense(1)]
public sealed partial class LstmStream_I1_H8_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Lstm(16)]
public sealed partial class LstmStream_I1_H16 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Lstm(16)] [Dense(1)]
public sealed partial class LstmStream_I1_H16_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Lstm(32)]
public sealed partial class LstmStream_I1_H32 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Lstm(32)] [Dense(1)]
public sealed partial class LstmStream_I1_H32_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Lstm(64)]
public sealed partial class LstmStream_I1_H64 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Lstm(64)] [Dense(1)]
public sealed partial class LstmStream_I1_H64_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Lstm(128)]
public sealed partial class LstmStream_I1_H128 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Lstm(128)] [Dense(1)]
public sealed partial class LstmStream_I1_H128_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }

[RnnModel(inputSize: 8, steps: 1)] [Lstm(8)]
public sealed partial class LstmStream_IH_H8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 8, steps: 1)] [Lstm(8)] [Dense(1)]
public sealed partial class LstmStream_IH_H8_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1)] [Lstm(16)]
public sealed partial class LstmStream_IH_H16 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1)] [Lstm(16)] [Dense(1)]
public sealed partial class LstmStream_IH_H16_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1)] [Lstm(32)]
public sealed partial class LstmStream_IH_H32 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1)] [Lstm(32)] [Dense(1)]
public sealed partial class LstmStream_IH_H32_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1)] [Lstm(64)]
public sealed partial class LstmStream_IH_H64 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1)] [Lstm(64)] [Dense(1)]
public sealed partial class LstmStream_IH_H64_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1)] [Lstm(128)]
public sealed partial class LstmStream_IH_H128 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1)] [Lstm(128)] [Dense(1)]
public sealed partial class LstmStream_IH_H128_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }

[RnnModel(inputSize: 1, steps: 1)] [Gru(8)]
public sealed partial class GruStream_I1_H8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Gru(8)] [Dense(1)]
public sealed partial class GruStream_I1_H8_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Gru(16)]
public sealed partial class GruStream_I1_H16 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Gru(16)] [Dense(1)]
public sealed partial class GruStream_I1_H16_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Gru(32)]
public sealed partial class GruStream_I1_H32 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Gru(32)] [Dense(1)]
public sealed partial class GruStream_I1_H32_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Gru(64)]
public sealed partial class GruStream_I1_H64 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Gru(64)] [Dense(1)]
public sealed partial class GruStream_I1_H64_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Gru(128)]
public sealed partial class GruStream_I1_H128 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1)] [Gru(128)] [Dense(1)]
public sealed partial class GruStream_I1_H128_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }

[RnnModel(inputSize: 8, steps: 1)] [Gru(8)]
public sealed partial class GruStream_IH_H8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 8, steps: 1)] [Gru(8)] [Dense(1)]
public sealed partial class GruStream_IH_H8_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1)] [Gru(16)]
public sealed partial class GruStream_IH_H16 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1)] [Gru(16)] [Dense(1)]
public sealed partial class GruStream_IH_H16_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1)] [Gru(32)]
public sealed partial class GruStream_IH_H32 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1)] [Gru(32)] [Dense(1)]
public sealed partial class GruStream_IH_H32_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1)] [Gru(64)]
public sealed partial class GruStream_IH_H64 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1)] [Gru(64)] [Dense(1)]
public sealed partial class GruStream_IH_H64_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1)] [Gru(128)]
public sealed partial class GruStream_IH_H128 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1)] [Gru(128)] [Dense(1)]
public sealed partial class GruStream_IH_H128_Dense : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }

// (b) whole-sequence Predict: input 16, 100 steps, many-to-one with a Dense(1) head.
[RnnModel(inputSize: 16, steps: 100)] [Lstm(32)] [Dense(1)] public sealed partial class LstmSequence_I16_H32;
[RnnModel(inputSize: 16, steps: 100)] [Lstm(128)] [Dense(1)] public sealed partial class LstmSequence_I16_H128;
[RnnModel(inputSize: 16, steps: 100)] [Gru(32)] [Dense(1)] public sealed partial class GruSequence_I16_H32;
[RnnModel(inputSize: 16, steps: 100)] [Gru(128)] [Dense(1)] public sealed partial class GruSequence_I16_H128;

// (c) and (d) the training step: LSTM input 8, hidden 64, 50 steps, Dense(1).
[RnnModel(inputSize: 8, steps: 50)] [Lstm(64)] [Dense(1)] public sealed partial class LstmTrain_I8_H64;

/// <summary>Token ids in: the word-level classifier (EmbeddingBenchmarks).</summary>
[RnnModel(inputSize: 1, steps: 50)]
[Embedding(10000, 128)]
[Gru(128)]
[Dense(2, Activation = Activation.Softmax)]
public sealed partial class EmbeddingGruClassifier;

/// <summary>Token ids in and out, G2P-sized: an Embedding → LSTM(128) encoder over 20 ids, an Embedding → LSTM(128) decoder over 20 steps (DecodingBenchmarks).</summary>
[RnnModel(inputSize: 1, steps: 20)]
[Embedding(40, 64)]
[Lstm(128)]
[Decoder(20, StartToken = 1)]
[Embedding(40, 64)]
[Lstm(128)]
[Dense(40, Activation = Activation.Softmax)]
public sealed partial class TokenSeq2Seq;

/// <summary>
/// Issue 15's translation model (TranslationBenchmarks): 12 source ids over 4,000 words, a bidirectional LSTM(64)
/// encoder, an LSTM(128) decoder with Luong's general attention over the encoder's 12 steps, 14 steps over 4,000
/// target words, start token 1, end token 2.
/// </summary>
[RnnModel(inputSize: 1, steps: 12)]
[Embedding(4000, 128)]
[Lstm(64, Bidirectional = true)]
[Decoder(14, StartToken = 1, EndToken = 2)]
[Embedding(4000, 128)]
[Lstm(128)]
[Attention(AttentionScore.General)]
[Dense(4000, Activation = Activation.Softmax)]
public sealed partial class AttentionTranslator;
// Int8 twins (Weights = WeightPrecision.Int8) of the streaming and sequence models: the RnnGenInt8 column of (a) and (b).
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(8)]
public sealed partial class LstmStream_I1_H8_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(8)] [Dense(1)]
public sealed partial class LstmStream_I1_H8_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(16)]
public sealed partial class LstmStream_I1_H16_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(16)] [Dense(1)]
public sealed partial class LstmStream_I1_H16_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(32)]
public sealed partial class LstmStream_I1_H32_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(32)] [Dense(1)]
public sealed partial class LstmStream_I1_H32_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(64)]
public sealed partial class LstmStream_I1_H64_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(64)] [Dense(1)]
public sealed partial class LstmStream_I1_H64_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(128)]
public sealed partial class LstmStream_I1_H128_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(128)] [Dense(1)]
public sealed partial class LstmStream_I1_H128_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 8, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(8)]
public sealed partial class LstmStream_IH_H8_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 8, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(8)] [Dense(1)]
public sealed partial class LstmStream_IH_H8_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(16)]
public sealed partial class LstmStream_IH_H16_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(16)] [Dense(1)]
public sealed partial class LstmStream_IH_H16_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(32)]
public sealed partial class LstmStream_IH_H32_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(32)] [Dense(1)]
public sealed partial class LstmStream_IH_H32_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(64)]
public sealed partial class LstmStream_IH_H64_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(64)] [Dense(1)]
public sealed partial class LstmStream_IH_H64_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(128)]
public sealed partial class LstmStream_IH_H128_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1, Weights = WeightPrecision.Int8)] [Lstm(128)] [Dense(1)]
public sealed partial class LstmStream_IH_H128_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Gru(8)]
public sealed partial class GruStream_I1_H8_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Gru(8)] [Dense(1)]
public sealed partial class GruStream_I1_H8_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Gru(16)]
public sealed partial class GruStream_I1_H16_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Gru(16)] [Dense(1)]
public sealed partial class GruStream_I1_H16_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Gru(32)]
public sealed partial class GruStream_I1_H32_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Gru(32)] [Dense(1)]
public sealed partial class GruStream_I1_H32_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Gru(64)]
public sealed partial class GruStream_I1_H64_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Gru(64)] [Dense(1)]
public sealed partial class GruStream_I1_H64_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Gru(128)]
public sealed partial class GruStream_I1_H128_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Weights = WeightPrecision.Int8)] [Gru(128)] [Dense(1)]
public sealed partial class GruStream_I1_H128_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 8, steps: 1, Weights = WeightPrecision.Int8)] [Gru(8)]
public sealed partial class GruStream_IH_H8_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 8, steps: 1, Weights = WeightPrecision.Int8)] [Gru(8)] [Dense(1)]
public sealed partial class GruStream_IH_H8_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1, Weights = WeightPrecision.Int8)] [Gru(16)]
public sealed partial class GruStream_IH_H16_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1, Weights = WeightPrecision.Int8)] [Gru(16)] [Dense(1)]
public sealed partial class GruStream_IH_H16_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1, Weights = WeightPrecision.Int8)] [Gru(32)]
public sealed partial class GruStream_IH_H32_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1, Weights = WeightPrecision.Int8)] [Gru(32)] [Dense(1)]
public sealed partial class GruStream_IH_H32_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1, Weights = WeightPrecision.Int8)] [Gru(64)]
public sealed partial class GruStream_IH_H64_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1, Weights = WeightPrecision.Int8)] [Gru(64)] [Dense(1)]
public sealed partial class GruStream_IH_H64_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1, Weights = WeightPrecision.Int8)] [Gru(128)]
public sealed partial class GruStream_IH_H128_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1, Weights = WeightPrecision.Int8)] [Gru(128)] [Dense(1)]
public sealed partial class GruStream_IH_H128_Dense_Int8 : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 100, Weights = WeightPrecision.Int8)] [Lstm(32)] [Dense(1)] public sealed partial class LstmSequence_I16_H32_Int8;
[RnnModel(inputSize: 16, steps: 100, Weights = WeightPrecision.Int8)] [Lstm(128)] [Dense(1)] public sealed partial class LstmSequence_I16_H128_Int8;
[RnnModel(inputSize: 16, steps: 100, Weights = WeightPrecision.Int8)] [Gru(32)] [Dense(1)] public sealed partial class GruSequence_I16_H32_Int8;
[RnnModel(inputSize: 16, steps: 100, Weights = WeightPrecision.Int8)] [Gru(128)] [Dense(1)] public sealed partial class GruSequence_I16_H128_Int8;
