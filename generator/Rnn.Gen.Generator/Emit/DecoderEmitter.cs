using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// Emits what encoder–decoder and one-to-many models add: greedy and sampled decoding, teacher forcing, the hand-over
/// of the encoder's final states to the decoder, and the gradient that flows back along it. The hand-over goes through
/// each layer's <see cref="LayerPlan.CarriedStates"/>, whatever the layers' kind.
/// </summary>
internal static class DecoderEmitter
{
    /// <summary>The public members: teacher-forced training forward and, for token models, sampled generation.</summary>
    public static void EmitMembers(CodeWriter w, ModelPlan plan, DecoderSpec decoder)
    {
        ModelSpec spec = plan.Spec;
        string outputShape = $"[OutputSteps = {plan.OutputSteps}, OutputSize = {plan.OutputSize}]";
        w.Line();
        w.Summary($"Training forward pass with teacher forcing: the decoder's input at step t is <paramref name=\"targets\"/> row t - 1 ({(decoder.Feedback == FeedbackKind.Token ? "one-hot rows of the target tokens" : "the target outputs")}, [{plan.OutputSteps}, {plan.OutputSize}]), zeros at step 0. Backward follows as after Forward.");
        using (w.Block($"public void ForwardTeacherForced({ReadOnlySpan} input, {ReadOnlySpan} targets, {Span} output, int length = Steps)"))
        {
            LayerWiring.EmitLengthCheck(w, "input", plan.InputLength, $"[Steps = {spec.Steps}, InputSize = {spec.InputSize}]");
            LayerWiring.EmitLengthCheck(w, "targets", plan.OutputLength, outputShape);
            LayerWiring.EmitLengthCheck(w, "output", plan.OutputLength, outputShape);
            LayerWiring.EmitStepCountCheck(w, spec.Steps);
            TokenInputEmitter.EmitCheck(w, plan, "input", "length");
            using (CallGuardCode.Hold(w))
            {
                w.Line($"{Span} cache = _cache;");
                w.Line("ForwardCore(input, cache, training: true, length, targets);");
                w.Line($"{CodeWriter.Slice("cache", plan.Head.Output)}.CopyTo(output);");
                if (decoder.EndToken is not null)
                {
                    w.Line("// The steps after the target's first end token are masked: zero outputs, and Backward gives them no gradient.");
                    w.Line($"_decodedSteps = {SequenceEnd}.Steps(targets, OutputSize, EndToken);");
                    EmitClearAfterEnd(w, "output");
                    EmitClearAttentionAfterEnd(w, plan);
                }

                w.Line("_length = length;");
                w.Line("_hasForward = true;");
            }
        }

        w.Line();
        w.Line($"void {IRnnModel}.ForwardTeacherForced({ReadOnlySpan} input, {ReadOnlySpan} targets, {Span} output, int length) => ForwardTeacherForced(input, targets, output, length);");

        if (decoder.Feedback == FeedbackKind.Token)
        {
            w.Line();
            w.Summary($"Generates a sequence of tokens, each sampled from the softmax output with <paramref name=\"temperature\"/> (at or below 0: the most probable) among the <paramref name=\"topK\"/> most probable (0: all), fed back as the next input. Writes the probabilities to <paramref name=\"output\"/> and the chosen tokens to <paramref name=\"tokens\"/>; returns the number of steps decoded{(decoder.EndToken is null ? " (OutputSteps)" : ", through the end token (later rows are zeros, later tokens -1)")}.");
            using (w.Block($"public int Generate({ReadOnlySpan} input, {Span} output, {IntSpan} tokens, float temperature, int topK, {SeededRandom} random)"))
            {
                LayerWiring.EmitLengthCheck(w, "input", plan.InputLength, $"[Steps = {spec.Steps}, InputSize = {spec.InputSize}]");
                LayerWiring.EmitLengthCheck(w, "output", plan.OutputLength, outputShape);
                LayerWiring.EmitLengthCheck(w, "tokens", plan.OutputSteps, $"[OutputSteps = {plan.OutputSteps}]");
                w.Line($"{ArgumentNullException}.ThrowIfNull(random);");
                TokenInputEmitter.EmitCheck(w, plan, "input", "Steps");
                using (CallGuardCode.Hold(w))
                {
                    w.Line("return Decode(input, output, Steps, default, tokens, temperature, topK, random);");
                }
            }
        }
    }

