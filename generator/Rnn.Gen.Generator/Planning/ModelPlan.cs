using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Generator.Model;

namespace Rnn.Gen.Generator.Planning;

/// <summary>
/// The whole model, planned once from its spec: every layer's plan (each kind lays itself out), the flat parameter
/// layout, the size of every slab, and the named offsets the generated code declares.
/// </summary>
internal sealed class ModelPlan
{
    /// <summary>The largest buffer a model may have: .NET's <c>Array.MaxLength</c> less the 15 floats of slack of an <c>AlignedBuffer</c>.</summary>
    public const long MaxArrayLength = 0x7FFFFFC7 - 15;

    /// <summary>Inputs narrower than this many floats (one 512-bit vector) get their W_ih gradient summed transposed in the batch path.</summary>
    public const int NarrowInput = 16;

    /// <summary>The class of the model-level named offsets in generated code.</summary>
    public const string ModelOwner = "ModelLayout";

    private ModelPlan(ModelSpec spec) => Spec = spec;

    public ModelSpec Spec { get; }

    public List<LayerPlan> Layers { get; } = new();

    /// <summary>Every named offset, in the order the regions were laid out.</summary>
    public IReadOnlyList<LayoutConstant> Constants { get; private set; } = Array.Empty<LayoutConstant>();

    public long ParameterCount { get; private set; }

    public long CacheSize { get; private set; }

    public long WorkSize { get; private set; }

    public long StateSize { get; private set; }

    public long ScratchSize { get; private set; }

    public long PackedSize { get; private set; }

    /// <summary>Floats the batch path needs once per batch rather than per sample (the batch workspace's shared buffer).</summary>
    public long BatchSharedSize { get; private set; }

    /// <summary>
    /// Whether the model gets a batch path (<c>ForwardBatch</c>/<c>BackwardBatch</c>): not with a decoder (decoding
    /// feeds outputs back step by step), a stateful model (those train one sample at a time), or a layer that does not
    /// support it.
    /// </summary>
    public bool HasBatchPath => Spec.Decoder is null && !Spec.Stateful && Layers.All(l => l.SupportsBatchPath);

    /// <summary>
    /// Whether the model gets the decoder batch path (<c>ForwardBatchTeacherForced</c>/<c>BackwardBatch</c>,
    /// <c>IRnnDecoderBatchModel</c>): every model with a decoder (Emit/DecoderBatchEmitter.cs).
    /// </summary>
    public bool HasDecoderBatchPath => Spec.Decoder is not null && !Spec.Stateful;

    /// <summary>
    /// Why <c>Step</c> cannot stream this model, or null when it can: a decoder decodes whole sequences; otherwise the
    /// first layer that cannot stream says why.
    /// </summary>
    public string? StreamingUnsupported =>
        Layers.Select(l => l.StreamingUnsupported).FirstOrDefault(reason => reason is not null)
        ?? (Spec.Decoder is null ? null : "This model decodes a whole output sequence from its input: use Predict, or Generate to sample.");

    /// <summary>
    /// Whether the model keeps packed weights between calls (docs/ARCHITECTURE.md, "Packed weights"): every member
    /// through which the parameters may change counts a write, and every entry point that reads <c>_packed</c>
    /// (Predict, Forward, the batch path, decoding, Step) repacks only when that count moved since the last packing.
    /// </summary>
    public bool TracksParameterWrites => PackedSize > 0;

    /// <summary>
    /// A decoder model whose decoding runs the encoder over the whole sequence first, as Forward does, in a cache of its
    /// own (<c>_predictCache</c>): when a layer attends over the encoder's outputs, or the encoder has a bidirectional
    /// layer (whose reverse direction needs the whole sequence). Other decoders run the encoder step by step.
    /// </summary>
    public bool DecodesFromWholeEncoding => Spec.Decoder is { } decoder && Layers.Any(l => l.Spec.ReadsEncoderMemory || (l.Index < decoder.FirstLayer && l.Spec.ReadsWholeSequence));

