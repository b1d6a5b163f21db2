using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.GaussianNoise;

/// <summary><c>[GaussianNoise(standardDeviation)]</c>: Keras's GaussianNoise, N(0, σ²) added to the input in training only.</summary>
internal sealed class GaussianNoiseLayer : LayerKind<GaussianNoiseSpec, GaussianNoisePlan>
{
    public static GaussianNoiseLayer Instance { get; } = new();

    public override string Name => "GaussianNoise";

    public override string AttributeName => "Rnn.Gen.GaussianNoiseAttribute";

    public override LayerSpec? Parse(AttributeReader attribute)
    {
        if (!attribute.TryGetArgument(0, out double deviation))
        {
            return null; // the compiler reports the malformed attribute
        }

        return attribute.CheckFactor("The standard deviation", deviation, attribute.ArgumentLocation(0, "standardDeviation"))
            ? new GaussianNoiseSpec(deviation)
            : null;
    }

    protected override GaussianNoisePlan Plan(GaussianNoiseSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override LayerEmitter CreateEmitter(GaussianNoisePlan plan) => new GaussianNoiseEmitter(plan);
}

/// <summary>A noise layer: the standard deviation of the noise.</summary>
internal sealed record GaussianNoiseSpec(double StandardDeviation) : LayerSpec
{
    public override Int8Support Int8 => Int8Support.NothingToQuantize;

    public override LayerKind Kind => GaussianNoiseLayer.Instance;

    public override bool ActsAtInference => false;

    public override int OutputSize(int inputSize) => inputSize;
}

/// <summary>A noise layer's buffers: the noisy values of training, and their gradient.</summary>
internal sealed class GaussianNoisePlan : LayerPlan
{
    public GaussianNoisePlan(GaussianNoiseSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context)
    {
        Noise = spec;
        Output = slabs.Cache.Add(Owner, "Output", Positions * (long)InputSize, $"[{Positions}, {InputSize}] the input plus noise (training), or as it is");
        OutputGradient = slabs.Work.Add(Owner, "OutputGradient", Positions * (long)InputSize, $"[{Positions}, {InputSize}] dL/dy");
    }

    public GaussianNoiseSpec Noise { get; }

    public override bool DrawsTrainingRandomness => true;
}

/// <summary>Gaussian noise as Keras's GaussianNoise: adds N(0, σ²) to its input in training, passes it unchanged at inference.</summary>
internal sealed class GaussianNoiseEmitter : LayerEmitter<GaussianNoisePlan>
{
    public GaussianNoiseEmitter(GaussianNoisePlan layer)
        : base(layer)
    {
    }

    private string Deviation => Literal(Plan.Noise.StandardDeviation);

    public override string Architecture =>
        $"new {Export}.GaussianNoiseLayer({Layer.Index}, inputSize: {In}, standardDeviation: {Plan.Noise.StandardDeviation.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})";

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
        w.Line($"if (training) {Noise}.AddGaussian({inputs}, {CodeWriter.Slice("cache", Layer.Output)}, {Deviation}, _trainingRandom);");
        w.Line($"else {inputs}.CopyTo({CodeWriter.Slice("cache", Layer.Output)});");
        if (Layer.SequenceIn && !Layer.InDecoder)
        {
            w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice({CodeWriter.Times("length", In)}).Clear(); // steps past the sample's length output zeros");
        }
    }

    /// <summary>Nothing at inference: the input passes through unchanged.</summary>
    public override string EmitInferenceStep(CodeWriter w, string input, string state, string? destination) => input;
}
