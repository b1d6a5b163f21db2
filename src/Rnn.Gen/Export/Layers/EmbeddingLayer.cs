using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary><c>[Embedding(vocabularySize, dimension)]</c>: nn.Embedding (<c>{i}.weight</c> [vocabularySize, dimension]), one row per token id.</summary>
public sealed class EmbeddingLayer : LayerArchitecture
{
    /// <summary>Layer <paramref name="index"/>, a table of <paramref name="vocabularySize"/> rows of <paramref name="dimension"/> features.</summary>
    public EmbeddingLayer(int index, int vocabularySize, int dimension)
        : base(index, 1)
    {
        System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        VocabularySize = vocabularySize;
        Dimension = dimension;
    }

    /// <summary>Rows of the table: ids 0 to <c>VocabularySize − 1</c>.</summary>
    public int VocabularySize { get; }

    /// <summary>Features per token.</summary>
    public int Dimension { get; }

    /// <summary>The row kept at zero and never trained, or null.</summary>
    public int? PaddingIndex { get; init; }

    /// <inheritdoc/>
    public override string Kind => "Embedding";

    /// <inheritdoc/>
    public override int OutputSize => Dimension;

    /// <summary>Gather of the ids' rows: [batch, steps] int64 → [batch, steps, dimension]. The padding row is the table's (zero unless weights made it otherwise).</summary>
    internal override OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input)
    {
        if (input.Layout != SequenceLayout.TokenIds)
        {
            throw new System.NotSupportedException($"{this} reads token ids, and only the model's first layer can: a decoder's Embedding reads the tokens it chose itself.");
        }

        string table = graph.Initializer($"{Index}.weight", [VocabularySize, Dimension], graph.Parameter(this, "weight", VocabularySize, Dimension));
        return new OnnxSequence(graph.Node("Gather", [table, input.Name], OnnxAttribute.Int("axis", 0)), SequenceLayout.BatchMajor);
    }
}
