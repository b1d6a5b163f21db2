using Microsoft.CodeAnalysis;

namespace Rnn.Gen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic Rnn.Gen reports. IDs are never reused; each has a test that triggers it at its location and an
/// entry in AnalyzerReleases.Unshipped.md. Messages say what is wrong and how to fix it.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Rnn.Gen";

    public static readonly DiagnosticDescriptor ModelNotPartial = new(
        "RNNGEN001",
        "Model class must be partial",
        "The model class '{0}' must be declared 'partial' so that Rnn.Gen can add the generated members; add the 'partial' modifier",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor SizeNotPositive = new(
        "RNNGEN002",
        "Size must be positive",
        "{0} must be a positive integer, but is {1}; give a size of at least 1",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoLayers = new(
        "RNNGEN003",
        "Model declares no layers",
        "The model '{0}' declares no layers; add layer attributes after [RnnModel], for example [Lstm(32)] and [Dense(1)]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor RecurrentAfterDense = new(
        "RNNGEN004",
        "Recurrent layer after a Dense layer",
        "[{0}] comes after a Dense layer, but Dense layers must follow every recurrent layer; move [{0}] before the Dense layers",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor RecurrentAfterLastStep = new(
        "RNNGEN005",
        "Recurrent layer after a layer that returns only its last step",
        "[{0}] needs a sequence, but the recurrent layer before it returns only its last step; set ReturnSequences = true on that layer",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor LayersSplitAcrossDeclarations = new(
        "RNNGEN006",
        "Layers split across partial declarations",
        "The layers of model '{0}' are spread over several partial declarations, so their order is undefined; put [RnnModel] and every layer attribute on one declaration",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GenericModel = new(
        "RNNGEN007",
        "Model must not be generic",
        "The model '{0}' is generic or nested in a generic type; Rnn.Gen emits fixed-size code for one concrete class, so remove the type parameters",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = new(
        "RNNGEN008",
        "Containing type must be partial",
        "The model '{0}' is nested in '{1}', which is not partial; add the 'partial' modifier to every type that contains the model",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ModelTooLarge = new(
        "RNNGEN009",
        "Model is too large",
        "The model '{0}' needs {1} floats for its {2}, more than one .NET array can hold ({3}); reduce the sizes or the number of steps",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedActivation = new(
        "RNNGEN010",
        "Unsupported activation",
        "[{0}] does not support Activation value '{1}'; use one of: {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor LayerWithoutModel = new(
        "RNNGEN011",
        "Layer attribute without [RnnModel]",
        "[{0}] is on '{1}', which has no [RnnModel] attribute, so no model is generated; add [RnnModel(inputSize, steps)] to the class or remove the layer attribute",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedTypeKind = new(
        "RNNGEN012",
        "Unsupported kind of model type",
        "The model '{0}' is {1}; declare the model as a non-static, non-file-local 'partial class'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor SoftmaxOnOneUnit = new(
        "RNNGEN013",
        "Softmax over one unit",
        "[{0}] applies Softmax to a single unit, which always outputs 1 and passes no gradient back; use Activation.Sigmoid for one output, or more units",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DropoutOutOfRange = new(
        "RNNGEN014",
        "Dropout rate out of range",
        "{0} of [{1}] is {2}, but a dropout rate must be at least 0 and below 1; use 0 to turn it off",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NegativeFactor = new(
        "RNNGEN015",
        "Penalty or noise must be finite and not negative",
        "{0} of [{1}] is {2}, but it must be a finite number of at least 0; use 0 to turn it off",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedMergeMode = new(
        "RNNGEN016",
        "Unsupported merge mode",
        "[{0}] has MergeMode value '{1}', which is not a MergeMode; use MergeMode.Concat, Sum, Multiply or Average",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MergeModeWithoutBidirectional = new(
        "RNNGEN017",
        "MergeMode without Bidirectional",
        "[{0}] sets MergeMode but is not bidirectional, so the merge mode has no effect; add Bidirectional = true or remove MergeMode",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor StatefulBidirectional = new(
        "RNNGEN018",
        "Stateful model with a bidirectional layer",
        "[{0}] is bidirectional, but the model is Stateful: a reverse direction cannot carry its state into the next window; remove Bidirectional or Stateful",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DecoderWithoutRecurrentLayer = new(
        "RNNGEN019",
        "Decoder without a recurrent layer",
        "[{0}] is followed by no recurrent layer; a decoder needs at least one, for example [Decoder(10)] [Lstm(64)] [Dense(12, Activation = Activation.Softmax)]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DecoderDoesNotMatchEncoder = new(
        "RNNGEN020",
        "Decoder does not match the encoder",
        "The decoder's recurrent layers must match the encoder's, whose final states they start from: the encoder has {0}, the decoder {1}; declare the same kinds and hidden sizes in the same order",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor OneToManyNeedsOneStep = new(
        "RNNGEN021",
        "One-to-many model with more than one input step",
        "A decoder with no encoder layer above it takes one input vector, but [RnnModel] declares {0} steps; use steps: 1, or add encoder layers above [Decoder]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DecoderUnsupportedOption = new(
        "RNNGEN022",
        "Option not supported with a decoder",
        "{0} cannot be combined with [Decoder]: {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TokenFeedbackNeedsSoftmax = new(
        "RNNGEN023",
        "Token feedback needs a Softmax head",
        "[{0}] feeds back tokens, which needs a last layer [Dense(n, Activation = Activation.Softmax)] to choose them from; add one or use Feedback = DecoderFeedback.Output",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor EmbeddingArgumentOutOfRange = new(
        "RNNGEN024",
        "Embedding argument out of range",
        "{0} of [{1}] is {2}; {3}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TokenInputPlacement = new(
        "RNNGEN025",
        "Token input in the wrong place",
        "[{0}] reads one token id per step: {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor EmptyOutput = new(
        "RNNGEN026",
        "Layer outputs no step",
        "[{0}] outputs no step: the sequence it reads has {1} steps, fewer than its window spans; use more steps, a smaller kernel, dilation or pool, or Padding = ConvPadding.Same",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor LayerNeedsSequence = new(
        "RNNGEN027",
        "Layer needs a sequence",
        "[{0}] reads a sequence, but the layer before it returns one position (a recurrent layer without ReturnSequences = true, or global pooling); return a sequence from the layer before it, or move the global pooling after [{0}]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor PaddingNeedsStrideOne = new(
        "RNNGEN028",
        "Padding needs stride 1",
        "[{0}] pads with ConvPadding.{1}, which keeps the step count and needs Stride = 1 (PyTorch refuses padding='same' with strides); use Stride = 1 or ConvPadding.Valid",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedConvPadding = new(
        "RNNGEN029",
        "Unsupported padding",
        "[{0}] has Padding = {1}; use ConvPadding.Valid, ConvPadding.Same or ConvPadding.Causal",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MemberClashesWithGenerated = new(
        "RNNGEN030",
        "Member clashes with a generated member",
        "{0} clashes with the {1} that Rnn.Gen generates for the model '{2}'; {3}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AttributeRepeated = new(
        "RNNGEN031",
        "Attribute repeated",
        "[{0}] appears more than once on '{1}'; {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor LargeModel = new(
        "RNNGEN032",
        "Model allocates a lot of memory",
        "Each instance of the model '{0}' allocates {1} MB when it is constructed ({2}); reduce the sizes or the steps, or suppress RNNGEN032 where that much memory is intended",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
    public static readonly DiagnosticDescriptor ImageLayerWithoutImage = new(
        "RNNGEN035",
        "Image layer without an image",
        "[{0}] reads an image [channels, height, width] per step, but {1}; declare [RnnModel(channels, height, width)] (or [RnnModel(steps, channels, height, width)] for frames) and keep the image layers before [Flatten], [GlobalAveragePool2D] or [RowsAsSteps]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor LayerAfterImage = new(
        "RNNGEN036",
        "Layer after an image needs Flatten",
        "[{0}] reads a vector per step, but the layer before it outputs an image {1}; add [Flatten] before it (the image as one vector of {2} features, in channel, row, column order as PyTorch's nn.Flatten), [GlobalAveragePool2D], or [RowsAsSteps] for a recurrent layer over the image's rows",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor EmptyImageOutput = new(
        "RNNGEN037",
        "Image layer outputs an empty image",
        "[{0}] reads an image {1} and would output an empty one, {2}: its window does not fit in the image; use a larger image, a smaller kernel, dilation or pool, or Padding = ConvPadding.Same",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedImagePadding = new(
        "RNNGEN038",
        "Unsupported 2D padding",
        "[{0}] has Padding = {1}; a 2D convolution pads with ConvPadding.Valid or ConvPadding.Same (Causal pads the past of a time axis, which an image does not have)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ImageStepsNeedOneImage = new(
        "RNNGEN039",
        "Rows as steps need one image per sample",
        "[{0}] turns one image into a sequence of steps, but each sample is {1} frames; declare [RnnModel(channels, height, width)] for one image per sample, or use [Flatten] to make each frame one step",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor FeaturesDoNotMatchDecoder = new(
        "RNNGEN040",
        "Encoder features do not match the decoder's start state",
        "The layers above [{0}] have no recurrent layer, so their output vector ({1} features) becomes the start state h_0 of the decoder's first recurrent layer {2}, which has {3}; end the encoder with [Dense({3})] (after [Flatten] or [GlobalAveragePool2D] for images), or give the decoder that hidden size",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor FastActivationsUnused = new(
        "RNNGEN058",
        "Fast activations without an LSTM or GRU layer",
        "Activations = ActivationPrecision.Fast approximates the sigmoid and tanh of LSTM and GRU cells, and {0} has no LSTM or GRU layer (SimpleRnn, Dense and the other layers keep their exact activations); remove Activations = ActivationPrecision.Fast",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Int8WeightsUnused = new(
        "RNNGEN053",
        "Int8 weights with nothing to quantize",
        "Weights = WeightPrecision.Int8 quantizes the weight matrices of recurrent layers and of Dense layers of {1} units or more, and {0} has none (convolutions and attention keep float32 weights, and so does a Dense layer of fewer units, where a product of 16 int8 rows would be slower); remove Weights = WeightPrecision.Int8",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor FastActivationsDecoder = new(
        "RNNGEN059",
        "Decoder models have no fast activations",
        "Activations = ActivationPrecision.Fast applies to models without a [Decoder]: decoding (Predict, Generate, BeamSearch) runs the exact activations; remove Activations = ActivationPrecision.Fast",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidEndToken = new(
        "RNNGEN045",
        "Invalid end token",
        "EndToken = {0} of [{1}]: {2}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AttentionOutsideDecoder = new(
        "RNNGEN046",
        "Attention outside a decoder",
        "[{0}] attends over an encoder's outputs, but it is not in a decoder; put [Decoder(outputSteps)] above the decoder's layers and [{0}] directly after the decoder's top recurrent layer",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AttentionPlacement = new(
        "RNNGEN047",
        "Attention not directly above the decoder's top recurrent layer",
        "[{0}] must come directly after the decoder's top recurrent layer, whose state h_t is its query: {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AttentionWithoutMemory = new(
        "RNNGEN048",
        "Attention without an encoder sequence",
        "[{0}] attends over the encoder's output at every step, but {1}; add a recurrent encoder layer (for example [Lstm(n)]) above [Decoder], or remove [{0}]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AttentionInvalidOption = new(
        "RNNGEN049",
        "Invalid attention option",
        "[{0}]: {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor BidirectionalEncoderMerge = new(
        "RNNGEN050",
        "Bidirectional encoder merge does not make a start state",
        "[{0}] is a bidirectional encoder layer merged by {1}, but a decoder starts from its final states concatenated (MergeMode.Concat, decoder hidden size 2H) or summed (MergeMode.Sum, hidden size H); use one of those merge modes",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor StreamsUnsupported = new(
        "RNNGEN055",
        "Model cannot have streams",
        "The model '{0}' sets Streams = true, but its streams cannot be stepped: {1} Remove Streams = true, or stream a model that Step can stream",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
