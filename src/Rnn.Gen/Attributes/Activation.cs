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

/// <summary>How a <see cref="Conv1DAttribute"/> pads the time axis (Keras's <c>padding</c>; PyTorch's <c>padding</c> of <c>nn.Conv1d</c>).</summary>
/// <remarks>The numeric values are part of the public contract; new members are only ever appended.</remarks>
public enum ConvPadding
{
    /// <summary>No padding: floor((L − Dilation·(kernelSize − 1) − 1) / Stride) + 1 output steps (PyTorch's <c>padding='valid'</c>).</summary>
    Valid = 0,
    /// <summary>
    /// Zeros on both sides, Dilation·(kernelSize − 1) in all, the smaller half on the left: as many output steps as input
    /// steps (PyTorch's <c>padding='same'</c>; stride 1 only).
    /// </summary>
    Same = 1,
    /// <summary>
    /// Dilation·(kernelSize − 1) zeros on the left only: output step t sees inputs up to t, never after (Keras's
    /// <c>padding='causal'</c>); as many output steps as input steps, stride 1 only. Such a layer streams with <c>Step</c>.
    /// </summary>
    Causal = 2,
}

/// <summary>How an <see cref="AttentionAttribute"/> scores a decoder state h_t against an encoder step h_s.</summary>
/// <remarks>The numeric values are part of the public contract; new members are only ever appended.</remarks>
public enum AttentionScore
{
    /// <summary>score = h_t · h_s (Luong's dot); the decoder's hidden size must equal the encoder's output size.</summary>
    Dot = 0,
    /// <summary>score = h_t · (W_a h_s) (Luong's general), W_a <c>[Hd, He]</c> named <c>{i}.linear_in.weight</c>.</summary>
    General = 1,
    /// <summary>
    /// score = v · tanh(W_q h_t + W_k h_s) (the additive score of Bahdanau et al., computed from the current decoder
    /// state as Luong's concat), W_q <c>[A, Hd]</c> <c>{i}.linear_query.weight</c>, W_k <c>[A, He]</c>
    /// <c>{i}.linear_key.weight</c>, v <c>[1, A]</c> <c>{i}.v.weight</c>, A = <see cref="AttentionAttribute.Units"/>.
    /// </summary>
    Additive = 2,
}
