using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Optimizers;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>Optimizer state for checkpoints: saved, restored into a new optimizer, continued bit for bit.</summary>
public sealed class OptimizerStateTests
{
    public static TheoryData<string> Optimizers => new(OptimizerCatalog.Names);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_restored_optimizer_continues_bit_for_bit_like_an_uninterrupted_one(string name)
    {
        const int steps = 7;
        float[][] gradients = OptimizerTestData.Gradients(steps);
        float[] uninterrupted = OptimizerTestData.Parameters();
        IOptimizer reference = OptimizerCatalog.Create(name);
        for (int s = 0; s < steps; s++)
        {
            reference.LearningRate *= 0.9f; // a schedule: the learning rate is part of the state
            reference.Step(uninterrupted, gradients[s]);
        }

        for (int split = 0; split <= steps; split++)
        {
            float[] parameters = OptimizerTestData.Parameters();
            IOptimizer first = OptimizerCatalog.Create(name);
            for (int s = 0; s < split; s++)
            {
                first.LearningRate *= 0.9f;
                first.Step(parameters, gradients[s]);
            }

            OptimizerState saved = first.GetState();
            first.Step(new float[parameters.Length], gradients[0]); // the saved state must not follow the optimizer
            IOptimizer second = OptimizerCatalog.Create(name);
            second.SetState(saved);
            for (int s = split; s < steps; s++)
            {
                second.LearningRate *= 0.9f;
                second.Step(parameters, gradients[s]);
            }

            Assert.Equal(uninterrupted, parameters);
        }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void State_names_PyTorchs_buffers_and_counts_steps(string name)
    {
        IOptimizer optimizer = OptimizerCatalog.Create(name);
        OptimizerState fresh = optimizer.GetState();
        Assert.Equal(0, fresh.StepCount);
        Assert.Empty(fresh.Buffers);
        Assert.Equal(optimizer.LearningRate, fresh.LearningRate);

        float[] parameters = OptimizerTestData.Parameters();
        float[][] gradients = OptimizerTestData.Gradients(3);
        foreach (float[] gradient in gradients)
        {
            optimizer.Step(parameters, gradient);
        }

        OptimizerState state = optimizer.GetState();
        Assert.Equal(optimizer.GetType().Name, state.Kind);
        Assert.Equal(3, state.StepCount);
        Assert.Equal(OptimizerCatalog.ExpectedBuffers(name), state.Buffers.Keys.ToArray());
        Assert.All(state.Buffers.Values, buffer => Assert.Equal(OptimizerTestData.Length, buffer.Length));
        Assert.Equal(state.Buffers.Count == 0 ? 0 : OptimizerTestData.Length, state.ParameterCount);
    }

    [Fact]
    public void The_state_is_immutable()
    {
        var buffers = new Dictionary<string, float[]> { ["exp_avg"] = [1f, 2f], ["exp_avg_sq"] = [3f, 4f] };
        var state = new OptimizerState("Adam", 2, 0.1f, buffers);
        buffers["exp_avg"][0] = 100f;
        state.Buffers["exp_avg"][1] = 100f;
        foreach (KeyValuePair<string, float[]> pair in state.Buffers)
        {
            pair.Value[0] = 100f;
        }

        Assert.Equal([1f, 2f], state.Buffers["exp_avg"]);
        Assert.Equal([3f, 4f], state.Buffers["exp_avg_sq"]);
        Assert.Equal(["exp_avg", "exp_avg_sq"], state.Buffers.Keys);
    }

    [Fact]
    public void A_state_restored_into_a_fresh_optimizer_binds_its_length()
    {
        var adam = new Adam();
        adam.SetState(new OptimizerState("Adam", 4, 0.01f, new Dictionary<string, float[]>
        {
            ["exp_avg"] = new float[5],
            ["exp_avg_sq"] = new float[5],
        }));
        Assert.Equal(5, adam.ParameterCount);
        Assert.Equal(4, adam.StepCount);
        Assert.Equal(0.01f, adam.LearningRate);
        var exception = Assert.Throws<ArgumentException>(() => adam.Step(new float[6], new float[6]));
        Assert.Contains("length 5", exception.Message);
    }

    [Fact]
    public void A_step_zero_state_resets_the_optimizer()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        float[][] gradients = OptimizerTestData.Gradients(2);
        float[] parameters = OptimizerTestData.Parameters();
        OptimizerState fresh = new Sgd(0.05f, momentum: 0.9f).GetState();
        sgd.Step(parameters, gradients[0]);
        sgd.SetState(fresh);
        Assert.Equal(0, sgd.StepCount);
        Assert.Equal(0.05f, sgd.LearningRate);

        float[] afterRestore = OptimizerTestData.Parameters();
        sgd.Step(afterRestore, gradients[1]);
        float[] expected = OptimizerTestData.Parameters();
        new Sgd(0.05f, momentum: 0.9f).Step(expected, gradients[1]);
        Assert.Equal(expected, afterRestore);
    }

