using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Rnn.Gen.Initialization;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

// Fast-activation models on the unrolled step (8 lanes, 8 + 4, 16 lanes, 4 + singles) and on the general one (with
// streams, stacked), each beside an exact twin of the same layers.
[RnnModel(inputSize: 1, steps: 12, Activations = ActivationPrecision.Fast)]
[Lstm(8)]
[Dense(1)]
public partial class FastLstmI1H8;

[RnnModel(inputSize: 1, steps: 12)]
[Lstm(8)]
[Dense(1)]
public partial class ExactLstmI1H8;

[RnnModel(inputSize: 3, steps: 12, Activations = ActivationPrecision.Fast)]
[Lstm(12)]
[Dense(3)]
public partial class FastLstmI3H12;

[RnnModel(inputSize: 3, steps: 12)]
[Lstm(12)]
[Dense(3)]
public partial class ExactLstmI3H12;

[RnnModel(inputSize: 16, steps: 12, Activations = ActivationPrecision.Fast)]
[Gru(16)]
[Dense(1)]
public partial class FastGruI16H16;

[RnnModel(inputSize: 16, steps: 12)]
[Gru(16)]
[Dense(1)]
public partial class ExactGruI16H16;

[RnnModel(inputSize: 2, steps: 12, Activations = ActivationPrecision.Fast)]
[Gru(7)]
[Dense(2)]
public partial class FastGruI2H7;

[RnnModel(inputSize: 2, steps: 12)]
[Gru(7)]
[Dense(2)]
public partial class ExactGruI2H7;

[RnnModel(inputSize: 5, steps: 12, Activations = ActivationPrecision.Fast, Streams = true)]
[Lstm(40)]
[Dense(2)]
public partial class FastLstmStreams;

[RnnModel(inputSize: 5, steps: 12, Streams = true)]
[Lstm(40)]
[Dense(2)]
public partial class ExactLstmStreams;

[RnnModel(inputSize: 4, steps: 12, Activations = ActivationPrecision.Fast)]
[Gru(20, ReturnSequences = true)]
[Lstm(9)]
[Dense(1)]
public partial class FastGruLstmStacked;

[RnnModel(inputSize: 4, steps: 12)]
[Gru(20, ReturnSequences = true)]
[Lstm(9)]
[Dense(1)]
public partial class ExactGruLstmStacked;

// Int8 weights with the fast activations (Step, Predict and the streams of an int8 model run FastCellKernels as float32
// ones do), beside int8 twins with the exact activations.
[RnnModel(inputSize: 6, steps: 12, Weights = WeightPrecision.Int8, Activations = ActivationPrecision.Fast)]
[Lstm(24)]
[Dense(1)]
public partial class FastInt8LstmI6H24;

[RnnModel(inputSize: 6, steps: 12, Weights = WeightPrecision.Int8)]
[Lstm(24)]
[Dense(1)]
public partial class ExactInt8LstmI6H24;

[RnnModel(inputSize: 6, steps: 12, Weights = WeightPrecision.Int8, Activations = ActivationPrecision.Fast)]
[Gru(33)]
[Dense(2)]
public partial class FastInt8GruI6H33;

[RnnModel(inputSize: 6, steps: 12, Weights = WeightPrecision.Int8)]
[Gru(33)]
[Dense(2)]
public partial class ExactInt8GruI6H33;

/// <summary>
/// <c>Activations = ActivationPrecision.Fast</c> in generated models: inference (Step, Predict, streams) runs the fast
/// activations, training (Forward) the exact ones; the unrolled step gives the general step's bits; nothing allocated.
/// </summary>
public class FastActivationModelTests
{
    private delegate void StepFunction(ReadOnlySpan<float> input, Span<float> output);

    private static readonly Dictionary<string, (Func<IRnnModel> Fast, Func<IRnnModel> Exact)> Pairs = new()
    {
        ["LSTM(8), I = 1"] = (() => new FastLstmI1H8(), () => new ExactLstmI1H8()),
        ["LSTM(12), I = 3"] = (() => new FastLstmI3H12(), () => new ExactLstmI3H12()),
        ["GRU(16), I = 16"] = (() => new FastGruI16H16(), () => new ExactGruI16H16()),
        ["GRU(7), I = 2"] = (() => new FastGruI2H7(), () => new ExactGruI2H7()),
        ["LSTM(40), streams"] = (() => new FastLstmStreams(), () => new ExactLstmStreams()),
        ["GRU(20) + LSTM(9)"] = (() => new FastGruLstmStacked(), () => new ExactGruLstmStacked()),
        ["int8 LSTM(24), I = 6"] = (() => new FastInt8LstmI6H24(), () => new ExactInt8LstmI6H24()),
        ["int8 GRU(33), I = 6"] = (() => new FastInt8GruI6H33(), () => new ExactInt8GruI6H33()),
    };

