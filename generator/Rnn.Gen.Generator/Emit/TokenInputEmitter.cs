using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// What a model whose first layer reads token ids (an Embedding) adds: <c>int</c> overloads of its entry points, which
/// check every valid id against the vocabulary before anything is written and hand the ids on as floats (whole
/// numbers, exact below 2^24) to the float members, which check them again for callers that come through
/// <c>IRnnModel</c> (the trainer, <c>Dataset</c>).
/// </summary>
internal static class TokenInputEmitter
{
    private const string IntReadOnlySpanType = "global::System.ReadOnlySpan<int>";

    /// <summary>In a float entry point, after its length checks: every valid id of <paramref name="name"/> must be a whole number in the vocabulary.</summary>
    public static void EmitCheck(CodeWriter w, ModelPlan plan, string name, string length)
    {
        if (plan.TokenVocabulary is not null)
        {
            w.Line($"{Guard}.CheckTokens({name}, {length}, VocabularySize, nameof({name})); // token ids, before anything is written");
        }
    }

    /// <summary>The constant and the buffer the <c>int</c> overloads use.</summary>
    public static void EmitConstantAndField(CodeWriter w, ModelPlan plan, bool field)
    {
        if (plan.TokenVocabulary is not { } vocabulary)
        {
            return;
        }

        if (field)
        {
            w.Line($"private readonly float[] _tokenIds = new float[{plan.Spec.Steps}]; // the int overloads' token ids, as the float members read them");
            return;
        }

        w.Summary("Token ids the model reads, one per step: its first layer, an Embedding, has this many rows.");
        w.Line($"public const int VocabularySize = {vocabulary};");
    }

    /// <summary>The <c>int</c> overloads of Predict, Forward and Step (the batch path's are <see cref="BatchEmitter"/>'s).</summary>
    public static void EmitMembers(CodeWriter w, ModelPlan plan)
    {
        if (plan.TokenVocabulary is null)
        {
            return;
        }

        ModelSpec spec = plan.Spec;
        string ids = $"new {ReadOnlySpan}(_tokenIds)";
        foreach (string method in new[] { "Predict", "Forward" })
        {
            w.Line();
            w.Summary($"{method} on a sample of token ids, [{spec.Steps}]: each must be in [0, VocabularySize), else an <see cref=\"global::System.ArgumentOutOfRangeException\"/> names it before anything is written.");
            w.Line($"public void {method}({IntReadOnlySpanType} input, {Span} output) => {method}(input, output, Steps);");
            w.Line();
            w.Summary($"{method} on a sample of token ids whose first <paramref name=\"length\"/> are valid and the rest padding (their ids are not read).");
            using (w.Block($"public void {method}({IntReadOnlySpanType} input, {Span} output, int length)"))
            {
                LayerWiring.EmitLengthCheck(w, "input", spec.Steps, $"[Steps = {spec.Steps}]");
                LayerWiring.EmitStepCountCheck(w, spec.Steps, plan.MinLength);
                LayerWiring.EmitLengthCheck(w, "output", plan.OutputLength, $"[OutputSteps = {plan.OutputSteps}, OutputSize = {plan.OutputSize}]");
                w.Line($"{Guard}.CheckTokens(input, length, VocabularySize, nameof(input));");
                using (CallGuardCode.Hold(w))
                {
                    w.Line($"{Guard}.CopyTokens(input, _tokenIds);");
                    w.Line($"Run{method}({ids}, output, length);");
                }
            }
        }

        w.Line();
        w.Summary("Streaming inference on one token id: as <see cref=\"Step(global::System.ReadOnlySpan{float}, global::System.Span{float})\"/>.");
        using (w.Block($"public void Step(int token, {Span} outputStep)"))
        {
            LayerWiring.EmitLengthCheck(w, "outputStep", plan.OutputSize, $"[OutputSize = {plan.OutputSize}]");
            w.Line($"{Guard}.CheckTokens(new {IntReadOnlySpanType}(in token), 1, VocabularySize, nameof(token));");
            if (plan.StreamingUnsupported is { } reason)
            {
                w.Line($"throw new {InvalidOperationException}(\"{reason}\");");
                return;
            }

            using (CallGuardCode.Hold(w))
            {
                w.Line("_tokenIds[0] = token;");
                w.Line($"RunStep(new {ReadOnlySpan}(_tokenIds, 0, 1), outputStep);");
            }
        }
    }
}
