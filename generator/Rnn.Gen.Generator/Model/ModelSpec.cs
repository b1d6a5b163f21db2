namespace Rnn.Gen.Generator.Model;

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
    /// <summary>The decoder's first layer is an Embedding: it reads each fed-back token's id, <see cref="StartToken"/> at the first step.</summary>
    public bool EmbedsTokens { get; init; }

    /// <summary>The id an embedding decoder reads at its first step.</summary>
    public int StartToken { get; init; }

    /// <summary>The end-of-sequence token: decoding stops at the step that chooses it, and teacher forcing masks the steps after each target's; null for none.</summary>
    public int? EndToken { get; init; }

    /// <summary>
    /// The encoder has layers but no recurrent one (image layers, Dense): its one output vector is the start state h_0 of
    /// the decoder's first recurrent layer ("init-inject"; an LSTM's c_0 is zero, later recurrent layers start from zero),
    /// and the gradient of that start state flows back into the encoder.
    /// </summary>
    public bool StartsFromFeatures { get; init; }

    /// <summary>With no encoder layer the model is one-to-many: its input is given at every decoder step.</summary>
    public bool OneToMany => FirstLayer == 0;
}

/// <summary>A type that contains the model class, outermost first, e.g. <c>partial class Outer</c>.</summary>
/// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c>, <c>interface</c>.</param>
/// <param name="Name">The type's name.</param>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>Everything the generator needs to emit one model: plain values only, no Roslyn symbols, syntax or locations.</summary>
/// <param name="Namespace">The namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first.</param>
/// <param name="ClassName">The model class's name.</param>
/// <param name="FullyQualifiedName">Used for the hint name, e.g. <c>MyApp.Forecaster</c>.</param>
/// <param name="InputSize">Features per step.</param>
/// <param name="Steps">Steps per sample.</param>
/// <param name="Layers">Layers in declaration order, each its kind's own spec.</param>
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

    /// <summary>The model asks for many streams (<c>Streams = true</c>): <c>CreateStreams</c> and the nested <c>Streams</c> class.</summary>
    public bool Streams { get; init; }
    /// <summary><c>Weights = WeightPrecision.Int8</c>: Step and Predict multiply int8 copies of the weight matrices (see <see cref="LayerSpec.Int8"/>).</summary>
    public bool Int8Weights { get; init; }

    /// <summary><c>Activations = ActivationPrecision.Fast</c>: inference activates the LSTM and GRU gates with <c>FastActivations</c> (training stays exact).</summary>
    public bool FastActivations { get; init; }

    /// <summary>
    /// A model of images: each step's input is one image <c>[C, H, W]</c> (<c>InputSize = C · H · W</c>); one step for
    /// <c>[RnnModel(channels, height, width)]</c>, frames for <c>[RnnModel(steps, channels, height, width)]</c>. Null for
    /// a model of feature vectors.
    /// </summary>
    public ImageShape? Image { get; init; }

    /// <summary>The decoder of an encoder–decoder or one-to-many model; null for other models.</summary>
    public DecoderSpec? Decoder { get; init; }

    /// <summary>The class is abstract: it cannot make the instance a predictor computes in, so it has no predictor.</summary>
    public bool IsAbstract { get; init; }
}
