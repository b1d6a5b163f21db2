using Rnn.Gen;

namespace Rnn.Gen.Samples.PixelCompletion;

/// <summary>
/// Reads a digit row by row, top to bottom, and predicts each row from the rows above it: step t reads row t − 1
/// (zeros at step 0) and outputs the logits of the 28 pixels of row t (a pixel's ink probability is their sigmoid).
/// Trained on whole images with binary cross-entropy; a completion streams it with <c>Step</c>, feeding back its own
/// predicted rows once the known rows run out.
/// </summary>
[RnnModel(inputSize: 28, steps: 28)]
[Lstm(128, ReturnSequences = true)]
[Dense(28)]
public partial class RowPredictor;

/// <summary>
/// The same network with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program copies the
/// trained float parameters into it and scores its completions beside the float model's.
/// </summary>
[RnnModel(inputSize: 28, steps: 28, Weights = WeightPrecision.Int8)]
[Lstm(128, ReturnSequences = true)]
[Dense(28)]
public partial class RowPredictorInt8;
