using Rnn.Gen;

// Models for the ONNX export tests, beside the other test models they reuse: the merge modes and positions the other
// files do not declare, the README's bidirectional sentiment model, and a wider stack.
namespace Rnn.Gen.Tests.Models;

[RnnModel(inputSize: 3, steps: 6)]
[Lstm(5, Bidirectional = true, MergeMode = MergeMode.Average)]
[Dense(2)]
public partial class OnnxBiLstmAverageLast;

[RnnModel(inputSize: 2, steps: 5)]
[Gru(4, Bidirectional = true, ReturnSequences = true, MergeMode = MergeMode.Multiply)]
[Dense(3, Activation = Activation.Sigmoid)]
public partial class OnnxBiGruMultiplySequence;

[RnnModel(inputSize: 4, steps: 7)]
[Gru(6, Bidirectional = true, MergeMode = MergeMode.Sum)]
[Dense(2, Activation = Activation.Tanh)]
public partial class OnnxBiGruSumLast;

[RnnModel(inputSize: 1, steps: 10)]
[Embedding(30, 8, PaddingIndex = 0)]
[Conv1D(6, 3, Padding = ConvPadding.Same, Activation = Activation.Relu)]
[Gru(5, Bidirectional = true)]
[Dense(2, Activation = Activation.Softmax)]
public partial class OnnxTokenSentiment;

[RnnModel(inputSize: 17, steps: 30)]
[Lstm(40, ReturnSequences = true, Bidirectional = true)]
[Gru(24, ReturnSequences = true)]
[SimpleRnn(12)]
[Dense(5, Activation = Activation.Softmax)]
public partial class OnnxWideStack;

// Image models: the MNIST-size stack with its softmax head; same padding whose zeros split unevenly (even dilated spans,
// a rectangular kernel) before a strided Conv2D; frames through a same-padded Conv2D and AvgPool2D with a stride into
// a bidirectional GRU; a one-image model whose rows feed a bidirectional LSTM after noise.
[RnnModel(channels: 1, height: 28, width: 28)]
[Conv2D(16, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Conv2D(32, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Flatten]
[Dense(10, Activation = Activation.Softmax)]
public partial class OnnxMnistSoftmax;

[RnnModel(channels: 2, height: 7, width: 8)]
[Conv2D(3, 3, Dilation = 2, Padding = ConvPadding.Same, Activation = Activation.Relu)]
[Conv2D(2, 2, KernelWidth = 3, Dilation = 3, Padding = ConvPadding.Same, Activation = Activation.Tanh)]
[Conv2D(3, 2, KernelHeight = 3, Stride = 2)]
[Flatten]
[Dense(3)]
public partial class OnnxSameSplitsStride;

[RnnModel(steps: 4, channels: 2, height: 7, width: 6)]
[Conv2D(3, 2, KernelWidth = 3, Padding = ConvPadding.Same, Activation = Activation.Sigmoid)]
[AvgPool2D(3, Stride = 2)]
[Flatten]
[Gru(4, Bidirectional = true, ReturnSequences = true)]
[Dense(2)]
public partial class OnnxFramesAvgPoolBiGru;

[RnnModel(channels: 3, height: 5, width: 4)]
[GaussianNoise(0.1)]
[RowsAsSteps]
[Lstm(3, Bidirectional = true, ReturnSequences = true)]
[Dense(2, Activation = Activation.Tanh)]
public partial class OnnxNoiseRowsBiLstm;