    /// <summary>The model's <c>AttentionWeights</c> in <c>_scratch</c> (an attention layer's), or null for a model without attention.</summary>
    public Region? AttentionWeights => Layers.Select(l => l.AttentionWeightsRegion).FirstOrDefault(r => r is not null);

    /// <summary>The training copy of the input, <c>[Steps, InputSize]</c>, at the start of <c>_cache</c>.</summary>
    public Region InputCache { get; private set; }

    public LayerPlan Head => Layers[Layers.Count - 1];

    /// <summary>
    /// The vocabulary of a model whose first layer reads token ids (an Embedding): its input holds one id per step,
    /// and it gets <c>int</c> overloads of its entry points. Null for a model that reads float features.
    /// </summary>
    public int? TokenVocabulary => Layers[0].Spec.TokenVocabulary;

    public int OutputSize => Head.OutputSize;

    public int OutputSteps => Head.SequenceOut ? Head.OutputSteps : 1;

    /// <summary>
    /// The layers that change the valid length (<see cref="LayerPlan.LengthMap"/>), bottom to top: the valid length of
    /// layer i's input is the sample's through the maps of the ones below it, its <em>length stage</em>.
    /// </summary>
    public IEnumerable<LayerPlan> LengthChanging => Layers.Where(l => l.LengthMap is not null);

    /// <summary>How many layers below layer <paramref name="index"/> change the valid length: the stage of its input's length (0: the sample's).</summary>
    public int LengthStage(int index) => Layers.Take(index).Count(l => l.LengthMap is not null);

    /// <summary>The number of length stages past the sample's: the head's output stage.</summary>
    public int LengthStages => LengthStage(Layers.Count);

    /// <summary>
    /// The valid length of stage <paramref name="stage"/> as a C# expression of the sample's <paramref name="length"/>:
    /// the maps of the first <paramref name="stage"/> length-changing layers applied in turn.
    /// </summary>
    public string StageLength(int stage, string length) =>
        LengthChanging.Take(stage).Aggregate(length, (expression, layer) => layer.LengthMap!.Expression(expression));

    /// <summary>
    /// The fewest valid steps a sample may have: every window of every convolution or pooling layer then covers at least
    /// one output step (1 for models without them). <c>Forward</c>, <c>Predict</c> and the batch path refuse shorter ones.
    /// </summary>
    public int MinLength
    {
        get
        {
            // From the head down: a window layer gives at least `need` valid steps from
            // (need − 1) · stride + span − padding of its input (and one window needs MinInput).
            long need = 1;
            foreach (LayerPlan layer in LengthChanging.Reverse())
            {
                LengthMap map = layer.LengthMap!;
                need = System.Math.Min(Spec.Steps, System.Math.Max(map.MinInput, ((need - 1) * map.Stride) + map.Span - map.Padding));
            }

            return (int)System.Math.Min(need, Spec.Steps);
        }
    }

    /// <summary>The most steps any layer's sequence has: the model's, or an image's rows or columns once they become steps.</summary>
    public int LongestStage => Layers.Where(l => !l.InDecoder).Select(l => l.OutputSteps).DefaultIfEmpty(Spec.Steps).Max() is int most && most > Spec.Steps ? most : Spec.Steps;

    /// <summary>The model outputs a sequence: one output row per step.</summary>
    public bool ManyToMany => OutputSteps > 1 || Head.SequenceOut;

    /// <summary>Decoder models: the decoder's input at every step, <c>[OutputSteps, DecoderInputSize]</c>, in the cache.</summary>
    public Region DecoderInput { get; private set; }

    /// <summary>Decoder models: dL/d(decoder input), for a one-to-many model's input gradient.</summary>
    public Region DecoderInputGradient { get; private set; }

    /// <summary>Decoder models: one step's decoder input in the scratch slab, for Predict and Generate.</summary>
    public Region DecoderStepInput { get; private set; }

    /// <summary>Features of the decoder's input: the fed-back output, after the model input for one-to-many models.</summary>
    public int DecoderInputSize { get; private set; }

