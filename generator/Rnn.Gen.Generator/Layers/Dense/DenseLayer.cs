using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Dense;

/// <summary><c>[Dense(units)]</c>: PyTorch's nn.Linear followed by an activation, applied at every position it receives.</summary>
internal sealed class DenseLayer : LayerKind<DenseSpec, DensePlan>
{
    public static DenseLayer Instance { get; } = new();

    public override string Name => "Dense";

    public override string AttributeName => "Rnn.Gen.DenseAttribute";

    public override LayerSpec? Parse(AttributeReader attribute)
    {
        if (!attribute.TryGetArgument(0, out int units))
        {
            return null; // the compiler reports the malformed attribute
        }

        bool valid = attribute.CheckPositive($"The unit count of [{attribute.Display}]", units, attribute.ArgumentLocation(0, "units"));
        if (attribute.HasMalformedNamedArgument)
        {
            return null;
        }

        double? dropout = LayerOptions.Dropout(attribute, "Dropout");
        Penalties? penalties = LayerOptions.ReadPenalties(attribute);
        ActivationKind? activation = LayerOptions.Activation(
            attribute, ActivationKind.Identity, ActivationKind.Identity, ActivationKind.Tanh, ActivationKind.Sigmoid, ActivationKind.Relu, ActivationKind.Softmax);
        if (!valid || dropout is null || penalties is null || activation is null)
        {
            return null;
        }

        if (activation == ActivationKind.Softmax && units == 1)
        {
            attribute.Report(DiagnosticDescriptors.SoftmaxOnOneUnit, attribute.Location, attribute.Display);
        }

        return new DenseSpec(units, activation.Value, dropout.Value, penalties);
    }

    protected override DensePlan Plan(DenseSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override LayerEmitter CreateEmitter(DensePlan plan) => new DenseEmitter(plan);
}

/// <summary>A Dense layer: <paramref name="Units"/> outputs, its activation, input dropout and penalties.</summary>
internal sealed record DenseSpec(int Units, ActivationKind Activation, double Dropout, Penalties Penalties) : LayerSpec
{
    /// <summary>
    /// The fewest units whose W an int8 model quantizes. The int8 products run 16 rows at a time and quantize their
    /// input first, so one panel costs the same for 1 to 16 units; a layer of fewer units than this (a regression head,
    /// a few classes) is faster on its float32 rows, which lie in L1. Measured on AVX-512, one position: the int8 panel
    /// took 33, 38, 53 and 91 ns for inputs of 32, 64, 128 and 256; float32 took 8–21 ns for 1 unit, 13–58 ns for 4,
    /// and about as long as int8 at 8 units (22–112 ns), beyond which int8 is faster.
    /// </summary>
    public const int Int8MinimumUnits = 8;

    public override Int8Support Int8 => Units >= Int8MinimumUnits ? Int8Support.Quantized : Int8Support.Float32;

    public override LayerKind Kind => DenseLayer.Instance;

    public override bool AllowsRecurrentAfter => false;

    public override bool IsProbabilityHead => Activation == ActivationKind.Softmax;

    public override int OutputSize(int inputSize) => Units;
}

/// <summary>A Dense layer's tensors (nn.Linear's weight [out, in] and bias [out]) and buffers.</summary>
internal sealed class DensePlan : LayerPlan
{
    public DensePlan(DenseSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context)
    {
        Dense = spec;
        Weight = AddParameter(slabs, "Weight", "weight", spec.Penalties.KernelL1, spec.Penalties.KernelL2, Units, InputSize);
        Bias = AddParameter(slabs, "Bias", "bias", spec.Penalties.BiasL1, spec.Penalties.BiasL2, Units);
        Output = slabs.Cache.Add(Owner, "Output", Positions * (long)Units, $"[{Positions}, {Units}] y at every position");
        OutputGradient = slabs.Work.Add(Owner, "OutputGradient", Positions * (long)Units, $"[{Positions}, {Units}] dL/dy");
        ScratchOutput = slabs.Scratch.Add(Owner, "ScratchOutput", Units, $"[{Units}] y of one inference position");
        PlanInputDropout(slabs, spec.Dropout, Positions, Positions * (long)InputSize, oneMaskPerSequence: false);
        if (PacksTransposed)
        {
            // Aligned as the recurrent layers' packed matrices: rows of Units floats stay on cache lines when Units is a multiple of 16.
            PackedWeight = slabs.Packed.AddAligned(Owner, "PackedWeight", (long)InputSize * Units, $"[{InputSize}, {Units}] W transposed");
        }
    }

    /// <summary>The fewest units a time-distributed Dense packs W^T for (see <see cref="PacksTransposed"/>).</summary>
    public const int MinPackedUnits = 8;

    /// <summary>
    /// A time-distributed Dense of at least <see cref="MinPackedUnits"/> units runs its positions as one matrix product
    /// with the packed W^T (W read once per sequence, not once per step), and its one-position step as the matrix–vector
    /// product on the same W^T, which sums each output as the matrix product sums its row: Step and decoding give the
    /// sequence path's bits. Narrower heads keep the dot form (a product with one column sums in another order, and
    /// their W is a few rows).
    /// </summary>
    public bool PacksTransposed => Positions > 1 && Units >= MinPackedUnits;

    /// <summary>W^T [in, units] in the packed slab, when <see cref="PacksTransposed"/>.</summary>
    public Region PackedWeight { get; }

    public DenseSpec Dense { get; }

    public int Units => Dense.Units;

    public ParameterPlan Weight { get; }

    public ParameterPlan Bias { get; }

    /// <summary>One inference position's output in <c>_scratch</c>, when a layer above reads it.</summary>
    public Region ScratchOutput { get; }
}
