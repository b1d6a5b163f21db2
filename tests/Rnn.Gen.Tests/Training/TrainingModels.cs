using System;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;

// Small models and data for the trainer's tests: sizes are kept tiny so that whole training runs take milliseconds.
namespace Rnn.Gen.Tests.Training;

/// <summary>Many-to-one regression: 5 steps of 2 features → 1 value.</summary>
[RnnModel(inputSize: 2, steps: 5)]
[Lstm(4)]
[Dense(1)]
public partial class TinyRegressor;

/// <summary>The same inputs with a different layout, for mismatched checkpoints.</summary>
[RnnModel(inputSize: 2, steps: 5)]
[Gru(4)]
[Dense(1)]
public partial class TinyGruRegressor;

/// <summary>Many-to-one classification: 4 steps of 3 features → logits of 3 classes.</summary>
[RnnModel(inputSize: 3, steps: 4)]
[Gru(6)]
[Dense(3)]
public partial class TinyClassifier;

/// <summary>Many-to-many regression: 4 steps of 2 features → 2 values at every step.</summary>
[RnnModel(inputSize: 2, steps: 4)]
[SimpleRnn(5, ReturnSequences = true)]
[Dense(2)]
public partial class TinySequence;

/// <summary>Dropout, recurrent dropout, noise and penalties: training draws random masks, which checkpoints must resume.</summary>
[RnnModel(inputSize: 2, steps: 5)]
[GaussianNoise(0.1)]
[Lstm(4, Dropout = 0.2, RecurrentDropout = 0.2, KernelL2 = 1e-3)]
[Dense(1, Dropout = 0.1, BiasL1 = 1e-3)]
public partial class TinyRegularized;

/// <summary>Windows of one long series, each Forward continuing from the previous one (truncated BPTT).</summary>
[RnnModel(inputSize: 2, steps: 5, Stateful = true)]
[Lstm(3)]
[Dense(1)]
public partial class TinyStateful;

/// <summary>The adding problem with 30 steps (the sample uses 100).</summary>
[RnnModel(inputSize: 2, steps: 30)]
[Lstm(16)]
[Dense(1)]
public partial class ShortAdder;

internal static class TrainingData
{
    /// <summary>Random inputs and targets shaped for <paramref name="model"/>; the targets depend on the inputs, so there is something to learn.</summary>
    public static Dataset Regression(IRnnModel model, int count, long seed)
    {
        var random = new SeededRandom(seed);
        int inputLength = model.Steps * model.InputSize;
        int targetLength = model.OutputSteps * model.OutputSize;
        var inputs = new float[count * inputLength];
        var targets = new float[count * targetLength];
        for (int s = 0; s < count; s++)
        {
            float sum = 0;
            for (int i = 0; i < inputLength; i++)
            {
                float x = (float)(random.NextDouble() * 2 - 1);
                inputs[s * inputLength + i] = x;
                sum += x * (i % 3 - 1);
            }

            for (int j = 0; j < targetLength; j++)
            {
                targets[s * targetLength + j] = MathF.Tanh(sum * 0.5f + j * 0.1f);
            }
        }

        return Dataset.ForModel(model, inputs, targets);
    }

    /// <summary>Classes by which third of the steps has the largest first feature: learnable, 3 classes.</summary>
    public static Dataset Classification(IRnnModel model, int count, long seed)
    {
        var random = new SeededRandom(seed);
        int inputLength = model.Steps * model.InputSize;
        var inputs = new float[count * inputLength];
        var classes = new int[count];
        for (int s = 0; s < count; s++)
        {
            for (int i = 0; i < inputLength; i++)
            {
                inputs[s * inputLength + i] = (float)random.NextGaussian();
            }

            double total = 0;
            for (int t = 0; t < model.Steps; t++)
            {
                total += inputs[s * inputLength + t * model.InputSize];
            }

            classes[s] = total < -0.7 ? 0 : total < 0.7 ? 1 : 2;
        }

        return Dataset.ForClassifier(model, inputs, classes);
    }

    /// <summary>
    /// The adding problem (Hochreiter and Schmidhuber 1997): per step a value in [0, 1) and a marker, 1 at one step in
    /// each half; the target is the sum of the two marked values.
    /// </summary>
    public static Dataset Adding(IRnnModel model, int count, long seed)
    {
        int steps = model.Steps;
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
            sample[2 * first + 1] = 1;
            sample[2 * second + 1] = 1;
            targets[s] = sample[2 * first] + sample[2 * second];
        }

        return Dataset.ForModel(model, inputs, targets);
    }
}
