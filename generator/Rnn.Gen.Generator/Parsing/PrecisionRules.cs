using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Layers.Dense;
using Rnn.Gen.Generator.Layers.Gru;
using Rnn.Gen.Generator.Layers.Lstm;
using Rnn.Gen.Generator.Model;

namespace Rnn.Gen.Generator.Parsing;

/// <summary>
/// Which models the precision options of [RnnModel] apply to. <c>Activations = ActivationPrecision.Fast</c>: those with
/// an LSTM or GRU layer (the cells it speeds up; RNNGEN058 otherwise) and no [Decoder] (RNNGEN059: decoding keeps the
/// exact activations). <c>Weights = WeightPrecision.Int8</c>: those with a layer whose kind quantizes
/// (<see cref="Int8Support.Quantized"/>; RNNGEN053 otherwise, where every layer would keep its float32 weights).
/// </summary>
internal static class PrecisionRules
{
    /// <param name="fast">The model asks for fast activations.</param>
    /// <param name="layers">The model's layers.</param>
    /// <param name="hasDecoder">The model has a [Decoder].</param>
    /// <param name="layersKnown">Every layer parsed: a model whose layers failed says nothing about what they lack.</param>
    /// <param name="model">[RnnModel], where the diagnostics point (at <c>Activations</c>).</param>
    /// <param name="typeName">The model's name, in the message.</param>
    public static void CheckActivations(bool fast, List<LayerSpec> layers, bool hasDecoder, bool layersKnown, AttributeReader model, string typeName)
    {
        if (!fast)
        {
            return;
        }

        if (hasDecoder)
        {
            model.Report(DiagnosticDescriptors.FastActivationsDecoder, model.NamedArgumentLocation("Activations"));
        }
        else if (layersKnown && !layers.Any(l => l is LstmSpec or GruSpec))
        {
            model.Report(DiagnosticDescriptors.FastActivationsUnused, model.NamedArgumentLocation("Activations"), typeName);
        }
    }

    /// <param name="int8">The model asks for int8 weights.</param>
    /// <param name="layers">The model's layers.</param>
    /// <param name="layersKnown">Every layer parsed.</param>
    /// <param name="model">[RnnModel], where the diagnostic points (at <c>Weights</c>).</param>
    /// <param name="typeName">The model's name, in the message.</param>
    public static void CheckWeights(bool int8, List<LayerSpec> layers, bool layersKnown, AttributeReader model, string typeName)
    {
        if (int8 && layersKnown && !layers.Any(l => l.Int8 == Int8Support.Quantized))
        {
            model.Report(DiagnosticDescriptors.Int8WeightsUnused, model.NamedArgumentLocation("Weights"), typeName, DenseSpec.Int8MinimumUnits.ToString(CultureInfo.InvariantCulture));
        }
    }
}
