using System;

namespace Rnn.Gen;

/// <summary>Base class of the layer attributes; layers apply in the order they are written.</summary>
public abstract class LayerAttribute : Attribute
{
    private protected LayerAttribute()
    {
    }
}

/// <summary>
/// Base class of the layers with weights. Penalties follow Keras's regularizers: the kernel is <c>weight_ih</c> of a
/// recurrent layer or <c>weight</c> of a Dense layer, the bias is both biases. A generated model's
/// <c>ApplyRegularization()</c> adds their gradients and returns their sum; all are 0 (off) by default.
/// </summary>
public abstract class WeightedLayerAttribute : LayerAttribute
{
    private protected WeightedLayerAttribute()
    {
    }

    /// <summary>L1 penalty on the kernel (Keras's <c>kernel_regularizer</c>): adds KernelL1 · Σ|w|.</summary>
    public double KernelL1 { get; set; }

    /// <summary>L2 penalty on the kernel (Keras's <c>kernel_regularizer</c>): adds KernelL2 · Σw².</summary>
    public double KernelL2 { get; set; }

    /// <summary>L1 penalty on the bias (Keras's <c>bias_regularizer</c>): adds BiasL1 · Σ|b|.</summary>
    public double BiasL1 { get; set; }

    /// <summary>L2 penalty on the bias (Keras's <c>bias_regularizer</c>): adds BiasL2 · Σb².</summary>
    public double BiasL2 { get; set; }
}

/// <summary>
/// Adds zero-mean Gaussian noise with standard deviation <see cref="StandardDeviation"/> to what flows through it, in
/// training only (Keras's <c>GaussianNoise</c>); at inference it passes its input unchanged. Usually the first layer.
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class GaussianNoiseAttribute : LayerAttribute
{
    /// <summary>Noise with standard deviation <paramref name="standardDeviation"/> (at least 0).</summary>
    public GaussianNoiseAttribute(double standardDeviation) => StandardDeviation = standardDeviation;

    /// <summary>The noise's standard deviation.</summary>
    public double StandardDeviation { get; }
}

/// <summary>Base class of the recurrent layer attributes.</summary>
public abstract class RecurrentLayerAttribute : WeightedLayerAttribute
{
    private protected RecurrentLayerAttribute(int hiddenSize) => HiddenSize = hiddenSize;

    /// <summary>Size of the hidden state (PyTorch's <c>hidden_size</c>, Keras's <c>units</c>).</summary>
    public int HiddenSize { get; }

    /// <summary>
    /// <see langword="true"/> to return the hidden state of every step (many-to-many, the next layer sees a sequence);
    /// <see langword="false"/> (default) to return only the last step's (many-to-one). Keras's <c>return_sequences</c>.
    /// </summary>
    public bool ReturnSequences { get; set; }

    /// <summary>
    /// Runs a second copy of the layer from the last step to the first and merges both directions (PyTorch's
    /// <c>bidirectional=True</c>; parameters of the reverse direction carry the suffix <c>_reverse</c>). A many-to-one
    /// bidirectional layer returns the forward direction's last step with the reverse direction's first, as PyTorch's
    /// <c>h_n</c>. Such a model predicts whole sequences; it cannot stream with <c>Step</c>.
    /// </summary>
    public bool Bidirectional { get; set; }

    /// <summary>How the directions of a bidirectional layer merge; <see cref="MergeMode.Concat"/> by default.</summary>
    public MergeMode MergeMode { get; set; } = MergeMode.Concat;

    /// <summary>
    /// Fraction of the layer's input features dropped in training (Keras's <c>dropout</c>): one mask per sequence,
    /// the same at every step, kept features scaled by 1/(1 − rate). In [0, 1); 0 (default) turns it off.
    /// </summary>
    public double Dropout { get; set; }

    /// <summary>
    /// Fraction of the hidden state dropped in the recurrent transformation in training (Keras's
    /// <c>recurrent_dropout</c>; variational dropout, Gal &amp; Ghahramani 2016): one mask per sequence for h_(t−1) in
    /// W_hh h_(t−1). In [0, 1); 0 (default) turns it off.
    /// </summary>
    public double RecurrentDropout { get; set; }

    /// <summary>L1 penalty on <c>weight_hh</c> (Keras's <c>recurrent_regularizer</c>): adds RecurrentL1 · Σ|w|.</summary>
    public double RecurrentL1 { get; set; }

