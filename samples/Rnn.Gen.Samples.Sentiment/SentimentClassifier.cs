using Rnn.Gen;

namespace Rnn.Gen.Samples.Sentiment;

/// <summary>
/// Reads a sentence as up to 40 word vectors of 128 features (padded at the end; the real length goes with each
/// sample) and gives the probabilities of negative and positive. A bidirectional GRU reads the words both ways; its
/// forward direction's last valid step and its backward direction's first step go, concatenated, into a Softmax
/// layer. Dropout masks half of the input features and a quarter of the recurrent state, one mask per sentence, in
/// training only.
/// </summary>
[RnnModel(inputSize: 128, steps: 40)]
[Gru(32, Bidirectional = true, Dropout = 0.5, RecurrentDropout = 0.25)]
[Dense(2, Activation = Activation.Softmax)]
public partial class SentimentClassifier;
