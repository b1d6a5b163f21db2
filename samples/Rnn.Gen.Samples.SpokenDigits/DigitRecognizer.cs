using Rnn.Gen;

namespace Rnn.Gen.Samples.SpokenDigits;

/// <summary>
/// Labels every 10 ms frame of speech with what is being said: one of the digits 0–9, or 10 for silence. It reads 13
/// MFCCs per frame, 160 frames (1.6 s) per training window, and gives the probabilities of the 11 labels at every
/// frame (<c>ReturnSequences</c>), so the same model streams with <c>Step</c>: one frame in, the frame's label
/// probabilities out, its state carried from frame to frame.
/// </summary>
/// <remarks>
/// The issue asks for a causal Conv1D front-end before the GRU (a few frames of context per step, learned filters over
/// the MFCCs). Rnn.Gen has no Conv1D layer yet; it is being built on another branch. Until it lands, the GRU reads the
/// MFCCs directly; this declaration is the one place to change when it does.
/// </remarks>
[RnnModel(inputSize: 13, steps: 160)]
[Gru(96, ReturnSequences = true)]
[Dense(11, Activation = Activation.Softmax)]
public partial class DigitRecognizer;

/// <summary>
/// The linear baseline: softmax regression over a clip's averaged MFCCs (the mean and the standard deviation of each
/// of the 13 coefficients over the clip's speech frames), one "step" of 26 features.
/// </summary>
[RnnModel(inputSize: 26, steps: 1)]
[Dense(10, Activation = Activation.Softmax)]
public partial class AveragedMfccClassifier;
