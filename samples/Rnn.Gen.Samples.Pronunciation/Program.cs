// Spelling to pronunciation (grapheme to phoneme) on the CMU Pronouncing Dictionary: generated LSTM encoder–decoders
// read a word's letters and write its ARPAbet phonemes (without stress), scored by word and phoneme error rate on
// held-out words, greedy and by beam search.
//
//   dotnet run -c Release                      the default run (see README.md for its numbers and time)
//   dotnet run -c Release -- --quick           a small, fast run that checks the whole pipeline
//   dotnet run -c Release -- rnngen zweig      also pronounces these words after training
//
// Everything is seeded: the same build prints the same numbers on the same machine (apart from the timings).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Rnn.Gen;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples;
using Rnn.Gen.Samples.Pronunciation;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;

const int Seed = 1;
const int BatchSize = 32;
const float LearningRate = 2e-3f;
const float MaxGradientNorm = 1f;
const int BeamWidth = 5;

bool quick = args.Contains("--quick");
string[] extraWords = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] is not ("--words" or "--epochs" or "--model"))).ToArray();
int trainingWordCount = Option("--words") ?? (quick ? 2_000 : int.MaxValue);   // all, or a subset of the training words drawn with the seed
int epochs = Option("--epochs") ?? (quick ? 1 : 8);
int validationWordCount = quick ? 200 : 1_000;
int testWordLimit = quick ? 500 : int.MaxValue;

var clock = Stopwatch.StartNew();
string text;
try
{
    text = CmuDict.Load(Path.Combine(SampleFolder(), "cache"), Console.Out);
}
catch (DataUnavailableException e)
{
    Console.Error.WriteLine($"The data is not available: {e.Message}");
    return 2;
}

ParsedDictionary dictionary = CmuDict.Parse(text);
var parts = dictionary.Words.GroupBy(w => CmuDict.PartOf(w.Spelling)).ToDictionary(g => g.Key, g => g.ToList());
List<DictionaryWord> allTraining = parts[SplitPart.Training], allValidation = parts[SplitPart.Validation], allTest = parts[SplitPart.Test];

var random = new SeededRandom(Seed);
DictionaryWord[] shuffled = allTraining.ToArray();
random.Shuffle(shuffled.AsSpan());
DictionaryWord[] trainingWords = shuffled[..Math.Min(trainingWordCount, shuffled.Length)];
PronunciationSet training = PronunciationSet.EveryPronunciation(trainingWords);
PronunciationSet validation = PronunciationSet.OnePerWord(allValidation.Take(validationWordCount).ToList());
PronunciationSet test = PronunciationSet.OnePerWord(allTest.Take(testWordLimit).ToList());

Console.WriteLine("Spelling → pronunciation on the CMU Pronouncing Dictionary, with generated LSTM encoder–decoders");
Console.WriteLine($"Data: {CmuDict.Package}, {dictionary.Entries:N0} entries of {dictionary.DistinctSpellings:N0} spellings; kept {dictionary.Words.Count:N0} words " +
    $"spelled with A–Z and ' of at most {Graphemes.MaxLetters} letters (left out: {dictionary.NotSpelledWithLetters:N0} with digits, hyphens, periods or _, " +
    $"{dictionary.TooLong} longer); stress dropped ({dictionary.StressOnlyVariants} variants then equal to another left out, " +
    $"{dictionary.PronunciationsTooLong} pronunciations over {Phonemes.MaxPhonemes} phonemes left out)");
Console.WriteLine($"Split by a hash of the spelling (90/5/5): {allTraining.Count:N0} training, {allValidation.Count:N0} validation, {allTest.Count:N0} test words; " +
    $"{allTest.Count(w => w.Pronunciations.Length > 1)} test words have several pronunciations (a prediction is right if it equals any)");
string subset = trainingWords.Length == allTraining.Count
    ? $"all {allTraining.Count:N0} training words ("
    : $"{trainingWords.Length:N0} of the {allTraining.Count:N0} training words (drawn with seed {Seed}; ";
Console.WriteLine($"Training on {subset}{training.Count:N0} word–pronunciation pairs), " +
    $"{epochs} epochs, batch {BatchSize}, Adam lr {LearningRate} (cosine decay), gradient norm clipped at {MaxGradientNorm}, teacher forcing, 2 shards; " +
    $"{validation.Count} validation words; testing on {test.Count:N0} held-out words");
