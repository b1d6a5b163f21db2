using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Samples.SpokenDigits;

/// <summary>A clip cut to its speech with 50 ms on either side, at 8 kHz: where the speech starts and ends in it, and its level.</summary>
internal sealed record Clip(float[] Samples, int SpeechStart, int SpeechEnd, double SpeechRms, int Digit, Voice? Voice)
{
    private const int Margin = Audio.SampleRate / 20;

    /// <summary>The clip of an utterance: its speech (by energy, on the clean recording) and 50 ms around it.</summary>
    public static Clip From(Utterance utterance)
    {
        float[] samples = Audio.Load(utterance.Path);
        (int first, int last) = Audio.SpeechFrames(samples)
            ?? throw new InvalidOperationException($"{utterance.Path} is silent.");
        int start = (first * Audio.Hop) + ((Audio.FrameSize - Audio.Hop) / 2);
        int end = Math.Min(samples.Length, (last * Audio.Hop) + ((Audio.FrameSize + Audio.Hop) / 2));
        int from = Math.Max(0, start - Margin), to = Math.Min(samples.Length, end + Margin);
        return new Clip(samples[from..to], start - from, end - from, Audio.Rms(samples.AsSpan(start, end - start)), utterance.Digit, utterance.Voice);
    }
}

/// <summary>
/// The windows the recognizer sees: 160 frames (1.6 s) of audio holding one to three clips with pauses between them,
/// white noise over all of it, and a label for every frame (the digit from the frame where the word starts to
/// <see cref="TailFrames"/> frames after it ends, silence elsewhere), as MFCCs.
/// </summary>
internal static class Windows
{
    public const int Silence = 10;
    public const int Labels = 11;

    /// <summary>Frames after a word's end still labelled with it: the time a causal model has to name a word it has heard to the end.</summary>
    public const int TailFrames = 5;

    public static readonly int Steps = DigitRecognizer.Steps;
    public static readonly int SampleCount = ((Steps - 1) * Audio.Hop) + Audio.FrameSize;

    /// <summary>Audio and frame labels, before features.</summary>
    public sealed record Window(float[] Samples, int[] Labels, List<(int Start, int End, int Digit)> Words);

    /// <summary>
    /// A training window: the clips of <paramref name="order"/> from <paramref name="first"/> on, each after a pause
    /// (0.05–0.4 s before the first, 0.1–0.5 s between), as many as fit (one to three; <paramref name="used"/> says how
    /// many); a gain of −10 to +4 dB for the whole window (±2 dB per word), and white noise 5–50 dB below the speech.
    /// </summary>
    public static Window Training(IReadOnlyList<Clip> order, int first, SeededRandom random, out int used)
    {
        var audio = new float[SampleCount];
        var labels = new int[Steps];
        Array.Fill(labels, Silence);
        var words = new List<(int, int, int)>();
        double gain = Math.Pow(10, Uniform(random, -10, 4) / 20);
        int position = (int)(Uniform(random, 0.05, 0.4) * Audio.SampleRate);
        double speechPower = 0;
        while (words.Count < 3 && first + words.Count < order.Count)
        {
            Clip clip = order[first + words.Count];
            if (position + clip.Samples.Length > SampleCount)
            {
                if (words.Count == 0 && position > 0)
                {
                    position = 0;   // a long utterance after a long pause: start it at once
                    continue;
                }

                if (words.Count == 0)
                {
                    throw new InvalidOperationException($"An utterance of {clip.Samples.Length} samples is longer than a window ({SampleCount}).");
                }

                break;
            }

            double wordGain = gain * Math.Pow(10, Uniform(random, -2, 2) / 20);
            Place(audio, labels, words, clip, position, wordGain);
            speechPower += clip.SpeechRms * wordGain * clip.SpeechRms * wordGain;
            position += clip.Samples.Length + (int)(Uniform(random, 0.1, 0.5) * Audio.SampleRate);
        }

        used = words.Count;
        double speechRms = Math.Sqrt(speechPower / Math.Max(1, words.Count));
        Audio.AddNoise(audio, speechRms, Uniform(random, 5, 50), random);
        return new Window(audio, labels, words);
    }

