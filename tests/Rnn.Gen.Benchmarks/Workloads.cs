using System.Collections.Generic;

namespace Rnn.Gen.Benchmarks;

public enum CellKind
{
    Lstm,
    Gru,
}

public enum InputKind
{
    /// <summary>One input feature.</summary>
    One,

    /// <summary>As many input features as hidden units.</summary>
    Hidden,
}

/// <summary>Flop counts of the workloads and the reference figures of issue 6.</summary>
public static class Workloads
{
    /// <summary>The FMA roofline of issue 6: fp32, one core of the reference machine (AMD EPYC Zen 1, AVX2 + FMA).</summary>
    public const double AnchorRooflineGflops = 39.0;

    public const int SequenceInput = 16;
    public const int SequenceSteps = 100;

    public const int TrainInput = 8;
    public const int TrainHidden = 64;
    public const int TrainSteps = 50;
    public const int TrainBatch = 32;

    /// <summary>
    /// Flops of one recurrent step: the matrix-vector products (2 flops per weight: LSTM 8·H·(I+H), GRU 6·H·(I+H)) plus
    /// the element-wise gate arithmetic (LSTM: two bias adds over 4H rows, c = f·c + i·g, h = o·tanh(c): 12·H;
    /// GRU: bias adds over 3H rows twice, r·(W_hn h + b_hn) and its add, h = (1 − z)·n + z·h: 11·H). The sigmoid and
    /// tanh evaluations are not counted.
    /// </summary>
    public static double StepFlops(CellKind cell, int input, int hidden) => cell == CellKind.Lstm
        ? 8.0 * hidden * (input + hidden) + 12.0 * hidden
        : 6.0 * hidden * (input + hidden) + 11.0 * hidden;

    /// <summary>Dense(1) on H features: H multiply-adds and the bias.</summary>
    public static double DenseFlops(int hidden) => 2.0 * hidden + 1;

    public static double StreamingFlops(CellKind cell, int input, int hidden, bool dense) =>
        StepFlops(cell, input, hidden) + (dense ? DenseFlops(hidden) : 0);

    public static double SequenceFlops(CellKind cell, int hidden) =>
        SequenceSteps * StepFlops(cell, SequenceInput, hidden) + DenseFlops(hidden);

    /// <summary>A training step: forward + backward ≈ 3 × the forward flops, over the whole batch.</summary>
    public static double TrainingFlops =>
        3.0 * TrainBatch * (TrainSteps * StepFlops(CellKind.Lstm, TrainInput, TrainHidden) + DenseFlops(TrainHidden));

    private static readonly int[] s_hidden = [8, 16, 32, 64, 128];

    /// <summary>RTNeural's compile-time API with Dense(1), ns per streamed sample (issue 6; measured on the reference machine).</summary>
    public static double? RtNeuralStreamingNs(CellKind cell, InputKind input, int hidden)
    {
        double[] row = (cell, input) switch
        {
            (CellKind.Lstm, InputKind.One) => [134, 260, 687, 2442, 8204],
            (CellKind.Lstm, InputKind.Hidden) => [163, 345, 969, 3064, 15333],
            (CellKind.Gru, InputKind.One) => [103, 183, 567, 1379, 5023],
            _ => [127, 287, 760, 2494, 9874],
        };
        int k = System.Array.IndexOf(s_hidden, hidden);
        return k < 0 ? null : row[k];
    }

    /// <summary>RTNeural per 100-step sequence, input 16, ns (issue 6).</summary>
    public static double? RtNeuralSequenceNs(CellKind cell, int hidden) => (cell, hidden) switch
    {
        (CellKind.Lstm, 32) => 75_000,
        (CellKind.Lstm, 128) => 750_000,
        (CellKind.Gru, 32) => 64_000,
        (CellKind.Gru, 128) => 512_000,
        _ => null,
    };

    /// <summary>The libtorch figures of issue 6 (TorchSharp, one thread, reference machine), ns.</summary>
    public static double? LibTorchAnchorSequenceNs(CellKind cell, int hidden) => (cell, hidden) switch
    {
        (CellKind.Lstm, 32) => 363_000,
        (CellKind.Lstm, 128) => 1_586_000,
        (CellKind.Gru, 32) => 3_974_000,
        (CellKind.Gru, 128) => 5_382_000,
        _ => null,
    };

    public const double LibTorchAnchorTrainingNs = 12_400_000;
    public const double LibTorchAnchorTrainingTwoThreadsNs = 8_100_000;
}
