// Spoken digits: a causal Conv1D + GRU that the Rnn.Gen source generator specializes for exactly these sizes labels
// every 10 ms frame of audio with the digit being said ("zero" … "nine") or silence, so it can stream speech one frame
// at a time with Step. Trained only on synthetic speech: espeak-ng saying the digits in 45 speakers × 8 English accents, at drawn
// speeds and pitches, with noise added; tested on 8 speakers held out of training (all accents) and on the human
// recordings of the digits in the Debian package asterisk-core-sounds-en-wav. Baselines: dynamic time warping against
// templates, and softmax regression over averaged MFCCs. Plots: a stream of digits (spectrogram, true and streamed
// labels) and the confusion matrix.
//
// Data: fetched once with apt-get (never installed) into cache/ beside this project (git-ignored); see README.md.
// Everything is seeded: the same build prints the same numbers on the same machine (apart from the timings).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples;
using Rnn.Gen.Samples.SpokenDigits;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;
using Spectre.Console;

const int Seed = 1;
const int Epochs = 12;
const int BatchSize = 32;
const float LearningRate = 3e-3f;
const float MaxGradientNorm = 1f;
const int TemplatesPerDigit = 20;
const int MinimumRun = 8;   // frames: a streamed digit counts once it has been the top label for 80 ms

var clock = Stopwatch.StartNew();
string sampleFolder = SampleFolder();
string cacheFolder = Path.Combine(sampleFolder, "cache");
string outFolder = Path.Combine(sampleFolder, "out");
bool interactive = AnsiConsole.Profile.Capabilities.Interactive;

// 1. Data: synthesize (once) and load.
IReadOnlyList<Voice> voices = SpeechData.Voices(Seed);
IReadOnlyList<Utterance> synthesized, recorded;
try
{
    synthesized = WithProgress("synthesizing with espeak-ng", total => SpeechData.Synthesized(voices, cacheFolder, Console.Out, (done, all) => total(done, all)));
    recorded = SpeechData.Recorded(cacheFolder, Console.Out);
}
catch (DataUnavailableException e)
{
    Console.Error.WriteLine($"The data is not available: {e.Message}");
    return 2;
}

var loadClock = Stopwatch.StartNew();
Clip[] clips = new Clip[synthesized.Count];
Parallel.For(0, clips.Length, i => clips[i] = Clip.From(synthesized[i]));
Clip[] humanClips = recorded.Select(Clip.From).ToArray();
var testVariants = new HashSet<string>(SpeechData.TestVariants);
Clip[] trainingClips = clips.Where(c => !testVariants.Contains(c.Voice!.Variant)).ToArray();
Clip[] testClips = clips.Where(c => testVariants.Contains(c.Voice!.Variant)).ToArray();
Console.WriteLine($"Speech: {clips.Length} espeak-ng utterances of \"zero\" … \"nine\" ({voices.Count} voices: {SpeechData.Variants.Length} speakers × " +
    $"{SpeechData.Accents.Length} English accents × 2 drawn speed/pitch pairs), resampled to 8 kHz; {humanClips.Length} human recordings (asterisk, 8 kHz)");
Console.WriteLine($"Split by speaker: training {trainingClips.Length} utterances ({SpeechData.Variants.Length - testVariants.Count} speakers); " +
    $"test {testClips.Length} ({testVariants.Count} held-out speakers: {string.Join(", ", SpeechData.TestVariants)}, every accent); " +
    $"second test: the {humanClips.Length} human recordings");

// 2. Training windows: every training utterance twice, in a seeded order, one to three per window; each window's
//    noise and pauses from a generator seeded by its index, so the data do not depend on the threads.
var order = new List<Clip>();
var shuffle = new SeededRandom(Seed);
for (int pass = 0; pass < 2; pass++)
{
    Clip[] copy = (Clip[])trainingClips.Clone();
    shuffle.Shuffle(copy.AsSpan());
    order.AddRange(copy);
}

var trainingWindows = new List<Windows.Window>();
for (int first = 0; first < order.Count;)
{
    trainingWindows.Add(Windows.Training(order, first, new SeededRandom((Seed * 1_000_003L) + trainingWindows.Count), out int used));
    first += used;
}

