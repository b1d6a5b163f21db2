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

/// <summary>
/// The same network with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program copies the
/// trained float parameters into it and streams the test minute through it beside the float model.
/// </summary>
[RnnModel(inputSize: 1, steps: 100, Stateful = true, Weights = WeightPrecision.Int8)]
[Lstm(64, ReturnSequences = true)]
[Dense(1)]
public partial class EcgPredictorInt8;
