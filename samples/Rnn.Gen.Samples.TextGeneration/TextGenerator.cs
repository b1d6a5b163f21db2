using Rnn.Gen;

namespace Rnn.Gen.Samples.TextGeneration;

/// <summary>
/// One-to-many: from one input vector, the one-hot of a start character over <see cref="Corpus.Alphabet"/>, writes the
/// next 100 characters. The decoder LSTM gets the start character at every step beside the one-hot of the previous
/// character (zeros at the first step): the true one in training (teacher forcing), its own sampled or most probable
/// one in <c>Generate</c> and <c>Predict</c>.
/// </summary>
[RnnModel(inputSize: 62, steps: 1)]
[Decoder(100)]
[Lstm(192)]
[Dense(62, Activation = Activation.Softmax)]
public partial class TextGenerator;

/// <summary>
/// <see cref="TextGenerator"/> with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program
/// copies the trained parameters into it and compares its decoding with the float model's. (Its teacher-forced pass,
/// which the held-out cross-entropy uses, is training: float32, the float model's bits.)
/// </summary>
[RnnModel(inputSize: 62, steps: 1, Weights = WeightPrecision.Int8)]
[Decoder(100)]
[Lstm(192)]
[Dense(62, Activation = Activation.Softmax)]
public partial class TextGeneratorInt8;
