using Rnn.Gen;

namespace Rnn.Gen.Samples.Sentiment;

/// <summary>
/// Reads a sentence as up to 40 word ids (padded with id 0 at the end; the real length goes with each sample) and
/// gives the probabilities of negative and positive. The Embedding turns each id into a learned vector of 32 features
/// (the padding row stays zero); a convolution of 32 ReLU filters over 3 neighbouring words (zero-padded at both ends,
/// so the 40 steps stay 40 and a padded sentence sees zeros past its end) turns them into phrase features; a
/// bidirectional GRU reads those both ways; its forward direction's last valid step and its backward direction's first
/// step go, concatenated, into a Softmax layer. Dropout masks half of the GRU's input features and a quarter of its
/// recurrent state, one mask per sentence, in training only.
/// </summary>
[RnnModel(inputSize: 1, steps: 40)]
[Embedding(2048, 32, PaddingIndex = 0)]
[Conv1D(32, 3, Padding = ConvPadding.Same, Activation = Activation.Relu)]
[Gru(32, Bidirectional = true, Dropout = 0.5, RecurrentDropout = 0.25)]
[Dense(2, Activation = Activation.Softmax)]
public partial class SentimentClassifier;

/// <summary>
/// The same network with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program copies the
/// trained parameters into it and scores the test set again. The GRU weights are quantized; the Embedding is a
/// lookup, and the convolution and the Dense head (2 units, under 16) keep float32 weights.
/// </summary>
[RnnModel(inputSize: 1, steps: 40, Weights = WeightPrecision.Int8)]
[Embedding(2048, 32, PaddingIndex = 0)]
[Conv1D(32, 3, Padding = ConvPadding.Same, Activation = Activation.Relu)]
[Gru(32, Bidirectional = true, Dropout = 0.5, RecurrentDropout = 0.25)]
[Dense(2, Activation = Activation.Softmax)]
public partial class SentimentClassifierInt8;
