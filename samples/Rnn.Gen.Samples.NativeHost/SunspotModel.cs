using Rnn.Gen;

namespace Rnn.Gen.Samples.NativeHost;

/// <summary>
/// Reads the yearly sunspot numbers (divided by 100) one year at a time and predicts the next year's at every step:
/// streamed with <c>Step</c> by a native host, or 24 years at once with <c>Predict</c>. The source generator writes the
/// rest of this class; <see cref="NativeExports"/> makes it callable from C.
/// </summary>
[RnnModel(inputSize: 1, steps: 24)]
[Lstm(64, ReturnSequences = true)]
[Dense(1)]
public partial class SunspotModel;
