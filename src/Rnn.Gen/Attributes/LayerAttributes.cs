using System;

namespace Rnn.Gen;

/// <summary>Base class of the layer attributes; layers apply in the order they are written.</summary>
public abstract class LayerAttribute : Attribute
{
    private protected LayerAttribute()
    {
    }
}

/// <summary>Base class of the recurrent layer attributes.</summary>
public abstract class RecurrentLayerAttribute : LayerAttribute
{
    private protected RecurrentLayerAttribute(int hiddenSize) => HiddenSize = hiddenSize;

    /// <summary>Size of the hidden state (PyTorch's <c>hidden_size</c>, Keras's <c>units</c>).</summary>
    public int HiddenSize { get; }

    /// <summary>
    /// <see langword="true"/> to return the hidden state of every step (many-to-many, the next layer sees a sequence);
    /// <see langword="false"/> (default) to return only the last step's (many-to-one). Keras's <c>return_sequences</c>.
    /// </summary>
    public bool ReturnSequences { get; set; }
}

/// <summary>A long short-term memory layer with PyTorch's <c>nn.LSTM</c> numerics (gates i, f, g, o; two biases).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute : RecurrentLayerAttribute
{
    /// <summary>An LSTM layer with <paramref name="hiddenSize"/> units.</summary>
    public LstmAttribute(int hiddenSize) : base(hiddenSize)
    {
    }
}

/// <summary>A gated recurrent unit layer with PyTorch's <c>nn.GRU</c> numerics (gates r, z, n; reset applied to <c>W_hn h + b_hn</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GruAttribute : RecurrentLayerAttribute
{
    /// <summary>A GRU layer with <paramref name="hiddenSize"/> units.</summary>
    public GruAttribute(int hiddenSize) : base(hiddenSize)
    {
    }
}

/// <summary>An Elman recurrent layer, <c>h = act(W_ih x + b_ih + W_hh h + b_hh)</c>, as PyTorch's <c>nn.RNN</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SimpleRnnAttribute : RecurrentLayerAttribute
{
    /// <summary>An Elman RNN layer with <paramref name="hiddenSize"/> units.</summary>
    public SimpleRnnAttribute(int hiddenSize) : base(hiddenSize)
    {
    }

    /// <summary><see cref="Activation.Tanh"/> (default) or <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; set; } = Activation.Tanh;
}

/// <summary>
/// A fully connected layer, <c>y = act(W x + b)</c> (PyTorch's <c>nn.Linear</c> followed by the activation).
/// After a layer that returns sequences it applies at every step (time-distributed).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : LayerAttribute
{
    /// <summary>A dense layer with <paramref name="units"/> outputs.</summary>
    public DenseAttribute(int units) => Units = units;

    /// <summary>Number of outputs (PyTorch's <c>out_features</c>).</summary>
    public int Units { get; }

    /// <summary>The activation applied to <c>W x + b</c>; <see cref="Activation.Identity"/> by default.</summary>
    public Activation Activation { get; set; } = Activation.Identity;
}
