using Rnn.Gen;

namespace Rnn.Gen.Samples.Sentiment;

/// <summary>
/// Reads a sentence as up to 40 word ids (padded with id 0 at the end; the real length goes with each sample) and
/// gives the probabilities of negative and positive. The Embedding turns each id into a learned vector of 32 features
/// (the padding row stays zero); a bidirectional GRU reads the vectors both ways; its forward direction's last valid
/// step and its backward direction's first step go, concatenated, into a Softmax layer. Dropout masks 30 % of the
/// GRU's input features and a quarter of its recurrent state, one mask per sentence, in training only.
/// </summary>
[RnnModel(inputSize: 1, steps: 40)]
[Embedding(2048, 32, PaddingIndex = 0)]
[Gru(32, Bidirectional = true, Dropout = 0.3, RecurrentDropout = 0.25)]
[Dense(2, Activation = Activation.Softmax)]
public partial class SentimentClassifier;
