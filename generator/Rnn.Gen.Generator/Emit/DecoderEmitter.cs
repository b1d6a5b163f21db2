using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// Emits what encoder–decoder and one-to-many models add: greedy and sampled decoding, teacher forcing, the hand-over
/// of the encoder's final states to the decoder, and the gradient that flows back along it.
/// </summary>
internal static class DecoderEmitter
{
    private const string Span = "global::System.Span<float>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

    /// <summary>The public members: teacher-forced training forward and, for token models, sampled generation.</summary>
    public static void EmitMembers(CodeWriter w, ModelPlan plan, DecoderSpec decoder)
    {
        ModelSpec spec = plan.Spec;
        string outputShape = $"[OutputSteps = {plan.OutputSteps}, OutputSize = {plan.OutputSize}]";
        w.Line();
        w.Summary($"Training forward pass with teacher forcing: the decoder's input at step t is <paramref name=\"targets\"/> row t - 1 ({(decoder.Feedback == FeedbackKind.Token ? "one-hot rows of the target tokens" : "the target outputs")}, [{plan.OutputSteps}, {plan.OutputSize}]), zeros at step 0. Backward follows as after Forward.");
        using (w.Block($"public void ForwardTeacherForced({ReadOnlySpan} input, {ReadOnlySpan} targets, {Span} output, int length = Steps)"))
        {
            EmitCheck(w, "input", plan.InputLength, $"[Steps = {spec.Steps}, InputSize = {spec.InputSize}]");
            EmitCheck(w, "targets", plan.OutputLength, outputShape);
            EmitCheck(w, "output", plan.OutputLength, outputShape);
            w.Line($"if ((uint)(length - 1) >= {spec.Steps}) global::Rnn.Gen.ModelGuard.ThrowStepCountOutOfRange(nameof(length), {spec.Steps}, length);");
            w.Line($"{Span} cache = _cache;");
            w.Line("ForwardCore(input, cache, training: true, length, targets);");
            w.Line($"{CodeWriter.Slice("cache", plan.Head.Output)}.CopyTo(output);");
            w.Line("_length = length;");
            w.Line("_hasForward = true;");
        }

        w.Line();
        w.Line($"void global::Rnn.Gen.IRnnModel.ForwardTeacherForced({ReadOnlySpan} input, {ReadOnlySpan} targets, {Span} output, int length) => ForwardTeacherForced(input, targets, output, length);");

        if (decoder.Feedback == FeedbackKind.Token)
        {
            w.Line();
            w.Summary("Generates a sequence of tokens, each sampled from the softmax output with <paramref name=\"temperature\"/> (at or below 0: the most probable) among the <paramref name=\"topK\"/> most probable (0: all), fed back as the next input. Writes the probabilities to <paramref name=\"output\"/> and the chosen tokens to <paramref name=\"tokens\"/>.");
            using (w.Block($"public void Generate({ReadOnlySpan} input, {Span} output, global::System.Span<int> tokens, float temperature, int topK, global::Rnn.Gen.Initialization.SeededRandom random)"))
            {
                EmitCheck(w, "input", plan.InputLength, $"[Steps = {spec.Steps}, InputSize = {spec.InputSize}]");
                EmitCheck(w, "output", plan.OutputLength, outputShape);
                w.Line($"if (tokens.Length != {plan.OutputSteps}) global::Rnn.Gen.ModelGuard.ThrowLengthMismatch(nameof(tokens), {plan.OutputSteps}, \"[OutputSteps = {plan.OutputSteps}]\", tokens.Length);");
                w.Line("global::System.ArgumentNullException.ThrowIfNull(random);");
                w.Line("Decode(input, output, Steps, default, tokens, temperature, topK, random);");
            }
        }
    }

