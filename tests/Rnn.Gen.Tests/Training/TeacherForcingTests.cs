using System;
using System.Linq;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Tests.Generated;
using Rnn.Gen.Tests.Models;
using Rnn.Gen.Training;
using Xunit;

namespace Rnn.Gen.Tests.Training;

/// <summary>The trainer with teacher forcing, and the cross-entropy on probabilities that token decoders need.</summary>
public class TeacherForcingTests
{
    [Fact]
    public void Cross_entropy_of_probabilities_matches_its_definition_and_the_logit_gradient()
    {
        float[] logits = { 0.3f, -1.2f, 2f, 0.5f, 0.1f, -0.4f };
        int[] classes = { 2, 0 };
        float[] probabilities = (float[])logits.Clone();
        Rnn.Gen.Kernels.VectorKernels.Softmax(probabilities.AsSpan(0, 3));
        Rnn.Gen.Kernels.VectorKernels.Softmax(probabilities.AsSpan(3, 3));
        float[] gradient = new float[6], logitGradient = new float[6];
        float loss = Losses.CrossEntropyOfProbabilities(probabilities, classes, gradient);
        Assert.Equal(-(Math.Log(probabilities[2]) + Math.Log(probabilities[3])) / 2, loss, 5);

        // Through the softmax backward it is the logits' cross-entropy gradient.
        Rnn.Gen.Kernels.VectorKernels.SoftmaxBackward(probabilities.AsSpan(0, 3), gradient.AsSpan(0, 3));
        Rnn.Gen.Kernels.VectorKernels.SoftmaxBackward(probabilities.AsSpan(3, 3), gradient.AsSpan(3, 3));
        Assert.Equal(loss, Losses.SoftmaxCrossEntropy(logits, classes, logitGradient), 5);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(logitGradient[i], gradient[i], 5);
        }

        Assert.Throws<ArgumentException>(() => Losses.CrossEntropyOfProbabilities(probabilities, new[] { 3, 0 }, gradient));
    }

    [Fact]
    public void Teacher_forced_training_feeds_the_targets_and_learns()
    {
        var model = new Seq2SeqTokens();
        model.Initialize(2);
        var random = new SeededRandom(6);
        const int count = 16;
        float[] inputs = GradientCheckTests.RandomVector(random, count * Seq2SeqTokens.Steps * Seq2SeqTokens.InputSize, 1f);
        // The first token says whether the first input is positive; each next token is the previous one plus 1 (mod 5).
        int[] classes = new int[count * Seq2SeqTokens.OutputSteps];
        for (int n = 0; n < count; n++)
        {
            int token = inputs[n * Seq2SeqTokens.Steps * Seq2SeqTokens.InputSize] > 0 ? 1 : 3;
            for (int t = 0; t < Seq2SeqTokens.OutputSteps; t++, token = (token + 1) % Seq2SeqTokens.OutputSize)
            {
                classes[(n * Seq2SeqTokens.OutputSteps) + t] = token;
            }
        }

        Dataset data = Dataset.ForClassifier(model, inputs, classes);
        var trainer = new Trainer(model, new Adam(0.02f), CrossEntropyOfProbabilitiesLoss.Instance,
            new TrainerOptions { Epochs = 40, BatchSize = 8, Seed = 1, TeacherForcing = true });
        double before = trainer.Evaluate(data).Loss;
        trainer.Fit(data);
        Evaluation after = trainer.Evaluate(data);
        Assert.True(after.Loss < before / 3, $"loss {before:G4} -> {after.Loss:G4}");
        Assert.True(after.Accuracy > 0.9, $"accuracy {after.Accuracy:P0}");

        // The trainer's step equals a hand-written teacher-forced step.
        var a = new Seq2SeqTokens();
        var b = new Seq2SeqTokens();
        a.Initialize(4);
        b.Initialize(4);
        var trainerA = new Trainer(a, new Sgd(0.1f), CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions { Epochs = 1, BatchSize = 1, Shuffle = false, TeacherForcing = true });
        trainerA.TrainOnBatch(data, new[] { 3 });
        float[] oneHot = new float[Seq2SeqTokens.OutputSteps * Seq2SeqTokens.OutputSize];
        for (int t = 0; t < Seq2SeqTokens.OutputSteps; t++)
        {
            oneHot[(t * Seq2SeqTokens.OutputSize) + data.ClassIndices(3)[t]] = 1f;
        }

        float[] output = new float[oneHot.Length], gradient = new float[oneHot.Length];
        b.ZeroGradients();
        b.ForwardTeacherForced(data.Input(3), oneHot, output);
        Losses.CrossEntropyOfProbabilities(output, data.ClassIndices(3), gradient);
        b.Backward(gradient);
        new Sgd(0.1f).Step(b.Parameters, b.Gradients);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
    }

    [Fact]
    public void Teacher_forcing_a_model_without_decoder_is_refused()
    {
        var model = new LstmToDense();
        Dataset data = Dataset.ForModel(model, new float[LstmToDense.Steps * LstmToDense.InputSize], new float[LstmToDense.OutputSize]);
        var trainer = new Trainer(model, new Adam(), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 1, BatchSize = 1, TeacherForcing = true });
        Assert.Contains("no decoder", Assert.Throws<NotSupportedException>(() => trainer.Fit(data)).Message, StringComparison.Ordinal);
    }
}
