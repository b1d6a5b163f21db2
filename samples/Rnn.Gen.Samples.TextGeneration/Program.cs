// One-to-many: a character-level LSTM writes text in the style of Moby-Dick. One input vector, the one-hot of a start
// character, conditions a decoder that writes the next 100 characters, each fed back as the next step's input.
// Trained with teacher forcing on consecutive 100-character chunks of the book; the last chapters are held out and
// scored by their per-character cross-entropy against a unigram and a bigram model of the training text.
//
//   dotnet run -c Release            the embedded excerpt (chapters 1–18, no download)
//   dotnet run -c Release -- full    the whole book, fetched once with `npm pack` into cache/ beside this project
//
// Everything is seeded: the same build prints the same numbers and text on the same machine (apart from the timings).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using Rnn.Gen.Data;
using Rnn.Gen.Decoding;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples.TextGeneration;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;

const int Seed = 1;
const int BatchSize = 4;
const float LearningRate = 1e-2f;
const float MaxGradientNorm = 5f;
const double HeldOutFraction = 0.1;

bool fullBook = args.Contains("full");
int epochs = fullBook ? 2 : 6; // the excerpt starts to overfit after 6 or 7 epochs; 2 epochs of the whole book take about 70 s
int vocabulary = Corpus.Alphabet.Length;
int chunk = TextGenerator.OutputSteps;

