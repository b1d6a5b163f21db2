using System;

namespace Rnn.Gen;

/// <summary>
/// What a generated model whose first layer is an Embedding adds to <see cref="IRnnModel"/>: entry points that take
/// token ids. Every valid id must be in [0, <see cref="VocabularySize"/>); otherwise an
/// <see cref="ArgumentOutOfRangeException"/> names its position, the id and the vocabulary size before anything is
/// written. The model's <see cref="IRnnModel"/> members read the same ids as floats (whole numbers), so the trainer
/// and <c>Dataset</c> work with token models unchanged.
/// </summary>
public interface IRnnTokenModel : IRnnModel
{
    /// <summary>Token ids the model reads: the rows of its Embedding.</summary>
    int VocabularySize { get; }

    /// <summary>Inference on one sample of <see cref="IRnnModel.Steps"/> token ids, from a zero state.</summary>
    void Predict(ReadOnlySpan<int> input, Span<float> output);

    /// <summary>Inference on a sample whose first <paramref name="length"/> ids are valid and the rest padding (not read).</summary>
    void Predict(ReadOnlySpan<int> input, Span<float> output, int length);

    /// <summary>Training forward pass on one sample of token ids; keeps what Backward needs.</summary>
    void Forward(ReadOnlySpan<int> input, Span<float> output);

    /// <summary>Training forward pass on a sample whose first <paramref name="length"/> ids are valid.</summary>
    void Forward(ReadOnlySpan<int> input, Span<float> output, int length);

    /// <summary>Streaming inference on one token id (models that stream).</summary>
    void Step(int token, Span<float> outputStep);
}
