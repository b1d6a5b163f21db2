// Shared by the captioning sample and the tests (linked by their .csproj files): pictures of two to four MNIST digits
// side by side with their captions in words, the caption metrics, and the fixed-slot baseline. Plain data and
// arithmetic: nothing here trains or downloads.

using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Samples;

/// <summary>
/// The caption tokens: ids 0–9 are the words "zero" … "nine" (the id is the digit), then <see cref="End"/>,
/// <see cref="Start"/> (what a decoder reads before its first word) and <see cref="Pad"/> (after the end).
/// </summary>
internal static class CaptionVocabulary
{
    public const int End = 10;
    public const int Start = 11;
    public const int Pad = 12;

    /// <summary>Tokens in all: a decoder's Embedding and Softmax head have this many rows.</summary>
    public const int Size = 13;

    /// <summary>The word of each token id.</summary>
    public static readonly string[] Words =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "<end>", "<start>", "<pad>"];

    /// <summary>The caption of a sequence of token ids, words separated by spaces: [7, 2, 9] → "seven two nine".</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside [0, <see cref="Size"/>).</exception>
    public static string Text(IEnumerable<int> tokens) => string.Join(' ', tokens.Select(t =>
        t is >= 0 and < Size ? Words[t] : throw new ArgumentOutOfRangeException(nameof(tokens), t, $"Expected token ids in [0, {Size}).")));

    /// <summary>
    /// The words of a decoded row of token ids: every token before the first <see cref="End"/> (all of them when there
    /// is none). A <see cref="Start"/> or <see cref="Pad"/> before the end stays in as a word, which no caption has.
    /// </summary>
    public static int[] WordsOf(ReadOnlySpan<int> decoded)
    {
        int end = decoded.IndexOf(End);
        return (end < 0 ? decoded : decoded[..end]).ToArray();
    }

    /// <summary>
    /// The words of a decoder's output, <c>[steps, Size]</c> scores (probabilities or logits) row-major: the most
    /// probable token of each step (the first on a tie), read by <see cref="WordsOf"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not a whole number of <see cref="Size"/>-token rows.</exception>
    public static int[] WordsOfScores(ReadOnlySpan<float> scores)
    {
        if (scores.Length == 0 || scores.Length % Size != 0)
        {
            throw new ArgumentException($"Expected [steps, {Size}] scores, a positive multiple of {Size} values; got {scores.Length}.", nameof(scores));
        }

        var tokens = new int[scores.Length / Size];
        for (int t = 0; t < tokens.Length; t++)
        {
            ReadOnlySpan<float> row = scores.Slice(t * Size, Size);
            int best = 0;
            for (int k = 1; k < Size; k++)
            {
                best = row[k] > row[best] ? k : best;
            }

            tokens[t] = best;
        }

        return WordsOf(tokens);
    }
}

/// <summary>
/// Pictures of <see cref="MinDigits"/> to <see cref="MaxDigits"/> MNIST digits side by side, <c>[28, 112]</c> each,
/// row-major, values in [0, 1] as the digits': digit k of the caption fills columns <c>28k … 28k + 27</c> (slot k),
/// and the slots after the last digit are blank (0). <see cref="Captions"/> holds each picture's digits, left to right.
/// </summary>
internal sealed class CaptionedPictures
{
    public const int MinDigits = 2;
    public const int MaxDigits = 4;
    public const int Height = MnistImages.Side;
    public const int SlotWidth = MnistImages.Side;
    public const int Width = MaxDigits * SlotWidth;
    public const int PixelCount = Height * Width;

    /// <summary>Steps of a caption as decoder targets: up to four words, then <see cref="CaptionVocabulary.End"/>.</summary>
    public const int CaptionSteps = MaxDigits + 1;

    private CaptionedPictures(float[] pixels, int[][] captions, int[][] sourceImages)
    {
        Pixels = pixels;
        Captions = captions;
        SourceImages = sourceImages;
    }

    /// <summary>Every picture, <c>[Count, 28, 112]</c> row-major.</summary>
    public float[] Pixels { get; }

    /// <summary>The digits of each picture, left to right (2 to 4 of them): also the caption's token ids.</summary>
    public int[][] Captions { get; }

    /// <summary>For each picture, the index of each of its digits in the <see cref="MnistImages"/> it was built from.</summary>
    public int[][] SourceImages { get; }

    public int Count => Captions.Length;

    /// <summary>The 3,136 pixels of picture <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Picture(int index) => Pixels.AsSpan(index * PixelCount, PixelCount);

    /// <summary>
    /// The decoder targets of every picture, <c>[Count, CaptionSteps]</c>: its digits, then
    /// <see cref="CaptionVocabulary.End"/>, then <see cref="CaptionVocabulary.Pad"/> up to <see cref="CaptionSteps"/>
    /// ("seven two" → 7, 2, End, Pad, Pad).
    /// </summary>
    public int[] TargetTokens()
    {
        var tokens = new int[Count * CaptionSteps];
        for (int i = 0; i < Count; i++)
        {
            Span<int> row = tokens.AsSpan(i * CaptionSteps, CaptionSteps);
            row.Fill(CaptionVocabulary.Pad);
            Captions[i].CopyTo(row);
            row[Captions[i].Length] = CaptionVocabulary.End;
        }

        return tokens;
    }

