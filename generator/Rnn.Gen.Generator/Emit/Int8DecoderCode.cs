using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Generator.Layers.Recurrent;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// Decoder models with <c>Weights = WeightPrecision.Int8</c>. Their inference (Predict, Generate, BeamSearch, the
/// predictors) decodes on the int8 weights: <c>Decode</c> and <c>EncodeCore</c> are emitted as for any int8 model,
/// the layers' steps multiplying the int8 copies. Their free-running <c>Forward</c> is training, which stays float32
/// bit for bit: it decodes greedily to find what to feed back, so the model also has the float32 twin of decoding,
/// <c>DecodeFloat32</c> (and <c>EncodeCoreFloat32</c>, and each recurrent step as <c>…StepFloat32</c>), emitted by the
/// same emitters with <see cref="LayerEmitter.Float32Weights"/> set: the float32 model's code under other names.
/// </summary>
internal static class Int8DecoderCode
{
    /// <summary>Whether the model has the float32 twin of decoding: an int8 model with a decoder.</summary>
    public static bool HasFloat32Twin(ModelPlan plan) => plan.Spec.Int8Weights && plan.Spec.Decoder is not null;

    /// <summary>Whether <paramref name="layers"/> are emitting the float32 twin now.</summary>
    public static bool InFloat32Twin(IEnumerable<LayerEmitter> layers) => layers.Any(l => l.Float32Weights);

    /// <summary>The decoding method the emitted code is in: <c>Decode</c>, or its twin <c>DecodeFloat32</c>.</summary>
    public static string DecodeMethod(IEnumerable<LayerEmitter> layers) => InFloat32Twin(layers) ? "DecodeFloat32" : "Decode";

    /// <summary>The encoder pass over the whole sequence that decoding calls: <c>EncodeCore</c>, or <c>EncodeCoreFloat32</c>.</summary>
    public static string EncodeCoreMethod(IEnumerable<LayerEmitter> layers) => InFloat32Twin(layers) ? "EncodeCoreFloat32" : "EncodeCore";

    /// <summary>The decoding the free-running Forward runs: float32 weights always.</summary>
    public static string ForwardDecodeMethod(ModelPlan plan) => HasFloat32Twin(plan) ? "DecodeFloat32" : "Decode";

    /// <summary>
    /// <c>DecodeFloat32</c>, <c>EncodeCoreFloat32</c> and the float32 steps of the recurrent layers decoding runs step by
    /// step (the decoder's, and the encoder's where it runs step by step); nothing for other models.
    /// </summary>
    public static void EmitFloat32Decoding(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> layers)
    {
        if (!HasFloat32Twin(plan))
        {
            return;
        }

        layers.ForEach(l => l.Float32Weights = true);
        try
        {
            w.Line();
            w.Line("// The float32 twin of decoding (Weights = Int8): the free-running Forward trains, on the float32 weights, so it decodes on them.");
            DecoderEmitter.EmitDecode(w, plan, decoder, layers);
            DecoderEmitter.EmitEncodeCore(w, plan, decoder, layers);
            foreach (CellEmitter cell in layers.Skip(plan.DecodesFromWholeEncoding ? decoder.FirstLayer : 0).OfType<RecurrentEmitter>().SelectMany(r => r.Cells))
            {
                w.Line();
                cell.EmitStepMethod(w);
            }
        }
        finally
        {
            layers.ForEach(l => l.Float32Weights = false);
        }
    }
}
