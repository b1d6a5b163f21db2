using System.Collections.Immutable;
using System.Linq;
using Rnn.Gen.Generator.Layers.Attention;
using Rnn.Gen.Generator.Layers.Conv1D;
using Rnn.Gen.Generator.Layers.Conv2D;
using Rnn.Gen.Generator.Layers.Dense;
using Rnn.Gen.Generator.Layers.Embedding;
using Rnn.Gen.Generator.Layers.GaussianNoise;
using Rnn.Gen.Generator.Layers.Gru;
using Rnn.Gen.Generator.Layers.Lstm;
using Rnn.Gen.Generator.Layers.Pooling;
using Rnn.Gen.Generator.Layers.Pooling2D;
using Rnn.Gen.Generator.Layers.Reshape;
using Rnn.Gen.Generator.Layers.SimpleRnn;

namespace Rnn.Gen.Generator.Layers;

/// <summary>The registry: every layer kind the generator knows, one line each. A new kind is a folder and a line here.</summary>
internal static class LayerKinds
{
    public static readonly ImmutableArray<LayerKind> All = ImmutableArray.Create<LayerKind>(
        LstmLayer.Instance,
        GruLayer.Instance,
        SimpleRnnLayer.Instance,
        DenseLayer.Instance,
        GaussianNoiseLayer.Instance,
        EmbeddingLayer.Instance,
        Conv1DLayer.Instance,
        PoolingLayer.MaxPool1D,
        PoolingLayer.AvgPool1D,
        PoolingLayer.GlobalMaxPool1D,
        PoolingLayer.GlobalAveragePool1D,
        Conv2DLayer.Instance,
        Pool2DLayer.MaxPool2D,
        Pool2DLayer.AvgPool2D,
        Pool2DLayer.GlobalAveragePool2D,
        ReshapeLayer.Flatten,
        ReshapeLayer.RowsAsSteps,
        ReshapeLayer.ColumnsAsSteps,
        AttentionLayer.Instance);

    /// <summary>The attribute metadata names of every kind, for the orphan-layer check.</summary>
    public static readonly ImmutableArray<string> AttributeNames = All.Select(kind => kind.AttributeName).ToImmutableArray();

    /// <summary>The kind whose attribute has metadata name <paramref name="attributeName"/>, or null.</summary>
    public static LayerKind? Find(string attributeName)
    {
        foreach (LayerKind kind in All)
        {
            if (kind.AttributeName == attributeName)
            {
                return kind;
            }
        }

        return null;
    }
}
