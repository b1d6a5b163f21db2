using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Rnn.Gen.Generator.Tests.Infrastructure;
using Xunit;

namespace Rnn.Gen.Generator.Tests;

/// <summary>
/// Feeds the generator many random and malformed declarations: wrong argument types, missing arguments, huge and
/// negative sizes, unknown attributes mixed in, syntax errors, every attribute of the runtime, repeated attributes,
/// structs and members that clash with generated ones. The generator must never throw, every declaration it does not
/// generate must carry an error (its own or the compiler's), and what it generates must compile.
/// </summary>
public class RobustnessTests
{
    private static readonly string[] ModelAttributes =
    {
        "[RnnModel(3, 5)]", "[RnnModel(inputSize: 2, steps: 1)]", "[RnnModel(steps: 4, inputSize: 1)]", "[RnnModel(0, 5)]",
        "[RnnModel(-1, 2)]", "[RnnModel(\"3\", 5)]", "[RnnModel(3)]", "[RnnModel()]", "[RnnModel(int.MaxValue, int.MaxValue)]",
        "[RnnModel(3, 5), Serializable]", "[RnnModel(3, 5)] [RnnModel(4, 5)]", "[RnnModel(1.5, 2)]", "[RnnModel(3, 5", "",
    };

    private static readonly string[] Sizes = { "-1", "0", "1", "3", "9", "17", "100000", "int.MaxValue", "\"x\"", "" };

    private static readonly string[] LayerTemplates =
    {
        "[Lstm({0})]", "[Lstm({0}, ReturnSequences = true)]", "[Gru({0})]", "[Gru({0}, ReturnSequences = true)]",
        "[SimpleRnn({0})]", "[SimpleRnn({0}, Activation = Activation.Relu, ReturnSequences = true)]",
        "[SimpleRnn({0}, Activation = Activation.Softmax)]", "[Dense({0})]", "[Dense({0}, Activation = Activation.Softmax)]",
        "[Dense({0}, Activation = (Activation)7)]", "[Lstm({0}, ReturnSequences = 1)]", "[Obsolete]", "[Unknown({0})]",
        "[Dense({0}, Activation = Activation.Sigmoid)]", "[Gru({0}", "[Lstm(hiddenSize: {0})]",
    };

    private static readonly string[] Declarations =
    {
        "public partial class M{0};", "public partial class M{0} {{ }}", "public class M{0} {{ }}", "internal sealed partial class M{0};",
        "public partial record M{0};", "public static partial class M{0} {{ }}", "public partial class M{0}<T> {{ }}",
        "public partial struct M{0} {{ }}", "public partial class M{0} {{", "abstract partial class M{0};",
        "public partial class Outer{0} {{ [RnnModel(2, 2)] [Gru(2)] public partial class Inner; }}",
    };

    /// <summary>Convolution and pooling layers, valid and not, mixed with the recurrent and Dense templates.</summary>
    private static readonly string[] WindowTemplates =
    {
        "[Conv1D({0}, 3)]", "[Conv1D(4, {0})]", "[Conv1D({0}, 2, Padding = ConvPadding.Causal, Activation = Activation.Tanh)]",
        "[Conv1D(3, {0}, Stride = 2)]", "[Conv1D(3, 2, Dilation = {0})]", "[Conv1D(3, 3, Padding = ConvPadding.Same, Stride = {0})]",
        "[Conv1D(3, 2, Padding = (ConvPadding)9)]", "[Conv1D(3, 2, Activation = Activation.Softmax)]", "[Conv1D({0})]",
        "[MaxPool1D({0})]", "[AvgPool1D(2, Stride = {0})]", "[MaxPool1D({0}, Stride = 1)]", "[GlobalMaxPool1D]",
        "[GlobalAveragePool1D]", "[GlobalMaxPool1D({0})]", "[Lstm({0}, ReturnSequences = true)]", "[Gru({0})]", "[Dense({0})]",
        "[Gru(3, Bidirectional = true, ReturnSequences = true)]", "[Decoder({0})]",
    };

    /// <summary>Every attribute the runtime has, with its options, valid and not (an attribute added later must be added here).</summary>
    private static readonly string[] AttributeTemplates =
    {
        "[Lstm({0}, ReturnSequences = true)]", "[Gru({0})]", "[SimpleRnn({0}, ReturnSequences = true)]", "[Dense({0})]",
        "[Dense({0}, Activation = Activation.Softmax)]", "[Gru(4, Bidirectional = true, MergeMode = MergeMode.Sum)]",
        "[Embedding({0}, 4)]", "[Embedding(10, {0}, PaddingIndex = 0)]", "[Embedding(10, 4, PaddingIndex = {0}, EmbeddingsL2 = 1e-4)]",
        "[Conv1D({0}, 2, Padding = ConvPadding.Same)]", "[MaxPool1D({0})]", "[AvgPool1D(2, Stride = {0})]", "[GlobalMaxPool1D]",
        "[GlobalAveragePool1D]", "[GaussianNoise(0.{0})]", "[GaussianNoise(-1)]", "[Decoder({0})]", "[Decoder(3, StartToken = {0})]",
        "[Decoder(4, Feedback = DecoderFeedback.Output)]", "[Decoder(2, Feedback = DecoderFeedback.Token, StartToken = 1)]",
        "[Lstm(4, Dropout = 0.{0}, RecurrentDropout = 0.5, KernelL1 = 1e-3)]", "[Dense(10, Activation = Activation.Softmax, BiasL2 = 1e-4)]",
        "[Attention(AttentionScore.Additive, Units = {0})]",
    };