var clock = Stopwatch.StartNew();
List<string> chapters;
try
{
    chapters = fullBook ? Corpus.FullBookChapters(Path.Combine(SampleFolder(), "cache")) : Corpus.EmbeddedChapters();
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// The last chapters, at least a tenth of the text, are held out.
int total = chapters.Sum(c => c.Length), heldOutChapters = 0;
for (int held = 0; held < HeldOutFraction * total; heldOutChapters++)
{
    held += chapters[^(heldOutChapters + 1)].Length;
}

string trainingText = string.Join(' ', chapters.Take(chapters.Count - heldOutChapters));
string heldOutText = string.Join(' ', chapters.Skip(chapters.Count - heldOutChapters));
int[] trainingIndices = Corpus.Encode(trainingText);
int[] heldOutIndices = Corpus.Encode(heldOutText);
int firstHeldOut = chapters.Count - heldOutChapters + 1;
string source = fullBook ? "the whole book (135 chapters and the epilogue)" : "the embedded excerpt (chapters 1–18)";
string heldOutName = fullBook
    ? $"chapters {firstHeldOut}–135 and the epilogue"
    : $"chapter{(heldOutChapters > 1 ? "s" : "")} {firstHeldOut}{(heldOutChapters > 1 ? $"–{chapters.Count}" : "")}";

var model = new TextGenerator();
model.Initialize(Seed);
int hidden = model.GetParameter("0.bias_hh_l0").Length / 4; // bias_hh_l0 is [4H]
Dataset training = Chunks(trainingIndices, model);
Console.WriteLine("Moby-Dick, character by character, with a generated one-to-many LSTM");
Console.WriteLine($"Data: {source}; {trainingText.Length:N0} characters to train on, {heldOutText.Length:N0} held out ({heldOutName}); alphabet of {vocabulary}");
Console.WriteLine($"Model: start character → LSTM({hidden}) decoder, {chunk} steps, fed its previous character → Dense({vocabulary}, softmax); {TextGenerator.ParameterCount:N0} parameters");
Console.WriteLine($"Training: {training.Count:N0} chunks of {chunk + 1} characters, teacher forcing, cross-entropy, {epochs} epochs, batch {BatchSize}, " +
    $"Adam lr {LearningRate} (cosine decay), gradient norm clipped at {MaxGradientNorm}");

(double unigram, double bigram) = Scoring.Baselines(trainingIndices, heldOutIndices, vocabulary, chunk);
Console.WriteLine($"Held-out cross-entropy of the baselines: unigram {unigram:F3} nats/char ({unigram / Math.Log(2):F2} bits), bigram {bigram:F3} ({bigram / Math.Log(2):F2} bits)");
Console.WriteLine();
Console.WriteLine("Training loss: the mean cross-entropy in nats per character since the line before");
Console.WriteLine(" epoch     done    steps   train loss     time");

var optimizer = new Adam(LearningRate);
int stepsPerEpoch = (training.Count + BatchSize - 1) / BatchSize;
var trainer = new Trainer(model, optimizer, CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions
{
    Epochs = epochs,
    BatchSize = BatchSize,
    Seed = Seed,
    TeacherForcing = true,
    ClipNorm = MaxGradientNorm,
    Schedule = new WarmupCosine(optimizer, warmupSteps: 100, totalSteps: epochs * stepsPerEpoch, minLearningRate: LearningRate / 30),
    ScheduleInterval = ScheduleInterval.Batch,
});
var trainingClock = Stopwatch.StartNew();
var printer = new LossPrinter(trainingClock, model, heldOutIndices);
TrainingResult result = trainer.Fit(training, printer);
trainingClock.Stop();

double heldOut = Scoring.HeldOutCrossEntropy(model, heldOutIndices);
Console.WriteLine();
Console.WriteLine($"Held-out cross-entropy ({heldOutName}, {heldOutText.Length:N0} characters, each chunk of {chunk} from a zero state):");
Console.WriteLine($"  unigram baseline  {unigram:F3} nats/char ({unigram / Math.Log(2):F2} bits)");
Console.WriteLine($"  bigram baseline   {bigram:F3} nats/char ({bigram / Math.Log(2):F2} bits)");
Console.WriteLine($"  LSTM({hidden})         {heldOut:F3} nats/char ({heldOut / Math.Log(2):F2} bits), perplexity {Math.Exp(heldOut):F2}");

Console.WriteLine();
Console.WriteLine($"Generated text ({chunk} characters after the start character, seeded):");
var random = new SeededRandom(Seed);
var input = new float[vocabulary];
var output = new float[chunk * vocabulary];
var tokens = new int[chunk];
foreach ((float temperature, char start) in new[] { (0f, 'T'), (0.5f, 'T'), (0.5f, 'A'), (0.8f, 'I'), (0.8f, 'W'), (1f, 'Q'), (1f, 'S') })
{
    Array.Clear(input);
    input[Corpus.Alphabet.IndexOf(start)] = 1f;
    model.Generate(input, output, tokens, temperature, topK: 0, random); // temperature 0: the most probable character
    string text = start + new string(tokens.Select(t => Corpus.Alphabet[t]).ToArray());
    Console.WriteLine($"  {(temperature == 0 ? "greedy" : $"T = {temperature:0.0}"),-7} {text}");
}

// The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8). The held-out score above
// is teacher-forced (training, float32 in both), so the int8 model is compared by what it decodes: from the start
// character of every held-out chunk, greedy decoding by both models, character by character, and the largest
// difference of their probabilities up to the first character where they part.
var int8Model = new TextGeneratorInt8();
model.Parameters.CopyTo(int8Model.Parameters);
var int8Output = new float[chunk * vocabulary];
int chunks = (heldOutIndices.Length - 1) / chunk, sameCharacters = 0, sameChunks = 0;
double worstProbability = 0;
for (int c = 0; c < chunks; c++)
{
    Array.Clear(input);
    input[heldOutIndices[c * chunk]] = 1f;
    model.Predict(input, output);
    int8Model.Predict(input, int8Output);
    int same = 0;
    for (int t = 0; t < chunk; t++)
    {
        ReadOnlySpan<float> a = output.AsSpan(t * vocabulary, vocabulary), b = int8Output.AsSpan(t * vocabulary, vocabulary);
        for (int k = 0; k < vocabulary; k++)
        {
            worstProbability = same == t ? Math.Max(worstProbability, Math.Abs(a[k] - b[k])) : worstProbability;
        }

        bool agree = TokenSampler.MostProbable(a) == TokenSampler.MostProbable(b);
        sameCharacters += agree ? 1 : 0;
        same += agree && same == t ? 1 : 0;
    }

    sameChunks += same == chunk ? 1 : 0;
}

Console.WriteLine();
Console.WriteLine($"Int8 weights: greedy decoding from the start characters of the {chunks} held-out chunks, against the float model's:");
Console.WriteLine($"  the same character at {100.0 * sameCharacters / (chunks * chunk):F2} % of the positions; the same {chunk} characters in {100.0 * sameChunks / chunks:F2} % of the chunks;");
Console.WriteLine($"  largest probability difference before the first different character {worstProbability:F4}");
random = new SeededRandom(Seed);
foreach ((float temperature, char start) in new[] { (0f, 'T'), (0.5f, 'T'), (0.5f, 'A'), (0.8f, 'I'), (0.8f, 'W'), (1f, 'Q'), (1f, 'S') })
{
    Array.Clear(input);
    input[Corpus.Alphabet.IndexOf(start)] = 1f;
    int8Model.Generate(input, int8Output, tokens, temperature, topK: 0, random);
    string text = start + new string(tokens.Select(t => Corpus.Alphabet[t]).ToArray());
    Console.WriteLine($"  {(temperature == 0 ? "greedy" : $"T = {temperature:0.0}"),-7} {text}");
}

Console.WriteLine();
Console.WriteLine($"Training: {result.EpochsCompleted} epochs, {result.BatchesCompleted} steps, {trainingClock.Elapsed.TotalSeconds:F0} s " +
    $"({trainingClock.Elapsed.TotalMilliseconds / result.BatchesCompleted:F1} ms per step of {BatchSize} × {chunk} characters); total run time {clock.Elapsed.TotalSeconds:F0} s");
return heldOut < unigram ? 0 : 1;

// Consecutive chunks: the start character (one-hot input) and the next `chunk` characters (targets). Each chunk starts
// on the last target of the one before, so every character after the first is a target exactly once.
static Dataset Chunks(int[] text, TextGenerator model)
{
    int size = TextGenerator.InputSize, steps = TextGenerator.OutputSteps;
    int count = (text.Length - 1) / steps;
    var inputs = new float[count * size];
    var targets = new int[count * steps];
    for (int i = 0; i < count; i++)
    {
        inputs[(i * size) + text[i * steps]] = 1f;
        text.AsSpan((i * steps) + 1, steps).CopyTo(targets.AsSpan(i * steps, steps));
    }

    return Dataset.ForClassifier(model, inputs, targets);
}

static string SampleFolder() =>
    typeof(TextGenerator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "SampleFolder").Value!;

/// <summary>Prints the mean training loss of each tenth of an epoch, and the held-out cross-entropy after each epoch, synchronously.</summary>
internal sealed class LossPrinter(Stopwatch clock, TextGenerator model, int[] heldOut) : IProgress<TrainingProgress>
{
    private double _lossAtMark;
    private int _batchAtMark;

    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Batch && value.Batch * 10 / value.Batches > (value.Batch - 1) * 10 / value.Batches)
        {
            // The trainer reports the epoch's mean so far; the mean since the last line follows from two of them.
            double sum = value.TrainingLoss * value.Batch;
            double recent = (sum - _lossAtMark) / (value.Batch - _batchAtMark);
            Console.WriteLine($"{value.Epoch,6} {value.Batch * 100.0 / value.Batches,6:F0} % {value.BatchesCompleted,8}   {recent,10:F3}   {clock.Elapsed.TotalSeconds,4:F0} s");
            (_lossAtMark, _batchAtMark) = value.Batch == value.Batches ? (0, 0) : (sum, value.Batch);
        }
        else if (value.Phase == TrainingPhase.Epoch)
        {
            double crossEntropy = Scoring.HeldOutCrossEntropy(model, heldOut);
            Console.WriteLine($"       end of epoch {value.Epoch}: held-out cross-entropy {crossEntropy:F3} nats/char ({crossEntropy / Math.Log(2):F2} bits)");
        }
    }
}