    /// <summary>
    /// The decoding loop shared by Predict, Generate and the free-running Forward: encoder over the input, decoder from
    /// its final states, each step's output (or chosen token) fed back.
    /// </summary>
    public static void EmitDecode(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> layers)
    {
        ModelSpec spec = plan.Spec;
        List<LayerEmitter> encoder = layers.Take(decoder.FirstLayer).ToList();
        List<LayerEmitter> decoding = layers.Skip(decoder.FirstLayer).ToList();
        int outputSize = plan.OutputSize;
        int offset = decoder.OneToMany ? spec.InputSize : 0;
        w.Line();
        w.Summary($"Runs the encoder over the valid steps, then the decoder step by step, feeding back each step's output or token: the most probable when <paramref name=\"random\"/> is null, else sampled. <paramref name=\"feedback\"/>, when not empty, receives what was fed back after each step. Returns the steps decoded{(decoder.EndToken is null ? " (all of them)" : ", through the end token")}.");
        using (w.Block($"private int {Int8DecoderCode.DecodeMethod(layers)}({ReadOnlySpan} input, {Span} output, int length, {Span} feedback, {IntSpan} tokens, float temperature, int topK, {SeededRandom}? random)"))
        {
            EmitEncoderPass(w, plan, encoder, decoding);
            if (decoder.EmbedsTokens)
            {
                w.Line($"{Span} x = {CodeWriter.Slice("scratch", plan.DecoderStepInput)}; // the id of the token the previous step chose, which the decoder's Embedding reads");
                w.Line($"x[0] = {decoder.StartToken}; // the start token, at the first step");
            }
            else
            {
                w.Line($"{Span} x = {CodeWriter.Slice("scratch", plan.DecoderStepInput)}; // {(decoder.OneToMany ? "the input, then " : string.Empty)}what the previous step fed back (zeros at the first step)");
                w.Line("x.Clear();");
                if (decoder.OneToMany)
                {
                    w.Line($"input.CopyTo(x.Slice(0, {spec.InputSize}));");
                }

                w.Line($"{Span} fed = x.Slice({offset}, {outputSize});");
            }

            using (w.Block($"for (int t = 0; t < {plan.OutputSteps}; t++)"))
            {
                w.Line($"{Span} y = output.Slice({CodeWriter.Times("t", outputSize)}, {outputSize});");
                LayerWiring.EmitInferencePass(w, decoding, "x", "state", "y");
                if (decoder.Feedback == FeedbackKind.Token)
                {
                    w.Line($"int token = random is null || temperature <= 0f ? {TokenSampler}.MostProbable(y) : {TokenSampler}.Sample(y, temperature, topK, random);");
                    w.Line("if (!tokens.IsEmpty) tokens[t] = token;");
                }

                if (decoder.EmbedsTokens)
                {
                    w.Line("x[0] = token;");
                    using (w.Block("if (!feedback.IsEmpty)"))
                    {
                        w.Line($"{Span} row = feedback.Slice({CodeWriter.Times("t", outputSize)}, {outputSize});");
                        w.Line("row.Clear();");
                        w.Line("row[token] = 1f; // what was fed back, one-hot, as for any token decoder");
                    }
                }
                else
                {
                    if (decoder.Feedback == FeedbackKind.Token)
                    {
                        w.Line("fed.Clear();");
                        w.Line("fed[token] = 1f; // the chosen token, one-hot");
                    }
                    else
                    {
                        w.Line("y.CopyTo(fed);");
                    }

                    w.Line($"if (!feedback.IsEmpty) fed.CopyTo(feedback.Slice({CodeWriter.Times("t", outputSize)}, {outputSize}));");
                }

                if (decoder.EndToken is not null)
                {
                    using (w.Block("if (token == EndToken)"))
                    {
                        w.Line("// The end of the sequence: decoding stops; the later rows are zeros and the later tokens -1.");
                        w.Line($"output.Slice({CodeWriter.Times("t + 1", outputSize)}).Clear();");
                        w.Line($"if (!feedback.IsEmpty) feedback.Slice({CodeWriter.Times("t + 1", outputSize)}).Clear();");
                        w.Line("if (!tokens.IsEmpty) tokens.Slice(t + 1).Fill(-1);");
                        w.Line("return t + 1;");
                    }
                }
            }

            w.Line("return OutputSteps;");
        }
    }

