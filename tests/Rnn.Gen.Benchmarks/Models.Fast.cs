using System;
using Rnn.Gen;

namespace Rnn.Gen.Benchmarks.Models;

// Fast-activation twins (Activations = ActivationPrecision.Fast) of the streaming models at the embedded sizes (H = 8, 16):
// the RnnGenFast column of StreamingBenchmarks (issue 17, targets 1 and 8). The larger sizes, the sequences and the int8
// twins follow.
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(8)]
public sealed partial class LstmStream_I1_H8_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(8)] [Dense(1)]
public sealed partial class LstmStream_I1_H8_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(16)]
public sealed partial class LstmStream_I1_H16_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(16)] [Dense(1)]
public sealed partial class LstmStream_I1_H16_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 8, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(8)]
public sealed partial class LstmStream_IH_H8_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 8, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(8)] [Dense(1)]
public sealed partial class LstmStream_IH_H8_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(16)]
public sealed partial class LstmStream_IH_H16_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(16)] [Dense(1)]
public sealed partial class LstmStream_IH_H16_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(8)]
public sealed partial class GruStream_I1_H8_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(8)] [Dense(1)]
public sealed partial class GruStream_I1_H8_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(16)]
public sealed partial class GruStream_I1_H16_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(16)] [Dense(1)]
public sealed partial class GruStream_I1_H16_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 8, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(8)]
public sealed partial class GruStream_IH_H8_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 8, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(8)] [Dense(1)]
public sealed partial class GruStream_IH_H8_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(16)]
public sealed partial class GruStream_IH_H16_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(16)] [Dense(1)]
public sealed partial class GruStream_IH_H16_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }

// The twins at H = 32, 64 and 128 (issue 17, targets 2, 3 and 6: the streaming steps against their L2 floors).
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(32)]
public sealed partial class LstmStream_I1_H32_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(32)] [Dense(1)]
public sealed partial class LstmStream_I1_H32_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(64)]
public sealed partial class LstmStream_I1_H64_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(64)] [Dense(1)]
public sealed partial class LstmStream_I1_H64_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(128)]
public sealed partial class LstmStream_I1_H128_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(128)] [Dense(1)]
public sealed partial class LstmStream_I1_H128_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(32)]
public sealed partial class LstmStream_IH_H32_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(32)] [Dense(1)]
public sealed partial class LstmStream_IH_H32_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(64)]
public sealed partial class LstmStream_IH_H64_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(64)] [Dense(1)]
public sealed partial class LstmStream_IH_H64_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(128)]
public sealed partial class LstmStream_IH_H128_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1, Activations = ActivationPrecision.Fast)] [Lstm(128)] [Dense(1)]
public sealed partial class LstmStream_IH_H128_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(32)]
public sealed partial class GruStream_I1_H32_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(32)] [Dense(1)]
public sealed partial class GruStream_I1_H32_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(64)]
public sealed partial class GruStream_I1_H64_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(64)] [Dense(1)]
public sealed partial class GruStream_I1_H64_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(128)]
public sealed partial class GruStream_I1_H128_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 1, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(128)] [Dense(1)]
public sealed partial class GruStream_I1_H128_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(32)]
public sealed partial class GruStream_IH_H32_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 32, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(32)] [Dense(1)]
public sealed partial class GruStream_IH_H32_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(64)]
public sealed partial class GruStream_IH_H64_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(64)] [Dense(1)]
public sealed partial class GruStream_IH_H64_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(128)]
public sealed partial class GruStream_IH_H128_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1, Activations = ActivationPrecision.Fast)] [Gru(128)] [Dense(1)]
public sealed partial class GruStream_IH_H128_Dense_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }

// The T = 100 sequences (workload (b)) with the fast activations: Predict's pass over the sequence calls FastCellKernels.
[RnnModel(inputSize: 16, steps: 100, Activations = ActivationPrecision.Fast)] [Lstm(32)] [Dense(1)] public sealed partial class LstmSequence_I16_H32_Fast;
[RnnModel(inputSize: 16, steps: 100, Activations = ActivationPrecision.Fast)] [Lstm(128)] [Dense(1)] public sealed partial class LstmSequence_I16_H128_Fast;
[RnnModel(inputSize: 16, steps: 100, Activations = ActivationPrecision.Fast)] [Gru(32)] [Dense(1)] public sealed partial class GruSequence_I16_H32_Fast;
[RnnModel(inputSize: 16, steps: 100, Activations = ActivationPrecision.Fast)] [Gru(128)] [Dense(1)] public sealed partial class GruSequence_I16_H128_Fast;

// Int8 weights with the fast activations (target 3 at H >= 64): the workloads of Int8StreamingBenchmarks and Int8SequenceBenchmarks.
[RnnModel(inputSize: 64, steps: 1, Weights = WeightPrecision.Int8, Activations = ActivationPrecision.Fast)] [Lstm(64)] [Dense(1)]
public sealed partial class LstmStream_IH_H64_Dense_Int8_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1, Weights = WeightPrecision.Int8, Activations = ActivationPrecision.Fast)] [Lstm(128)] [Dense(1)]
public sealed partial class LstmStream_IH_H128_Dense_Int8_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 64, steps: 1, Weights = WeightPrecision.Int8, Activations = ActivationPrecision.Fast)] [Gru(64)] [Dense(1)]
public sealed partial class GruStream_IH_H64_Dense_Int8_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 128, steps: 1, Weights = WeightPrecision.Int8, Activations = ActivationPrecision.Fast)] [Gru(128)] [Dense(1)]
public sealed partial class GruStream_IH_H128_Dense_Int8_Fast : IStreamingModel { public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs) { for (int k = 0; k < StreamingBenchmarks.StepsPerInvoke; k++) Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize)); } }
[RnnModel(inputSize: 16, steps: 100, Weights = WeightPrecision.Int8, Activations = ActivationPrecision.Fast)] [Lstm(128)] [Dense(1)] public sealed partial class LstmSequence_I16_H128_Int8_Fast;
[RnnModel(inputSize: 16, steps: 100, Weights = WeightPrecision.Int8, Activations = ActivationPrecision.Fast)] [Gru(128)] [Dense(1)] public sealed partial class GruSequence_I16_H128_Int8_Fast;