    /// <summary>Model attributes for <see cref="AttributeTemplates"/>: token input, stateful models, repeats.</summary>
    private static readonly string[] AttributeModels =
    {
        "[RnnModel(1, 6)]", "[RnnModel(1, 6)]", "[RnnModel(3, 5)]", "[RnnModel(3, 1)]", "[RnnModel(2, 8, Stateful = true)]",
        "[RnnModel(3, 5)] [RnnModel(3, 5)]", "[RnnModel(1, {0})]",
    };

    /// <summary>
    /// Valid models, one for each family of attributes (token input, an embedding decoder, windows, one-to-many, stateful),
    /// which the fuzz mutates with a random attribute now and then: random stacks of these attributes are seldom valid.
    /// </summary>
    private static readonly string[] ValidStacks =
    {
        "[RnnModel(1, 6)] [Embedding(10, 4, PaddingIndex = 0)] [Gru(5)] [Dense(3, Activation = Activation.Softmax)]",
        "[RnnModel(1, 6)] [Embedding(10, 4)] [Gru(5)] [Decoder(3, StartToken = 1)] [Embedding(10, 4)] [Gru(5)] [Dense(10, Activation = Activation.Softmax)]",
        "[RnnModel(3, 8)] [GaussianNoise(0.1)] [Conv1D(4, 3)] [AvgPool1D(2)] [Lstm(4, ReturnSequences = true)] [GlobalMaxPool1D] [Dense(2)]",
        "[RnnModel(3, 8)] [Conv1D(4, 2, Padding = ConvPadding.Causal)] [MaxPool1D(2)] [Gru(4, ReturnSequences = true)] [GlobalAveragePool1D] [Dense(1)]",
        "[RnnModel(3, 1)] [Decoder(4, Feedback = DecoderFeedback.Output)] [SimpleRnn(3)] [Dense(2)]",
        "[RnnModel(1, 6)] [Embedding(10, 4)] [Gru(5, Bidirectional = true)] [Decoder(3, StartToken = 1)] [Embedding(10, 4)] [Gru(10)] [Attention(AttentionScore.Additive, Units = 3)] [Dense(10, Activation = Activation.Softmax)]",
        "[RnnModel(2, 8, Stateful = true)] [Lstm(4, ReturnSequences = true, Dropout = 0.2)] [Dense(1)]",
    };

    /// <summary>Declaration shapes: structs, records, members that clash with generated ones and members that do not.</summary>
    private static readonly string[] DeclarationShapes =
    {
        "public partial class M{0};", "public partial class M{0};", "public partial class M{0};", "public partial struct M{0};",
        "public partial record struct M{0};", "public readonly partial struct M{0} {{ }}",
        "public partial class M{0} {{ public const int Steps = 1; }}", "public partial class M{0} {{ public M{0}() {{ }} }}",
        "public partial class M{0} {{ public void Predict(ReadOnlySpan<float> input, Span<float> output) {{ }} }}",
        "public partial class M{0} {{ public void Predict(float[] input) {{ }} public int Horizon => 3; }}",
        "public partial class M{0} {{ private sealed class Layer0 {{ }} private int _cache; }}",
        "public partial class M{0} {{ public M{0}(int seed) : this() {{ }} public int Generate() => 0; }}", "public partial class M{0}(int seed) {{ }}",
        "public partial class M{0}; [RnnModel(2, 3)] public partial class M{0};", "public partial class M{0}; public partial class M{0} {{ public int Gradients; }}",
    };

    /// <summary>Image models, valid and not: one image, frames, huge and overflowing shapes, and a vector model.</summary>
    private static readonly string[] ImageModelAttributes =
    {
        "[RnnModel(1, 8, 8)]", "[RnnModel(3, 5, 7)]", "[RnnModel(4, 2, 6, 6)]", "[RnnModel(channels: 2, height: 9, width: 4)]",
        "[RnnModel(0, 5, 5)]", "[RnnModel(1, 30000, 30000)]", "[RnnModel(int.MaxValue, int.MaxValue, int.MaxValue)]",
        "[RnnModel(2, 3, 1, 100000)]", "[RnnModel(3, 5)]", "[RnnModel(1, 8, 8, Stateful = true)]",
    };