float[][] trainingMfccs = WithProgress("features of the training windows", total => MfccsWithProgress(trainingWindows, total));
FeatureNormalizer normalizer = FeatureNormalizer.Fit(trainingMfccs.SelectMany(f => f).ToArray());
float[] inputs = trainingMfccs.SelectMany(f => f).ToArray();
normalizer.Apply(inputs);
int[] labels = trainingWindows.SelectMany(w => w.Labels).ToArray();
Dataset training = new Dataset(inputs, labels, DigitRecognizer.Steps, DigitRecognizer.InputSize, outputSteps: DigitRecognizer.Steps);

// The test windows: one utterance each, 0.2 s in, noise 45 dB below the speech.
Windows.Window[] testWindows = testClips.Select((c, i) => Windows.Single(c, new SeededRandom(Seed * 7_000_003L + i))).ToArray();
Windows.Window[] humanWindows = humanClips.Select((c, i) => Windows.Single(c, new SeededRandom(Seed * 9_000_003L + i))).ToArray();
float[][] testMfccs = FeatureNormalizer.Mfccs(testWindows);
float[][] humanMfccs = FeatureNormalizer.Mfccs(humanWindows);
foreach (float[] f in testMfccs.Concat(humanMfccs))
{
    normalizer.Apply(f);
}

Console.WriteLine($"Features: 13 MFCCs per 10 ms frame (NWaves; 25 ms frames, 26 mel filters to 4 kHz), normalized with the training windows' statistics; " +
    $"{trainingWindows.Count} training windows of {DigitRecognizer.Steps} frames (1.6 s, 1–3 words each, noise 5–50 dB below the speech), " +
    $"built in {loadClock.Elapsed.TotalSeconds:F0} s");

// 3. The recognizer.
var model = new DigitRecognizer();
model.Initialize(Seed);
var optimizer = new Adam(LearningRate);
int batchesPerEpoch = (int)Math.Ceiling(training.Count * 0.9 / BatchSize);
var trainer = new Trainer(model, optimizer, CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions
{
    Epochs = Epochs,
    BatchSize = BatchSize,
    Seed = Seed,
    ValidationSplit = 0.1,
    ClipNorm = MaxGradientNorm,
    Schedule = new WarmupCosine(optimizer, warmupSteps: batchesPerEpoch / 2, totalSteps: Epochs * batchesPerEpoch, minLearningRate: LearningRate / 20),
    ScheduleInterval = ScheduleInterval.Batch,
    EarlyStopping = new EarlyStopping { Monitor = MonitoredMetric.ValidationLoss, Patience = 3, RestoreBestWeights = true },
    Parallelism = 2,
    ReplicaFactory = () => new DigitRecognizer(),
});
Console.WriteLine($"Model: 13 MFCCs per frame → causal Conv1D(64 filters, 5 frames, ReLU) → GRU(96) → Dense(11, Softmax) at every frame " +
    $"(digits and silence), {DigitRecognizer.ParameterCount} parameters");
Console.WriteLine($"Training: up to {Epochs} epochs, batch {BatchSize} in 2 shards on 2 cores, Adam lr {LearningRate} (warm-up, cosine decay), " +
    $"gradient norm clipped at {MaxGradientNorm}, cross-entropy at every frame; 10 % of the windows for validation (early stopping, best weights kept)");
Console.WriteLine();
Console.WriteLine(" epoch   train loss  frame acc   valid loss  frame acc    time");
var trainingClock = Stopwatch.StartNew();
TrainingResult result;
if (interactive)
{
    result = AnsiConsole.Progress().AutoClear(true)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(context =>
        {
            ProgressTask task = context.AddTask("training", maxValue: Epochs * batchesPerEpoch);
            return trainer.Fit(training, new EpochPrinter(trainingClock, task));
        });
}
else
{
    result = trainer.Fit(training, new EpochPrinter(trainingClock, null));
}

trainingClock.Stop();
Console.WriteLine($"{(result.StopReason == StopReason.EarlyStopped ? "Stopped early" : "Finished")} after {result.EpochsCompleted} epochs " +
    $"({result.BatchesCompleted} steps, {trainingClock.Elapsed.TotalSeconds:F0} s); keeping epoch {result.BestEpoch}");
