// German → English: the example sentences of a German–English dictionary (Debian's trans-de-en), translated word
// by word from the training pairs' IBM Model 1 table, and by word-level LSTM encoder–decoders without and with
// attention, scored by corpus BLEU on held-out sentences as sacreBLEU computes it; writes attention heat maps.
//
// Everything is seeded: the same build prints the same numbers on the same machine (apart from the timings).
// Options: --quick (a small part of the training pairs, 2 epochs: a smoke test of the whole pipeline), --epochs N,
// --attention-only (skip the model without attention).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using Rnn.Gen;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples;
using Rnn.Gen.Samples.Translation;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;

const int Seed = 1;
const int MaxCharacters = 80;
const int BatchSize = 32;
const float LearningRate = 2e-3f;
const float MaxGradientNorm = 1f;
const int BeamWidth = 5;
const int QuickTrainingPairs = 2000;

bool quick = args.Contains("--quick");
bool attentionOnly = args.Contains("--attention-only");
const int HeatMaps = 4;
int epochs = quick ? 2 : 10;
int epochsAt = Array.IndexOf(args, "--epochs");
if (epochsAt >= 0 && epochsAt + 1 < args.Length)
{
    epochs = int.Parse(args[epochsAt + 1], CultureInfo.InvariantCulture);
}

var clock = Stopwatch.StartNew();
string sampleFolder = SampleFolder();
string[] lines;
try
{
    lines = TranslationCorpus.LoadLines(Path.Combine(sampleFolder, "cache"), Console.Out);
}
catch (DataUnavailableException e)
{
    Console.Error.WriteLine($"The data is not available: {e.Message}");
    return 2;
}

// The sentence pairs of the dictionary, the held-out split, and the pairs that fit the models' steps.
List<SentencePair> pairs = DingDictionary.Parse(lines, MaxCharacters);
TranslationSplit split = HeldOutSplit.Split(pairs);
List<SentencePair> Fitting(List<SentencePair> set) =>
    set.Where(p => EncodedPairs.Fits(Words.Tokenize(p.German), Words.Tokenize(p.English), TranslationSizes.SourceSteps, TranslationSizes.TargetSteps)).ToList();
List<SentencePair> trainingPairs = Fitting(split.Training), validationPairs = Fitting(split.Validation), testPairs = Fitting(split.Test);
if (quick)
{
    trainingPairs = trainingPairs.Take(QuickTrainingPairs).ToList();
}

Console.WriteLine($"German → English, word by word and with a generated LSTM encoder–decoder, on the example sentences of {TranslationCorpus.DebianPackage} {TranslationCorpus.DebianVersion}");
Console.WriteLine($"Data: {pairs.Count:N0} distinct sentence pairs of up to {MaxCharacters} characters; held-out split by a hash of the German sentence " +
    $"({split.Training.Count:N0} / {split.Validation.Count:N0} / {split.Test.Count:N0} after removing sentences seen in an earlier split); " +
    $"up to {TranslationSizes.SourceSteps} German and {TranslationSizes.TargetSteps - 1} English tokens: " +
    $"{trainingPairs.Count:N0} training, {validationPairs.Count:N0} validation, {testPairs.Count:N0} test pairs{(quick ? " (--quick: the first training pairs only)" : "")}");

var german = new Vocabulary(trainingPairs.Select(p => (IReadOnlyList<string>)Words.Tokenize(p.German)), TranslationSizes.Vocabulary);
var english = new Vocabulary(trainingPairs.Select(p => (IReadOnlyList<string>)Words.Tokenize(p.English)), TranslationSizes.Vocabulary);
var training = new EncodedPairs(trainingPairs, german, english, TranslationSizes.SourceSteps, TranslationSizes.TargetSteps);
var validation = new EncodedPairs(validationPairs, german, english, TranslationSizes.SourceSteps, TranslationSizes.TargetSteps);
var test = new EncodedPairs(testPairs, german, english, TranslationSizes.SourceSteps, TranslationSizes.TargetSteps);
Console.WriteLine($"Vocabularies: {TranslationSizes.Vocabulary} ids each (4 specials and the most frequent training tokens: German {german.TokenCount:N0} distinct, " +
    $"English {english.TokenCount:N0}); <unk> in the test sentences: German {100 * german.UnknownRate(test.GermanTokens):F1} %, English {100 * english.UnknownRate(test.EnglishTokens):F1} %");
Console.WriteLine("BLEU: corpus BLEU of the test split as sacreBLEU computes it (13a tokenization, 4-grams, exponential smoothing), lower-cased (the models write lower case)");
Console.WriteLine();

