using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Dense;

/// <summary>Dense as PyTorch's nn.Linear followed by the activation: y = act(W x + b), W [out, in]; time-distributed after a sequence.</summary>
internal sealed partial class DenseEmitter : LayerEmitter<DensePlan>
{
    public DenseEmitter(DensePlan layer)
        : base(layer)
    {
    }

    private ActivationKind Activation => Plan.Dense.Activation;

    private int Units => Plan.Units;

    /// <summary>The positions the layer runs at: every valid step after a sequence, else one.</summary>
    private string Positions => Layer.SequenceIn ? Len : "1";

    public override string Description =>
        $"layer {Layer.Index}, Dense {In} -> {Units}{(Activation == ActivationKind.Identity ? string.Empty : " " + Activation.ToString().ToLowerInvariant())}{(Layer.Positions > 1 ? $" at each of {Layer.Positions} steps" : string.Empty)}{TrainingOptions}";

    public override string Architecture => $"new {Export}.DenseLayer({Layer.Index}, inputSize: {In}, units: {Units}, {Member(RuntimeNames.Activation, Activation)})";

    /// <summary><c>Weights = WeightPrecision.Int8</c>: inference runs <see cref="InferenceMethod"/> on the int8 W (not in the float32 twin of decoding, <see cref="LayerEmitter.Float32Weights"/>).</summary>
    private bool Int8 => Int8Products;

    /// <summary>The method inference (Step, and Predict's pass) calls: the float step, or its int8 twin.</summary>
    private string InferenceMethod => Int8 ? StepMethod + "Int8" : StepMethod;

    public override void EmitMethods(CodeWriter w)
    {
        string formula = Activation == ActivationKind.Identity ? "W x + b" : Activation.ToString().ToLowerInvariant() + "(W x + b)";
        string float32Head = Layer.Context.Int8Weights && Layer.Spec.Int8 == Int8Support.Float32
            ? $" Inference too multiplies the float32 W: a Dense layer of fewer than {DenseSpec.Int8MinimumUnits} units keeps it in an int8 model."
            : string.Empty;
        w.Summary($"{Description}: y = {formula} for one position.{float32Head}");
        using (w.Block($"private void {StepMethod}({ReadOnlySpan} x, {Span} y)"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            if (Plan.PacksTransposed)
            {
                w.Line($"{ReadOnlySpan} packed = _packed;");
                w.Line($"{VectorKernels}.AffinePacked({Param(Plan.Bias)}, {CodeWriter.Slice("packed", Plan.PackedWeight)}, x, y, 1); // b + W x from W^T, each row summed as the sequence's matrix product sums it");
            }
            else
            {
                w.Line($"{Param(Plan.Bias)}.CopyTo(y);");
                w.Line($"{VectorKernels}.MultiplyAdd({Param(Plan.Weight)}, x, y); // {Plan.Weight.Described}");
            }

            string activation = ActivationCode.Apply(Activation, "y");
            if (activation.Length > 0)
            {
                w.Line(activation);
            }
        }

        if (Int8)
        {
            w.Line();
            w.Summary($"{Description}: y = {formula} for one position, inference on the int8 W.");
            using (w.Block($"private void {InferenceMethod}({ReadOnlySpan} x, {Span} y)"))
            {
                w.Line($"{ReadOnlySpan} p = _parameters;");
                w.Line($"{Int8WeightsCode.Affine(Param(Plan.Bias), Plan.Weight, "x", "y")} // b + {Plan.Weight.Described} x, int8");
                string activation = ActivationCode.Apply(Activation, "y");
                if (activation.Length > 0)
                {
                    w.Line(activation);
                }
            }
        }

        w.Line();
        w.Summary($"Backward for {Description}: adds the parameter gradients and, when <paramref name=\"dx\"/> is not empty, writes dL/dx.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} g = _gradients;");

            EmitInputDropoutBackwardStart(w);
            string dz = CodeWriter.Prefix(CodeWriter.Slice("work", Layer.OutputGradient), Positions, Units, Layer.OutputGradient.Length);
            w.Line($"{Span} dz = {dz}; // dL/dy on entry, dL/d(W x + b) after the activation's derivative");
            if (Activation != ActivationKind.Identity)
            {
                w.ForEachPosition(Positions, t =>
                {
                    w.Line($"{Span} dzt = dz.Slice({CodeWriter.Times(t, Units)}, {Units});");
                    w.Line($"{ReadOnlySpan} y = {CodeWriter.SliceAt("cache", Layer.Output, Units, t)};");
                    foreach (string line in ActivationCode.Backward(Activation, "y", "dzt", Units))
                    {
                        w.Line(line);
                    }
                });
            }

            string inputs = $"xs.Slice(0, {CodeWriter.Times(Positions, In)})";
            w.Line("// Every position at once: the bias sums the rows, the weight gets Σ_t dz_t x_t^T, and dL/dx_t = W^T dz_t.");
            w.Line($"{MatrixKernels}.AddRowSums(dz, {Positions}, {Param(Plan.Bias, "g")});");
            w.Line($"{MatrixKernels}.TransposeMultiplyAdd(dz, {inputs}, {Param(Plan.Weight, "g")}, {Units}, {Positions}, {In});");
            w.Line($"if (!dx.IsEmpty) {MatrixKernels}.MultiplyAdd(dz, {Param(Plan.Weight)}, dx.Slice(0, {CodeWriter.Times(Positions, In)}), {Positions}, {Units}, {In});");

            EmitInputDropoutBackwardEnd(w);
        }
    }

