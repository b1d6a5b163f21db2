namespace Rnn.Gen.Tests.Models;

// Models with many streams (Streams = true): every layer kind the streams path has a form for, sizes that leave vector
// tails (13, 37, 20), and layers that run stream by stream (Dense, noise, an Embedding, a causal convolution).

[RnnModel(inputSize: 5, steps: 4, Streams = true)]
[Lstm(13)]
[Dense(3)]
public partial class StreamsLstm;

[RnnModel(inputSize: 7, steps: 4, Streams = true)]
[Gru(37)]
[Dense(2, Activation = Activation.Softmax)]
public partial class StreamsGru;

[RnnModel(inputSize: 3, steps: 4, Streams = true)]
[SimpleRnn(20, ReturnSequences = true, Activation = Activation.Tanh)]
[SimpleRnn(16, ReturnSequences = true, Activation = Activation.Relu)]
[Dense(4, Activation = Activation.Tanh)]
public partial class StreamsStackedElman;

[RnnModel(inputSize: 6, steps: 4, Streams = true)]
[Lstm(24, ReturnSequences = true)]
[GaussianNoise(0.3)]
[Gru(16)]
public partial class StreamsLstmGru;

/// <summary>Large enough (about 200,000 flops a stream) that a step of 64 streams is split over threads.</summary>
[RnnModel(inputSize: 64, steps: 4, Streams = true)]
[Lstm(128)]
[Dense(1)]
public partial class StreamsLstmWide;

[RnnModel(inputSize: 1, steps: 4, Streams = true)]
[Embedding(29, 6)]
[Lstm(9)]
[Dense(3, Activation = Activation.Softmax)]
public partial class StreamsTokens;

[RnnModel(inputSize: 2, steps: 8, Streams = true)]
[Conv1D(4, 3, Padding = ConvPadding.Causal, Activation = Activation.Tanh)]
[Gru(11)]
[Dense(1)]
public partial class StreamsCausalConvGru;
