using System;
using Rnn.Gen.Data;

namespace Rnn.Gen.Training;

/// <summary>
/// A loss as the <see cref="Trainer"/> uses it: the loss of one sample's whole output and its gradient with respect
/// to that output. The trainer averages sample losses over a batch (it scales each sample's gradient by 1/batch), so
/// a loss with a mean reduction over a sample's elements gives PyTorch's mean over the whole batch.
/// </summary>
/// <remarks>
/// Implementations wrap the functions of <see cref="Losses"/> with PyTorch's mean reduction. Each loss has one name:
/// its function's in <see cref="Losses"/>, and <c>Loss</c> appended for the <see cref="ILoss"/> that wraps it:
/// <see cref="MeanSquaredErrorLoss"/>, <see cref="MeanAbsoluteErrorLoss"/>, <see cref="HuberLoss"/>,
/// <see cref="BinaryCrossEntropyWithLogitsLoss"/> on values, <see cref="SoftmaxCrossEntropyLoss"/> and
/// <see cref="CrossEntropyOfProbabilitiesLoss"/> on class indices. Any other function with the same signature fits
/// through <see cref="ValueLoss"/> or <see cref="ClassIndexLoss"/>. A loss must not allocate.
/// </remarks>
public interface ILoss
{
    /// <summary>A short name for messages and checkpoints, for example <c>mse</c>.</summary>
    string Name { get; }

    /// <summary>The kind of targets the loss compares the output with.</summary>
    TargetKind Targets { get; }

    /// <summary>
    /// The loss of <paramref name="output"/> (<c>[OutputSteps, OutputSize]</c>) against real-valued targets of the same
    /// length; writes <c>∂loss/∂output</c> into <paramref name="gradient"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The loss takes class indices.</exception>
    float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient);

    /// <summary>
    /// The loss of <paramref name="output"/> (<c>[OutputSteps, OutputSize]</c> logits) against one class index per
    /// output step; writes <c>∂loss/∂output</c> into <paramref name="gradient"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The loss takes real-valued targets.</exception>
    float Compute(ReadOnlySpan<float> output, ReadOnlySpan<int> classIndices, Span<float> gradient);
}

/// <summary>A loss function on real-valued targets with <see cref="Losses"/>' signature: returns the loss, writes the gradient.</summary>
public delegate float ValueLossFunction(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> gradient);

/// <summary>A loss function on class indices (one per output step of <paramref name="logits"/>): returns the loss, writes the gradient.</summary>
public delegate float ClassIndexLossFunction(ReadOnlySpan<float> logits, ReadOnlySpan<int> classIndices, Span<float> gradient);

/// <summary>
/// The mean squared error over a sample's outputs (<see cref="Losses.MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>,
/// PyTorch's <c>nn.MSELoss()</c>).
/// </summary>
public sealed class MeanSquaredErrorLoss : ILoss
{
    /// <summary>The shared instance (the loss has no settings).</summary>
    public static MeanSquaredErrorLoss Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "mse";

    /// <inheritdoc/>
    public TargetKind Targets => TargetKind.Values;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient) =>
        Losses.MeanSquaredError(output, target, gradient);

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<int> classIndices, Span<float> gradient) =>
        throw new NotSupportedException("The mean squared error compares with values, not class indices.");
}

/// <summary>Any loss on real-valued targets given as a function, for example <c>new ValueLoss("mse", Losses.MeanSquaredError)</c>.</summary>
public sealed class ValueLoss : ILoss
{
    private readonly ValueLossFunction _function;

    /// <summary>Wraps <paramref name="function"/> under <paramref name="name"/>.</summary>
    public ValueLoss(string name, ValueLossFunction function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        Name = name;
        _function = function;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public TargetKind Targets => TargetKind.Values;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient) => _function(output, target, gradient);

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<int> classIndices, Span<float> gradient) =>
        throw new NotSupportedException($"The loss '{Name}' compares with values, not class indices.");
}

/// <summary>Any loss on class indices given as a function (the output holds one row of logits per output step).</summary>
public sealed class ClassIndexLoss : ILoss
{
    private readonly ClassIndexLossFunction _function;

    /// <summary>Wraps <paramref name="function"/> under <paramref name="name"/>.</summary>
    public ClassIndexLoss(string name, ClassIndexLossFunction function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        Name = name;
        _function = function;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public TargetKind Targets => TargetKind.ClassIndices;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient) =>
        throw new NotSupportedException($"The loss '{Name}' compares with class indices, not values.");

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<int> classIndices, Span<float> gradient) => _function(output, classIndices, gradient);
}

