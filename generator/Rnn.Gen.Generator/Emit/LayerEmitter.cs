using System.Collections.Generic;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// Emits the code of one layer: its one-step method, its backward pass, its initialization, and the calls the model's
/// drivers (<c>Forward</c>, <c>Predict</c>, <c>Step</c>, <c>Backward</c>) make to it. One subclass per layer kind.
/// </summary>
internal abstract class LayerEmitter
{
    protected const string Kernels = "global::Rnn.Gen.Kernels.VectorKernels";
    protected const string Matrix = "global::Rnn.Gen.Kernels.MatrixKernels";
    protected const string Cells = "global::Rnn.Gen.Kernels.CellKernels";
    protected const string Span = "global::System.Span<float>";
    protected const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

    protected LayerEmitter(LayerPlan layer) => Layer = layer;

    public LayerPlan Layer { get; }

    /// <summary>Hidden size (per direction) of a recurrent layer, units of a Dense layer, features through a noise layer.</summary>
    protected int H => Layer.Spec.IsRecurrent ? Layer.HiddenSize : Layer.OutputSize;
    protected int In => Layer.InputSize;
    protected int T => Layer.Steps;
    protected long G => Layer.GateSize;

    /// <summary>How many H-long gates <see cref="G"/> stacks; the step products pass it so that they store the gates in the vectors the cell reads them in.</summary>
    protected int Gates => Layer.Gates;

    /// <summary>A short description used in comments, e.g. <c>layer 0, LSTM 3 → 64</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The name of the emitted one-step method, e.g. <c>Lstm0Step</c>.</summary>
    public string StepMethod => $"{Layer.Kind}{Layer.Index}Step";

    /// <summary>The name of the emitted backward method the model's Backward calls, e.g. <c>Lstm0Backward</c>.</summary>
    public string BackwardMethod => $"{Layer.Kind}{Layer.Index}Backward";

    /// <summary>The parameters of every layer's backward method: the sample's cache and work areas and valid length, the layer's inputs, and dL/dx (empty for none).</summary>
    public static string BackwardParameters => $"{ReadOnlySpan} cache, {Span} work, int length, {ReadOnlySpan} xs, {Span} dx";

    public static LayerEmitter Create(LayerPlan layer) => layer.Kind switch
    {
        LayerKind.Lstm => new LstmEmitter(layer),
        LayerKind.Gru => new GruEmitter(layer),
        LayerKind.SimpleRnn => new SimpleRnnEmitter(layer),
        LayerKind.Dense => new DenseEmitter(layer),
        _ => new GaussianNoiseEmitter(layer),
    };

    protected bool HasInputDropout => Layer.Spec.Dropout > 0;

