using Rnn.Gen;

// Decoders whose head is wide enough to be packed (8 units or more) and is not a softmax: the decoder batch path runs
// such a head once over every sample's steps (forward, weight gradient and dL/dx), with output feedback.
namespace Rnn.Gen.Tests.Models;

/// <summary>Float values fed back into an LSTM decoder under a wide tanh head.</summary>
[RnnModel(inputSize: 3, steps: 4)]
[Lstm(5)]
[Decoder(4, Feedback = DecoderFeedback.Output)]
[Lstm(5)]
[Dense(9, Activation = Activation.Tanh)]
public partial class WideTanhValues;

/// <summary>Float values fed back, dot attention (Hd = He = 6) and a wide linear head.</summary>
[RnnModel(inputSize: 2, steps: 5)]
[Lstm(6)]
[Decoder(3, Feedback = DecoderFeedback.Output)]
[Lstm(6)]
[Attention(AttentionScore.Dot)]
[Dense(8)]
public partial class WideLinearAttentionValues;

/// <summary>Input dropout in the decoder below a wide head: the batch must draw the masks in sample order.</summary>
[RnnModel(inputSize: 3, steps: 4)]
[Lstm(5)]
[Decoder(4, Feedback = DecoderFeedback.Output)]
[Lstm(5)]
[Dense(6, Activation = Activation.Tanh, Dropout = 0.3)]
[Dense(9, Activation = Activation.Tanh)]
public partial class WideHeadOverDropout;
