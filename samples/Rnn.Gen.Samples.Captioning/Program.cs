// Image captioning: pictures of two to four MNIST digits side by side, captioned in words ("seven two nine") by a
// CNN encoder whose features start an LSTM decoder, against a baseline that classifies fixed 28-pixel slots.
// Test pictures are built only from held-out digit images.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples;
using Rnn.Gen.Samples.Captioning;
using Rnn.Gen.Training;

const int Seed = 1;
const int TrainingPictures = 20000;
const int TestPictures = 2000;
int epochs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 12;
const int BatchSize = 32;
const float LearningRate = 2e-3f;
const float MaxGradientNorm = 1f;
const int GridPictures = 24;

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

CaptionedPictures training = CaptionedPictures.Build(digits.Training, TrainingPictures, seed: 1);
CaptionedPictures test = CaptionedPictures.Build(digits.Test, TestPictures, seed: 2);
Console.WriteLine($"Pictures of {CaptionedPictures.MinDigits} to {CaptionedPictures.MaxDigits} MNIST digits ({Mnist.Package}) side by side, " +
    $"{CaptionedPictures.Height} × {CaptionedPictures.Width}: {training.Count} training pictures from {digits.Training.Count} digit images, " +
    $"{test.Count} test pictures from the {digits.Test.Count} held-out ones");

var model = new Captioner();
model.Initialize(Seed);
Console.WriteLine($"Model: Conv2D(8, 3) → MaxPool2D(2) → Conv2D(16, 3) → MaxPool2D(2) → Flatten → Dense(64, tanh) = h₀ of the decoder; " +
    $"decoder: Embedding({CaptionVocabulary.Size}, 16) → LSTM(64) → Dense({CaptionVocabulary.Size}, softmax), {Captioner.OutputSteps} steps; {Captioner.ParameterCount:N0} parameters");
Console.WriteLine($"Training: teacher forcing, cross-entropy, {epochs} epochs, batch {BatchSize}, Adam lr {LearningRate}, gradient norm clipped at {MaxGradientNorm}, 2 shards");
Console.WriteLine();
Console.WriteLine(" epoch   train loss  train acc    time");
var trainingClock = Stopwatch.StartNew();
using (var trainer = new Trainer(model, new Adam(LearningRate), CrossEntropyOfProbabilitiesLoss.Instance, new TrainerOptions
{
    Epochs = epochs,
    BatchSize = BatchSize,
    Seed = Seed,
    TeacherForcing = true,
    ClipNorm = MaxGradientNorm,
    Parallelism = 2,
    ReplicaFactory = () => new Captioner(),
}))
{
    // The targets: each picture's words, <end>, then <pad> (learned too; decoding reads up to the first <end>).
    trainer.Fit(Dataset.ForClassifier(model, training.Pixels, training.TargetTokens()), new Progress(trainingClock));
}

trainingClock.Stop();
Console.WriteLine();

// Greedy decoding of every test picture; the words are the tokens before the first <end> (pads after it are not read).
var output = new float[Captioner.OutputSteps * Captioner.OutputSize];
(List<int[]> predicted, TimeSpan decodeTime) = DecodeAll(model);

// The same trained parameters with int8 weights for inference (Weights = WeightPrecision.Int8), decoded alike.
var int8Model = new CaptionerInt8();
model.Parameters.CopyTo(int8Model.Parameters);
(List<int[]> int8Predicted, TimeSpan int8Time) = DecodeAll(int8Model);

Console.Write($"Baseline: {LogisticRegression.Description}, on each 28-pixel slot until a blank one ... ");
SoftmaxRegression classifier = LogisticRegression.Train(digits.Training);
var baseline = Enumerable.Range(0, test.Count).Select(i => FixedSlotBaseline.Caption(test.Picture(i), img => LogisticRegression.Classify(classifier, img))).ToList();
Console.WriteLine("done");
Console.WriteLine();
Console.WriteLine($"Held-out test pictures ({test.Count}):        exact caption   word accuracy");
Console.WriteLine($"  CNN encoder + LSTM decoder          {100 * CaptionMetrics.ExactMatch(predicted, test.Captions),8:F1} %      {100 * CaptionMetrics.WordAccuracy(predicted, test.Captions),8:F1} %");
Console.WriteLine($"  the same, int8 weights              {100 * CaptionMetrics.ExactMatch(int8Predicted, test.Captions),8:F1} %      {100 * CaptionMetrics.WordAccuracy(int8Predicted, test.Captions),8:F1} %");
Console.WriteLine($"  fixed-slot logistic regression      {100 * CaptionMetrics.ExactMatch(baseline, test.Captions),8:F1} %      {100 * CaptionMetrics.WordAccuracy(baseline, test.Captions),8:F1} %");
Console.WriteLine();
Console.WriteLine($"Greedy decoding: {test.Count / decodeTime.TotalSeconds:N0} captions/s on one core ({decodeTime.TotalMicroseconds / test.Count:F0} µs each)");
Console.WriteLine($"Greedy decoding with int8 weights: {test.Count / int8Time.TotalSeconds:N0} captions/s on one core ({int8Time.TotalMicroseconds / test.Count:F0} µs each)");

var cells = new List<GridImage>();
for (int i = 0; i < GridPictures; i++)
{
    bool right = predicted[i].AsSpan().SequenceEqual(test.Captions[i]);
    cells.Add(new GridImage(test.Picture(i).ToArray(), CaptionedPictures.Height, CaptionedPictures.Width, CaptionVocabulary.Text(predicted[i]), Highlight: !right));
}

string png = Path.Combine(sampleFolder, "out", "captions.png");
ImageGrid.Save(png, cells, columns: 4, scale: 2, title: "Held-out test pictures and their generated captions (red: not the true caption)");
Console.WriteLine($"Wrote {png}; training {trainingClock.Elapsed.TotalSeconds:F0} s, in all {clock.Elapsed.TotalSeconds:F0} s");
return 0;

// Every test picture's greedy caption and the time they took together.
(List<int[]> Words, TimeSpan Time) DecodeAll(Rnn.Gen.IRnnModel captioner)
{
    var words = new List<int[]>(test.Count);
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < test.Count; i++)
    {
        captioner.Predict(test.Picture(i), output);
        words.Add(CaptionVocabulary.WordsOfScores(output));
    }

    return (words, clock.Elapsed);
}

static string SampleFolder()
{
    string? project = typeof(Captioner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "SampleFolder")?.Value;
    return project is not null && Directory.Exists(project) ? project : AppContext.BaseDirectory;
}

/// <summary>Prints one line per epoch, synchronously.</summary>
internal sealed class Progress(Stopwatch clock) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Epoch)
        {
            Console.WriteLine($"{value.Epoch,6}   {value.TrainingLoss,10:F5}   {100 * value.TrainingAccuracy,6:F2} %  {clock.Elapsed.TotalSeconds,5:F0} s");
        }
    }
}