    /// <summary>The steps the layer runs: the sample's valid <c>length</c>, or all of a decoder's steps.</summary>
    protected string Len => Layer.InDecoder ? Layer.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture) : "length";

    /// <summary>What training adds to the layer, for descriptions: <c>, dropout 0.2, recurrent dropout 0.1</c>.</summary>
    protected string TrainingOptions =>
        (HasInputDropout ? $", dropout {Format(Layer.Spec.Dropout)}" : string.Empty)
        + (Layer.Spec.RecurrentDropout > 0 ? $", recurrent dropout {Format(Layer.Spec.RecurrentDropout)}" : string.Empty);

    /// <summary>A float literal for a factor from an attribute: <c>0.2f</c>.</summary>
    public static string Literal(double value) => Format((float)value) + "f";

    protected static string Format(double value) => ((float)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Training forward, input dropout: draws the mask and writes the masked inputs into the cache. Returns the name of
    /// the span the layer then reads (unchanged when the layer has no dropout).
    /// </summary>
    protected string EmitInputDropout(CodeWriter w, string inputs)
    {
        if (!HasInputDropout)
        {
            return inputs;
        }

        Region mask = Layer.Cache["inputMask"], masked = Layer.Cache["maskedInput"];
        bool recurrent = Layer.Spec.IsRecurrent;
        string name = $"{inputs}Dropped";
        w.Line($"// Dropout on the inputs (rate {Format(Layer.Spec.Dropout)}), in training only: {(recurrent ? "one mask for the whole sequence" : "a new mask at every position")}, kept inputs scaled by 1/(1 - rate).");
        w.Line($"{ReadOnlySpan} {name} = {inputs};");
        using (w.Block("if (training)"))
        {
            w.Line($"global::Rnn.Gen.Regularization.Noise.FillDropoutMask({CodeWriter.Slice("cache", mask)}, {Literal(Layer.Spec.Dropout)}, _trainingRandom);");
            if (recurrent)
            {
                using (w.Block($"for (int t = 0; t < {T}; t++)"))
                {
                    w.Line($"{Kernels}.Multiply({inputs}.Slice(t * {In}, {In}), {CodeWriter.Slice("cache", mask)}, {CodeWriter.SliceAt("cache", masked, In, "t")});");
                }
            }
            else
            {
                w.Line($"{Kernels}.Multiply({inputs}, {CodeWriter.Slice("cache", mask)}, {CodeWriter.Slice("cache", masked)});");
            }

            w.Line($"{name} = {CodeWriter.Slice("cache", masked)};");
        }

        return name;
    }

    /// <summary>Backward, input dropout: the layer's weights saw the masked inputs.</summary>
    protected void EmitInputDropoutBackwardStart(CodeWriter w)
    {
        if (HasInputDropout)
        {
            w.Line($"xs = {CodeWriter.Slice("cache", Layer.Cache["maskedInput"])}; // the inputs as the layer saw them, after dropout");
        }
    }

    /// <summary>Backward, input dropout: dL/dx passes only through the kept inputs, scaled like them.</summary>
    protected void EmitInputDropoutBackwardEnd(CodeWriter w)
    {
        if (!HasInputDropout)
        {
            return;
        }

        Region mask = Layer.Cache["inputMask"];
        w.Line("// Through the dropout mask.");
        if (Layer.Spec.IsRecurrent)
        {
            using (w.Block($"if (!dx.IsEmpty) for (int t = 0; t < {T}; t++)"))
            {
                w.Line($"{Kernels}.Multiply(dx.Slice(t * {In}, {In}), {CodeWriter.Slice("cache", mask)}, dx.Slice(t * {In}, {In}));");
            }
        }
        else
        {
            w.Line($"if (!dx.IsEmpty) {Kernels}.Multiply(dx, {CodeWriter.Slice("cache", mask)}, dx);");
        }
    }

    /// <summary>
    /// The batch path's forward pass of the layer (<c>ForwardBatch</c>): by default sample after sample, each slot's
    /// training forward on its own cache block; recurrent layers run the slots in lockstep instead.
    /// <paramref name="name"/> and <paramref name="source"/> declare the layer's input inside a slot;
    /// <paramref name="sourceRegion"/> is where that input lies in each slot's cache block.
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

    /// <summary>Inside the model's <c>PackWeights</c>: the layer's weights in the layouts its kernels read (nothing for most layers).</summary>
    public virtual void EmitPack(CodeWriter w)
    {
    }

    /// <summary>The private methods of the layer: one step forward, and backward through every step.</summary>
    public abstract void EmitMethods(CodeWriter w);

    /// <summary>Training forward over the whole sample; <paramref name="inputs"/> names a span over the layer's inputs in <c>cache</c>.</summary>
    public abstract void EmitTrainingForward(CodeWriter w, string inputs);

    /// <summary>One inference step on state slab <paramref name="state"/>, reading <paramref name="input"/>.</summary>
    public abstract void EmitInferenceStep(CodeWriter w, string input, string state);

    /// <summary>The expression of this layer's inference output after <see cref="EmitInferenceStep"/>.</summary>
    public abstract string InferenceOutput(string state);

    /// <summary>PyTorch's default initialization: U(−1/√H, 1/√H) for recurrent layers, U(−1/√in, 1/√in) for nn.Linear.</summary>
    public void EmitInitialize(CodeWriter w)
    {
        int fan = Layer.Spec.IsRecurrent ? H : In;
        w.Line($"// {Description}: U(-1/sqrt({fan}), 1/sqrt({fan})), PyTorch's default for {(Layer.Spec.IsRecurrent ? "recurrent layers" : "nn.Linear")}.");
        w.Line($"bound = (float)(1.0 / global::System.Math.Sqrt({fan}));");
        foreach (ParameterPlan parameter in Layer.Parameters)
        {
            w.Line($"global::Rnn.Gen.Initialization.Initializers.Uniform({CodeWriter.Slice("p", parameter.Region)}, bound, random); // {parameter.Name}");
        }
    }

    /// <summary>The parameter tensors the code being emitted uses: the layer's, or the current direction's.</summary>
    protected virtual ParameterPlan Parameter(string role) => Layer.Parameter(role);

    protected string Param(string role, string span = "p") => CodeWriter.Slice(span, Parameter(role).Region);

    protected string ParamComment(string role)
    {
        ParameterPlan parameter = Parameter(role);
        return $"{parameter.Name} [{string.Join(", ", parameter.Shape)}]";
    }

    /// <summary>Code that applies <paramref name="activation"/> in place to <paramref name="span"/>.</summary>
    protected static string ApplyActivation(ActivationKind activation, string span) => activation switch
    {
        ActivationKind.Tanh => $"{Kernels}.Tanh({span});",
        ActivationKind.Sigmoid => $"{Kernels}.Sigmoid({span});",
        ActivationKind.Relu => $"{Kernels}.Relu({span});",
        ActivationKind.Softmax => $"{Kernels}.Softmax({span});",
        _ => string.Empty,
    };

    /// <summary>
    /// Lines that turn dL/dy in <paramref name="gradient"/> into dL/dz in place, given the activation's output
    /// <paramref name="output"/> (every derivative used here is a function of the output).
    /// </summary>
    protected static IEnumerable<string> ActivationBackward(ActivationKind activation, string output, string gradient, int length)
    {
        switch (activation)
        {
            case ActivationKind.Tanh:
                yield return $"for (int j = 0; j < {length}; j++) {gradient}[j] *= 1f - {output}[j] * {output}[j]; // tanh' = 1 - y^2";
                break;
            case ActivationKind.Sigmoid:
                yield return $"for (int j = 0; j < {length}; j++) {gradient}[j] *= {output}[j] * (1f - {output}[j]); // sigmoid' = y (1 - y)";
                break;
            case ActivationKind.Relu:
                yield return $"for (int j = 0; j < {length}; j++) if ({output}[j] <= 0f) {gradient}[j] = 0f; // relu' = [y > 0]";
                break;
            case ActivationKind.Softmax:
                yield return $"{Kernels}.SoftmaxBackward({output}, {gradient}); // dz = y (dy - <dy, y>)";
                break;
        }
    }
}