    public override void EmitPack(CodeWriter w)
    {
        if (Plan.PacksTransposed)
        {
            w.Line($"// {Description}: W^T [{In}, {Units}].");
            w.Line($"{MatrixKernels}.Transpose({Param(Plan.Weight)}, {Units}, {In}, {CodeWriter.Slice("packed", Plan.PackedWeight)});");
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}.");
        string x = EmitInputDropout(w, inputs);
        if (Plan.PacksTransposed)
        {
            if (Int8)
            {
                using (w.Block("if (training)"))
                {
                    EmitSequenceProduct(w, x, Positions, "cache", Layer.Output.Name);
                }

                using (w.Block("else"))
                {
                    w.ForEachPosition(Positions, t => w.Line($"{InferenceMethod}({x}.Slice({CodeWriter.Times(t, In)}, {In}), {CodeWriter.SliceAt("cache", Layer.Output, Units, t)}); // inference: the int8 W, as Step"));
                }
            }
            else
            {
                EmitSequenceProduct(w, x, Positions, "cache", Layer.Output.Name);
            }

            if (Layer.SequenceIn && !Layer.InDecoder)
            {
                w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice({CodeWriter.Times("length", Units)}).Clear(); // steps past the sample's length output zeros");
            }

            return;
        }

        string method = Int8 ? $"if (training) {StepMethod}(" : $"{StepMethod}(";
        w.ForEachPosition(Positions, t =>
        {
            string arguments = $"{x}.Slice({CodeWriter.Times(t, In)}, {In}), {CodeWriter.SliceAt("cache", Layer.Output, Units, t)});";
            w.Line(method + arguments);
            if (Int8)
            {
                w.Line($"else {InferenceMethod}({arguments} // inference: the int8 W, as Step");
            }
        });

        if (Layer.SequenceIn && !Layer.InDecoder)
        {
            w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice({CodeWriter.Times("length", Units)}).Clear(); // steps past the sample's length output zeros");
        }
    }

    /// <summary>
    /// <paramref name="rows"/> positions at once (<see cref="DensePlan.PacksTransposed"/>): every row of
    /// <paramref name="buffer"/> from <paramref name="offset"/> starts as the bias, one matrix product with the packed
    /// W^T adds W x_t to each, then the activation row by row. Each output is the chain the one-position step sums.
    /// </summary>
    public void EmitSequenceProduct(CodeWriter w, string x, string rows, string buffer, string offset)
    {
        string ys = $"ys{Layer.Index}"; // unique among the layers of one method
        w.Line($"{Span} {ys} = {buffer}.Slice({offset}, {CodeWriter.Times(rows, Units)});");
        w.Line($"for (int t = 0; t < {rows}; t++) {Param(Plan.Bias)}.CopyTo({ys}.Slice({CodeWriter.Times("t", Units)}, {Units}));");
        w.Line($"{MatrixKernels}.MultiplyAdd({x}.Slice(0, {CodeWriter.Times(rows, In)}), {CodeWriter.Slice("packed", Plan.PackedWeight)}, {ys}, {rows}, {In}, {Units}); // every position at once: W read once");
        string activation = ActivationCode.Apply(Activation, $"{ys}.Slice({CodeWriter.Times("t", Units)}, {Units})");
        if (activation.Length > 0)
        {
            w.Line($"for (int t = 0; t < {rows}; t++) {activation}");
        }
    }

    public override string EmitInferenceStep(CodeWriter w, string input, string state, string? destination)
    {
        string output = destination ?? CodeWriter.Slice("scratch", Plan.ScratchOutput);
        w.Line($"{InferenceMethod}({input}, {output}); // {Description}");
        return output;
    }
}
