using System;
using Rnn.Gen;

namespace Rnn.Gen.Benchmarks.Models;

// Fast-activation twins (Activations = ActivationPrecision.Fast) of the streaming models at the embedded sizes (H = 8, 16):
// the RnnGenFast column of StreamingBenchmarks (issue 17, targets 1 and 8).
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
