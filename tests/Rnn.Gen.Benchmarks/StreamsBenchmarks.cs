using System;
using BenchmarkDotNet.Attributes;
using Rnn.Gen.Benchmarks.Peers;

namespace Rnn.Gen.Benchmarks.Models
{
    // Issue 17, target 4: the streaming models of workload (a) at I = H with a Dense(1) head, with many streams.
    [RnnModel(inputSize: 64, steps: 1, Streams = true)]
    [Lstm(64)]
    [Dense(1)]
    public partial class LstmStreams_I64_H64;

    [RnnModel(inputSize: 128, steps: 1, Streams = true)]
    [Lstm(128)]
    [Dense(1)]
    public partial class LstmStreams_I128_H128;

    [RnnModel(inputSize: 64, steps: 1, Streams = true)]
    [Gru(64)]
    [Dense(1)]
    public partial class GruStreams_I64_H64;

    [RnnModel(inputSize: 128, steps: 1, Streams = true)]
    [Gru(128)]
    [Dense(1)]
    public partial class GruStreams_I128_H128;
}

namespace Rnn.Gen.Benchmarks
{
    using Rnn.Gen.Benchmarks.Models;

    /// <summary>
    /// Issue 17, target 4: one time step of N independent streams (a server's N sensors), LSTM/GRU I = H + Dense(1).
    /// Rnn.Gen's <c>Model.Streams</c> (one product per layer for all N, split over up to <see cref="Threads"/> threads),
    /// the same N streams stepped one after another through N predictors (what serving N sensors took before), libtorch
    /// and ONNX Runtime with a batch of N on <see cref="Threads"/> intra-op threads. One call is one step of all N
    /// streams: samples per second = N / time. Every peer's setup checks that its first step from a zero state gives
    /// Rnn.Gen's outputs within 1e-4.
    /// </summary>
    [MemoryDiagnoser]
    [BenchmarkCategory(Categories.Streams)]
    public class StreamsBenchmarks
    {
        [Params(CellKind.Lstm, CellKind.Gru)]
        public CellKind Cell { get; set; }

        [Params(64, 128)]
        public int Hidden { get; set; }

        [Params(1, 4, 16, 64, 256)]
        public int Streams { get; set; }

        /// <summary>The threads a step may use: Rnn.Gen's MaxThreads, libtorch's and ONNX Runtime's intra-op threads.</summary>
        [Params(1, 2)]
        public int Threads { get; set; }

        private IRnnModel _model = null!;
        private Action<float[], float[]> _step = null!;
        private Action _reset = null!;
        private IDisposable? _streams;
        private IRnnPredictor[] _predictors = [];
        private TorchStreamsPeer? _torch;
        private OnnxPeer? _onnx;
        private float[] _inputs = [];
        private float[] _outputs = [];

        /// <summary>Creates the model and its streams, and returns the outputs of one step of every stream from a zero state.</summary>
        private float[] CreateModel()
        {
            (_model, Func<int, (Action<float[], float[]>, Action, int, IDisposable)> create) = (Cell, Hidden) switch
            {
                (CellKind.Lstm, 64) => Make(new LstmStreams_I64_H64(), (m, n) => m.CreateStreams(n), s => ((x, y) => s.Step(x, y), s.Reset, s.MaxThreads = Threads, s)),
                (CellKind.Lstm, 128) => Make(new LstmStreams_I128_H128(), (m, n) => m.CreateStreams(n), s => ((x, y) => s.Step(x, y), s.Reset, s.MaxThreads = Threads, s)),
                (CellKind.Gru, 64) => Make(new GruStreams_I64_H64(), (m, n) => m.CreateStreams(n), s => ((x, y) => s.Step(x, y), s.Reset, s.MaxThreads = Threads, s)),
                (CellKind.Gru, 128) => Make(new GruStreams_I128_H128(), (m, n) => m.CreateStreams(n), s => ((x, y) => s.Step(x, y), s.Reset, s.MaxThreads = Threads, s)),
                _ => throw new ArgumentOutOfRangeException(nameof(Hidden)),
            };
            _model.Initialize(seed: 1);
            (_step, _reset, _, _streams) = create(Streams);
            _inputs = Check.Random(Streams * Hidden, seed: 5);
            _outputs = new float[Streams];
            _step(_inputs, _outputs);
            float[] expected = (float[])_outputs.Clone();
            _reset();
            return expected;
        }

        private static (IRnnModel, Func<int, (Action<float[], float[]>, Action, int, IDisposable)>) Make<TModel, TStreams>(
            TModel model, Func<TModel, int, TStreams> create, Func<TStreams, (Action<float[], float[]>, Action, int, IDisposable)> members)
            where TModel : IRnnModel => (model, n => members(create(model, n)));

        [GlobalSetup(Target = nameof(RnnGen))]
        public void Setup() => CreateModel();

        [GlobalCleanup(Target = nameof(RnnGen))]
        public void Cleanup() => _streams?.Dispose();

        [GlobalSetup(Target = nameof(RnnGenStepEach))]
        public void SetupStepEach()
        {
            float[] expected = CreateModel();
            _predictors = new IRnnPredictor[Streams];
            for (int s = 0; s < Streams; s++)
            {
                _predictors[s] = _model.CreatePredictor();
            }

            RnnGenStepEach();
            Check.BitIdentical(expected, _outputs, $"{Cell} H={Hidden}: {Streams} predictors' Step against the streams");
        }

        [GlobalSetup(Target = nameof(LibTorch))]
        public void SetupLibTorch()
        {
            float[] expected = CreateModel();
            TorchPeer.SetThreads(Threads);
            _torch = new TorchStreamsPeer(Cell, Hidden, Hidden, Streams);
            _torch.LoadFrom(_model);
            LibTorch();
            Check.Close(expected, _outputs, 1e-4f, $"libtorch {Cell} H={Hidden}, batch of {Streams} streams");
        }

        [GlobalCleanup(Target = nameof(LibTorch))]
        public void CleanupLibTorch()
        {
            _torch?.Dispose();
            TorchPeer.SetThreads(1); // the other benchmarks' setting
        }

        [GlobalSetup(Target = nameof(OnnxRuntime))]
        public void SetupOnnx()
        {
            float[] expected = CreateModel();
            _onnx = new OnnxPeer(_model, Cell, Hidden, Hidden, dense: true, steps: 1, streaming: true, batch: Streams, threads: Threads);
            OnnxRuntime();
            Check.Close(expected, _outputs, 1e-4f, $"ONNX Runtime {Cell} H={Hidden}, batch of {Streams} streams");
        }

        [GlobalCleanup(Target = nameof(OnnxRuntime))]
        public void CleanupOnnx() => _onnx?.Dispose();

        /// <summary>One step of the N streams with <c>Model.Streams</c>.</summary>
        [Benchmark(Baseline = true)]
        public void RnnGen() => _step(_inputs, _outputs);

        /// <summary>One step of the N streams, one predictor's Step after another (one thread).</summary>
        [Benchmark]
        public void RnnGenStepEach()
        {
            for (int s = 0; s < _predictors.Length; s++)
            {
                _predictors[s].Step(_inputs.AsSpan(s * Hidden, Hidden), _outputs.AsSpan(s, 1));
            }
        }

        [Benchmark]
        [BenchmarkCategory(Categories.LibTorch)]
        public void LibTorch() => _torch!.Step(_inputs, _outputs);

        [Benchmark]
        [BenchmarkCategory(Categories.Onnx)]
        public void OnnxRuntime() => _onnx!.Step(_inputs, _outputs);
    }
}
