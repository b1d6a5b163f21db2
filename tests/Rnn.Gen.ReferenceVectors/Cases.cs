using System.Collections.Generic;
using static Rnn.Gen.ReferenceVectors.LayerKind;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// The reference cases. Together they cover every recurrent kind (LSTM, GRU, Elman tanh and relu), input sizes 1 to 16,
/// hidden sizes 1 to 128 (most of them not multiples of 8, so vector tails are exercised), 1 to 100 steps, 1 to 3
/// stacked recurrent layers, many-to-one and many-to-many, and Dense heads with every activation, stacked two deep.
/// Bidirectional layers and padded batches (variable-length samples) follow, each covering every kind.
/// Keep the hidden-128 cases few and short: the committed vectors should stay a few MB.
/// Appending a case leaves every other case's vectors unchanged (each case seeds from its own name).
/// </summary>
internal static class Cases
{
    private static LayerSpec L(int hidden, bool seq = false) => new(Lstm, hidden, seq);

    private static LayerSpec G(int hidden, bool seq = false) => new(Gru, hidden, seq);

    private static LayerSpec RnnTanh(int hidden, bool seq = false) => new(SimpleRnn, hidden, seq, Activation.Tanh);

    private static LayerSpec RnnRelu(int hidden, bool seq = false) => new(SimpleRnn, hidden, seq, Activation.Relu);

    private static LayerSpec D(int units, Activation activation = Activation.Identity) => new(Dense, units, false, activation);

    private static LayerSpec BiL(int hidden, bool seq = false, MergeMode merge = MergeMode.Concat) =>
        new(Lstm, hidden, seq, Bidirectional: true, MergeMode: merge);

    private static LayerSpec BiG(int hidden, bool seq = false, MergeMode merge = MergeMode.Concat) =>
        new(Gru, hidden, seq, Bidirectional: true, MergeMode: merge);

    private static LayerSpec BiRnnTanh(int hidden, bool seq = false, MergeMode merge = MergeMode.Concat) =>
        new(SimpleRnn, hidden, seq, Activation.Tanh, Bidirectional: true, MergeMode: merge);

    private static LayerSpec BiRnnRelu(int hidden, bool seq = false, MergeMode merge = MergeMode.Concat) =>
        new(SimpleRnn, hidden, seq, Activation.Relu, Bidirectional: true, MergeMode: merge);

    private static CaseSpec C(int inputSize, int steps, params LayerSpec[] layers) => new(inputSize, steps, layers);

    /// <summary>A padded case: a batch with one sample per length, each padded at the end to <paramref name="steps"/>.</summary>
    private static CaseSpec P(int inputSize, int steps, int[] lengths, params LayerSpec[] layers) => new(inputSize, steps, layers, lengths);

