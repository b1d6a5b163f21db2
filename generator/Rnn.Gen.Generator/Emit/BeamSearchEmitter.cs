using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Rnn.Gen.Generator.Emit.Streams;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// Beam search of token decoders (<c>ReserveBeam</c>, <c>BeamSearch</c>): the runtime's <see cref="BeamSearch"/> keeps
/// the beams and chooses them; this code steps the decoder for every live beam in lockstep. Each beam has a block
/// (<c>BeamLayout</c>, the layout of the many streams' blocks: <see cref="StreamsBlock"/>): its recurrent state, its
/// attention weights (the record that goes with the state from step to step), temporaries, and its rows between
/// layers. At each step the decoder's layers run in turn over all the live beams: a recurrent layer multiplies every
/// beam's rows by its packed weights in one product (its <see cref="LayerEmitter.EmitStreamsStep"/>), the Dense head
/// reads its weight once for all the beams (<see cref="LayerEmitter.EmitBeamHeadRows"/>), and the other layers
/// (Embedding, attention) run their one-position step beam by beam. Every row is computed as greedy decoding computes
/// it, bit for bit, so width 1 is greedy decoding and a beam's probabilities do not depend on the other beams.
/// </summary>
internal static class BeamSearchEmitter
{
    /// <summary>The generated class of a beam's block offsets.</summary>
    public const string Layout = "BeamLayout";

    /// <summary>The <c>_beam</c> field: blocks of <c>BeamLayout.Block</c> floats, the attention weights as each beam's record.</summary>
    public static string Field(ModelPlan plan)
    {
        string record = plan.AttentionWeights is { } weights ? $"{Layout}.Record, {Literal(weights.Length)}" : $"{Literal(plan.StateSize)}, 0";
        return $"private readonly {BeamSearch} _beam = new({Literal(plan.StateSize)}, OutputSteps, OutputSize, {Layout}.Block, {record}); // BeamSearch: each beam's block ({Layout}) and tokens (ReserveBeam allocates them)";
    }

    public static void Emit(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> layers)
    {
        if (decoder.Feedback != FeedbackKind.Token)
        {
            return;
        }

        ModelSpec spec = plan.Spec;
        w.Line();
        w.Summary("Reserves the buffers of beam searches up to <paramref name=\"beamWidth\"/> beams wide, so that BeamSearch allocates nothing (it reserves a larger width on first use otherwise).");
        using (w.Block("public void ReserveBeam(int beamWidth)"))
        {
            using (CallGuardCode.Hold(w))
            {
                w.Line("_beam.Reserve(beamWidth);");
            }
        }

        var block = new StreamsBlock(plan, Layout, plan.AttentionWeights?.Length ?? 0, unit: "beam", first: "0");
        var step = new CodeWriter();
        EmitStep(step, plan, decoder, layers, block);
        EmitLayout(w, plan, block);

        string attention = plan.AttentionWeights is null ? string.Empty : " AttentionWeights then holds the returned hypothesis's weights (rows after its length zero).";
        w.Line();
        w.Summary("Beam-search decoding of one sample whose steps are all valid: <see cref=\"BeamSearch(global::System.ReadOnlySpan{float}, global::System.Span{int}, int, float, int)\"/> with <c>length = Steps</c>.");
        w.Line($"public int BeamSearch({ReadOnlySpan} input, {IntSpan} tokens, int beamWidth, float lengthPenalty = 0f) => BeamSearch(input, tokens, beamWidth, lengthPenalty, Steps);");
        w.Line();
        w.Summary($"Beam-search decoding of one sample whose first <paramref name=\"length\"/> steps are valid: the best of <paramref name=\"beamWidth\"/> hypotheses by log-probability over GNMT's length penalty ((5 + |Y|) / 6)^<paramref name=\"lengthPenalty\"/> (0: log-probability alone). Writes its tokens to <paramref name=\"tokens\"/> ([OutputSteps = {plan.OutputSteps}]{(decoder.EndToken is null ? string.Empty : ", -1 after the end token")}) and returns its length. Deterministic; the live beams step together, each weight read once per step for all of them, and each beam's probabilities are what greedy decoding computes from its tokens, so width 1 is greedy decoding (Predict, Generate at temperature 0), bit for bit.{attention}");
        using (w.Block($"public int BeamSearch({ReadOnlySpan} input, {IntSpan} tokens, int beamWidth, float lengthPenalty, int length)"))
        {
            LayerWiring.EmitLengthCheck(w, "input", plan.InputLength, $"[Steps = {spec.Steps}, InputSize = {spec.InputSize}]");
            LayerWiring.EmitLengthCheck(w, "tokens", plan.OutputSteps, $"[OutputSteps = {plan.OutputSteps}]");
            LayerWiring.EmitStepCountCheck(w, spec.Steps, plan.MinLength);
            TokenInputEmitter.EmitCheck(w, plan, "input", "length");
            using (CallGuardCode.Hold(w))
            {
                w.Lines(step);
            }
        }
    }

