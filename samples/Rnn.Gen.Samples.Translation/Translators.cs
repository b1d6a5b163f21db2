using Rnn.Gen;

namespace Rnn.Gen.Samples.Translation;

/// <summary>
/// The encoder–decoder without attention (Sutskever et al. 2014; Cho et al. 2014): German token ids, embedded, read
/// by an LSTM whose final state (at the sentence's last valid token) starts the decoder's LSTM; the decoder reads
/// <c>&lt;start&gt;</c>, then each English token (the true one in training, its own choice in decoding), and a
/// softmax over the English vocabulary chooses the next, for up to 14 steps or until <c>&lt;end&gt;</c>. The whole
/// German sentence must pass through the one state vector of 128 floats.
/// </summary>
[RnnModel(inputSize: 1, steps: TranslationSizes.SourceSteps)]
[Embedding(TranslationSizes.Vocabulary, TranslationSizes.EmbeddingSize)]
[Lstm(TranslationSizes.Hidden)]
[Decoder(TranslationSizes.TargetSteps, StartToken = Vocabulary.Start, EndToken = Vocabulary.End)]
[Embedding(TranslationSizes.Vocabulary, TranslationSizes.EmbeddingSize)]
[Lstm(TranslationSizes.Hidden)]
[Dense(TranslationSizes.Vocabulary, Activation = Activation.Softmax)]
public partial class PlainTranslator;

/// <summary>The sizes the translators share.</summary>
internal static class TranslationSizes
{
    /// <summary>German tokens per sentence, at most.</summary>
    public const int SourceSteps = 12;

    /// <summary>English tokens per sentence, at most, and the end token.</summary>
    public const int TargetSteps = 14;

    /// <summary>Ids per language: the 3,996 most frequent training tokens and the four specials.</summary>
    public const int Vocabulary = 4000;

    public const int EmbeddingSize = 128;

    public const int Hidden = 128;
}
