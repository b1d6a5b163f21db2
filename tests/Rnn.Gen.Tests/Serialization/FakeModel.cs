using System;
using System.Collections.Generic;

namespace Rnn.Gen.Tests.Serialization;

/// <summary>
/// A hand-written <see cref="IRnnModel"/> with the parameter table of <c>[Lstm(2)] [Dense(1)]</c> on 3 inputs, for the
/// weight-file tests; it holds parameters but computes nothing.
/// </summary>
internal sealed class FakeModel : IRnnModel
{
    private readonly float[] _parameters;
    private readonly float[] _gradients;

    public FakeModel()
    {
        ParameterLayout = new[]
        {
            new ParameterInfo("0.weight_ih_l0", 0, 8, 3),
            new ParameterInfo("0.weight_hh_l0", 24, 8, 2),
            new ParameterInfo("0.bias_ih_l0", 40, 8),
            new ParameterInfo("0.bias_hh_l0", 48, 8),
            new ParameterInfo("1.weight", 56, 1, 2),
            new ParameterInfo("1.bias", 58, 1),
        };
        _parameters = new float[ParameterCount];
        _gradients = new float[ParameterCount];
    }

    public FakeModel(IReadOnlyList<ParameterInfo> layout, int parameterCount)
    {
        ParameterLayout = layout;
        ParameterCount = parameterCount;
        _parameters = new float[parameterCount];
        _gradients = new float[parameterCount];
    }

    public int InputSize => 3;
    public int Steps => 4;
    public int OutputSize => 1;
    public int OutputSteps => 1;
    public int ParameterCount { get; } = 59;
    public Span<float> Parameters => _parameters;
    public Span<float> Gradients => _gradients;
    public IReadOnlyList<ParameterInfo> ParameterLayout { get; }

    /// <summary>Fills the parameters with distinct values derived from <paramref name="seed"/>.</summary>
    public void Initialize(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < _parameters.Length; i++)
        {
            _parameters[i] = (float)(random.NextDouble() - 0.5);
        }
    }

    public void Predict(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();
    public void Forward(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();
    public void Backward(ReadOnlySpan<float> outputGradient) => throw new NotSupportedException();
    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient) => throw new NotSupportedException();
    public void ZeroGradients() => Array.Clear(_gradients);
    public void ResetState() { }
    public void Step(ReadOnlySpan<float> inputStep, Span<float> outputStep) => throw new NotSupportedException();
}
