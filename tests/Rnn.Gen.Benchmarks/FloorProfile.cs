using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Rnn.Gen.Benchmarks.Models;
using Rnn.Gen.Kernels;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// <c>--profile floor</c> (issue 17, targets 2 and 6): the streaming steps at H = 64 and 128 and the two T = 100
/// sequences at H = 128 against their L2 floors, each split into its two parts, the matrix-vector products alone and
/// the cell alone (the same kernel calls as the generated code, on buffers of the same shapes, 64-byte aligned), and
/// each workload's twin with the fast activations (Models.Fast.cs) with its cell (FastCellKernels) beside it. Not a
/// benchmark: every variant of a workload runs in alternation, one sample of 20 calls each per round, 300 rounds, and
/// each keeps its fastest sample, after a second of untimed warm-up (on a loaded machine interruptions only add time, so the fastest sample is the one
/// the others' work left alone; the median is printed beside it).
/// </summary>
/// <remarks>
/// The floor is <see cref="Workloads.StreamingFloor"/> / <see cref="Workloads.SequenceFloor"/> at the L2 bandwidth
/// <see cref="Machine"/> measures; the L2 read probe also runs in the alternation over a buffer of the workload's own
/// weight bytes, so its figure and the workload's come from the same moments. "floor / time" is the fraction of the
/// floor reached (100 % = at the floor): the figure issue 17 sets at 90 %. The "low/" columns divide by the smaller of
/// the floor and the row's probe instead (the run's L2 figure, taken once, moves with the other work on the machine).
/// </remarks>
public static class FloorProfile
{
    private const int Rounds = 300;
    private const int CallsPerSample = 20;
    private static float s_sink; // keeps the probe's sums alive

