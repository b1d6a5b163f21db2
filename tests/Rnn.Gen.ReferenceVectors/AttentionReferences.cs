using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Rnn.Gen.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>The attention scores of <c>[Attention(AttentionScore.X)]</c> (Luong, Pham and Manning 2015).</summary>
internal enum AttentionScoreKind
{
    Dot,
    General,
    Additive,
}

/// <summary>
/// An encoder–decoder reference case with a global attention layer between the decoder's top recurrent layer and its
/// Dense head. The encoder reads float vectors (<paramref name="InputSize"/> per step) or token ids through
/// <c>Embedding(EncoderVocabulary, EncoderEmbedding)</c>; its recurrent layers (<paramref name="Kind"/>,
/// <paramref name="EncoderHidden"/>, one bidirectional layer at most) are mirrored by the decoder's, whose hidden size is
/// twice the encoder's for a bidirectional Concat encoder. The decoder reads one-hot rows (or, with
/// <paramref name="DecoderEmbedding"/>, ids through an Embedding of the head's tokens from <paramref name="StartToken"/>),
/// or its own outputs when the head is not a Softmax. <paramref name="Length"/>: the encoder's input is padded past
/// this many valid steps. <paramref name="EndToken"/>: the decoder's end token; the teacher-forced targets hold it at
/// <paramref name="EndAt"/> (the steps after it are masked).
/// </summary>
internal sealed record AttentionCase(
    string Name,
    int Steps,
    int InputSize,
    int? EncoderVocabulary,
    int EncoderEmbedding,
    LayerKind Kind,
    int[] EncoderHidden,
    bool Bidirectional,
    MergeMode Merge,
    int OutputSteps,
    int? DecoderEmbedding,
    AttentionScoreKind Score,
    int? Units,
    int Vocabulary,
    Activation HeadActivation,
    int StartToken = 0,
    int? EndToken = null,
    int EndAt = 0,
    int? Length = null,
    bool FreeRunningGradients = false)
{
    public bool TokenEncoder => EncoderVocabulary is not null;

    public bool Tokens => HeadActivation == Activation.Softmax;

    /// <summary>Features per encoder step at the memory: He.</summary>
    public int MemorySize => Bidirectional && Merge == MergeMode.Concat ? 2 * EncoderHidden[^1] : EncoderHidden[^1];

    /// <summary>The decoder's recurrent layers' hidden sizes: each starts from its encoder partner's final state.</summary>
    public int[] DecoderHidden => EncoderHidden.Select(h => Bidirectional && Merge == MergeMode.Concat ? 2 * h : h).ToArray();

    public int QuerySize => DecoderHidden[^1];

    public int AdditiveUnits => Units ?? QuerySize;

    /// <summary>The model's input width per step (1: an id).</summary>
    public int ModelInputSize => TokenEncoder ? 1 : InputSize;

    /// <summary>Layer indices in the state_dict numbering (the Decoder marker is not a layer).</summary>
    public int EncoderEmbeddingIndex => 0;

    public int FirstEncoderLayer => TokenEncoder ? 1 : 0;

    public int DecoderEmbeddingIndex => FirstEncoderLayer + EncoderHidden.Length;

    public int FirstDecoderLayer => DecoderEmbeddingIndex + (DecoderEmbedding is null ? 0 : 1);

    public int AttentionIndex => FirstDecoderLayer + EncoderHidden.Length;

    public int HeadIndex => AttentionIndex + 1;

    public void Validate()
    {
        if (Bidirectional && EncoderHidden.Length != 1)
        {
            throw new InvalidOperationException($"{Name}: a bidirectional encoder here has one layer.");
        }

        if (Kind is not (LayerKind.Lstm or LayerKind.Gru))
        {
            throw new InvalidOperationException($"{Name}: LSTM or GRU.");
        }

        if (Score == AttentionScoreKind.Dot && QuerySize != MemorySize)
        {
            throw new InvalidOperationException($"{Name}: the Dot score needs Hd == He.");
        }

        if ((DecoderEmbedding is not null || EndToken is not null) && !Tokens)
        {
            throw new InvalidOperationException($"{Name}: a decoder Embedding and an end token need a Softmax head.");
        }

        if (Length is int length && (length < 1 || length >= Steps))
        {
            throw new InvalidOperationException($"{Name}: a padded encoder input needs 1 <= length < steps.");
        }

        if (EndToken is not null && (EndAt < 0 || EndAt >= OutputSteps - 1))
        {
            throw new InvalidOperationException($"{Name}: the targets' end token must leave masked steps after it.");
        }
    }

    private static string Recurrent(LayerKind kind, int hidden, params string[] arguments) =>
        $"[{kind}({string.Join(", ", new[] { hidden.ToString(CultureInfo.InvariantCulture) }.Concat(arguments))})]";

    /// <summary>The model declaration the generator compiles for this case.</summary>
    public string Declaration()
    {
        var lines = new List<string> { $"[RnnModel(inputSize: {ModelInputSize}, steps: {Steps})]" };
        if (EncoderVocabulary is int v)
        {
            lines.Add($"[Embedding({v}, {EncoderEmbedding})]");
        }

        for (int i = 0; i < EncoderHidden.Length; i++)
        {
            var arguments = new List<string>();
            if (i < EncoderHidden.Length - 1)
            {
                arguments.Add("ReturnSequences = true");
            }

            if (Bidirectional)
            {
                arguments.Add("Bidirectional = true");
                if (Merge != MergeMode.Concat)
                {
                    arguments.Add($"MergeMode = MergeMode.{Merge}");
                }
            }

            lines.Add(Recurrent(Kind, EncoderHidden[i], arguments.ToArray()));
        }

        var decoder = new List<string> { OutputSteps.ToString(CultureInfo.InvariantCulture) };
        if (DecoderEmbedding is not null && StartToken != 0)
        {
            decoder.Add($"StartToken = {StartToken}");
        }

        if (EndToken is int end)
        {
            decoder.Add($"EndToken = {end}");
        }

        lines.Add($"[Decoder({string.Join(", ", decoder)})]");
        if (DecoderEmbedding is int d)
        {
            lines.Add($"[Embedding({Vocabulary}, {d})]");
        }

        foreach (int hidden in DecoderHidden)
        {
            lines.Add(Recurrent(Kind, hidden));
        }

        lines.Add(Score == AttentionScoreKind.Additive && Units is int units
            ? $"[Attention(AttentionScore.Additive, Units = {units})]"
            : $"[Attention(AttentionScore.{Score})]");
        lines.Add(HeadActivation == Activation.Identity ? $"[Dense({Vocabulary})]" : $"[Dense({Vocabulary}, Activation = Activation.{HeadActivation})]");
        lines.Add($"internal partial class {Name};");
        return string.Join("\n", lines) + "\n";
    }
}

