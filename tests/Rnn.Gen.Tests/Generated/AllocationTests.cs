using System;
using System.Linq;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>After construction, the hot members allocate nothing.</summary>
public class AllocationTests
{
    public static TheoryData<string> Models => AllModels.EveryModelData();

    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_Forward_Backward_ZeroGradients_and_Step_allocate_zero_bytes(string name)
    {
        IRnnModel model = AllModels.Create(name);
        model.Initialize(5);
        float[] input = new float[model.Steps * model.InputSize];
        float[] output = new float[model.OutputSteps * model.OutputSize];
        float[] inputGradient = new float[input.Length];
        float[] step = new float[model.OutputSize];
        bool streams = AllModels.Streams(name);
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = MathF.Sin(i);
        }

        void RunAll()
        {
            model.Predict(input, output);
            model.ZeroGradients();
            model.Forward(input, output);
            model.Backward(output);
            model.Backward(output, inputGradient);
            model.ResetState();
            if (streams)
            {
                model.Step(input.AsSpan(0, model.InputSize), step);
            }
        }

        Assert.Equal(0, FewestAllocatedBytes(RunAll)); // past tiering, then the fewest bytes of three rounds
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_predictor_predicts_and_steps_allocating_zero_bytes(string name)
    {
        IRnnModel model = AllModels.Create(name);
        IRnnPredictor predictor = model.CreatePredictor();
        float[] input = new float[model.Steps * model.InputSize];
        float[] output = new float[model.OutputSteps * model.OutputSize];
        float[] step = new float[model.OutputSize];
        bool streams = AllModels.Streams(name);
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = MathF.Cos(i);
        }

        void RunAll()
        {
            predictor.Predict(input, output);
            predictor.Predict(input, output, 1);
            predictor.ResetState();
            if (streams)
            {
                predictor.Step(input.AsSpan(0, model.InputSize), step);
            }
        }

        Assert.Equal(0, FewestAllocatedBytes(RunAll)); // past tiering, then the fewest bytes of three rounds
    }

    /// <summary>
    /// The fewest bytes this thread allocates in three rounds of ten <paramref name="runAll"/> calls, after 100 calls
    /// past JIT tiering (which may allocate): a real allocation per call shows in every round.
    /// </summary>
    internal static long FewestAllocatedBytes(Action runAll)
    {
        for (int i = 0; i < 100; i++)
        {
            runAll();
        }

        long fewest = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                runAll();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
