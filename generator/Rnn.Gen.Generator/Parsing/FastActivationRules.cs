using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Layers.Gru;
using Rnn.Gen.Generator.Layers.Lstm;
using Rnn.Gen.Generator.Model;

namespace Rnn.Gen.Generator.Parsing;

/// <summary>
/// Which models <c>Activations = ActivationPrecision.Fast</c> applies to: those with an LSTM or GRU layer (the cells it
/// speeds up; RNNGEN058 otherwise) and no [Decoder] (RNNGEN059: decoding keeps the exact activations, as it keeps
/// float32 weights).
/// </summary>
internal static class FastActivationRules
{
    /// <param name="fast">The model asks for fast activations.</param>
    /// <param name="layers">The model's layers.</param>
    /// <param name="hasDecoder">The model has a [Decoder].</param>
    /// <param name="layersKnown">Every layer parsed: a model whose layers failed says nothing about what they lack.</param>
    /// <param name="model">[RnnModel], where the diagnostics point (at <c>Activations</c>).</param>
    /// <param name="typeName">The model's name, in the message.</param>
    public static void Check(bool fast, List<LayerSpec> layers, bool hasDecoder, bool layersKnown, AttributeReader model, string typeName)
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
}
