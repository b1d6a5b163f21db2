using Rnn.Gen;

namespace Rnn.Gen.Samples.DigitClassifier;

/// <summary>
/// A small convolutional network on one 28 × 28 grayscale digit (<c>[1, 28, 28]</c>, PyTorch's layout): two 3 × 3
/// convolutions with ReLU, each followed by 2 × 2 max pooling (28 → 26 → 13 → 11 → 5), the 32 × 5 × 5 feature maps
/// flattened, a hidden layer of 64 ReLU units, then the 10 logits of the digits (the softmax is in the loss), with a
/// quarter of the hidden units dropped in training.
/// </summary>
[RnnModel(channels: 1, height: 28, width: 28)]
[Conv2D(16, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Conv2D(32, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Flatten]
[Dense(64, Activation = Activation.Relu)]
[Dense(10, Dropout = 0.25)]
public partial class DigitNet;

/// <summary>
/// The same network with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program copies the
/// trained parameters into it and classifies the test set again. The two Dense layers are quantized; the convolutions
/// keep float32 weights.
/// </summary>
[RnnModel(channels: 1, height: 28, width: 28, Weights = WeightPrecision.Int8)]
[Conv2D(16, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Conv2D(32, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Flatten]
[Dense(64, Activation = Activation.Relu)]
[Dense(10, Dropout = 0.25)]
public partial class DigitNetInt8;