/// <summary>
/// Writes <c>Attention/{case}.safetensors</c> (float64) and <c>AttentionReferenceModels.cs</c>: encoder–decoder models
/// with a global attention layer, computed from the formulas of the attention contract with plain libtorch modules and
/// operations (<c>nn.Embedding</c>, single-layer <c>nn.LSTM</c>/<c>nn.GRU</c> with <c>batch_first=True</c>,
/// bias-free <c>nn.Linear</c> for the attention's matrices, <c>matmul</c>, <c>softmax</c>, <c>tanh</c>).
/// </summary>
/// <remarks>
/// At decoder step t, with the memory h_s (the encoder's top output at its valid steps s &lt; length) and the query h_t
/// (the decoder's top recurrent output): Dot score h_t·h_s; General h_t·(W_a h_s); Additive v·tanh(W_q h_t + W_k h_s);
/// a(t,·) = softmax over the valid steps; c_t = Σ a(t,s) h_s; h~_t = tanh(W_c [c_t; h_t]); the head reads h~_t.
/// A bidirectional encoder starts the decoder from [fwd; bwd] of h_n (and c_n) for Concat, fwd + bwd for Sum.
/// </remarks>
internal static class AttentionReferences
{
    public const string Folder = "Attention";

    public const string ModelsFile = "AttentionReferenceModels.cs";

    private const double MinimumMargin = 1e-3;

    private static AttentionCase Case(string name, int steps, int inputSize, int? encoderVocabulary, int encoderEmbedding,
        LayerKind kind, int[] hidden, int outputSteps, int? decoderEmbedding, AttentionScoreKind score, int vocabulary,
        Activation head = Activation.Softmax, bool bidirectional = false, MergeMode merge = MergeMode.Concat, int? units = null,
        int startToken = 0, int? endToken = null, int endAt = 0, int? length = null, bool free = false) =>
        new(name, steps, inputSize, encoderVocabulary, encoderEmbedding, kind, hidden, bidirectional, merge, outputSteps,
            decoderEmbedding, score, units, vocabulary, head, startToken, endToken, endAt, length, free);

