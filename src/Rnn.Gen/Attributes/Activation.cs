namespace Rnn.Gen;

/// <summary>The activation function a layer applies to its output.</summary>
/// <remarks>
/// Recurrent layers use it for their candidate state (only <see cref="Tanh"/> and <see cref="Relu"/> are valid on
/// <see cref="SimpleRnnAttribute"/>, as PyTorch's <c>nn.RNN(nonlinearity=...)</c>); <see cref="DenseAttribute"/>
/// accepts all of them. The numeric values are part of the public contract; new members are only ever appended.
/// </remarks>
public enum Activation
{
    /// <summary>y = x (no activation).</summary>
    Identity = 0,
    /// <summary>y = tanh(x).</summary>
    Tanh = 1,
    /// <summary>y = 1 / (1 + e^-x).</summary>
    Sigmoid = 2,
    /// <summary>y = max(0, x).</summary>
    Relu = 3,
    /// <summary>y_i = e^x_i / Σ_j e^x_j over the layer's units (Dense only).</summary>
    Softmax = 4,
}

/// <summary>How a bidirectional layer combines its forward and reverse directions (Keras's <c>merge_mode</c>).</summary>
public enum MergeMode
{
    /// <summary>Forward features, then reverse features: 2·hidden outputs, as PyTorch's bidirectional layers.</summary>
    Concat = 0,
    /// <summary>Element-wise sum.</summary>
    Sum = 1,
    /// <summary>Element-wise product.</summary>
    Multiply = 2,
    /// <summary>Element-wise mean.</summary>
    Average = 3,
}
