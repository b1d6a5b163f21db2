using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Reference;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

// Models at and around the unrolled step's limits (H ≤ 16, I ≤ 16): every cell, the widths of the register chunks (16,
// 8 + 4, 4 + singles, singles alone), heads summed inline (fewer than 4 rows, or H < 8) and heads left to their own
// step (4 rows of 16, an activation, H = 1), and one size past each limit.
[RnnModel(inputSize: 16, steps: 4)]
[Lstm(16)]
[Dense(1)]
public partial class UnrolledLstmI16H16;

[RnnModel(inputSize: 1, steps: 4)]
[Lstm(8)]
[Dense(1)]
public partial class UnrolledLstmI1H8;

[RnnModel(inputSize: 3, steps: 4)]
[Lstm(12)]
[Dense(3)]
public partial class UnrolledLstmI3H12Dense3;

[RnnModel(inputSize: 16, steps: 4)]
[Lstm(15, ReturnSequences = true)]
public partial class UnrolledLstmI16H15;

[RnnModel(inputSize: 2, steps: 4)]
[Lstm(1)]
[Dense(2)]
public partial class UnrolledLstmI2H1;

[RnnModel(inputSize: 16, steps: 4)]
[Gru(16)]
[Dense(4)]
public partial class UnrolledGruI16H16Dense4;

[RnnModel(inputSize: 1, steps: 4)]
[Gru(16)]
[Dense(1)]
public partial class UnrolledGruI1H16;

[RnnModel(inputSize: 8, steps: 4)]
[Gru(8)]
public partial class UnrolledGruI8H8;