Console.WriteLine();

// 4. Test: a clip's digit is the one with the largest probability summed over the window's frames.
int[] modelOnTest = ClassifyWindows(model, testMfccs);
int[] modelOnHuman = ClassifyWindows(model, humanMfccs);

// Baselines, on each clip's speech frames (by energy, within 25 dB of its loudest frame). Their training clips are
// the training utterances, each once, in a single-utterance window with training noise.
var baselineRandom = new SeededRandom(Seed + 17);
Windows.Window[] baselineWindows = trainingClips.Select((c, i) => Windows.Single(c, new SeededRandom(Seed * 11_000_003L + i), 5 + (45 * baselineRandom.NextDouble()))).ToArray();
float[][] baselineMfccs = FeatureNormalizer.Mfccs(baselineWindows);
foreach (float[] f in baselineMfccs)
{
    normalizer.Apply(f);
}

ClipFeatures[] baselineTraining = baselineWindows.Select((w, i) => SpeechOf(w, baselineMfccs[i], trainingClips[i].Digit)).ToArray();
ClipFeatures[] baselineTest = testWindows.Select((w, i) => SpeechOf(w, testMfccs[i], testClips[i].Digit)).ToArray();
ClipFeatures[] baselineHuman = humanWindows.Select((w, i) => SpeechOf(w, humanMfccs[i], humanClips[i].Digit)).ToArray();

var baselineClock = Stopwatch.StartNew();
var templateRandom = new SeededRandom(Seed + 23);
var templates = new List<ClipFeatures>();
for (int digit = 0; digit < 10; digit++)
{
    ClipFeatures[] ofDigit = baselineTraining.Where(c => c.Digit == digit).ToArray();
    templateRandom.Shuffle(ofDigit.AsSpan());
    templates.AddRange(ofDigit.Take(TemplatesPerDigit));
}

var dtw = new DtwMatcher(templates);
int[] dtwOnTest = dtw.Classify(baselineTest);
int[] dtwOnHuman = dtw.Classify(baselineHuman);
double dtwSeconds = baselineClock.Elapsed.TotalSeconds;

var linear = new AveragedMfccClassifier();
linear.Initialize(Seed);
float[] linearInputs = AveragedMfcc.OfAll(baselineTraining);
var linearTrainer = new Trainer(linear, new Adam(1e-2f), CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions { Epochs = 60, BatchSize = 64, Seed = Seed });
linearTrainer.Fit(Dataset.ForClassifier(linear, linearInputs, baselineTraining.Select(c => c.Digit).ToArray()));
int[] linearOnTest = ClassifyLinear(linear, baselineTest);
int[] linearOnHuman = ClassifyLinear(linear, baselineHuman);

int[] testTruth = testClips.Select(c => c.Digit).ToArray();
int[] humanTruth = humanClips.Select(c => c.Digit).ToArray();
Console.WriteLine($"Accuracy                                       held-out speakers ({testClips.Length})   human recordings ({humanClips.Length})");
PrintRow("Conv1D+GRU (sum of frame probabilities)", modelOnTest, modelOnHuman);
PrintRow($"DTW, nearest of {dtw.TemplateCount} templates ({TemplatesPerDigit} per digit)", dtwOnTest, dtwOnHuman);
PrintRow("softmax regression over averaged MFCCs", linearOnTest, linearOnHuman);
Console.WriteLine($"  chance: 10 %. Human recordings, digit by digit (said → Conv1D+GRU, DTW, linear): " +
    string.Join("  ", Enumerable.Range(0, humanClips.Length).Select(i => $"{humanTruth[i]}→{modelOnHuman[i]}{dtwOnHuman[i]}{linearOnHuman[i]}")));
Console.WriteLine($"  DTW took {dtwSeconds:F1} s for {testClips.Length + humanClips.Length} clips");

