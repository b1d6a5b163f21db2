// Next-sample prediction on a long real series: five minutes of an electrocardiogram (MIT-BIH record 208, 360 Hz,
// 108,000 samples). A stateful LSTM that the Rnn.Gen source generator specializes for exactly these sizes learns from
// the first four minutes as consecutive windows of 100 samples, in order, the state carried from window to window and
// the gradient cut at each window's start (truncated backpropagation through time, Keras's stateful=True). Then the
// same model streams the last minute one sample at a time with Step, as a device would, and its one-step predictions
// are compared with the naive "next = last" predictor and with linear extrapolation.
//
// Data: downloaded once from the Debian package python3-scipy into cache/ beside this project (git-ignored); see README.md.
// Everything is seeded: the same build prints the same numbers on the same machine (apart from the timings).

using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples;
using Rnn.Gen.Samples.EcgStream;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;

const int Seed = 1;
const int TestSeconds = 60;
const int WarmUpSeconds = 1;
const int Epochs = 30;
const int BatchSize = 8;
const float LearningRate = 3e-3f;
const float MaxGradientNorm = 1f;

// Options: --cache <folder> keeps the data there instead of cache/ beside the project; --fetch-only stops once the
// data is downloaded (when it is not cached yet) and checked, without training: the newcomer check of CI
// (.ci/fresh-machine-check) runs it into an empty folder on a machine state without apt's package lists.
bool fetchOnly = args.Contains("--fetch-only");
int cacheOption = Array.IndexOf(args, "--cache");
if (cacheOption >= 0 && cacheOption + 1 >= args.Length)
{
    Console.Error.WriteLine("--cache needs a folder: --cache <folder>");
    return 1;
}

var clock = Stopwatch.StartNew();
string cacheFolder = cacheOption >= 0 ? Path.GetFullPath(args[cacheOption + 1]) : Path.Combine(SampleFolder(), "cache");
float[] ecg;
try
{
    ecg = EcgRecord.LoadMillivolts(cacheFolder, Console.Out);
}
catch (DataUnavailableException e)
{
    Console.Error.WriteLine($"The data is not available: {e.Message}");
    return 2;
}

if (fetchOnly)
{
    // LoadMillivolts checked the SHA-256 of the array and its shape; these are the record's known extremes.
    Console.WriteLine($"Data ready in {cacheFolder}: {ecg.Length} samples at {EcgRecord.SampleRate} Hz, {ecg.Min():F3} to {ecg.Max():F3} mV, " +
        $"SHA-256 checked ({clock.Elapsed.TotalSeconds:F0} s)");
    return 0;
}

int rate = EcgRecord.SampleRate;
int testStart = ecg.Length - (TestSeconds * rate);
int steps = EcgPredictor.Steps;

// Normalize with the statistics of the training part only.
float mean = ecg[..testStart].Average();
float std = (float)Math.Sqrt(ecg[..testStart].Average(v => (v - mean) * (v - mean)));
float[] x = Array.ConvertAll(ecg, v => (v - mean) / std);

// Consecutive, non-overlapping windows over the training part: input x[t .. t+100), target x[t+1 .. t+101).
int windows = (testStart - 1) / steps;
var inputs = new float[windows * steps];
var targets = new float[windows * steps];
for (int w = 0; w < windows; w++)
{
    x.AsSpan(w * steps, steps).CopyTo(inputs.AsSpan(w * steps));
    x.AsSpan((w * steps) + 1, steps).CopyTo(targets.AsSpan(w * steps));
}

var model = new EcgPredictor();
model.Initialize(Seed);
Dataset training = Dataset.ForModel(model, inputs, targets);
var optimizer = new Adam(LearningRate);
int batchesPerEpoch = (windows + BatchSize - 1) / BatchSize;
var trainer = new Trainer(model, optimizer, MeanSquaredErrorLoss.Instance, new TrainerOptions
{
    Epochs = Epochs,
    BatchSize = BatchSize,
    Shuffle = false,   // the windows must come in order: each continues the state of the one before
    Seed = Seed,
    ClipNorm = MaxGradientNorm,
    Schedule = new WarmupCosine(optimizer, warmupSteps: batchesPerEpoch, totalSteps: Epochs * batchesPerEpoch, minLearningRate: LearningRate / 20),
    ScheduleInterval = ScheduleInterval.Batch,
});

Console.WriteLine($"ECG, MIT-BIH record 208 (lead MLII): {ecg.Length} samples at {rate} Hz ({ecg.Length / rate / 60.0:F0} min), " +
    $"{ecg.Min():F2} to {ecg.Max():F2} mV; mean {mean:F3} mV, std {std:F3} mV (training part)");
Console.WriteLine($"Training: the first {testStart / rate} s as {windows} consecutive windows of {steps} samples ({steps * 1000 / rate} ms), in order; " +
    $"test: the last {TestSeconds} s, streamed");
Console.WriteLine($"Model: stateful LSTM(64) → Dense(1) at every step, {EcgPredictor.ParameterCount} parameters; truncated BPTT over {steps} steps, " +
    $"state carried across windows and reset at the start of each epoch");
Console.WriteLine($"Training: {Epochs} epochs, {BatchSize} consecutive windows per step (gradients averaged), Adam lr {LearningRate} " +
    $"(one warm-up epoch, then cosine decay to {LearningRate / 20}), gradient norm clipped at {MaxGradientNorm}, MSE");