    /// <summary>
    /// The start of every decoding: weights packed, <c>state</c> (over <c>_predictState</c>) and <c>scratch</c>
    /// declared, the encoder run over the valid steps and its final states handed to the decoder's layers.
    /// </summary>
    internal static void EmitEncoderPass(CodeWriter w, ModelPlan plan, List<LayerEmitter> encoder, List<LayerEmitter> decoding)
    {
        ModelSpec spec = plan.Spec;
        w.Line("PackIfStale();");
        if (plan.Spec.Int8Weights && !Int8DecoderCode.InFloat32Twin(encoder.Concat(decoding)))
        {
            w.Line(Int8WeightsCode.Refresh(plan));
        }

        w.Line($"{Span} state = _predictState;");
        w.Line($"{Span} scratch = _scratch;");
        w.Line("state.Clear();");
        if (plan.DecodesFromWholeEncoding)
        {
            w.Line("// The encoder over the whole sequence, as Forward runs it, in decoding's own cache.");
            w.Line($"{Span} encoderCache = _predictCache;");
            w.Line($"{Int8DecoderCode.EncodeCoreMethod(decoding)}(input, encoderCache, training: false, length);");
            w.Line("// The decoder starts from the encoder's final states.");
            foreach (LayerPlan layer in decoding.Select(l => l.Layer).Where(l => l.Partner is not null))
            {
                EmitHandOver(w, layer, "encoderCache", k => CodeWriter.Slice("state", layer.CarriedStates[k].State));
            }

            foreach (LayerEmitter layer in decoding)
            {
                layer.EmitDecodeStart(w);
            }
        }
        else if (spec.Decoder is { StartsFromFeatures: true })
        {
            CarriedState start = FeatureStart(plan);
            w.Line("// The encoder's features (one input, one output vector) are the start state h_0 of the decoder's first recurrent layer.");
            LayerWiring.EmitInferencePass(w, encoder, $"input.Slice(0, {spec.InputSize})", "state", CodeWriter.Slice("state", start.State));
        }
        else if (encoder.Any(l => l.Layer.Spec.ActsAtInference))
        {
            using (w.Block("for (int t = 0; t < length; t++)"))
            {
                LayerWiring.EmitInferencePass(w, encoder, $"input.Slice({CodeWriter.Times("t", spec.InputSize)}, {spec.InputSize})", "state", destination: null);
            }

            w.Line("// The decoder starts from the encoder's final states.");
            foreach (LayerPlan layer in decoding.Select(l => l.Layer).Where(l => l.Partner is not null))
            {
                IReadOnlyList<CarriedState> from = layer.Partner!.CarriedStates, to = layer.CarriedStates;
                for (int k = 0; k < to.Count; k++)
                {
                    w.Line($"{CodeWriter.Slice("state", from[k].State)}.CopyTo({CodeWriter.Slice("state", to[k].State)});");
                }
            }
        }
    }

