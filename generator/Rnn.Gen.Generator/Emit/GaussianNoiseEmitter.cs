using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>Gaussian noise as Keras's GaussianNoise: adds N(0, σ²) to its input in training, passes it unchanged at inference.</summary>
internal sealed class GaussianNoiseEmitter : LayerEmitter
{
    public GaussianNoiseEmitter(LayerPlan layer)
        : base(layer)
    {
    }

    private string Deviation => Literal(Layer.Spec.NoiseStandardDeviation);

    public override string Description => $"layer {Layer.Index}, Gaussian noise (standard deviation {Deviation.TrimEnd('f')}) on {In} features, training only";

    public override void EmitMethods(CodeWriter w)
    {
        w.Summary($"Backward for {Description}: the noise is added, so dL/dx = dL/dy.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line($"if (!dx.IsEmpty) {CodeWriter.Slice("work", Layer.OutputGradient)}.CopyTo(dx);");
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}.");
        w.Line($"if (training) global::Rnn.Gen.Regularization.Noise.AddGaussian({inputs}, {CodeWriter.Slice("cache", Layer.Output)}, {Deviation}, _trainingRandom);");
        w.Line($"else {inputs}.CopyTo({CodeWriter.Slice("cache", Layer.Output)});");
        if (Layer.SequenceIn && !Layer.InDecoder)
        {
            w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice(length * {H}).Clear(); // steps past the sample's length output zeros");
        }
    }

    public override void EmitInferenceStep(CodeWriter w, string input, string state)
    {
        // Nothing at inference: the model's drivers skip noise layers.
    }

    public override string InferenceOutput(string state) => string.Empty;
}
