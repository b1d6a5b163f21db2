using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Parsing;

/// <summary>What parsing one model declaration produced: a model to emit (when valid) and its diagnostics.</summary>
internal sealed record ParseResult(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Turns a <c>[RnnModel]</c> declaration into a <see cref="ModelSpec"/>. All validation lives here: a model reaches
/// the planner and emitters only when it can be generated, and every reason it cannot is a diagnostic.
/// </summary>
internal static class ModelParser
{
    public const string ModelAttributeName = "Rnn.Gen.RnnModelAttribute";
    public const string LstmAttributeName = "Rnn.Gen.LstmAttribute";
    public const string GruAttributeName = "Rnn.Gen.GruAttribute";
    public const string SimpleRnnAttributeName = "Rnn.Gen.SimpleRnnAttribute";
    public const string DenseAttributeName = "Rnn.Gen.DenseAttribute";
    public const string GaussianNoiseAttributeName = "Rnn.Gen.GaussianNoiseAttribute";
    public const string DecoderAttributeName = "Rnn.Gen.DecoderAttribute";

    public static readonly ImmutableArray<string> LayerAttributeNames =
        ImmutableArray.Create(LstmAttributeName, GruAttributeName, SimpleRnnAttributeName, DenseAttributeName, GaussianNoiseAttributeName, DecoderAttributeName);

    /// <summary>Only type declarations can carry the attributes (their usage is Class).</summary>
    public static bool IsCandidate(SyntaxNode node, CancellationToken _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax;

    public static ParseResult? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
        {
            return null;
        }

        // A duplicated [RnnModel] on two partial declarations is the compiler's error (CS0579); generate once, from
        // the declaration that holds the first one, so the hint name is never added twice.
        AttributeData? modelAttribute = FirstModelAttribute(type, cancellationToken);
        if (modelAttribute?.ApplicationSyntaxReference is not { } modelReference
            || modelReference.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>() != declaration)
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        ParseResult Fail() => new(null, diagnostics.ToEquatableArray());
        Location typeLocation = declaration.Identifier.GetLocation();
        Location modelLocation = modelReference.GetSyntax(cancellationToken).GetLocation();
        string typeName = type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);

        // The type itself.
        string? unsupportedKind = declaration is RecordDeclarationSyntax ? "a record"
            : type.IsStatic ? "a static class"
            : type.IsFileLocal ? "a file-local class"
            : null;
        if (unsupportedKind is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedTypeKind, typeLocation, typeName, unsupportedKind));
            return Fail();
        }

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelNotPartial, typeLocation, typeName));
        }

        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.IsGenericType)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericModel, typeLocation, typeName));
                break;
            }
        }

        var containingTypes = new List<ContainingType>();
        for (TypeDeclarationSyntax? parent = declaration.Parent as TypeDeclarationSyntax; parent is not null; parent = parent.Parent as TypeDeclarationSyntax)
        {
            if (!parent.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, typeLocation, typeName, parent.Identifier.ValueText));
            }

            containingTypes.Insert(0, new ContainingType(Keyword(parent), parent.Identifier.ValueText));
        }

        // [RnnModel(inputSize, steps)]: a malformed attribute is the compiler's error; stay silent and generate nothing.
        if (!TryGetInt(modelAttribute, 0, out int inputSize) || !TryGetInt(modelAttribute, 1, out int steps))
        {
            return Fail();
        }

        bool stateful = modelAttribute.NamedArguments.Any(a => a.Key == "Stateful" && a.Value.Value is true);
        var modelSyntax = (AttributeSyntax)modelReference.GetSyntax(cancellationToken);
        CheckPositive(diagnostics, "The input size of [RnnModel]", inputSize, ArgumentLocation(modelSyntax, 0, "inputSize"));
        CheckPositive(diagnostics, "The step count of [RnnModel]", steps, ArgumentLocation(modelSyntax, 1, "steps"));

        // The layers, in the order they are written.
        var layerAttributes = new List<(AttributeData Data, AttributeSyntax Syntax)>();
        bool split = false;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name is null || !LayerAttributeNames.Contains(name) || attribute.ApplicationSyntaxReference is not { } reference)
            {
                continue;
            }

            var syntax = (AttributeSyntax)reference.GetSyntax(cancellationToken);
            if (syntax.FirstAncestorOrSelf<TypeDeclarationSyntax>() != declaration)
            {
                if (!split)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersSplitAcrossDeclarations, syntax.GetLocation(), typeName));
                    split = true;
                }

                continue;
            }

            layerAttributes.Add((attribute, syntax));
        }

        layerAttributes.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));

        var layers = new List<LayerSpec>();
        bool sequence = true, afterDense = false, layersValid = true;
        (int Index, int OutputSteps, int Feedback, AttributeSyntax Syntax)? decoder = null;
        foreach ((AttributeData data, AttributeSyntax syntax) in layerAttributes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (data.AttributeClass!.ToDisplayString() == DecoderAttributeName)
            {
                // Not a layer: the marker where the decoder starts. Its layers run over a sequence of their own.
                if (!TryGetInt(data, 0, out int outputSteps))
                {
                    layersValid = false;
                    continue;
                }

                layersValid &= CheckPositive(diagnostics, $"The output step count of [{Display(syntax)}]", outputSteps, ArgumentLocation(syntax, 0, "outputSteps"));
                int feedback = data.NamedArguments.FirstOrDefault(a => a.Key == "Feedback").Value.Value is int f ? f : 0;
                decoder = (layers.Count, outputSteps, feedback, syntax);
                sequence = true;
                continue;
            }

            LayerSpec? layer = ParseLayer(data, syntax, diagnostics);
            if (layer is null)
            {
                layersValid = false;
                continue;
            }

            string display = Display(syntax);
            if (layer.IsRecurrent && afterDense)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RecurrentAfterDense, syntax.GetLocation(), display));
            }
            else if (layer.IsRecurrent && !sequence)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RecurrentAfterLastStep, syntax.GetLocation(), display));
            }

            if (layer.IsRecurrent && layer.Bidirectional && stateful)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StatefulBidirectional, syntax.GetLocation(), display));
            }

            if (layer.IsRecurrent)
            {
                sequence = layer.ReturnSequences || decoder is not null; // decoder layers return every step
            }
            else if (layer.Kind == LayerKind.Dense)
            {
                afterDense = true;
                if (layer.Activation == ActivationKind.Softmax && layer.Size == 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxOnOneUnit, syntax.GetLocation(), display));
                }
            }

            layers.Add(layer);
        }

        // Noise alone computes nothing at inference: a model needs at least one layer with weights.
        if (layersValid && !split && !layers.Any(l => l.HasWeights))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, modelLocation, typeName));
        }

        DecoderSpec? decoderSpec = null;
        if (decoder is { } marker && layersValid)
        {
            decoderSpec = ValidateDecoder(marker.Index, marker.OutputSteps, marker.Feedback, marker.Syntax, layers, steps, stateful, modelSyntax, diagnostics);
        }

        if (!layersValid || diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
        {
            return Fail();
        }

        var spec = new ModelSpec(
            type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(),
            containingTypes.ToEquatableArray(),
            type.Name,
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)),
            inputSize,
            steps,
            layers.ToEquatableArray())
        {
            Stateful = stateful,
            Decoder = decoderSpec,
        };

        if (!CheckSize(spec, typeName, modelLocation, diagnostics))
        {
            return Fail();
        }

        return new ParseResult(spec, diagnostics.ToEquatableArray());
    }

    /// <summary>For layer attributes on a class without [RnnModel]: one diagnostic each, since nothing will be generated.</summary>
    public static EquatableArray<DiagnosticInfo> ParseOrphanLayers(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || FirstModelAttribute(type, cancellationToken) is not null)
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        string typeName = type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
        var diagnostics = new List<DiagnosticInfo>();
        foreach (AttributeData attribute in context.Attributes)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerWithoutModel, syntax.GetLocation(), Display(syntax), typeName));
            }
        }

        return diagnostics.ToEquatableArray();
    }

    private static AttributeData? FirstModelAttribute(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        AttributeData? first = null;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attribute.AttributeClass?.ToDisplayString() == ModelAttributeName
                && (first is null || ComparePlace(attribute, first) < 0))
            {
                first = attribute;
            }
        }

        return first;
    }

    private static int ComparePlace(AttributeData a, AttributeData b)
    {
        SyntaxReference? x = a.ApplicationSyntaxReference, y = b.ApplicationSyntaxReference;
        if (x is null || y is null)
        {
            return x is null ? 1 : -1;
        }

        int byFile = string.CompareOrdinal(x.SyntaxTree.FilePath, y.SyntaxTree.FilePath);
        return byFile != 0 ? byFile : x.Span.Start.CompareTo(y.Span.Start);
    }

    private static LayerSpec? ParseLayer(AttributeData data, AttributeSyntax syntax, List<DiagnosticInfo> diagnostics)
    {
        string display = Display(syntax);
        if (data.AttributeClass!.ToDisplayString() == GaussianNoiseAttributeName)
        {
            if (!TryGetDouble(data, 0, out double deviation))
            {
                return null; // the compiler reports the malformed attribute
            }

            return CheckFactor(diagnostics, "The standard deviation", display, deviation, ArgumentLocation(syntax, 0, "standardDeviation"))
                ? new LayerSpec(LayerKind.GaussianNoise, 0, false, ActivationKind.Identity) { NoiseStandardDeviation = deviation }
                : null;
        }

        if (!TryGetInt(data, 0, out int size))
        {
            return null; // the compiler reports the malformed attribute
        }

        LayerKind kind = data.AttributeClass!.ToDisplayString() switch
        {
            LstmAttributeName => LayerKind.Lstm,
            GruAttributeName => LayerKind.Gru,
            SimpleRnnAttributeName => LayerKind.SimpleRnn,
            _ => LayerKind.Dense,
        };

        bool valid = CheckPositive(
            diagnostics,
            kind == LayerKind.Dense ? $"The unit count of [{display}]" : $"The hidden size of [{display}]",
            size,
            ArgumentLocation(syntax, 0, kind == LayerKind.Dense ? "units" : "hiddenSize"));

        bool returnSequences = false, bidirectional = false;
        MergeModeKind? mergeMode = null;
        ActivationKind activation = kind == LayerKind.SimpleRnn ? ActivationKind.Tanh : ActivationKind.Identity;
        var factors = new Dictionary<string, double>();
        foreach (KeyValuePair<string, TypedConstant> argument in data.NamedArguments)
        {
            if (argument.Value.Kind == TypedConstantKind.Error || argument.Value.Value is null)
            {
                return null;
            }

            switch (argument.Key)
            {
                case "ReturnSequences" when argument.Value.Value is bool flag:
                    returnSequences = flag;
                    break;
                case "Activation" when argument.Value.Value is int value:
                    activation = (ActivationKind)value;
                    break;
                case "Bidirectional" when argument.Value.Value is bool flag:
                    bidirectional = flag;
                    break;
                case "MergeMode" when argument.Value.Value is int mode:
                    mergeMode = (MergeModeKind)mode;
                    break;
                case var name when argument.Value.Value is double factor:
                    factors[name] = factor;
                    break;
            }
        }

        double Factor(string name) => factors.TryGetValue(name, out double value) ? value : 0;
        foreach (string name in new[] { "Dropout", "RecurrentDropout" })
        {
            double rate = Factor(name);
            if (!(rate >= 0 && rate < 1))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutOutOfRange, NamedArgumentLocation(syntax, name), name, display, Format(rate)));
                valid = false;
            }
        }

        foreach (string name in new[] { "KernelL1", "KernelL2", "RecurrentL1", "RecurrentL2", "BiasL1", "BiasL2" })
        {
            valid &= CheckFactor(diagnostics, name, display, Factor(name), NamedArgumentLocation(syntax, name));
        }

        ActivationKind[] allowed = kind switch
        {
            LayerKind.SimpleRnn => new[] { ActivationKind.Tanh, ActivationKind.Relu },
            LayerKind.Dense => new[] { ActivationKind.Identity, ActivationKind.Tanh, ActivationKind.Sigmoid, ActivationKind.Relu, ActivationKind.Softmax },
            _ => new[] { activation },
        };
        if (Array.IndexOf(allowed, activation) < 0)
        {
            string shown = Enum.IsDefined(typeof(ActivationKind), activation) ? $"Activation.{activation}" : ((int)activation).ToString(System.Globalization.CultureInfo.InvariantCulture);
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedActivation,
                NamedArgumentLocation(syntax, "Activation"),
                display,
                shown,
                string.Join(", ", allowed.Select(a => $"Activation.{a}"))));
            valid = false;
        }

        if (mergeMode is { } merge && !Enum.IsDefined(typeof(MergeModeKind), merge))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedMergeMode, NamedArgumentLocation(syntax, "MergeMode"), display,
                ((int)merge).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            valid = false;
        }
        else if (mergeMode is not null && !bidirectional)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MergeModeWithoutBidirectional, NamedArgumentLocation(syntax, "MergeMode"), display));
        }

        if (!valid)
        {
            return null;
        }

        return new LayerSpec(kind, size, returnSequences, activation)
        {
            Bidirectional = bidirectional,
            MergeMode = mergeMode ?? MergeModeKind.Concat,
            Dropout = Factor("Dropout"),
            RecurrentDropout = Factor("RecurrentDropout"),
            Penalties = new Penalties(Factor("KernelL1"), Factor("KernelL2"), Factor("RecurrentL1"), Factor("RecurrentL2"), Factor("BiasL1"), Factor("BiasL2")),
        };
    }

    /// <summary>The rules of a decoder; returns its spec (null when it is invalid, with diagnostics added).</summary>
    private static DecoderSpec? ValidateDecoder(int first, int outputSteps, int feedback, AttributeSyntax syntax, List<LayerSpec> layers, int steps,
        bool stateful, AttributeSyntax modelSyntax, List<DiagnosticInfo> diagnostics)
    {
        string display = Display(syntax);
        int errors = diagnostics.Count;
        List<LayerSpec> encoder = layers.Take(first).Where(l => l.IsRecurrent).ToList();
        List<LayerSpec> decoder = layers.Skip(first).Where(l => l.IsRecurrent).ToList();
        if (decoder.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DecoderWithoutRecurrentLayer, syntax.GetLocation(), display));
        }
        else if (encoder.Count > 0 && !encoder.Select(l => (l.Kind, l.Size)).SequenceEqual(decoder.Select(l => (l.Kind, l.Size))))
        {
            static string Describe(IEnumerable<LayerSpec> recurrent) => string.Join(", ", recurrent.Select(l => $"{l.Kind}({l.Size})"));
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DecoderDoesNotMatchEncoder, syntax.GetLocation(), Describe(encoder), Describe(decoder)));
        }

        if (encoder.Count == 0 && steps != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OneToManyNeedsOneStep, syntax.GetLocation(), steps.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (stateful)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DecoderUnsupportedOption, NamedArgumentLocation(modelSyntax, "Stateful"), "Stateful",
                "a decoder's states come from its encoder, not from the previous Forward"));
        }

        if (layers.Any(l => l.Bidirectional))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DecoderUnsupportedOption, syntax.GetLocation(), "Bidirectional",
                "a decoder runs forward only, and its states match the encoder's one direction"));
        }

        LayerSpec last = layers[layers.Count - 1];
        bool softmaxHead = last.Kind == LayerKind.Dense && last.Activation == ActivationKind.Softmax;
        FeedbackKind kind = feedback switch
        {
            1 => FeedbackKind.Output,
            2 => FeedbackKind.Token,
            _ => softmaxHead ? FeedbackKind.Token : FeedbackKind.Output,
        };
        if (kind == FeedbackKind.Token && !softmaxHead)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TokenFeedbackNeedsSoftmax, syntax.GetLocation(), display));
        }

        return diagnostics.Count == errors ? new DecoderSpec(first, outputSteps, kind) : null;
    }

    private static bool CheckFactor(List<DiagnosticInfo> diagnostics, string what, string display, double value, Location location)
    {
        if (value >= 0 && !double.IsInfinity(value))
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NegativeFactor, location, what, display, Format(value)));
        return false;
    }

    private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static bool CheckSize(ModelSpec spec, string typeName, Location location, List<DiagnosticInfo> diagnostics)
    {
        try
        {
            ModelPlan plan = ModelPlan.Create(spec);
            foreach ((string what, long size) in plan.Buffers())
            {
                if (size > ModelPlan.MaxArrayLength)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, location, typeName, size.ToString(System.Globalization.CultureInfo.InvariantCulture), what, ModelPlan.MaxArrayLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    return false;
                }
            }

            return true;
        }
        catch (OverflowException)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, location, typeName, "more than 2^63", "buffers", ModelPlan.MaxArrayLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return false;
        }
    }

    private static bool CheckPositive(List<DiagnosticInfo> diagnostics, string what, int value, Location location)
    {
        if (value > 0)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SizeNotPositive, location, what, value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return false;
    }

    private static bool TryGetDouble(AttributeData attribute, int index, out double value) => TryGet(attribute, index, out value);

    private static bool TryGetInt(AttributeData attribute, int index, out int value) => TryGet(attribute, index, out value);

    /// <summary>Constructor argument <paramref name="index"/> when it bound to a <typeparamref name="T"/>; false for a malformed attribute.</summary>
    private static bool TryGet<T>(AttributeData attribute, int index, out T value)
        where T : struct
    {
        value = default;
        if (attribute.AttributeClass is null or IErrorTypeSymbol || attribute.ConstructorArguments.Length <= index)
        {
            return false;
        }

        TypedConstant argument = attribute.ConstructorArguments[index];
        if (argument.Kind == TypedConstantKind.Error || argument.Value is not T typed)
        {
            return false;
        }

        value = typed;
        return true;
    }

    /// <summary>The argument for constructor parameter <paramref name="name"/>, written by name or by position.</summary>
    private static Location ArgumentLocation(AttributeSyntax syntax, int position, string name)
    {
        if (syntax.ArgumentList is { } list)
        {
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                if (argument.NameColon?.Name.Identifier.ValueText == name)
                {
                    return argument.GetLocation();
                }
            }

            int index = 0;
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                if (argument.NameEquals is null && argument.NameColon is null && index++ == position)
                {
                    return argument.GetLocation();
                }
            }
        }

        return syntax.GetLocation();
    }

    private static Location NamedArgumentLocation(AttributeSyntax syntax, string name)
    {
        foreach (AttributeArgumentSyntax argument in syntax.ArgumentList?.Arguments ?? default)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == name)
            {
                return argument.GetLocation();
            }
        }

        return syntax.GetLocation();
    }

    /// <summary>The attribute as the user wrote it, whitespace collapsed, for messages: <c>Lstm(64, ReturnSequences = true)</c>.</summary>
    private static string Display(AttributeSyntax syntax) => string.Join(" ", syntax.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        StructDeclarationSyntax => "struct",
        InterfaceDeclarationSyntax => "interface",
        _ => "class",
    };
}
