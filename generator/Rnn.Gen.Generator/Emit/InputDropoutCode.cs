using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// The code of input dropout, for every layer that declares it: the mask drawn in training (one per sequence for a
/// recurrent layer, per position for Dense), the masked inputs the weights see, and the gradient through the mask.
/// </summary>
internal static class InputDropoutCode
{
    /// <summary>
    /// Training forward: draws the mask and writes the masked inputs into the cache. Returns the name of the span the
    /// layer then reads (<paramref name="inputs"/> itself when there is no dropout).
    /// </summary>
    public static string EmitForward(CodeWriter w, InputDropoutPlan? dropout, string inputs, int steps, int inputSize)
    {
        if (dropout is null)
        {
            return inputs;
        }

        string name = $"{inputs}Dropped";
        w.Line($"// Dropout on the inputs (rate {LayerEmitter.Format(dropout.Rate)}), in training only: {(dropout.OneMaskPerSequence ? "one mask for the whole sequence" : "a new mask at every position")}, kept inputs scaled by 1/(1 - rate).");
        w.Line($"{ReadOnlySpan} {name} = {inputs};");
        using (w.Block("if (training)"))
        {
            w.Line($"{Noise}.FillDropoutMask({CodeWriter.Slice("cache", dropout.Mask)}, {LayerEmitter.Literal(dropout.Rate)}, _trainingRandom);");
            if (dropout.OneMaskPerSequence)
            {
                using (w.Block($"for (int t = 0; t < {steps}; t++)"))
                {
                    w.Line($"{VectorKernels}.Multiply({inputs}.Slice({CodeWriter.Times("t", inputSize)}, {inputSize}), {CodeWriter.Slice("cache", dropout.Mask)}, {CodeWriter.SliceAt("cache", dropout.MaskedInput, inputSize, "t")});");
                }
            }
            else
            {
                w.Line($"{VectorKernels}.Multiply({inputs}, {CodeWriter.Slice("cache", dropout.Mask)}, {CodeWriter.Slice("cache", dropout.MaskedInput)});");
            }

            w.Line($"{name} = {CodeWriter.Slice("cache", dropout.MaskedInput)};");
        }

        return name;
    }

    /// <summary>Backward: the layer's weights saw the masked inputs.</summary>
    public static void EmitBackwardStart(CodeWriter w, InputDropoutPlan? dropout)
    {
        if (dropout is not null)
        {
            w.Line($"xs = {CodeWriter.Slice("cache", dropout.MaskedInput)}; // the inputs as the layer saw them, after dropout");
        }
    }

    /// <summary>Backward: dL/dx passes only through the kept inputs, scaled like them.</summary>
    public static void EmitBackwardEnd(CodeWriter w, InputDropoutPlan? dropout, int steps, int inputSize)
    {
        if (dropout is null)
        {
            return;
        }

        w.Line("// Through the dropout mask.");
        if (dropout.OneMaskPerSequence)
        {
            using (w.Block($"if (!dx.IsEmpty) for (int t = 0; t < {steps}; t++)"))
            {
                w.Line($"{VectorKernels}.Multiply(dx.Slice({CodeWriter.Times("t", inputSize)}, {inputSize}), {CodeWriter.Slice("cache", dropout.Mask)}, dx.Slice({CodeWriter.Times("t", inputSize)}, {inputSize}));");
            }
        }
        else
        {
            w.Line($"if (!dx.IsEmpty) {VectorKernels}.Multiply(dx, {CodeWriter.Slice("cache", dropout.Mask)}, dx);");
        }
    }
}
