using Rnn.Gen;

// Models of images and frames, for the compile-and-run tests (ImageTests; the reference vectors declare their own).
namespace Rnn.Gen.Tests.Models;

/// <summary>The MNIST-size stack of the issue: Conv2D(16, 3) → MaxPool2D(2) → Conv2D(32, 3) → MaxPool2D(2) → Dense(10).</summary>
[RnnModel(channels: 1, height: 28, width: 28)]
[Conv2D(16, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Conv2D(32, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Flatten]
[Dense(10)]
public partial class MnistConvNet;

/// <summary>Same-padded Conv2D → AvgPool2D → rectangular Conv2D → global average → Dense.</summary>
[RnnModel(channels: 2, height: 7, width: 8)]
[Conv2D(3, 3, Padding = ConvPadding.Same, Activation = Activation.Tanh)]
[AvgPool2D(2)]
[Conv2D(4, 2, KernelWidth = 3, Activation = Activation.Sigmoid)]
[GlobalAveragePool2D]
[Dense(2)]
public partial class SmallConvNet;

/// <summary>A strided, dilated Conv2D → overlapping MaxPool2D → Flatten → Dense softmax.</summary>
[RnnModel(channels: 1, height: 9, width: 9)]
[Conv2D(2, 2, Stride = 2, Dilation = 2)]
[MaxPool2D(2, Stride = 1)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class StridedConvMaxPool;

/// <summary>Frames: Conv2D per frame → Flatten → GRU → Dense, many-to-one over up to 5 frames.</summary>
[RnnModel(steps: 5, channels: 1, height: 5, width: 5)]
[Conv2D(3, 3, Activation = Activation.Relu)]
[Flatten]
[Gru(4)]
[Dense(2)]
public partial class FramesConvGru;

/// <summary>Rows as steps: a 6 × 5 image read row by row by an LSTM, an output per row.</summary>
[RnnModel(channels: 1, height: 6, width: 5)]
[RowsAsSteps]
[Lstm(4, ReturnSequences = true)]
[Dense(2)]
public partial class RowsLstm;

/// <summary>The image models and the fewest valid steps each accepts (1: an image model has one step).</summary>
public static class ImageModels
{
    public static IRnnModel Create(string name) => name switch
    {
        nameof(MnistConvNet) => new MnistConvNet(),
        nameof(SmallConvNet) => new SmallConvNet(),
        nameof(StridedConvMaxPool) => new StridedConvMaxPool(),
        nameof(FramesConvGru) => new FramesConvGru(),
        nameof(RowsLstm) => new RowsLstm(),
        _ => throw new System.ArgumentException("Unknown image model " + name, nameof(name)),
    };

    /// <summary>The models with few enough parameters and inputs for finite differences everywhere.</summary>
    public static readonly string[] Small = { nameof(SmallConvNet), nameof(StridedConvMaxPool), nameof(FramesConvGru), nameof(RowsLstm) };
}
