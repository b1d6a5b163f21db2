using System;

namespace Rnn.Gen.Samples.TextGeneration;

/// <summary>Per-character cross-entropy of the model and of two simple baselines on held-out text.</summary>
internal static class Scoring
{
    // The model's mean −log p of each held-out character given the true ones before it in its chunk (teacher forcing).
    public static double HeldOutCrossEntropy(TextGenerator model, int[] text)
    {
        int size = TextGenerator.InputSize, steps = TextGenerator.OutputSteps;
        var input = new float[size];
        var teacher = new float[steps * size];
        var output = new float[steps * size];
        var targets = new int[steps];
        var gradient = new float[steps * size];
        double total = 0;
        int count = (text.Length - 1) / steps;
        for (int i = 0; i < count; i++)
        {
            Array.Clear(input);
            input[text[i * steps]] = 1f;
            text.AsSpan((i * steps) + 1, steps).CopyTo(targets);
            Array.Clear(teacher);
            for (int t = 0; t < steps; t++)
            {
                teacher[(t * size) + targets[t]] = 1f;
            }

            model.ForwardTeacherForced(input, teacher, output);
            total += Losses.CrossEntropyOfProbabilities(output, targets, gradient);
        }

        return total / count;
    }

    // Cross-entropy on the held-out targets of a unigram and of a bigram model of the training text (add-one smoothing).
    public static (double Unigram, double Bigram) Baselines(int[] training, int[] heldOut, int vocabulary, int steps)
    {
        var unigram = new double[vocabulary];
        var bigram = new double[vocabulary, vocabulary];
        for (int i = 0; i < training.Length; i++)
        {
            unigram[training[i]]++;
            if (i > 0)
            {
                bigram[training[i - 1], training[i]]++;
            }
        }

        var rowTotals = new double[vocabulary];
        for (int a = 0; a < vocabulary; a++)
        {
            for (int b = 0; b < vocabulary; b++)
            {
                rowTotals[a] += bigram[a, b];
            }
        }

        double uni = 0, bi = 0;
        int count = (heldOut.Length - 1) / steps * steps; // the same characters the model is scored on
        for (int i = 1; i <= count; i++)
        {
            uni -= Math.Log((unigram[heldOut[i]] + 1) / (training.Length + vocabulary));
            bi -= Math.Log((bigram[heldOut[i - 1], heldOut[i]] + 1) / (rowTotals[heldOut[i - 1]] + vocabulary));
        }

        return (uni / count, bi / count);
    }
}
