using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training;
using Xunit;

namespace Rnn.Gen.Tests.Training;

/// <summary>
/// A short adding problem (30 steps instead of the sample's 100): the trainer must teach an LSTM to find the two
/// marked values and add them. Predicting the mean (1.0) scores an MSE of about 1/6.
/// </summary>
public class AddingProblemTests
{
    [Fact]
    public void An_lstm_learns_the_short_adding_problem()
    {
        var model = new ShortAdder();
        model.Initialize(1);
        Dataset training = TrainingData.Adding(model, 2000, seed: 1);
        Dataset test = TrainingData.Adding(model, 400, seed: 2);
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance,
            new TrainerOptions { Epochs = 8, BatchSize = 32, Seed = 1, ClipNorm = 1f });

        TrainingResult result = trainer.Fit(training);
        double mse = trainer.Evaluate(test).Loss;

        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.True(mse < 0.05, $"test MSE {mse} after {result.BatchesCompleted} steps (the mean predictor scores about 0.167)");
    }
}
