// The managed side of the NativeHost sample, with the same SunspotModel class the NativeAOT library exports:
//   train <sunspots.csv> <weights.safetensors>   trains on 1700–1988 (seeded; a few seconds) and saves the weights
//   run <weights.safetensors> <sunspots.csv> [--time]
//                                                prints the lines host/main.c prints (streamed steps, then 24-year
//                                                windows), each output with its bits, for a line-by-line comparison
// The inputs are the sunspot numbers divided by 100, as the C host scales them (one float division, same rounding).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Samples.NativeHost;
using Rnn.Gen.Training;

if (args.Length >= 3 && args[0] == "train")
{
    return Train(args[1], args[2]);
}

if (args.Length >= 3 && args[0] == "run")
{
    return Run(args[1], args[2], args.Length > 3 && args[3] == "--time");
}

Console.Error.WriteLine("usage: train <sunspots.csv> <weights.safetensors> | run <weights.safetensors> <sunspots.csv> [--time]");
return 2;

static int Train(string csv, string weights)
{
    const int Seed = 1, LastTrainingYear = 1988;
    (int firstYear, float[] series) = ReadSeries(csv);
    int trainingYears = LastTrainingYear - firstYear + 1;
    int steps = SunspotModel.Steps;

    // Every window of 24 training years, the target of each step the next year's value.
    int windows = trainingYears - steps;
    var inputs = new float[windows * steps];
    var targets = new float[windows * steps];
    for (int w = 0; w < windows; w++)
    {
        series.AsSpan(w, steps).CopyTo(inputs.AsSpan(w * steps));
        series.AsSpan(w + 1, steps).CopyTo(targets.AsSpan(w * steps));
    }

    var model = new SunspotModel();
    model.Initialize(Seed);
    using var trainer = new Trainer(model, new Adam(3e-3f), MeanSquaredErrorLoss.Instance, new TrainerOptions
    {
        Epochs = 40, BatchSize = 16, Seed = Seed, ClipNorm = 1f,
    });
    var clock = Stopwatch.StartNew();
    TrainingResult result = trainer.Fit(Dataset.ForModel(model, inputs, targets));
    model.SaveWeights(weights);
    Console.Error.WriteLine($"trained SunspotModel on {windows} windows of {firstYear}–{LastTrainingYear} in {clock.Elapsed.TotalSeconds:F1} s " +
        $"({result.BatchesCompleted} batches), training RMSE {Math.Sqrt(result.History[^1].TrainingLoss) * 100:F1}; saved {weights}");
    return 0;
}

static int Run(string weights, string csv, bool time)
{
    (int firstYear, float[] series) = ReadSeries(csv);
    var model = new SunspotModel();
    model.LoadWeights(weights);
    var output = new float[1];
    var lines = new System.Text.StringBuilder();

    model.ResetState();
    for (int t = 0; t < series.Length; t++)
    {
        model.Step(series.AsSpan(t, 1), output);
        lines.Append(CultureInfo.InvariantCulture, $"step {firstYear + t} {BitConverter.SingleToUInt32Bits(output[0]):x8} {output[0]:G9}\n");
    }

    var window = new float[SunspotModel.OutputSteps];
    for (int start = 0; start + SunspotModel.Steps <= series.Length; start += SunspotModel.Steps)
    {
        model.Predict(series.AsSpan(start, SunspotModel.Steps), window);
        for (int i = 0; i < window.Length; i++)
        {
            lines.Append(CultureInfo.InvariantCulture, $"predict {firstYear + start} {i} {BitConverter.SingleToUInt32Bits(window[i]):x8} {window[i]:G9}\n");
        }
    }

    Console.Out.Write(lines.ToString());
    if (time)
    {
        // As the C host times it: the fastest of 5 passes of 200 times the series, each from a reset state.
        const int Repeats = 200;
        double best = double.PositiveInfinity;
        for (int pass = 0; pass < 5; pass++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < Repeats; r++)
            {
                model.ResetState();
                for (int t = 0; t < series.Length; t++)
                {
                    model.Step(series.AsSpan(t, 1), output);
                }
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / (Repeats * series.Length));
        }

        Console.Error.WriteLine($"time: {best:F0} ns per Step under the JIT (fastest of 5 passes of {Repeats * series.Length} steps)");
    }

    return 0;
}

// "YEAR","SUNACTIVITY" then one "year,value" line per year; the values divided by 100.
static (int FirstYear, float[] Values) ReadSeries(string path)
{
    string[] lines = File.ReadAllLines(path);
    var values = new List<float>();
    int firstYear = 0;
    foreach (string line in lines[1..])
    {
        if (line.Length == 0)
        {
            continue;
        }

        string[] fields = line.Split(',');
        if (values.Count == 0)
        {
            firstYear = int.Parse(fields[0], CultureInfo.InvariantCulture);
        }

        values.Add((float)double.Parse(fields[1], CultureInfo.InvariantCulture) / 100f);
    }

    return (firstYear, values.ToArray());
}
