// The adding problem (Hochreiter & Schmidhuber 1997): each sequence has 100 steps of (value, marker); the marker is 1
// at one step in the first half and one in the second; the target is the sum of the two marked values. Always
// predicting the mean (1.0) scores an MSE of 1/6 ≈ 0.167; the model must remember two numbers across up to 99 steps
// and ignore everything else. An LSTM generated for exactly these sizes learns it with the Rnn.Gen trainer.
//
// Everything is seeded: the same build prints the same numbers on the same machine (apart from the timings).

using System;
using System.Diagnostics;
using Rnn.Gen;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples.AddingProblem;
using Rnn.Gen.Training;

const int Seed = 1;
const int TrainingSamples = 20_000;
const int ValidationSamples = 1_000;
const int TestSamples = 2_000;
const int Epochs = 12;
const int BatchSize = 32;
const float LearningRate = 2e-3f;
const float MaxGradientNorm = 1f;
const int Patience = 4;
const double Target = 0.01;

var clock = Stopwatch.StartNew();
int steps = Adder.Steps;
Dataset training = AddingData.Generate(TrainingSamples, steps, seed: Seed);
Dataset validation = AddingData.Generate(ValidationSamples, steps, seed: Seed + 1);
Dataset test = AddingData.Generate(TestSamples, steps, seed: Seed + 2);

var model = new Adder();
model.Initialize(Seed);
var trainer = new Trainer(model, new Adam(LearningRate), MeanSquaredErrorLoss.Instance, new TrainerOptions
{
    Epochs = Epochs,
    BatchSize = BatchSize,
    Seed = Seed,
    ClipNorm = MaxGradientNorm,
    EarlyStopping = new EarlyStopping { Patience = Patience, RestoreBestWeights = true },
});

double meanPredictor = MeanPredictorMse(training, test);
Console.WriteLine($"Adding problem: {steps} steps × 2 features (value, marker) → the sum of the two marked values");
Console.WriteLine($"Data: {training.Count} training, {validation.Count} validation, {test.Count} test sequences");
int hidden = (int)Math.Sqrt(model.GetParameter("0.weight_hh_l0").Length / 4); // weight_hh_l0 is [4H, H]
Console.WriteLine($"Model: LSTM({hidden}) → Dense(1), {Adder.ParameterCount} parameters");
Console.WriteLine($"Training: up to {Epochs} epochs, batch {BatchSize}, Adam lr {LearningRate}, gradient norm clipped at {MaxGradientNorm}, " +
    $"early stopping on the validation MSE (patience {Patience}, best weights kept)");
Console.WriteLine($"Predicting the mean scores a test MSE of {meanPredictor:F4}; the goal is below {Target}.");
Console.WriteLine();
Console.WriteLine(" epoch   steps   train MSE   valid MSE    time");

var trainingClock = Stopwatch.StartNew();
var progress = new ConsoleProgress(trainingClock, Target);
TrainingResult result = trainer.Fit(training, validation, progress);
trainingClock.Stop();

double testMse = trainer.Evaluate(test).Loss;
Console.WriteLine();
Console.WriteLine($"Stopped: {result.StopReason} after {result.EpochsCompleted} epochs, {result.BatchesCompleted} steps" +
    (result.RestoredBestWeights ? $"; kept epoch {result.BestEpoch} (validation MSE {result.BestValue:F5})" : ""));
if (progress.ReachedAt is (int epoch, long step, TimeSpan time))
{
    Console.WriteLine($"The validation MSE first fell below {Target} after epoch {epoch}: {step} steps ({step * BatchSize} sequences), {time.TotalSeconds:F0} s");
}

Console.WriteLine($"Test MSE {testMse:F5} ({(testMse < Target ? "below" : "NOT below")} {Target}; the mean predictor: {meanPredictor:F4})");

// The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8).
var int8Model = new AdderInt8();
model.Parameters.CopyTo(int8Model.Parameters);
Console.WriteLine($"Test MSE with int8 weights {TestMse(int8Model, test):F5} (float32, the same way: {TestMse(model, test):F5})");
Console.WriteLine($"Training took {trainingClock.Elapsed.TotalSeconds:F0} s ({trainingClock.Elapsed.TotalMilliseconds / result.BatchesCompleted:F1} ms per step of {BatchSize}); total run time {clock.Elapsed.TotalSeconds:F0} s");
return testMse < Target ? 0 : 1;

// The test MSE of a model's Predict, one sequence at a time.
static double TestMse(IRnnModel model, Dataset test)
{
    float[] output = new float[1];
    double total = 0;
    for (int i = 0; i < test.Count; i++)
    {
        model.Predict(test.Input(i), output);
        double difference = output[0] - test.Target(i)[0];
        total += difference * difference;
    }

    return total / test.Count;
}

// The MSE of always predicting the training targets' mean.
static double MeanPredictorMse(Dataset training, Dataset test)
{
    double mean = 0;
    for (int i = 0; i < training.Count; i++)
    {
        mean += training.Target(i)[0];
    }

    mean /= training.Count;
    double total = 0;
    for (int i = 0; i < test.Count; i++)
    {
        double difference = test.Target(i)[0] - mean;
        total += difference * difference;
    }

    return total / test.Count;
}

/// <summary>Prints one line per epoch, synchronously (Progress&lt;T&gt; would print from the thread pool).</summary>
internal sealed class ConsoleProgress(Stopwatch clock, double target) : IProgress<TrainingProgress>
{
    /// <summary>When the validation MSE first fell below the target.</summary>
    public (int Epoch, long Step, TimeSpan Time)? ReachedAt { get; private set; }

    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Epoch)
        {
            Console.WriteLine($"{value.Epoch,6} {value.BatchesCompleted,7}   {value.TrainingLoss,9:F5}   {value.ValidationLoss,9:F5}   {clock.Elapsed.TotalSeconds,4:F0} s");
            if (ReachedAt is null && value.ValidationLoss < target)
            {
                ReachedAt = (value.Epoch, value.BatchesCompleted, clock.Elapsed);
            }
        }
    }
}