    public long InputLength => (long)Spec.Steps * Spec.InputSize;

    public long OutputLength => (long)OutputSteps * OutputSize;

    /// <summary>Floats of the largest zero state a layer starts from (the shared zero array).</summary>
    public int ZeroStateLength => Layers.Count == 0 ? 0 : Layers.Max(l => l.ZeroStateLength);

    /// <summary>Sizes of each buffer the constructor allocates, for the too-large check.</summary>
    public IEnumerable<(string What, long Size)> Buffers()
    {
        yield return ("parameters", ParameterCount);
        yield return ("training cache", CacheSize);
        yield return ("backward workspace", WorkSize);
        yield return ("recurrent state", StateSize);
        yield return ("inference scratch", ScratchSize);
        yield return ("packed weights", PackedSize);
        yield return ("input", InputLength);
        yield return ("output", OutputLength);
    }

    /// <summary>
    /// The buffers one instance allocates when it is constructed, in floats (or ints, of the same size), for the
    /// warning on large models (RNNGEN032): the fields <c>ModelEmitter</c> declares, with the batch workspace's shared
    /// buffer (its per-sample blocks come with the first batch). Not the static zero state, which the class shares.
    /// <c>ModelMemoryTests</c> holds this to what constructing a generated model allocates.
    /// </summary>
    public IEnumerable<(string What, long Floats)> ConstructionBuffers()
    {
        yield return ("parameters", ParameterCount);
        yield return ("gradients", ParameterCount);
        yield return ("training cache", CacheSize);
        if (Spec.Decoder is null || DecodesFromWholeEncoding)
        {
            yield return ("inference cache", CacheSize);
        }

        yield return ("backward workspace", WorkSize);
        yield return ("scratch", ScratchSize);
        yield return ("packed weights", PackedSize);
        int states = 1 + (Spec.Decoder is null ? 0 : 1) + (Spec.Stateful ? 1 : 0); // Step's; decoding's; a stateful model's carry
        yield return ("recurrent state", states * StateSize);
        if (Spec.Decoder is not null)
        {
            yield return ("fed-back outputs", OutputLength);
        }

        if (HasBatchPath)
        {
            yield return ("batch workspace", BatchSharedSize + Spec.Steps);
        }

        if (TokenVocabulary is not null)
        {
            yield return ("token ids", Spec.Steps);
        }

        if (Spec.Int8Weights)
        {
            yield return ("int8 weights", Int8WeightBytes() / sizeof(float));
        }
    }

    /// <summary>
    /// What <c>Int8Weights</c> allocates for Weights = Int8, in bytes: every quantized matrix with rows padded to 16 and
    /// columns to 4, a scale and an offset per padded row, two activation vectors' bytes (x and h of a step's two
    /// products) and one product's sums.
    /// </summary>
    private long Int8WeightBytes()
    {
        long bytes = 63, rows = 0, widestColumns = 0, widestRows = 0, count = 0; // 63: the slack that aligns the bytes to 64
        foreach (LayerPlan layer in Layers.Where(l => l.Spec.Int8 == Int8Support.Quantized))
        {
            foreach (ParameterPlan matrix in layer.Parameters.Where(p => p.Shape.Length == 2))
            {
                long r = (matrix.Shape[0] + 15) / 16 * 16, c = (matrix.Shape[1] + 3) / 4 * 4;
                bytes += r * c;
                rows += r;
                widestColumns = System.Math.Max(widestColumns, c);
                widestRows = System.Math.Max(widestRows, r);
                count++;
            }
        }

        return bytes + (rows * 2 * sizeof(float)) + (2 * widestColumns) + (widestRows * sizeof(int)) + (count * 4 * sizeof(int)); // + each matrix's shape and offsets
    }

