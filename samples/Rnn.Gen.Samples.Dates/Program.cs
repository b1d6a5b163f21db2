// Encoder–decoder: translating dates written in words ("twenty-fifth of november 2026", "wed, 25 nov 2026", …) to
// ISO 8601 ("2026-11-25"), one character at a time. The data are real calendar dates 1900–2099 written in nine
// styles; the test dates are never seen in training, in any style. Goal: at least 99 % of the held-out dates
// translated exactly (all ten characters) by greedy decoding.
//
// Everything is seeded: the same build prints the same numbers on the same machine (apart from the timings).
// Extra arguments are translated after training: dotnet run -c Release -- "July 4, 1976" "1 jan 2000".

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples.Dates;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;

const int Seed = 1;
const int TestDates = 2_000;
const int ValidationDates = 500;
const int StylesPerTrainingDate = 1;
const int Epochs = 4;
const int BatchSize = 32;
const float LearningRate = 2e-3f;
const float MaxGradientNorm = 1f;
const double Goal = 0.99;

var clock = Stopwatch.StartNew();

// Every date from 1900-01-01 to 2099-12-31, in a seeded random order: the first ones are the test dates, the next the
// validation dates, the rest the training dates. A test date never appears in training, in any style.
var first = new DateOnly(1900, 1, 1);
int days = new DateOnly(2099, 12, 31).DayNumber - first.DayNumber + 1;
DateOnly[] dates = Enumerable.Range(0, days).Select(first.AddDays).ToArray();
var random = new SeededRandom(Seed);
random.Shuffle(dates.AsSpan());
DateOnly[] testDates = dates[..TestDates];
DateOnly[] validationDates = dates[TestDates..(TestDates + ValidationDates)];
DateOnly[] trainingDates = dates[(TestDates + ValidationDates)..];

var model = new DateTranslator();
model.Initialize(Seed);

// The trainer's dataset keeps its own copy of the one-hot inputs (about 590 MB for the training texts); the sample's copy
// is dropped once the dataset is made.
Dataset training = DateSet.RandomStyles(trainingDates, StylesPerTrainingDate, random).ToDataset(model);
DateSet validation = DateSet.RandomStyles(validationDates, 2, random);
DateSet test = DateSet.AllStyles(testDates);
int hidden = model.GetParameter("0.bias_hh_l0").Length / 4; // bias_hh_l0 is [4H]
Console.WriteLine("Dates in words → ISO 8601, character by character, with a generated LSTM encoder–decoder");
Console.WriteLine($"Styles ({DateText.Styles.Length}), shown for 2026-11-25:");
foreach ((string name, Func<DateOnly, string> write) in DateText.Styles)
{
    Console.WriteLine($"  {write(new DateOnly(2026, 11, 25)),-52} {name}");
}

Console.WriteLine($"Data: dates 1900–2099; {training.Count} training texts ({trainingDates.Length} dates, {StylesPerTrainingDate} random style each), " +
    $"{validation.Count} validation texts ({validationDates.Length} dates), {test.Count} test texts ({testDates.Length} held-out dates × every style)");
Console.WriteLine($"Model: LSTM({hidden}) encoder over up to {DateTranslator.Steps} characters → LSTM({hidden}) decoder, 10 steps → Dense(11, softmax); {DateTranslator.ParameterCount} parameters");
Console.WriteLine($"Training: teacher forcing, cross-entropy, {Epochs} epochs, batch {BatchSize}, Adam lr {LearningRate} (cosine decay), gradient norm clipped at {MaxGradientNorm}");
Console.WriteLine();
Console.WriteLine(" epoch   steps   train loss  train acc   valid loss  valid acc  valid exact    time");

var optimizer = new Adam(LearningRate);
int stepsPerEpoch = (training.Count + BatchSize - 1) / BatchSize;
var trainer = new Trainer(model, optimizer, CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions
{
    Epochs = Epochs,
    BatchSize = BatchSize,
    Seed = Seed,
    TeacherForcing = true,
    ClipNorm = MaxGradientNorm,
    Schedule = new WarmupCosine(optimizer, warmupSteps: 200, totalSteps: Epochs * stepsPerEpoch, minLearningRate: LearningRate / 20),
    ScheduleInterval = ScheduleInterval.Batch,
});

