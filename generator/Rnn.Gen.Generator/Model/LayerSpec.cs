using Rnn.Gen.Generator.Layers;

namespace Rnn.Gen.Generator.Model;

/// <summary>
/// One declared layer, as written by the user and validated by its kind's parser: each kind derives a record of its own
/// options (plain values, so that the pipeline can compare models). What the model-level rules need to know of a layer
/// is asked here, as capabilities; nothing outside a kind's folder tests which kind a layer is.
/// </summary>
internal abstract record LayerSpec
{
    /// <summary>The layer's kind: its planner and emitters.</summary>
    public abstract LayerKind Kind { get; }

    /// <summary>The layer runs through time carrying a state (it is what a decoder is made of, and what a sequence feeds).</summary>
    public virtual bool IsRecurrent => false;

    /// <summary>A recurrent layer returns every step's output (true) or its last (false).</summary>
    public virtual bool ReturnsSequence => false;

    /// <summary>Whether a recurrent layer may come after this one (not after a dense head).</summary>
    public virtual bool AllowsRecurrentAfter => true;

    /// <summary>The layer computes something at inference (noise acts in training only).</summary>
    public virtual bool ActsAtInference => true;

    /// <summary>The layer outputs probabilities over tokens (a softmax head), so a decoder may feed its chosen token back.</summary>
    public virtual bool IsProbabilityHead => false;

    /// <summary>The layer needs the whole sequence before its first output (a bidirectional layer): it cannot stream or carry state.</summary>
    public virtual bool ReadsWholeSequence => false;

    /// <summary>The number of token ids the layer reads (an Embedding), or null for a layer that reads float features.</summary>
    public virtual int? TokenVocabulary => null;

    /// <summary>The layer reads a sequence of several steps (convolution, pooling): after a layer that returns one position it is a diagnostic.</summary>
    public virtual bool NeedsSequence => false;

    /// <summary>The layer turns its sequence into one position without recurrence (global pooling): the layers after it see no sequence.</summary>
    public virtual bool EndsSequence => false;

    /// <summary>The layer slides a window over neighbouring steps (convolution, pooling); a decoder, which runs step by step, cannot hold one.</summary>
    public virtual bool SlidesOverTime => false;

    /// <summary>Steps the layer outputs from a sequence of <paramref name="steps"/> (less than 1: the output would be empty).</summary>
    public virtual int OutputSteps(int steps) => steps;

    /// <summary>The layer reads an image <c>[C, H, W]</c> per position (convolution and pooling in 2D, flattening): the parser gives it its input's shape.</summary>
    public virtual bool ReadsImage => false;

    /// <summary>An image layer reading <paramref name="image"/> (itself for other layers).</summary>
    public virtual LayerSpec WithInputImage(ImageShape image) => this;

    /// <summary>The image an image layer outputs per position, or null when it outputs a vector (or a sequence of rows).</summary>
    public virtual ImageShape? OutputImage => null;

    /// <summary>The layer turns one image into a sequence of steps (its rows or columns): only for a model of one image per sample.</summary>
    public virtual bool ImageToSteps => false;

    /// <summary>The layer as the decoder rules compare and name it: kind and size, e.g. <c>Lstm(64)</c>.</summary>
    public virtual string Signature => Kind.Name;

    /// <summary>
    /// The signature a decoder layer must have to start from this encoder layer's final states: <see cref="Signature"/>,
    /// or for a bidirectional layer the kind with its merged size (both directions' final states concatenated or summed).
    /// </summary>
    public virtual string DecoderSignature => Signature;

    /// <summary>A bidirectional layer whose final states cannot be merged into one start state (the merge mode's name), or null.</summary>
    public virtual string? UnmergeableFinalStates => null;

    /// <summary>The layer reads the encoder's output at every step (attention): only in a decoder, whose encoder then keeps every step.</summary>
    public virtual bool ReadsEncoderMemory => false;

    /// <summary>A layer that reads the encoder's output (<see cref="ReadsEncoderMemory"/>), given that output's features per step and steps.</summary>
    public virtual LayerSpec WithEncoderMemory(int size, int steps) => this;

    /// <summary>The layer made to return every step (a recurrent encoder's top layer, whose outputs an attention reads); itself for others.</summary>
    public virtual LayerSpec ReturningSequence() => this;

    /// <summary>Features per position the layer outputs, given <paramref name="inputSize"/> features in.</summary>
    public abstract int OutputSize(int inputSize);

    /// <summary>What <c>Weights = WeightPrecision.Int8</c> does to the layer: see <see cref="Int8Support"/>. Every kind says so.</summary>
    public abstract Int8Support Int8 { get; }
}

/// <summary>How a layer kind runs in a model declared with <c>Weights = WeightPrecision.Int8</c>.</summary>
internal enum Int8Support
{
    /// <summary>Step and Predict multiply int8 copies of the layer's weight matrices.</summary>
    Quantized,

    /// <summary>The layer multiplies no weight matrix (a lookup, pooling, reshaping, noise): it runs as before.</summary>
    NothingToQuantize,

    /// <summary>
    /// The layer keeps its float32 weights in an int8 model. Convolutions: inference multiplies every position's window
    /// at once, one matrix product that reads each weight once per call, so a quarter of the bytes would not shorten it
    /// (the int8 kernels are matrix-vector products, for the weights a recurrent step reads again at every step).
    /// Attention: its products are small next to the recurrent ones (scores over the encoder's steps, one projection),
    /// so an int8 decoder quantizes its recurrent and Dense layers and keeps the attention in float32. A Dense layer of
    /// fewer than 8 units (a head): one int8 panel of 16 rows and the quantization of its input cost more than its few
    /// float32 rows (<c>DenseSpec.Int8MinimumUnits</c>).
    /// </summary>
    Float32,
}

/// <summary>Mirror of <c>Rnn.Gen.Activation</c> (same numeric values; the generator never loads the runtime).</summary>
internal enum ActivationKind
{
    Identity = 0,
    Tanh = 1,
    Sigmoid = 2,
    Relu = 3,
    Softmax = 4,
}

/// <summary>L1 and L2 penalty factors on the kernel (weight_ih / weight), the recurrent kernel (weight_hh) and the biases.</summary>
internal sealed record Penalties(double KernelL1, double KernelL2, double RecurrentL1, double RecurrentL2, double BiasL1, double BiasL2)
{
    public static Penalties None { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>The named arguments that set the factors, as the attributes spell them.</summary>
    public static readonly string[] ArgumentNames = { "KernelL1", "KernelL2", "RecurrentL1", "RecurrentL2", "BiasL1", "BiasL2" };
}

/// <summary>Mirror of <c>Rnn.Gen.ConvPadding</c> (same numeric values).</summary>
internal enum ConvPaddingKind
{
    Valid = 0,
    Same = 1,
    Causal = 2,
}
