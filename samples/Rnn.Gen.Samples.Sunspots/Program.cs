// Forecasts next year's sunspot number from the previous 24 years with an LSTM that the Rnn.Gen source generator
// specializes for exactly these sizes, trained in-process with the Rnn.Gen runtime (Adam, gradient clipping, MSE).
//
// Data: yearly sunspot numbers 1700–2008 (public domain, see README.md), embedded in the assembly.
// Split by target year: training up to 1950, validation 1951–1988 (picks the epoch to keep), test 1989–2008.
// Everything is seeded: the same build prints the same numbers on the same machine.

using System;
using System.Diagnostics;
using Rnn.Gen;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples.Sunspots;
using Rnn.Gen.Training;

const int Seed = 7;
const int Epochs = 150;
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
Console.WriteLine($"Model: {steps} steps × {SunspotForecaster.InputSize} feature → LSTM(32) → Dense(1), {SunspotForecaster.ParameterCount} parameters");
Console.WriteLine($"Training: {Epochs} epochs, batch {BatchSize}, Adam lr {LearningRate}, gradient norm clipped at {MaxGradientNorm}");
Console.WriteLine();
Console.WriteLine(" epoch   train MSE   valid MSE");

var optimizer = new Adam(LearningRate);
var random = new SeededRandom(Seed);
int[] order = new int[training.Count];
for (int i = 0; i < order.Length; i++)
{
    order[i] = i;
}

Span<float> output = stackalloc float[1];
Span<float> outputGradient = stackalloc float[1];
float[] bestParameters = model.Parameters.ToArray();
double bestValidation = double.PositiveInfinity;
int bestEpoch = 0;
var trainingClock = Stopwatch.StartNew();
for (int epoch = 1; epoch <= Epochs; epoch++)
{
    random.Shuffle(order.AsSpan());
    double trainingLoss = 0;
    for (int start = 0; start < order.Length; start += BatchSize)
    {
        int batch = Math.Min(BatchSize, order.Length - start);
        model.ZeroGradients();
        for (int k = start; k < start + batch; k++)
        {
            int sample = order[k];
            model.Forward(training.Input(sample), output);
            trainingLoss += Losses.MeanSquaredError(output, training.Target(sample), outputGradient);

            // The batch loss is the mean of the sample losses: each sample contributes 1/batch of its gradient.
            outputGradient[0] /= batch;
            model.Backward(outputGradient);
        }

        GradientClipping.ClipByGlobalNorm(model.Gradients, MaxGradientNorm);
        optimizer.Step(model.Parameters, model.Gradients);
    }

    trainingLoss /= order.Length;
    double validationLoss = MeanSquaredError(model, validation);
    if (validationLoss < bestValidation)
    {
        bestValidation = validationLoss;
        bestEpoch = epoch;
        model.Parameters.CopyTo(bestParameters);
    }

    if (epoch == 1 || epoch % ReportEvery == 0)
    {
        Console.WriteLine($"{epoch,6}   {trainingLoss,9:F4}   {validationLoss,9:F4}");
    }
}

trainingClock.Stop();
bestParameters.CopyTo(model.Parameters);
Console.WriteLine($"Trained in {trainingClock.Elapsed.TotalSeconds:F1} s; keeping epoch {bestEpoch} (lowest validation MSE, {bestValidation:F4})");
Console.WriteLine();

// One-step-ahead forecasts on the held-out years: each uses the true values of the 24 years before it.
Console.WriteLine("  year   actual    model    naive");
double modelSquared = 0, modelAbsolute = 0, naiveSquared = 0, naiveAbsolute = 0;
for (int s = 0; s < test.Count; s++)
{
    int year = test.FirstTargetYear + s;
    model.Predict(test.Input(s), output);
    double predicted = output[0] * std + mean;
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
Console.WriteLine();
Console.WriteLine($"Total run time {clock.Elapsed.TotalSeconds:F1} s");

// Mean squared error of the model's inference over a window set, in normalized units.
static double MeanSquaredError(SunspotForecaster model, WindowSet windows)
{
    Span<float> prediction = stackalloc float[1];
    double total = 0;
    for (int s = 0; s < windows.Count; s++)
    {
        model.Predict(windows.Input(s), prediction);
        total += Losses.MeanSquaredError(prediction, windows.Target(s));
    }

    return total / windows.Count;
}
