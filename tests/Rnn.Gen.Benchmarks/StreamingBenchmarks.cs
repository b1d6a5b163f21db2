using System;
using BenchmarkDotNet.Attributes;
using Rnn.Gen.Benchmarks.Models;
using Rnn.Gen.Benchmarks.Peers;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// Workload (a): streaming Step, one sample at a time, state kept between calls. Each invocation streams
/// <see cref="StepsPerInvoke"/> consecutive samples, so the figures are ns per sample (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Streaming)]
public class StreamingBenchmarks
{
    public const int StepsPerInvoke = 16;

    [Params(CellKind.Lstm, CellKind.Gru)]
    public CellKind Cell { get; set; }

    [Params(InputKind.One, InputKind.Hidden)]
    public InputKind Input { get; set; }

    [Params(8, 16, 32, 64, 128)]
    public int Hidden { get; set; }

    /// <summary>Whether the cell is followed by Dense(1) (RTNeural's figures are with it).</summary>
    [Params(false, true)]
    public bool Dense { get; set; }

    private IStreamingModel _model = null!;
    private PlainModel _plain = null!;
    private TorchStreamingPeer? _torch;
    private OnnxPeer? _onnx;
    private RtNeuralPeer? _rtNeural;
    private float[] _inputs = [];
    private float[] _outputs = [];

    private int InputSize => Input == InputKind.One ? 1 : Hidden;

    private void CreateModel()
    {
        string name = $"Rnn.Gen.Benchmarks.Models.{Cell}Stream_I{(Input == InputKind.One ? "1" : "H")}_H{Hidden}{(Dense ? "_Dense" : "")}";
        Type type = Type.GetType(name, throwOnError: true)!;
        _model = (IStreamingModel)Activator.CreateInstance(type)!;
        _model.Initialize(seed: 1);
        _inputs = Check.Random(StepsPerInvoke * InputSize, seed: 2);
        _outputs = new float[StepsPerInvoke * _model.OutputSize];
    }

    /// <summary>The generated model's outputs for one block from a zero state, the reference the peers must match.</summary>
    private float[] ReferenceBlock()
    {
        _model.ResetState();
        _model.StepBlock(_inputs, _outputs);
        _model.ResetState();
        return (float[])_outputs.Clone();
    }

    [GlobalSetup(Targets = [nameof(RnnGen), nameof(PlainCSharp)])]
    public void Setup()
    {
        CreateModel();
        float[] expected = ReferenceBlock();
        _plain = PlainModel.Create(Cell == CellKind.Gru, InputSize, Hidden, Dense, _model.Parameters);
        _plain.ResetState();
        PlainCSharp();
        Check.Close(expected, _outputs, 1e-4f, $"plain C# {Cell} I={InputSize} H={Hidden} dense={Dense}");
        _plain.ResetState();
    }

    [GlobalSetup(Target = nameof(LibTorch))]
    public void SetupLibTorch()
    {
        CreateModel();
        float[] expected = ReferenceBlock();
        TorchPeer.SetThreads(1);
        _torch = new TorchStreamingPeer(Cell, InputSize, Hidden, Dense);
        _torch.LoadFrom(_model);
        LibTorch();
        Check.Close(expected, _outputs, 1e-4f, $"libtorch {Cell} I={InputSize} H={Hidden} dense={Dense}");
        _torch.ResetState();
    }

    [GlobalCleanup(Target = nameof(LibTorch))]
    public void CleanupLibTorch() => _torch?.Dispose();

    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnx()
    {
        CreateModel();
        float[] expected = ReferenceBlock();
        _onnx = new OnnxPeer(_model, Cell, InputSize, Hidden, Dense, steps: 1, streaming: true);
        OnnxRuntime();
        Check.Close(expected, _outputs, 1e-4f, $"ONNX Runtime {Cell} I={InputSize} H={Hidden} dense={Dense}");
        _onnx.ResetState();
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
        CreateModel();
        float[] expected = ReferenceBlock();
        _rtNeural = new RtNeuralPeer(method, _model, Cell, InputSize, Hidden, Dense);
        _rtNeural.StepBlock(_inputs, _outputs, StepsPerInvoke);
        Check.Close(expected, _outputs, 1e-4f, $"RTNeural ({_rtNeural.Variant}) {Cell} I={InputSize} H={Hidden} dense={Dense}");
        _rtNeural.ResetState();
    }

