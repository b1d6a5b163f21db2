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