    /// <summary>
    /// <paramref name="count"/> pictures made of the digits of <paramref name="digits"/> only, seeded: for each, a
    /// length drawn uniformly from 2, 3 and 4, then that many images drawn uniformly (with replacement) from
    /// <paramref name="digits"/>. Built from the training digits for training and from the test digits for testing, no
    /// test picture holds a digit image that any training picture holds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive, or <paramref name="digits"/> is empty.</exception>
    public static CaptionedPictures Build(MnistImages digits, int count, int seed)
    {
        if (count < 1 || digits.Count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Expected a positive count of pictures and some digits to build them from (got {digits.Count}).");
        }

        var random = new SeededRandom(seed);
        var pixels = new float[count * PixelCount];
        var captions = new int[count][];
        var sources = new int[count][];
        for (int i = 0; i < count; i++)
        {
            int length = MinDigits + random.NextInt(MaxDigits - MinDigits + 1);
            sources[i] = new int[length];
            captions[i] = new int[length];
            Span<float> picture = pixels.AsSpan(i * PixelCount, PixelCount);
            for (int k = 0; k < length; k++)
            {
                int source = random.NextInt(digits.Count);
                sources[i][k] = source;
                captions[i][k] = digits.Labels[source];
                ReadOnlySpan<float> image = digits.Image(source);
                for (int y = 0; y < Height; y++)
                {
                    image.Slice(y * SlotWidth, SlotWidth).CopyTo(picture.Slice((y * Width) + (k * SlotWidth), SlotWidth));
                }
            }
        }

        return new CaptionedPictures(pixels, captions, sources);
    }

    /// <summary>The 28 × 28 image in slot <paramref name="slot"/> (0–3) of a picture (784 pixels into <paramref name="image"/>).</summary>
    public static void Slot(ReadOnlySpan<float> picture, int slot, Span<float> image)
    {
        if (picture.Length != PixelCount || image.Length != MnistImages.PixelCount || (uint)slot >= MaxDigits)
        {
            throw new ArgumentException($"Expected a picture of {PixelCount} pixels, a slot in [0, {MaxDigits}) and room for {MnistImages.PixelCount} pixels; " +
                $"got {picture.Length}, {slot} and {image.Length}.");
        }

        for (int y = 0; y < Height; y++)
        {
            picture.Slice((y * Width) + (slot * SlotWidth), SlotWidth).CopyTo(image.Slice(y * SlotWidth, SlotWidth));
        }
    }
}

/// <summary>
/// The baseline that knows the layout: it reads the picture as four fixed 28-pixel slots, left to right, stops at the
/// first blank slot (ink below <see cref="BlankInk"/>; an MNIST digit has at least 20 or so) and classifies the digit
/// in each slot before it on its own.
/// </summary>
internal static class FixedSlotBaseline
{
    /// <summary>A slot whose pixels sum to less than this is blank.</summary>
    public const float BlankInk = 1f;

    /// <summary>The caption of <paramref name="picture"/>: the digit <paramref name="classify"/> sees in each slot before the first blank one.</summary>
    public static int[] Caption(ReadOnlySpan<float> picture, Func<float[], int> classify)
    {
        var caption = new List<int>(CaptionedPictures.MaxDigits);
        for (int slot = 0; slot < CaptionedPictures.MaxDigits; slot++)
        {
            var image = new float[MnistImages.PixelCount];
            CaptionedPictures.Slot(picture, slot, image);
            if (image.Sum() < BlankInk)
            {
                break;
            }

            caption.Add(classify(image));
        }

        return caption.ToArray();
    }
}

/// <summary>How predicted captions compare with the true ones; captions are sequences of word ids.</summary>
internal static class CaptionMetrics
{
    /// <summary>The fraction of captions predicted exactly: the same words in the same order, no more and no fewer.</summary>
    public static double ExactMatch(IReadOnlyList<int[]> predicted, IReadOnlyList<int[]> reference)
    {
        CheckCounts(predicted, reference);
        return predicted.Zip(reference).Count(p => p.First.AsSpan().SequenceEqual(p.Second)) / (double)predicted.Count;
    }

    /// <summary>
    /// Word accuracy by position, over the whole set: the words at the same position in the predicted and the true
    /// caption that are equal, divided by the sum over captions of the longer caption's length. A missing word and an
    /// extra word each count as one wrong word; a caption shifted by a word loses every word after the shift.
    /// ("seven two nine" against "seven two": 2 of 3; "seven nine" against "seven two nine": 1 of 3.)
    /// </summary>
    public static double WordAccuracy(IReadOnlyList<int[]> predicted, IReadOnlyList<int[]> reference)
    {
        CheckCounts(predicted, reference);
        long correct = 0, positions = 0;
        for (int i = 0; i < predicted.Count; i++)
        {
            int[] p = predicted[i], r = reference[i];
            for (int k = 0; k < Math.Min(p.Length, r.Length); k++)
            {
                correct += p[k] == r[k] ? 1 : 0;
            }

            positions += Math.Max(p.Length, r.Length);
        }

        return positions == 0 ? 1 : correct / (double)positions;
    }

    private static void CheckCounts(IReadOnlyList<int[]> predicted, IReadOnlyList<int[]> reference)
    {
        if (predicted.Count != reference.Count || predicted.Count == 0)
        {
            throw new ArgumentException($"Expected as many predicted captions as true ones, at least one; got {predicted.Count} and {reference.Count}.");
        }
    }
}