    private static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void EmitLayout(CodeWriter w, ModelPlan plan, StreamsBlock block)
    {
        w.Line();
        w.Summary("Offsets, in floats, in the block each live beam of a beam search keeps (the runtime's BeamSearch.Blocks).");
        using (w.Block($"private static class {Layout}"))
        {
            w.Line($"public const int Block = {Literal(block.Size)}; // floats per beam, a multiple of 16 (a cache line)");
            w.Line($"public const int State = 0; // [{Literal(block.StateSize)}] the beam's state, laid out as _state (the layers' State* offsets): a new beam starts from a copy of its parent's");
            if (plan.AttentionWeights is { } weights)
            {
                w.Line($"public const int Record = {Literal(block.StateSize)}; // [{Literal(weights.Length)}] the beam's attention weights, laid out as AttentionWeights: rows 0 to t of its steps, copied with its state");
            }

            w.Line($"public const int Scratch = {Literal(block.ScratchOffset)}; // [{Literal(block.ScratchSize)}] the temporaries of the layers that step every beam at once, laid out as _scratch (the layers' Scratch* offsets)");
            foreach ((string name, long offset, long size) in block.Rows)
            {
                w.Line($"public const int {name} = {Literal(offset)}; // [{Literal(size)}] the beam's input at this step");
            }

            foreach ((int layer, long offset, long size) in block.Outputs)
            {
                w.Line($"public const int Output{layer} = {Literal(offset)}; // [{Literal(size)}] layer {layer}'s output, computed beam by beam");
            }
        }
    }

