using Rnn.Gen;

namespace Rnn.Gen.Samples.Captioning;

/// <summary>
/// The captioner: two convolution and pooling stages over the 28 × 112 picture, flattened and projected by a
/// Dense(64, tanh) into the image's features, which are the start state h_0 of the decoder's LSTM (init-inject); the
/// decoder reads the start token, then each word it chose, through its Embedding, for up to four words and the end.
/// </summary>
[RnnModel(channels: 1, height: CaptionedPictures.Height, width: CaptionedPictures.Width)]
[Conv2D(8, 3, Activation = Activation.Relu)]      // [8, 26, 110]
[MaxPool2D(2)]                                    // [8, 13, 55]
[Conv2D(16, 3, Activation = Activation.Relu)]     // [16, 11, 53]
[MaxPool2D(2)]                                    // [16, 5, 26]
[Flatten]                                         // 2,080 features, where each digit is kept
[Dense(64, Activation = Activation.Tanh)]         // h_0 of the decoder's LSTM
[Decoder(CaptionedPictures.CaptionSteps, StartToken = CaptionVocabulary.Start)]
[Embedding(CaptionVocabulary.Size, 16)]
[Lstm(64)]
[Dense(CaptionVocabulary.Size, Activation = Activation.Softmax)]
public partial class Captioner;

/// <summary>
/// <see cref="Captioner"/> with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): its Dense and LSTM
/// layers multiply int8 copies of their weights, its convolutions keep float32 ones. The program copies the trained
/// parameters into it and scores it beside the float model.
/// </summary>
[RnnModel(channels: 1, height: CaptionedPictures.Height, width: CaptionedPictures.Width, Weights = WeightPrecision.Int8)]
[Conv2D(8, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Conv2D(16, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Flatten]
[Dense(64, Activation = Activation.Tanh)]
[Decoder(CaptionedPictures.CaptionSteps, StartToken = CaptionVocabulary.Start)]
[Embedding(CaptionVocabulary.Size, 16)]
[Lstm(64)]
[Dense(CaptionVocabulary.Size, Activation = Activation.Softmax)]
public partial class CaptionerInt8;
