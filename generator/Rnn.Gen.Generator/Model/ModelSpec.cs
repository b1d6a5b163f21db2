namespace Rnn.Gen.Generator.Model;

/// <summary>The kinds of layer a model can declare; one emitter each.</summary>
internal enum LayerKind
{
    Lstm,
    Gru,
    SimpleRnn,
    Dense,
    GaussianNoise,
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

/// <summary>Mirror of <c>Rnn.Gen.MergeMode</c>: how a bidirectional layer combines its two directions.</summary>
internal enum MergeModeKind
{
    Concat = 0,
    Sum = 1,
    Multiply = 2,
    Average = 3,
}

/// <summary>What a decoder feeds back (resolved: never Auto).</summary>
internal enum FeedbackKind
{
    Output = 1,
    Token = 2,
}

/// <summary>A decoder: the layers from <paramref name="FirstLayer"/> on run for <paramref name="OutputSteps"/> steps.</summary>
/// <param name="FirstLayer">Index in <see cref="ModelSpec.Layers"/> of the first decoder layer.</param>
/// <param name="OutputSteps">Steps the decoder produces.</param>
/// <param name="Feedback">What is fed back.</param>
internal sealed record DecoderSpec(int FirstLayer, int OutputSteps, FeedbackKind Feedback)
{
    /// <summary>With no encoder layer the model is one-to-many: its input is given at every decoder step.</summary>
    public bool OneToMany => FirstLayer == 0;
}

/// <summary>One declared layer, as written by the user and validated by the parser.</summary>
/// <param name="Kind">The layer kind.</param>
/// <param name="Size">Hidden size of a recurrent layer, units of a dense layer.</param>
/// <param name="ReturnSequences">Recurrent layers: return every step (true) or the last (false).</param>
/// <param name="Activation">The candidate activation (Elman) or output activation (Dense).</param>
internal sealed record LayerSpec(LayerKind Kind, int Size, bool ReturnSequences, ActivationKind Activation)
{
    /// <summary>Input dropout rate in [0, 1), training only.</summary>
    public double Dropout { get; init; }

    /// <summary>Recurrent (variational) dropout rate in [0, 1) on h_(t-1) in W_hh h_(t-1), training only.</summary>
    public double RecurrentDropout { get; init; }

    /// <summary>Standard deviation of a Gaussian noise layer.</summary>
    public double NoiseStandardDeviation { get; init; }

    /// <summary>Recurrent layers: run a second direction from the last step to the first.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>How a bidirectional layer merges its directions.</summary>
    public MergeModeKind MergeMode { get; init; }

    /// <summary>Keras-style L1/L2 penalties per tensor kind.</summary>
    public Penalties Penalties { get; init; } = Penalties.None;

    public bool IsRecurrent => Kind is LayerKind.Lstm or LayerKind.Gru or LayerKind.SimpleRnn;

    /// <summary>Layers that compute something at inference (noise only acts in training).</summary>
    public bool HasWeights => Kind != LayerKind.GaussianNoise;
}

/// <summary>L1 and L2 penalty factors on the kernel (weight_ih / weight), the recurrent kernel (weight_hh) and the biases.</summary>
internal sealed record Penalties(double KernelL1, double KernelL2, double RecurrentL1, double RecurrentL2, double BiasL1, double BiasL2)
{
    public static Penalties None { get; } = new(0, 0, 0, 0, 0, 0);

    public bool Any => this != None;
}

/// <summary>A type that contains the model class, outermost first, e.g. <c>partial class Outer</c>.</summary>
/// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c>, <c>interface</c>.</param>
/// <param name="Name">The type's name.</param>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>Everything the generator needs to emit one model: plain values only, no Roslyn symbols or syntax.</summary>
/// <param name="Namespace">The namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first.</param>
/// <param name="ClassName">The model class's name.</param>
/// <param name="FullyQualifiedName">Used for the hint name, e.g. <c>MyApp.Forecaster</c>.</param>
/// <param name="InputSize">Features per step.</param>
/// <param name="Steps">Steps per sample.</param>
/// <param name="Layers">Layers in declaration order.</param>
internal sealed record ModelSpec(
    string Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string ClassName,
    string FullyQualifiedName,
    int InputSize,
    int Steps,
    EquatableArray<LayerSpec> Layers)
{
    /// <summary>
    /// Forward continues from the state the previous Forward ended in (training over consecutive windows of a long
    /// series), and Backward stops at the window's start: truncated backpropagation through time.
    /// </summary>
    public bool Stateful { get; init; }

    /// <summary>The decoder of an encoder–decoder or one-to-many model; null for other models.</summary>
    public DecoderSpec? Decoder { get; init; }
}