Console.WriteLine();

// The models, trained and tested alike: the baseline without attention, then the one with attention.
string only = OptionText("--model") ?? "both";
var models = new List<SpellerModel>();
if (only is "both" or "baseline")
{
    models.Add(new("LSTM encoder–decoder", new Speller(), () => new Speller(), m => ((Speller)m).CreateDecoder,
        "Embedding(28, 32) → LSTM(128) → its final state starts the decoder: Embedding(41, 32) → LSTM(128) → Dense(41, softmax)",
        () => new SpellerInt8(), m => ((SpellerInt8)m).CreateDecoder));
}

if (only is "both" or "attention")
{
    models.Add(new("with attention (BiLSTM)", new AttentiveSpeller(), () => new AttentiveSpeller(), m => ((AttentiveSpeller)m).CreateDecoder,
        "Embedding(28, 32) → bidirectional LSTM(64 + 64) → both final states start the decoder: Embedding(41, 32) → LSTM(128) → " +
        "global attention (general score) over the 128 features of every letter → Dense(41, softmax)",
        () => new AttentiveSpellerInt8(), m => ((AttentiveSpellerInt8)m).CreateDecoder));
}

if (models.Count == 0)
{
    Console.Error.WriteLine("--model takes baseline, attention or both.");
    return 2;
}

foreach (SpellerModel m in models)
{
    m.Model.Initialize(Seed);
    Console.WriteLine($"Model {m.Name}: {m.Description}; {m.Model.ParameterCount:N0} parameters");
    m.TrainingSeconds = Train(m.Model, m.Replica, training, validation, epochs);
    (m.Greedy, m.Beam) = Evaluate(test, m.CreateDecoder(m.Model));

    // The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8), scored alike.
    IRnnModel int8 = m.CreateInt8();
    m.Model.Parameters.CopyTo(int8.Parameters);
    (m.Int8Greedy, m.Int8Beam) = Evaluate(test, m.CreateInt8Decoder(int8));
    Console.WriteLine();
}

Console.WriteLine($"Held-out test, {test.Count:N0} words (published results are on another split: see README.md):");
Console.WriteLine("                                     greedy              beam search of 5      params   training");
Console.WriteLine("                                   WER       PER        WER       PER");
foreach (SpellerModel m in models)
{
    Console.WriteLine($"  {m.Name,-28} {100 * m.Greedy.WordErrorRate,6:F2} % {100 * m.Greedy.PhonemeErrorRate,6:F2} %   " +
        $"{100 * m.Beam.WordErrorRate,6:F2} % {100 * m.Beam.PhonemeErrorRate,6:F2} %  {m.Model.ParameterCount,8:N0}  {m.TrainingSeconds,6:F0} s");
    Console.WriteLine($"  {"  the same, int8 weights",-28} {100 * m.Int8Greedy.WordErrorRate,6:F2} % {100 * m.Int8Greedy.PhonemeErrorRate,6:F2} %   " +
        $"{100 * m.Int8Beam.WordErrorRate,6:F2} % {100 * m.Int8Beam.PhonemeErrorRate,6:F2} %");
}

Console.WriteLine();
Console.WriteLine($"Pronunciations (beam search of 5; {string.Join(" | ", models.Select(m => m.Name))}):");
string[] examples = extraWords.Length > 0 ? extraWords : ["generator", "pronunciation", "attention", "zweig", "rnngen", "colonel", "through", "lightning"];
SpellDecoder[] decoders = models.Select(m => m.CreateDecoder(m.Model)(BeamWidth)).ToArray();
var letters = new int[Graphemes.MaxLetters];
var input = new float[Graphemes.MaxLetters];
var tokens = new int[Phonemes.MaxSteps];
foreach (string word in examples)
{
    try
    {
        int length = Graphemes.Encode(word, letters);
        for (int i = 0; i < letters.Length; i++)
        {
            input[i] = letters[i];
        }

        var spoken = decoders.Select(decode =>
        {
            decode(input, tokens, BeamWidth, length);
            return Phonemes.Text(tokens);
        });
        string known = dictionary.Words.FirstOrDefault(w => w.Spelling == word.ToUpperInvariant()) is { } entry
            ? $"   dictionary: {string.Join(" | ", entry.Pronunciations.Select(p => Phonemes.Text(p)))} ({CmuDict.PartOf(entry.Spelling).ToString().ToLowerInvariant()})"
            : "   (not in the dictionary)";
        Console.WriteLine($"  {word,-16} {string.Join(" | ", spoken)}{known}");
    }
    catch (FormatException e)
    {
        Console.WriteLine($"  {word,-16} (cannot read: {e.Message})");
    }
}

