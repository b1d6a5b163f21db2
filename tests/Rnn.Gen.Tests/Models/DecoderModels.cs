using Rnn.Gen;

// Encoder–decoder and one-to-many models, with token and output feedback.
namespace Rnn.Gen.Tests.Models;

[RnnModel(inputSize: 3, steps: 5)]
[Lstm(6, ReturnSequences = true)]
[Gru(4)]
[Decoder(4)]
[Lstm(6)]
[Gru(4)]
[Dense(5, Activation = Activation.Softmax)]
public partial class Seq2SeqTokens;

[RnnModel(inputSize: 2, steps: 6)]
[SimpleRnn(5)]
[Decoder(3, Feedback = DecoderFeedback.Output)]
[SimpleRnn(5)]
[Dense(2, Activation = Activation.Tanh)]
public partial class Seq2SeqValues;

[RnnModel(inputSize: 4, steps: 1)]
[Decoder(6)]
[Lstm(7)]
[Dense(5, Activation = Activation.Softmax)]
public partial class OneToManyTokens;

/// <summary>A token decoder that stops at its end token 2 (one-hot feedback).</summary>
[RnnModel(inputSize: 3, steps: 5)]
[Gru(6)]
[Decoder(6, EndToken = 2)]
[Gru(6)]
[Dense(4, Activation = Activation.Softmax)]
public partial class EndTokenSeq2Seq;

/// <summary>Token ids in and out, an Embedding decoder with start token 1 and end token 2.</summary>
[RnnModel(inputSize: 1, steps: 6)]
[Embedding(9, 4)]
[Lstm(5)]
[Decoder(5, StartToken = 1, EndToken = 2)]
[Embedding(7, 3)]
[Lstm(5)]
[Dense(7, Activation = Activation.Softmax)]
public partial class EndTokenTranslator;

/// <summary>An Elman token decoder with an end token: its beam search steps the Elman layer's rows with an activation loop over the beams.</summary>
[RnnModel(inputSize: 3, steps: 4)]
[SimpleRnn(6)]
[Decoder(5, EndToken = 2)]
[SimpleRnn(6)]
[Dense(5, Activation = Activation.Softmax)]
public partial class ElmanTokenDecoder;
