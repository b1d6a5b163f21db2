using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Rnn.Gen.Samples.SpokenDigits;

/// <summary>A clip's normalized MFCCs, frames × 13, cut to its speech frames, with its digit.</summary>
internal sealed record ClipFeatures(float[] Mfcc, int Frames, int Digit);

/// <summary>
/// Template matching: each test clip takes the digit of the nearest training template under dynamic time warping
/// (Sakoe &amp; Chiba 1978) over MFCCs, the classic isolated-word recognizer.
/// </summary>
internal sealed class DtwMatcher(IReadOnlyList<ClipFeatures> templates)
{
    public int TemplateCount => templates.Count;

    /// <summary>The digit of the template nearest to each clip (in parallel over the clips).</summary>
    public int[] Classify(IReadOnlyList<ClipFeatures> clips)
    {
        var digits = new int[clips.Count];
        Parallel.For(0, clips.Count, i =>
        {
            double best = double.PositiveInfinity;
            foreach (ClipFeatures template in templates)
            {
                double distance = Distance(clips[i], template, best);
                if (distance < best)
                {
                    best = distance;
                    digits[i] = template.Digit;
                }
            }
        });
        return digits;
    }

    /// <summary>
    /// The DTW distance: the least sum of Euclidean frame distances along a path of steps (1,0), (0,1) and (1,1) from
    /// the first frames to the last, divided by the two lengths' sum. Stops early (returns infinity) once every path
    /// is past <paramref name="bound"/>.
    /// </summary>
    private static double Distance(ClipFeatures a, ClipFeatures b, double bound)
    {
        int n = a.Frames, m = b.Frames, size = Audio.Coefficients;
        double limit = bound * (n + m);
        var previous = new double[m + 1];
        var current = new double[m + 1];
        Array.Fill(previous, double.PositiveInfinity);
        previous[0] = 0;
        for (int i = 1; i <= n; i++)
        {
            current[0] = double.PositiveInfinity;
            double rowMinimum = double.PositiveInfinity;
            ReadOnlySpan<float> x = a.Mfcc.AsSpan((i - 1) * size, size);
            for (int j = 1; j <= m; j++)
            {
                ReadOnlySpan<float> y = b.Mfcc.AsSpan((j - 1) * size, size);
                double sum = 0;
                for (int k = 0; k < size; k++)
                {
                    double d = x[k] - y[k];
                    sum += d * d;
                }

                double cost = Math.Sqrt(sum) + Math.Min(previous[j - 1], Math.Min(previous[j], current[j - 1]));
                current[j] = cost;
                rowMinimum = Math.Min(rowMinimum, cost);
            }

            if (rowMinimum > limit)
            {
                return double.PositiveInfinity;
            }

            (previous, current) = (current, previous);
        }

        return previous[m] / (n + m);
    }
}

/// <summary>The linear baseline's input: the mean and the standard deviation of each coefficient over a clip's speech frames.</summary>
internal static class AveragedMfcc
{
    public const int Features = 2 * Audio.Coefficients;

    public static float[] Of(ClipFeatures clip)
    {
        int size = Audio.Coefficients;
        var features = new float[Features];
        for (int k = 0; k < size; k++)
        {
            double sum = 0, squares = 0;
            for (int t = 0; t < clip.Frames; t++)
            {
                double v = clip.Mfcc[(t * size) + k];
                sum += v;
                squares += v * v;
            }

            double mean = sum / clip.Frames;
            features[k] = (float)mean;
            features[size + k] = (float)Math.Sqrt(Math.Max(0, (squares / clip.Frames) - (mean * mean)));
        }

        return features;
    }

    /// <summary>All clips' features, clip-major.</summary>
    public static float[] OfAll(IReadOnlyList<ClipFeatures> clips) => clips.SelectMany(Of).ToArray();
}
