using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Layers;
using Rnn.Gen.Generator.Model;

namespace Rnn.Gen.Generator.Parsing;

/// <summary>
/// What parsing one model declaration produced: a model to emit (when valid), its diagnostics, and what the diagnostics
/// of the later stages need to know of the declaration (<see cref="ModelDeclaration"/>).
/// </summary>
internal sealed record ParseResult(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics, ModelDeclaration? Declaration = null);

/// <summary>
/// What the diagnostics that only planning and emitting can find need of a valid model's declaration, kept apart from
/// the spec so that an edit which only moves code plans and emits nothing again: where its <c>[RnnModel]</c> attribute
/// is (a buffer too large for an array, RNNGEN009; a model that takes much memory, RNNGEN032), how messages name its
/// type, and the members the user declared in it, with their places (a member that clashes with a generated one,
/// RNNGEN030). Joined to the emitted model by <paramref name="FullyQualifiedName"/>.
/// </summary>
internal sealed record ModelDeclaration(string FullyQualifiedName, LocationInfo Location, string TypeName, EquatableArray<DeclaredMember> Members);

/// <summary>
/// Turns a <c>[RnnModel]</c> declaration into a <see cref="ModelSpec"/>. The model-level rules live here (the type,
/// the order of the layers, the decoder); each layer's attribute is read and validated by its kind
/// (<see cref="LayerKind.Parse"/>). A model reaches the planner only when it can be generated, and every reason it
/// cannot is a diagnostic.
/// </summary>
internal static class ModelParser
{
    public const string ModelAttributeName = "Rnn.Gen.RnnModelAttribute";
    public const string DecoderAttributeName = "Rnn.Gen.DecoderAttribute";

    /// <summary>The attributes that only mean something beside <c>[RnnModel]</c>: every layer kind's, and <c>[Decoder]</c>.</summary>
    public static readonly ImmutableArray<string> LayerAttributeNames = LayerKinds.AttributeNames.Add(DecoderAttributeName);

