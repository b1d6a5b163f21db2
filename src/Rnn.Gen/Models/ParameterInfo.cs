using System;
using System.Collections.Generic;

namespace Rnn.Gen;

/// <summary>One named parameter tensor inside a model's flat parameter buffer.</summary>
public sealed class ParameterInfo
{
    private readonly int[] _shape;

    /// <summary>Describes a tensor named <paramref name="name"/> at <paramref name="offset"/> with the given row-major shape.</summary>
    public ParameterInfo(string name, int offset, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        int length = 1;
        foreach (int dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension, nameof(shape));
            length = checked(length * dimension);
        }

        Name = name;
        Offset = offset;
        Length = length;
        _shape = (int[])shape.Clone();
    }

    /// <summary>The PyTorch <c>state_dict</c> name, for example <c>0.weight_ih_l0</c> or <c>2.bias</c>.</summary>
    public string Name { get; }

    /// <summary>Index of the first element in the flat buffer.</summary>
    public int Offset { get; }

    /// <summary>Number of elements (the product of <see cref="Shape"/>).</summary>
    public int Length { get; }

    /// <summary>Row-major shape, as PyTorch's.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The tensor's elements inside a flat buffer (parameters or gradients).</summary>
    public Span<float> Slice(Span<float> buffer) => buffer.Slice(Offset, Length);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{string.Join(", ", _shape)}] @ {Offset}";
}