/// <summary>
/// The per-sample block sizes of a model's batch path: slot <c>s</c> of the batch keeps its cache, work and scratch at
/// <c>s</c> times these sizes in the batch workspace's buffers (<c>caches</c>, <c>works</c>, <c>scratches</c> in the
/// generated code).
/// </summary>
internal readonly struct BatchLayout
{
    public BatchLayout(long cache, long work, long scratch)
    {
        Cache = cache;
        Work = work;
        Scratch = scratch;
    }

    public long Cache { get; }

    public long Work { get; }

    public long Scratch { get; }

    /// <summary>Declares <c>cache</c>, slot <paramref name="slot"/>'s cache block.</summary>
    public string SlotCache(string slot = "s", bool readOnly = false) =>
        $"global::System.{(readOnly ? "ReadOnlySpan" : "Span")}<float> cache = caches.Slice({slot} * {Cache}, {Cache});";

    /// <summary>Inside a loop over slots <c>s</c>: the slot's <c>cache</c> block and valid <c>length</c>.</summary>
    public void DeclareSlot(CodeWriter w)
    {
        w.Line(SlotCache());
        w.Line("int length = _batch.Length(s);");
    }

    /// <summary>Inside a loop over batch samples <c>b</c> (batch order): the sample's slot <c>s</c>, its <c>cache</c> (read-only) and <c>work</c> blocks and valid <c>length</c>.</summary>
    public void DeclareSampleInBatchOrder(CodeWriter w)
    {
        w.Line("int s = _batch.SlotOf(b);");
        w.Line(SlotCache(readOnly: true));
        w.Line(SlotWork());
        w.Line("int length = _batch.Length(s);");
    }

    /// <summary>Declares <c>work</c>, slot <paramref name="slot"/>'s backward work block.</summary>
    public string SlotWork(string slot = "s") => $"global::System.Span<float> work = works.Slice({slot} * {Work}, {Work});";

    /// <summary>Declares <c>scratch</c>, slot <paramref name="slot"/>'s one-step temporaries.</summary>
    public string SlotScratch(string slot = "s") => $"global::System.Span<float> scratch = scratches.Slice({slot} * {Scratch}, {Scratch});";
}