    /// <summary>
    /// Only type declarations can carry the attributes (their usage is Class and Struct: a struct is accepted by the
    /// compiler so that the generator can say, once, that a model must be a class).
    /// </summary>
    public static bool IsCandidate(SyntaxNode node, CancellationToken _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax or StructDeclarationSyntax;

    public static ParseResult? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
        {
            return null;
        }

        // Every [RnnModel] of the type, in the order they are written (a second one, on this declaration or on another
        // partial declaration, is RNNGEN031). The declaration that holds the first one parses the model, so that the
        // hint name is never added twice and each diagnostic is reported once.
        List<AttributeData> modelAttributes = ModelAttributes(type, cancellationToken);
        AttributeData? modelAttribute = modelAttributes.FirstOrDefault();
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

        foreach (AttributeData repeated in modelAttributes.Skip(1))
        {
            if (repeated.ApplicationSyntaxReference is { } reference)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttributeRepeated, reference.GetSyntax(cancellationToken).GetLocation(), "RnnModel", typeName,
                    "a model is declared by one [RnnModel(inputSize, steps)]; remove this one"));
            }
        }

        // The type itself.
        string? unsupportedKind = declaration is RecordDeclarationSyntax record ? (record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "a record struct" : "a record")
            : declaration is StructDeclarationSyntax ? "a struct"
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

        // [RnnModel(inputSize, steps)], [RnnModel(channels, height, width)] or [RnnModel(steps, channels, height, width)]:
        // a malformed attribute is the compiler's error; stay silent and generate nothing.
        var model = new AttributeReader(modelAttribute, (AttributeSyntax)modelReference.GetSyntax(cancellationToken), diagnostics);
        int inputSize, steps;
        ImageShape? image = null;
        if (modelAttribute.ConstructorArguments.Length >= 3)
        {
            int first = modelAttribute.ConstructorArguments.Length - 3; // the image's channels: after steps, when given
            steps = 1;
            if ((first == 1 && !model.TryGetArgument(0, out steps))
                || !model.TryGetArgument(first, out int channels) || !model.TryGetArgument(first + 1, out int height) || !model.TryGetArgument(first + 2, out int width))
            {
                return Fail();
            }

            if (first == 1)
            {
                model.CheckPositive("The step count of [RnnModel]", steps, model.ArgumentLocation(0, "steps"));
            }

            bool positive = model.CheckPositive("The channel count of [RnnModel]", channels, model.ArgumentLocation(first, "channels"));
            positive &= model.CheckPositive("The image height of [RnnModel]", height, model.ArgumentLocation(first + 1, "height"));
            positive &= model.CheckPositive("The image width of [RnnModel]", width, model.ArgumentLocation(first + 2, "width"));
            image = new ImageShape(channels, height, width);
            inputSize = image.Length;
            if (positive && image.Product > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, modelLocation, typeName,
                    image.Product.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "input image", int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        else
        {
            if (!model.TryGetArgument(0, out inputSize) || !model.TryGetArgument(1, out steps))
            {
                return Fail();
            }

            model.CheckPositive("The input size of [RnnModel]", inputSize, model.ArgumentLocation(0, "inputSize"));
            model.CheckPositive("The step count of [RnnModel]", steps, model.ArgumentLocation(1, "steps"));
        }

        bool stateful = model.Named<bool>("Stateful") ?? false;
        bool streams = model.Named<bool>("Streams") ?? false;
        bool int8Weights = model.Named<int>("Weights") == 1; // WeightPrecision.Int8
        bool fastActivations = model.Named<int>("Activations") == 1; // ActivationPrecision.Fast

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

        ImageShape? modelImage = image;
        var layers = new List<LayerSpec>();
        var readers = new List<AttributeReader>(); // each layer's attribute, for the decoder rules' locations
        bool sequence = true, recurrentAllowed = true, layersValid = true;
        int sequenceSteps = steps; // steps of the sequence the next layer reads (convolutions and pooling shorten it)
        bool pooledToOne = false; // the sequence ended in global pooling, not in a recurrent layer's last step
        (int Index, int OutputSteps, int Feedback, AttributeReader Attribute)? decoder = null;
        foreach ((AttributeData data, AttributeSyntax syntax) in layerAttributes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var attribute = new AttributeReader(data, syntax, diagnostics);
            string attributeName = data.AttributeClass!.ToDisplayString();
            if (attributeName == DecoderAttributeName && decoder is not null)
            {
                // A second marker would split the layers again; the decoder rules would then report a misleading mismatch.
                attribute.Report(DiagnosticDescriptors.AttributeRepeated, attribute.Location, "Decoder", typeName,
                    "a model has one decoder, which starts at its [Decoder(outputSteps)]; remove this one");
                layersValid = false;
                continue;
            }

            if (attributeName == DecoderAttributeName)
            {
                // Not a layer: the marker where the decoder starts. Its layers run over a sequence of their own.
                if (!attribute.TryGetArgument(0, out int outputSteps))
                {
                    layersValid = false;
                    continue;
                }

                layersValid &= attribute.CheckPositive($"The output step count of [{attribute.Display}]", outputSteps, attribute.ArgumentLocation(0, "outputSteps"));
                decoder = (layers.Count, outputSteps, attribute.Named<int>("Feedback") ?? 0, attribute);
                sequence = true;
                image = null; // the decoder reads what it feeds back
                if (!layers.Any(l => l.IsRecurrent))
                {
                    // A feature encoder (no recurrent layer: image layers, Dense) hands its output vector to the decoder's
                    // start state, so a Dense projection may end it; after a recurrent encoder, RNNGEN004 still applies.
                    recurrentAllowed = true;
                }

                continue;
            }

            LayerKind kind = LayerKinds.Find(attributeName)
                ?? throw new InvalidOperationException($"{attributeName} is in LayerAttributeNames but no layer kind reads it.");
            LayerSpec? layer = kind.Parse(attribute);
            if (layer is null)
            {
                layersValid = false;
                continue;
            }

            if (layer.ReadsEncoderMemory && decoder is null)
            {
                attribute.Report(DiagnosticDescriptors.AttentionOutsideDecoder, attribute.Location, attribute.Display);
                layersValid = false;
                continue;
            }

            // Images: an image layer reads the image of the layers below (the model's input, or a feature map), and the
            // layers that read vectors come after [Flatten], global pooling or [RowsAsSteps].
            if (layer.ReadsImage)
            {
                if (image is null)
                {
                    attribute.Report(DiagnosticDescriptors.ImageLayerWithoutImage, attribute.Location, attribute.Display,
                        decoder is not null ? "it is in a decoder, which reads the tokens or outputs it feeds back"
                        : layers.Count == 0 ? "the model's input is a vector of features per step"
                        : "the layer before it outputs a vector per step");
                    layersValid = false;
                    continue;
                }

                layer = layer.WithInputImage(image);
                if (layer.OutputImage is { } shape && (shape.Height < 1 || shape.Width < 1))
                {
                    attribute.Report(DiagnosticDescriptors.EmptyImageOutput, attribute.Location, attribute.Display, image.ToString(), shape.ToString());
                    layersValid = false;
                    continue;
                }

                if (layer.ImageToSteps && steps != 1)
                {
                    attribute.Report(DiagnosticDescriptors.ImageStepsNeedOneImage, attribute.Location, attribute.Display, steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    layersValid = false; // the layers after it still read its vectors: no diagnostic of theirs follows from this one
                }
            }
            else if (image is not null && layer.ActsAtInference)
            {
                attribute.Report(DiagnosticDescriptors.LayerAfterImage, attribute.Location, attribute.Display, image.ToString(),
                    image.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                layersValid = false;
                image = null; // the layers after it read its vectors
                continue;
            }

            if (layer.TokenVocabulary is not null)
            {
                string? misplaced = decoder is { } start && start.Index != layers.Count
                    ? "in a decoder it must be the decoder's first layer, right after [Decoder], where it reads the fed-back token"
                    : decoder is null && layers.Count > 0 ? "it must be the model's first layer, whose input it reads"
                    : decoder is null && inputSize != 1 ? $"[RnnModel] must declare inputSize: 1 (one id per step), not {inputSize.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
                    : null;
                if (misplaced is not null)
                {
                    attribute.Report(DiagnosticDescriptors.TokenInputPlacement, attribute.Location, attribute.Display, misplaced);
                }
            }

            if (layer.IsRecurrent && !recurrentAllowed)
            {
                attribute.Report(DiagnosticDescriptors.RecurrentAfterDense, attribute.Location, attribute.Display);
            }
            else if (layer.IsRecurrent && !sequence && !pooledToOne)
            {
                attribute.Report(DiagnosticDescriptors.RecurrentAfterLastStep, attribute.Location, attribute.Display);
            }
            else if ((layer.NeedsSequence || layer.IsRecurrent) && !sequence)
            {
                attribute.Report(DiagnosticDescriptors.LayerNeedsSequence, attribute.Location, attribute.Display);
            }
            else if (layer.NeedsSequence && decoder is null && layer.OutputSteps(sequenceSteps) < 1)
            {
                attribute.Report(DiagnosticDescriptors.EmptyOutput, attribute.Location, attribute.Display,
                    sequenceSteps.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (layer.ReadsWholeSequence && stateful)
            {
                attribute.Report(DiagnosticDescriptors.StatefulBidirectional, attribute.Location, attribute.Display);
            }

            if (layer.IsRecurrent)
            {
                sequence = layer.ReturnsSequence || decoder is not null; // decoder layers return every step
                pooledToOne = false;
            }
            else if (layer.EndsSequence)
            {
                sequence = false;
                pooledToOne = true;
            }

            sequenceSteps = System.Math.Max(1, layer.OutputSteps(sequenceSteps));

            if (layer.ReadsImage)
            {
                image = layer.OutputImage;
            }

            recurrentAllowed &= layer.AllowsRecurrentAfter;
            layers.Add(layer);
            readers.Add(attribute);
        }

        // Noise alone computes nothing at inference: a model needs at least one layer that does.
        if (layersValid && !split && !layers.Any(l => l.ActsAtInference))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, modelLocation, typeName));
        }

        PrecisionRules.CheckActivations(fastActivations, layers, decoder is not null, layersValid && !split, model, typeName);
        PrecisionRules.CheckWeights(int8Weights, layers, layersValid && !split, model, typeName);

        DecoderSpec? decoderSpec = null;
        if (decoder is { } marker && layersValid)
        {
            decoderSpec = ValidateDecoder(marker.Index, marker.OutputSteps, marker.Feedback, marker.Attribute, layers, readers, inputSize, steps, stateful, model);
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
            Streams = streams,
            Int8Weights = int8Weights,
            FastActivations = fastActivations,
            Decoder = decoderSpec,
            Image = modelImage,
            IsAbstract = type.IsAbstract,
        };

        // The user's members, and the class's own name, for the check against the generated members (RNNGEN030).
        var members = new List<DeclaredMember> { new(MemberSignature.ForClassName(type.Name), LocationInfo.From(typeLocation), "rename the class") };
        foreach (ISymbol member in type.GetMembers())
        {
            if (MemberSignature.Declared(member, type.Name) is { } declared)
            {
                members.Add(declared);
            }
        }

        return new ParseResult(spec, diagnostics.ToEquatableArray(),
            new ModelDeclaration(spec.FullyQualifiedName, LocationInfo.From(modelLocation), typeName, members.ToEquatableArray()));
    }

    /// <summary>For layer attributes on a class without [RnnModel]: one diagnostic each, since nothing will be generated.</summary>
    public static EquatableArray<DiagnosticInfo> ParseOrphanLayers(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || ModelAttributes(type, cancellationToken).Count > 0)
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        string typeName = type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
        var diagnostics = new List<DiagnosticInfo>();
        foreach (AttributeData attribute in context.Attributes)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerWithoutModel, syntax.GetLocation(), new AttributeReader(attribute, syntax, diagnostics).Display, typeName));
            }
        }

        return diagnostics.ToEquatableArray();
    }

    /// <summary>The type's [RnnModel] attributes, in the order they are written (by file, then by position).</summary>
    private static List<AttributeData> ModelAttributes(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var found = new List<AttributeData>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attribute.AttributeClass?.ToDisplayString() == ModelAttributeName)
            {
                found.Add(attribute);
            }
        }

        found.Sort(ComparePlace);
        return found;
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

    /// <summary>The rules of a decoder; returns its spec (null when it is invalid, with diagnostics added).</summary>
    private static DecoderSpec? ValidateDecoder(int first, int outputSteps, int feedback, AttributeReader attribute, List<LayerSpec> layers, List<AttributeReader> readers,
        int inputSize, int steps, bool stateful, AttributeReader model)
    {
        var diagnostics = new List<DiagnosticDescriptor>();
        void Report(DiagnosticDescriptor descriptor, Location location, params string[] arguments)
        {
            diagnostics.Add(descriptor);
            attribute.Report(descriptor, location, arguments);
        }

        List<LayerSpec> encoder = layers.Take(first).Where(l => l.IsRecurrent).ToList();
        List<LayerSpec> decoder = layers.Skip(first).Where(l => l.IsRecurrent).ToList();
        if (decoder.Count == 0)
        {
            Report(DiagnosticDescriptors.DecoderWithoutRecurrentLayer, attribute.Location, attribute.Display);
        }
        else if (encoder.Count > 0 && !encoder.Select(l => l.DecoderSignature).SequenceEqual(decoder.Select(l => l.Signature)))
        {
            // A bidirectional encoder layer hands on both directions' final states, merged: its decoder layer has the merged size.
            static string Describe(IEnumerable<LayerSpec> recurrent) => string.Join(", ", recurrent.Select(l => l.DecoderSignature == l.Signature ? l.Signature : $"{l.Signature} bidirectional, so {l.DecoderSignature}"));
            Report(DiagnosticDescriptors.DecoderDoesNotMatchEncoder, attribute.Location, Describe(encoder), Describe(decoder));
        }

        for (int i = 0; i < first; i++)
        {
            if (layers[i].IsRecurrent && layers[i].UnmergeableFinalStates is { } merge)
            {
                diagnostics.Add(DiagnosticDescriptors.BidirectionalEncoderMerge);
                readers[i].Report(DiagnosticDescriptors.BidirectionalEncoderMerge, readers[i].NamedArgumentLocation("MergeMode"), readers[i].Display, merge);
            }
        }

        ValidateAttention(first, layers, readers, encoder, steps, diagnostics);

        if (encoder.Count == 0 && steps != 1)
        {
            Report(DiagnosticDescriptors.OneToManyNeedsOneStep, attribute.Location, steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (stateful)
        {
            Report(DiagnosticDescriptors.DecoderUnsupportedOption, model.NamedArgumentLocation("Stateful"), "Stateful",
                "a decoder's states come from its encoder, not from the previous Forward");
        }

        if (layers.FirstOrDefault(l => l.SlidesOverTime) is { } window)
        {
            Report(DiagnosticDescriptors.DecoderUnsupportedOption, attribute.Location, window.Kind.Name,
                "a decoder runs step by step, and convolution and pooling windows read several steps at once");
        }

        // A feature encoder: layers above [Decoder] without a recurrent one (image layers, Dense). Its one output vector
        // is the start state h_0 of the decoder's first recurrent layer ("init-inject"); it must have that layer's size.
        if (first > 0 && encoder.Count == 0 && decoder.Count > 0)
        {
            int features = layers.Take(first).Aggregate(inputSize, (size, layer) => layer.OutputSize(size));
            int hidden = decoder[0].OutputSize(0);
            if (features != hidden)
            {
                Report(DiagnosticDescriptors.FeaturesDoNotMatchDecoder, attribute.Location, attribute.Display,
                    features.ToString(System.Globalization.CultureInfo.InvariantCulture), decoder[0].Signature,
                    hidden.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (encoder.Count > 0 && layers.FirstOrDefault(l => l.ReadsImage) is { } imageLayer)
        {
            Report(DiagnosticDescriptors.DecoderUnsupportedOption, attribute.Location, imageLayer.Kind.Name,
                "an image encoder hands its features to the decoder's start state without recurrent layers of its own; remove [RowsAsSteps] and the encoder's recurrent layers, end the image layers in [Flatten] or [GlobalAveragePool2D] and a [Dense] of the decoder's hidden size");
        }

        if (layers.Skip(first).Any(l => l.ReadsWholeSequence))
        {
            Report(DiagnosticDescriptors.DecoderUnsupportedOption, attribute.Location, "Bidirectional",
                "a decoder runs forward only, one step after the other; make the decoder's recurrent layers unidirectional (a bidirectional encoder is fine)");
        }

        bool probabilityHead = layers.Count > 0 && layers[layers.Count - 1].IsProbabilityHead; // no layers at all: RNNGEN003 and RNNGEN019 say so
        FeedbackKind kind = feedback switch
        {
            1 => FeedbackKind.Output,
            2 => FeedbackKind.Token,
            _ => probabilityHead ? FeedbackKind.Token : FeedbackKind.Output,
        };
        if (kind == FeedbackKind.Token && !probabilityHead)
        {
            Report(DiagnosticDescriptors.TokenFeedbackNeedsSoftmax, attribute.Location, attribute.Display);
        }

        // An Embedding as the decoder's first layer reads the chosen token's id: the tokens are the head's, and there must
        // be a first one to read.
        bool embeds = first < layers.Count && layers[first].TokenVocabulary is not null;
        int startToken = attribute.Named<int>("StartToken") ?? 0;
        if (embeds)
        {
            int vocabulary = layers[first].TokenVocabulary!.Value;
            int tokens = layers.Aggregate(0, (size, layer) => layer.OutputSize(size));
            string? problem = first == 0 ? "a one-to-many decoder reads the model's input beside what it feeds back; give the decoder no Embedding, or add encoder layers"
                : kind != FeedbackKind.Token ? "the decoder must feed back tokens (a Softmax head, Feedback = DecoderFeedback.Token)"
                : vocabulary != tokens ? $"its vocabulary ({vocabulary.ToString(System.Globalization.CultureInfo.InvariantCulture)}) must be the Softmax head's tokens ({tokens.ToString(System.Globalization.CultureInfo.InvariantCulture)})"
                : null;
            if (problem is not null)
            {
                Report(DiagnosticDescriptors.TokenInputPlacement, attribute.Location, $"Embedding after {attribute.Display}", problem);
            }
            else if (startToken < 0 || startToken >= vocabulary)
            {
                Report(DiagnosticDescriptors.EmbeddingArgumentOutOfRange, attribute.NamedArgumentLocation("StartToken"), "StartToken", attribute.Display,
                    startToken.ToString(System.Globalization.CultureInfo.InvariantCulture), $"give the id of a token of the decoder's Embedding, 0 to {vocabulary - 1}");
            }
        }

        // The end token is one of the head's tokens, which only a decoder that feeds back tokens chooses.
        int? endToken = attribute.Named<int>("EndToken") is int end && end != -1 ? end : null;
        if (endToken is int endId)
        {
            int tokens = layers.Aggregate(0, (size, layer) => layer.OutputSize(size));
            string text = endId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (kind != FeedbackKind.Token)
            {
                Report(DiagnosticDescriptors.InvalidEndToken, attribute.NamedArgumentLocation("EndToken"), text, attribute.Display,
                    "only a decoder that feeds back tokens (a Softmax head, Feedback = DecoderFeedback.Token) chooses tokens; remove EndToken or feed back tokens");
            }
            else if (endId < 0 || endId >= tokens)
            {
                Report(DiagnosticDescriptors.InvalidEndToken, attribute.NamedArgumentLocation("EndToken"), text, attribute.Display,
                    $"give the id of one of the Softmax head's tokens, 0 to {(tokens - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}, or -1 for none");
            }
        }

        return diagnostics.Count == 0 ? new DecoderSpec(first, outputSteps, kind) { EmbedsTokens = embeds, StartToken = startToken, StartsFromFeatures = first > 0 && encoder.Count == 0, EndToken = endToken } : null;
    }

    /// <summary>
    /// The rules of attention layers in a decoder: directly above its top recurrent layer, with a recurrent encoder whose
    /// top layer is the last above [Decoder], equal sizes for a dot score. A valid attention learns the encoder's output
    /// size and steps, and the encoder's top layer then returns every step (its outputs are the attention's memory).
    /// </summary>
    private static void ValidateAttention(int first, List<LayerSpec> layers, List<AttributeReader> readers, List<LayerSpec> encoder, int steps, List<DiagnosticDescriptor> diagnostics)
    {
        int lastRecurrent = layers.FindLastIndex(l => l.IsRecurrent);
        for (int i = first; i < layers.Count; i++)
        {
            if (!layers[i].ReadsEncoderMemory)
            {
                continue;
            }

            AttributeReader reader = readers[i];
            void Report(DiagnosticDescriptor descriptor, Location location, params string[] arguments)
            {
                diagnostics.Add(descriptor);
                reader.Report(descriptor, location, arguments);
            }

            string? placement = i == first ? "it is the decoder's first layer; put the decoder's recurrent layer before it"
                : !layers[i - 1].IsRecurrent ? $"the layer before it is [{readers[i - 1].Display}]; move [{reader.Display}] right after the decoder's top recurrent layer"
                : lastRecurrent > i ? $"[{readers[lastRecurrent].Display}] comes after it; move [{reader.Display}] after the decoder's last recurrent layer"
                : null;
            if (placement is not null)
            {
                Report(DiagnosticDescriptors.AttentionPlacement, reader.Location, reader.Display, placement);
                continue;
            }

            string? noMemory = first == 0 ? "the model has no encoder (a one-to-many decoder)"
                : encoder.Count == 0 ? "the encoder has no recurrent layer (its features only start the decoder)"
                : !layers[first - 1].IsRecurrent ? $"the encoder's last layer [{readers[first - 1].Display}] is not its top recurrent layer, whose outputs the attention reads; remove it"
                : null;
            if (noMemory is not null)
            {
                Report(DiagnosticDescriptors.AttentionWithoutMemory, reader.Location, reader.Display, noMemory);
                continue;
            }

            // A dot score needs the decoder's hidden size to equal the encoder's output size: the decoder's recurrent layers
            // match the encoder's (RNNGEN020, the merged size for a bidirectional layer), so its top layer has that size.
            int memorySize = layers[first - 1].OutputSize(0);
            layers[i] = layers[i].WithEncoderMemory(memorySize, steps);
            layers[first - 1] = layers[first - 1].ReturningSequence();
        }
    }

    private static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        StructDeclarationSyntax => "struct",
        InterfaceDeclarationSyntax => "interface",
        _ => "class",
    };
}
