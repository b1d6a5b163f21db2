namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// Every runtime and BCL name the generated code uses, fully qualified with <c>global::</c>, in one place: the
/// generator never loads the runtime, so this list is the contract between the two.
/// </summary>
internal static class RuntimeNames
{
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string IntSpan = "global::System.Span<int>";
    public const string IntReadOnlySpan = "global::System.ReadOnlySpan<int>";
    public const string SystemArray = "global::System.Array";
    public const string SystemMath = "global::System.Math";
    public const string ArgumentException = "global::System.ArgumentException";
    public const string ArgumentNullException = "global::System.ArgumentNullException";
    public const string InvalidOperationException = "global::System.InvalidOperationException";
    public const string Stream = "global::System.IO.Stream";
    public const string ReadOnlyList = "global::System.Collections.Generic.IReadOnlyList";
    public const string NameMap = "global::System.Collections.Generic.IReadOnlyDictionary<string, string>";
    public const string GeneratedCode = "global::System.CodeDom.Compiler.GeneratedCode";

    public const string IRnnModel = "global::Rnn.Gen.IRnnModel";
    public const string IRnnBatchModel = "global::Rnn.Gen.IRnnBatchModel";
    public const string IRnnDecoderBatchModel = "global::Rnn.Gen.IRnnDecoderBatchModel";
    public const string IRnnTokenModel = "global::Rnn.Gen.IRnnTokenModel";
    public const string ParameterInfo = "global::Rnn.Gen.ParameterInfo";
    public const string AlignedBuffer = "global::Rnn.Gen.AlignedBuffer";
    public const string BatchWorkspace = "global::Rnn.Gen.BatchWorkspace";
    public const string Guard = "global::Rnn.Gen.ModelGuard";
    public const string CallGuard = "global::Rnn.Gen.CallGuard";
    public const string IRnnPredictor = "global::Rnn.Gen.IRnnPredictor";
    public const string StreamsRunner = "global::Rnn.Gen.StreamsRunner";
    public const string IStreamsRange = "global::Rnn.Gen.IStreamsRange";
    public const string IntBox = "global::System.Runtime.CompilerServices.StrongBox<int>";
    public const string VectorKernels = "global::Rnn.Gen.Kernels.VectorKernels";
    public const string Int8Kernels = "global::Rnn.Gen.Kernels.Int8Kernels";
    public const string Int8Weights = "global::Rnn.Gen.Kernels.Int8Weights";
    public const string MatrixKernels = "global::Rnn.Gen.Kernels.MatrixKernels";
    public const string CellKernels = "global::Rnn.Gen.Kernels.CellKernels";
    public const string FastCellKernels = "global::Rnn.Gen.Kernels.FastCellKernels";
    public const string SeededRandom = "global::Rnn.Gen.Initialization.SeededRandom";
    public const string Initializers = "global::Rnn.Gen.Initialization.Initializers";
    public const string Noise = "global::Rnn.Gen.Regularization.Noise";
    public const string RegularizationPenalties = "global::Rnn.Gen.Regularization.Penalties";
    public const string WeightFile = "global::Rnn.Gen.Serialization.WeightFile";
    public const string TokenSampler = "global::Rnn.Gen.Decoding.TokenSampler";
    public const string SequenceEnd = "global::Rnn.Gen.Decoding.SequenceEnd";
    public const string BeamSearch = "global::Rnn.Gen.Decoding.BeamSearch";
    public const string Activation = "global::Rnn.Gen.Activation";
    public const string MergeMode = "global::Rnn.Gen.MergeMode";
    public const string ConvPadding = "global::Rnn.Gen.ConvPadding";

    /// <summary>The namespace of the layer descriptions each kind's emitter writes (<c>LayerEmitter.Architecture</c>).</summary>
    public const string Export = "global::Rnn.Gen.Export";
    public const string OnnxExporter = "global::Rnn.Gen.Export.Onnx.OnnxExporter";
}
