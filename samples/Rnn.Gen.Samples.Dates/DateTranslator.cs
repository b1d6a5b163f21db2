using Rnn.Gen;

namespace Rnn.Gen.Samples.Dates;

/// <summary>
/// Reads a date written in one of several styles, one character per step (one-hot over <see cref="DateText.InputAlphabet"/>,
/// padded at the end to 52 steps), and writes it as the 10 characters of ISO 8601 ("2026-11-25"), one character per
/// decoder step over "0123456789-". The encoder LSTM's final state starts the decoder LSTM, which is fed the one-hot of
/// the previous character: the true one in training (teacher forcing), its own choice in <c>Predict</c>.
/// </summary>
[RnnModel(inputSize: 40, steps: 52)]
[Lstm(64)]
[Decoder(10)]
[Lstm(64)]
[Dense(11, Activation = Activation.Softmax)]
public partial class DateTranslator;
