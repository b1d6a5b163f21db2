using Rnn.Gen;

// Float32 and int8 twins of decoders with dropout in the decoder (Int8DecoderDropoutTests): input and recurrent
// dropout on the decoder's recurrent layer and input dropout on the head, with output and with token feedback.
namespace Rnn.Gen.Tests.Models;

/// <summary>Output feedback; dropout below, inside and above the decoder's GRU.</summary>
[RnnModel(inputSize: 3, steps: 5)]
[Gru(8)]
[Decoder(4, Feedback = DecoderFeedback.Output)]
[Gru(8, Dropout = 0.3, RecurrentDropout = 0.25)]
[Dense(3, Activation = Activation.Tanh, Dropout = 0.2)]
public partial class DropoutOutputDecoder;

/// <summary><see cref="DropoutOutputDecoder"/> with int8 weights for inference.</summary>
[RnnModel(inputSize: 3, steps: 5, Weights = WeightPrecision.Int8)]
[Gru(8)]
[Decoder(4, Feedback = DecoderFeedback.Output)]
[Gru(8, Dropout = 0.3, RecurrentDropout = 0.25)]
[Dense(3, Activation = Activation.Tanh, Dropout = 0.2)]
public partial class DropoutOutputDecoderInt8;

/// <summary>Token feedback with attention; dropout on the decoder's LSTM and on the softmax head (16 units: int8).</summary>
[RnnModel(inputSize: 1, steps: 6)]
[Embedding(16, 6)]
[Lstm(12)]
[Decoder(5, StartToken = 1)]
[Embedding(16, 6)]
[Lstm(12, Dropout = 0.2, RecurrentDropout = 0.3)]
[Attention(AttentionScore.General)]
[Dense(16, Activation = Activation.Softmax, Dropout = 0.25)]
public partial class DropoutTokenDecoder;

/// <summary><see cref="DropoutTokenDecoder"/> with int8 weights for inference.</summary>
[RnnModel(inputSize: 1, steps: 6, Weights = WeightPrecision.Int8)]
[Embedding(16, 6)]
[Lstm(12)]
[Decoder(5, StartToken = 1)]
[Embedding(16, 6)]
[Lstm(12, Dropout = 0.2, RecurrentDropout = 0.3)]
[Attention(AttentionScore.General)]
[Dense(16, Activation = Activation.Softmax, Dropout = 0.25)]
public partial class DropoutTokenDecoderInt8;