Console.WriteLine();
Console.WriteLine(" epoch   train RMSE (mV)   time");
var trainingClock = Stopwatch.StartNew();
TrainingResult result = trainer.Fit(training, new EpochPrinter(trainingClock, std));
trainingClock.Stop();
Console.WriteLine();

// Streaming inference on the held-out minute: reset, warm the state up on the second before it (not scored), then
// one Step per sample; each output is the prediction of the next sample.
var input = new float[1];
var output = new float[1];
model.ResetState();
for (int t = testStart - (WarmUpSeconds * rate); t < testStart; t++)
{
    input[0] = x[t];
    model.Step(input, output);
}

double modelSquared = 0, naiveSquared = 0, linearSquared = 0;
int scored = 0;
for (int t = testStart; t < ecg.Length - 1; t++)
{
    input[0] = x[t];
    model.Step(input, output);
    double predicted = (output[0] * std) + mean;   // back to mV
    double actual = ecg[t + 1];
    double naive = ecg[t];
    double linear = (2 * ecg[t]) - ecg[t - 1];
    modelSquared += (predicted - actual) * (predicted - actual);
    naiveSquared += (naive - actual) * (naive - actual);
    linearSquared += (linear - actual) * (linear - actual);
    scored++;
}

// The same model without the carried state: each window of 100 test samples predicted from a zero state (Predict),
// as a stateless model would see them. It shows what the state carried across windows is worth.
var window = new float[steps];
double windowedSquared = 0;
int windowed = 0;
for (int start = testStart; start + steps < ecg.Length; start += steps)
{
    model.Predict(x.AsSpan(start, steps), window);
    for (int i = 0; i < steps; i++)
    {
        double error = ((window[i] * std) + mean) - ecg[start + i + 1];
        windowedSquared += error * error;
        windowed++;
    }
}

// The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8), streamed the same way.
var int8Model = new EcgPredictorInt8();
model.Parameters.CopyTo(int8Model.Parameters);
int8Model.ResetState();
double int8Squared = 0;
for (int t = testStart - (WarmUpSeconds * rate); t < ecg.Length - 1; t++)
{
    input[0] = x[t];
    int8Model.Step(input, output);
    double error = (output[0] * std) + mean - ecg[t + 1];
    int8Squared += t >= testStart ? error * error : 0;
}

double modelRmse = Math.Sqrt(modelSquared / scored), naiveRmse = Math.Sqrt(naiveSquared / scored), linearRmse = Math.Sqrt(linearSquared / scored);
Console.WriteLine($"Test: the last {TestSeconds} s, {scored} one-sample-ahead predictions, streamed with Step after {WarmUpSeconds} s of warm-up");
Console.WriteLine($"  {"",-40} RMSE (mV)");
Console.WriteLine($"  {"stateful LSTM, streamed with Step",-40} {modelRmse,9:F4}");
Console.WriteLine($"  {"the same, int8 weights (Step)",-40} {Math.Sqrt(int8Squared / scored),9:F4}");
Console.WriteLine($"  {"same model, windows from a zero state",-40} {Math.Sqrt(windowedSquared / windowed),9:F4}");
Console.WriteLine($"  {"naive: next = last",-40} {naiveRmse,9:F4}");
Console.WriteLine($"  {"linear extrapolation: next = 2x₀ − x₋₁",-40} {linearRmse,9:F4}");
Console.WriteLine($"  LSTM / naive {modelRmse / naiveRmse:P0}, LSTM / linear extrapolation {modelRmse / linearRmse:P0}");
Console.WriteLine();
double stepNanoseconds = TimeSteps(model, x.AsSpan(testStart));
Console.WriteLine($"Streaming: {stepNanoseconds:F0} ns per Step (one sample in, one prediction out; the fastest of 5 passes over the test minute), " +
    $"{1e9 / stepNanoseconds / rate:F0}× real time on one core");
Console.WriteLine($"Training took {trainingClock.Elapsed.TotalSeconds:F0} s ({result.BatchesCompleted} steps, {trainingClock.Elapsed.TotalMilliseconds / result.BatchesCompleted:F1} ms per step of " +
    $"{BatchSize} windows); total run time {clock.Elapsed.TotalSeconds:F0} s");
return 0;

// Nanoseconds per Step: the fastest of five passes over the samples (the first ones also let the JIT finish optimizing).
static double TimeSteps(EcgPredictor model, ReadOnlySpan<float> samples)
{
    Span<float> output = stackalloc float[1];
    double best = double.PositiveInfinity;
    for (int pass = 0; pass < 5; pass++)
    {
        model.ResetState();
        long start = Stopwatch.GetTimestamp();
        for (int t = 0; t < samples.Length; t++)
        {
            model.Step(samples.Slice(t, 1), output);
        }

        best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / samples.Length);
    }

    return best;
}

// The project folder recorded at build time (for cache/), or the program's folder when that is unknown.
static string SampleFolder()
{
    string? project = typeof(EcgPredictor).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "SampleFolder")?.Value;
    return project is not null && Directory.Exists(project) ? project : AppContext.BaseDirectory;
}

/// <summary>Prints one line per epoch, synchronously, with the training loss as an RMSE in millivolts.</summary>
internal sealed class EpochPrinter(Stopwatch clock, float std) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Epoch)
        {
            Console.WriteLine($"{value.Epoch,6}   {Math.Sqrt(value.TrainingLoss) * std,15:F4}   {clock.Elapsed.TotalSeconds,4:F0} s");
        }
    }
}