var trainingClock = Stopwatch.StartNew();
TrainingResult result = trainer.Fit(training, validation.ToDataset(model), new EpochPrinter(model, validation, trainingClock));
trainingClock.Stop();

// The held-out test: every style of dates the model never saw.
var output = new float[DateTranslator.OutputSteps * DateTranslator.OutputSize];
int styles = DateText.Styles.Length;
var exactPerStyle = new int[styles];
var errors = new List<int>();
for (int i = 0; i < test.Count; i++)
{
    if (test.IsExact(model, i, output))
    {
        exactPerStyle[test.Items[i].Style]++;
    }
    else
    {
        errors.Add(i);
    }
}

double exact = (double)exactPerStyle.Sum() / test.Count;
Console.WriteLine();
Console.WriteLine($"Held-out test, {test.Count} texts ({testDates.Length} dates never seen in training, each in every style), greedy decoding:");
for (int s = 0; s < styles; s++)
{
    Console.WriteLine($"  {DateText.Styles[s].Name,-34} {100.0 * exactPerStyle[s] / testDates.Length,7:F2} % exact");
}

Console.WriteLine($"  {"all",-34} {100 * exact,7:F2} % exact ({test.Count - errors.Count} of {test.Count}; goal {100 * Goal:F0} %)");

// The same held-out texts by beam search (width 5, log-probability alone: every output has 10 characters).
const int BeamWidth = 5;
var beamTokens = new int[DateTranslator.OutputSteps];
model.ReserveBeam(BeamWidth);
int beamExact = 0;
for (int i = 0; i < test.Count; i++)
{
    beamExact += test.IsExactByBeam(model, i, beamTokens, BeamWidth) ? 1 : 0;
}

Console.WriteLine($"  {$"all, beam search of width {BeamWidth}",-34} {100.0 * beamExact / test.Count,7:F2} % exact ({beamExact} of {test.Count})");
if (errors.Count > 0)
{
    Console.WriteLine($"Some of the {errors.Count} errors:");
    foreach (int i in errors.Take(8))
    {
        Console.WriteLine($"  {test.Texts[i],-52} → {test.Translate(model, i, output)} (expected {DateText.Iso(test.Items[i].Date)})");
    }
}

Console.WriteLine();
Console.WriteLine("Translations:");
string[] examples = args.Length > 0 ? args :
[
    "twenty-fifth of November 2026", "November 25, 2026", "25 Nov 2026", "Wednesday the 25th of November, 2026",
    "July 4, 1976", "1 Jan 2000", "Thursday the 29th of February, 2024", "december the thirty-first, 1999",
];
var input = new float[DateTranslator.Steps * DateTranslator.InputSize];
foreach (string text in examples)
{
    try
    {
        int length = DateText.Encode(text, input);
        model.Predict(input, output, length);
        Console.WriteLine($"  {text,-52} → {DateText.Decode(output)}");
    }
    catch (FormatException e)
    {
        Console.WriteLine($"  {text,-52} → (cannot read: {e.Message})");
    }
}

Console.WriteLine();
Console.WriteLine($"Training: {result.EpochsCompleted} epochs, {result.BatchesCompleted} steps, {trainingClock.Elapsed.TotalSeconds:F0} s " +
    $"({trainingClock.Elapsed.TotalMilliseconds / result.BatchesCompleted:F1} ms per step of {BatchSize}); total run time {clock.Elapsed.TotalSeconds:F0} s");
return exact >= Goal ? 0 : 1;

/// <summary>Prints one line per epoch with the exact-match rate on the validation texts, synchronously.</summary>
internal sealed class EpochPrinter(DateTranslator model, DateSet validation, Stopwatch clock) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Epoch)
        {
            double exact = validation.ExactMatch(model);
            Console.WriteLine($"{value.Epoch,6} {value.BatchesCompleted,7}   {value.TrainingLoss,10:F5}  {100 * value.TrainingAccuracy,8:F2} %  " +
                $"{value.ValidationLoss,10:F5}  {100 * value.ValidationAccuracy,7:F2} %  {100 * exact,8:F2} %  {clock.Elapsed.TotalSeconds,5:F0} s");
        }
    }
}
