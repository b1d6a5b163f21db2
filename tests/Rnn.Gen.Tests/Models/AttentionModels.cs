using Rnn.Gen;

// Encoder–decoder models with attention over the encoder's outputs, and bidirectional encoders.
namespace Rnn.Gen.Tests.Models;

/// <summary>Dot attention (Hd = He = 5), float values fed back, an LSTM encoder and decoder.</summary>
[RnnModel(inputSize: 3, steps: 6)]
[Lstm(5)]
[Decoder(4, Feedback = DecoderFeedback.Output)]
[Lstm(5)]
[Attention(AttentionScore.Dot)]
[Dense(3, Activation = Activation.Tanh)]
public partial class DotAttentionValues;

/// <summary>General attention over a bidirectional GRU encoder (concatenated: He = 8, decoder hidden 8), one-hot token feedback.</summary>
[RnnModel(inputSize: 3, steps: 6)]
[Gru(4, Bidirectional = true)]
[Decoder(4)]
[Gru(8)]
[Attention(AttentionScore.General)]
[Dense(5, Activation = Activation.Softmax)]
public partial class GeneralAttentionGru;

/// <summary>Additive attention (A = 7) over a bidirectional LSTM encoder summed (He = 6), token ids in and out, an end token.</summary>
[RnnModel(inputSize: 1, steps: 7)]
[Embedding(12, 4)]
[Lstm(6, Bidirectional = true, MergeMode = MergeMode.Sum)]
[Decoder(5, StartToken = 1, EndToken = 2)]
[Embedding(9, 4)]
[Lstm(6)]
[Attention(AttentionScore.Additive, Units = 7)]
[Dense(9, Activation = Activation.Softmax)]
public partial class AdditiveAttentionTranslator;

/// <summary>General attention with He != Hd: a stacked LSTM encoder (the top layer's outputs are the memory) into a stacked decoder.</summary>
[RnnModel(inputSize: 2, steps: 5)]
[Lstm(3, ReturnSequences = true)]
[Lstm(4, Bidirectional = true)]
[Decoder(3, Feedback = DecoderFeedback.Output)]
[Lstm(3)]
[Lstm(8)]
[Attention(AttentionScore.General)]
[Dense(2)]
public partial class StackedGeneralAttention;

/// <summary>A bidirectional LSTM encoder (concatenated) without attention: the decoder starts from both directions' final states.</summary>
[RnnModel(inputSize: 3, steps: 5)]
[Lstm(3, Bidirectional = true)]
[Decoder(4, Feedback = DecoderFeedback.Output)]
[Lstm(6)]
[Dense(2)]
public partial class BidirectionalEncoderValues;

/// <summary>Reversing 8 tokens (ids 2..9; 1 starts the decoder), with general attention: the copy task attention is for.</summary>
[RnnModel(inputSize: 1, steps: 8)]
[Embedding(10, 8)]
[Gru(16)]
[Decoder(8, StartToken = 1)]
[Embedding(10, 8)]
[Gru(16)]
[Attention(AttentionScore.General)]
[Dense(10, Activation = Activation.Softmax)]
public partial class ReverserWithAttention;

/// <summary><see cref="ReverserWithAttention"/> without the attention: the decoder sees the input only through its start state.</summary>
[RnnModel(inputSize: 1, steps: 8)]
[Embedding(10, 8)]
[Gru(16)]
[Decoder(8, StartToken = 1)]
[Embedding(10, 8)]
[Gru(16)]
[Dense(10, Activation = Activation.Softmax)]
public partial class ReverserWithoutAttention;
