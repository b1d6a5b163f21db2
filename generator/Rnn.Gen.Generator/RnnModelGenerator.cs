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
/// buffer would be too large for an array, the one thing only the plan can tell).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RnnModelGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class TrackingNames
    {
        public const string Parse = nameof(Parse);
        public const string Models = nameof(Models);
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

        IncrementalValuesProvider<(ModelSpec Model, ModelDeclaration Declaration)> models = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => (result.Model!, result.Declaration!))
            .WithTrackingName(TrackingNames.Models);

        context.RegisterSourceOutput(models, static (output, model) => PlanAndEmit(output, model.Model, model.Declaration));

        // Layer attributes on a class without [RnnModel] would silently do nothing: report them.
        foreach (string layerAttribute in ModelParser.LayerAttributeNames)
        {
            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> orphans = context.SyntaxProvider
                .ForAttributeWithMetadataName(layerAttribute, ModelParser.IsCandidate, ModelParser.ParseOrphanLayers)
                .WithTrackingName(TrackingNames.OrphanLayers);
            context.RegisterSourceOutput(orphans, ReportDiagnostics);
        }
    }

    /// <summary>Plans the model once; emits it, or reports the buffer that would not fit in an array.</summary>
    private static void PlanAndEmit(SourceProductionContext output, ModelSpec model, ModelDeclaration declaration)
    {
        string limit = ModelPlan.MaxArrayLength.ToString(CultureInfo.InvariantCulture);
        ModelPlan plan;
        try
        {
            plan = ModelPlan.Create(model);
        }
        catch (OverflowException)
        {
            Report(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, declaration.Location, declaration.TypeName, "more than 2^63", "buffers", limit));
            return;
        }

        if (plan.FirstBufferTooLarge() is { } buffer)
        {
            Report(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, declaration.Location, declaration.TypeName, buffer.Size.ToString(CultureInfo.InvariantCulture), buffer.What, limit));
            return;
        }

        output.AddSource(ModelEmitter.HintName(model), ModelEmitter.Emit(plan));

        void Report(DiagnosticInfo diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic());
    }

    private static void ReportDiagnostics(SourceProductionContext output, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (DiagnosticInfo diagnostic in diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}
