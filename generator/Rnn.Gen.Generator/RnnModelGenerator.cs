using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
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
        public const string Output = nameof(Output);
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

        // What only the plan and the emitted source can tell (a buffer too large for an array, the memory an instance
        // takes, a user member that clashes with a generated one) is reported where the user wrote the cause, which the
        // spec leaves out (so that an edit which only moves a model does not plan and emit it again): each emitted model
        // is joined to its declaration by its name. The join is cheap and its result equatable, so an edit that changes
        // no verdict adds no source again.
        IncrementalValuesProvider<ModelOutput> outputs = generated
            .Combine(parsed.Where(static result => result.Declaration is not null).Select(static (result, _) => result.Declaration!).Collect())
            .Select(static (join, _) => ModelOutput.Create(join.Left, join.Right))
            .WithTrackingName(TrackingNames.Output);

        context.RegisterSourceOutput(outputs, static (output, model) =>
        {
            ReportDiagnostics(output, model.Diagnostics);
            if (model.Source is not null)
            {
                output.AddSource(model.HintName, model.Source);
            }
        });

        // Layer attributes on a class without [RnnModel] would silently do nothing: report them.
        foreach (string layerAttribute in ModelParser.LayerAttributeNames)
        {
            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> orphans = context.SyntaxProvider
                .ForAttributeWithMetadataName(layerAttribute, ModelParser.IsCandidate, ModelParser.ParseOrphanLayers)
                .WithTrackingName(TrackingNames.OrphanLayers);
            context.RegisterSourceOutput(orphans, ReportDiagnostics);
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
/// What planning and emitting one model produced, as plain values: its source and the members the source declares, or
/// (when a buffer would not fit in an array) which buffer and how large; and, for a model whose instance takes more than
/// <see cref="LargeModelBytes"/>, how much and where.
/// </summary>
internal sealed record GeneratedModel(
    string FullyQualifiedName,
    string HintName,
    string? Source,
    (string Size, string Buffer)? TooLarge,
    EquatableArray<MemberSignature> Members = default,
    (string Megabytes, string Buffers)? Large = null,
    string? StreamsUnsupported = null)
{
    /// <summary>From this size of an instance's buffers on, the model gets the warning RNNGEN032: 256 MB.</summary>
    public const long LargeModelBytes = 256L << 20;

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

        if (plan.FirstBufferTooLarge() is { } buffer)
        {
            return new GeneratedModel(model.FullyQualifiedName, ModelEmitter.HintName(model), null, (buffer.Size.ToString(CultureInfo.InvariantCulture), buffer.What));
        }

        string source = ModelEmitter.Emit(plan);
        return new GeneratedModel(model.FullyQualifiedName, ModelEmitter.HintName(model), source, null,
            MemberSignature.ReadGenerated(source, model.ClassName, model.ContainingTypes.Count), Memory(plan),
            model.Streams ? Emit.Streams.StreamsEmitter.Unsupported(plan) : null);
    }

    /// <summary>The size of an instance in MB and its largest buffers, when it is at least <see cref="LargeModelBytes"/>.</summary>
    private static (string Megabytes, string Buffers)? Memory(ModelPlan plan)
    {
        var buffers = plan.ConstructionBuffers().Select(b => (b.What, Bytes: b.Floats * sizeof(float))).ToList();
        long total = buffers.Sum(b => b.Bytes);
        if (total < LargeModelBytes)
        {
            return null;
        }

        static string Megabytes(long bytes) => Math.Round(bytes / (double)(1 << 20)).ToString("N0", CultureInfo.InvariantCulture); // MB of 2^20 bytes
        IEnumerable<string> largest = buffers.Where(b => b.Bytes >= 1L << 20).OrderByDescending(b => b.Bytes).Select(b => $"{b.What} {Megabytes(b.Bytes)} MB");
        return (Megabytes(total), string.Join(", ", largest));
    }
}

/// <summary>
/// What the generator adds for one model once its emitted source is joined to its declaration: the source (none when a
/// buffer is too large or a user member clashes with a generated one) and the diagnostics of the later stages.
/// </summary>
internal sealed record ModelOutput(string HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public static ModelOutput Create(GeneratedModel model, ImmutableArray<ModelDeclaration> declarations)
    {
        ModelDeclaration? place = declarations.FirstOrDefault(d => d.FullyQualifiedName == model.FullyQualifiedName);
        if (place is null)
        {
            return new ModelOutput(model.HintName, model.Source, EquatableArray<DiagnosticInfo>.Empty);
        }

        var diagnostics = new List<DiagnosticInfo>();
        if (model.TooLarge is { } tooLarge)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, place.Location, place.TypeName, tooLarge.Size, tooLarge.Buffer,
                ModelPlan.MaxArrayLength.ToString(CultureInfo.InvariantCulture)));
        }

        // A user member with a generated member's name (or signature) would make the generated source fail to compile
        // (CS0102, CS0111, CS0542) where the user cannot fix it: report it on the user's member and add no source.
        foreach (DeclaredMember member in place.Members)
        {
            if (model.Members.FirstOrDefault(generated => generated.ClashesWith(member.Signature)) is { } clash)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberClashesWithGenerated, member.Location,
                    "The " + member.Signature.Description, clash.Description, place.TypeName, member.Remedy));
            }
        }

        if (model.StreamsUnsupported is { } streams)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StreamsUnsupported, place.Location, place.TypeName, streams));
        }

        if (model.Large is { } large)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LargeModel, place.Location, place.TypeName, large.Megabytes, large.Buffers));
        }

        bool failed = diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);
        return new ModelOutput(model.HintName, failed ? null : model.Source, diagnostics.ToEquatableArray());
    }
}
