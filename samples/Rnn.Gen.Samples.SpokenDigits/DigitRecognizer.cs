using Rnn.Gen;

namespace Rnn.Gen.Samples.SpokenDigits;

/// <summary>
/// Labels every 10 ms frame of speech with what is being said: one of the digits 0–9, or 10 for silence. It reads 13
/// MFCCs per frame, 160 frames (1.6 s) per training window, and gives the probabilities of the 11 labels at every
/// frame (<c>ReturnSequences</c>), so the same model streams with <c>Step</c>: one frame in, the frame's label
/// probabilities out, its state carried from frame to frame.
/// </summary>
/// <remarks>
/// A causal Conv1D front-end comes before the GRU: 64 learned filters over the MFCCs of the current frame and the 4
/// before it (50 ms of context), with ReLU. Causal padding looks only back in time, so <c>Step</c> still streams one
/// frame at a time (the layer keeps its last frames) and gives what <c>Predict</c> gives.
/// </remarks>
[RnnModel(inputSize: 13, steps: 160)]
[Conv1D(64, 5, Padding = ConvPadding.Causal, Activation = Activation.Relu)]
[Gru(96, ReturnSequences = true)]
[Dense(11, Activation = Activation.Softmax)]
public partial class DigitRecognizer;

/// <summary>
/// The same recognizer with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program copies the
/// trained parameters into it and classifies the held-out clips again. The GRU and Dense weights are quantized; the
/// convolution keeps float32 weights.
/// </summary>
[RnnModel(inputSize: 13, steps: 160, Weights = WeightPrecision.Int8)]
[Conv1D(64, 5, Padding = ConvPadding.Causal, Activation = Activation.Relu)]
[Gru(96, ReturnSequences = true)]
[Dense(11, Activation = Activation.Softmax)]
public partial class DigitRecognizerInt8;

/// <summary>
/// The linear baseline: softmax regression over a clip's averaged MFCCs (the mean and the standard deviation of each
/// of the 13 coefficients over the clip's speech frames), one "step" of 26 features.
/// </summary>
[RnnModel(inputSize: 26, steps: 1)]
[Dense(10, Activation = Activation.Softmax)]
public partial class AveragedMfccClassifier;
