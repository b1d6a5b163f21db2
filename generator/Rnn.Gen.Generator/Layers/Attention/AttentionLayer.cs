using System;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Layers.Attention;

/// <summary>Mirror of <c>Rnn.Gen.AttentionScore</c> (same numeric values).</summary>
internal enum AttentionScoreKind
{
    Dot = 0,
    General = 1,
    Additive = 2,
}

/// <summary>
/// <c>[Attention(score)]</c>: Luong's global attention over the encoder's outputs, in a decoder directly above its top
/// recurrent layer. Where it may stand (in a decoder, above the top recurrent layer, with a recurrent encoder, equal
/// sizes for Dot) is the parser's decoder rules; this kind reads and checks the attribute's own arguments.
/// </summary>
internal sealed class AttentionLayer : LayerKind<AttentionSpec, AttentionPlan>
{
    public static AttentionLayer Instance { get; } = new();

    public override string Name => "Attention";

    public override string AttributeName => "Rnn.Gen.AttentionAttribute";

    public override LayerSpec? Parse(AttributeReader attribute)
    {
        if (!attribute.TryGetArgument(0, out int score) || attribute.HasMalformedNamedArgument)
        {
            return null; // the compiler reports the malformed attribute
        }

        if (!Enum.IsDefined(typeof(AttentionScoreKind), score))
        {
            attribute.Report(DiagnosticDescriptors.AttentionInvalidOption, attribute.ArgumentLocation(0, "score"), attribute.Display,
                $"the score {score.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not an AttentionScore; use AttentionScore.Dot, AttentionScore.General or AttentionScore.Additive");
            return null;
        }

        var kind = (AttentionScoreKind)score;
        int? units = attribute.Named<int>("Units");
        if (units is not null && kind != AttentionScoreKind.Additive)
        {
            attribute.Report(DiagnosticDescriptors.AttentionInvalidOption, attribute.NamedArgumentLocation("Units"), attribute.Display,
                $"Units sizes the additive score's hidden layer, and AttentionScore.{kind} has none; remove Units or use AttentionScore.Additive");
            return null;
        }

        if (units is int a && !attribute.CheckPositive($"The Units of [{attribute.Display}]", a, attribute.NamedArgumentLocation("Units")))
        {
            return null;
        }

        return new AttentionSpec(kind, units ?? 0, MemorySize: 0, MemorySteps: 0);
    }

    protected override AttentionPlan Plan(AttentionSpec spec, LayerContext context, ModelSlabs slabs) => new(spec, context, slabs);

    protected override LayerEmitter CreateEmitter(AttentionPlan plan) => new AttentionEmitter(plan);
}

/// <summary>
/// An attention layer: its score, the additive score's hidden size (0: the decoder's hidden size), and the encoder output
/// it reads, <paramref name="MemorySteps"/> steps of <paramref name="MemorySize"/> features (set by the parser's decoder
/// rules once the encoder is known).
/// </summary>
internal sealed record AttentionSpec(AttentionScoreKind Score, int Units, int MemorySize, int MemorySteps) : LayerSpec
{
    public override LayerKind Kind => AttentionLayer.Instance;

    public override bool ReadsEncoderMemory => true;

    public override LayerSpec WithEncoderMemory(int size, int steps) => this with { MemorySize = size, MemorySteps = steps };

    public override string Signature => $"Attention({Score})";

    /// <summary>The output h~_t has the decoder's hidden size, the size of the query it reads.</summary>
    public override int OutputSize(int inputSize) => inputSize;

    public override Int8Support Int8 => Int8Support.Float32;
}

