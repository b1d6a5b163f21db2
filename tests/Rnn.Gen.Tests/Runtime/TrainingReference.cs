using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit.Sdk;

namespace Rnn.Gen.Tests.Runtime;

/// <summary>
/// The training runtime's libtorch references (Reference/Optimizers, Losses, Training, written by
/// tests/Rnn.Gen.ReferenceVectors): loading, the options of a case, and the relative measure of the comparisons.
/// </summary>
internal static class TrainingReference
{
    /// <summary>The tolerance of the issue: float results against libtorch's float64 ones, relative.</summary>
    public const double Tolerance = 1e-6;

    private static readonly Dictionary<string, SafeTensorsFile> Cache = new(StringComparer.Ordinal);

    public static SafeTensorsFile Load(string folder, string file)
    {
        lock (Cache)
        {
            string key = folder + "/" + file;
            if (!Cache.TryGetValue(key, out SafeTensorsFile? loaded))
            {
                loaded = SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Reference", folder, file + ".safetensors"));
                Cache.Add(key, loaded);
            }

            return loaded;
        }
    }

    /// <summary>The case names of a file: its metadata keys that name tensors (<c>{case}/...</c>).</summary>
    public static IEnumerable<string> CaseNames(SafeTensorsFile file) =>
        file.Metadata.Keys.Where(k => file.Tensors.Any(t => t.Name.StartsWith(k + "/", StringComparison.Ordinal))).Order(StringComparer.Ordinal);

    /// <summary>The options of a case, from its <c>key=value;...</c> metadata entry.</summary>
    public static Dictionary<string, string> Options(SafeTensorsFile file, string caseName) =>
        file.Metadata[caseName].Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

    public static float Float(this Dictionary<string, string> options, string key, float defaultValue) =>
        options.TryGetValue(key, out string? text) ? (float)double.Parse(text, CultureInfo.InvariantCulture) : defaultValue;

    public static double Double(this Dictionary<string, string> options, string key, double defaultValue) =>
        options.TryGetValue(key, out string? text) ? double.Parse(text, CultureInfo.InvariantCulture) : defaultValue;

    public static bool Flag(this Dictionary<string, string> options, string key) =>
        options.TryGetValue(key, out string? text) && text == "true";

    /// <summary><c>max |actual − expected| / max |expected|</c> (absolute when the reference is all zero); NaN counts as infinite.</summary>
    public static double RelativeError(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{actual.Length} elements, the reference has {expected.Length}.");
        }

        double scale = 0, worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            double error = Math.Abs(actual[i] - expected[i]);
            worst = double.IsNaN(error) ? double.PositiveInfinity : Math.Max(worst, error);
        }

        return worst / (scale > 0 ? scale : 1);
    }

    /// <summary>Fails unless <see cref="RelativeError"/> is within <paramref name="tolerance"/>; returns the error.</summary>
    public static double AssertClose(string context, ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance = Tolerance)
    {
        double error = RelativeError(expected, actual);
        if (!(error <= tolerance))
        {
            int worst = 0;
            for (int i = 1; i < expected.Length; i++)
            {
                if (!(Math.Abs(actual[i] - expected[i]) <= Math.Abs(actual[worst] - expected[worst])))
                {
                    worst = i;
                }
            }

            throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                $"{context}: relative error {error:G3} > {tolerance:G2} against libtorch; element {worst}: expected {expected[worst]:R}, actual {actual[worst]:R}."));
        }

        return error;
    }
}