    /// <summary>
    /// Decoders that decode from the whole encoding (<see cref="ModelPlan.DecodesFromWholeEncoding"/>): the encoder's
    /// layers over the valid steps, as ForwardCore runs them, into a cache of decoding's own.
    /// </summary>
    public static void EmitEncodeCore(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> layers)
    {
        if (!plan.DecodesFromWholeEncoding)
        {
            return;
        }

        w.Line();
        w.Summary("Runs the encoder's layers over the first <paramref name=\"length\"/> steps, as Forward does (dropout and noise only when <paramref name=\"training\"/>), into <paramref name=\"cache\"/> (decoding's own): every step's outputs and final states, for the decoder's start and its attention.");
        using (w.Block($"private void {Int8DecoderCode.EncodeCoreMethod(layers)}({ReadOnlySpan} input, {Span} cache, bool training, int length)"))
        {
            w.Line($"{Span} scratch = _scratch;");
            if (plan.PackedSize > 0)
            {
                w.Line($"{ReadOnlySpan} p = _parameters;");
                w.Line($"{Span} packed = _packed;");
            }

            w.Line($"input.CopyTo({CodeWriter.Slice("cache", plan.InputCache)});");
            for (int i = 0; i < decoder.FirstLayer; i++)
            {
                string name = $"x{i}";
                string source = i == 0 ? CodeWriter.Slice("cache", plan.InputCache) : LayerWiring.OutputView(layers[i - 1].Layer, "cache");
                w.Line();
                w.Line($"{ReadOnlySpan} {name} = {source};");
                layers[i].EmitTrainingForward(w, name);
            }
        }
    }

    /// <summary>
    /// The hand-over of an encoder layer's final states (in the cache named <paramref name="cache"/>) to the start states
    /// of <paramref name="layer"/>, its decoder partner, at the spans <paramref name="destination"/> gives: each
    /// direction's part copied, or (two directions summed) added.
    /// </summary>
    private static void EmitHandOver(CodeWriter w, LayerPlan layer, string cache, System.Func<int, string> destination)
    {
        LayerPlan encoder = layer.Partner!;
        for (int k = 0; k < layer.CarriedStates.Count; k++)
        {
            foreach (FinalStatePart part in encoder.FinalStateParts(k))
            {
                string from = CodeWriter.SliceAt(cache, part.Sequence, part.Size, part.Step);
                string to = $"{destination(k)}.Slice({part.Offset}, {part.Size})";
                w.Line(part.Adds ? $"{VectorKernels}.Add({from}, {to});" : $"{from}.CopyTo({to});");
            }
        }
    }

    /// <summary>
    /// The fields of token decoders (the beam search's buffers) and the members an end token adds: its constant and
    /// the field that keeps where the last training forward ended.
    /// </summary>
    public static void EmitDecoderFields(CodeWriter w, ModelPlan plan, DecoderSpec decoder)
    {
        if (decoder.Feedback == FeedbackKind.Token)
        {
            w.Line(BeamSearchEmitter.Field(plan));
        }

        if (decoder.EndToken is not { } end)
        {
            return;
        }

        w.Summary("The end-of-sequence token: decoding stops at the step that chooses it; teacher forcing masks the steps after each target's.");
        w.Line($"public const int EndToken = {end};");
        w.Line("private int _decodedSteps = OutputSteps; // the output steps of the last Forward or ForwardTeacherForced, through the end token: Backward masks the rest");
    }

    /// <summary>Free-running Forward with an end token: keeps the steps decoded and zeroes the output (and attention weights) after them.</summary>
    public static void EmitForwardEnd(CodeWriter w, ModelPlan plan, DecoderSpec decoder, string output)
    {
        if (decoder.EndToken is not null)
        {
            EmitClearAfterEnd(w, output);
            EmitClearAttentionAfterEnd(w, plan);
        }
    }

    /// <summary>With attention and an end token: the attention weights' rows after the end are zero.</summary>
    private static void EmitClearAttentionAfterEnd(CodeWriter w, ModelPlan plan)
    {
        if (plan.AttentionWeights is { } weights)
        {
            long rows = weights.Length / plan.OutputSteps;
            w.Line($"(({Span})_scratch).Slice({weights.Name}, {weights.Length}).Slice(_decodedSteps * {rows}).Clear(); // attention weights: no rows after the end");
        }
    }

    /// <summary>In BackwardSample, once the output gradient is in the head's gradient region: no gradient after the end token.</summary>
    public static void EmitBackwardMask(CodeWriter w, ModelPlan plan, DecoderSpec decoder)
    {
        if (decoder.EndToken is not null)
        {
            w.Line($"{CodeWriter.Slice("work", plan.Head.OutputGradient)}.Slice(decodedSteps * OutputSize).Clear(); // the steps after the end token carry no gradient");
        }
    }