    public static IReadOnlyList<CaseSpec> All { get; } = new[]
    {
        // LSTM
        C(1, 1, L(1)),
        C(2, 4, L(3, seq: true)),
        C(3, 5, L(8), D(1)),
        C(3, 5, L(7, seq: true), D(2, Activation.Tanh)),
        C(5, 12, L(13), D(4, Activation.Softmax)),
        C(16, 20, L(33, seq: true), D(3, Activation.Sigmoid)),
        C(4, 30, L(16), D(8, Activation.Relu), D(1)),
        C(2, 10, L(8, seq: true), L(8), D(1)),
        C(3, 6, L(5, seq: true), L(7, seq: true), L(3, seq: true), D(2)),
        C(1, 100, L(4), D(1)),
        C(16, 8, L(64, seq: true), D(1)),
        C(4, 3, L(128), D(1)),

        // GRU
        C(1, 1, G(1)),
        C(2, 4, G(3, seq: true)),
        C(3, 5, G(8), D(1)),
        C(3, 5, G(7, seq: true), D(2, Activation.Tanh)),
        C(5, 12, G(13), D(4, Activation.Softmax)),
        C(16, 20, G(33, seq: true), D(3, Activation.Sigmoid)),
        C(4, 30, G(16), D(8, Activation.Relu), D(1)),
        C(2, 10, G(8, seq: true), G(8), D(1)),
        C(3, 6, G(5, seq: true), G(7, seq: true), G(3, seq: true), D(2, Activation.Sigmoid)),
        C(1, 100, G(4), D(1)),
        C(1, 2, G(128, seq: true), D(2)),

        // Elman
        C(1, 1, RnnTanh(1)),
        C(3, 5, RnnTanh(8), D(1)),
        C(4, 9, RnnTanh(13, seq: true), D(3, Activation.Softmax)),
        C(3, 5, RnnRelu(8), D(1)),
        C(2, 15, RnnRelu(7, seq: true), D(2, Activation.Relu)),
        C(6, 25, RnnTanh(33, seq: true), RnnRelu(16), D(1, Activation.Tanh)),
        C(1, 100, RnnRelu(4), D(1)),
        C(8, 4, RnnTanh(128), D(1)),

        // Mixed stacks and heads
        C(5, 7, L(16, seq: true), G(9), D(3, Activation.Softmax)),
        C(3, 8, G(12, seq: true), L(6, seq: true), D(2, Activation.Tanh), D(1, Activation.Sigmoid)),
        C(2, 5, L(3, seq: true), RnnTanh(5, seq: true), G(4), D(2)),
        C(3, 6, L(8, seq: true), D(4, Activation.Relu), D(3, Activation.Softmax)),
        C(16, 3, G(5), D(3), D(2, Activation.Tanh)),
        C(7, 11, RnnRelu(9, seq: true), RnnTanh(3, seq: true)),

        // Bidirectional (PyTorch's bidirectional=True; many-to-one merges h_n): every kind, every merge mode many-to-one
        // and many-to-many, stacks with and without unidirectional layers, hidden sizes off multiples of 8.
        C(3, 6, BiL(5, seq: true)),
        C(4, 7, BiL(6), D(2)),
        C(3, 5, BiG(7, seq: true), D(2, Activation.Tanh)),
        C(2, 8, BiG(4)),
        C(3, 6, BiRnnTanh(5, seq: true, MergeMode.Sum)),
        C(2, 7, BiRnnRelu(6, merge: MergeMode.Average), D(1)),
        C(3, 5, BiRnnTanh(4), D(2, Activation.Softmax)),
        C(2, 6, BiRnnRelu(3, seq: true), D(2)),
        C(4, 6, BiL(4, seq: true, MergeMode.Sum), D(3, Activation.Sigmoid)),
        C(3, 7, BiL(5, merge: MergeMode.Multiply), D(2)),
        C(2, 5, BiL(3, seq: true, MergeMode.Average)),
        C(3, 6, BiG(6, merge: MergeMode.Sum), D(1)),
        C(2, 6, BiG(4, seq: true, MergeMode.Multiply), L(5, seq: true), D(2)),
        C(3, 8, BiL(6, seq: true), BiG(5), D(3, Activation.Softmax)),
        C(3, 5, RnnTanh(4, seq: true), BiL(3, seq: true, MergeMode.Average), D(2, Activation.Relu)),
        C(2, 6, BiG(5, seq: true, MergeMode.Average), BiRnnTanh(4, merge: MergeMode.Multiply)),
        C(8, 10, BiL(19, seq: true), D(2)),
        C(1, 40, BiG(4), D(1)),

        // Padded batches (pack_padded_sequence): samples of different lengths, padding at the end, lengths unsorted.
        P(3, 7, new[] { 7, 4, 1 }, L(5, seq: true), D(2)),
        P(2, 8, new[] { 5, 8, 2 }, G(6), D(1)),
        P(3, 6, new[] { 6, 3, 1 }, RnnTanh(4, seq: true)),
        P(2, 6, new[] { 2, 6, 4 }, RnnRelu(5), D(2, Activation.Tanh)),
        P(2, 7, new[] { 7, 3, 1 }, L(4, seq: true), G(3), D(1)),
        P(3, 6, new[] { 4, 6, 2 }, G(5, seq: true), D(3, Activation.Softmax)),
        P(3, 7, new[] { 7, 4, 1 }, BiL(4, seq: true), D(2, Activation.Tanh)),
        P(2, 8, new[] { 8, 5, 1 }, BiG(5), D(2)),
        P(3, 6, new[] { 3, 6, 2 }, BiRnnTanh(3, seq: true, MergeMode.Sum)),
        P(2, 7, new[] { 2, 7, 5 }, BiRnnRelu(4, merge: MergeMode.Average), D(1)),
        P(3, 8, new[] { 8, 5, 2 }, BiL(5, seq: true), BiG(4, merge: MergeMode.Average), D(3, Activation.Softmax)),
        P(3, 6, new[] { 5, 2, 6 }, G(5, seq: true), BiRnnRelu(4, seq: true, MergeMode.Multiply), D(2)),
        P(2, 9, new[] { 6, 2, 4 }, BiL(3)),
        P(4, 10, new[] { 10, 7, 3, 1 }, BiL(9, seq: true, MergeMode.Sum), D(2)),
    };
}
