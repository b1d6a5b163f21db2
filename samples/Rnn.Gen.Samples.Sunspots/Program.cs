// Forecasts next year's sunspot number from the previous 24 years with an LSTM that the Rnn.Gen source generator
// specializes for exactly these sizes, trained in-process with the Rnn.Gen trainer (Adam, gradient clipping, MSE,
// early stopping that keeps the epoch with the lowest validation loss).
//
// Data: yearly sunspot numbers 1700–2008 (public domain, see README.md), embedded in the assembly.
// Split by target year: training up to 1950, validation 1951–1988 (picks the epoch to keep), test 1989–2008.
// Everything is seeded: the same build prints the same numbers on the same machine (apart from the timings).
// Plots go to the out/ folder beside this file (git-ignored).

using System;
using System.Diagnostics;
using System.IO;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples.Sunspots;
using Rnn.Gen.Training;
using Spectre.Console;

const int Seed = 7;
const int Epochs = 150;
const int Patience = 30;
const int BatchSize = 16;
const float LearningRate = 5e-3f;
const float MaxGradientNorm = 1.0f;
const int LastTrainingYear = 1950;
const int FirstTestYear = 1989;
const int ReportEvery = 10;

var clock = Stopwatch.StartNew();
SunspotSeries series = SunspotSeries.LoadEmbedded();
int steps = SunspotForecaster.Steps;

// Normalize with statistics of the training years only, so nothing about later years leaks into training.
double sum = 0, sumOfSquares = 0;
int trainingYears = LastTrainingYear - series.FirstYear + 1;
for (int i = 0; i < trainingYears; i++)
{
    sum += series.Values[i];
    sumOfSquares += (double)series.Values[i] * series.Values[i];
}

float mean = (float)(sum / trainingYears);
float std = (float)Math.Sqrt(sumOfSquares / trainingYears - (sum / trainingYears) * (sum / trainingYears));
float[] normalized = Array.ConvertAll(series.Values, v => (v - mean) / std);

var training = new WindowSet(normalized, series.FirstYear, steps, series.FirstYear + steps, LastTrainingYear);
var validation = new WindowSet(normalized, series.FirstYear, steps, LastTrainingYear + 1, FirstTestYear - 1);
var test = new WindowSet(normalized, series.FirstYear, steps, FirstTestYear, series.LastYear);

Console.WriteLine($"Sunspots {series.FirstYear}–{series.LastYear}: {series.Values.Length} years, mean {mean:F1}, std {std:F1} (training years)");
Console.WriteLine($"Windows of {steps} years → next year: {training.Count} training (to {LastTrainingYear}), " +
    $"{validation.Count} validation ({LastTrainingYear + 1}–{FirstTestYear - 1}), {test.Count} test ({FirstTestYear}–{series.LastYear})");

var model = new SunspotForecaster();
model.Initialize(Seed);
var trainer = new Trainer(model, new Adam(LearningRate), MeanSquaredErrorLoss.Instance, new TrainerOptions
{
    Epochs = Epochs,
    BatchSize = BatchSize,
    Seed = Seed,
    ClipNorm = MaxGradientNorm,
    EarlyStopping = new EarlyStopping { Monitor = MonitoredMetric.ValidationLoss, Patience = Patience, RestoreBestWeights = true },
});
Console.WriteLine($"Model: {steps} steps × {SunspotForecaster.InputSize} feature → LSTM(32) → Dense(1), {SunspotForecaster.ParameterCount} parameters");
Console.WriteLine($"Training: up to {Epochs} epochs, batch {BatchSize}, Adam lr {LearningRate}, gradient norm clipped at {MaxGradientNorm}, " +
    $"early stopping after {Patience} epochs without a better validation MSE (the best epoch's weights are kept)");
Console.WriteLine();

// Train under a progress bar (the trainer reports after every batch, on this thread). When the output is not a
// terminal, the bar is left out, so that the printed text stays the same from run to run.
TrainingResult result;
if (AnsiConsole.Profile.Capabilities.Interactive)
{
    result = AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(context =>
        {
            ProgressTask task = context.AddTask("training", maxValue: Epochs);
            TrainingResult fit = trainer.Fit(training.ToDataset(), validation.ToDataset(), new ProgressBarReporter(task));
            task.Description = $"trained {fit.EpochsCompleted} epochs ({fit.StopReason})";
            task.Value = task.MaxValue;
            return fit;
        });
    Console.WriteLine();
}
else
{
    result = trainer.Fit(training.ToDataset(), validation.ToDataset());
}

