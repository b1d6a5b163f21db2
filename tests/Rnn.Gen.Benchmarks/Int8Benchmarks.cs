using BenchmarkDotNet.Attributes;

namespace Rnn.Gen.Benchmarks;

/// <summary>
/// Int8 weights (issue 17, target 3) where the weights fall out of L1 (H = 64, 128): float32 Step and Predict, their
/// int8 twins (Weights = WeightPrecision.Int8), each also with the fast activations (Activations =
/// ActivationPrecision.Fast), and RTNeural's two -march=native builds, side by side in one run. Each
/// method runs the workload of <see cref="StreamingBenchmarks"/> (I = H, Dense(1) head) or <see cref="SequenceBenchmarks"/>
/// through an instance of it, so setups and checks are theirs. <c>run.sh --filter '*Int8*'</c>.
/// </summary>
[BenchmarkCategory(Categories.Int8)]
public class Int8StreamingBenchmarks
{
    private readonly StreamingBenchmarks _b = new();

    [Params(CellKind.Lstm, CellKind.Gru)]
    public CellKind Cell;

    [Params(64, 128)]
    public int Hidden;

    private StreamingBenchmarks Workload()
    {
        _b.Cell = Cell;
        _b.Input = InputKind.Hidden;
        _b.Hidden = Hidden;
        _b.Dense = true;
        return _b;
    }

    [GlobalSetup(Target = nameof(Float32))] public void SetupFloat32() => Workload().Setup();
    [GlobalSetup(Target = nameof(Int8))] public void SetupInt8() => Workload().SetupInt8();
    [GlobalSetup(Target = nameof(Fast))] public void SetupFast() => Workload().SetupFast();
    [GlobalSetup(Target = nameof(Int8Fast))] public void SetupInt8Fast() => Workload().SetupInt8Fast();
    [GlobalSetup(Target = nameof(RtNeuralXsimdNative))] public void SetupXsimd() => Workload().SetupRtNeuralXsimdNative();
    [GlobalSetup(Target = nameof(RtNeuralEigenNative))] public void SetupEigen() => Workload().SetupRtNeuralEigenNative();

    [GlobalCleanup(Targets = [nameof(RtNeuralXsimdNative), nameof(RtNeuralEigenNative)])]
    public void Cleanup() => _b.CleanupRtNeural();

    [Benchmark(Baseline = true, OperationsPerInvoke = StreamingBenchmarks.StepsPerInvoke)]
    public void Float32() => _b.RnnGen();

    [Benchmark(OperationsPerInvoke = StreamingBenchmarks.StepsPerInvoke)]
    public void Int8() => _b.RnnGenInt8();

    /// <summary>float32 weights, fast activations (Activations = ActivationPrecision.Fast).</summary>
    [Benchmark(OperationsPerInvoke = StreamingBenchmarks.StepsPerInvoke)]
    public void Fast() => _b.RnnGenFast();

    /// <summary>int8 weights and fast activations.</summary>
    [Benchmark(OperationsPerInvoke = StreamingBenchmarks.StepsPerInvoke)]
    public void Int8Fast() => _b.RnnGenInt8Fast();

    [Benchmark(OperationsPerInvoke = StreamingBenchmarks.StepsPerInvoke)]
    public void RtNeuralXsimdNative() => _b.RtNeuralXsimdNative();

    [Benchmark(OperationsPerInvoke = StreamingBenchmarks.StepsPerInvoke)]
    public void RtNeuralEigenNative() => _b.RtNeuralEigenNative();
}

/// <summary>Workload (b), LSTM/GRU I = 16, H = 128, T = 100 Predict: float32, int8 and RTNeural side by side (see <see cref="Int8StreamingBenchmarks"/>).</summary>
[BenchmarkCategory(Categories.Int8)]
public class Int8SequenceBenchmarks
{
    private readonly SequenceBenchmarks _b = new();

    [Params(CellKind.Lstm, CellKind.Gru)]
    public CellKind Cell;

    private SequenceBenchmarks Workload()
    {
        _b.Cell = Cell;
        _b.Hidden = 128;
        return _b;
    }

    [GlobalSetup(Target = nameof(Float32))] public void SetupFloat32() => Workload().Setup();
    [GlobalSetup(Target = nameof(Int8))] public void SetupInt8() => Workload().SetupInt8();
    [GlobalSetup(Target = nameof(Fast))] public void SetupFast() => Workload().SetupFast();
    [GlobalSetup(Target = nameof(Int8Fast))] public void SetupInt8Fast() => Workload().SetupInt8Fast();
    [GlobalSetup(Target = nameof(RtNeuralXsimdNative))] public void SetupXsimd() => Workload().SetupRtNeuralXsimdNative();
    [GlobalSetup(Target = nameof(RtNeuralEigenNative))] public void SetupEigen() => Workload().SetupRtNeuralEigenNative();

    [GlobalCleanup(Targets = [nameof(RtNeuralXsimdNative), nameof(RtNeuralEigenNative)])]
    public void Cleanup() => _b.CleanupRtNeural();

    [Benchmark(Baseline = true)]
    public void Float32() => _b.RnnGen();

    [Benchmark]
    public void Int8() => _b.RnnGenInt8();

    /// <summary>float32 weights, fast activations.</summary>
    [Benchmark]
    public void Fast() => _b.RnnGenFast();

    /// <summary>int8 weights and fast activations.</summary>
    [Benchmark]
    public void Int8Fast() => _b.RnnGenInt8Fast();

    [Benchmark]
    public void RtNeuralXsimdNative() => _b.RtNeuralXsimdNative();

    [Benchmark]
    public void RtNeuralEigenNative() => _b.RtNeuralEigenNative();
}