    private static void EmitClearAfterEnd(CodeWriter w, string output) =>
        w.Line($"{output}.Slice(_decodedSteps * OutputSize).Clear();");

    /// <summary>Token decoders: beam search, every live beam stepped in lockstep (<see cref="BeamSearchEmitter"/>).</summary>
    public static void EmitBeamSearch(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> layers) =>
        BeamSearchEmitter.Emit(w, plan, decoder, layers);

    /// <summary>In ForwardCore, before the first decoder layer: its start states and its input sequence.</summary>
    public static void EmitDecoderStart(CodeWriter w, ModelPlan plan, DecoderSpec decoder)
    {
        ModelSpec spec = plan.Spec;
        int outputSize = plan.OutputSize;
        int width = plan.DecoderInputSize;
        w.Line();
        w.Line(decoder.OneToMany ? "// The decoder starts from zero."
            : decoder.StartsFromFeatures ? "// The decoder's first recurrent layer starts from h_0 = the encoder's features; every other start state is zero."
            : "// The decoder starts from the encoder's final states (at the last valid step).");
        CarriedState? features = decoder.StartsFromFeatures ? FeatureStart(plan) : null;
        foreach (LayerPlan layer in plan.Layers.Where(l => l.InDecoder))
        {
            IReadOnlyList<CarriedState> to = layer.CarriedStates;
            for (int k = 0; k < to.Count; k++)
            {
                Region start = to[k].Initial!.Value;
                if (features is not null && to[k] == features)
                {
                    w.Line($"{LayerWiring.OutputView(plan.Layers[decoder.FirstLayer - 1], "cache")}.CopyTo({CodeWriter.Slice("cache", start)});");
                }
                else if (layer.Partner is { } encoder)
                {
                    foreach (FinalStatePart part in encoder.FinalStateParts(k))
                    {
                        string from = CodeWriter.SliceAt("cache", part.Sequence, part.Size, part.Step);
                        string into = part.Size == start.Length ? CodeWriter.Slice("cache", start) : $"{CodeWriter.Slice("cache", start)}.Slice({part.Offset}, {part.Size})";
                        w.Line(part.Adds ? $"{VectorKernels}.Add({from}, {into});" : $"{from}.CopyTo({into});");
                    }
                }
                else
                {
                    w.Line($"{CodeWriter.Slice("cache", start)}.Clear();");
                }
            }
        }

        w.Line($"{Span} decoderInput = {CodeWriter.Slice("cache", plan.DecoderInput)};");
        if (decoder.EmbedsTokens)
        {
            w.Line($"// The decoder's Embedding reads at step t the token of feedback row t - 1 (one-hot, or probabilities: the most probable), the start token {decoder.StartToken} at step 0.");
            w.Line($"for (int t = 0; t < {plan.OutputSteps}; t++) decoderInput[t] = t == 0 ? {decoder.StartToken} : {TokenSampler}.MostProbable(feedback.Slice({CodeWriter.Times("t - 1", outputSize)}, {outputSize}));");
            return;
        }

        w.Line($"// The decoder's input at step t: {(decoder.OneToMany ? "the model input, then " : string.Empty)}feedback row t - 1 (zeros at step 0).");
        using (w.Block($"for (int t = 0; t < {plan.OutputSteps}; t++)"))
        {
            w.Line($"{Span} row = decoderInput.Slice({CodeWriter.Times("t", width)}, {width});");
            if (decoder.OneToMany)
            {
                w.Line($"input.CopyTo(row.Slice(0, {spec.InputSize}));");
            }

            w.Line($"{Span} fed = row.Slice({(decoder.OneToMany ? spec.InputSize : 0)}, {outputSize});");
            w.Line($"if (t == 0) fed.Clear(); else feedback.Slice({CodeWriter.Times("t - 1", outputSize)}, {outputSize}).CopyTo(fed);");
        }
    }

    /// <summary>A feature encoder's decoder: the start state its features become, h of the decoder's first recurrent layer.</summary>
    private static CarriedState FeatureStart(ModelPlan plan) => plan.Layers.First(l => l.InDecoder && l.Spec.IsRecurrent).CarriedStates[0];