var results = new List<(string System, double Bleu, string Detail)>();

// The dictionary baseline: IBM Model 1 from the training pairs, one English word per German word.
var dictionaryClock = Stopwatch.StartNew();
var wordByWord = new WordByWord(Enumerable.Range(0, training.Count)
    .Select(i => ((IReadOnlyList<string>)training.GermanTokens[i], (IReadOnlyList<string>)training.EnglishTokens[i])).ToList());
List<List<string>> dictionaryOutput = test.GermanTokens.Select(wordByWord.Translate).ToList();
BleuScore dictionaryBleu = Score(dictionaryOutput, test);
results.Add(("word by word (IBM Model 1 table)", dictionaryBleu.Score, dictionaryBleu.ToString()));
Console.WriteLine($"Word by word: {wordByWord.GermanWords:N0} German words in the table, 5 EM iterations, {dictionaryClock.Elapsed.TotalSeconds:F0} s; test {dictionaryBleu}");
Console.WriteLine();

// The encoder–decoder without attention.
List<List<string>>? plainOutputs = null;
if (!attentionOnly)
{
    var plain = new PlainTranslator();
    plain.Initialize(Seed);
    Console.WriteLine($"Encoder–decoder without attention: Embedding({TranslationSizes.Vocabulary}, {TranslationSizes.EmbeddingSize}) → LSTM({TranslationSizes.Hidden}) over up to " +
        $"{TranslationSizes.SourceSteps} German tokens; its final state starts the decoder: Embedding({TranslationSizes.Vocabulary}, {TranslationSizes.EmbeddingSize}) → " +
        $"LSTM({TranslationSizes.Hidden}) → Dense({TranslationSizes.Vocabulary}, softmax), up to {TranslationSizes.TargetSteps} steps; {PlainTranslator.ParameterCount:N0} parameters");
    TimeSpan plainTime = Train(plain, () => new PlainTranslator(), training, validation, epochs,
        (input, tokens, length) => GreedyTokens(plain, input, tokens, length));
    plainOutputs = Evaluate("without attention", plain, test,
        (input, tokens, length) => GreedyTokens(plain, input, tokens, length),
        (input, tokens, length) => plain.BeamSearch(input, tokens, BeamWidth, 0f, length),
        () => plain.ReserveBeam(BeamWidth), results, plainTime);

    // The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8), scored alike.
    var plainInt8 = new PlainTranslatorInt8();
    plain.Parameters.CopyTo(plainInt8.Parameters);
    Evaluate("without attention, int8 weights", plainInt8, test,
        (input, tokens, length) => GreedyTokens(plainInt8, input, tokens, length),
        (input, tokens, length) => plainInt8.BeamSearch(input, tokens, BeamWidth, 0f, length),
        () => plainInt8.ReserveBeam(BeamWidth), results, TimeSpan.Zero);
    Console.WriteLine();
}

// The encoder–decoder with attention.
var attentive = new AttentionTranslator();
attentive.Initialize(Seed);
Console.WriteLine($"Encoder–decoder with attention: Embedding({TranslationSizes.Vocabulary}, {TranslationSizes.EmbeddingSize}) → bidirectional LSTM({TranslationSizes.Hidden / 2}), " +
    $"both directions concatenated: the memory, and both final states start the decoder: Embedding({TranslationSizes.Vocabulary}, {TranslationSizes.EmbeddingSize}) → " +
    $"LSTM({TranslationSizes.Hidden}) → Attention(General) → Dense({TranslationSizes.Vocabulary}, softmax); {AttentionTranslator.ParameterCount:N0} parameters");
TimeSpan attentionTime = Train(attentive, () => new AttentionTranslator(), training, validation, epochs,
    (input, tokens, length) => GreedyTokens(attentive, input, tokens, length));
List<List<string>> attentionOutputs = Evaluate("with attention", attentive, test,
    (input, tokens, length) => GreedyTokens(attentive, input, tokens, length),
    (input, tokens, length) => attentive.BeamSearch(input, tokens, BeamWidth, 0f, length),
    () => attentive.ReserveBeam(BeamWidth), results, attentionTime);
var attentiveInt8 = new AttentionTranslatorInt8();
attentive.Parameters.CopyTo(attentiveInt8.Parameters);
Evaluate("with attention, int8 weights", attentiveInt8, test,
    (input, tokens, length) => GreedyTokens(attentiveInt8, input, tokens, length),
    (input, tokens, length) => attentiveInt8.BeamSearch(input, tokens, BeamWidth, 0f, length),
    () => attentiveInt8.ReserveBeam(BeamWidth), results, TimeSpan.Zero);