    /// <summary>Image layers, valid and not, mixed with the bridges, recurrent and Dense layers.</summary>
    private static readonly string[] ImageTemplates =
    {
        "[Conv2D({0}, 3)]", "[Conv2D(4, {0})]", "[Conv2D(2, 3, KernelWidth = {0})]", "[Conv2D(2, 2, Stride = {0}, Activation = Activation.Relu)]",
        "[Conv2D(2, 3, Dilation = {0}, Padding = ConvPadding.Same)]", "[Conv2D(2, 3, Padding = ConvPadding.Causal)]",
        "[Conv2D(3, 2, KernelHeight = {0}, Padding = ConvPadding.Same)]", "[MaxPool2D({0})]", "[AvgPool2D(2, Stride = {0})]",
        "[GlobalAveragePool2D]", "[Flatten]", "[Flatten]", "[RowsAsSteps]", "[ColumnsAsSteps]", "[Lstm({0})]", "[Dense({0})]",
        "[GaussianNoise(0.1)]", "[Decoder({0})]",
    };

    [Fact]
    public void Random_and_malformed_declarations_never_make_the_generator_throw() => Fuzz(ModelAttributes, LayerTemplates, Declarations, 20261125, 300, 20, 100);

    [Fact]
    public void Random_convolution_and_pooling_declarations_never_make_the_generator_throw() => Fuzz(ModelAttributes, WindowTemplates, Declarations, 20261203, 300, 10, 100);

    [Fact]
    public void Random_image_declarations_never_make_the_generator_throw() => Fuzz(ImageModelAttributes, ImageTemplates, Declarations, 20261205, 300, 5, 100);

    [Fact]
    public void Random_declarations_of_every_attribute_and_declaration_shape_never_make_the_generator_throw() =>
        Fuzz(AttributeModels, AttributeTemplates, DeclarationShapes, 20261204, 200, 20, 60, ValidStacks);

    /// <summary>The fuzz tests draw every attribute of the runtime: one added later must be added to a template list.</summary>
    [Fact]
    public void The_templates_use_every_attribute_of_the_runtime()
    {
        string templates = string.Join(" ", ModelAttributes.Concat(LayerTemplates).Concat(WindowTemplates).Concat(AttributeTemplates).Concat(AttributeModels).Concat(ImageTemplates).Concat(ImageModelAttributes));
        foreach (Type type in typeof(LayerAttribute).Assembly.GetExportedTypes().Where(t => t.IsSubclassOf(typeof(Attribute)) && !t.IsAbstract))
        {
            string name = type.Name[..^"Attribute".Length];
            Assert.True(templates.Contains("[" + name, StringComparison.Ordinal), $"no fuzz template uses [{name}]; add it to AttributeTemplates");
        }
    }

    private static void Fuzz(string[] modelAttributes, string[] layerTemplates, string[] declarations, int seed, int count, int leastGenerated, int leastRejected,
        string[]? validStacks = null)
    {
        modelAttributes ??= ModelAttributes;
        var random = new Random(seed);
        int generated = 0, rejected = 0;
        for (int i = 0; i < count; i++)
        {
            var source = new StringBuilder("using System;\nusing Rnn.Gen;\nnamespace Fuzz;\n");
            bool stack = validStacks is not null && random.Next(2) == 0;
            string model = stack ? validStacks![random.Next(validStacks.Length)] : modelAttributes[random.Next(modelAttributes.Length)];
            source.AppendLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, model, Sizes[random.Next(Sizes.Length)]));
            int layers = stack ? random.Next(0, 4) / 2 : random.Next(0, 5);
            for (int l = 0; l < layers; l++)
            {
                string template = layerTemplates[random.Next(layerTemplates.Length)];
                source.AppendLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Sizes[random.Next(Sizes.Length)]));
            }

            source.AppendLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, declarations[random.Next(declarations.Length)], i));
            string text = source.ToString();

            GeneratorRun run = GeneratorHarness.Run(text); // throws if the generator threw
            bool declaresModel = text.Contains("[RnnModel(", StringComparison.Ordinal);
            if (declaresModel && run.Sources.Length == 0)
            {
                bool flagged = run.GeneratorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)
                    || run.Input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
                Assert.True(flagged, $"No source and no error for:\n{text}");
                rejected++;
            }

            if (run.Sources.Length > 0)
            {
                generated++;
                IEnumerable<Diagnostic> generatedErrors = run.Output.GetDiagnostics()
                    .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
                Assert.False(generatedErrors.Any(), $"Generated code does not compile for:\n{text}\n{string.Join("\n", generatedErrors)}");
            }
        }

        // The mix must exercise both outcomes, or the test proves little.
        Assert.True(generated >= leastGenerated, $"only {generated} generated");
        Assert.True(rejected >= leastRejected, $"only {rejected} rejected");
    }
}
