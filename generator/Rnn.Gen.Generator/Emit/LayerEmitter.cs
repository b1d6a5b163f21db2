using System;
using System.Collections.Generic;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// Emits the code of one layer: its private methods, its part of every entry point the model's drivers write
/// (<c>Forward</c>, <c>Predict</c>, <c>Step</c>, <c>Backward</c>, the batch path, decoding), and its initialization.
/// Each kind derives one from its folder; the drivers call only these members.
/// </summary>
internal abstract class LayerEmitter
{
    protected LayerEmitter(LayerPlan layer) => Layer = layer;

    public LayerPlan Layer { get; }

    protected int In => Layer.InputSize;

    protected int T => Layer.Steps;

    /// <summary>A short description used in comments, e.g. <c>layer 0, LSTM 3 -> 64</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The name of the emitted one-position method, e.g. <c>Lstm0Step</c>.</summary>
    public string StepMethod => $"{Layer.Spec.Kind.Name}{Layer.Index}Step";

    /// <summary>The name of the emitted backward method the model's Backward calls, e.g. <c>Lstm0Backward</c>.</summary>
    public string BackwardMethod => $"{Layer.Spec.Kind.Name}{Layer.Index}Backward";

    /// <summary>The parameters of every layer's backward method: the sample's cache and work areas and valid length, the layer's inputs, and dL/dx (empty for none).</summary>
    public static string BackwardParameters => $"{ReadOnlySpan} cache, {Span} work, int length, {ReadOnlySpan} xs, {Span} dx";

