using System;

namespace Rnn.Gen;

/// <summary>
/// A 2D convolution over an image (PyTorch's <c>nn.Conv2d</c>, then the activation): the input of each sample (or of
/// each frame) is <c>[channels, height, width]</c>, the output <c>[filters, outHeight, outWidth]</c>, with
/// <c>out = floor((in + padding − Dilation·(kernel − 1) − 1) / Stride) + 1</c> on each axis. Parameters
/// <c>{i}.weight</c> <c>[filters, inChannels, kernelHeight, kernelWidth]</c> and <c>{i}.bias</c> <c>[filters]</c>,
/// initialized as PyTorch's default (U(−1/√fan, 1/√fan), fan = inChannels · kernelHeight · kernelWidth).
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : WeightedLayerAttribute
{
    /// <summary>A convolution with <paramref name="filters"/> output channels and a square window of <paramref name="kernelSize"/> pixels a side.</summary>
    public Conv2DAttribute(int filters, int kernelSize)
    {
        Filters = filters;
        KernelSize = kernelSize;
    }

    /// <summary>Output channels (PyTorch's <c>out_channels</c>).</summary>
    public int Filters { get; }

    /// <summary>Pixels of the window on each side (PyTorch's <c>kernel_size</c>), unless <see cref="KernelHeight"/> or <see cref="KernelWidth"/> says otherwise.</summary>
    public int KernelSize { get; }

    /// <summary>Rows of the window; when not set, <see cref="KernelSize"/>.</summary>
    public int KernelHeight { get; set; }

    /// <summary>Columns of the window; when not set, <see cref="KernelSize"/>.</summary>
    public int KernelWidth { get; set; }

    /// <summary>Pixels between two output positions' windows, on both axes; 1 by default.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Pixels between two taps of the window, on both axes; 1 by default.</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>How the image is padded: <see cref="ConvPadding.Valid"/> (none, the default) or <see cref="ConvPadding.Same"/> (PyTorch's <c>padding='same'</c>, stride 1).</summary>
    public ConvPadding Padding { get; set; } = ConvPadding.Valid;

    /// <summary>The activation applied to the convolution; <see cref="Activation.Identity"/> by default (not Softmax).</summary>
    public Activation Activation { get; set; } = Activation.Identity;
}

/// <summary>
/// Maximum over square windows of <c>poolSize</c> pixels, channel by channel (PyTorch's <c>nn.MaxPool2d</c>, no
/// padding, floor mode). The gradient of a window goes to the pixel PyTorch picks: the first maximum in row-major
/// order (a NaN wins).
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : LayerAttribute
{
    /// <summary>Max pooling over windows of <paramref name="poolSize"/> × <paramref name="poolSize"/> pixels.</summary>
    public MaxPool2DAttribute(int poolSize) => PoolSize = poolSize;

    /// <summary>Pixels of a window's side (PyTorch's <c>kernel_size</c>).</summary>
    public int PoolSize { get; }

    /// <summary>Pixels between two windows on both axes; when not set, <see cref="PoolSize"/> (windows side by side).</summary>
    public int Stride { get; set; }
}

/// <summary>Mean over square windows of <c>poolSize</c> pixels, channel by channel (PyTorch's <c>nn.AvgPool2d</c>, no padding, floor mode).</summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : LayerAttribute
{
    /// <summary>Average pooling over windows of <paramref name="poolSize"/> × <paramref name="poolSize"/> pixels.</summary>
    public AvgPool2DAttribute(int poolSize) => PoolSize = poolSize;

    /// <summary>Pixels of a window's side (PyTorch's <c>kernel_size</c>).</summary>
    public int PoolSize { get; }

    /// <summary>Pixels between two windows on both axes; when not set, <see cref="PoolSize"/> (windows side by side).</summary>
    public int Stride { get; set; }
}

/// <summary>
/// The mean of each channel over the whole image: <c>[channels, height, width]</c> becomes a vector of
/// <c>channels</c> features (PyTorch's <c>x.mean((-2, -1))</c>, or <c>nn.AdaptiveAvgPool2d(1)</c> then flatten).
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAveragePool2DAttribute : LayerAttribute
{
}

/// <summary>
/// An image <c>[channels, height, width]</c> as one vector of <c>channels · height · width</c> features, in that order
/// (PyTorch's <c>nn.Flatten</c>). A Dense layer after an image needs it; with frames (<c>[RnnModel(steps, channels,
/// height, width)]</c>) each frame becomes that step's feature vector for the recurrent layers that follow.
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute
{
}

/// <summary>
/// An image's rows as time steps: <c>[channels, height, width]</c> becomes a sequence of <c>height</c> steps of
/// <c>channels · width</c> features, step h holding <c>x[c, h, w]</c> at <c>c · width + w</c> (PyTorch's
/// <c>x.permute(1, 0, 2).reshape(height, channels * width)</c>), for the recurrent layers that follow. Only for a model
/// of one image per sample.
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class RowsAsStepsAttribute : LayerAttribute
{
}

/// <summary>
/// An image's columns as time steps: <c>[channels, height, width]</c> becomes a sequence of <c>width</c> steps of
/// <c>channels · height</c> features, step w holding <c>x[c, h, w]</c> at <c>c · height + h</c> (PyTorch's
/// <c>x.permute(2, 0, 1).reshape(width, channels * height)</c>). Only for a model of one image per sample.
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class ColumnsAsStepsAttribute : LayerAttribute
{
}