    public static IReadOnlyList<AttentionCase> All { get; } = new[]
    {
        // The three scores over a float encoder, LSTM and GRU, one-hot token feedback.
        Case("AttnDotLstm", 6, 3, null, 0, LayerKind.Lstm, new[] { 6 }, 4, null, AttentionScoreKind.Dot, 5, free: true),
        Case("AttnGeneralGru", 5, 2, null, 0, LayerKind.Gru, new[] { 7 }, 5, null, AttentionScoreKind.General, 4),
        Case("AttnAdditiveLstm_V5", 6, 3, null, 0, LayerKind.Lstm, new[] { 5 }, 4, null, AttentionScoreKind.Additive, 5, units: 4),
        Case("AttnAdditiveGruDefaultUnits", 4, 2, null, 0, LayerKind.Gru, new[] { 6 }, 4, null, AttentionScoreKind.Additive, 5),

        // Token encoders and decoders (Embedding on both sides, a start token), a bidirectional encoder, both merges.
        Case("AttnTokBiLstmConcatGeneral", 7, 1, 11, 4, LayerKind.Lstm, new[] { 3 }, 5, 3, AttentionScoreKind.General, 7,
            bidirectional: true, startToken: 2, free: true),
        Case("AttnTokBiGruSumAdditive", 6, 1, 9, 3, LayerKind.Gru, new[] { 5 }, 4, 4, AttentionScoreKind.Additive, 6,
            bidirectional: true, merge: MergeMode.Sum, units: 3, startToken: 1),
        Case("AttnBiLstmSumDot", 5, 3, null, 0, LayerKind.Lstm, new[] { 4 }, 4, null, AttentionScoreKind.Dot, 5,
            bidirectional: true, merge: MergeMode.Sum),

        // Padded encoder inputs: the padded steps get weight 0 and no gradient; a bidirectional one starts at the length.
        Case("AttnDotLstmLen4", 7, 3, null, 0, LayerKind.Lstm, new[] { 5 }, 4, null, AttentionScoreKind.Dot, 4, length: 4),
        Case("AttnTokBiGruConcatGeneralLen3", 6, 1, 8, 3, LayerKind.Gru, new[] { 3 }, 4, 3, AttentionScoreKind.General, 5,
            bidirectional: true, startToken: 4, length: 3),

        // Two stacked layers (the memory is the top layer's output), and output feedback on a Tanh head.
        Case("AttnStackedGruGeneral", 5, 2, null, 0, LayerKind.Gru, new[] { 4, 6 }, 4, null, AttentionScoreKind.General, 5),
        Case("AttnLstmOutputFeedback", 5, 3, null, 0, LayerKind.Lstm, new[] { 5 }, 4, null, AttentionScoreKind.General, 2,
            head: Activation.Tanh),

        // End token: teacher forcing masks the steps after the target's end, greedy decoding stops at it.
        // The end tokens are what greedy decoding chooses at its third and second steps (the names seed the draws).
        Case("AttnTokLstmGeneralEnd_V8H4D3", 6, 1, 10, 4, LayerKind.Lstm, new[] { 4 }, 6, 3, AttentionScoreKind.General, 8,
            endToken: 3, endAt: 2, free: true),
        Case("AttnGruDotEnd_V7H5", 5, 2, null, 0, LayerKind.Gru, new[] { 5 }, 6, null, AttentionScoreKind.Dot, 7,
            endToken: 1, endAt: 3),
    };

    public static void Write(string referenceFolder)
    {
        torch.set_default_dtype(ScalarType.Float64);
        string folder = Path.Combine(referenceFolder, Folder);
        Directory.CreateDirectory(folder);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (AttentionCase spec in All)
        {
            spec.Validate();
            if (!names.Add(spec.Name))
            {
                throw new InvalidOperationException($"Two attention cases are named {spec.Name}.");
            }
        }

        foreach (string stale in Directory.GetFiles(folder, "*.safetensors"))
        {
            File.Delete(stale);
        }

        long total = 0;
        var failures = new List<string>();
        foreach (AttentionCase spec in All)
        {
            string path = Path.Combine(folder, spec.Name + ".safetensors");
            string summary;
            try
            {
                summary = WriteCase(spec, path);
            }
            catch (InvalidOperationException e)
            {
                failures.Add(e.Message); // the other cases still run, so that one run lists every case to fix
                Console.WriteLine(e.Message);
                continue;
            }

            long size = new FileInfo(path).Length;
            total += size;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{spec.Name,-34} {size,8:N0} B  {summary}"));
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"{failures.Count} attention cases failed their checks:\n" + string.Join("\n", failures));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{All.Count} attention cases, {total:N0} bytes"));
        File.WriteAllText(Path.Combine(referenceFolder, ModelsFile), ModelsSource(), new UTF8Encoding(false));
        Console.WriteLine($"Wrote {ModelsFile}.");
    }

