using Rnn.Gen;

namespace Rnn.Gen.Samples.AddingProblem;

/// <summary>
/// Reads 100 steps of (value, marker) and predicts the sum of the two marked values. The source generator writes the
/// forward pass, backpropagation through time and the parameter table for exactly these sizes.
/// </summary>
[RnnModel(inputSize: 2, steps: 100)]
[Lstm(32)]
[Dense(1)]
public partial class Adder;

/// <summary>
/// The same network with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program copies the
/// trained float parameters into it and reports its test MSE beside the float model's.
/// </summary>
[RnnModel(inputSize: 2, steps: 100, Weights = WeightPrecision.Int8)]
[Lstm(32)]
[Dense(1)]
public partial class AdderInt8;