// Heat maps of the attention weights for a few test sentences: decoded greedily, then the weights of that decoding.
int[] mapped = Enumerable.Range(0, test.Count).Where(i => test.GermanTokens[i].Count is >= 5 and <= 9).Take(HeatMaps).ToArray();
var mapTokens = new int[TranslationSizes.TargetSteps];
var mapInput = new float[TranslationSizes.SourceSteps];
for (int m = 0; m < mapped.Length; m++)
{
    int i = mapped[m];
    for (int s = 0; s < mapInput.Length; s++)
    {
        mapInput[s] = test.SourceOf(i)[s];
    }

    int written = GreedyTokens(attentive, mapInput, mapTokens, test.Lengths[i]);
    List<string> englishTokens = Enumerable.Range(0, written).Select(t => english.TokenOf(mapTokens[t])).ToList();
    List<string> germanTokens = test.GermanTokens[i].Select(w => german.IdOf(w) == Vocabulary.Unknown ? $"{w} (unk)" : w).ToList();
    string png = Path.Combine(sampleFolder, "out", $"attention-{m + 1}.png");
    AttentionMap.Save(png, attentive.AttentionWeights, TranslationSizes.SourceSteps, germanTokens, englishTokens,
        $"{test.Pairs[i].German} → {Words.Detokenize(englishTokens.Where(t => t != "<end>"))}\nreference: {test.Pairs[i].English}");
    Console.WriteLine($"Wrote {png}");
}

Console.WriteLine();
Console.WriteLine($"Held-out test, {test.Count} sentence pairs, BLEU:");
foreach ((string system, double bleu, string detail) in results)
{
    Console.WriteLine($"  {system,-44} {bleu,6:F2}   {detail}");
}

Console.WriteLine();
Console.WriteLine("Examples (test sentences):");
foreach (int i in Enumerable.Range(0, test.Count).Where(i => test.GermanTokens[i].Count <= 8).Take(10))
{
    Console.WriteLine($"  German:        {test.Pairs[i].German}");
    Console.WriteLine($"  reference:     {test.Pairs[i].English}");
    Console.WriteLine($"  word by word:  {Words.Detokenize(dictionaryOutput[i])}");
    if (plainOutputs is not null)
    {
        Console.WriteLine($"  no attention:  {Words.Detokenize(plainOutputs[i])}");
    }

    Console.WriteLine($"  attention:     {Words.Detokenize(attentionOutputs[i])}");
    Console.WriteLine();
}

Console.WriteLine($"Total run time {clock.Elapsed.TotalMinutes:F1} min, {CpuSeconds() / 60:F1} min of CPU time ({Environment.ProcessorCount} cores)");
return 0;

// Trains a translator with teacher forcing; prints the loss and the validation BLEU (greedy) after every epoch.
TimeSpan Train<TModel>(TModel model, Func<TModel> replica, EncodedPairs data, EncodedPairs check, int epochCount, Decode greedy)
    where TModel : IRnnModel
{
    Console.WriteLine($"Training: teacher forcing, cross-entropy over the words and <end>, {epochCount} epochs, batch {BatchSize}, Adam lr {LearningRate} " +
        $"(warm-up, cosine decay), gradient norm clipped at {MaxGradientNorm}, 2 threads");
    Console.WriteLine(" epoch   train loss  train acc   valid BLEU     time  CPU time");
    double cpuAtStart = CpuSeconds();
    var optimizer = new Adam(LearningRate);
    int stepsPerEpoch = (data.Count + BatchSize - 1) / BatchSize;
    var trainingClock = Stopwatch.StartNew();
    using var trainer = new Trainer(model, optimizer, CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions
    {
        Epochs = epochCount,
        BatchSize = BatchSize,
        Seed = Seed,
        TeacherForcing = true,
        ClipNorm = MaxGradientNorm,
        Schedule = new WarmupCosine(optimizer, warmupSteps: Math.Min(200, epochCount * stepsPerEpoch / 4), totalSteps: epochCount * stepsPerEpoch, minLearningRate: LearningRate / 20),
        ScheduleInterval = ScheduleInterval.Batch,
        Parallelism = 2,
        ReplicaFactory = () => replica(),
    });
    Dataset dataset = Dataset.ForClassifier(model, data.Source, data.Target).WithLengths(data.Lengths);
    trainer.Fit(dataset, new EpochPrinter(value =>
    {
        double bleu = Score(TranslateAll(check, greedy), check).Score;
        Console.WriteLine($"{value.Epoch,6}   {value.TrainingLoss,10:F4}  {100 * (value.TrainingAccuracy ?? 0),7:F2} %   {bleu,8:F2}   {trainingClock.Elapsed.TotalSeconds,6:F0} s  {CpuSeconds() - cpuAtStart,6:F0} s");
    }));
    trainingClock.Stop();
    return trainingClock.Elapsed;
}