    private static string WriteCase(AttentionCase spec, string path)
    {
        long seed = Program.Seed(spec.Name);
        torch.manual_seed(seed);
        using DisposeScope scope = torch.NewDisposeScope();
        var model = new AttentionTorchModel(spec);
        model.InitializeParameters();

        int n = spec.OutputSteps, v = spec.Vocabulary, s = spec.Steps;
        int length = spec.Length ?? s;
        var random = new Random((int)seed);
        Tensor input = spec.TokenEncoder
            ? torch.tensor(Enumerable.Range(0, s).Select(_ => (double)random.Next(spec.EncoderVocabulary!.Value)).ToArray(), new long[] { s, 1 }, ScalarType.Float64)
            : (torch.rand(new long[] { s, spec.InputSize }, ScalarType.Float64) * 2 - 1).detach().requires_grad_(true);
        Tensor targets;
        if (spec.Tokens)
        {
            long[] ids = Enumerable.Range(0, n).Select(_ => (long)random.Next(v)).ToArray();
            if (spec.EndToken is int end)
            {
                for (int t = 0; t < spec.EndAt; t++)
                {
                    ids[t] = ids[t] == end ? (end + 1) % v : ids[t];
                }

                ids[spec.EndAt] = end; // the steps after it are masked; their targets (random, the end token too) must not matter
            }

            targets = nn.functional.one_hot(torch.tensor(ids, ScalarType.Int64), v).to(ScalarType.Float64);
        }
        else
        {
            targets = torch.rand(new long[] { n, v }, ScalarType.Float64) * 2 - 1;
        }

        Tensor doutput = torch.rand(new long[] { n, v }, ScalarType.Float64) * 2 - 1;

        // Teacher-forced: output, attention weights, gradients.
        (Tensor output, Tensor attention) = model.TeacherForced(input, targets, length);
        (output * doutput).sum().backward();
        var entries = new List<SafeTensorsEntry>
        {
            Program.Entry("input", input),
            Program.Entry("targets", targets),
            Program.Entry("output", output),
            Program.Entry("attention", attention),
            Program.Entry("doutput", doutput),
        };
        if (!spec.TokenEncoder)
        {
            entries.Add(Program.Entry("grad/input", Gradient(input)));
            CheckPadding(spec, "grad/input", Gradient(input), length);
        }

        var parameters = model.NamedParameters().ToList();
        double maxGradient = 0;
        foreach ((string name, Parameter parameter) in parameters)
        {
            entries.Add(Program.Entry("param/" + name, parameter));
            Tensor grad = Gradient(parameter);
            maxGradient = Math.Max(maxGradient, grad.abs().max().item<double>());
            entries.Add(Program.Entry("grad/" + name, grad));
        }

        CheckAttention(spec, "attention", attention, length, Decoded(spec, targets));
        ZeroGradients(spec, input, parameters);

        // Greedy decoding, one step at a time, and the gradients of the free-running pass over its own feedback.
        (Tensor greedy, Tensor greedyAttention, Tensor feedback, double margin, int decoded) = model.Greedy(input, length);
        (greedy * doutput).sum().backward();
        entries.Add(Program.Entry("greedy/output", greedy));
        entries.Add(Program.Entry("greedy/attention", greedyAttention));
        entries.Add(Program.Entry("greedy/feedback", feedback));
        if (spec.FreeRunningGradients)
        {
            if (!spec.TokenEncoder)
            {
                entries.Add(Program.Entry("greedy/grad/input", Gradient(input)));
            }

            foreach ((string name, Parameter parameter) in parameters)
            {
                entries.Add(Program.Entry("greedy/grad/" + name, Gradient(parameter)));
            }
        }

        if (!spec.TokenEncoder)
        {
            CheckPadding(spec, "greedy/grad/input", Gradient(input), length);
        }

        CheckAttention(spec, "greedy/attention", greedyAttention, length, decoded);
        if (spec.Tokens && !(margin >= MinimumMargin))
        {
            throw new InvalidOperationException($"{spec.Name}: a greedy step's two most probable tokens are {margin:G3} apart; float rounding could choose either.");
        }

        // The step-by-step loop and the whole-sequence teacher-forced run agree when the targets are what greedy fed back.
        using (torch.no_grad())
        {
            (Tensor forced, Tensor forcedAttention) = model.TeacherForced(input, feedback, length);
            double difference = Math.Max((forced - greedy).abs().max().item<double>(), (forcedAttention - greedyAttention).abs().max().item<double>());
            if (!(difference < 1e-12))
            {
                throw new InvalidOperationException($"{spec.Name}: teacher forcing on the greedy feedback differs from greedy decoding by {difference:G3}.");
            }
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["case"] = spec.Name,
            ["declaration"] = spec.Declaration(),
            ["steps"] = s.ToString(CultureInfo.InvariantCulture),
            ["length"] = length.ToString(CultureInfo.InvariantCulture),
            ["output_steps"] = n.ToString(CultureInfo.InvariantCulture),
            ["output_size"] = v.ToString(CultureInfo.InvariantCulture),
            ["encoder"] = spec.TokenEncoder ? "tokens (input holds the ids as floats)" : "floats",
            ["feedback"] = spec.Tokens ? "Token" : "Output",
            ["score"] = spec.Score.ToString(),
            ["memory_size"] = spec.MemorySize.ToString(CultureInfo.InvariantCulture),
            ["greedy_steps"] = decoded.ToString(CultureInfo.InvariantCulture),
            ["loss"] = "sum(output * doutput); grad/* are its gradients (teacher-forced), greedy/grad/* those of the greedy run with its feedback detached",
            ["attention"] = "attention weights [output_steps, steps]: a(t, s), zero past the valid encoder steps and on the rows after the end token",
            ["init"] = "Embedding tables U(-1, 1); other parameters U(-a, a), a = min(0.5, 2/sqrt(fan_in)) (hidden size, or in_features); float input and doutput U(-1, 1); targets one-hot rows of uniform tokens or U(-1, 1)",
            ["dtype"] = "float64",
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["libtorch"] = torch.__version__,
            ["writer"] = "tests/Rnn.Gen.ReferenceVectors",
        };
        if (spec.Tokens)
        {
            metadata["greedy_min_margin"] = margin.ToString("R", CultureInfo.InvariantCulture);
        }

        if (spec.EndToken is int endToken)
        {
            metadata["end_token"] = endToken.ToString(CultureInfo.InvariantCulture);
            metadata["teacher_forced_steps"] = Decoded(spec, targets).ToString(CultureInfo.InvariantCulture);
        }

        SafeTensorsFile.Write(path, entries, metadata);
        string marginText = spec.Tokens ? string.Create(CultureInfo.InvariantCulture, $" margin {margin:G3}") : "";
        string tokens = spec.Tokens ? " tokens " + string.Join(",", Enumerable.Range(0, decoded).Select(t => feedback[t].argmax().item<long>())) : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"|out|max {output.abs().max().item<double>(),7:G3} |grad|max {maxGradient,7:G3}{marginText} greedy {decoded}/{n}{tokens}");
    }

    /// <summary>The steps teacher forcing keeps: through the targets' first end token, or all of them.</summary>
    internal static int Decoded(AttentionCase spec, Tensor targets)
    {
        if (spec.EndToken is not int end)
        {
            return spec.OutputSteps;
        }

        for (int t = 0; t < spec.OutputSteps; t++)
        {
            if (targets[t, end].item<double>() == 1.0)
            {
                return t + 1;
            }
        }

        return spec.OutputSteps;
    }

    private static Tensor Gradient(Tensor tensor) => tensor.grad ?? throw new InvalidOperationException("A tensor has no gradient.");

    private static void ZeroGradients(AttentionCase spec, Tensor input, List<(string Name, Parameter Parameter)> parameters)
    {
        if (!spec.TokenEncoder)
        {
            input.grad!.zero_();
        }

        foreach ((string _, Parameter parameter) in parameters)
        {
            parameter.grad!.zero_();
        }
    }

    private static void CheckPadding(AttentionCase spec, string what, Tensor inputGradient, int length)
    {
        if (length < spec.Steps && inputGradient.narrow(0, length, spec.Steps - length).abs().max().item<double>() != 0)
        {
            throw new InvalidOperationException($"{spec.Name}: {what} is not zero past the valid steps.");
        }
    }

    /// <summary>Rows sum to 1 over the valid steps through the decoded steps, every other weight exactly 0.</summary>
    private static void CheckAttention(AttentionCase spec, string what, Tensor weights, int length, int decoded)
    {
        using var _ = torch.no_grad();
        Tensor kept = weights.narrow(0, 0, decoded);
        double sums = (kept.narrow(1, 0, length).sum(1) - 1).abs().max().item<double>();
        double past = length < spec.Steps ? kept.narrow(1, length, spec.Steps - length).abs().max().item<double>() : 0;
        double after = decoded < spec.OutputSteps ? weights.narrow(0, decoded, spec.OutputSteps - decoded).abs().max().item<double>() : 0;
        if (!(sums < 1e-12) || past != 0 || after != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{spec.Name}: {what}: rows off 1 by {sums:G3}, past the length {past:G3}, after the end {after:G3}."));
        }
    }

    private static string ModelsSource()
    {
        var text = new StringBuilder();
        text.Append("""
            // <auto-generated>
            // Written by tests/Rnn.Gen.ReferenceVectors; do not edit. To regenerate, see tests/Rnn.Gen.Tests/Reference/README.md.
            // One model per attention reference case in Attention/; the source generator implements each of them.
            // </auto-generated>
            #nullable enable

            using System;
            using System.Collections.Generic;

            namespace Rnn.Gen.Tests.Reference;


            """);
        foreach (AttentionCase spec in All)
        {
            text.Append(spec.Declaration()).Append('\n');
        }

        text.Append("""
            /// <summary>The attention reference cases by name (the file names in Attention/ without extension).</summary>
            internal static class AttentionReferenceModels
            {
                /// <summary>Every case, in the order the reference program lists them.</summary>
                public static IReadOnlyList<string> CaseNames { get; } = new[]
                {

            """);
        foreach (AttentionCase spec in All)
        {
            text.Append("        \"").Append(spec.Name).Append("\",\n");
        }

        text.Append("""
                };

                /// <summary>A new, uninitialized model of the case named <paramref name="caseName"/>.</summary>
                public static global::Rnn.Gen.IRnnModel Create(string caseName) => caseName switch
                {

            """);
        foreach (AttentionCase spec in All)
        {
            text.Append("        \"").Append(spec.Name).Append("\" => new ").Append(spec.Name).Append("(),\n");
        }

        text.Append("""
                    _ => throw new ArgumentException($"No attention reference case is named '{caseName}'.", nameof(caseName)),
                };

                /// <summary>The model's attention weights of its last sample, [OutputSteps, Steps].</summary>
                public static ReadOnlySpan<float> AttentionWeights(global::Rnn.Gen.IRnnModel model) => model switch
                {

            """);
        foreach (AttentionCase spec in All)
        {
            text.Append("        ").Append(spec.Name).Append(" m => m.AttentionWeights,\n");
        }

        text.Append("""
                    _ => throw new ArgumentException($"{model.GetType().Name} is not an attention reference model.", nameof(model)),
                };

                /// <summary>The model's <c>BeamSearch(input, tokens, 1, 0, length)</c> (token models only); false for a model that feeds back outputs.</summary>
                public static bool TryBeamSearch(global::Rnn.Gen.IRnnModel model, ReadOnlySpan<float> input, Span<int> tokens, int length, out int steps)
                {
                    switch (model)
                    {

            """);
        foreach (AttentionCase spec in All.Where(s => s.Tokens))
        {
            text.Append("            case ").Append(spec.Name).Append(" m: steps = m.BeamSearch(input, tokens, 1, 0f, length); return true;\n");
        }

        text.Append("""
                        default: steps = 0; return false;
                    }
                }
            }

            """);
        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}