    [GlobalCleanup(Targets = [nameof(RtNeuralEigenNative), nameof(RtNeuralEigenAvx2), nameof(RtNeuralXsimdNative), nameof(RtNeuralXsimdAvx2)])]
    public void CleanupRtNeural() => _rtNeural?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = StepsPerInvoke)]
    public void RnnGen() => _model.StepBlock(_inputs, _outputs);

    private IStreamingModel _int8 = null!;

    /// <summary>The int8 twin (Weights = WeightPrecision.Int8) on the same parameters; its outputs must be within 0.05 of float32's.</summary>
    [GlobalSetup(Target = nameof(RnnGenInt8))]
    public void SetupInt8()
    {
        CreateModel();
        float[] expected = ReferenceBlock();
        string name = $"Rnn.Gen.Benchmarks.Models.{Cell}Stream_I{(Input == InputKind.One ? "1" : "H")}_H{Hidden}{(Dense ? "_Dense" : "")}_Int8";
        _int8 = (IStreamingModel)Activator.CreateInstance(Type.GetType(name, throwOnError: true)!)!;
        _model.Parameters.CopyTo(_int8.Parameters);
        _int8.ResetState();
        _int8.StepBlock(_inputs, _outputs);
        Check.Close(expected, _outputs, 0.05f, $"int8 {Cell} I={InputSize} H={Hidden} dense={Dense}");
        _int8.ResetState();
    }

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    [BenchmarkCategory(Categories.Int8)]
    public void RnnGenInt8() => _int8.StepBlock(_inputs, _outputs);

    private IStreamingModel _fast = null!;

    /// <summary>The fast-activation twin (Activations = ActivationPrecision.Fast, Models.Fast.cs, every size) on the same parameters; its outputs must be within 1e-5 of the exact model's.</summary>
    [GlobalSetup(Target = nameof(RnnGenFast))]
    public void SetupFast() => _fast = Twin("_Fast", 1e-5f, "fast activations");

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    [BenchmarkCategory(Categories.FastActivations)]
    public void RnnGenFast() => _fast.StepBlock(_inputs, _outputs);

    private IStreamingModel _int8Fast = null!;

    /// <summary>
    /// The int8 twin with the fast activations (I = H, Dense(1), H = 64 and 128 only: Int8StreamingBenchmarks' column,
    /// not a benchmark of this class); within 0.05 of float32's outputs, as the int8 twin.
    /// </summary>
    public void SetupInt8Fast() => _int8Fast = Twin("_Int8_Fast", 0.05f, "int8 + fast activations");

    /// <summary>The int8 + fast twin's block (see <see cref="SetupInt8Fast"/>).</summary>
    public void RnnGenInt8Fast() => _int8Fast.StepBlock(_inputs, _outputs);

    /// <summary>The model's twin named with <paramref name="suffix"/>, on the same parameters, checked against the exact float32 outputs within <paramref name="tolerance"/>.</summary>
    private IStreamingModel Twin(string suffix, float tolerance, string what)
    {
        CreateModel();
        float[] expected = ReferenceBlock();
        string name = $"Rnn.Gen.Benchmarks.Models.{Cell}Stream_I{(Input == InputKind.One ? "1" : "H")}_H{Hidden}{(Dense ? "_Dense" : "")}{suffix}";
        var twin = (IStreamingModel)Activator.CreateInstance(Type.GetType(name, throwOnError: true)!)!;
        _model.Parameters.CopyTo(twin.Parameters);
        twin.ResetState();
        twin.StepBlock(_inputs, _outputs);
        Check.Close(expected, _outputs, tolerance, $"{what} {Cell} I={InputSize} H={Hidden} dense={Dense}");
        twin.ResetState();
        return twin;
    }

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public void PlainCSharp()
    {
        int i = _plain.InputSize, o = _plain.OutputSize;
        for (int k = 0; k < StepsPerInvoke; k++)
        {
            _plain.Step(_inputs.AsSpan(k * i, i), _outputs.AsSpan(k * o, o));
        }
    }

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    [BenchmarkCategory(Categories.LibTorch)]
    public void LibTorch() => _torch!.StepBlock(_inputs, _outputs, StepsPerInvoke);

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    [BenchmarkCategory(Categories.Onnx)]
    public void OnnxRuntime() => _onnx!.StepBlock(_inputs, _outputs, StepsPerInvoke);

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    [BenchmarkCategory(Categories.RtNeural)]
    public void RtNeuralEigenNative() => _rtNeural!.StepBlock(_inputs, _outputs, StepsPerInvoke);

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    [BenchmarkCategory(Categories.RtNeural)]
    public void RtNeuralEigenAvx2() => _rtNeural!.StepBlock(_inputs, _outputs, StepsPerInvoke);

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    [BenchmarkCategory(Categories.RtNeural)]
    public void RtNeuralXsimdNative() => _rtNeural!.StepBlock(_inputs, _outputs, StepsPerInvoke);

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    [BenchmarkCategory(Categories.RtNeural)]
    public void RtNeuralXsimdAvx2() => _rtNeural!.StepBlock(_inputs, _outputs, StepsPerInvoke);
}

public static class Categories
{
    public const string Int8 = "int8";
    public const string FastActivations = "fastactivations";
    public const string Streaming = "streaming";
    public const string Sequence = "sequence";
    public const string Training = "training";
    public const string Convolution = "convolution";
    public const string LibTorch = "libtorch";
    public const string Onnx = "onnx";
    public const string RtNeural = "rtneural";
    public const string Embedding = "embedding";
    public const string Decoding = "decoding";
    public const string Streams = "streams";
}
