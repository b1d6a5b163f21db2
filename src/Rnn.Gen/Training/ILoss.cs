using System;
using Rnn.Gen.Data;

namespace Rnn.Gen.Training;

/// <summary>
/// A loss as the <see cref="Trainer"/> uses it: the loss of one sample's whole output and its gradient with respect
/// to that output. The trainer averages sample losses over a batch (it scales each sample's gradient by 1/batch), so
/// a loss with a mean reduction over a sample's elements gives PyTorch's mean over the whole batch.
/// </summary>
/// <remarks>
/// Implementations wrap the functions of <see cref="Losses"/>: <see cref="MseLoss"/>, or any function with
/// <see cref="Losses.MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>'s signature through
/// <see cref="ValueLoss"/>. A loss must not allocate.
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
public sealed class MseLoss : ILoss
{
    /// <summary>The shared instance (the loss has no settings).</summary>
    public static MseLoss Instance { get; } = new();

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
