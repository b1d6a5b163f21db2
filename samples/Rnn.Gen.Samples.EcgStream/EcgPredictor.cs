using Rnn.Gen;

namespace Rnn.Gen.Samples.EcgStream;

/// <summary>
/// Predicts the next sample of an ECG from every sample so far. Stateful: in training, each window of 100 samples
/// starts from the state the previous window ended in, and backpropagation stops at the window's start (truncated
/// BPTT); at inference the same model runs one sample at a time with <c>Step</c>.
/// </summary>
[RnnModel(inputSize: 1, steps: 100, Stateful = true)]
[Lstm(64, ReturnSequences = true)]
[Dense(1)]
public partial class EcgPredictor;