    /// <summary>
    /// The decoding loop shared by Predict, Generate and the free-running Forward: encoder over the input, decoder from
    /// its final states, each step's output (or chosen token) fed back.
    /// </summary>
    public static void EmitDecode(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> recurrent, List<LayerEmitter> dense)
    {
        ModelSpec spec = plan.Spec;
        List<LayerEmitter> encoder = recurrent.Where(l => !l.Layer.InDecoder).ToList();
        List<LayerEmitter> decoding = recurrent.Where(l => l.Layer.InDecoder).ToList();
        int outputSize = plan.OutputSize;
        int offset = decoder.OneToMany ? spec.InputSize : 0;
        w.Line();
        w.Summary("Runs the encoder over the valid steps, then the decoder step by step, feeding back each step's output or token: the most probable when <paramref name=\"random\"/> is null, else sampled. <paramref name=\"feedback\"/>, when not empty, receives what was fed back after each step.");
        using (w.Block($"private void Decode({ReadOnlySpan} input, {Span} output, int length, {Span} feedback, global::System.Span<int> tokens, float temperature, int topK, global::Rnn.Gen.Initialization.SeededRandom? random)"))
        {
            w.Line("PackWeights(); // from the parameters as they are now");
            w.Line($"{Span} state = _predictState;");
            w.Line($"{Span} scratch = _scratch;");
            w.Line("state.Clear();");
            if (encoder.Count > 0)
            {
                using (w.Block("for (int t = 0; t < length; t++)"))
                {
                    string x = $"input.Slice(t * {spec.InputSize}, {spec.InputSize})";
                    foreach (LayerEmitter layer in encoder)
                    {
                        layer.EmitInferenceStep(w, x, "state");
                        x = layer.InferenceOutput("state");
                    }
                }

                w.Line("// The decoder starts from the encoder's final states.");
                foreach (LayerEmitter layer in decoding)
                {
                    DirectionPlan from = layer.Layer.Partner!.Directions[0], to = layer.Layer.Directions[0];
                    foreach (string name in to.State.Keys.ToList())
                    {
                        w.Line($"{CodeWriter.Slice("state", from.State[name])}.CopyTo({CodeWriter.Slice("state", to.State[name])});");
                    }
                }
            }

            w.Line($"{Span} x = {CodeWriter.Slice("scratch", plan.DecoderStepInput)}; // {(decoder.OneToMany ? "the input, then " : string.Empty)}what the previous step fed back (zeros at the first step)");
            w.Line("x.Clear();");
            if (decoder.OneToMany)
            {
                w.Line($"input.CopyTo(x.Slice(0, {spec.InputSize}));");
            }

            w.Line($"{Span} fed = x.Slice({offset}, {outputSize});");
            using (w.Block($"for (int t = 0; t < {plan.OutputSteps}; t++)"))
            {
                string h = "x";
                foreach (LayerEmitter layer in decoding)
                {
                    layer.EmitInferenceStep(w, h, "state");
                    h = layer.InferenceOutput("state");
                }

                w.Line($"{Span} y = output.Slice(t * {outputSize}, {outputSize});");
                ModelEmitter.EmitHead(w, dense, h, "y");
                if (decoder.Feedback == FeedbackKind.Token)
                {
                    w.Line("int token = random is null || temperature <= 0f ? global::Rnn.Gen.Decoding.TokenSampler.MostProbable(y) : global::Rnn.Gen.Decoding.TokenSampler.Sample(y, temperature, topK, random);");
                    w.Line("if (!tokens.IsEmpty) tokens[t] = token;");
                    w.Line("fed.Clear();");
                    w.Line("fed[token] = 1f; // the chosen token, one-hot");
                }
                else
                {
                    w.Line("y.CopyTo(fed);");
                }

                w.Line($"if (!feedback.IsEmpty) fed.CopyTo(feedback.Slice(t * {outputSize}, {outputSize}));");
            }
        }
    }

