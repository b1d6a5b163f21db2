using System.Collections.Generic;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// How the drivers (<see cref="ModelEmitter"/>, <see cref="BatchEmitter"/>, <see cref="DecoderEmitter"/>) connect
/// layers to each other and check their arguments: what a layer reads of the one below, the backward call between two
/// layers, one inference pass over a range of layers. The drivers share these; none of them calls another's helpers.
/// </summary>
internal static class LayerWiring
{
    /// <summary>
    /// What the next layer reads of <paramref name="layer"/>'s output: all of it, or for a unidirectional many-to-one
    /// recurrent layer the hidden state at the last valid step (<c>length - 1</c>, where <paramref name="length"/> names
    /// the valid length of the layer's input).
    /// </summary>
    public static string OutputView(LayerPlan layer, string span, string length = "length") => DynamicView(layer, layer.Output, layer.OutputView, span, length);

    /// <summary>The part of the layer's output gradient that the next layer writes; see <see cref="OutputView"/>.</summary>
    public static string OutputGradientView(LayerPlan layer, string span, string length = "length") => DynamicView(layer, layer.OutputGradient, layer.OutputGradientView, span, length);

    private static string DynamicView(LayerPlan layer, Region whole, Region view, string span, string length) =>
        view == whole ? CodeWriter.Slice(span, whole) : CodeWriter.SliceAt(span, whole, layer.OutputSize, $"{length} - 1");

    /// <summary>
    /// The name of the variable that holds the valid length of length stage <paramref name="stage"/> in the backward
    /// drivers: <c>length</c> for the sample's own, <c>length1</c>, <c>length2</c>… past each layer that changes it.
    /// </summary>
    public static string StageLengthName(int stage) => stage == 0 ? "length" : $"length{stage}";

    /// <summary>
    /// Declares <c>length1</c>… from <c>length</c>: the valid length of every stage past the sample's (nothing for a
    /// model whose layers all keep the step count).
    /// </summary>
    public static void EmitStageLengths(CodeWriter w, ModelPlan plan)
    {
        int stage = 0;
        foreach (LayerPlan layer in plan.LengthChanging)
        {
            w.Line($"int {StageLengthName(stage + 1)} = {layer.LengthMap!.Expression(StageLengthName(stage))}; // valid steps of layer {layer.Index}'s output");
            stage++;
        }
    }

    /// <summary>
    /// The backward call of <paramref name="layer"/>: from the layer below's output into the layer below's (cleared) output
    /// gradient, or for the first layer from the input into <c>inputGradient</c>.
    /// </summary>
    public static void EmitLayerBackward(CodeWriter w, ModelPlan plan, LayerEmitter layer, LayerPlan? below)
    {
        string length = StageLengthName(plan.LengthStage(layer.Layer.Index));
        if (below is null)
        {
            w.Line("inputGradient.Clear();");
            w.Line($"{layer.BackwardMethod}(cache, work, {length}, {CodeWriter.Slice("cache", plan.InputCache)}, inputGradient);");
        }
        else
        {
            w.Line($"{CodeWriter.Slice("work", below.OutputGradient)}.Clear();");
            w.Line($"{layer.BackwardMethod}(cache, work, {length}, {OutputView(below, "cache", length)}, {OutputGradientView(below, "work", length)});");
        }
    }

    /// <summary>
    /// One inference position through <paramref name="layers"/>, bottom to top, on state span <paramref name="state"/>;
    /// with a <paramref name="destination"/>, the last layer that acts at inference writes there (or its output is
    /// copied there). Returns the expression of the top layer's output.
    /// </summary>
    public static string EmitInferencePass(CodeWriter w, IReadOnlyList<LayerEmitter> layers, string input, string state, string? destination)
    {
        int last = -1;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Layer.Spec.ActsAtInference)
            {
                last = i;
            }
        }

        for (int i = 0; i < layers.Count; i++)
        {
            input = layers[i].EmitInferenceStep(w, input, state, i == last ? destination : null);
        }

        if (destination is not null && input != destination)
        {
            w.Line($"{input}.CopyTo({destination});");
            return destination;
        }

        return input;
    }

    /// <summary>Throws unless span <paramref name="name"/> has <paramref name="expected"/> floats, naming the shape.</summary>
    public static void EmitLengthCheck(CodeWriter w, string name, long expected, string shape)
    {
        w.Line($"if ({name}.Length != {expected}) {Guard}.ThrowLengthMismatch(nameof({name}), {expected}, \"{shape}\", {name}.Length);");
    }

    /// <summary>Throws unless the valid <c>length</c> is between <paramref name="minimum"/> and <paramref name="steps"/>.</summary>
    public static void EmitStepCountCheck(CodeWriter w, int steps, int minimum = 1)
    {
        w.Line(minimum == 1
            ? $"if ((uint)(length - 1) >= {steps}) {Guard}.ThrowStepCountOutOfRange(nameof(length), {steps}, length);"
            : $"if (length < {minimum} || length > {steps}) {Guard}.ThrowStepCountOutOfRange(nameof(length), {minimum}, {steps}, length); // fewer steps leave a window without a step");
    }
}
