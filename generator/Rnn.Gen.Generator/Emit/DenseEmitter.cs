using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>Dense as PyTorch's nn.Linear followed by the activation: y = act(W x + b), W [out, in]; time-distributed after a sequence.</summary>
internal sealed class DenseEmitter : LayerEmitter
{
    public DenseEmitter(LayerPlan layer)
        : base(layer)
    {
    }

    private ActivationKind Activation => Layer.Spec.Activation;

    /// <summary>The positions the layer runs at: every valid step after a sequence, else one.</summary>
    private string Positions => Layer.SequenceIn ? Len : "1";

    public override string Description =>
        $"layer {Layer.Index}, Dense {In} -> {H}{(Activation == ActivationKind.Identity ? string.Empty : " " + Activation.ToString().ToLowerInvariant())}{(Layer.Positions > 1 ? $" at each of {Layer.Positions} steps" : string.Empty)}{TrainingOptions}";

    public override void EmitMethods(CodeWriter w)
    {
        w.Summary($"{Description}: y = {(Activation == ActivationKind.Identity ? "W x + b" : Activation.ToString().ToLowerInvariant() + "(W x + b)")} for one position.");
        using (w.Block($"private void {StepMethod}({ReadOnlySpan} x, {Span} y)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Param("bias")}.CopyTo(y);");
            w.Line($"{Kernels}.MultiplyAdd({Param("weight")}, x, y); // {ParamComment("weight")}");
            string activation = ApplyActivation(Activation, "y");
            if (activation.Length > 0)
            {
                w.Line(activation);
            }
        }

        w.Line();
        w.Summary($"Backward for {Description}: adds the parameter gradients and, when <paramref name=\"dx\"/> is not empty, writes dL/dx.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} g = _gradients;");

            EmitInputDropoutBackwardStart(w);
            w.Line($"{Span} dz = {CodeWriter.Slice("work", Layer.OutputGradient)}.Slice(0, {Positions} * {H}); // dL/dy on entry, dL/d(W x + b) after the activation's derivative");
            if (Activation != ActivationKind.Identity)
            {
                using (w.Block($"for (int t = 0; t < {Positions}; t++)"))
                {
                    w.Line($"{Span} dzt = dz.Slice(t * {H}, {H});");
                    w.Line($"{ReadOnlySpan} y = {CodeWriter.SliceAt("cache", Layer.Output, H, "t")};");
                    foreach (string line in ActivationBackward(Activation, "y", "dzt", H))
                    {
                        w.Line(line);
                    }
                }
            }

            w.Line("// Every position at once: the bias sums the rows, the weight gets Σ_t dz_t x_t^T, and dL/dx_t = W^T dz_t.");
            w.Line($"{Matrix}.AddRowSums(dz, {Positions}, {Param("bias", "g")});");
            w.Line($"{Matrix}.TransposeMultiplyAdd(dz, xs.Slice(0, {Positions} * {In}), {Param("weight", "g")}, {H}, {Positions}, {In});");
            w.Line($"if (!dx.IsEmpty) {Matrix}.MultiplyAdd(dz, {Param("weight")}, dx.Slice(0, {Positions} * {In}), {Positions}, {H}, {In});");

            EmitInputDropoutBackwardEnd(w);
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}.");
        inputs = EmitInputDropout(w, inputs);
        using (w.Block($"for (int t = 0; t < {Positions}; t++)"))
        {
            w.Line($"{StepMethod}({inputs}.Slice(t * {In}, {In}), {CodeWriter.SliceAt("cache", Layer.Output, H, "t")});");
        }

        if (Layer.SequenceIn && !Layer.InDecoder)
        {
            w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice(length * {H}).Clear(); // steps past the sample's length output zeros");
        }
    }

    public override void EmitInferenceStep(CodeWriter w, string input, string state)
    {
        w.Line($"{StepMethod}({input}, {InferenceOutput(state)}); // {Description}");
    }

    public override string InferenceOutput(string state) => CodeWriter.Slice("scratch", Layer.Scratch["out"]);
}