    /// <summary>A test window: one clip after 0.2 s, noise 45 dB below its speech (a clean recording's noise floor).</summary>
    public static Window Single(Clip clip, SeededRandom random, double snrDecibels = 45)
    {
        var audio = new float[SampleCount];
        var labels = new int[Steps];
        Array.Fill(labels, Silence);
        var words = new List<(int, int, int)>();
        Place(audio, labels, words, clip, Audio.SampleRate / 5, 1);
        Audio.AddNoise(audio, clip.SpeechRms, snrDecibels, random);
        return new Window(audio, labels, words);
    }

    /// <summary>
    /// A stream of clips, each after a pause of 0.25–0.6 s, with noise 45 dB below the speech: audio of any length,
    /// labelled as the training windows are.
    /// </summary>
    public static Window Stream(IReadOnlyList<Clip> clips, SeededRandom random)
    {
        var pauses = clips.Select(_ => (int)(Uniform(random, 0.25, 0.6) * Audio.SampleRate)).ToArray();
        int length = clips.Sum(c => c.Samples.Length) + pauses.Sum() + (Audio.SampleRate / 2);
        var audio = new float[length];
        var labels = new int[Audio.FrameCount(length)];
        Array.Fill(labels, Silence);
        var words = new List<(int, int, int)>();
        int position = 0;
        for (int i = 0; i < clips.Count; i++)
        {
            position += pauses[i];
            Place(audio, labels, words, clips[i], position, 1);
            position += clips[i].Samples.Length;
        }

        Audio.AddNoise(audio, clips.Average(c => c.SpeechRms), 45, random);
        return new Window(audio, labels, words);
    }

    private static void Place(float[] audio, int[] labels, List<(int, int, int)> words, Clip clip, int position, double gain)
    {
        for (int i = 0; i < clip.Samples.Length; i++)
        {
            audio[position + i] += (float)(clip.Samples[i] * gain);
        }

        int start = position + clip.SpeechStart, end = position + clip.SpeechEnd;
        words.Add((start, end, clip.Digit));
        // A frame is labelled by the sample at its centre; the tail never runs into the next word, which is placed later.
        for (int t = 0; t < labels.Length; t++)
        {
            int centre = (t * Audio.Hop) + (Audio.FrameSize / 2);
            if (centre >= start && centre < end + (TailFrames * Audio.Hop))
            {
                labels[t] = clip.Digit;
            }
        }
    }

    private static double Uniform(SeededRandom random, double low, double high) => low + ((high - low) * random.NextDouble());
}

/// <summary>The MFCCs of windows, normalized with the training windows' mean and standard deviation per coefficient.</summary>
internal sealed class FeatureNormalizer
{
    private readonly float[] _mean, _scale;

    private FeatureNormalizer(float[] mean, float[] scale)
    {
        _mean = mean;
        _scale = scale;
    }

    /// <summary>The mean and standard deviation of each coefficient over all frames of <paramref name="features"/> (frames × 13).</summary>
    public static FeatureNormalizer Fit(float[] features)
    {
        int size = Audio.Coefficients;
        var sum = new double[size];
        var squares = new double[size];
        int frames = features.Length / size;
        for (int i = 0; i < features.Length; i++)
        {
            sum[i % size] += features[i];
            squares[i % size] += (double)features[i] * features[i];
        }

        var mean = new float[size];
        var scale = new float[size];
        for (int k = 0; k < size; k++)
        {
            mean[k] = (float)(sum[k] / frames);
            scale[k] = (float)(1 / Math.Sqrt(Math.Max(1e-12, (squares[k] / frames) - (mean[k] * (double)mean[k]))));
        }

        return new FeatureNormalizer(mean, scale);
    }

    public void Apply(Span<float> features)
    {
        for (int i = 0; i < features.Length; i++)
        {
            int k = i % Audio.Coefficients;
            features[i] = (features[i] - _mean[k]) * _scale[k];
        }
    }

    /// <summary>The MFCCs of each window (in parallel), frames × 13 each, unnormalized.</summary>
    public static float[][] Mfccs(IReadOnlyList<Windows.Window> windows, Action? done = null)
    {
        var features = new float[windows.Count][];
        Parallel.For(0, windows.Count, i =>
        {
            features[i] = Audio.Mfcc(windows[i].Samples, out _);
            done?.Invoke();
        });
        return features;
    }
}
