using System;
using Rnn.Gen;

namespace Rnn.Gen.Samples.Dates;

/// <summary>Beam search of one text of a translator: its one-hot input and valid length in, the output's character ids out.</summary>
internal delegate int BeamDecoder(ReadOnlySpan<float> input, Span<int> tokens, int beamWidth, int length);

/// <summary>
/// Reads a date written in one of several styles, one character per step (one-hot over <see cref="DateText.InputAlphabet"/>,
/// padded at the end to 52 steps), and writes it as the 10 characters of ISO 8601 ("2026-11-25"), one character per
/// decoder step over "0123456789-". The encoder LSTM's final state starts the decoder LSTM, which is fed the one-hot of
/// the previous character: the true one in training (teacher forcing), its own choice in <c>Predict</c>. The whole
/// text reaches the decoder through that one state (no attention: the baseline).
/// </summary>
[RnnModel(inputSize: 40, steps: 52)]
[Lstm(64)]
[Decoder(10)]
[Lstm(64)]
[Dense(11, Activation = Activation.Softmax)]
public partial class DateTranslator
{
    /// <summary>The model's beam search with log-probability alone (every output has 10 characters).</summary>
    internal BeamDecoder BeamDecoder => (input, tokens, width, length) => BeamSearch(input, tokens, width, 0f, length);
}

/// <summary>
/// <see cref="DateTranslator"/> with attention: the same LSTM(64) encoder and decoder, and at every decoder step Luong's
/// global attention (general score) over the encoder's outputs at every character, so that the decoder can look at the
/// characters it is translating (the day, the month, the year) instead of carrying the whole text in one state.
/// </summary>
[RnnModel(inputSize: 40, steps: 52)]
[Lstm(64)]
[Decoder(10)]
[Lstm(64)]
[Attention(AttentionScore.General)]
[Dense(11, Activation = Activation.Softmax)]
public partial class AttentiveDateTranslator
{
    /// <summary>The model's beam search with log-probability alone (every output has 10 characters).</summary>
    internal BeamDecoder BeamDecoder => (input, tokens, width, length) => BeamSearch(input, tokens, width, 0f, length);
}

/// <summary>
/// <see cref="DateTranslator"/> with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program
/// copies the trained parameters into it and scores its greedy decoding and beam search beside the float model's.
/// </summary>
[RnnModel(inputSize: 40, steps: 52, Weights = WeightPrecision.Int8)]
[Lstm(64)]
[Decoder(10)]
[Lstm(64)]
[Dense(11, Activation = Activation.Softmax)]
public partial class DateTranslatorInt8
{
    /// <summary>The model's beam search with log-probability alone.</summary>
    internal BeamDecoder BeamDecoder => (input, tokens, width, length) => BeamSearch(input, tokens, width, 0f, length);
}

/// <summary><see cref="AttentiveDateTranslator"/> with int8 weights for inference (its attention keeps float32 weights).</summary>
[RnnModel(inputSize: 40, steps: 52, Weights = WeightPrecision.Int8)]
[Lstm(64)]
[Decoder(10)]
[Lstm(64)]
[Attention(AttentionScore.General)]
[Dense(11, Activation = Activation.Softmax)]
public partial class AttentiveDateTranslatorInt8
{
    /// <summary>The model's beam search with log-probability alone.</summary>
    internal BeamDecoder BeamDecoder => (input, tokens, width, length) => BeamSearch(input, tokens, width, 0f, length);
}