// The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8).
var int8Model = new DigitRecognizerInt8();
model.Parameters.CopyTo(int8Model.Parameters);
int[] int8OnTest = ClassifyWindows(int8Model, testMfccs);
int[] int8OnHuman = ClassifyWindows(int8Model, humanMfccs);
PrintRow("Conv1D+GRU, int8 weights (GRU and Dense)", int8OnTest, int8OnHuman);
Console.WriteLine($"  int8 and float32 classify {int8OnTest.Zip(modelOnTest).Count(p => p.First == p.Second)} of {testClips.Length} held-out clips the same");
Console.WriteLine();

// 5. Streaming: digits of held-out speakers, then the ten human recordings, one frame at a time through Step.
Directory.CreateDirectory(outFolder);
var streamRandom = new SeededRandom(Seed + 29);
Clip[] streamClips = Enumerable.Range(0, 10).Select(_ => testClips[streamRandom.NextInt(testClips.Length)]).ToArray();
Clip[] humanOrder = (Clip[])humanClips.Clone();
streamRandom.Shuffle(humanOrder.AsSpan());
double stepNanoseconds = 0;
foreach ((string name, Clip[] stream, string title) in new[]
{
    ("stream-synthetic.png", streamClips, $"10 digits by held-out espeak-ng speakers ({string.Join(", ", streamClips.Select(c => c.Voice!.Name).Distinct().Take(4))}, …)"),
    ("stream-human.png", humanOrder, "the ten human recordings (asterisk-core-sounds-en-wav), in a shuffled order"),
})
{
    Windows.Window window = Windows.Stream(stream, streamRandom);
    float[] mfcc = Audio.Mfcc(window.Samples, out int frames);
    normalizer.Apply(mfcc);
    var probabilities = new float[frames * Windows.Labels];
    model.ResetState();
    long start = Stopwatch.GetTimestamp();
    for (int t = 0; t < frames; t++)
    {
        model.Step(mfcc.AsSpan(t * Audio.Coefficients, Audio.Coefficients), probabilities.AsSpan(t * Windows.Labels, Windows.Labels));
    }

    stepNanoseconds = Stopwatch.GetElapsedTime(start).TotalNanoseconds / frames;
    int[] streamed = Enumerable.Range(0, frames).Select(t => ArgMax(probabilities.AsSpan(t * Windows.Labels, Windows.Labels))).ToArray();
    string said = string.Join(' ', stream.Select(c => c.Digit));
    string heard = string.Join(' ', Decode(streamed, MinimumRun));
    double frameAccuracy = streamed.Zip(window.Labels).Count(p => p.First == p.Second) / (double)frames;
    Console.WriteLine($"Streamed {frames} frames ({frames / 100.0:F1} s) of {title}:");
    Console.WriteLine($"  said  {said}");
    Console.WriteLine($"  heard {heard}   (runs of at least {MinimumRun} frames; frame labels right {frameAccuracy:P0})");
    Plots.Stream(window, streamed, probabilities, Path.Combine(outFolder, name), $"Streamed with Step: {title}");
}

Plots.Confusion(testTruth, modelOnTest, Path.Combine(outFolder, "confusion.png"),
    $"Conv1D+GRU recognizer on {testClips.Length} utterances of {testVariants.Count} held-out espeak-ng speakers: {Accuracy(modelOnTest, testTruth):P1}");
Console.WriteLine($"Plots: {Path.GetRelativePath(Environment.CurrentDirectory, outFolder)}/stream-synthetic.png, stream-human.png (spectrogram, true and streamed labels), " +
    "confusion.png (held-out speakers)");
Console.WriteLine($"Streaming: {stepNanoseconds / 1000:F1} µs per Step (one 10 ms frame), {1e7 / stepNanoseconds:F0}× real time on one core");
Console.WriteLine($"Total run time {clock.Elapsed.TotalSeconds:F0} s");
return 0;

void PrintRow(string name, int[] onTest, int[] onHuman) =>
    Console.WriteLine($"  {name,-46} {Accuracy(onTest, testTruth),10:P1}   {Accuracy(onHuman, humanTruth),20:P0}");

static double Accuracy(int[] predicted, int[] truth) => predicted.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Length;

static int ArgMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++)
    {
        if (values[i] > values[best])
        {
            best = i;
        }
    }

    return best;
}

