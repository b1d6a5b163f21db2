using System;
using BenchmarkDotNet.Attributes;
using Rnn.Gen.Benchmarks.Models;
using Rnn.Gen.Benchmarks.Peers;

namespace Rnn.Gen.Benchmarks;

/// <summary>Workload (b): whole-sequence Predict, input 16, 100 steps, batch 1, many-to-one + Dense(1).</summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Sequence)]
public class SequenceBenchmarks
{
    [Params(CellKind.Lstm, CellKind.Gru)]
    public CellKind Cell { get; set; }

    [Params(32, 128)]
    public int Hidden { get; set; }

    private IRnnModel _model = null!;
    private PlainModel _plain = null!;
    private TorchSequencePeer? _torch;
    private OnnxPeer? _onnx;
    private RtNeuralPeer? _rtNeural;
    private float[] _input = [];
    private readonly float[] _output = new float[1];

    private float CreateModel()
    {
        _model = (Cell, Hidden) switch
        {
            (CellKind.Lstm, 32) => new LstmSequence_I16_H32(),
            (CellKind.Lstm, 128) => new LstmSequence_I16_H128(),
            (CellKind.Gru, 32) => new GruSequence_I16_H32(),
            (CellKind.Gru, 128) => new GruSequence_I16_H128(),
            _ => throw new ArgumentOutOfRangeException(nameof(Hidden)),
        };
        _model.Initialize(seed: 1);
        _input = Check.Random(Workloads.SequenceSteps * Workloads.SequenceInput, seed: 3);
        _model.Predict(_input, _output);
        return _output[0];
    }

    [GlobalSetup(Targets = [nameof(RnnGen), nameof(PlainCSharp)])]
    public void Setup()
    {
        float expected = CreateModel();
        _plain = PlainModel.Create(Cell == CellKind.Gru, Workloads.SequenceInput, Hidden, dense: true, _model.Parameters);
        PlainCSharp();
        Check.Close([expected], _output, 1e-4f, $"plain C# sequence {Cell} H={Hidden}");
    }

    [GlobalSetup(Target = nameof(LibTorch))]
    public void SetupLibTorch()
    {
        float expected = CreateModel();
        TorchPeer.SetThreads(1);
        _torch = new TorchSequencePeer(Cell, Workloads.SequenceInput, Hidden, Workloads.SequenceSteps);
        _torch.LoadFrom(_model);
        LibTorch();
        Check.Close([expected], _output, 1e-4f, $"libtorch sequence {Cell} H={Hidden}");
    }

    [GlobalCleanup(Target = nameof(LibTorch))]
    public void CleanupLibTorch() => _torch?.Dispose();

    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnx()
    {
        float expected = CreateModel();
        _onnx = new OnnxPeer(_model, Cell, Workloads.SequenceInput, Hidden, dense: true, Workloads.SequenceSteps, streaming: false);
        OnnxRuntime();
        Check.Close([expected], _output, 1e-4f, $"ONNX Runtime sequence {Cell} H={Hidden}");
    }

    [GlobalCleanup(Target = nameof(OnnxRuntime))]
    public void CleanupOnnx() => _onnx?.Dispose();

    // RTNeural: one setup per build (the benchmark method names the library, see RtNeuralPeer.Variants).
    [GlobalSetup(Target = nameof(RtNeuralEigenNative))] public void SetupRtNeuralEigenNative() => SetupRtNeural(nameof(RtNeuralEigenNative));
    [GlobalSetup(Target = nameof(RtNeuralEigenAvx2))] public void SetupRtNeuralEigenAvx2() => SetupRtNeural(nameof(RtNeuralEigenAvx2));
    [GlobalSetup(Target = nameof(RtNeuralXsimdNative))] public void SetupRtNeuralXsimdNative() => SetupRtNeural(nameof(RtNeuralXsimdNative));
    [GlobalSetup(Target = nameof(RtNeuralXsimdAvx2))] public void SetupRtNeuralXsimdAvx2() => SetupRtNeural(nameof(RtNeuralXsimdAvx2));

    private void SetupRtNeural(string method)
    {
        float expected = CreateModel();
        _rtNeural = new RtNeuralPeer(method, _model, Cell, Workloads.SequenceInput, Hidden, dense: true);
        _output[0] = float.NaN;
        _rtNeural.Predict(_input, _output, Workloads.SequenceSteps);
        Check.Close([expected], _output, 1e-4f, $"RTNeural ({_rtNeural.Variant}) sequence {Cell} H={Hidden}");
    }

    [GlobalCleanup(Targets = [nameof(RtNeuralEigenNative), nameof(RtNeuralEigenAvx2), nameof(RtNeuralXsimdNative), nameof(RtNeuralXsimdAvx2)])]
    public void CleanupRtNeural() => _rtNeural?.Dispose();