/// <summary>The libtorch computation of an <see cref="AttentionCase"/>.</summary>
internal sealed class AttentionTorchModel
{
    private readonly AttentionCase _spec;
    private readonly Embedding? _encoderEmbedding;
    private readonly nn.Module[] _encoder;
    private readonly Embedding? _decoderEmbedding;
    private readonly nn.Module[] _decoder;
    private readonly Linear? _linearIn;
    private readonly Linear? _linearQuery;
    private readonly Linear? _linearKey;
    private readonly Linear? _v;
    private readonly Linear _linearOut;
    private readonly Linear _head;

    public AttentionTorchModel(AttentionCase spec)
    {
        _spec = spec;
        const ScalarType f64 = ScalarType.Float64;
        if (spec.EncoderVocabulary is int vocabulary)
        {
            _encoderEmbedding = nn.Embedding(vocabulary, spec.EncoderEmbedding, dtype: f64);
        }

        _encoder = new nn.Module[spec.EncoderHidden.Length];
        long features = spec.TokenEncoder ? spec.EncoderEmbedding : spec.InputSize;
        for (int i = 0; i < _encoder.Length; i++)
        {
            _encoder[i] = Recurrent(spec.Kind, features, spec.EncoderHidden[i], spec.Bidirectional);
            features = spec.Bidirectional && spec.Merge == MergeMode.Concat ? 2 * spec.EncoderHidden[i] : spec.EncoderHidden[i];
        }

        if (spec.DecoderEmbedding is int dimension)
        {
            _decoderEmbedding = nn.Embedding(spec.Vocabulary, dimension, dtype: f64);
        }

        _decoder = new nn.Module[spec.DecoderHidden.Length];
        features = spec.DecoderEmbedding ?? spec.Vocabulary;
        for (int j = 0; j < _decoder.Length; j++)
        {
            _decoder[j] = Recurrent(spec.Kind, features, spec.DecoderHidden[j], false);
            features = spec.DecoderHidden[j];
        }

        int he = spec.MemorySize, hd = spec.QuerySize;
        switch (spec.Score)
        {
            case AttentionScoreKind.General:
                _linearIn = nn.Linear(he, hd, hasBias: false, dtype: f64);
                break;
            case AttentionScoreKind.Additive:
                _linearQuery = nn.Linear(hd, spec.AdditiveUnits, hasBias: false, dtype: f64);
                _linearKey = nn.Linear(he, spec.AdditiveUnits, hasBias: false, dtype: f64);
                _v = nn.Linear(spec.AdditiveUnits, 1, hasBias: false, dtype: f64);
                break;
        }

        _linearOut = nn.Linear(he + hd, hd, hasBias: false, dtype: f64);
        _head = nn.Linear(hd, spec.Vocabulary, hasBias: true, dtype: f64);
    }