    /// <summary>
    /// Backward of a decoder model: decoder layers (from <paramref name="top"/>, the head when negative), the hand-over
    /// of the start states' gradients, encoder layers; a blank line before each layer, but for the first when
    /// <paramref name="atBlockStart"/> (nothing before it in its method).
    /// </summary>
    public static void EmitBackward(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> layers, int top = -1, bool atBlockStart = false)
    {
        ModelSpec spec = plan.Spec;
        LayerPlan? memory = plan.Layers.Select(l => l.Memory).FirstOrDefault(m => m is not null);
        if (memory is not null)
        {
            w.Line($"{CodeWriter.Slice("work", memory.OutputGradient)}.Clear(); // the attention adds dL/dh_s of every encoder step into the encoder's top output gradient");
        }

        int first = top < 0 ? layers.Count - 1 : top;
        for (int i = first; i >= decoder.FirstLayer; i--)
        {
            if (i != first || memory is not null || !atBlockStart)
            {
                w.Line();
            }

            LayerEmitter layer = layers[i];
            if (i == decoder.FirstLayer)
            {
                if (decoder.OneToMany)
                {
                    w.Line($"{Span} dDecoderInput = {CodeWriter.Slice("work", plan.DecoderInputGradient)};");
                    w.Line("dDecoderInput.Clear();");
                    w.Line($"{layer.BackwardMethod}(cache, work, length, {CodeWriter.Slice("cache", plan.DecoderInput)}, inputGradient.IsEmpty ? default : dDecoderInput);");
                    w.Line("// The input was given at every decoder step: its gradient is the sum over the steps (fed-back values are constants).");
                    using (w.Block("if (!inputGradient.IsEmpty)"))
                    {
                        w.Line("inputGradient.Clear();");
                        w.Line($"for (int t = 0; t < {plan.OutputSteps}; t++) {VectorKernels}.Add(dDecoderInput.Slice({CodeWriter.Times("t", plan.DecoderInputSize)}, {spec.InputSize}), inputGradient);");
                    }
                }
                else
                {
                    w.Line("// Fed-back values are constants: no gradient goes to the decoder's input.");
                    w.Line($"{layer.BackwardMethod}(cache, work, length, {CodeWriter.Slice("cache", plan.DecoderInput)}, default);");
                }
            }
            else
            {
                LayerWiring.EmitLayerBackward(w, plan, layer, layers[i - 1].Layer);
            }
        }

        if (decoder.OneToMany)
        {
            return;
        }

        if (decoder.StartsFromFeatures)
        {
            // Feature encoder layers, top to bottom: the top one's output gradient is that of the decoder's start state h_0.
            for (int i = decoder.FirstLayer - 1; i >= 0; i--)
            {
                w.Line();
                LayerEmitter layer = layers[i];
                if (i == decoder.FirstLayer - 1)
                {
                    w.Line($"{CodeWriter.Slice("work", layer.Layer.OutputGradient)}.Clear();");
                    w.Line($"{VectorKernels}.Add({CodeWriter.Slice("work", FeatureStart(plan).Gradient)}, {LayerWiring.OutputGradientView(layer.Layer, "work", LayerWiring.StageLengthName(plan.LengthStage(decoder.FirstLayer)))}); // dL/dh_0 of the decoder's first recurrent layer");
                }

                LayerWiring.EmitLayerBackward(w, plan, layer, i == 0 ? null : layers[i - 1].Layer);
            }

            return;
        }

        // Encoder layers, top to bottom: each receives the gradient of its partner's start state at its last valid step.
        for (int i = decoder.FirstLayer - 1; i >= 0; i--)
        {
            w.Line();
            LayerEmitter layer = layers[i];
            if (i == decoder.FirstLayer - 1 && memory is null)
            {
                w.Line($"{CodeWriter.Slice("work", layer.Layer.OutputGradient)}.Clear(); // no layer reads the encoder's top output: its final states' gradients start its backward through time");
            }

            LayerWiring.EmitLayerBackward(w, plan, layer, i == 0 ? null : layers[i - 1].Layer);
        }
    }
}
