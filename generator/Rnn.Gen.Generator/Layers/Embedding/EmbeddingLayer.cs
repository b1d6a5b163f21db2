using System.Globalization;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Embedding;

/// <summary>
/// <c>[Embedding(vocabularySize, dimension)]</c>: PyTorch's nn.Embedding, one weight row per token id. As the model's
/// first layer it makes the model read token ids (<c>InputSize</c> 1, <c>int</c> overloads of the entry points).
/// </summary>
internal sealed class EmbeddingLayer : LayerKind<EmbeddingSpec, EmbeddingPlan>
{
    /// <summary>The largest vocabulary: ids travel as floats through the model's float members, exact up to 2^24.</summary>
    public const int MaxVocabulary = 1 << 24;

    public static EmbeddingLayer Instance { get; } = new();

    public override string Name => "Embedding";

    public override string AttributeName => "Rnn.Gen.EmbeddingAttribute";

    public override LayerSpec? Parse(AttributeReader attribute)
    {
        if (!attribute.TryGetArgument(0, out int vocabulary) || !attribute.TryGetArgument(1, out int dimension))
        {
            return null; // the compiler reports the malformed attribute
        }

        bool valid = attribute.CheckPositive($"The vocabulary size of [{attribute.Display}]", vocabulary, attribute.ArgumentLocation(0, "vocabularySize"));
        valid &= attribute.CheckPositive($"The dimension of [{attribute.Display}]", dimension, attribute.ArgumentLocation(1, "dimension"));
        if (attribute.HasMalformedNamedArgument)
        {
            return null;
        }

        if (vocabulary > MaxVocabulary)
        {
            attribute.Report(DiagnosticDescriptors.EmbeddingArgumentOutOfRange, attribute.ArgumentLocation(0, "vocabularySize"), "The vocabulary size", attribute.Display,
                vocabulary.ToString(CultureInfo.InvariantCulture), $"a model reads at most {MaxVocabulary} (2^24) token ids, the whole numbers a float holds exactly");
            valid = false;
        }

        int? padding = attribute.Named<int>("PaddingIndex");
        if (padding is { } row && vocabulary > 0 && (row < 0 || row >= vocabulary))
        {
            attribute.Report(DiagnosticDescriptors.EmbeddingArgumentOutOfRange, attribute.NamedArgumentLocation("PaddingIndex"), "PaddingIndex", attribute.Display,
                row.ToString(CultureInfo.InvariantCulture), $"give the id of a row, 0 to {vocabulary - 1} (PyTorch's negative ids counted from the end are not accepted)");
            valid = false;
        }

        double l1 = attribute.Named<double>("EmbeddingsL1") ?? 0, l2 = attribute.Named<double>("EmbeddingsL2") ?? 0;
        valid &= attribute.CheckFactor("EmbeddingsL1", l1, attribute.NamedArgumentLocation("EmbeddingsL1"));
        valid &= attribute.CheckFactor("EmbeddingsL2", l2, attribute.NamedArgumentLocation("EmbeddingsL2"));
        return valid ? new EmbeddingSpec(vocabulary, dimension, padding) { L1 = l1, L2 = l2 } : null;
    }

    protected override EmbeddingPlan Plan(EmbeddingSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override LayerEmitter CreateEmitter(EmbeddingPlan plan) => new EmbeddingEmitter(plan);
}

/// <summary>An Embedding: <paramref name="Vocabulary"/> rows of <paramref name="Dimension"/> features, and the padding row if any.</summary>
internal sealed record EmbeddingSpec(int Vocabulary, int Dimension, int? PaddingIndex) : LayerSpec
{
    public override Int8Support Int8 => Int8Support.NothingToQuantize;

    /// <summary>Keras's <c>embeddings_regularizer</c>: the L1 penalty factor on the table.</summary>
    public double L1 { get; init; }

    /// <summary>The L2 penalty factor on the table.</summary>
    public double L2 { get; init; }

    public override LayerKind Kind => EmbeddingLayer.Instance;

    public override int? TokenVocabulary => Vocabulary;

    public override int OutputSize(int inputSize) => Dimension;
}

/// <summary>An Embedding's table (nn.Embedding's weight [vocabularySize, dimension]) and its output at every step.</summary>
internal sealed class EmbeddingPlan : LayerPlan
{
    public EmbeddingPlan(EmbeddingSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context)
    {
        Embedding = spec;
        Weight = AddParameter(slabs, "Weight", "weight", spec.L1, spec.L2, spec.Vocabulary, spec.Dimension);
        Output = slabs.Cache.Add(Owner, "Output", Positions * (long)spec.Dimension, $"[{Positions}, {spec.Dimension}] the vector of each step's token");
        OutputGradient = slabs.Work.Add(Owner, "OutputGradient", Positions * (long)spec.Dimension, $"[{Positions}, {spec.Dimension}] dL/dy");
    }

    public EmbeddingSpec Embedding { get; }

    public ParameterPlan Weight { get; }
}
