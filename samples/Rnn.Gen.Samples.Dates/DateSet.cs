using System;
using System.Collections.Generic;
using Rnn.Gen.Data;

namespace Rnn.Gen.Samples.Dates;

/// <summary>Dates written in given styles, encoded for the translators (<see cref="DateTranslator"/> and the one with attention): one-hot inputs, lengths, and target characters.</summary>
internal sealed class DateSet
{
    private const int InputFloats = DateTranslator.Steps * DateTranslator.InputSize;

    private DateSet(List<(DateOnly Date, int Style)> items)
    {
        Items = items;
        Texts = new string[items.Count];
        Inputs = new float[items.Count * InputFloats];
        Lengths = new int[items.Count];
        Targets = new int[items.Count * DateTranslator.OutputSteps];
        for (int i = 0; i < items.Count; i++)
        {
            (DateOnly date, int style) = items[i];
            Texts[i] = DateText.Styles[style].Write(date);
            Lengths[i] = DateText.Encode(Texts[i], Inputs.AsSpan(i * InputFloats, InputFloats));
            string iso = DateText.Iso(date);
            for (int t = 0; t < iso.Length; t++)
            {
                Targets[(i * DateTranslator.OutputSteps) + t] = DateText.OutputAlphabet.IndexOf(iso[t]);
            }
        }
    }

    /// <summary>The date and the style of each sample.</summary>
    public IReadOnlyList<(DateOnly Date, int Style)> Items { get; }

    /// <summary>The text of each sample, as the model reads it.</summary>
    public string[] Texts { get; }

    /// <summary>One-hot inputs, <c>[Count, Steps, InputSize]</c>, padded with zero rows after each text.</summary>
    public float[] Inputs { get; }

    /// <summary>The number of characters of each text (the valid steps).</summary>
    public int[] Lengths { get; }

    /// <summary>The index in <see cref="DateText.OutputAlphabet"/> of each ISO character, <c>[Count, 10]</c>.</summary>
    public int[] Targets { get; }

    public int Count => Items.Count;

    /// <summary>Each date in <paramref name="stylesPerDate"/> different styles drawn at random (seeded).</summary>
    public static DateSet RandomStyles(IReadOnlyList<DateOnly> dates, int stylesPerDate, Initialization.SeededRandom random)
    {
        int styles = DateText.Styles.Length;
        var order = new int[styles];
        var items = new List<(DateOnly, int)>(dates.Count * stylesPerDate);
        foreach (DateOnly date in dates)
        {
            for (int s = 0; s < styles; s++)
            {
                order[s] = s;
            }

            random.Shuffle(order.AsSpan());
            for (int k = 0; k < stylesPerDate; k++)
            {
                items.Add((date, order[k]));
            }
        }

        return new DateSet(items);
    }

    /// <summary>Each date in every style.</summary>
    public static DateSet AllStyles(IReadOnlyList<DateOnly> dates)
    {
        var items = new List<(DateOnly, int)>(dates.Count * DateText.Styles.Length);
        foreach (DateOnly date in dates)
        {
            for (int s = 0; s < DateText.Styles.Length; s++)
            {
                items.Add((date, s));
            }
        }

        return new DateSet(items);
    }

    /// <summary>The samples as a dataset for the trainer: class-index targets, padded inputs with their lengths.</summary>
    public Dataset ToDataset(IRnnModel model) =>
        Dataset.ForClassifier(model, Inputs, Targets).WithLengths(Lengths);

    /// <summary>Greedy translation of sample <paramref name="index"/>.</summary>
    public string Translate(IRnnModel model, int index, Span<float> output)
    {
        model.Predict(Inputs.AsSpan(index * InputFloats, InputFloats), output, Lengths[index]);
        return DateText.Decode(output);
    }

    /// <summary>Whether the greedy translation of sample <paramref name="index"/> is the exact ISO date.</summary>
    public bool IsExact(IRnnModel model, int index, Span<float> output) =>
        Translate(model, index, output) == DateText.Iso(Items[index].Date);

    /// <summary>Whether the beam-search translation (<paramref name="beamWidth"/> beams) of sample <paramref name="index"/> is the exact ISO date.</summary>
    public bool IsExactByBeam(BeamDecoder beamSearch, int index, Span<int> tokens, int beamWidth)
    {
        beamSearch(Inputs.AsSpan(index * InputFloats, InputFloats), tokens, beamWidth, Lengths[index]);
        string iso = DateText.Iso(Items[index].Date);
        for (int t = 0; t < tokens.Length; t++)
        {
            if (DateText.OutputAlphabet[tokens[t]] != iso[t])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The fraction of samples translated exactly.</summary>
    public double ExactMatch(IRnnModel model)
    {
        var output = new float[model.OutputSteps * model.OutputSize];
        int exact = 0;
        for (int i = 0; i < Count; i++)
        {
            exact += IsExact(model, i, output) ? 1 : 0;
        }

        return (double)exact / Count;
    }
}