    /// <summary>L2 penalty on <c>weight_hh</c> (Keras's <c>recurrent_regularizer</c>): adds RecurrentL2 · Σw².</summary>
    public double RecurrentL2 { get; set; }
}

/// <summary>A long short-term memory layer with PyTorch's <c>nn.LSTM</c> numerics (gates i, f, g, o; two biases).</summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute : RecurrentLayerAttribute
{
    /// <summary>An LSTM layer with <paramref name="hiddenSize"/> units.</summary>
    public LstmAttribute(int hiddenSize) : base(hiddenSize)
    {
    }
}

/// <summary>A gated recurrent unit layer with PyTorch's <c>nn.GRU</c> numerics (gates r, z, n; reset applied to <c>W_hn h + b_hn</c>).</summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class GruAttribute : RecurrentLayerAttribute
{
    /// <summary>A GRU layer with <paramref name="hiddenSize"/> units.</summary>
    public GruAttribute(int hiddenSize) : base(hiddenSize)
    {
    }
}

/// <summary>An Elman recurrent layer, <c>h = act(W_ih x + b_ih + W_hh h + b_hh)</c>, as PyTorch's <c>nn.RNN</c>.</summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
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
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : WeightedLayerAttribute
{
    /// <summary>A dense layer with <paramref name="units"/> outputs.</summary>
    public DenseAttribute(int units) => Units = units;

    /// <summary>Number of outputs (PyTorch's <c>out_features</c>).</summary>
    public int Units { get; }

    /// <summary>The activation applied to <c>W x + b</c>; <see cref="Activation.Identity"/> by default.</summary>
    public Activation Activation { get; set; } = Activation.Identity;

    /// <summary>
    /// Fraction of the layer's inputs dropped in training (as a Keras <c>Dropout</c> layer before it): a new mask at
    /// every position, kept inputs scaled by 1/(1 − rate). In [0, 1); 0 (default) turns it off.
    /// </summary>
    public double Dropout { get; set; }
}

/// <summary>
/// A lookup table of token vectors, PyTorch's <c>nn.Embedding</c>: step t's token id picks row t of the weight
/// <c>[vocabularySize, dimension]</c> (parameter <c>{i}.weight</c>, initialized from N(0, 1)). As the first layer it
/// makes the model read token ids: <c>InputSize</c> is 1, and the model gets <c>Predict</c>, <c>Forward</c>,
/// <c>ForwardBatch</c> and <c>Step</c> overloads that take <c>int</c> ids; an id outside [0, vocabularySize) throws an
/// <see cref="ArgumentOutOfRangeException"/> naming its position.
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute : LayerAttribute
{
    /// <summary>An embedding of <paramref name="vocabularySize"/> tokens into vectors of <paramref name="dimension"/> features.</summary>
    public EmbeddingAttribute(int vocabularySize, int dimension)
    {
        VocabularySize = vocabularySize;
        Dimension = dimension;
    }

    /// <summary>Number of token ids (PyTorch's <c>num_embeddings</c>), at most 2^24 (16,777,216).</summary>
    public int VocabularySize { get; }

    /// <summary>Features of each token's vector (PyTorch's <c>embedding_dim</c>).</summary>
    public int Dimension { get; }

    /// <summary>
    /// The id whose row is the padding vector (PyTorch's <c>padding_idx</c>): zero from initialization on and never
    /// updated by training. Not set (the default, read as −1 here): no padding row. When set, an id in
    /// [0, VocabularySize); PyTorch's negative ids counted from the end are not accepted.
    /// </summary>
    public int PaddingIndex { get; set; } = -1;

    /// <summary>L1 penalty on the table (Keras's <c>embeddings_regularizer</c>): adds EmbeddingsL1 · Σ|w|; 0 (off) by default.</summary>
    public double EmbeddingsL1 { get; set; }

    /// <summary>L2 penalty on the table (Keras's <c>embeddings_regularizer</c>): adds EmbeddingsL2 · Σw²; 0 (off) by default.</summary>
    public double EmbeddingsL2 { get; set; }
}