// A clip's digit: the largest probability summed over the frames of its window (silence left out).
static int[] ClassifyWindows(Rnn.Gen.IRnnModel model, float[][] windows)
{
    var digits = new int[windows.Length];
    var output = new float[DigitRecognizer.OutputSteps * DigitRecognizer.OutputSize];
    var sums = new float[10];
    for (int i = 0; i < windows.Length; i++)
    {
        model.Predict(windows[i], output);
        Array.Clear(sums);
        for (int t = 0; t < DigitRecognizer.OutputSteps; t++)
        {
            for (int d = 0; d < 10; d++)
            {
                sums[d] += output[(t * Windows.Labels) + d];
            }
        }

        digits[i] = ArgMax(sums);
    }

    return digits;
}

static int[] ClassifyLinear(AveragedMfccClassifier model, IReadOnlyList<ClipFeatures> clips)
{
    var output = new float[10];
    return clips.Select(c =>
    {
        model.Predict(AveragedMfcc.Of(c), output);
        return ArgMax(output);
    }).ToArray();
}

// The frames of a window's speech: those within 25 dB of its loudest frame (first to last), as the baselines see it.
static ClipFeatures SpeechOf(Windows.Window window, float[] mfcc, int digit)
{
    int frames = mfcc.Length / Audio.Coefficients;
    var energy = new double[frames];
    for (int t = 0; t < frames; t++)
    {
        energy[t] = 1e-12 + Audio.Rms(window.Samples.AsSpan(t * Audio.Hop, Audio.FrameSize));
    }

    double threshold = energy.Max() * Math.Pow(10, -25 / 20.0);
    int first = Array.FindIndex(energy, e => e > threshold), last = Array.FindLastIndex(energy, e => e > threshold);
    return new ClipFeatures(mfcc[(first * Audio.Coefficients)..((last + 1) * Audio.Coefficients)], last - first + 1, digit);
}

// The digits of a stream of frame labels: each run of one digit at least minimumRun frames long, once; silence ends a word.
static List<int> Decode(int[] labels, int minimumRun)
{
    var digits = new List<int>();
    int runLabel = -1, runLength = 0, lastEmitted = -1;
    foreach (int label in labels)
    {
        runLength = label == runLabel ? runLength + 1 : 1;
        runLabel = label;
        if (label == Windows.Silence)
        {
            lastEmitted = -1;
        }
        else if (runLength == minimumRun && label != lastEmitted)
        {
            digits.Add(label);
            lastEmitted = label;
        }
    }

    return digits;
}

T WithProgress<T>(string description, Func<Action<int, int>, T> work)
{
    if (!interactive)
    {
        return work((_, _) => { });
    }

    return AnsiConsole.Progress().AutoClear(true)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(context =>
        {
            ProgressTask task = context.AddTask(description, maxValue: 1);
            return work((done, total) =>
            {
                task.MaxValue = total;
                task.Value = done;
            });
        });
}

static float[][] MfccsWithProgress(IReadOnlyList<Windows.Window> windows, Action<int, int> progress)
{
    int done = 0;
    return FeatureNormalizer.Mfccs(windows, () => progress(Interlocked.Increment(ref done), windows.Count));
}

// The project folder recorded at build time (for cache/ and out/), or the program's folder when that is unknown.
static string SampleFolder()
{
    string? project = typeof(DigitRecognizer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "SampleFolder")?.Value;
    return project is not null && Directory.Exists(project) ? project : AppContext.BaseDirectory;
}

/// <summary>Prints one line per epoch, synchronously, and moves the progress bar (when there is one) after every batch.</summary>
internal sealed class EpochPrinter(Stopwatch clock, ProgressTask? task) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (task is not null)
        {
            task.Value = value.BatchesCompleted;
            task.Description = $"epoch {value.Epoch}/{value.Epochs}";
        }

        if (value.Phase == TrainingPhase.Epoch)
        {
            string line = $"{value.Epoch,6}   {value.TrainingLoss,10:F4}  {value.TrainingAccuracy,9:P1}   {value.ValidationLoss,10:F4}  {value.ValidationAccuracy,9:P1}   {clock.Elapsed.TotalSeconds,4:F0} s";
            if (task is not null)
            {
                AnsiConsole.WriteLine(line);
            }
            else
            {
                Console.WriteLine(line);
            }
        }
    }
}