/// <summary>
/// An attention layer's tensors and buffers. Symbols: Hd the decoder's hidden size (the layer's input and output), He
/// the encoder's output size, S the encoder's steps, T the decoder's steps, A the additive score's hidden size.
/// </summary>
internal sealed class AttentionPlan : LayerPlan
{
    public AttentionPlan(AttentionSpec spec, LayerContext context, ModelSlabs slabs)
        : base(spec, context)
    {
        Attention = spec;
        long hd = Hd, he = He, s = S, t = Steps, a = A;
        switch (spec.Score)
        {
            case AttentionScoreKind.Dot:
                break;
            case AttentionScoreKind.General:
                LinearIn = AddParameter(slabs, "LinearIn", "linear_in.weight", 0, 0, hd, he);
                break;
            case AttentionScoreKind.Additive:
                LinearQuery = AddParameter(slabs, "LinearQuery", "linear_query.weight", 0, 0, a, hd);
                LinearKey = AddParameter(slabs, "LinearKey", "linear_key.weight", 0, 0, a, he);
                V = AddParameter(slabs, "V", "v.weight", 0, 0, 1, a);
                break;
            default:
                throw new InvalidOperationException($"The parser admits no attention score {spec.Score}.");
        }

        LinearOut = AddParameter(slabs, "LinearOut", "linear_out.weight", 0, 0, hd, he + hd);

        // Training.
        if (KeySize > 0)
        {
            Keys = slabs.Cache.Add(Owner, "Keys", s * KeySize, $"[{s}, {KeySize}] {KeysDescription} of every encoder step");
            KeysGradient = slabs.Work.Add(Owner, "KeysGradient", s * KeySize, $"[{s}, {KeySize}] dL/d(keys), summed over the decoder steps");
        }

        if (spec.Score == AttentionScoreKind.Additive)
        {
            Hidden = slabs.Cache.Add(Owner, "Hidden", t * s * a, $"[{t}, {s}, {a}] tanh(W_q h_t + W_k h_s) of every decoder and encoder step");
            HiddenGradient = slabs.Work.Add(Owner, "HiddenGradient", s * a, $"[{s}, {a}] dL/d(W_q h_t + W_k h_s) of one decoder step");
            QueryGradient = slabs.Work.Add(Owner, "QueryGradient", a, $"[{a}] dL/d(W_q h_t) of one decoder step");
            ScratchHidden = slabs.Scratch.Add(Owner, "ScratchHidden", s * a, $"[{s}, {a}] tanh(W_q h_t + W_k h_s) of one decoding step");
            ScratchQuery = slabs.Scratch.Add(Owner, "ScratchQuery", a, $"[{a}] W_q h_t of one step");
        }

        Weights = slabs.Cache.Add(Owner, "Weights", t * s, $"[{t}, {s}] a(t, s), zero on padded encoder steps");
        Combined = slabs.Cache.Add(Owner, "Combined", t * (he + hd), $"[{t}, {he + hd}] [c_t ; h_t]");
        Output = slabs.Cache.Add(Owner, "Output", t * hd, $"[{t}, {hd}] h~_t = tanh(W_c [c_t ; h_t])");
        OutputGradient = slabs.Work.Add(Owner, "OutputGradient", t * hd, $"[{t}, {hd}] dL/dh~_t");
        CombinedGradient = slabs.Work.Add(Owner, "CombinedGradient", t * (he + hd), $"[{t}, {he + hd}] dL/d[c_t ; h_t]");
        WeightsGradient = slabs.Work.Add(Owner, "WeightsGradient", s, $"[{s}] dL/da(t, s), then dL/dscore(t, s), of one decoder step");

        // Decoding.
        if (KeySize > 0)
        {
            ScratchKeys = slabs.Scratch.Add(Owner, "ScratchKeys", s * KeySize, $"[{s}, {KeySize}] {KeysDescription} of every encoder step, once per decoding");
        }

        ScratchCombined = slabs.Scratch.Add(Owner, "ScratchCombined", he + hd, $"[{he + hd}] [c_t ; h_t] of one decoding step");
        ScratchOutput = slabs.Scratch.Add(Owner, "ScratchOutput", hd, $"[{hd}] h~_t of one decoding step");
        AttentionWeights = slabs.Scratch.Add(Owner, "AttentionWeights", t * s, $"[{t}, {s}] the last sample's a(t, s), rows after the end zero: the model's AttentionWeights");
    }

    public AttentionSpec Attention { get; }

    /// <summary>The decoder's hidden size: the query's, the layer's input and output size.</summary>
    public int Hd => InputSize;

    /// <summary>Features per step of the encoder's output.</summary>
    public int He => Attention.MemorySize;

    /// <summary>Encoder steps.</summary>
    public int S => Attention.MemorySteps;

    /// <summary>The additive score's hidden size.</summary>
    public int A => Attention.Units > 0 ? Attention.Units : Hd;

    /// <summary>Features per encoder step of what the query is scored against: W_a h_s (Hd), W_k h_s (A); 0 for Dot, which reads h_s itself.</summary>
    public int KeySize => Attention.Score switch
    {
        AttentionScoreKind.General => Hd,
        AttentionScoreKind.Additive => A,
        _ => 0,
    };

    private string KeysDescription => Attention.Score == AttentionScoreKind.General ? "W_a h_s" : "W_k h_s";

    public ParameterPlan? LinearIn { get; }

    public ParameterPlan? LinearQuery { get; }

    public ParameterPlan? LinearKey { get; }

    public ParameterPlan? V { get; }

    public ParameterPlan LinearOut { get; }

    public Region? Keys { get; }

    public Region? KeysGradient { get; }

    public Region? Hidden { get; }

    public Region? HiddenGradient { get; }

    public Region? QueryGradient { get; }

    public Region Weights { get; }

    public Region Combined { get; }

    public Region CombinedGradient { get; }

    public Region WeightsGradient { get; }

    public Region? ScratchKeys { get; }

    public Region? ScratchHidden { get; }

    public Region? ScratchQuery { get; }

    public Region ScratchCombined { get; }

    public Region ScratchOutput { get; }

    public override Region? AttentionWeightsRegion => AttentionWeights;

    /// <summary><c>_scratch</c> [T, S]: what the model's <c>AttentionWeights</c> returns.</summary>
    public Region AttentionWeights { get; }

    public override string? StreamingUnsupported => "This model attends over its encoder's outputs: use Predict.";

    public override bool SupportsBatchPath => false;
}
