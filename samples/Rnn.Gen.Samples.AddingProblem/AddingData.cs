using System;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Samples.AddingProblem;

/// <summary>The adding problem's data (Hochreiter and Schmidhuber 1997, experiment 4; Le et al. 2015's variant).</summary>
internal static class AddingData
{
    /// <summary>
    /// <paramref name="count"/> sequences of <paramref name="steps"/> steps with two features: a value drawn uniformly
    /// from [0, 1), and a marker that is 1 at exactly two steps (one in the first half, one in the second) and 0
    /// elsewhere. The target is the sum of the two marked values.
    /// </summary>
    public static Dataset Generate(int count, int steps, long seed)
    {
        var random = new SeededRandom(seed);
        var inputs = new float[count * steps * 2];
        var targets = new float[count];
        for (int s = 0; s < count; s++)
        {
            Span<float> sample = inputs.AsSpan(s * steps * 2, steps * 2);
            for (int t = 0; t < steps; t++)
            {
                sample[2 * t] = random.NextSingle();
            }

            int first = random.NextInt(steps / 2);
            int second = steps / 2 + random.NextInt(steps - steps / 2);
            sample[2 * first + 1] = 1f;
            sample[2 * second + 1] = 1f;
            targets[s] = sample[2 * first] + sample[2 * second];
        }

        return new Dataset(inputs, targets, steps, inputSize: 2, outputSteps: 1, outputSize: 1);
    }
}