    public static TheoryData<string> Models() => new(Pairs.Keys);

    /// <summary>Both twins with seed 5's parameters times 2 (pre-activations into the saturation), and one input sequence of magnitude up to 3.</summary>
    private static (IRnnModel Fast, IRnnModel Exact, float[] Input) Prepared(string name)
    {
        IRnnModel fast = Pairs[name].Fast(), exact = Pairs[name].Exact();
        fast.Initialize(5);
        foreach (ref float value in fast.Parameters)
        {
            value *= 2f;
        }

        fast.Parameters.CopyTo(exact.Parameters);
        var random = new SeededRandom(8);
        float[] input = new float[fast.Steps * fast.InputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = ((random.NextSingle() * 2f) - 1f) * 3f;
        }

        return (fast, exact, input);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Training_is_exact_and_inference_fast_within_the_bound(string name)
    {
        (IRnnModel fast, IRnnModel exact, float[] input) = Prepared(name);
        float[] forwardFast = new float[fast.OutputSteps * fast.OutputSize], forwardExact = new float[forwardFast.Length];
        float[] predictFast = new float[forwardFast.Length], predictExact = new float[forwardFast.Length];
        fast.Forward(input, forwardFast);
        exact.Forward(input, forwardExact);
        fast.Predict(input, predictFast);
        exact.Predict(input, predictExact);

        // Training: the exact activations, so the fast model's Forward is the exact model's, bit for bit.
        Assert.Equal(forwardExact, forwardFast);

        // Inference: within 1e-5 of the exact activations over 12 steps. (A difference of an ulp in h often rounds away
        // in a Dense head's sum, so the outputs alone cannot show that the fast path ran: the state below does.)
        for (int i = 0; i < predictFast.Length; i++)
        {
            Assert.True(Math.Abs(predictFast[i] - predictExact[i]) <= 1e-5, $"{name}, output {i}: fast {predictFast[i]:R}, exact {predictExact[i]:R}");
        }

        // Step really runs the fast activations: after 100 steps the kept state (h, c) differs from the exact twin's in
        // some element, and by no more than the activations' error carried along.
        float[] step = new float[fast.OutputSize];
        var random = new SeededRandom(21);
        float[] x = new float[fast.InputSize];
        for (int t = 0; t < 100; t++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = ((random.NextSingle() * 2f) - 1f) * 3f;
            }

            fast.Step(x, step);
            exact.Step(x, step);
        }

        float[] fastState = State(fast), exactState = State(exact);
        bool differs = false;
        for (int i = 0; i < fastState.Length; i++)
        {
            differs |= fastState[i] != exactState[i];
            Assert.True(Math.Abs(fastState[i] - exactState[i]) <= 1e-4 * Math.Max(1f, Math.Abs(exactState[i])), $"{name}, state {i}: fast {fastState[i]:R}, exact {exactState[i]:R}");
        }

        Assert.True(differs, $"{name}: 100 steps with fast activations left the exact activations' state, bit for bit");
    }