    private static nn.Module Recurrent(LayerKind kind, long features, int hidden, bool bidirectional) => kind switch
    {
        LayerKind.Lstm => nn.LSTM(features, hidden, numLayers: 1, bias: true, batchFirst: true, bidirectional: bidirectional, dtype: ScalarType.Float64),
        _ => nn.GRU(features, hidden, numLayers: 1, bias: true, batchFirst: true, bidirectional: bidirectional, dtype: ScalarType.Float64),
    };

    /// <summary>Every module with its layer index and its initialization's fan-in (0: an Embedding table, U(-1, 1)).</summary>
    private IEnumerable<(int Index, string Prefix, nn.Module Module, int FanIn)> Modules()
    {
        if (_encoderEmbedding is not null)
        {
            yield return (_spec.EncoderEmbeddingIndex, "", _encoderEmbedding, 0);
        }

        for (int i = 0; i < _encoder.Length; i++)
        {
            yield return (_spec.FirstEncoderLayer + i, "", _encoder[i], _spec.EncoderHidden[i]);
        }

        if (_decoderEmbedding is not null)
        {
            yield return (_spec.DecoderEmbeddingIndex, "", _decoderEmbedding, 0);
        }

        for (int j = 0; j < _decoder.Length; j++)
        {
            yield return (_spec.FirstDecoderLayer + j, "", _decoder[j], _spec.DecoderHidden[j]);
        }

        int a = _spec.AttentionIndex, he = _spec.MemorySize, hd = _spec.QuerySize;
        if (_linearIn is not null)
        {
            yield return (a, "linear_in.", _linearIn, he);
        }

        if (_linearQuery is not null)
        {
            yield return (a, "linear_query.", _linearQuery, hd);
            yield return (a, "linear_key.", _linearKey!, he);
            yield return (a, "v.", _v!, _spec.AdditiveUnits);
        }

        yield return (a, "linear_out.", _linearOut, he + hd);
        yield return (_spec.HeadIndex, "", _head, hd);
    }

