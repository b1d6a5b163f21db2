// Shared by the samples on MNIST digits (linked into each project by its .csproj, whose generator then writes the
// model below): the logistic-regression baseline, a softmax over the 784 pixels trained with the Rnn.Gen trainer.

using System;
using System.Numerics.Tensors;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training;

namespace Rnn.Gen.Samples;

/// <summary>
/// Multinomial logistic regression on a digit's pixels: one step of 784 values in, the 10 logits out
/// (<c>nn.Linear(784, 10)</c>; the softmax is in the loss), with an L2 penalty on the weights.
/// </summary>
[RnnModel(inputSize: MnistImages.PixelCount, steps: 1)]
[Dense(10, KernelL2 = 1e-4)]
public partial class SoftmaxRegression;

/// <summary>Trains and applies the logistic-regression baseline.</summary>
internal static class LogisticRegression
{
    public const int Seed = 1;
    public const int Epochs = 15;
    public const int BatchSize = 64;
    public const float LearningRate = 1e-3f;

    /// <summary>What <see cref="Train"/> does, for a sample to print.</summary>
    public const string Description = "logistic regression: softmax over the 784 pixels (7,850 parameters), L2 1e-4 on the weights, " +
        "15 epochs of Adam (lr 0.001), batches of 64, softmax cross-entropy";

    /// <summary>A <see cref="SoftmaxRegression"/> trained on <paramref name="training"/>, seeded (the same result on every run).</summary>
    public static SoftmaxRegression Train(MnistImages training, IProgress<TrainingProgress>? progress = null)
    {
        var model = new SoftmaxRegression();
        model.Initialize(Seed);
        using var trainer = new Trainer(model, new Adam(LearningRate), new SoftmaxCrossEntropyLoss(), new TrainerOptions
        {
            Epochs = Epochs,
            BatchSize = BatchSize,
            Seed = Seed,
        });
        trainer.Fit(Dataset.ForClassifier(model, training.Pixels, training.Labels), progress);
        return model;
    }

    /// <summary>The most probable digit of a 28 × 28 image (784 pixels).</summary>
    public static int Classify(SoftmaxRegression model, ReadOnlySpan<float> image)
    {
        Span<float> logits = stackalloc float[SoftmaxRegression.OutputSize];
        model.Predict(image, logits);
        return TensorPrimitives.IndexOfMax<float>(logits);
    }

    /// <summary>The most probable digit of every image of <paramref name="images"/>.</summary>
    public static int[] Classify(SoftmaxRegression model, MnistImages images)
    {
        var predicted = new int[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            predicted[i] = Classify(model, images.Image(i));
        }

        return predicted;
    }
}
