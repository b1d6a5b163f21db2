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

/// <summary>
/// The encoder–decoder with attention (Luong, Pham and Manning 2015, global attention with the "general" score): a
/// bidirectional LSTM reads the German tokens, its outputs at every step (forward and backward concatenated, 128
/// floats) are the memory, and its two final states, concatenated, start the decoder's LSTM. At every decoder step the
/// decoder state h_t scores each valid German step s by h_t · (W_a h_s), the softmax of the scores weighs the memory
/// into a context c_t, and tanh(W_c [c_t ; h_t]) feeds the softmax over the English vocabulary. The weights are
/// readable after decoding (<c>AttentionWeights</c>): which German tokens each English token was written from.
/// </summary>
[RnnModel(inputSize: 1, steps: TranslationSizes.SourceSteps)]
[Embedding(TranslationSizes.Vocabulary, TranslationSizes.EmbeddingSize)]
[Lstm(TranslationSizes.Hidden / 2, Bidirectional = true)]
[Decoder(TranslationSizes.TargetSteps, StartToken = Vocabulary.Start, EndToken = Vocabulary.End)]
[Embedding(TranslationSizes.Vocabulary, TranslationSizes.EmbeddingSize)]
[Lstm(TranslationSizes.Hidden)]
[Attention(AttentionScore.General)]
[Dense(TranslationSizes.Vocabulary, Activation = Activation.Softmax)]
public partial class AttentionTranslator;

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

/// <summary>
/// <see cref="PlainTranslator"/> with int8 weights for inference (<c>Weights = WeightPrecision.Int8</c>): the program
/// copies the trained parameters into it and scores its decoding beside the float model's.
/// </summary>
[RnnModel(inputSize: 1, steps: TranslationSizes.SourceSteps, Weights = WeightPrecision.Int8)]
[Embedding(TranslationSizes.Vocabulary, TranslationSizes.EmbeddingSize)]
[Lstm(TranslationSizes.Hidden)]
[Decoder(TranslationSizes.TargetSteps, StartToken = Vocabulary.Start, EndToken = Vocabulary.End)]
[Embedding(TranslationSizes.Vocabulary, TranslationSizes.EmbeddingSize)]
[Lstm(TranslationSizes.Hidden)]
[Dense(TranslationSizes.Vocabulary, Activation = Activation.Softmax)]
public partial class PlainTranslatorInt8;

/// <summary><see cref="AttentionTranslator"/> with int8 weights for inference (its attention keeps float32 weights).</summary>
[RnnModel(inputSize: 1, steps: TranslationSizes.SourceSteps, Weights = WeightPrecision.Int8)]
[Embedding(TranslationSizes.Vocabulary, TranslationSizes.EmbeddingSize)]
[Lstm(TranslationSizes.Hidden / 2, Bidirectional = true)]
[Decoder(TranslationSizes.TargetSteps, StartToken = Vocabulary.Start, EndToken = Vocabulary.End)]
[Embedding(TranslationSizes.Vocabulary, TranslationSizes.EmbeddingSize)]
[Lstm(TranslationSizes.Hidden)]
[Attention(AttentionScore.General)]
[Dense(TranslationSizes.Vocabulary, Activation = Activation.Softmax)]
public partial class AttentionTranslatorInt8;
