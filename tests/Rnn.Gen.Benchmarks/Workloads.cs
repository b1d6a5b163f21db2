using System;

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

/// <summary>Flop and weight-byte counts of the workloads, and their floors on the measured machine.</summary>
public static class Workloads
{
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

    /// <summary>
    /// Floats a recurrent step reads: the input and recurrent matrices, G·H·(I+H), and one bias per gate row (the two
    /// PyTorch biases folded into one, G·H), plus the GRU's recurrent new-gate bias b_hn, which multiplies by r and so
    /// cannot be folded (H).
    /// </summary>
    public static double CellWeightFloats(CellKind cell, int input, int hidden) => cell == CellKind.Lstm
        ? 4.0 * hidden * (input + hidden) + 4.0 * hidden
        : 3.0 * hidden * (input + hidden) + 4.0 * hidden;

    /// <summary>Dense(1) on H features: H weights and the bias.</summary>
    public static double DenseWeightFloats(int hidden) => hidden + 1.0;

    /// <summary>
    /// The floor of workload (a): one streamed sample reads every weight once (the state carries over between calls, so
    /// nothing is reused across samples); the weights stay in the cache level that holds all of them.
    /// </summary>
    public static Floor StreamingFloor(Machine machine, CellKind cell, int input, int hidden, bool dense)
    {
        double bytes = sizeof(float) * (CellWeightFloats(cell, input, hidden) + (dense ? DenseWeightFloats(hidden) : 0));
        return Floor.Of(machine, StreamingFlops(cell, input, hidden, dense), bytes, resident: bytes);
    }

    /// <summary>
    /// The floor of workload (b): each of the steps reads the recurrent matrix and the biases (step t needs h_{t−1}), while
    /// the input matrix and the Dense head can be read once for the whole sequence (all inputs are known up front). The
    /// level is the one that holds all the weights.
    /// </summary>
    public static Floor SequenceFloor(Machine machine, CellKind cell, int hidden)
    {
        int gates = cell == CellKind.Lstm ? 4 : 3;
        double perStep = (double)gates * hidden * hidden + (CellWeightFloats(cell, 0, hidden) - (double)gates * hidden * hidden);
        double once = (double)gates * hidden * SequenceInput + DenseWeightFloats(hidden);
        double bytes = sizeof(float) * (SequenceSteps * perStep + once);
        return Floor.Of(machine, SequenceFlops(cell, hidden), bytes, resident: sizeof(float) * (perStep + once));
    }
}

/// <summary>
/// A workload's floor on this machine: the larger of its flops at the measured one-core FMA peak and its weight bytes at
/// the measured read bandwidth of the cache level its weights live in (<see cref="Machine.ReadBandwidth"/>).
/// </summary>
public readonly record struct Floor(double Flops, double Bytes, double ResidentBytes, string Level, double ComputeNs, double MemoryNs)
{
    public double Ns => Math.Max(ComputeNs, MemoryNs);

    /// <summary>"compute" or the cache level, whichever bounds the floor.</summary>
    public string Bound => ComputeNs >= MemoryNs ? "compute" : Level;

    public static Floor Of(Machine machine, double flops, double bytes, double resident)
    {
        (string level, double gbps) = machine.ReadBandwidth(resident);
        return new Floor(flops, bytes, resident, level,
            machine.PeakGflops > 0 ? flops / machine.PeakGflops : 0,
            gbps > 0 ? bytes / gbps : 0);
    }
}