    /// <summary>The state_dict names: <c>{layer}.{module's own name}</c>, the attention's matrices by their contract names.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters() =>
        Modules().SelectMany(m => m.Module.named_parameters().Select(p => ($"{m.Index}.{m.Prefix}{p.name}", p.parameter)));

    public void InitializeParameters()
    {
        using var _ = torch.no_grad();
        foreach ((int _, string _, nn.Module module, int fanIn) in Modules())
        {
            double bound = fanIn == 0 ? 1.0 : Math.Min(0.5, 2.0 / Math.Sqrt(fanIn));
            foreach ((string _, Parameter parameter) in module.named_parameters())
            {
                parameter.uniform_(-bound, bound);
            }
        }
    }

    /// <summary>A recurrent layer's state: h [1, 1, H] and, for an LSTM, c.</summary>
    private sealed record State(Tensor H, Tensor? C);

    /// <summary>
    /// The encoder over the first <paramref name="length"/> steps: the memory [length, He] (the top layer's output at
    /// every valid step) and each decoder layer's start state (a bidirectional layer's directions merged).
    /// </summary>
    private (Tensor Memory, State[] Start) Encode(Tensor input, int length)
    {
        Tensor x = input.narrow(0, 0, length);
        x = _encoderEmbedding is null ? x.unsqueeze(0) : _encoderEmbedding.call(x.reshape(1, length).to(ScalarType.Int64));
        var start = new State[_encoder.Length];
        for (int i = 0; i < _encoder.Length; i++)
        {
            (Tensor output, State final) = Run(_encoder[i], x, null);
            if (_spec.Bidirectional)
            {
                int h = _spec.EncoderHidden[i];
                Tensor forward = output.narrow(2, 0, h), reverse = output.narrow(2, h, h);
                x = _spec.Merge == MergeMode.Concat ? output : forward + reverse;
                final = new State(MergeDirections(final.H), final.C is null ? null : MergeDirections(final.C));
            }
            else
            {
                x = output;
            }

            start[i] = final;
        }

        return (x.squeeze(0), start);
    }

    /// <summary>h_n [2, 1, H] (forward at the last valid step, reverse at step 0) as the decoder's [1, 1, 2H] or [1, 1, H].</summary>
    private Tensor MergeDirections(Tensor state) => _spec.Merge == MergeMode.Concat
        ? torch.cat(new[] { state.narrow(0, 0, 1), state.narrow(0, 1, 1) }, -1)
        : state.narrow(0, 0, 1) + state.narrow(0, 1, 1);

    /// <summary>The attention over <paramref name="memory"/> [L, He] for queries [n, Hd]: h~ [n, Hd] and the weights [n, L].</summary>
    private (Tensor Output, Tensor Weights) Attend(Tensor query, Tensor memory)
    {
        Tensor scores = _spec.Score switch
        {
            AttentionScoreKind.Dot => query.matmul(memory.t()),
            AttentionScoreKind.General => query.matmul(_linearIn!.call(memory).t()),
            _ => _v!.call(torch.tanh(_linearQuery!.call(query).unsqueeze(1) + _linearKey!.call(memory).unsqueeze(0))).squeeze(-1),
        };
        Tensor weights = torch.softmax(scores, -1);
        Tensor context = weights.matmul(memory);
        Tensor output = torch.tanh(_linearOut.call(torch.cat(new[] { context, query }, -1)));
        return (output, weights);
    }

    /// <summary>The head on h~: [n, V].</summary>
    private Tensor Head(Tensor attended) => TorchModel.Activate(_head.call(attended), _spec.HeadActivation);

    /// <summary>The decoder's recurrent layers over x [1, n, features] from <paramref name="states"/>, updated in place: the query [n, Hd].</summary>
    private Tensor RunDecoder(Tensor x, State[] states)
    {
        for (int j = 0; j < _decoder.Length; j++)
        {
            (x, states[j]) = Run(_decoder[j], x, states[j]);
        }

        return x.squeeze(0);
    }

