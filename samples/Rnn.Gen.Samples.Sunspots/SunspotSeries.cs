using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Rnn.Gen.Data;

namespace Rnn.Gen.Samples.Sunspots;

/// <summary>The yearly sunspot numbers 1700–2008, read from the CSV embedded in this assembly.</summary>
internal sealed class SunspotSeries
{
    private SunspotSeries(int firstYear, float[] values)
    {
        FirstYear = firstYear;
        Values = values;
    }

    /// <summary>The year of <c>Values[0]</c>.</summary>
    public int FirstYear { get; }

    /// <summary>One value per year, consecutive.</summary>
    public float[] Values { get; }

    public int LastYear => FirstYear + Values.Length - 1;

    public float this[int year] => Values[year - FirstYear];

    public static SunspotSeries LoadEmbedded()
    {
        using Stream stream = typeof(SunspotSeries).Assembly.GetManifestResourceStream("sunspots.csv")
            ?? throw new InvalidOperationException("The embedded resource sunspots.csv is missing.");
        using var reader = new StreamReader(stream);
        reader.ReadLine(); // "YEAR","SUNACTIVITY"
        var values = new List<float>();
        int firstYear = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split(',');
            int year = int.Parse(fields[0], CultureInfo.InvariantCulture);
            if (values.Count == 0)
            {
                firstYear = year;
            }
            else if (year != firstYear + values.Count)
            {
                throw new InvalidDataException($"Expected year {firstYear + values.Count}, found {year}.");
            }

            values.Add(float.Parse(fields[1], CultureInfo.InvariantCulture));
        }

        return new SunspotSeries(firstYear, values.ToArray());
    }
}

/// <summary>
/// Sliding windows over a normalized series: the previous <c>steps</c> years as input, the next year as target.
/// </summary>
internal sealed class WindowSet
{
    public WindowSet(float[] normalized, int firstYear, int steps, int firstTargetYear, int lastTargetYear)
    {
        Steps = steps;
        FirstTargetYear = firstTargetYear;
        Count = lastTargetYear - firstTargetYear + 1;
        Inputs = new float[Count * steps];
        Targets = new float[Count];
        for (int s = 0; s < Count; s++)
        {
            int target = firstTargetYear + s - firstYear;
            normalized.AsSpan(target - steps, steps).CopyTo(Inputs.AsSpan(s * steps, steps));
            Targets[s] = normalized[target];
        }
    }

    public int Steps { get; }

    public int FirstTargetYear { get; }

    public int Count { get; }

    /// <summary>Sample-major inputs, <c>[Count, Steps, 1]</c>.</summary>
    public float[] Inputs { get; }

    public float[] Targets { get; }

    public ReadOnlySpan<float> Input(int sample) => Inputs.AsSpan(sample * Steps, Steps);

    public ReadOnlySpan<float> Target(int sample) => Targets.AsSpan(sample, 1);

    /// <summary>The windows as a trainer's dataset: inputs <c>[Count, Steps, 1]</c>, targets <c>[Count, 1, 1]</c>.</summary>
    public Dataset ToDataset() => new(Inputs, Targets, Steps, inputSize: 1, outputSteps: 1, outputSize: 1);
}