// Greedy and beam-search BLEU of a trained translator on the test split (training time zero: an int8 twin given the
// trained parameters); returns the greedy translations.
List<List<string>> Evaluate(string name, IRnnModel model, EncodedPairs set, Decode greedy, Decode beam, Action reserveBeam,
    List<(string, double, string)> table, TimeSpan trainingTime)
{
    var greedyClock = Stopwatch.StartNew();
    List<List<string>> greedyOutput = TranslateAll(set, greedy);
    greedyClock.Stop();
    reserveBeam();
    var beamClock = Stopwatch.StartNew();
    List<List<string>> beamOutput = TranslateAll(set, beam);
    beamClock.Stop();
    BleuScore greedyBleu = Score(greedyOutput, set), beamBleu = Score(beamOutput, set);
    table.Add(($"{name}, greedy", greedyBleu.Score, greedyBleu.ToString()));
    table.Add(($"{name}, beam search of width {BeamWidth}", beamBleu.Score, beamBleu.ToString()));
    Console.WriteLine($"{(trainingTime > TimeSpan.Zero ? $"Trained in {trainingTime.TotalMinutes:F1} min" : $"{name} (the trained parameters)")}; test: greedy BLEU {greedyBleu.Score:F2} ({greedyClock.Elapsed.TotalMilliseconds / set.Count:F2} ms a sentence), " +
        $"beam search of width {BeamWidth} {beamBleu.Score:F2} ({beamClock.Elapsed.TotalMilliseconds / set.Count:F2} ms a sentence)");
    return greedyOutput;
}

// Every sentence of a split translated: its English tokens (without <unk>, which is no word).
List<List<string>> TranslateAll(EncodedPairs set, Decode decode)
{
    var input = new float[set.SourceSteps];
    var tokens = new int[TranslationSizes.TargetSteps];
    var output = new List<List<string>>(set.Count);
    for (int i = 0; i < set.Count; i++)
    {
        ReadOnlySpan<int> source = set.SourceOf(i);
        for (int s = 0; s < input.Length; s++)
        {
            input[s] = source[s];
        }

        tokens.AsSpan().Fill(-1);
        decode(input, tokens, set.Lengths[i]);
        output.Add(english.TokensOf(tokens).Where(t => t != "<unk>").ToList());
    }

    return output;
}

// Greedy decoding: Predict feeds each step's most probable token to the next step; the same tokens, read back from
// the probabilities (rows after <end> are zero).
int GreedyTokens(IRnnModel model, ReadOnlySpan<float> input, Span<int> tokens, int length)
{
    var probabilities = new float[model.OutputSteps * model.OutputSize];
    model.Predict(input, probabilities, length);
    for (int t = 0; t < model.OutputSteps; t++)
    {
        ReadOnlySpan<float> row = probabilities.AsSpan(t * model.OutputSize, model.OutputSize);
        int best = 0;
        for (int k = 1; k < row.Length; k++)
        {
            if (row[k] > row[best])
            {
                best = k;
            }
        }

        tokens[t] = best;
        if (best == Vocabulary.End)
        {
            return t + 1;
        }
    }

    return model.OutputSteps;
}

// Corpus BLEU of token outputs against a split's English sentences, lower-cased.
BleuScore Score(List<List<string>> outputs, EncodedPairs set) =>
    Bleu.Corpus(outputs.Select(Words.Detokenize).ToList(), [set.Pairs.Select(p => p.English).ToList()], lowercase: true);

// CPU time of this process so far (all threads): on a shared machine a steadier measure of the work than the clock.
static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

static string SampleFolder()
{
    string? project = typeof(AttentionTranslator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "SampleFolder")?.Value;
    return project is not null && Directory.Exists(project) ? project : AppContext.BaseDirectory;
}

/// <summary>A translator's decoding of one padded German sentence into English token ids; returns the steps it wrote.</summary>
internal delegate int Decode(ReadOnlySpan<float> input, Span<int> tokens, int length);

/// <summary>Runs an action after every epoch, synchronously.</summary>
internal sealed class EpochPrinter(Action<TrainingProgress> onEpoch) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Epoch)
        {
            onEpoch(value);
        }
    }
}