    private static float[] State(IRnnModel model) => (float[])model.GetType().GetField("_state", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!;

    [Theory]
    [MemberData(nameof(Models))]
    public void Step_agrees_with_predict_and_the_predictor_steps_the_same_bits(string name)
    {
        (IRnnModel fast, _, float[] input) = Prepared(name);
        float[] predicted = new float[fast.OutputSteps * fast.OutputSize];
        fast.Predict(input, predicted);
        IRnnPredictor predictor = fast.CreatePredictor();
        float[] step = new float[fast.OutputSize], predictorStep = new float[fast.OutputSize];
        fast.ResetState();
        for (int t = 0; t < fast.Steps; t++)
        {
            fast.Step(input.AsSpan(t * fast.InputSize, fast.InputSize), step);
            predictor.Step(input.AsSpan(t * fast.InputSize, fast.InputSize), predictorStep);
            Assert.Equal(step, predictorStep);
        }

        // Step and Predict share the fast cell kernels; their products differ (one step at a time against the whole
        // sequence at once), so they agree to float rounding, as in exact models.
        for (int i = 0; i < step.Length; i++)
        {
            float expected = predicted[predicted.Length - step.Length + i];
            Assert.True(Math.Abs(expected - step[i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected)), $"{name}, output {i}: Predict {expected:R}, Step {step[i]:R}");
        }
    }

    [Fact]
    public void Unrolled_fast_step_equals_the_general_fast_step_bit_for_bit()
    {
        foreach (string name in new[] { "LSTM(8), I = 1", "LSTM(12), I = 3", "GRU(16), I = 16", "GRU(7), I = 2" })
        {
            (IRnnModel general, _, _) = Prepared(name);
            Type type = general.GetType();
            Method(type, "PackWeights")!.Invoke(general, null);
            StepFunction generalStep = Bind(general, "StepGeneral");
            var runs = new List<(string Variant, StepFunction Step)>();
            if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
            {
                foreach (string variant in new[] { "StepUnrolled", "StepUnrolledWide" })
                {
                    if (Method(type, variant) is not null && (variant == "StepUnrolled" || Vector512.IsHardwareAccelerated))
                    {
                        (IRnnModel model, _, _) = Prepared(name);
                        Method(type, "PackWeights")!.Invoke(model, null);
                        runs.Add((variant, Bind(model, variant)));
                    }
                }
            }

            Assert.True(Method(type, "StepUnrolled") is not null, $"{name}: a small model with fast activations keeps the unrolled step");
            var random = new SeededRandom(11);
            float[] x = new float[general.InputSize], expected = new float[general.OutputSize], actual = new float[general.OutputSize];
            for (int t = 0; t < 200; t++)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = ((random.NextSingle() * 2f) - 1f) * (t % 3 == 0 ? 20f : 2f);
                }

                generalStep(x, expected);
                foreach ((string variant, StepFunction step) in runs)
                {
                    step(x, actual);
                    for (int j = 0; j < expected.Length; j++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(actual[j]),
                            $"{name} {variant}, step {t}, output {j}: {actual[j]:R}, the general step {expected[j]:R}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Streams_step_each_stream_as_step_does_with_fast_activations()
    {
        (IRnnModel prepared, _, float[] input) = Prepared("LSTM(40), streams");
        var model = (FastLstmStreams)prepared;
        const int count = 3;
        using FastLstmStreams.Streams streams = model.CreateStreams(count);
        var single = new FastLstmStreams[count];
        for (int s = 0; s < count; s++)
        {
            single[s] = new FastLstmStreams();
            model.Parameters.CopyTo(single[s].Parameters);
        }

        float[] inputs = new float[count * FastLstmStreams.InputSize], outputs = new float[count * FastLstmStreams.OutputSize], step = new float[FastLstmStreams.OutputSize];
        for (int t = 0; t < FastLstmStreams.Steps; t++)
        {
            for (int s = 0; s < count; s++)
            {
                for (int i = 0; i < FastLstmStreams.InputSize; i++)
                {
                    inputs[(s * FastLstmStreams.InputSize) + i] = input[(t * FastLstmStreams.InputSize) + i] * (s + 1) * 0.5f;
                }
            }

            streams.Step(inputs, outputs);
            for (int s = 0; s < count; s++)
            {
                single[s].Step(inputs.AsSpan(s * FastLstmStreams.InputSize, FastLstmStreams.InputSize), step);
                Assert.Equal(step, outputs.AsSpan(s * FastLstmStreams.OutputSize, FastLstmStreams.OutputSize).ToArray());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Fast_step_and_predict_allocate_nothing(string name)
    {
        (IRnnModel fast, _, float[] input) = Prepared(name);
        float[] output = new float[fast.OutputSteps * fast.OutputSize], step = new float[fast.OutputSize];
        Assert.Equal(0, AllocationTests.FewestAllocatedBytes(() =>
        {
            fast.Predict(input, output);
            fast.Step(input.AsSpan(0, fast.InputSize), step);
        }));
    }

    private static MethodInfo? Method(Type type, string name) => type.GetMethod(name, BindingFlags.NonPublic | BindingFlags.Instance);

    private static StepFunction Bind(IRnnModel model, string name) => Method(model.GetType(), name)!.CreateDelegate<StepFunction>(model);
}