if (models.Select(m => m.Model).OfType<AttentiveSpeller>().FirstOrDefault() is { } attentive)
{
    // Where the attention looked: for each phoneme of a greedy decoding, the letter with the largest weight.
    string word = examples.FirstOrDefault(w => { try { Graphemes.Encode(w, letters); return true; } catch (FormatException) { return false; } }) ?? "pronunciation";
    int length = Graphemes.Encode(word, letters);
    for (int i = 0; i < letters.Length; i++)
    {
        input[i] = letters[i];
    }

    var output = new float[AttentiveSpeller.OutputSteps * AttentiveSpeller.OutputSize];
    attentive.Predict(input, output, length);
    ReadOnlySpan<float> weights = attentive.AttentionWeights;
    Console.WriteLine();
    Console.WriteLine($"Attention of the greedy decoding of '{word}' (each phoneme: the letter it weighs most, and that weight):");
    var cells = new List<string>();
    for (int t = 0; t < AttentiveSpeller.OutputSteps; t++)
    {
        int token = Rnn.Gen.Decoding.TokenSampler.MostProbable(output.AsSpan(t * AttentiveSpeller.OutputSize, AttentiveSpeller.OutputSize));
        if (token == Phonemes.End)
        {
            break;
        }

        ReadOnlySpan<float> row = weights.Slice(t * AttentiveSpeller.Steps, AttentiveSpeller.Steps);
        int best = 0;
        for (int s = 1; s < length; s++)
        {
            best = row[s] > row[best] ? s : best;
        }

        cells.Add($"{Phonemes.Symbols[token - 2]}←{char.ToLowerInvariant(word[best])}{best + 1} ({row[best]:F2})");
    }

    Console.WriteLine($"  {string.Join("  ", cells)}");
}

Console.WriteLine();
Console.WriteLine($"Total run time {clock.Elapsed.TotalSeconds:F0} s ({Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F0} s of CPU time)");
return 0;

// Trains with teacher forcing and prints a line per epoch (exact pronunciations of the validation words, greedy); returns the seconds it took.
static double Train(IRnnModel model, Func<IRnnModel> replica, PronunciationSet training, PronunciationSet validation, int epochs)
{
    var optimizer = new Adam(LearningRate);
    int stepsPerEpoch = (training.Count + BatchSize - 1) / BatchSize;
    using var trainer = new Trainer(model, optimizer, CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions
    {
        Epochs = epochs,
        BatchSize = BatchSize,
        Seed = Seed,
        TeacherForcing = true,
        ClipNorm = MaxGradientNorm,
        Schedule = new WarmupCosine(optimizer, warmupSteps: Math.Min(200, epochs * stepsPerEpoch / 5), totalSteps: epochs * stepsPerEpoch, minLearningRate: LearningRate / 20),
        ScheduleInterval = ScheduleInterval.Batch,
        Parallelism = 2,
        ReplicaFactory = replica,
    });
    Console.WriteLine(" epoch   steps   train loss  train acc   valid WER  valid PER    time");
    var clock = Stopwatch.StartNew();
    TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
    trainer.Fit(training.ToDataset(model), new EpochPrinter(validation, model, clock));
    Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F0} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F0} s of CPU time)");
    return clock.Elapsed.TotalSeconds;
}

// Greedy and beam-search error rates of the test words, decoded on two threads (a predictor each).
static (ErrorRates Greedy, ErrorRates Beam) Evaluate(PronunciationSet test, Func<int, SpellDecoder> createDecoder) =>
    (Score(test, createDecoder, 1), Score(test, createDecoder, BeamWidth));