    public static void Run()
    {
        Machine machine = Machine.Describe();
        Console.WriteLine($"load average {Machine.LoadAverage()}; L2 read {machine.L2ReadGBps:F1} GB/s (best of 25, {Machine.L2ProbeKb} KB), AVX-512 FMA {machine.Avx512FmaGflops:F1} GFLOP/s");
        Console.WriteLine($"{"workload",-26} {"KB",7} {"floor ns",9} {"probe ns",9} {"whole ns",9} {"median",9} {"products",9} {"cell",8} {"fast ns",9} {"median",9} {"fast cell",9} {"floor/whole",11} {"floor/fast",10} {"floor/products",14} {"low/whole",10} {"low/fast",9}");
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru })
        {
            foreach (bool inputIsHidden in new[] { false, true })
            {
                foreach (int hidden in new[] { 64, 128 })
                {
                    Streaming(machine, cell, inputIsHidden ? hidden : 1, hidden);
                }
            }
        }

        Sequence<LstmSequence_I16_H128, LstmSequence_I16_H128_Fast>(machine, CellKind.Lstm);
        Sequence<GruSequence_I16_H128, GruSequence_I16_H128_Fast>(machine, CellKind.Gru);
        Console.WriteLine($"load average {Machine.LoadAverage()}");
    }

    private static void Streaming(Machine machine, CellKind cell, int input, int hidden)
    {
        string name = $"Rnn.Gen.Benchmarks.Models.{cell}Stream_I{(input == 1 ? "1" : "H")}_H{hidden}";
        var model = (IRnnModel)Activator.CreateInstance(Type.GetType(name, throwOnError: true)!)!;
        var fast = (IRnnModel)Activator.CreateInstance(Type.GetType(name + "_Fast", throwOnError: true)!)!;
        model.Initialize(1);
        model.Parameters.CopyTo(fast.Parameters);
        float[] x = Values(input, 1f), y = new float[model.OutputSize];
        var parts = new StepParts(cell, input, hidden);
        Floor floor = Workloads.StreamingFloor(machine, cell, input, hidden, dense: false);
        Report($"{cell.ToString().ToUpperInvariant()} I={input} H={hidden} Step", floor, 1,
            () => model.Step(x, y), parts.Products, parts.Cell, () => fast.Step(x, y), parts.FastCell);
    }

    private static void Sequence<T, TFast>(Machine machine, CellKind cell)
        where T : class, IRnnModel, new()
        where TFast : class, IRnnModel, new()
    {
        var model = new T();
        var fast = new TFast();
        model.Initialize(1);
        model.Parameters.CopyTo(fast.Parameters);
        float[] x = Values(model.Steps * model.InputSize, 1f), y = new float[model.OutputSteps * model.OutputSize];
        const int hidden = 128;
        var parts = new StepParts(cell, input: 0, hidden);
        Floor floor = Workloads.SequenceFloor(machine, cell, hidden);

        // The per-step parts of Predict: the recurrent product and the cell, once per step (the input side of all steps
        // is one matrix product, and the head one dot product: a few µs of the whole).
        Report($"{cell.ToString().ToUpperInvariant()} H={hidden} T={Workloads.SequenceSteps} Predict", floor, Workloads.SequenceSteps,
            () => model.Predict(x, y), parts.Products, parts.Cell, () => fast.Predict(x, y), parts.FastCell);
    }

    /// <summary>
    /// Times <paramref name="whole"/> (a step, or a sequence of <paramref name="stepsPerCall"/> steps), the products and
    /// the cell (each once per step), the L2 probe over the workload's weight bytes, and the fast-activation twin's
    /// whole and cell (<paramref name="fastWhole"/>, <paramref name="fastCell"/>), in alternation.
    /// </summary>
    private static unsafe void Report(string name, Floor floor, int stepsPerCall, Action whole, Action products, Action cell, Action fastWhole, Action fastCell)
    {
        // The probe reads the weights one step reads (all of a sequence's steps read the same), in blocks of 128 floats.
        int floats = (int)Math.Ceiling(floor.ResidentBytes / sizeof(float) / 128) * 128;
        var probeBuffer = new AlignedBuffer(floats);
        probeBuffer.Span.Fill(1e-3f);
        Action probe = () =>
        {
            fixed (float* p = &probeBuffer.Start)
            {
                s_sink += Machine.ReadPasses(p, floats, 1);
            }
        };

        Action[] variants = [whole, Repeat(products, stepsPerCall), Repeat(cell, stepsPerCall), probe, fastWhole, Repeat(fastCell, stepsPerCall)];
        var samples = variants.Select(_ => new List<double>(Rounds)).ToArray();

        // Warm-up, untimed, for a second: tiered compilation promotes a method to its optimized code only after 100 ms
        // without new methods being compiled, and each workload instantiates kernels of new shapes.
        long warmUpEnd = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < warmUpEnd)
        {
            foreach (Action action in variants)
            {
                action();
            }
        }

        for (int round = 0; round < Rounds + 20; round++)
        {
            for (int v = 0; v < variants.Length; v++)
            {
                Action action = variants[v];
                long start = Stopwatch.GetTimestamp();
                for (int call = 0; call < CallsPerSample; call++)
                {
                    action();
                }

                if (round >= 20)
                {
                    samples[v].Add((Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency / CallsPerSample);
                }
            }
        }

        double[] best = samples.Select(s => s.Min()).ToArray();
        double median = samples[0].OrderBy(s => s).ElementAt(samples[0].Count / 2);
        double fastMedian = samples[4].OrderBy(s => s).ElementAt(samples[4].Count / 2);
        double probeNs = best[3] * floor.Bytes / (floats * (double)sizeof(float)); // per byte of the workload's reads

        // The L2 figure behind the floor is measured once per run and moves 20 % between runs on a shared machine; the
        // probe in the alternation reads the same bytes at the same moments as the row. "low" is the smaller of the two:
        // the floor the "low/" columns divide by.
        double low = Math.Min(floor.MemoryNs, probeNs);
        Console.WriteLine($"{name,-26} {floor.Bytes / 1024,7:F0} {floor.MemoryNs,9:F0} {probeNs,9:F0} {best[0],9:F0} {median,9:F0} {best[1],9:F0} {best[2],8:F0} {best[4],9:F0} {fastMedian,9:F0} {best[5],9:F0} {100 * floor.MemoryNs / best[0],10:F1} % {100 * floor.MemoryNs / best[4],9:F1} % {100 * floor.MemoryNs / best[1],13:F1} % {100 * low / best[0],9:F1} % {100 * low / best[4],8:F1} %");
    }

    private static Action Repeat(Action action, int times) => times == 1 ? action : () =>
    {
        for (int i = 0; i < times; i++)
        {
            action();
        }
    };

    private static float[] Values(int length, float scale)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = MathF.Sin(0.37f * i) * scale;
        }

        return values;
    }

    /// <summary>The kernel calls of one generated step (VectorKernels, CellKernels), on aligned buffers of its shapes.</summary>
    private sealed class StepParts
    {
        private readonly AlignedBuffer _inputWeights, _hiddenWeights, _bias, _hiddenBias, _x, _h, _gates, _gatesHidden, _c, _tanhC, _hOut;
        private readonly int _gateCount;

        public StepParts(CellKind cell, int input, int hidden)
        {
            _gateCount = cell == CellKind.Lstm ? 4 : 3;
            int rows = _gateCount * hidden;
            _inputWeights = Filled(input * rows, 0.05f);
            _hiddenWeights = Filled(hidden * rows, 0.05f);
            _bias = Filled(rows, 0.1f);
            _hiddenBias = Filled(rows, 0.1f);
            _x = Filled(input, 1f);
            _h = Filled(hidden, 0.5f);
            _gates = Filled(rows, 1f);
            _gatesHidden = Filled(rows, 1f);
            _c = Filled(hidden, 0.5f);
            _tanhC = Filled(hidden, 0f);
            _hOut = Filled(hidden, 0f);
        }

        /// <summary>The step's products: W_ih x (when there is an input side) and W_hh h, as the generated step calls them.</summary>
        public void Products()
        {
            if (_gateCount == 4)
            {
                if (_x.Length > 0)
                {
                    VectorKernels.AffinePacked(_bias.Span, _inputWeights.Span, _x.Span, _gates.Span, 4);
                    VectorKernels.MultiplyAddPacked(_hiddenWeights.Span, _h.Span, _gates.Span, 4);
                }
                else
                {
                    VectorKernels.MultiplyAddPacked(_hiddenWeights.Span, _h.Span, _gates.Span, 4); // Predict: onto the input side
                }
            }
            else
            {
                if (_x.Length > 0)
                {
                    VectorKernels.AffinePacked(_bias.Span, _inputWeights.Span, _x.Span, _gates.Span, 3);
                }

                VectorKernels.AffinePacked(_hiddenBias.Span, _hiddenWeights.Span, _h.Span, _gatesHidden.Span, 3);
            }
        }

        /// <summary>The step's cell, in place on the same buffers at every call (the values stay in the activations' range).</summary>
        public void Cell()
        {
            if (_gateCount == 4)
            {
                CellKernels.LstmCell(_gates.Span, _c.Span, _c.Span, _tanhC.Span, _hOut.Span);
            }
            else
            {
                CellKernels.GruCell(_gates.Span, _gatesHidden.Span, _h.Span, _tanhC.Span, _hOut.Span);
            }
        }

        /// <summary><see cref="Cell"/> with the fast activations (FastCellKernels), as the fast twin's step calls it.</summary>
        public void FastCell()
        {
            if (_gateCount == 4)
            {
                FastCellKernels.LstmCell(_gates.Span, _c.Span, _c.Span, _tanhC.Span, _hOut.Span);
            }
            else
            {
                FastCellKernels.GruCell(_gates.Span, _gatesHidden.Span, _h.Span, _tanhC.Span, _hOut.Span);
            }
        }

        private static AlignedBuffer Filled(int length, float scale)
        {
            var buffer = new AlignedBuffer(length);
            Span<float> span = buffer.Span;
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = MathF.Sin(0.11f * i) * scale;
            }

            return buffer;
        }
    }
}
