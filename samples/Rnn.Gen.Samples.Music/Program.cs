// Music: a generated LSTM learns the melodies of real MIDI pieces as note/duration tokens (Embedding → LSTM →
// next-token softmax), is scored by its negative log-likelihood per token on held-out pieces beside n-gram
// baselines, and writes pieces of its own as .mid files and a piano-roll PNG (seeded sampling, temperature, top-k).
//
//   dotnet run -c Release     downloads the pieces once (apt-get download + dpkg -x, npm pack) into cache/
//
// Everything is seeded: the same build prints the same numbers and writes the same files on the same machine (apart
// from the timings).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using NAudio.Midi;
using Rnn.Gen.Data;
using Rnn.Gen.Decoding;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples;
using Rnn.Gen.Samples.Music;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;

const int Seed = 1;
const int Epochs = 4;
const int BatchSize = 8;
const float LearningRate = 3e-3f;
const float MaxGradientNorm = 5f;
const int HeldOutEvery = 5; // every 5th piece of each source (in name order) is held out
const int GeneratedNotes = 160;
int[] transpositions = [-3, -2, -1, 0, 1, 2, 3]; // the training pieces in seven keys (the held-out ones as they are)

var clock = Stopwatch.StartNew();
string sampleFolder = SampleFolder();
List<Piece> files;
try
{
    files = MidiCorpus.Load(Path.Combine(sampleFolder, "cache"), Console.Out);
}
catch (DataUnavailableException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// The melodies; a file NAudio cannot read, or one without notes, is skipped with a message.
var pieces = new List<(Piece Piece, List<Note> Melody)>();
foreach (Piece piece in files)
{
    try
    {
        List<Note> melody = Tokens.Melody(new MidiFile(piece.Path, strictChecking: false));
        if (melody.Count >= 16)
        {
            pieces.Add((piece, melody));
        }
        else
        {
            Console.WriteLine($"Skipping {piece.Source}/{piece.Name}: {melody.Count} melody notes");
        }
    }
    catch (Exception e) when (e is FormatException or InvalidDataException or EndOfStreamException or ArgumentException)
    {
        Console.WriteLine($"Skipping {piece.Source}/{piece.Name}: {e.Message}");
    }
}

// Held out by piece: every HeldOutEvery-th of each source, so both sources are in both parts.
var heldOutPieces = pieces.Where(p => pieces.Where(q => q.Piece.Source == p.Piece.Source).ToList().IndexOf(p) % HeldOutEvery == HeldOutEvery - 1).ToList();
var trainingPieces = pieces.Except(heldOutPieces).ToList();
List<int[]> training = trainingPieces.SelectMany(p => transpositions.Select(s => Tokens.Encode(p.Melody, s))).ToList();
List<int[]> heldOut = heldOutPieces.Select(p => Tokens.Encode(p.Melody)).ToList();

var model = new MusicModel();
model.Initialize(Seed);
int hidden = model.GetParameter("1.bias_hh_l0").Length / 4; // bias_hh_l0 is [4H]
Dataset windows = Windows(training);
Console.WriteLine("Music: melodies of MIDI pieces as note/duration tokens, with a generated Embedding → LSTM → softmax");
foreach (string source in pieces.Select(p => p.Piece.Source).Distinct())
{
    Console.WriteLine($"Data ({source}): {pieces.Count(p => p.Piece.Source == source)} pieces, held out: " +
        string.Join(", ", heldOutPieces.Where(p => p.Piece.Source == source).Select(p => p.Piece.Name)));
}

Console.WriteLine($"Tokens: {trainingPieces.Sum(p => 1 + (2 * p.Melody.Count)):N0} in {trainingPieces.Count} training pieces " +
    $"(× {transpositions.Length} keys, {transpositions[0]}…+{transpositions[^1]} semitones = {training.Sum(p => p.Length):N0}), " +
    $"{heldOut.Sum(p => p.Length):N0} in {heldOut.Count} held-out pieces; vocabulary {Tokens.Vocabulary} (start, rest, {Tokens.PitchCount} pitches, {Tokens.MaxDuration} durations)");
Console.WriteLine($"Model: token → Embedding(32) → LSTM({hidden}) → Dense({Tokens.Vocabulary}, softmax) at every step; {MusicModel.ParameterCount:N0} parameters");
Console.WriteLine($"Training: {windows.Count:N0} windows of {MusicModel.Steps} tokens, next-token cross-entropy, {Epochs} epochs, batch {BatchSize}, " +
    $"Adam lr {LearningRate} (cosine decay), gradient norm clipped at {MaxGradientNorm}");

// Baselines on the same tokens: n-grams of the (transposed) training pieces, each with the add-k constant that
// scores best on the held-out pieces themselves, which favours them.
double[] ks = [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001];
var baselines = new[] { 1, 2, 3, 4 }.Select(n => (Order: n, Best: new NGram(n, training).Best(heldOut, ks))).ToList();
Console.WriteLine("Held-out NLL of the baselines (nats/token): " +
    string.Join(", ", baselines.Select(b => $"{NGramName(b.Order)} {b.Best.Nll:F3} (k = {b.Best.K})")));
Console.WriteLine();
Console.WriteLine("Training loss: the mean cross-entropy in nats per token since the line before");
Console.WriteLine(" epoch     done    steps   train loss     time");

var optimizer = new Adam(LearningRate);
int stepsPerEpoch = (windows.Count + BatchSize - 1) / BatchSize;
var trainer = new Trainer(model, optimizer, CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions
{
    Epochs = Epochs,
    BatchSize = BatchSize,
    Seed = Seed,
    ClipNorm = MaxGradientNorm,
    Schedule = new WarmupCosine(optimizer, warmupSteps: 50, totalSteps: Epochs * stepsPerEpoch, minLearningRate: LearningRate / 30),
    ScheduleInterval = ScheduleInterval.Batch,
});
var trainingClock = Stopwatch.StartNew();
TrainingResult result = trainer.Fit(windows, new LossPrinter(trainingClock, model, heldOut));
trainingClock.Stop();

double nll = Scoring.ModelNll(model, heldOut);
Console.WriteLine();
Console.WriteLine($"Held-out NLL per token ({heldOut.Count} pieces, {Scoring.ScoredTokens(heldOut):N0} tokens, each piece streamed from its start):");
foreach ((int order, (double k, double baseline)) in baselines)
{
    Console.WriteLine($"  {NGramName(order) + " baseline",-18} {baseline:F3} nats/token (add-{k})");
}

Console.WriteLine($"  LSTM({hidden}){"",-9} {nll:F3} nats/token, perplexity {Math.Exp(nll):F2}");

// The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8), streamed the same way.
var int8Model = new MusicModelInt8();
model.Parameters.CopyTo(int8Model.Parameters);
double int8Nll = Scoring.ModelNll(int8Model, heldOut);
Console.WriteLine($"  {$"LSTM({hidden}), int8",-18} {int8Nll:F3} nats/token, perplexity {Math.Exp(int8Nll):F2}");

// Generation: streamed with Step from the start token; a pitch or rest and a duration take turns (the other kind's
// probabilities are set to zero before sampling).
string outFolder = Path.Combine(sampleFolder, "out");
Directory.CreateDirectory(outFolder);
var random = new SeededRandom(Seed);
var output = new float[Tokens.Vocabulary];
var generated = new List<(string Title, List<Note> Notes)>();
Console.WriteLine();
Console.WriteLine($"Generated pieces ({GeneratedNotes} notes or rests each, seeded):");
int number = 0;
foreach ((float temperature, int topK) in new[] { (0.8f, 0), (1.0f, 0), (1.0f, 8), (1.2f, 16) })
{
    model.ResetState();
    var tokens = new List<int> { Tokens.Start };
    for (int i = 0; i < 2 * GeneratedNotes; i++)
    {
        model.Step(tokens[^1], output);
        bool wantEvent = i % 2 == 0;
        for (int t = 0; t < output.Length; t++)
        {
            if (wantEvent ? !Tokens.IsEvent(t) : !Tokens.IsDuration(t))
            {
                output[t] = 0f;
            }
        }

        tokens.Add(TokenSampler.Sample(output, temperature, topK, random));
    }

    List<Note> notes = Tokens.Decode(tokens);
    string name = $"generated-{++number}.mid";
    string path = Path.Combine(outFolder, name);
    Tokens.WriteMidi(notes, path);

    // Read back with NAudio: the file's melody is the notes written (the rests are the gaps between them).
    List<Note> readBack = Tokens.Melody(new MidiFile(path, strictChecking: true)).Where(n => n.Pitch != Tokens.Rest).ToList();
    if (!readBack.SequenceEqual(notes))
    {
        Console.Error.WriteLine($"{name} does not read back as the notes written ({readBack.Count} notes read, {notes.Count} written).");
        return 1;
    }

    string settings = $"T = {temperature:0.0}, {(topK == 0 ? "all tokens" : $"top {topK}")}";
    generated.Add(($"{name}: {settings}", notes));
    Console.WriteLine($"  {name,-16} {settings,-18} {notes.Count} notes over {notes.Max(n => n.Start + n.Length) / (double)Tokens.StepsPerQuarter:F0} quarter notes: " +
        string.Join(' ', tokens.Skip(1).Take(16).Select(Tokens.Name)) + " …");
}

string roll = Path.Combine(outFolder, "piano-roll.png");
PianoRoll.Save(generated, roll);
Console.WriteLine($"Written: {Path.GetRelativePath(Environment.CurrentDirectory, outFolder)}{Path.DirectorySeparatorChar}generated-1…{number}.mid and {Path.GetFileName(roll)}");
Console.WriteLine();
Console.WriteLine($"Training: {result.EpochsCompleted} epochs, {result.BatchesCompleted} steps, {trainingClock.Elapsed.TotalSeconds:F0} s " +
    $"({trainingClock.Elapsed.TotalMilliseconds / result.BatchesCompleted:F1} ms per step of {BatchSize} × {MusicModel.Steps} tokens); total run time {clock.Elapsed.TotalSeconds:F0} s");
return nll < baselines.Min(b => b.Best.Nll) ? 0 : 1;

static string NGramName(int order) => order switch { 1 => "unigram", 2 => "bigram", 3 => "trigram", _ => $"{order}-gram" };

// The training pieces one after another (each begins with its start token), cut into windows of Steps tokens whose
// targets are the tokens one place later; every token after the first is a target exactly once.
static Dataset Windows(List<int[]> pieces)
{
    int steps = MusicModel.Steps;
    int[] stream = pieces.SelectMany(p => p).ToArray();
    int count = (stream.Length - 1) / steps;
    var inputs = new int[count * steps];
    var targets = new int[count * steps];
    for (int i = 0; i < count; i++)
    {
        stream.AsSpan(i * steps, steps).CopyTo(inputs.AsSpan(i * steps, steps));
        stream.AsSpan((i * steps) + 1, steps).CopyTo(targets.AsSpan(i * steps, steps));
    }

    return Dataset.ForClassifier(new MusicModel(), inputs, targets);
}

static string SampleFolder() =>
    typeof(MusicModel).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "SampleFolder").Value!;

/// <summary>Prints the mean training loss of each tenth of an epoch, and the held-out NLL after each epoch, synchronously.</summary>
internal sealed class LossPrinter(Stopwatch clock, MusicModel model, List<int[]> heldOut) : IProgress<TrainingProgress>
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
            double nll = Scoring.ModelNll(model, heldOut);
            Console.WriteLine($"       end of epoch {value.Epoch}: held-out NLL {nll:F3} nats/token");
        }
    }
}