    /// <summary>In ForwardCore, before the first decoder layer: its start states and its input sequence.</summary>
    public static void EmitDecoderStart(CodeWriter w, ModelPlan plan, DecoderSpec decoder)
    {
        ModelSpec spec = plan.Spec;
        int outputSize = plan.OutputSize;
        int width = plan.DecoderInputSize;
        w.Line();
        w.Line(decoder.OneToMany ? "// The decoder starts from zero." : "// The decoder starts from the encoder's final states (at the last valid step).");
        foreach (LayerPlan layer in plan.Layers.Where(l => l.StartsFromEncoder))
        {
            DirectionPlan to = layer.Directions[0];
            foreach ((string region, string state) in new[] { ("initialH", "h"), ("initialC", "c") })
            {
                if (!to.Cache.ContainsKey(region))
                {
                    continue;
                }

                if (layer.Partner is { } encoder)
                {
                    Region source = encoder.Directions[0].Cache[state];
                    w.Line($"{CodeWriter.SliceAt("cache", source, layer.HiddenSize, "length - 1")}.CopyTo({CodeWriter.Slice("cache", to.Cache[region])});");
                }
                else
                {
                    w.Line($"{CodeWriter.Slice("cache", to.Cache[region])}.Clear();");
                }
            }
        }

        w.Line($"// The decoder's input at step t: {(decoder.OneToMany ? "the model input, then " : string.Empty)}feedback row t - 1 (zeros at step 0).");
        w.Line($"{Span} decoderInput = {CodeWriter.Slice("cache", plan.DecoderInput)};");
        using (w.Block($"for (int t = 0; t < {plan.OutputSteps}; t++)"))
        {
            w.Line($"{Span} row = decoderInput.Slice(t * {width}, {width});");
            if (decoder.OneToMany)
            {
                w.Line($"input.CopyTo(row.Slice(0, {spec.InputSize}));");
            }

            w.Line($"{Span} fed = row.Slice({(decoder.OneToMany ? spec.InputSize : 0)}, {outputSize});");
            w.Line($"if (t == 0) fed.Clear(); else feedback.Slice((t - 1) * {outputSize}, {outputSize}).CopyTo(fed);");
        }
    }

    /// <summary>Backward of a decoder model: decoder layers, the hand-over of the start states' gradients, encoder layers.</summary>
    public static void EmitBackward(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> layers)
    {
        ModelSpec spec = plan.Spec;
        for (int i = layers.Count - 1; i >= decoder.FirstLayer; i--)
        {
            w.Line();
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
                        w.Line($"for (int t = 0; t < {plan.OutputSteps}; t++) global::Rnn.Gen.Kernels.VectorKernels.Add(dDecoderInput.Slice(t * {plan.DecoderInputSize}, {spec.InputSize}), inputGradient);");
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
                ModelEmitter.EmitLayerBackward(w, plan, layer, layers[i - 1].Layer);
            }
        }

        if (decoder.OneToMany)
        {
            return;
        }

        // Encoder layers, top to bottom: each receives the gradient of its partner's start state at its last valid step.
        for (int i = decoder.FirstLayer - 1; i >= 0; i--)
        {
            w.Line();
            LayerEmitter layer = layers[i];
            if (i == decoder.FirstLayer - 1)
            {
                w.Line($"{CodeWriter.Slice("work", layer.Layer.OutputGradient)}.Clear(); // no layer reads the encoder's top output but the decoder's start state");
            }

            if (layer.Layer.Partner is { } partner)
            {
                w.Line($"global::Rnn.Gen.Kernels.VectorKernels.Add({CodeWriter.Slice("work", partner.Directions[0].Work["dh"])}, {CodeWriter.SliceAt("work", layer.Layer.OutputGradient, layer.Layer.HiddenSize, "length - 1")}); // from the decoder's start state");
            }

            ModelEmitter.EmitLayerBackward(w, plan, layer, i == 0 ? null : layers[i - 1].Layer);
        }
    }

    private static void EmitCheck(CodeWriter w, string name, long expected, string shape) => ModelEmitter.EmitLengthCheck(w, name, expected, shape);
}