/// <summary>
/// A one-dimensional convolution over time with PyTorch's <c>nn.Conv1d</c> numerics, the step's features as channels:
/// <c>y[t, f] = act(b[f] + Σ_c Σ_j W[f, c, j] · x[t·Stride + j·Dilation − left, c])</c>, parameters <c>{i}.weight</c>
/// <c>[filters, inChannels, kernelSize]</c> and <c>{i}.bias</c> <c>[filters]</c>. The output's step count follows from
/// <see cref="Padding"/>, <see cref="Stride"/> and <see cref="Dilation"/> at compile time; a model whose output would be
/// empty does not compile. With a padded sample of <c>length</c> valid steps the layer computes what it computes on the
/// valid steps alone (zeros, not the padding's values, where <see cref="ConvPadding.Same"/> pads the end); its output has
/// PyTorch's output length of that prefix, and the steps after it are zero.
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class Conv1DAttribute : WeightedLayerAttribute
{
    /// <summary>A convolution with <paramref name="filters"/> output channels and a window of <paramref name="kernelSize"/> steps.</summary>
    public Conv1DAttribute(int filters, int kernelSize)
    {
        Filters = filters;
        KernelSize = kernelSize;
    }

    /// <summary>Output channels (PyTorch's <c>out_channels</c>).</summary>
    public int Filters { get; }

    /// <summary>Steps of the window (PyTorch's <c>kernel_size</c>).</summary>
    public int KernelSize { get; }

    /// <summary>Steps between two output positions' windows; 1 by default.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Steps between two taps of the window; 1 by default.</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>How the time axis is padded; <see cref="ConvPadding.Valid"/> (none) by default.</summary>
    public ConvPadding Padding { get; set; } = ConvPadding.Valid;

    /// <summary>The activation applied to the convolution; <see cref="Activation.Identity"/> by default (not Softmax).</summary>
    public Activation Activation { get; set; } = Activation.Identity;
}

/// <summary>
/// Maximum over windows of <c>poolSize</c> steps, channel by channel (PyTorch's <c>nn.MaxPool1d</c>, no padding): <c>floor((L −
/// poolSize) / Stride) + 1</c> output steps. The gradient of a window goes to the step PyTorch picks: the first
/// maximum (a NaN wins). A padded sample pools its valid steps alone; the output steps after its pooled length are zero.
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool1DAttribute : LayerAttribute
{
    /// <summary>Max pooling over windows of <paramref name="poolSize"/> steps.</summary>
    public MaxPool1DAttribute(int poolSize) => PoolSize = poolSize;

    /// <summary>Steps of a window (PyTorch's <c>kernel_size</c>).</summary>
    public int PoolSize { get; }

    /// <summary>Steps between two windows; when not set, <see cref="PoolSize"/> (windows side by side).</summary>
    public int Stride { get; set; }
}

/// <summary>
/// Mean over windows of <c>poolSize</c> steps, channel by channel (PyTorch's <c>nn.AvgPool1d</c>, no padding):
/// <c>floor((L − poolSize) / Stride) + 1</c> output steps. A padded sample pools its valid steps alone; the output steps
/// after its pooled length are zero.
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool1DAttribute : LayerAttribute
{
    /// <summary>Average pooling over windows of <paramref name="poolSize"/> steps.</summary>
    public AvgPool1DAttribute(int poolSize) => PoolSize = poolSize;

    /// <summary>Steps of a window (PyTorch's <c>kernel_size</c>).</summary>
    public int PoolSize { get; }

    /// <summary>Steps between two windows; when not set, <see cref="PoolSize"/> (windows side by side).</summary>
    public int Stride { get; set; }
}

/// <summary>
/// The maximum of every channel over the sequence's valid steps: one position out (many-to-one without recurrence;
/// PyTorch's <c>x.amax(dim=1)</c>, the gradient to the first maximum as <c>nn.AdaptiveMaxPool1d(1)</c>).
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class GlobalMaxPool1DAttribute : LayerAttribute
{
}

/// <summary>
/// The mean of every channel over the sequence's valid steps: one position out (many-to-one without recurrence;
/// PyTorch's <c>x.mean(dim=1)</c> over the valid steps).
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAveragePool1DAttribute : LayerAttribute
{
}