    /// <summary>The body of BeamSearch: the encoder, then the decoder's steps over the live beams, then the result.</summary>
    private static void EmitStep(CodeWriter w, ModelPlan plan, DecoderSpec decoder, List<LayerEmitter> layers, StreamsBlock block)
    {
        ModelSpec spec = plan.Spec;
        List<LayerEmitter> encoder = layers.Take(decoder.FirstLayer).ToList();
        List<LayerEmitter> decoding = layers.Skip(decoder.FirstLayer).ToList();
        int last = decoding.FindLastIndex(l => l.Layer.Spec.ActsAtInference);
        string outputSize = Literal(plan.OutputSize);
        string stateSize = Literal(block.StateSize);
        string beamState = $"state = blocks.Slice(beam * {block.Stride}, {stateSize}); // the beam's state, stepped in place";

        DecoderEmitter.EmitEncoderPass(w, plan, encoder, decoding);
        w.Line($"_beam.Start(beamWidth, lengthPenalty, {(decoder.EndToken is null ? "-1" : "EndToken")}, state); // one beam, from the decoder's start states");
        using (w.Block($"for (int t = 0; t < {plan.OutputSteps}; t++)"))
        {
            w.Line("int count = _beam.Active;");
            w.Line($"{Span} blocks = _beam.Blocks; // the live beams' blocks, [count, {block.Stride}]");
            w.Line($"{Span} range = blocks; // where the rows kernels start");
            w.Line($"{Span} probabilities = _beam.ProbabilityRows; // [count, {outputSize}]: each beam's output at this step");

            StreamRows input = block.AddRow("Input", plan.DecoderStepInput.Length);
            w.Line(decoder.EmbedsTokens ? "// Each beam's input: the start token, then the beam's last token." : "// Each beam's input: its last token, one-hot (zeros at the first step).");
            using (w.Block("for (int beam = 0; beam < count; beam++)"))
            {
                w.Line($"{Span} x = {input.Row("beam")};");
                if (decoder.EmbedsTokens)
                {
                    w.Line($"x[0] = t == 0 ? {decoder.StartToken} : _beam.LastToken(beam);");
                }
                else
                {
                    w.Line("x.Clear();");
                    if (decoder.OneToMany)
                    {
                        w.Line($"input.CopyTo(x.Slice(0, {spec.InputSize}));");
                    }

                    w.Line($"if (t > 0) x[{(decoder.OneToMany ? $"{spec.InputSize} + " : string.Empty)}_beam.LastToken(beam)] = 1f;");
                }
            }

            bool headDone = false;
            for (int i = 0; i < decoding.Count; i++)
            {
                LayerEmitter layer = decoding[i];
                if (!layer.Layer.Spec.ActsAtInference)
                {
                    continue; // noise: its input passes through at inference
                }

                var lockstep = new CodeWriter();
                if (i == last && layer.EmitBeamHeadRows(lockstep, input, "probabilities"))
                {
                    StreamsEmitter.EmitRowsStep(w, plan, lockstep);
                    headDone = true;
                    continue;
                }

                if (i != last && !spec.Int8Weights && layer.EmitStreamsStep(lockstep, input, block) is { } rows)
                {
                    // int8 models' Step multiplies int8 weights; the rows kernels multiply the float ones.
                    StreamsEmitter.EmitRowsStep(w, plan, lockstep);
                    input = rows;
                    continue;
                }

                StreamRows? output = i == last ? null : block.AddOutput(layer.Layer.Index, layer.Layer.OutputSize);
                string destination = output?.Row("beam") ?? $"probabilities.Slice({CodeWriter.Times("beam", plan.OutputSize)}, {outputSize})";
                w.Line($"// {layer.Description}: beam by beam, its one-position step on the beam's state{(i == last ? ", into the beam's probabilities" : string.Empty)}.");
                using (w.Block("for (int beam = 0; beam < count; beam++)"))
                {
                    var one = new CodeWriter();
                    string result = layer.EmitInferenceStep(one, input.Row("beam"), "state", destination);
                    if (Regex.IsMatch(one.ToString(), @"\bstate\b"))
                    {
                        w.Line(beamState);
                    }

                    w.Lines(one);
                    if (result != destination)
                    {
                        w.Line($"{result}.CopyTo({destination});");
                    }

                    if (layer.Layer.AttentionWeightsRegion is { } weights)
                    {
                        long s = weights.Length / plan.OutputSteps;
                        w.Line($"{CodeWriter.SliceAt("scratch", weights, s, "t")}.CopyTo(blocks.Slice(beam * {block.Stride} + {Layout}.Record + {CodeWriter.Times("t", s)}, {Literal(s)})); // this step's weights, into the beam's record");
                    }
                }

                input = output ?? input;
                headDone = i == last;
            }

            if (!headDone)
            {
                using (w.Block("for (int beam = 0; beam < count; beam++)"))
                {
                    w.Line($"{input.Row("beam")}.CopyTo(probabilities.Slice({CodeWriter.Times("beam", plan.OutputSize)}, {outputSize}));");
                }
            }

            w.Line($"for (int beam = 0; beam < count; beam++) _beam.Expand(beam, probabilities.Slice({CodeWriter.Times("beam", plan.OutputSize)}, {outputSize}));");
            w.Line("if (!_beam.Advance()) break;");
        }

        if (plan.AttentionWeights is { } attention)
        {
            long s = attention.Length / plan.OutputSteps;
            w.Line("int decoded = _beam.Result(tokens);");
            w.Line($"{Span} weights = {CodeWriter.Slice("scratch", attention)}; // the model's AttentionWeights: the returned hypothesis's, as its beam carried them");
            w.Line("_beam.BestRecord.CopyTo(weights);");
            w.Line($"weights.Slice({CodeWriter.Times("decoded", s)}).Clear(); // no rows after its end");
            w.Line("return decoded;");
        }
        else
        {
            w.Line("return _beam.Result(tokens);");
        }
    }
}
