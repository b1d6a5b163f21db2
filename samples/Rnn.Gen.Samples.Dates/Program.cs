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
using Rnn.Gen;
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

// The translators, trained and tested alike: the baseline without attention, then the same encoder and decoder with
// attention.
var translators = new List<Translator>
{
    new("without attention", new DateTranslator(), m => ((DateTranslator)m).BeamDecoder,
        $"LSTM(64) encoder over up to {DateTranslator.Steps} characters → its final state starts the LSTM(64) decoder, 10 steps → Dense(11, softmax)",
        new DateTranslatorInt8(), m => ((DateTranslatorInt8)m).BeamDecoder),
    new("with attention", new AttentiveDateTranslator(), m => ((AttentiveDateTranslator)m).BeamDecoder,
        "the same, with Luong's global attention (general score) of the decoder's state over the encoder's outputs at every character → Dense(11, softmax)",
        new AttentiveDateTranslatorInt8(), m => ((AttentiveDateTranslatorInt8)m).BeamDecoder),
};

// The trainer's dataset keeps its own copy of the one-hot inputs (about 590 MB for the training texts); the sample's copy
// is dropped once the dataset is made. Every translator has the same input and output shapes, so one dataset serves all.
Dataset training = DateSet.RandomStyles(trainingDates, StylesPerTrainingDate, random).ToDataset(translators[0].Model);
DateSet validation = DateSet.RandomStyles(validationDates, 2, random);
DateSet test = DateSet.AllStyles(testDates);
Console.WriteLine("Dates in words → ISO 8601, character by character, with generated LSTM encoder–decoders");
Console.WriteLine($"Styles ({DateText.Styles.Length}), shown for 2026-11-25:");
foreach ((string name, Func<DateOnly, string> write) in DateText.Styles)
{
    Console.WriteLine($"  {write(new DateOnly(2026, 11, 25)),-52} {name}");
}

Console.WriteLine($"Data: dates 1900–2099; {training.Count} training texts ({trainingDates.Length} dates, {StylesPerTrainingDate} random style each), " +
    $"{validation.Count} validation texts ({validationDates.Length} dates), {test.Count} test texts ({testDates.Length} held-out dates × every style)");
Console.WriteLine($"Training: teacher forcing, cross-entropy, {Epochs} epochs, batch {BatchSize}, Adam lr {LearningRate} (cosine decay), gradient norm clipped at {MaxGradientNorm}");

var output = new float[DateTranslator.OutputSteps * DateTranslator.OutputSize];
int styles = DateText.Styles.Length;
const int BeamWidth = 5;
foreach (Translator translator in translators)
{
    IRnnModel model = translator.Model;
    model.Initialize(Seed);
    Console.WriteLine();
    Console.WriteLine($"Model {translator.Name}: {translator.Description}; {model.ParameterCount} parameters");
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
    translator.Result = trainer.Fit(training, validation.ToDataset(model), new EpochPrinter(model, validation, trainingClock));
    trainingClock.Stop();
    translator.TrainingTime = trainingClock.Elapsed;

    // The held-out test: every style of dates the model never saw, by greedy decoding, then by beam search (width 5,
    // log-probability alone: every output has 10 characters).
    for (int i = 0; i < test.Count; i++)
    {
        if (test.IsExact(model, i, output))
        {
            translator.ExactPerStyle[test.Items[i].Style]++;
        }
        else
        {
            translator.Errors.Add(i);
        }
    }

    BeamDecoder beamSearch = translator.Beam(model);
    var beamTokens = new int[DateTranslator.OutputSteps];
    for (int i = 0; i < test.Count; i++)
    {
        translator.BeamExact += test.IsExactByBeam(beamSearch, i, beamTokens, BeamWidth) ? 1 : 0;
    }

    // The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8), scored alike.
    model.Parameters.CopyTo(translator.Int8Model.Parameters);
    BeamDecoder int8BeamSearch = translator.Int8Beam(translator.Int8Model);
    for (int i = 0; i < test.Count; i++)
    {
        translator.Int8Exact += test.IsExact(translator.Int8Model, i, output) ? 1 : 0;
        translator.Int8BeamExact += test.IsExactByBeam(int8BeamSearch, i, beamTokens, BeamWidth) ? 1 : 0;
    }
}