    /// <summary>
    /// Lays out a model whose layer order the parser has validated: each layer in turn by its kind, the decoder's own
    /// input before its first layer, then the batch path's shared buffer. Throws <see cref="OverflowException"/> when a
    /// size does not fit in 64 bits.
    /// </summary>
    public static ModelPlan Create(ModelSpec spec)
    {
        var plan = new ModelPlan(spec);
        var slabs = new ModelSlabs();
        plan.InputCache = slabs.Cache.Add(ModelOwner, "Input", (long)spec.Steps * spec.InputSize, $"[{spec.Steps}, {spec.InputSize}] the input, as Forward received it");

        int inputSize = spec.InputSize;
        bool sequence = true;
        int steps = spec.Steps;
        DecoderSpec? decoder = spec.Decoder;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (decoder is not null && i == decoder.FirstLayer)
            {
                // The decoder runs over its own steps; its input is the fed-back output (after the model input, one-to-many).
                steps = decoder.OutputSteps;
                sequence = true;
                // An embedding decoder reads one id per step; otherwise the fed-back vector itself.
                int feedback = decoder.EmbedsTokens ? 1 : spec.Layers.Skip(decoder.FirstLayer).Aggregate(0, (size, layer) => layer.OutputSize(size));
                plan.DecoderInputSize = inputSize = (decoder.OneToMany ? spec.InputSize : 0) + feedback;
                plan.DecoderInput = slabs.Cache.Add(ModelOwner, "DecoderInput", (long)steps * inputSize, $"[{steps}, {inputSize}] the decoder's input at every step");
                plan.DecoderInputGradient = slabs.Work.Add(ModelOwner, "DecoderInputGradient", (long)steps * inputSize, $"[{steps}, {inputSize}] dL/d(decoder input)");
                plan.DecoderStepInput = slabs.Scratch.Add(ModelOwner, "DecoderStepInput", inputSize, $"[{inputSize}] one decoding step's input");
            }

            bool inDecoder = decoder is not null && i >= decoder.FirstLayer;
            LayerSpec layerSpec = spec.Layers[i];
            var context = new LayerContext(i, inputSize, steps, sequence, spec.Stateful, inDecoder, spec.Int8Weights, spec.FastActivations);
            LayerPlan layer = layerSpec.Kind.Plan(layerSpec, context, slabs);
            plan.Layers.Add(layer);
            inputSize = layer.OutputSize;
            sequence = layer.SequenceOut;
            steps = layer.OutputSteps;
        }

        // Pair each encoder recurrent layer with the decoder recurrent layer that starts from its final states.
        if (decoder is { OneToMany: false })
        {
            var encoder = plan.Layers.Where(l => l.Spec.IsRecurrent && !l.InDecoder).ToList();
            var decoding = plan.Layers.Where(l => l.Spec.IsRecurrent && l.InDecoder).ToList();
            for (int k = 0; k < encoder.Count && k < decoding.Count; k++)
            {
                encoder[k].Partner = decoding[k];
                decoding[k].Partner = encoder[k];
            }

            // An attention reads the encoder's top recurrent layer's output at every step.
            foreach (LayerPlan reader in plan.Layers.Where(l => l.Spec.ReadsEncoderMemory))
            {
                reader.Memory = encoder[encoder.Count - 1];
            }
        }

        if (plan.HasBatchPath)
        {
            foreach (LayerPlan layer in plan.Layers)
            {
                layer.PlanBatch(slabs.BatchShared);
            }
        }

        plan.Constants = slabs.Constants;
        plan.ParameterCount = slabs.Parameters.Size;
        plan.CacheSize = slabs.Cache.Size;
        plan.WorkSize = slabs.Work.Size;
        plan.StateSize = slabs.State.Size;
        plan.ScratchSize = slabs.Scratch.Size;
        plan.PackedSize = slabs.Packed.Size;
        plan.BatchSharedSize = slabs.BatchShared.Size;
        return plan;
    }

    /// <summary>The first buffer larger than an array can be, or null when every buffer fits.</summary>
    public (string What, long Size)? FirstBufferTooLarge()
    {
        foreach ((string what, long size) in Buffers())
        {
            if (size > MaxArrayLength)
            {
                return (what, size);
            }
        }

        return null;
    }
}