    public static TheoryData<string> InvalidStates => new()
    {
        "another kind", "a missing buffer", "an extra buffer", "a renamed buffer", "another length", "buffers at step 0",
        "a negative learning rate", "a NaN learning rate",
    };

    [Theory]
    [MemberData(nameof(InvalidStates))]
    public void An_invalid_state_throws_and_changes_nothing(string what)
    {
        var adam = new Adam(0.01f);
        float[] parameters = OptimizerTestData.Parameters();
        float[][] gradients = OptimizerTestData.Gradients(4);
        adam.Step(parameters, gradients[0]);
        adam.Step(parameters, gradients[1]);
        OptimizerState before = adam.GetState();
        int n = OptimizerTestData.Length;
        Dictionary<string, float[]> Buffers(params string[] names) => names.ToDictionary(x => x, _ => Enumerable.Repeat(7f, n).ToArray());
        OptimizerState bad = what switch
        {
            "another kind" => new Sgd(0.1f, momentum: 0.5f) is var sgd && Run(sgd) ? sgd.GetState() : throw new InvalidOperationException(),
            "a missing buffer" => new OptimizerState("Adam", 3, 0.01f, Buffers("exp_avg")),
            "an extra buffer" => new OptimizerState("Adam", 3, 0.01f, Buffers("exp_avg", "exp_avg_sq", "max_exp_avg_sq")),
            "a renamed buffer" => new OptimizerState("Adam", 3, 0.01f, Buffers("exp_avg", "exp_avg_sq2")),
            "another length" => new OptimizerState("Adam", 3, 0.01f, new Dictionary<string, float[]> { ["exp_avg"] = new float[n + 1], ["exp_avg_sq"] = new float[n + 1] }),
            "buffers at step 0" => new OptimizerState("Adam", 0, 0.01f, Buffers("exp_avg", "exp_avg_sq")),
            "a negative learning rate" => new OptimizerState("Adam", 3, -0.01f, Buffers("exp_avg", "exp_avg_sq")),
            "a NaN learning rate" => new OptimizerState("Adam", 3, float.NaN, Buffers("exp_avg", "exp_avg_sq")),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var exception = Assert.Throws<ArgumentException>(() => adam.SetState(bad));
        Assert.Equal("state", exception.ParamName);
        AssertSameState(before, adam.GetState());

        // And it still continues as before.
        float[] copy = (float[])parameters.Clone();
        var twin = new Adam(0.01f);
        twin.SetState(before);
        adam.Step(parameters, gradients[2]);
        twin.Step(copy, gradients[2]);
        Assert.Equal(copy, parameters);

        static bool Run(IOptimizer optimizer)
        {
            optimizer.Step(OptimizerTestData.Parameters(), OptimizerTestData.Gradients(1)[0]);
            return true;
        }
    }

    [Fact]
    public void The_state_constructor_rejects_inconsistent_buffers()
    {
        Assert.Throws<ArgumentException>(() => new OptimizerState("Adam", 1, 0.1f, new Dictionary<string, float[]> { ["a"] = new float[2], ["b"] = new float[3] }));
        Assert.Throws<ArgumentException>(() => new OptimizerState("Adam", 1, 0.1f, new Dictionary<string, float[]> { ["a"] = [] }));
        Assert.Throws<ArgumentException>(() => new OptimizerState("", 1, 0.1f, new Dictionary<string, float[]>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OptimizerState("Adam", -1, 0.1f, new Dictionary<string, float[]>()));
    }

    private static void AssertSameState(OptimizerState expected, OptimizerState actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.StepCount, actual.StepCount);
        Assert.Equal(expected.LearningRate, actual.LearningRate);
        Assert.Equal(expected.Buffers.Keys, actual.Buffers.Keys);
        foreach (string key in expected.Buffers.Keys)
        {
            Assert.Equal(expected.Buffers[key], actual.Buffers[key]);
        }
    }
}
