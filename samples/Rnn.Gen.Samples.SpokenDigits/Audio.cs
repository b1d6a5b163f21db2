using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NWaves.Audio;
using NWaves.FeatureExtractors;
using NWaves.FeatureExtractors.Options;
using NWaves.Signals;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Samples.SpokenDigits;

/// <summary>
/// The audio side: WAV files read and resampled to telephone rate (8 kHz, the rate of the human recordings; espeak-ng
/// writes 22,050 Hz), noise, and the features every method sees: 13 MFCCs (c0 to c12) per 10 ms frame of 25 ms
/// (NWaves: 26 mel filters up to 4 kHz, pre-emphasis 0.97, Hamming window). Frame t covers the samples
/// [80·t, 80·t + 200), so a frame needs 15 ms of audio past its hop: the features are causal up to that.
/// </summary>
internal static class Audio
{
    public const int SampleRate = 8000;
    public const int Hop = 80;            // 10 ms
    public const int FrameSize = 200;     // 25 ms
    public const int Coefficients = 13;

    /// <summary>The samples of a mono WAV file at 8 kHz, as floats in [−1, 1].</summary>
    public static float[] Load(string path)
    {
        using FileStream stream = File.OpenRead(path);
        var wave = new WaveFile(stream);
        DiscreteSignal signal = wave.Signals[0];
        return signal.SamplingRate == SampleRate ? signal.Samples : PolyphaseResampler.Get(signal.SamplingRate).Apply(signal.Samples);
    }

    /// <summary>The MFCCs of <paramref name="samples"/>: one row of <see cref="Coefficients"/> per 10 ms frame, frames × 13 floats.</summary>
    public static float[] Mfcc(float[] samples, out int frames)
    {
        MfccExtractor extractor = Extractor.Value!;
        List<float[]> vectors = extractor.ComputeFrom(samples);
        frames = vectors.Count;
        var features = new float[frames * Coefficients];
        for (int t = 0; t < frames; t++)
        {
            vectors[t].AsSpan(0, Coefficients).CopyTo(features.AsSpan(t * Coefficients));
        }

        return features;
    }

    // One extractor per thread: an extractor keeps buffers of its own between frames.
    private static readonly System.Threading.ThreadLocal<MfccExtractor> Extractor = new(() => new MfccExtractor(new MfccOptions
        {
            SamplingRate = SampleRate,
            FeatureCount = Coefficients,
            FrameSize = FrameSize,
            HopSize = Hop,
            FilterBankSize = 26,
            LowFrequency = 50,
            HighFrequency = SampleRate / 2,
            PreEmphasis = 0.97,
        }));

    /// <summary>The number of whole frames in <paramref name="sampleCount"/> samples.</summary>
    public static int FrameCount(int sampleCount) => sampleCount < FrameSize ? 0 : ((sampleCount - FrameSize) / Hop) + 1;

    /// <summary>
    /// The first and last frame of speech in a clean recording: those whose energy is within 35 dB of the loudest
    /// frame's (null when the clip is silent).
    /// </summary>
    public static (int First, int Last)? SpeechFrames(ReadOnlySpan<float> samples)
    {
        int frames = FrameCount(samples.Length);
        var energy = new double[frames];
        for (int t = 0; t < frames; t++)
        {
            double sum = 1e-12;
            foreach (float v in samples.Slice(t * Hop, FrameSize))
            {
                sum += v * v;
            }

            energy[t] = sum;
        }

        if (frames == 0)
        {
            return null;
        }

        double threshold = energy.Max() * Math.Pow(10, -35 / 10.0);
        int first = Array.FindIndex(energy, e => e > threshold);
        int last = Array.FindLastIndex(energy, e => e > threshold);
        return first < 0 ? null : (first, last);
    }

    /// <summary>Root mean square of the samples.</summary>
    public static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (float v in samples)
        {
            sum += v * v;
        }

        return Math.Sqrt(sum / Math.Max(1, samples.Length));
    }

    /// <summary>
    /// Adds white Gaussian noise at <paramref name="snrDecibels"/> below <paramref name="speechRms"/> (the level of the
    /// speech, not of the whole clip with its pauses), in place.
    /// </summary>
    public static void AddNoise(Span<float> samples, double speechRms, double snrDecibels, SeededRandom random)
    {
        double sigma = speechRms * Math.Pow(10, -snrDecibels / 20);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] += (float)(sigma * random.NextGaussian());
        }
    }
}

/// <summary>
/// Band-limited resampling by a rational factor L/M (22,050 → 8,000 Hz is 160/441) with a polyphase table of a
/// Kaiser-windowed sinc, cut off at 90 % of the lower Nyquist frequency. NWaves has one too
/// (<c>Operation.Resample</c>), but it took 25 ms per one-second clip here, 3.5 minutes for the sample's clips; this
/// one takes well under a millisecond.
/// </summary>
internal sealed class PolyphaseResampler
{
    private const int ZeroCrossings = 16;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, PolyphaseResampler> Cache = new();

    private readonly int _up, _down, _taps;
    private readonly float[] _table;   // [phase, tap]

    private PolyphaseResampler(int fromRate, int toRate)
    {
        int gcd = Gcd(fromRate, toRate);
        _up = toRate / gcd;
        _down = fromRate / gcd;
        double cutoff = 0.9 * Math.Min(1.0, (double)toRate / fromRate);   // in cycles per input sample × 2 (1 = input Nyquist)
        double halfWidth = ZeroCrossings / cutoff;                         // in input samples
        _taps = (2 * (int)Math.Ceiling(halfWidth)) + 1;
        _table = new float[_up * _taps];
        double beta = 8.0;
        for (int phase = 0; phase < _up; phase++)
        {
            double fraction = (double)phase / _up;   // output position past the input sample the taps are centred on
            for (int j = 0; j < _taps; j++)
            {
                double distance = j - (_taps / 2) - fraction;   // input sample minus output position, in input samples
                double x = cutoff * distance;
                double sinc = Math.Abs(x) < 1e-12 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
                double r = distance / halfWidth;
                double window = Math.Abs(r) >= 1 ? 0 : BesselI0(beta * Math.Sqrt(1 - (r * r))) / BesselI0(beta);
                _table[(phase * _taps) + j] = (float)(cutoff * sinc * window);
            }
        }
    }

    /// <summary>The resampler from <paramref name="fromRate"/> to <see cref="Audio.SampleRate"/>.</summary>
    public static PolyphaseResampler Get(int fromRate) => Cache.GetOrAdd(fromRate, r => new PolyphaseResampler(r, Audio.SampleRate));

    public float[] Apply(float[] input)
    {
        int outputs = (int)((long)input.Length * _up / _down);
        var output = new float[outputs];
        int centre = _taps / 2;
        for (int n = 0; n < outputs; n++)
        {
            long position = (long)n * _down;   // in units of 1/up input samples
            int k = (int)(position / _up);
            int phase = (int)(position % _up);
            ReadOnlySpan<float> taps = _table.AsSpan(phase * _taps, _taps);
            double sum = 0;
            int first = k - centre;
            for (int j = Math.Max(0, -first); j < _taps && first + j < input.Length; j++)
            {
                sum += taps[j] * input[first + j];
            }

            output[n] = (float)sum;
        }

        return output;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1;
        for (int k = 1; k < 50; k++)
        {
            term *= x / (2 * k) * (x / (2 * k));
            sum += term;
        }

        return sum;
    }
}
