using System;
using Rnn.Gen.Optimizers;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>What every optimizer promises: length binding, length errors that name the expected length, no allocation.</summary>
public sealed class OptimizerContractTests
{
    public static TheoryData<string> Optimizers => new(OptimizerCatalog.Names);

    private static IOptimizer Create(string name) => OptimizerCatalog.Create(name);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Steps_after_the_first_allocate_nothing(string name)
    {
        IOptimizer optimizer = Create(name);
        float[] parameters = new float[1000];
        float[] gradients = new float[1000];
        Array.Fill(gradients, 0.5f);
        optimizer.Step(parameters, gradients);
        optimizer.Step(parameters, gradients);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            optimizer.Step(parameters, gradients);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_changed_parameter_length_throws_naming_the_expected_length(string name)
    {
        IOptimizer optimizer = Create(name);
        optimizer.Step(new float[10], new float[10]);
        var exception = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[11], new float[11]));
        Assert.Equal("parameters", exception.ParamName);
        Assert.Contains("length 10", exception.Message);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Gradients_of_another_length_throw_naming_the_expected_length(string name)
    {
        IOptimizer optimizer = Create(name);
        float[] parameters = [1f, 2f, 3f];
        var exception = Assert.Throws<ArgumentException>(() => optimizer.Step(parameters, new float[2]));
        Assert.Equal("gradients", exception.ParamName);
        Assert.Contains("length 3", exception.Message);
        Assert.Equal([1f, 2f, 3f], parameters);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void An_empty_buffer_is_rejected(string name)
    {
        IOptimizer optimizer = Create(name);
        Assert.Throws<ArgumentException>(() => optimizer.Step([], []));
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Vector_body_and_scalar_tail_agree(string name)
    {
        // Element i of a 37-long buffer (vector part or tail) must follow the same trajectory as the same
        // element stepped alone in a buffer of length 1 (all scalar).
        float[] parameters = OptimizerTestData.Parameters();
        float[][] gradients = OptimizerTestData.Gradients(5);
        IOptimizer whole = Create(name);
        var singles = new IOptimizer[parameters.Length];
        var singleParameters = new float[parameters.Length][];
        for (int i = 0; i < parameters.Length; i++)
        {
            singles[i] = Create(name);
            singleParameters[i] = [parameters[i]];
        }

        foreach (float[] gradient in gradients)
        {
            whole.Step(parameters, gradient);
            for (int i = 0; i < parameters.Length; i++)
            {
                singles[i].Step(singleParameters[i], [gradient[i]]);
            }
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            Assert.Equal(singleParameters[i][0], parameters[i]);
        }
    }
}
