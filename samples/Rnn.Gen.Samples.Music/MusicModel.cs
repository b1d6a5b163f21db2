using Rnn.Gen;

namespace Rnn.Gen.Samples.Music;

/// <summary>
/// Many-to-many next-token model over the note/duration tokens of <see cref="Tokens"/>: each step reads one token id
/// (an Embedding row), and a softmax over the vocabulary gives the probabilities of the token that follows it.
/// Trained on windows of <c>Steps</c> tokens from a zero state; generates by streaming with <c>Step</c>.
/// </summary>
[RnnModel(inputSize: 1, steps: 96)]
[Embedding(Tokens.Vocabulary, 32)]
[Lstm(256, ReturnSequences = true, Dropout = 0.1)]
[Dense(Tokens.Vocabulary, Activation = Activation.Softmax)]
public partial class MusicModel;

/// <summary>
/// The same network with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program copies the
/// trained float parameters into it and reports its held-out NLL beside the float model's.
/// </summary>
[RnnModel(inputSize: 1, steps: 96, Weights = WeightPrecision.Int8)]
[Embedding(Tokens.Vocabulary, 32)]
[Lstm(256, ReturnSequences = true, Dropout = 0.1)]
[Dense(Tokens.Vocabulary, Activation = Activation.Softmax)]
public partial class MusicModelInt8;
