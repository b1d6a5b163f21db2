using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Variable-length samples: a sample padded past its length behaves exactly as its valid prefix on a model declared
/// with that many steps: the padding carries the state, outputs zeros, and gets no gradient; the reverse direction of
/// a bidirectional layer starts at the last valid step (as PyTorch's packed sequences).
/// </summary>
public class PaddingTests
{
    public static TheoryData<string> Pairs => new()
    {
        nameof(PaddedStackLong), nameof(PaddedBiGruSequenceLong), nameof(PaddedBiElmanLastLong), nameof(PaddedLstmSequenceLong),
    };

    private static (IRnnModel Long, IRnnModel Short) Create(string name) => name switch
    {
        nameof(PaddedStackLong) => (new PaddedStackLong(), new PaddedStackShort()),
        nameof(PaddedBiGruSequenceLong) => (new PaddedBiGruSequenceLong(), new PaddedBiGruSequenceShort()),
        nameof(PaddedBiElmanLastLong) => (new PaddedBiElmanLastLong(), new PaddedBiElmanLastShort()),
        _ => (new PaddedLstmSequenceLong(), new PaddedLstmSequenceShort()),
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_padded_sample_behaves_as_its_valid_prefix(string name)
    {
        (IRnnModel padded, IRnnModel prefix) = Create(name);
        padded.Initialize(12);
        padded.Parameters.CopyTo(prefix.Parameters);
        int length = prefix.Steps, features = padded.InputSize, outputSize = padded.OutputSize;
        bool sequence = padded.OutputSteps > 1;

        var random = new SeededRandom(4);
        float[] input = GradientCheckTests.RandomVector(random, padded.Steps * features, 1f);
        for (int i = length * features; i < input.Length; i++)
        {
            input[i] = 50f; // the padding holds garbage: it must not matter
        }

        float[] prefixInput = input.AsSpan(0, length * features).ToArray();
        float[] expected = new float[prefix.OutputSteps * outputSize];
        prefix.Predict(prefixInput, expected);

        float[] predicted = Enumerable.Repeat(7f, padded.OutputSteps * outputSize).ToArray();
        float[] forward = new float[predicted.Length];
        padded.Predict(input, predicted, length);
        padded.Forward(input, forward, length);
        float[] expectedPadded = sequence ? [.. expected, .. new float[(padded.Steps - length) * outputSize]] : expected;
        AssertClose(expectedPadded, predicted);
        AssertClose(expectedPadded, forward);

        // Gradients: the same as the prefix model's, and none for the padded inputs.
        float[] dOutput = GradientCheckTests.RandomVector(random, predicted.Length, 1f);
        float[] prefixDOutput = dOutput.AsSpan(0, expected.Length).ToArray();
        float[] inputGradient = new float[input.Length], prefixInputGradient = new float[prefixInput.Length];
        padded.ZeroGradients();
        prefix.ZeroGradients();
        padded.Backward(dOutput, inputGradient);
        prefix.Forward(prefixInput, new float[expected.Length]);
        prefix.Backward(prefixDOutput, prefixInputGradient);
        AssertClose(prefix.Gradients.ToArray(), padded.Gradients.ToArray());
        AssertClose([.. prefixInputGradient, .. new float[(padded.Steps - length) * features]], inputGradient);
    }

    [Fact]
    public void A_length_outside_one_to_steps_is_refused_before_anything_is_written()
    {
        var model = new PaddedStackLong();
        float[] output = { 3f, 3f };
        foreach (int length in new[] { 0, -1, PaddedStackLong.Steps + 1 })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(new float[21], output, length));
            Assert.Equal("length", error.ParamName);
            Assert.Contains("between 1 and 7", error.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new float[21], output, length));
        }

        Assert.Equal(new[] { 3f, 3f }, output);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