/// <summary>The mean absolute error over a sample's outputs (<see cref="Losses.MeanAbsoluteError(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>, PyTorch's <c>nn.L1Loss()</c>).</summary>
public sealed class MeanAbsoluteErrorLoss : ILoss
{
    /// <summary>The shared instance (the loss has no settings).</summary>
    public static MeanAbsoluteErrorLoss Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "mae";

    /// <inheritdoc/>
    public TargetKind Targets => TargetKind.Values;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient) =>
        Losses.MeanAbsoluteError(output, target, gradient);

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<int> classIndices, Span<float> gradient) =>
        throw new NotSupportedException("The mean absolute error compares with values, not class indices.");
}

/// <summary>The Huber loss over a sample's outputs (<see cref="Losses.Huber(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, float, LossReduction)"/>, PyTorch's <c>nn.HuberLoss(delta)</c>).</summary>
public sealed class HuberLoss : ILoss
{
    /// <summary>A Huber loss that turns from quadratic to linear at <paramref name="delta"/> (PyTorch's default 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not positive.</exception>
    public HuberLoss(float delta = 1f)
    {
        if (!(delta > 0f) || !float.IsFinite(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Expected a positive, finite delta.");
        }

        Delta = delta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public float Delta { get; }

    /// <inheritdoc/>
    public string Name => "huber";

    /// <inheritdoc/>
    public TargetKind Targets => TargetKind.Values;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient) =>
        Losses.Huber(output, target, gradient, Delta);

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<int> classIndices, Span<float> gradient) =>
        throw new NotSupportedException("The Huber loss compares with values, not class indices.");
}

/// <summary>
/// Binary cross-entropy on logits over a sample's outputs, targets in [0, 1]
/// (<see cref="Losses.BinaryCrossEntropyWithLogits(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>, PyTorch's <c>nn.BCEWithLogitsLoss()</c>).
/// </summary>
public sealed class BinaryCrossEntropyWithLogitsLoss : ILoss
{
    /// <summary>The shared instance (the loss has no settings).</summary>
    public static BinaryCrossEntropyWithLogitsLoss Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "bce_with_logits";

    /// <inheritdoc/>
    public TargetKind Targets => TargetKind.Values;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient) =>
        Losses.BinaryCrossEntropyWithLogits(output, target, gradient);

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<int> classIndices, Span<float> gradient) =>
        throw new NotSupportedException("Binary cross-entropy compares with values in [0, 1], not class indices.");
}

/// <summary>
/// Softmax cross-entropy on class indices, one per output step, averaged over the steps
/// (<see cref="Losses.SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, float, LossReduction)"/>,
/// PyTorch's <c>nn.CrossEntropyLoss(label_smoothing)</c>). The model's outputs are the logits (no softmax layer).
/// </summary>
public sealed class SoftmaxCrossEntropyLoss : ILoss
{
    /// <summary>A cross-entropy with optional label smoothing in [0, 1] (PyTorch's <c>label_smoothing</c>, default 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1].</exception>
    public SoftmaxCrossEntropyLoss(float labelSmoothing = 0f)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Expected a label smoothing in [0, 1].");
        }

        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The label smoothing.</summary>
    public float LabelSmoothing { get; }

    /// <inheritdoc/>
    public string Name => "cross_entropy";

    /// <inheritdoc/>
    public TargetKind Targets => TargetKind.ClassIndices;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient) =>
        throw new NotSupportedException("Cross-entropy compares with class indices, not values.");

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<int> classIndices, Span<float> gradient) =>
        Losses.SoftmaxCrossEntropy(output, classIndices, gradient, LabelSmoothing);
}

/// <summary>
/// Cross-entropy on class indices for a model whose last layer is a Softmax Dense layer (its outputs are probabilities):
/// <see cref="Losses.CrossEntropyOfProbabilities"/>, averaged over the output steps. Use it for token decoders.
/// </summary>
public sealed class CrossEntropyOfProbabilitiesLoss : ILoss
{
    /// <summary>The one instance (the loss has no options).</summary>
    public static CrossEntropyOfProbabilitiesLoss Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "probability_cross_entropy";

    /// <inheritdoc/>
    public TargetKind Targets => TargetKind.ClassIndices;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> gradient) =>
        throw new NotSupportedException("Cross-entropy compares with class indices, not values.");

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> output, ReadOnlySpan<int> classIndices, Span<float> gradient) =>
        Losses.CrossEntropyOfProbabilities(output, classIndices, gradient);
}
