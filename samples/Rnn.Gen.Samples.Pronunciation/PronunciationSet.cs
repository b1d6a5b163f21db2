using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Data;

namespace Rnn.Gen.Samples.Pronunciation;

/// <summary>
/// Words encoded for the models: letter ids padded to <see cref="Graphemes.MaxLetters"/> (as floats, the models' input
/// region), their lengths, and one target row per sample, the phoneme ids then the end token, filled with end tokens
/// to <see cref="Phonemes.MaxSteps"/> (the steps after the first end token are masked in training).
/// </summary>
internal sealed class PronunciationSet
{
    private PronunciationSet(IReadOnlyList<DictionaryWord> words, IReadOnlyList<int[]> samplePronunciations, IReadOnlyList<int> sampleWords)
    {
        Words = words;
        SampleWords = sampleWords.ToArray();
        Inputs = new float[SampleWords.Length * Graphemes.MaxLetters];
        Lengths = new int[SampleWords.Length];
        Targets = new int[SampleWords.Length * Phonemes.MaxSteps];
        Span<int> ids = stackalloc int[Graphemes.MaxLetters];
        for (int i = 0; i < SampleWords.Length; i++)
        {
            Lengths[i] = Graphemes.Encode(words[SampleWords[i]].Spelling, ids);
            for (int t = 0; t < ids.Length; t++)
            {
                Inputs[(i * Graphemes.MaxLetters) + t] = ids[t];
            }

            Span<int> target = Targets.AsSpan(i * Phonemes.MaxSteps, Phonemes.MaxSteps);
            target.Fill(Phonemes.End);
            samplePronunciations[i].CopyTo(target);
        }
    }

    /// <summary>The words, each with every reference pronunciation.</summary>
    public IReadOnlyList<DictionaryWord> Words { get; }

    /// <summary>The word of each sample (an index into <see cref="Words"/>).</summary>
    public int[] SampleWords { get; }

    /// <summary>Letter ids as floats, <c>[Count, MaxLetters]</c>.</summary>
    public float[] Inputs { get; }

    /// <summary>The letters of each sample's word.</summary>
    public int[] Lengths { get; }

    /// <summary>Target token ids, <c>[Count, MaxSteps]</c>.</summary>
    public int[] Targets { get; }

    /// <summary>Samples (pairs of a word and one of its pronunciations).</summary>
    public int Count => SampleWords.Length;

    /// <summary>One sample per pronunciation: a word with two pronunciations trains on both.</summary>
    public static PronunciationSet EveryPronunciation(IReadOnlyList<DictionaryWord> words)
    {
        var pronunciations = new List<int[]>();
        var sampleWords = new List<int>();
        for (int w = 0; w < words.Count; w++)
        {
            foreach (int[] pronunciation in words[w].Pronunciations)
            {
                pronunciations.Add(pronunciation);
                sampleWords.Add(w);
            }
        }

        return new PronunciationSet(words, pronunciations, sampleWords);
    }

    /// <summary>One sample per word, its first pronunciation as the target (evaluation scores against all of them).</summary>
    public static PronunciationSet OnePerWord(IReadOnlyList<DictionaryWord> words) =>
        new(words, words.Select(w => w.Pronunciations[0]).ToArray(), Enumerable.Range(0, words.Count).ToArray());

    /// <summary>The letter ids of sample <paramref name="index"/>, as the model reads them.</summary>
    public ReadOnlySpan<float> Input(int index) => Inputs.AsSpan(index * Graphemes.MaxLetters, Graphemes.MaxLetters);

    /// <summary>The samples as a dataset for the trainer: class-index targets, padded inputs with their lengths.</summary>
    public Dataset ToDataset(IRnnModel model) => Dataset.ForClassifier(model, Inputs, Targets).WithLengths(Lengths);
}
