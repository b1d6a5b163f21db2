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
/// negative sizes, unknown attributes mixed in, syntax errors. The generator must never throw, every declaration it
/// does not generate must carry an error (its own or the compiler's), and what it generates must compile.
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
    public void Random_and_malformed_declarations_never_make_the_generator_throw() => Fuzz(LayerTemplates, 20261125, 300, 20, 100);

    [Fact]
    public void Random_convolution_and_pooling_declarations_never_make_the_generator_throw() => Fuzz(WindowTemplates, 20261203, 300, 10, 100);

    [Fact]
    public void Random_image_declarations_never_make_the_generator_throw() => Fuzz(ImageTemplates, 20261204, 300, 5, 100, ImageModelAttributes);

    private static void Fuzz(string[] layerTemplates, int seed, int count, int leastGenerated, int leastRejected, string[]? modelAttributes = null)
    {
        modelAttributes ??= ModelAttributes;
        var random = new Random(seed);
        int generated = 0, rejected = 0;
        for (int i = 0; i < count; i++)
        {
            var source = new StringBuilder("using System;\nusing Rnn.Gen;\nnamespace Fuzz;\n");
            string model = modelAttributes[random.Next(modelAttributes.Length)];
            source.AppendLine(model);
            int layers = random.Next(0, 5);
            for (int l = 0; l < layers; l++)
            {
                string template = layerTemplates[random.Next(layerTemplates.Length)];
                source.AppendLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Sizes[random.Next(Sizes.Length)]));
            }

            source.AppendLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, Declarations[random.Next(Declarations.Length)], i));
            string text = source.ToString();

            GeneratorRun run = GeneratorHarness.Run(text); // throws if the generator threw
            bool flagged = run.GeneratorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)
                || run.Input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
            bool declaresModel = text.Contains("[RnnModel(", StringComparison.Ordinal);
            if (declaresModel && run.Sources.Length == 0)
            {
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
