using Rnn.Gen.Generator.Emit;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Embedding;

/// <summary>
/// Embedding as PyTorch's nn.Embedding: step t's output is the weight row of token t (read from the input as a float
/// holding a whole number, checked by the model's entry points); backward adds dL/dy_t into that row's gradient,
/// except for the padding row, which PyTorch never updates. Token ids have no gradient.
/// </summary>
internal sealed class EmbeddingEmitter : LayerEmitter<EmbeddingPlan>
{
    public EmbeddingEmitter(EmbeddingPlan layer)
        : base(layer)
    {
    }

    private int D => Plan.Embedding.Dimension;

    private int V => Plan.Embedding.Vocabulary;

    public override string Description =>
        $"layer {Layer.Index}, Embedding of {V} tokens into {D} features"
        + (Plan.Embedding.PaddingIndex is { } padding ? $", padding row {padding}" : string.Empty);

    public override string Architecture =>
        $"new {Export}.EmbeddingLayer({Layer.Index}, vocabularySize: {V}, dimension: {D})"
        + (Plan.Embedding.PaddingIndex is { } padding ? $" {{ PaddingIndex = {padding} }}" : string.Empty);

    /// <summary>PyTorch's default for nn.Embedding: N(0, 1), then the padding row zero.</summary>
    public override void EmitInitialize(CodeWriter w)
    {
        w.Line($"// {Description}: N(0, 1), PyTorch's default for nn.Embedding{(Plan.Embedding.PaddingIndex is null ? string.Empty : ", the padding row zero")}.");
        w.Line($"{Initializers}.Normal({Param(Plan.Weight)}, 1f, random); // {Plan.Weight.Name}");
        if (Plan.Embedding.PaddingIndex is { } padding)
        {
            w.Line($"{CodeWriter.SliceAt("p", Plan.Weight.Region, D, padding.ToString(System.Globalization.CultureInfo.InvariantCulture))}.Clear(); // the padding row");
        }
    }

    public override void EmitMethods(CodeWriter w)
    {
        w.Summary($"Backward for {Description}: adds each valid step's dL/dy to its token's row of the weight's gradient{(Plan.Embedding.PaddingIndex is null ? string.Empty : " (the padding row excepted)")}. Token ids have no gradient: <paramref name=\"dx\"/> is left alone.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line($"{Span} g = _gradients;");
            w.Line($"{ReadOnlySpan} dy = {CodeWriter.Slice("work", Layer.OutputGradient)};");
            using (w.Block($"for (int t = 0; t < {Len}; t++)"))
            {
                w.Line("int token = (int)xs[t];");
                if (Plan.Embedding.PaddingIndex is { } padding)
                {
                    w.Line($"if (token == {padding}) continue; // the padding row is never updated");
                }

                w.Line($"{VectorKernels}.Add(dy.Slice({CodeWriter.Times("t", D)}, {D}), g.Slice({Plan.Weight.Region.Name} + {CodeWriter.Times("token", D)}, {D})); // {Plan.Weight.Described}");
            }
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        w.Line($"// {Description}: row t is the weight row of token t.");
        using (w.Block())
        {
            w.Line($"{ReadOnlySpan} weight = {Param(Plan.Weight, "_parameters.Span")};");
            w.Line($"for (int t = 0; t < {Len}; t++) weight.Slice({CodeWriter.Times($"(int){inputs}[t]", D)}, {D}).CopyTo({CodeWriter.SliceAt("cache", Layer.Output, D, "t")});");
        }

        if (!Layer.InDecoder)
        {
            w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice({CodeWriter.Times("length", D)}).Clear(); // steps past the sample's length output zeros");
        }
    }

    /// <summary>One position: the output is the token's row itself, a span over the parameters.</summary>
    public override string EmitInferenceStep(CodeWriter w, string input, string state, string? destination)
    {
        string row = $"embedded{Layer.Index}";
        w.Line($"{ReadOnlySpan} {row} = _parameters.Span.Slice({Plan.Weight.Region.Name} + {CodeWriter.Times($"(int){input}[0]", D)}, {D}); // {Description}");
        return row;
    }
}
