using System;
using Rnn.Gen;

namespace Rnn.Gen.Samples.Pronunciation;

/// <summary>Decodes one word: its letter ids (<see cref="Graphemes.MaxLetters"/>, padded) and length in, phoneme tokens out; returns the tokens' count.</summary>
internal delegate int SpellDecoder(ReadOnlySpan<float> letters, Span<int> tokens, int beamWidth, int length);

/// <summary>
/// The encoder–decoder without attention: an LSTM reads the word's letters (token ids, padded at the end; the encoder
/// stops at the word's last letter), and its final state starts the decoder LSTM, which reads the start token, then
/// each phoneme it chose (the true one in training), and writes one phoneme per step until the end token. The whole
/// word reaches the decoder through that one state.
/// </summary>
[RnnModel(inputSize: 1, steps: Graphemes.MaxLetters)]
[Embedding(Graphemes.VocabularySize, 32)]
[Lstm(128)]
[Decoder(Phonemes.MaxSteps, StartToken = Phonemes.Start, EndToken = Phonemes.End)]
[Embedding(Phonemes.VocabularySize, 32)]
[Lstm(128)]
[Dense(Phonemes.VocabularySize, Activation = Activation.Softmax)]
public partial class Speller
{
    /// <summary>A decoder on a predictor of its own (for one thread), beams reserved up to <paramref name="beamWidth"/>.</summary>
    internal SpellDecoder CreateDecoder(int beamWidth)
    {
        Predictor predictor = CreatePredictor();
        predictor.ReserveBeam(beamWidth);
        return (ReadOnlySpan<float> letters, Span<int> tokens, int width, int length) => predictor.BeamSearch(letters, tokens, width, 0f, length);
    }
}

/// <summary>
/// The encoder–decoder with attention: a bidirectional LSTM reads the letters both ways (its 64 + 64 features at every
/// letter are the memory), its final states of both directions start the decoder LSTM(128), and at every decoder
/// step Luong's global attention with the general score weighs the letters by their match with the decoder's state,
/// so the decoder looks at the letters it is spelling out instead of carrying the whole word in one state.
/// </summary>
[RnnModel(inputSize: 1, steps: Graphemes.MaxLetters)]
[Embedding(Graphemes.VocabularySize, 32)]
[Lstm(64, Bidirectional = true)]
[Decoder(Phonemes.MaxSteps, StartToken = Phonemes.Start, EndToken = Phonemes.End)]
[Embedding(Phonemes.VocabularySize, 32)]
[Lstm(128)]
[Attention(AttentionScore.General)]
[Dense(Phonemes.VocabularySize, Activation = Activation.Softmax)]
public partial class AttentiveSpeller
{
    /// <summary>A decoder on a predictor of its own (for one thread), beams reserved up to <paramref name="beamWidth"/>.</summary>
    internal SpellDecoder CreateDecoder(int beamWidth)
    {
        Predictor predictor = CreatePredictor();
        predictor.ReserveBeam(beamWidth);
        return (ReadOnlySpan<float> letters, Span<int> tokens, int width, int length) => predictor.BeamSearch(letters, tokens, width, 0f, length);
    }
}

/// <summary>
/// <see cref="Speller"/> with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program copies
/// the trained parameters into it and scores it beside the float model.
/// </summary>
[RnnModel(inputSize: 1, steps: Graphemes.MaxLetters, Weights = WeightPrecision.Int8)]
[Embedding(Graphemes.VocabularySize, 32)]
[Lstm(128)]
[Decoder(Phonemes.MaxSteps, StartToken = Phonemes.Start, EndToken = Phonemes.End)]
[Embedding(Phonemes.VocabularySize, 32)]
[Lstm(128)]
[Dense(Phonemes.VocabularySize, Activation = Activation.Softmax)]
public partial class SpellerInt8
{
    /// <summary>A decoder on a predictor of its own (for one thread), beams reserved up to <paramref name="beamWidth"/>.</summary>
    internal SpellDecoder CreateDecoder(int beamWidth)
    {
        Predictor predictor = CreatePredictor();
        predictor.ReserveBeam(beamWidth);
        return (ReadOnlySpan<float> letters, Span<int> tokens, int width, int length) => predictor.BeamSearch(letters, tokens, width, 0f, length);
    }
}

/// <summary><see cref="AttentiveSpeller"/> with int8 weights for inference (its attention keeps float32 weights).</summary>
[RnnModel(inputSize: 1, steps: Graphemes.MaxLetters, Weights = WeightPrecision.Int8)]
[Embedding(Graphemes.VocabularySize, 32)]
[Lstm(64, Bidirectional = true)]
[Decoder(Phonemes.MaxSteps, StartToken = Phonemes.Start, EndToken = Phonemes.End)]
[Embedding(Phonemes.VocabularySize, 32)]
[Lstm(128)]
[Attention(AttentionScore.General)]
[Dense(Phonemes.VocabularySize, Activation = Activation.Softmax)]
public partial class AttentiveSpellerInt8
{
    /// <summary>A decoder on a predictor of its own (for one thread), beams reserved up to <paramref name="beamWidth"/>.</summary>
    internal SpellDecoder CreateDecoder(int beamWidth)
    {
        Predictor predictor = CreatePredictor();
        predictor.ReserveBeam(beamWidth);
        return (ReadOnlySpan<float> letters, Span<int> tokens, int width, int length) => predictor.BeamSearch(letters, tokens, width, 0f, length);
    }
}