[RnnModel(inputSize: 2, steps: 4)]
[Gru(7)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class UnrolledGruI2H7;

[RnnModel(inputSize: 5, steps: 4)]
[Gru(6)]
[Dense(5)]
public partial class UnrolledGruI5H6Dense5;

[RnnModel(inputSize: 16, steps: 4)]
[SimpleRnn(16)]
[Dense(1)]
public partial class UnrolledElmanTanhI16H16;

[RnnModel(inputSize: 5, steps: 4)]
[SimpleRnn(13, Activation = Activation.Relu)]
[Dense(5)]
public partial class UnrolledElmanReluI5H13;

[RnnModel(inputSize: 3, steps: 4)]
[SimpleRnn(3)]
public partial class UnrolledElmanTanhI3H3;

[RnnModel(inputSize: 17, steps: 4)]
[Lstm(16)]
[Dense(1)]
public partial class GeneralLstmI17H16;

[RnnModel(inputSize: 16, steps: 4)]
[Gru(17)]
public partial class GeneralGruI16H17;

[RnnModel(inputSize: 4, steps: 4)]
[Lstm(8, ReturnSequences = true)]
[Lstm(8)]
public partial class GeneralStackedLstm;

/// <summary>
/// The unrolled streaming step that the generator writes for small models (Layers/Recurrent/UnrolledStepEmitter.cs):
/// chosen by size as docs/ARCHITECTURE.md says, the same outputs and state as the general step bit for bit, in every
/// variant the machine can run, and nothing allocated. Against libtorch, the streaming reference cases run through it
/// (<see cref="ReferenceVectorTests.Streaming_steps_match_libtorch"/>); <see cref="Reference_cases_of_small_models_stream_on_the_unrolled_step"/>
/// checks which.
/// </summary>
public class UnrolledStepTests
{
    private delegate void StepFunction(ReadOnlySpan<float> input, Span<float> output);

    private static readonly Dictionary<string, Func<IRnnModel>> Unrolled = new()
    {
        [nameof(UnrolledLstmI16H16)] = () => new UnrolledLstmI16H16(),
        [nameof(UnrolledLstmI1H8)] = () => new UnrolledLstmI1H8(),
        [nameof(UnrolledLstmI3H12Dense3)] = () => new UnrolledLstmI3H12Dense3(),
        [nameof(UnrolledLstmI16H15)] = () => new UnrolledLstmI16H15(),
        [nameof(UnrolledLstmI2H1)] = () => new UnrolledLstmI2H1(),
        [nameof(UnrolledGruI16H16Dense4)] = () => new UnrolledGruI16H16Dense4(),
        [nameof(UnrolledGruI1H16)] = () => new UnrolledGruI1H16(),
        [nameof(UnrolledGruI8H8)] = () => new UnrolledGruI8H8(),
        [nameof(UnrolledGruI2H7)] = () => new UnrolledGruI2H7(),
        [nameof(UnrolledGruI5H6Dense5)] = () => new UnrolledGruI5H6Dense5(),
        [nameof(UnrolledElmanTanhI16H16)] = () => new UnrolledElmanTanhI16H16(),
        [nameof(UnrolledElmanReluI5H13)] = () => new UnrolledElmanReluI5H13(),
        [nameof(UnrolledElmanTanhI3H3)] = () => new UnrolledElmanTanhI3H3(),
    };

    public static TheoryData<string> UnrolledModels() => new(Unrolled.Keys);

    private static MethodInfo? Method(Type type, string name) => type.GetMethod(name, BindingFlags.NonPublic | BindingFlags.Instance);

    private static StepFunction Bind(IRnnModel model, string name) => Method(model.GetType(), name)!.CreateDelegate<StepFunction>(model);

    private static float[] State(IRnnModel model) => (float[])model.GetType().GetField("_state", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!;

    /// <summary>A model with seed 7's parameters times 3 (pre-activations well into the activations' saturation), its weights packed as Step packs them.</summary>
    private static IRnnModel Prepared(string name)
    {
        IRnnModel model = Unrolled[name]();
        model.Initialize(7);
        foreach (ref float value in model.Parameters)
        {
            value *= 3f;
        }

        Method(model.GetType(), "PackWeights")!.Invoke(model, null);
        return model;
    }

    /// <summary>The unrolled variants this machine runs: 8 lanes with AVX2 and FMA, and 16 lanes (H = 16) with AVX-512.</summary>
    private static List<string> Variants(Type type)
    {
        var variants = new List<string>();
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            variants.Add("StepUnrolled");
            if (Vector512.IsHardwareAccelerated && Method(type, "StepUnrolledWide") is not null)
            {
                variants.Add("StepUnrolledWide");
            }
        }

        return variants;
    }

    [Theory]
    [MemberData(nameof(UnrolledModels))]
    public void Unrolled_step_equals_the_general_step_bit_for_bit(string name)
    {
        IRnnModel general = Prepared(name);
        StepFunction generalStep = Bind(general, "StepGeneral");
        var runs = new List<(string Variant, IRnnModel Model, StepFunction Step)>();
        foreach (string variant in Variants(general.GetType()))
        {
            IRnnModel model = Prepared(name);
            runs.Add((variant, model, Bind(model, variant)));
        }

        IRnnModel dispatched = Prepared(name);
        runs.Add(("Step", dispatched, dispatched.Step));

        // 300 steps from a zero state: inputs of magnitude 0.1 to 30 (small, ordinary, saturating), some exact zeros.
        var random = new SeededRandom(11);
        float[] x = new float[general.InputSize];
        float[] expected = new float[general.OutputSize];
        float[] actual = new float[general.OutputSize];
        float[] scales = { 0.1f, 1f, 4f, 30f };
        for (int t = 0; t < 300; t++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = t % 7 == 3 ? 0f : ((random.NextSingle() * 2f) - 1f) * scales[(t / 5) % scales.Length];
            }

            generalStep(x, expected);
            foreach ((string variant, IRnnModel model, StepFunction step) in runs)
            {
                step(x, actual);
                for (int j = 0; j < expected.Length; j++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(actual[j]),
                        $"{name} {variant}, step {t}, output {j}: {actual[j]:R}, the general step {expected[j]:R}");
                }
            }
        }

        float[] expectedState = State(general);
        Assert.Contains(expectedState, v => v != 0f);
        foreach ((string variant, IRnnModel model, _) in runs)
        {
            Assert.True(expectedState.AsSpan().SequenceEqual(State(model)), $"{name} {variant}: the state after 300 steps differs from the general step's");
        }
    }

    [Fact]
    public void The_rule_unrolls_one_small_recurrent_layer_with_at_most_a_dense_head()
    {
        foreach ((string name, Func<IRnnModel> create) in Unrolled)
        {
            Type type = create().GetType();
            Assert.True(Method(type, "StepUnrolled") is not null, $"{name}: one recurrent layer with H <= 16 and I <= 16 (and a Dense head or none) should have an unrolled step");
            Assert.Equal(name.Contains("H16", StringComparison.Ordinal), Method(type, "StepUnrolledWide") is not null);
        }

        foreach (Type type in new[] { typeof(GeneralLstmI17H16), typeof(GeneralGruI16H17), typeof(GeneralStackedLstm) })
        {
            Assert.True(Method(type, "StepUnrolled") is null && Method(type, "StepGeneral") is null, $"{type.Name}: past the rule, the step should stay the general one");
        }
    }

    [Theory]
    [MemberData(nameof(UnrolledModels))]
    public void Unrolled_step_allocates_nothing(string name)
    {
        IRnnModel model = Prepared(name);
        float[] x = new float[model.InputSize];
        float[] y = new float[model.OutputSize];
        x.AsSpan().Fill(0.5f);
        for (int i = 0; i < 200; i++)
        {
            model.Step(x, y); // past tiering
        }

        long fewest = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                model.Step(x, y);
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
    }

    [Fact]
    public void Reference_cases_of_small_models_stream_on_the_unrolled_step()
    {
        // The libtorch cases whose model is one unidirectional recurrent layer with H <= 16 and I <= 16, with one Dense
        // head or none: Streaming_steps_match_libtorch streams them through the unrolled step.
        string[] unrolled = ReferenceModels.CaseNames.Where(n => Method(ReferenceModels.Create(n).GetType(), "StepUnrolled") is not null).ToArray();
        foreach (string expected in new[] { "Lstm1_I1_T1", "Lstm8_Dense1_I3_T5", "Lstm4_Dense1_I1_T100", "Gru1_I1_T1", "Gru8_Dense1_I3_T5", "Gru4_Dense1_I1_T100" })
        {
            Assert.Contains(expected, unrolled);
        }

        Assert.True(unrolled.Length >= 15, $"only {unrolled.Length} reference cases take the unrolled step: {string.Join(", ", unrolled)}");
        Assert.Contains(unrolled, n => n.StartsWith("Rnn", StringComparison.Ordinal));
    }
}
