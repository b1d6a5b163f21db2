using Rnn.Gen;

namespace Rnn.Gen.Samples.Sunspots;

/// <summary>
/// Reads the (normalized) sunspot numbers of the previous 24 years and predicts the next year's.
/// The source generator writes the rest of this class: forward pass, backpropagation through time, parameters.
/// </summary>
[RnnModel(inputSize: 1, steps: 24)]
[Lstm(32)]
[Dense(1)]
public partial class SunspotForecaster;

/// <summary>
/// The same network with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program copies the
/// trained float parameters into it and reports its test error beside the float model's.
/// </summary>
[RnnModel(inputSize: 1, steps: 24, Weights = WeightPrecision.Int8)]
[Lstm(32)]
[Dense(1)]
public partial class SunspotForecasterInt8;