static ErrorRates Score(PronunciationSet set, Func<int, SpellDecoder> createDecoder, int beamWidth)
{
    var predicted = new int[set.Count][];
    const int Threads = 2;
    Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, part =>
    {
        SpellDecoder decode = createDecoder(beamWidth);
        var tokens = new int[Phonemes.MaxSteps];
        for (int i = part; i < set.Count; i += Threads)
        {
            decode(set.Input(i), tokens, beamWidth, set.Lengths[i]);
            predicted[i] = Phonemes.Until(tokens);
        }
    });
    return PronunciationErrors.Score(predicted, set.SampleWords.Select(w => (IReadOnlyList<int[]>)set.Words[w].Pronunciations).ToList());
}

// The text after an option such as "--model attention", or null when the option is not given.
string? OptionText(string name)
{
    int at = Array.IndexOf(args, name);
    return at < 0 ? null : at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"{name} takes a value.");
}

// The number after an option such as "--words 10000", or null when the option is not given.
int? Option(string name)
{
    int at = Array.IndexOf(args, name);
    return at < 0 ? null
        : at + 1 < args.Length && int.TryParse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture, out int value) && value > 0 ? value
        : throw new ArgumentException($"{name} takes a positive whole number, as in {name} 1000.");
}

static string SampleFolder()
{
    string? project = typeof(Speller).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "SampleFolder")?.Value;
    return project is not null && Directory.Exists(project) ? project : AppContext.BaseDirectory;
}

/// <summary>Prints one line per epoch with the validation words' greedy error rates, synchronously.</summary>
internal sealed class EpochPrinter(PronunciationSet validation, IRnnModel model, Stopwatch clock) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Epoch)
        {
            ErrorRates rates = Validate();
            Console.WriteLine($"{value.Epoch,6} {value.BatchesCompleted,7}   {value.TrainingLoss,10:F5}  {100 * value.TrainingAccuracy,8:F2} %  " +
                $"{100 * rates.WordErrorRate,7:F2} %  {100 * rates.PhonemeErrorRate,7:F2} %  {clock.Elapsed.TotalSeconds,5:F0} s");
        }
    }

    private ErrorRates Validate()
    {
        var output = new float[model.OutputSteps * model.OutputSize];
        var predicted = new int[validation.Count][];
        var tokens = new int[model.OutputSteps];
        for (int i = 0; i < validation.Count; i++)
        {
            model.Predict(validation.Input(i), output, validation.Lengths[i]);
            for (int t = 0; t < tokens.Length; t++)
            {
                tokens[t] = Rnn.Gen.Decoding.TokenSampler.MostProbable(output.AsSpan(t * model.OutputSize, model.OutputSize));
            }

            predicted[i] = Phonemes.Until(tokens);
        }

        return PronunciationErrors.Score(predicted, validation.SampleWords.Select(w => (IReadOnlyList<int[]>)validation.Words[w].Pronunciations).ToList());
    }
}

/// <summary>A model under test: how to make its replicas and decoders, and what training and the test gave.</summary>
internal sealed class SpellerModel(string name, IRnnModel model, Func<IRnnModel> replica, Func<IRnnModel, Func<int, SpellDecoder>> createDecoder, string description,
    Func<IRnnModel> createInt8, Func<IRnnModel, Func<int, SpellDecoder>> createInt8Decoder)
{
    public string Name { get; } = name;

    public IRnnModel Model { get; } = model;

    public Func<IRnnModel> Replica { get; } = replica;

    /// <summary>Makes a decoder for one thread: a predictor of the model, beams reserved up to the given width.</summary>
    public Func<IRnnModel, Func<int, SpellDecoder>> CreateDecoder { get; } = createDecoder;

    public string Description { get; } = description;

    public double TrainingSeconds { get; set; }

    public ErrorRates Greedy { get; set; }

    public ErrorRates Beam { get; set; }

    /// <summary>The same layers with int8 weights for inference, and its decoders.</summary>
    public Func<IRnnModel> CreateInt8 { get; } = createInt8;

    public Func<IRnnModel, Func<int, SpellDecoder>> CreateInt8Decoder { get; } = createInt8Decoder;

    public ErrorRates Int8Greedy { get; set; }

    public ErrorRates Int8Beam { get; set; }
}
