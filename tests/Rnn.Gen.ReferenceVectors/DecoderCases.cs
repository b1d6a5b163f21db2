using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using static Rnn.Gen.ReferenceVectors.LayerKind;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// An encoder–decoder or one-to-many reference case: <c>[RnnModel(I, T)]</c>, the encoder's recurrent layers (none for
/// one-to-many), <c>[Decoder(N)]</c>, the decoder's recurrent layers (the encoder's kinds and sizes, pairwise), then
/// Dense layers. Parameter names count real layers only (the marker is not one): encoder 0.., decoder next, Dense
/// last. <paramref name="Length"/>: the encoder's input is padded past this many valid steps.
/// <paramref name="FreeRunningGradients"/>: also write the gradients of the greedy (free-running) pass; kept to a few
/// cases, since they triple a file's size and run the same backward code as teacher forcing.
/// </summary>
internal sealed record DecoderCaseSpec(
    int InputSize,
    int Steps,
    IReadOnlyList<LayerSpec> Encoder,
    int OutputSteps,
    IReadOnlyList<LayerSpec> Decoder,
    IReadOnlyList<LayerSpec> Head,
    DecoderFeedback Feedback = DecoderFeedback.Auto,
    int? Length = null,
    bool FreeRunningGradients = false)
{
    public bool OneToMany => Encoder.Count == 0;

    public int OutputSize => Head[^1].Size;

    public bool SoftmaxHead => Head[^1].Activation == Activation.Softmax;

    /// <summary>The feedback the generator picks: Auto is Token with a Softmax head, Output otherwise.</summary>
    public DecoderFeedback EffectiveFeedback => Feedback != DecoderFeedback.Auto ? Feedback
        : SoftmaxHead ? DecoderFeedback.Token : DecoderFeedback.Output;

    /// <summary>Every real layer in declaration order (the parameter names' indices).</summary>
    public IReadOnlyList<LayerSpec> Layers => Encoder.Concat(Decoder).Concat(Head).ToList();

    /// <summary>The encoder layers as declared: every one but the last returns its sequence to the next.</summary>
    public IReadOnlyList<LayerSpec> DeclaredEncoder =>
        Encoder.Select((l, i) => l with { ReturnSequences = i < Encoder.Count - 1 }).ToList();

    /// <summary>The decoder's input width at each step: the fed-back row, after the model input for one-to-many.</summary>
    public int DecoderInputSize => (OneToMany ? InputSize : 0) + OutputSize;

    public string Name
    {
        get
        {
            string feedback = Feedback switch { DecoderFeedback.Output => "Out", DecoderFeedback.Token => "Tok", _ => "" };
            var tokens = DeclaredEncoder.Select(l => l.Token)
                .Append($"Dec{OutputSteps}{feedback}")
                .Concat(Decoder.Select(l => l.Token))
                .Concat(Head.Select(l => l.Token));
            return $"{string.Join("_", tokens)}_I{InputSize}_T{Steps}" + (Length is int l ? $"_Len{l}" : "");
        }
    }

    public void Validate()
    {
        if (Decoder.Count == 0 || Head.Count == 0 || Decoder.Any(l => !l.IsRecurrent || l.Bidirectional) || Head.Any(l => l.IsRecurrent))
        {
            throw new InvalidOperationException($"{Name}: a decoder needs unidirectional recurrent layers, then Dense layers.");
        }

        if (!OneToMany && !Encoder.Select(l => (l.Kind, l.Size, l.Activation)).SequenceEqual(Decoder.Select(l => (l.Kind, l.Size, l.Activation))))
        {
            throw new InvalidOperationException($"{Name}: the decoder's recurrent layers must match the encoder's.");
        }

        if (OneToMany && Steps != 1)
        {
            throw new InvalidOperationException($"{Name}: a one-to-many model takes one input step.");
        }

        if (EffectiveFeedback == DecoderFeedback.Token && !SoftmaxHead)
        {
            throw new InvalidOperationException($"{Name}: token feedback needs a Softmax head.");
        }

        if (Length is int length && (OneToMany || length < 1 || length >= Steps))
        {
            throw new InvalidOperationException($"{Name}: a padded encoder input needs 1 <= length < steps.");
        }
    }

    /// <summary>The model declaration the generator compiles for this case.</summary>
    public string Declaration()
    {
        var text = new StringBuilder();
        text.Append("[RnnModel(inputSize: ").Append(InputSize).Append(", steps: ").Append(Steps).Append(")]\n");
        foreach (LayerSpec layer in DeclaredEncoder)
        {
            text.Append(layer.Attribute).Append('\n');
        }

        text.Append("[Decoder(").Append(OutputSteps);
        if (Feedback != DecoderFeedback.Auto)
        {
            text.Append(", Feedback = DecoderFeedback.").Append(Feedback);
        }

        text.Append(")]\n");
        foreach (LayerSpec layer in Decoder.Concat(Head))
        {
            text.Append(layer.Attribute).Append('\n');
        }

        text.Append("internal partial class ").Append(Name).Append(";\n");
        return text.ToString();
    }

    public string LayersText => Declaration().Split('\n').Where(l => l.StartsWith('[') && !l.StartsWith("[RnnModel", StringComparison.Ordinal)).Aggregate((a, b) => a + " " + b);
}