Console.WriteLine();
Console.WriteLine($"Held-out test, {test.Count} texts ({testDates.Length} dates never seen in training, each in every style), exact translations:");
Console.WriteLine($"  {"",-34}{string.Concat(translators.Select(t => $"{t.Name,20}"))}");
for (int s = 0; s < styles; s++)
{
    Console.WriteLine($"  {DateText.Styles[s].Name,-34}{string.Concat(translators.Select(t => $"{100.0 * t.ExactPerStyle[s] / testDates.Length,18:F2} %"))}");
}

Console.WriteLine($"  {"all, greedy",-34}{string.Concat(translators.Select(t => $"{100 * t.Exact(test.Count),18:F2} %"))}   (goal {100 * Goal:F0} %)");
Console.WriteLine($"  {$"all, beam search of width {BeamWidth}",-34}{string.Concat(translators.Select(t => $"{100.0 * t.BeamExact / test.Count,18:F2} %"))}");
Console.WriteLine($"  {"all, greedy, int8 weights",-34}{string.Concat(translators.Select(t => $"{100.0 * t.Int8Exact / test.Count,18:F2} %"))}");
Console.WriteLine($"  {$"all, beam of width {BeamWidth}, int8 weights",-34}{string.Concat(translators.Select(t => $"{100.0 * t.Int8BeamExact / test.Count,18:F2} %"))}");
foreach (Translator translator in translators.Where(t => t.Errors.Count > 0))
{
    Console.WriteLine($"Some of the {translator.Errors.Count} errors {translator.Name}:");
    foreach (int i in translator.Errors.Take(8))
    {
        Console.WriteLine($"  {test.Texts[i],-52} → {test.Translate(translator.Model, i, output)} (expected {DateText.Iso(test.Items[i].Date)})");
    }
}

Console.WriteLine();
Console.WriteLine($"Translations ({string.Join(" | ", translators.Select(t => t.Name))}):");
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
        var translations = translators.Select(t =>
        {
            t.Model.Predict(input, output, length);
            return DateText.Decode(output);
        });
        Console.WriteLine($"  {text,-52} → {string.Join(" | ", translations)}");
    }
    catch (FormatException e)
    {
        Console.WriteLine($"  {text,-52} → (cannot read: {e.Message})");
    }
}

Console.WriteLine();
foreach (Translator translator in translators)
{
    TrainingResult result = translator.Result!;
    Console.WriteLine($"Training {translator.Name}: {result.EpochsCompleted} epochs, {result.BatchesCompleted} steps, {translator.TrainingTime.TotalSeconds:F0} s " +
        $"({translator.TrainingTime.TotalMilliseconds / result.BatchesCompleted:F1} ms per step of {BatchSize})");
}

Console.WriteLine($"Total run time {clock.Elapsed.TotalSeconds:F0} s");
return translators.All(t => t.Exact(test.Count) >= Goal) ? 0 : 1;

/// <summary>A translator under test: its model, how to beam-search it, its int8 twin, and what training and the test gave.</summary>
internal sealed class Translator(string name, IRnnModel model, Func<IRnnModel, BeamDecoder> beam, string description, IRnnModel int8Model, Func<IRnnModel, BeamDecoder> int8Beam)
{
    public string Name { get; } = name;

    public IRnnModel Model { get; } = model;

    public Func<IRnnModel, BeamDecoder> Beam { get; } = beam;

    public string Description { get; } = description;

    public TrainingResult? Result { get; set; }

    public TimeSpan TrainingTime { get; set; }

    public int[] ExactPerStyle { get; } = new int[DateText.Styles.Length];

    public List<int> Errors { get; } = [];

    public int BeamExact { get; set; }

    /// <summary>The same layers with int8 weights for inference, given the trained parameters after the test.</summary>
    public IRnnModel Int8Model { get; } = int8Model;

    public Func<IRnnModel, BeamDecoder> Int8Beam { get; } = int8Beam;

    public int Int8Exact { get; set; }

    public int Int8BeamExact { get; set; }

    /// <summary>The fraction of the test's <paramref name="count"/> texts translated exactly by greedy decoding.</summary>
    public double Exact(int count) => (double)ExactPerStyle.Sum() / count;
}

/// <summary>Prints one line per epoch with the exact-match rate on the validation texts, synchronously.</summary>
internal sealed class EpochPrinter(IRnnModel model, DateSet validation, Stopwatch clock) : IProgress<TrainingProgress>
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
