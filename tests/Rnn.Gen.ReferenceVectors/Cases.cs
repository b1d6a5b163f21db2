using System.Collections.Generic;
using static Rnn.Gen.ReferenceVectors.LayerKind;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// The reference cases. Together they cover every recurrent kind (LSTM, GRU, Elman tanh and relu), input sizes 1 to 16,
/// hidden sizes 1 to 128 (most of them not multiples of 8, so vector tails are exercised), 1 to 100 steps, 1 to 3
/// stacked recurrent layers, many-to-one and many-to-many, and Dense heads with every activation, stacked two deep.
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

    private static CaseSpec C(int inputSize, int steps, params LayerSpec[] layers) => new(inputSize, steps, layers);

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
    };
}
