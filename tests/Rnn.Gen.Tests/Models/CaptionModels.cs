using Rnn.Gen;

// Captioning models: image layers as a feature encoder, then a token decoder (CaptionTests).
namespace Rnn.Gen.Tests.Models;

/// <summary>
/// A small captioner: Conv2D → MaxPool2D → Flatten → Dense(5) as the encoder, whose features are the start state h_0
/// of the decoder's LSTM; the decoder reads the start token 2, then each chosen token through its Embedding.
/// </summary>
[RnnModel(channels: 1, height: 6, width: 8)]
[Conv2D(3, 3, Activation = Activation.Tanh)]
[MaxPool2D(2)]
[Flatten]
[Dense(5, Activation = Activation.Tanh)]
[Decoder(4, StartToken = 2)]
[Embedding(6, 3)]
[Lstm(5)]
[Dense(6, Activation = Activation.Softmax)]
public partial class TinyCaptioner;

/// <summary>Global average pooling straight into a two-layer GRU decoder: the pooled channels are h_0 of the first GRU, the second starts from zero.</summary>
[RnnModel(channels: 2, height: 5, width: 5)]
[Conv2D(4, 2, Activation = Activation.Tanh)]
[GlobalAveragePool2D]
[Decoder(3, StartToken = 0)]
[Embedding(5, 2)]
[Gru(4)]
[Gru(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class PooledGruCaptioner;