/// <summary>
/// Global attention over the encoder's outputs (Luong, Pham and Manning 2015, no input feeding), in a decoder directly
/// above its top recurrent layer and below its head. At every decoder step t, with h_t the recurrent layer's state and
/// h_s the encoder's top output at step s (the memory; every valid step s &lt; <c>length</c>):
/// <c>a(t, s) = softmax_s score(h_t, h_s)</c> (padded steps get weight 0), the context <c>c_t = Σ_s a(t, s) h_s</c>,
/// and the layer's output <c>tanh(W_c [c_t ; h_t])</c>, W_c <c>[Hd, He + Hd]</c> named <c>{i}.linear_out.weight</c>
/// (no biases). Its output size is the decoder's hidden size Hd. Gradients reach h_t and every encoder step. After a
/// prediction the model's <c>AttentionWeights</c> hold the last sample's weights, [decoder step, encoder step].
/// </summary>
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class AttentionAttribute : LayerAttribute
{
    /// <summary>Attention with the given <paramref name="score"/>.</summary>
    public AttentionAttribute(AttentionScore score) => Score = score;

    /// <summary>How a decoder state is scored against an encoder step.</summary>
    public AttentionScore Score { get; }

    /// <summary>
    /// The size A of the additive score's hidden layer (<see cref="AttentionScore.Additive"/> only); when not set (0),
    /// the decoder's hidden size.
    /// </summary>
    public int Units { get; set; }
}

/// <summary>What a decoder feeds back as the next step's input.</summary>
public enum DecoderFeedback
{
    /// <summary><see cref="Token"/> when the last layer is a Softmax Dense layer, <see cref="Output"/> otherwise.</summary>
    Auto = 0,
    /// <summary>The output vector itself (regression, continuous sequences).</summary>
    Output = 1,
    /// <summary>The one-hot vector of the chosen token: the most probable one, or one sampled by <c>Generate</c>.</summary>
    Token = 2,
}

/// <summary>
/// Splits the layers into an encoder (the recurrent layers above it) and a decoder (the layers below it) that runs for
/// <see cref="OutputSteps"/> steps, feeding each output back as the next step's input (zeros at the first step).
/// </summary>
/// <remarks>
/// <para>Encoder–decoder: the decoder's recurrent layers match the encoder's (kind and hidden size, in order), and
/// each starts from the final state of its encoder layer (Sutskever et al. 2014).</para>
/// <para>One-to-many: with no recurrent layer above it, the model takes one input vector (<c>steps: 1</c>), given to
/// the decoder at every step beside the fed-back output; the decoder starts from zero.</para>
/// <para>Training uses teacher forcing (<c>ForwardTeacherForced</c>: the target of step t − 1 is the input of step t);
/// <c>Forward</c> feeds back the model's own greedy outputs. Fed-back values are treated as constants by Backward.
/// <c>Predict</c> decodes greedily; token models also get <c>Generate</c> (temperature and top-k sampling, seeded)
/// and <c>BeamSearch</c>. Decoder recurrent layers return every step.</para>
/// </remarks>
// AllowMultiple: a second [Decoder] is the generator's error RNNGEN031, one clear diagnostic (not the compiler's CS0579
// beside a mismatch the second marker would cause).
[AttributeUsage(RnnModelAttribute.Targets, AllowMultiple = true, Inherited = false)]
public sealed class DecoderAttribute : LayerAttribute
{
    /// <summary>A decoder that produces <paramref name="outputSteps"/> steps.</summary>
    public DecoderAttribute(int outputSteps) => OutputSteps = outputSteps;

    /// <summary>Steps the decoder produces.</summary>
    public int OutputSteps { get; }

    /// <summary>What is fed back; <see cref="DecoderFeedback.Auto"/> by default.</summary>
    public DecoderFeedback Feedback { get; set; }

    /// <summary>
    /// The token id that a decoder whose first layer is an <see cref="EmbeddingAttribute"/> reads at its first step, when
    /// no token has been chosen yet (a start-of-sequence token); 0 by default. The Embedding then reads each chosen token
    /// (or, with teacher forcing, each target token) instead of its one-hot vector.
    /// </summary>
    public int StartToken { get; set; }

    /// <summary>
    /// The end-of-sequence token of a decoder that feeds back tokens (-1, the default: none). Decoding stops at the
    /// step that chooses it: that step's output row is the last, later rows are zeros and later tokens -1. Teacher
    /// forcing masks the steps after each target's first end token (their outputs are zeros, and neither the trainer's
    /// loss nor Backward gives them a gradient).
    /// </summary>
    public int EndToken { get; set; } = -1;
}
