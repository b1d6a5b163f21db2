using System;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator;

/// <summary>
/// Generates a specialized implementation for every <c>[RnnModel]</c> partial class. The pipeline, top to bottom:
/// find the declarations, parse each into an equatable <see cref="ModelSpec"/> plus diagnostics, report the
/// diagnostics, then plan each valid model once and emit it into <c>{FullyQualifiedName}.g.cs</c> (or report that a
/// buffer would be too large for an array, the one thing only the plan can tell). The steps after parsing depend on
/// the spec alone, so an edit that leaves the attributes as they are, wherever it moves them, emits nothing again.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RnnModelGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class TrackingNames
    {
        public const string Parse = nameof(Parse);
        public const string Models = nameof(Models);
        public const string Generated = nameof(Generated);
        public const string OrphanLayers = nameof(OrphanLayers);
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(ModelParser.ModelAttributeName, ModelParser.IsCandidate, ModelParser.Parse)
            .Where(static result => result is not null)
            .Select(static (result, _) => result!)
            .WithTrackingName(TrackingNames.Parse);

        context.RegisterSourceOutput(parsed.Select(static (result, _) => result.Diagnostics), ReportDiagnostics);

        IncrementalValuesProvider<ModelSpec> models = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.Models);

        IncrementalValuesProvider<GeneratedModel> generated = models
            .Select(static (model, _) => GeneratedModel.Create(model))
            .WithTrackingName(TrackingNames.Generated);

        context.RegisterSourceOutput(generated, static (output, model) =>
        {
            if (model.Source is not null)
            {
                output.AddSource(model.HintName, model.Source);
            }
        });

        // Only the plan can tell that a buffer is too large for an array. The diagnostic points at [RnnModel], whose place
        // the spec leaves out (so that an edit which only moves a model does not plan and emit it again): the declarations
        // are joined to the plans' verdicts by the model's name.
        IncrementalValueProvider<(ImmutableArray<GeneratedModel> Verdicts, ImmutableArray<ParseResult> Declarations)> tooLarge = generated
            .Where(static model => model.TooLarge is not null)
            .Collect()
            .Combine(parsed.Where(static result => result.Model is not null).Collect());
        context.RegisterSourceOutput(tooLarge, static (output, join) => ReportTooLarge(output, join.Verdicts, join.Declarations));

        // Layer attributes on a class without [RnnModel] would silently do nothing: report them.
        foreach (string layerAttribute in ModelParser.LayerAttributeNames)
        {
            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> orphans = context.SyntaxProvider
                .ForAttributeWithMetadataName(layerAttribute, ModelParser.IsCandidate, ModelParser.ParseOrphanLayers)
                .WithTrackingName(TrackingNames.OrphanLayers);
            context.RegisterSourceOutput(orphans, ReportDiagnostics);
        }
    }

    private static void ReportTooLarge(SourceProductionContext output, ImmutableArray<GeneratedModel> verdicts, ImmutableArray<ParseResult> declarations)
    {
        foreach (GeneratedModel model in verdicts)
        {
            foreach (ParseResult declaration in declarations)
            {
                if (declaration.Model!.FullyQualifiedName == model.FullyQualifiedName && declaration.Declaration is { } place)
                {
                    (string size, string buffer) = model.TooLarge!.Value;
                    output.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, place.Location, place.TypeName, size, buffer,
                        ModelPlan.MaxArrayLength.ToString(CultureInfo.InvariantCulture)).ToDiagnostic());
                }
            }
        }
    }

    private static void ReportDiagnostics(SourceProductionContext output, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (DiagnosticInfo diagnostic in diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}

/// <summary>
/// What planning and emitting one model produced, as plain values: its source, or (when a buffer would not fit in an
/// array) which buffer and how large, for the diagnostic.
/// </summary>
internal sealed record GeneratedModel(string FullyQualifiedName, string HintName, string? Source, (string Size, string Buffer)? TooLarge)
{
    /// <summary>Plans <paramref name="model"/> once and emits it, unless a buffer is too large.</summary>
    public static GeneratedModel Create(ModelSpec model)
    {
        ModelPlan plan;
        try
        {
            plan = ModelPlan.Create(model);
        }
        catch (OverflowException)
        {
            return new GeneratedModel(model.FullyQualifiedName, ModelEmitter.HintName(model), null, ("more than 2^63", "buffers"));
        }

        return plan.FirstBufferTooLarge() is { } buffer
            ? new GeneratedModel(model.FullyQualifiedName, ModelEmitter.HintName(model), null, (buffer.Size.ToString(CultureInfo.InvariantCulture), buffer.What))
            : new GeneratedModel(model.FullyQualifiedName, ModelEmitter.HintName(model), ModelEmitter.Emit(plan), null);
    }
}
