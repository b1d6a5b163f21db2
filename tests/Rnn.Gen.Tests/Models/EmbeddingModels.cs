using Rnn.Gen;

// Models whose first layer is an Embedding: they read token ids. Kept out of AllModels, whose tests feed random floats.
namespace Rnn.Gen.Tests.Models;

/// <summary>Many-to-one over token ids, with a padding row.</summary>
[RnnModel(inputSize: 1, steps: 9)]
[Embedding(23, 6, PaddingIndex = 0)]
[Gru(7)]
[Dense(3, Activation = Activation.Softmax)]
public partial class TokenGruClassifier;

/// <summary>Many-to-many over token ids (streams).</summary>
[RnnModel(inputSize: 1, steps: 8)]
[Embedding(17, 5)]
[Lstm(6, ReturnSequences = true)]
[Dense(4)]
public partial class TokenLstmTagger;

/// <summary>An Embedding into a bidirectional layer (no batch path, no Step).</summary>
[RnnModel(inputSize: 1, steps: 7)]
[Embedding(11, 4)]
[Gru(5, Bidirectional = true)]
[Dense(2)]
public partial class TokenBidirectional;

/// <summary>Token ids in and out: an Embedding encoder, and a decoder whose Embedding reads each chosen token (start token 1).</summary>
[RnnModel(inputSize: 1, steps: 6)]
[Embedding(9, 4)]
[Gru(8)]
[Decoder(5, StartToken = 1)]
[Embedding(7, 3)]
[Gru(8)]
[Dense(7, Activation = Activation.Softmax)]
public partial class TokenTranslator;

/// <summary>Embedding → Conv1D → MaxPool1D → GRU → Dense: token ids through convolution and pooling into recurrence.</summary>
[RnnModel(inputSize: 1, steps: 12)]
[Embedding(20, 6, PaddingIndex = 0)]
[Conv1D(8, 3, Activation = Activation.Relu)]
[MaxPool1D(2)]
[Gru(7)]
[Dense(2, Activation = Activation.Softmax)]
public partial class TokenConvPoolGru;

/// <summary>The same front-end into a bidirectional LSTM (no batch path).</summary>
[RnnModel(inputSize: 1, steps: 12)]
[Embedding(20, 6)]
[Conv1D(5, 3, Padding = ConvPadding.Same)]
[AvgPool1D(2)]
[Lstm(4, Bidirectional = true)]
[Dense(3)]
public partial class TokenConvBiLstm;

/// <summary>An Embedding with Keras's embeddings regularizer.</summary>
[RnnModel(inputSize: 1, steps: 4)]
[Embedding(6, 3, PaddingIndex = 0, EmbeddingsL1 = 0.01, EmbeddingsL2 = 0.1)]
[Gru(2)]
public partial class TokenPenalized;