    /// <summary>The decoder's input rows for fed-back rows [n, V] (one-hot ids, or outputs), after <paramref name="first"/>.</summary>
    private Tensor DecoderInput(Tensor rows, bool first)
    {
        int n = (int)rows.shape[0];
        if (_decoderEmbedding is not null)
        {
            Tensor ids = rows.argmax(-1);
            if (first)
            {
                ids = torch.cat(new[] { torch.tensor(new long[] { _spec.StartToken }), ids.narrow(0, 0, n - 1) }, 0);
            }

            return _decoderEmbedding.call(ids.unsqueeze(0));
        }

        Tensor fed = first
            ? torch.cat(new[] { torch.zeros(new long[] { 1, _spec.Vocabulary }, ScalarType.Float64), rows.narrow(0, 0, n - 1) }, 0)
            : rows;
        return fed.unsqueeze(0);
    }

    /// <summary>
    /// Teacher-forced: the decoder's input at step t is target row t − 1 (zeros, or the start token, at t = 0). The
    /// output [N, V] and the weights [N, S], both zero on the rows after the targets' first end token.
    /// </summary>
    public (Tensor Output, Tensor Attention) TeacherForced(Tensor input, Tensor targets, int length)
    {
        (Tensor memory, State[] states) = Encode(input, length);
        Tensor query = RunDecoder(DecoderInput(targets, first: true), states);
        (Tensor attended, Tensor weights) = Attend(query, memory);
        Tensor output = Head(attended);
        Tensor attention = PadWeights(weights);
        int decoded = AttentionReferences.Decoded(_spec, targets);
        if (decoded < _spec.OutputSteps)
        {
            Tensor mask = (torch.arange(_spec.OutputSteps, ScalarType.Int64) < decoded).to(ScalarType.Float64).unsqueeze(1);
            output = output * mask;
            attention = attention * mask;
        }

        return (output, attention);
    }

    /// <summary>The weights [n, length] padded with zeros to [n, S].</summary>
    private Tensor PadWeights(Tensor weights)
    {
        long pad = _spec.Steps - weights.shape[1];
        return pad == 0 ? weights : torch.cat(new[] { weights, torch.zeros(new[] { weights.shape[0], pad }, ScalarType.Float64) }, 1);
    }

    /// <summary>
    /// Greedy decoding one step at a time: outputs [N, V], weights [N, S], what was fed back after each step [N, V]
    /// (the one-hot of the argmax, or the output, detached), the smallest gap between the two most probable tokens, and
    /// the steps decoded (through the end token; later rows zero).
    /// </summary>
    public (Tensor Output, Tensor Attention, Tensor Feedback, double Margin, int Decoded) Greedy(Tensor input, int length)
    {
        int n = _spec.OutputSteps, v = _spec.Vocabulary;
        (Tensor memory, State[] states) = Encode(input, length);
        Tensor fed = _decoderEmbedding is null
            ? torch.zeros(new long[] { 1, v }, ScalarType.Float64)
            : nn.functional.one_hot(torch.tensor(new long[] { _spec.StartToken }), v).to(ScalarType.Float64);
        var outputs = new List<Tensor>();
        var weights = new List<Tensor>();
        var fedBack = new List<Tensor>();
        double margin = double.PositiveInfinity;
        int decoded = 0;
        for (int t = 0; t < n; t++)
        {
            Tensor query = RunDecoder(DecoderInput(fed, first: false), states);
            (Tensor attended, Tensor w) = Attend(query, memory);
            Tensor y = Head(attended);
            outputs.Add(y);
            weights.Add(PadWeights(w));
            decoded = t + 1;
            long token = -1;
            if (_spec.Tokens)
            {
                Tensor sorted = y.detach().flatten().sort(descending: true).Values;
                margin = Math.Min(margin, (sorted[0] - sorted[1]).item<double>());
                token = y.detach().flatten().argmax().item<long>();
                fed = nn.functional.one_hot(torch.tensor(new[] { token }), v).to(ScalarType.Float64);
            }
            else
            {
                fed = y.detach().clone();
            }

            fedBack.Add(fed);
            if (_spec.EndToken is int end && token == end)
            {
                break;
            }
        }

        for (int t = decoded; t < n; t++)
        {
            outputs.Add(torch.zeros(new long[] { 1, v }, ScalarType.Float64));
            weights.Add(torch.zeros(new long[] { 1, _spec.Steps }, ScalarType.Float64));
            fedBack.Add(torch.zeros(new long[] { 1, v }, ScalarType.Float64));
        }

        return (torch.cat(outputs.ToArray(), 0), torch.cat(weights.ToArray(), 0), torch.cat(fedBack.ToArray(), 0), margin, decoded);
    }

    /// <summary>One recurrent module over x [1, steps, features] from <paramref name="initial"/> (zeros when null).</summary>
    private static (Tensor Output, State Final) Run(nn.Module module, Tensor x, State? initial)
    {
        switch (module)
        {
            case LSTM lstm:
            {
                (Tensor output, Tensor h, Tensor c) = initial is null ? lstm.call(x) : lstm.call(x, (initial.H, initial.C!));
                return (output, new State(h, c));
            }

            case GRU gru:
            {
                (Tensor output, Tensor h) = gru.call(x, initial?.H);
                return (output, new State(h, null));
            }

            default:
                throw new InvalidOperationException("Not a recurrent module.");
        }
    }
}