Console.WriteLine(" epoch   train MSE   valid MSE");
foreach (EpochMetrics epoch in result.History)
{
    if (epoch.Epoch == 1 || epoch.Epoch % ReportEvery == 0 || epoch.Epoch == result.EpochsCompleted)
    {
        Console.WriteLine($"{epoch.Epoch,6}   {epoch.TrainingLoss,9:F4}   {epoch.ValidationLoss,9:F4}");
    }
}

Console.WriteLine($"{(result.StopReason == StopReason.EarlyStopped ? "Stopped early" : "Finished")} after {result.EpochsCompleted} epochs " +
    $"({result.BatchesCompleted} steps); keeping epoch {result.BestEpoch} (lowest validation MSE, {result.BestValue:F4})");
Console.WriteLine();

// One-step-ahead forecasts on the held-out years: each uses the true values of the 24 years before it.
Console.WriteLine("  year   actual    model    naive");
double modelSquared = 0, modelAbsolute = 0, naiveSquared = 0, naiveAbsolute = 0;
var testForecasts = new double[test.Count];
for (int s = 0; s < test.Count; s++)
{
    int year = test.FirstTargetYear + s;
    double predicted = Forecast(model, test, s, mean, std);
    testForecasts[s] = predicted;
    double actual = series[year];
    double naive = series[year - 1];
    modelSquared += (predicted - actual) * (predicted - actual);
    modelAbsolute += Math.Abs(predicted - actual);
    naiveSquared += (naive - actual) * (naive - actual);
    naiveAbsolute += Math.Abs(naive - actual);
    Console.WriteLine($"{year,6} {actual,8:F1} {predicted,8:F1} {naive,8:F1}");
}

double modelRmse = Math.Sqrt(modelSquared / test.Count), naiveRmse = Math.Sqrt(naiveSquared / test.Count);
double modelMae = modelAbsolute / test.Count, naiveMae = naiveAbsolute / test.Count;
Console.WriteLine();
Console.WriteLine($"Test {FirstTestYear}–{series.LastYear}        RMSE      MAE");
Console.WriteLine($"  LSTM model       {modelRmse,8:F2} {modelMae,8:F2}");
Console.WriteLine($"  naive (last year){naiveRmse,8:F2} {naiveMae,8:F2}");
Console.WriteLine($"  model / naive    {modelRmse / naiveRmse,8:P0} {modelMae / naiveMae,8:P0}");

// The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8).
var int8Model = new SunspotForecasterInt8();
model.Parameters.CopyTo(int8Model.Parameters);
double int8Squared = 0, int8Absolute = 0;
for (int s = 0; s < test.Count; s++)
{
    double predicted = Forecast(int8Model, test, s, mean, std), actual = series[test.FirstTargetYear + s];
    int8Squared += (predicted - actual) * (predicted - actual);
    int8Absolute += Math.Abs(predicted - actual);
}

Console.WriteLine($"  LSTM, int8       {Math.Sqrt(int8Squared / test.Count),8:F2} {int8Absolute / test.Count,8:F2}");
Console.WriteLine();

var validationForecasts = new double[validation.Count];
for (int s = 0; s < validation.Count; s++)
{
    validationForecasts[s] = Forecast(model, validation, s, mean, std);
}

string outFolder = SamplePaths.OutputFolder();
Directory.CreateDirectory(outFolder);
string lossPlot = Path.Combine(outFolder, "loss.png");
string forecastPlot = Path.Combine(outFolder, "forecast.png");
Plots.Losses(result, lossPlot);
Plots.Forecasts(series, validation, validationForecasts, test, testForecasts, forecastPlot);
Console.WriteLine($"Plots: {Path.GetRelativePath(Environment.CurrentDirectory, lossPlot)} (training and validation loss per epoch), " +
    $"{Path.GetRelativePath(Environment.CurrentDirectory, forecastPlot)} (forecasts against the truth, {LastTrainingYear + 1}–{series.LastYear})");
Console.WriteLine($"Total run time {clock.Elapsed.TotalSeconds:F1} s");

// The model's one-step forecast for a window, in sunspot numbers.
static double Forecast(Rnn.Gen.IRnnModel model, WindowSet windows, int sample, float mean, float std)
{
    Span<float> output = stackalloc float[1];
    model.Predict(windows.Input(sample), output);
    return output[0] * std + mean;
}

/// <summary>Moves the progress bar once per epoch and shows the latest losses in its description.</summary>
internal sealed class ProgressBarReporter(ProgressTask task) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Epoch)
        {
            task.Value = value.Epoch;
            task.Description = $"epoch {value.Epoch,3}/{value.Epochs}  train MSE {value.TrainingLoss:F4}  valid MSE {value.ValidationLoss:F4}";
        }
    }
}