/// <summary>
/// The encoder–decoder and one-to-many cases: LSTM, GRU and Elman (tanh and relu) encoder–decoders with one and two
/// stacked layers, a mixed stack, token and output feedback (and output feedback on a Softmax head), a padded encoder
/// input, one-to-many with output and token feedback, hidden sizes off and on multiples of 8. Each seeds from its name.
/// </summary>
internal static class DecoderCases
{
    private static LayerSpec L(int hidden) => new(Lstm, hidden);

    private static LayerSpec G(int hidden) => new(Gru, hidden);

    private static LayerSpec RnnTanh(int hidden) => new(SimpleRnn, hidden, false, Activation.Tanh);

    private static LayerSpec RnnRelu(int hidden) => new(SimpleRnn, hidden, false, Activation.Relu);

    private static LayerSpec D(int units, Activation activation = Activation.Identity) => new(Dense, units, false, activation);

    private static LayerSpec[] Of(params LayerSpec[] layers) => layers;

    /// <summary>An encoder–decoder: the decoder's recurrent layers repeat the encoder's.</summary>
    private static DecoderCaseSpec E(int inputSize, int steps, LayerSpec[] recurrent, int outputSteps, LayerSpec[] head,
        DecoderFeedback feedback = DecoderFeedback.Auto, int? length = null) =>
        new(inputSize, steps, recurrent, outputSteps, recurrent, head, feedback, length);

    /// <summary>The case with the gradients of its greedy pass too.</summary>
    private static DecoderCaseSpec Free(DecoderCaseSpec spec) => spec with { FreeRunningGradients = true };

    /// <summary>One-to-many: one input vector, no encoder.</summary>
    private static DecoderCaseSpec O(int inputSize, LayerSpec[] recurrent, int outputSteps, LayerSpec[] head,
        DecoderFeedback feedback = DecoderFeedback.Auto) =>
        new(inputSize, 1, Array.Empty<LayerSpec>(), outputSteps, recurrent, head, feedback);

    public static IReadOnlyList<DecoderCaseSpec> All { get; } = new[]
    {
        // Encoder–decoder, one layer: every kind, token feedback (Softmax heads) and output feedback.
        Free(E(4, 6, Of(L(6)), 5, Of(D(5, Activation.Softmax)))),
        E(3, 7, Of(G(7)), 4, Of(D(3, Activation.Softmax))),
        E(3, 6, Of(RnnTanh(5)), 4, Of(D(4, Activation.Softmax))),
        Free(E(2, 6, Of(RnnTanh(5)), 3, Of(D(2, Activation.Tanh)), DecoderFeedback.Output)),
        E(2, 5, Of(L(5)), 4, Of(D(2))),
        E(2, 4, Of(G(8)), 5, Of(D(4, Activation.Relu), D(3, Activation.Sigmoid))),

        // Encoder–decoder, two stacked layers (and a mixed stack): each decoder layer starts from its encoder partner.
        E(3, 5, Of(L(4), L(5)), 4, Of(D(4, Activation.Softmax))),
        E(2, 5, Of(G(5), G(9)), 5, Of(D(2, Activation.Tanh))),
        E(3, 6, Of(RnnRelu(6), RnnRelu(4)), 4, Of(D(3, Activation.Softmax))),
        E(2, 4, Of(RnnTanh(3), RnnTanh(7)), 3, Of(D(2))),
        E(3, 5, Of(L(6), G(4)), 4, Of(D(5, Activation.Softmax))),

        // Output feedback on a Softmax head (the probabilities fed back), hidden 11, padded encoder inputs.
        E(3, 6, Of(G(6)), 4, Of(D(3, Activation.Softmax)), DecoderFeedback.Output),
        E(3, 6, Of(L(11)), 5, Of(D(5, Activation.Softmax))),
        Free(E(3, 7, Of(L(5)), 4, Of(D(4, Activation.Softmax)), length: 4)),
        E(2, 6, Of(G(4), G(3)), 3, Of(D(2)), length: 2),

        // One-to-many: the input vector beside the fed-back row at every step, the decoder from zero.
        Free(O(4, Of(G(5)), 6, Of(D(3)), DecoderFeedback.Output)),
        O(3, Of(G(6)), 5, Of(D(2, Activation.Tanh))),
        Free(O(4, Of(L(7)), 6, Of(D(5, Activation.Softmax)))),
        O(3, Of(L(9)), 5, Of(D(4, Activation.Softmax)), DecoderFeedback.Token),
        O(2, Of(RnnTanh(5), RnnTanh(3)), 5, Of(D(2, Activation.Tanh)), DecoderFeedback.Output),
        O(3, Of(L(4), L(6)), 4, Of(D(3, Activation.Softmax))),
    };
}
