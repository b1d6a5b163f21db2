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