    /// <summary>The steps the layer runs: the sample's valid <c>length</c>, or all of a decoder's steps.</summary>
    protected string Len => Layer.InDecoder ? Layer.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture) : "length";

    /// <summary>What training adds to the layer, for descriptions: <c>, dropout 0.2</c>.</summary>
    protected virtual string TrainingOptions => Layer.InputDropout is { } dropout ? $", dropout {Format(dropout.Rate)}" : string.Empty;

    /// <summary>
    /// The layer as data for the runtime's exporters: a C# expression that constructs its description in
    /// <c>Rnn.Gen.Export</c> (kind, sizes, options; its parameters are found by their state_dict names), e.g.
    /// <c>new global::Rnn.Gen.Export.DenseLayer(2, inputSize: 32, units: 1, global::Rnn.Gen.Activation.Identity)</c>.
    /// A kind that writes none is an <c>UnsupportedLayer</c>, which <c>ExportOnnx</c> refuses, naming the layer.
    /// </summary>
    public virtual string Architecture => $"new {Export}.UnsupportedLayer({Layer.Index}, \"{Layer.Spec.Kind.Name}\", {In}, {Layer.OutputSize})";

    /// <summary>An enum member as generated code names it: <c>global::Rnn.Gen.Activation.Relu</c>.</summary>
    protected static string Member(string enumType, object value) => $"{enumType}.{value}";

    /// <summary>The private methods of the layer: one step forward, backward through every step.</summary>
    public abstract void EmitMethods(CodeWriter w);

    /// <summary>Training forward over the whole sample; <paramref name="inputs"/> names a span over the layer's inputs in <c>cache</c>.</summary>
    public abstract void EmitTrainingForward(CodeWriter w, string inputs);

    /// <summary>
    /// One inference position (streaming <c>Step</c>, decoding): the layer reads <paramref name="input"/>, keeps its
    /// state in the span named <paramref name="state"/>, and returns the expression of its output. When
    /// <paramref name="destination"/> is given (the model's output) the layer may write straight into it; the driver
    /// copies whatever is returned otherwise.
    /// </summary>
    public abstract string EmitInferenceStep(CodeWriter w, string input, string state, string? destination);

    /// <summary>
    /// Once per decoding, in a model that decodes from the whole encoding, after the encoder ran into
    /// <c>encoderCache</c>: what the layer prepares from the encoder's outputs (an attention's projected keys). Nothing
    /// for most layers.
    /// </summary>
    public virtual void EmitDecodeStart(CodeWriter w)
    {
    }

    /// <summary>Inside the model's <c>PackWeights</c>: the layer's weights in the layouts its kernels read (nothing for most layers).</summary>
    public virtual void EmitPack(CodeWriter w)
    {
    }

    /// <summary>The fan PyTorch's default initialization divides by (U(−1/√fan, 1/√fan)) and the module it follows, for the comment.</summary>
    protected virtual (int Fan, string Module) Initialization => (In, "nn.Linear");

    /// <summary>PyTorch's default initialization of every parameter of the layer, from the seeded <c>random</c>.</summary>
    public virtual void EmitInitialize(CodeWriter w)
    {
        if (Layer.Parameters.Count == 0)
        {
            return;
        }

        (int fan, string module) = Initialization;
        w.Line($"// {Description}: U(-1/sqrt({fan}), 1/sqrt({fan})), PyTorch's default for {module}.");
        w.Line($"bound = (float)(1.0 / {SystemMath}.Sqrt({fan}));");
        foreach (ParameterPlan parameter in Layer.Parameters)
        {
            w.Line($"{Initializers}.Uniform({CodeWriter.Slice("p", parameter.Region)}, bound, random); // {parameter.Name}");
        }
    }

    /// <summary>
    /// The batch path's forward pass of the layer (<c>ForwardBatch</c>): by default sample after sample, each slot's
    /// training forward on its own cache block. <paramref name="name"/> and <paramref name="source"/> declare the
    /// layer's input inside a slot; <paramref name="sourceRegion"/> is where that input lies in each slot's cache block.
    /// </summary>
    public virtual void EmitBatchForward(CodeWriter w, BatchLayout batch, string name, string source, Region sourceRegion)
    {
        using (w.Block("for (int s = 0; s < batch; s++)"))
        {
            batch.DeclareSlot(w);
            w.Line($"{ReadOnlySpan} {name} = {source};");
            EmitTrainingForward(w, name);
        }
    }

    /// <summary>
    /// The batch path's backward pass of the layer (<c>BackwardBatch</c>): by default each sample's backward in batch
    /// order. <paramref name="backwardCall"/> writes one sample's call of a backward method (its name, extra arguments)
    /// inside a loop that declares the sample <c>b</c>.
    /// </summary>
    public virtual void EmitBatchBackward(CodeWriter w, BatchLayout batch, Action<CodeWriter, string, string> backwardCall)
    {
        w.Line($"// {Description}: sample by sample in batch order.");
        using (w.Block("for (int b = 0; b < batch; b++)"))
        {
            batch.DeclareSampleInBatchOrder(w);
            backwardCall(w, BackwardMethod, string.Empty);
        }
    }

    /// <summary>A float literal for a factor from an attribute: <c>0.2f</c>.</summary>
    public static string Literal(double value) => Format((float)value) + "f";

    /// <summary>A factor from an attribute as comments show it: the float it becomes, round-trip.</summary>
    public static string Format(double value) => ((float)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A parameter tensor's span over the parameters (<c>p</c>) or gradients (<c>g</c>).</summary>
    public static string Param(ParameterPlan parameter, string span = "p") => CodeWriter.Slice(span, parameter.Region);

    /// <summary>
    /// Training forward, input dropout: draws the mask and writes the masked inputs into the cache. Returns the name of
    /// the span the layer then reads (unchanged when the layer has no dropout).
    /// </summary>
    protected string EmitInputDropout(CodeWriter w, string inputs) => InputDropoutCode.EmitForward(w, Layer.InputDropout, inputs, T, In);

    /// <summary>Backward, input dropout: the layer's weights saw the masked inputs.</summary>
    protected void EmitInputDropoutBackwardStart(CodeWriter w) => InputDropoutCode.EmitBackwardStart(w, Layer.InputDropout);

    /// <summary>Backward, input dropout: dL/dx passes only through the kept inputs, scaled like them.</summary>
    protected void EmitInputDropoutBackwardEnd(CodeWriter w) => InputDropoutCode.EmitBackwardEnd(w, Layer.InputDropout, T, In);
}

/// <summary>A <see cref="LayerEmitter"/> that reads its kind's own plan type.</summary>
internal abstract class LayerEmitter<TPlan> : LayerEmitter
    where TPlan : LayerPlan
{
    protected LayerEmitter(TPlan layer)
        : base(layer) => Plan = layer;

    /// <summary>The layer's plan, with its kind's typed regions.</summary>
    public TPlan Plan { get; }
}