    [Benchmark(Baseline = true)]
    public void RnnGen() => _model.Predict(_input, _output);

    private IRnnModel _int8 = null!;

    /// <summary>The int8 twin (Weights = WeightPrecision.Int8) on the same parameters; its output must be within 0.05 of float32's.</summary>
    [GlobalSetup(Target = nameof(RnnGenInt8))]
    public void SetupInt8() => _int8 = Twin(
        (Cell, Hidden) switch
        {
            (CellKind.Lstm, 32) => new LstmSequence_I16_H32_Int8(),
            (CellKind.Lstm, 128) => new LstmSequence_I16_H128_Int8(),
            (CellKind.Gru, 32) => new GruSequence_I16_H32_Int8(),
            (CellKind.Gru, 128) => new GruSequence_I16_H128_Int8(),
            _ => throw new ArgumentOutOfRangeException(nameof(Hidden)),
        },
        0.05f,
        "int8");

    [Benchmark]
    [BenchmarkCategory(Categories.Int8)]
    public void RnnGenInt8() => _int8.Predict(_input, _output);

    private IRnnModel _fast = null!;

    /// <summary>The fast-activation twin (Activations = ActivationPrecision.Fast) on the same parameters; its output must be within 1e-5 of the exact model's.</summary>
    [GlobalSetup(Target = nameof(RnnGenFast))]
    public void SetupFast() => _fast = Twin(
        (Cell, Hidden) switch
        {
            (CellKind.Lstm, 32) => new LstmSequence_I16_H32_Fast(),
            (CellKind.Lstm, 128) => new LstmSequence_I16_H128_Fast(),
            (CellKind.Gru, 32) => new GruSequence_I16_H32_Fast(),
            (CellKind.Gru, 128) => new GruSequence_I16_H128_Fast(),
            _ => throw new ArgumentOutOfRangeException(nameof(Hidden)),
        },
        1e-5f,
        "fast activations");

    [Benchmark]
    [BenchmarkCategory(Categories.FastActivations)]
    public void RnnGenFast() => _fast.Predict(_input, _output);

    private IRnnModel _int8Fast = null!;

    /// <summary>The int8 twin with the fast activations (H = 128 only: Int8SequenceBenchmarks' column, not a benchmark of this class); within 0.05 of float32's output.</summary>
    public void SetupInt8Fast() => _int8Fast = Twin(
        Cell == CellKind.Lstm && Hidden == 128 ? new LstmSequence_I16_H128_Int8_Fast()
            : Cell == CellKind.Gru && Hidden == 128 ? new GruSequence_I16_H128_Int8_Fast()
            : throw new ArgumentOutOfRangeException(nameof(Hidden)),
        0.05f,
        "int8 + fast activations");

    /// <summary>
    /// <paramref name="twin"/> (the model with other weights or activations) on the float32 model's parameters, its
    /// Predict checked within <paramref name="tolerance"/> of the float32 model's output.
    /// </summary>
    private IRnnModel Twin(IRnnModel twin, float tolerance, string what)
    {
        float expected = CreateModel();
        _model.Parameters.CopyTo(twin.Parameters);
        twin.Predict(_input, _output);
        Check.Close([expected], _output, tolerance, $"{what} {Cell} sequence H={Hidden}");
        return twin;
    }

    /// <summary>The int8 + fast twin's Predict (see <see cref="SetupInt8Fast"/>).</summary>
    public void RnnGenInt8Fast() => _int8Fast.Predict(_input, _output);

    [Benchmark]
    public void PlainCSharp() => _plain.Predict(_input, _output);

    [Benchmark]
    [BenchmarkCategory(Categories.LibTorch)]
    public void LibTorch() => _torch!.Predict(_input, _output);

    [Benchmark]
    [BenchmarkCategory(Categories.Onnx)]
    public void OnnxRuntime() => _onnx!.Predict(_input, _output);

    [Benchmark]
    [BenchmarkCategory(Categories.RtNeural)]
    public void RtNeuralEigenNative() => _rtNeural!.Predict(_input, _output, Workloads.SequenceSteps);

    [Benchmark]
    [BenchmarkCategory(Categories.RtNeural)]
    public void RtNeuralEigenAvx2() => _rtNeural!.Predict(_input, _output, Workloads.SequenceSteps);

    [Benchmark]
    [BenchmarkCategory(Categories.RtNeural)]
    public void RtNeuralXsimdNative() => _rtNeural!.Predict(_input, _output, Workloads.SequenceSteps);

    [Benchmark]
    [BenchmarkCategory(Categories.RtNeural)]
    public void RtNeuralXsimdAvx2() => _rtNeural!.Predict(_input, _output, Workloads.SequenceSteps);
}
