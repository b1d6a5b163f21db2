using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Rnn.Gen.Samples.Translation;

/// <summary>
/// The German–English dictionary of Debian's package <c>trans-de-en</c> 1.9-6 (Ding's dictionary of 2023-01-30, by
/// Frank Richter, TU Chemnitz; GPL 2+): the first run downloads the package with <c>apt-get download</c>, unpacks it
/// with <c>dpkg -x</c> (nothing is installed) and keeps its one data file, <c>usr/share/trans/de-en</c> (25 MB), in the
/// cache folder, checked by its SHA-256 on every run.
/// </summary>
internal static class TranslationCorpus
{
    public const string DebianPackage = "trans-de-en";
    public const string DebianVersion = "1.9-6";
    private const string FileName = "de-en";
    private const string PathInPackage = "usr/share/trans/de-en";
    private const string Sha256 = "34052c6021d09eadfee7a893a789204265954df70fe9c36d38fa00058d79d326";

    /// <summary>The dictionary's lines, downloading the file into <paramref name="cacheFolder"/> first when it is not there.</summary>
    /// <exception cref="DataUnavailableException">The file is not cached and cannot be downloaded, or it is not the expected file.</exception>
    public static string[] LoadLines(string cacheFolder, TextWriter log)
    {
        Directory.CreateDirectory(cacheFolder);
        string path = Path.Combine(cacheFolder, FileName);
        if (!File.Exists(path))
        {
            Download(cacheFolder, path, log);
        }

        byte[] bytes = File.ReadAllBytes(path);
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != Sha256)
        {
            throw new DataUnavailableException(
                $"{path} is not the dictionary of {DebianPackage} {DebianVersion} (SHA-256 {actual}, expected {Sha256}). Delete it and run again to download it anew.");
        }

        return Encoding.UTF8.GetString(bytes).Split('\n');
    }

    private static void Download(string cacheFolder, string path, TextWriter log)
    {
        log.WriteLine($"Downloading the data: `apt-get download {DebianPackage}={DebianVersion}` (6 MB), then `dpkg -x`, into {cacheFolder} " +
            "(once; later runs use the cached file) ...");
        string hint = $"The sample needs the file {PathInPackage} of the Debian package {DebianPackage} {DebianVersion} once (Debian 12 has it; apt-get and dpkg fetch " +
            $"and unpack it without installing). Elsewhere, copy that file out of the package by hand (any tool that reads .deb archives) " +
            $"into {cacheFolder} as {FileName} (its SHA-256 must be {Sha256}).";
        string work = Path.Combine(cacheFolder, "download");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        try
        {
            string deb = DebianPackages.Download([$"{DebianPackage}={DebianVersion}"], work, log, hint)[0];
            string unpacked = Path.Combine(work, "unpacked");
            DebianPackages.Extract(deb, unpacked, hint);
            string file = Path.Combine(unpacked, PathInPackage);
            if (!File.Exists(file))
            {
                throw new DataUnavailableException($"{Path.GetFileName(deb)} holds no {PathInPackage}. {hint}");
            }

            File.Move(file, path, overwrite: true);
            log.WriteLine($"Cached {FileName} ({new FileInfo(path).Length / 1024 / 1024} MB) in {cacheFolder}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

/// <summary>The pairs of one split as the models read them: token ids, padded, with the valid lengths.</summary>
internal sealed class EncodedPairs
{
    /// <summary>
    /// Encodes <paramref name="pairs"/> (all of which must fit: at most <paramref name="sourceSteps"/> German tokens
    /// and <paramref name="targetSteps"/> − 1 English tokens): German ids padded with <c>&lt;pad&gt;</c> to
    /// <paramref name="sourceSteps"/>; English ids, <c>&lt;end&gt;</c>, then <c>&lt;pad&gt;</c> to
    /// <paramref name="targetSteps"/>.
    /// </summary>
    public EncodedPairs(IReadOnlyList<SentencePair> pairs, Vocabulary german, Vocabulary english, int sourceSteps, int targetSteps)
    {
        Pairs = pairs;
        SourceSteps = sourceSteps;
        TargetSteps = targetSteps;
        Source = new int[pairs.Count * sourceSteps];
        Target = new int[pairs.Count * targetSteps];
        Lengths = new int[pairs.Count];
        GermanTokens = new List<string>[pairs.Count];
        EnglishTokens = new List<string>[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            List<string> de = Words.Tokenize(pairs[i].German), en = Words.Tokenize(pairs[i].English);
            if (!Fits(de, en, sourceSteps, targetSteps))
            {
                throw new ArgumentException($"Pair {i} (\"{pairs[i].German}\") has {de.Count} German and {en.Count} English tokens; at most {sourceSteps} and {targetSteps - 1} fit.");
            }

            GermanTokens[i] = de;
            EnglishTokens[i] = en;
            Lengths[i] = de.Count;
            for (int s = 0; s < de.Count; s++)
            {
                Source[i * sourceSteps + s] = german.IdOf(de[s]);
            }

            for (int s = 0; s < en.Count; s++)
            {
                Target[i * targetSteps + s] = english.IdOf(en[s]);
            }

            Target[i * targetSteps + en.Count] = Vocabulary.End;
        }
    }

    /// <summary>Whether a pair's tokens fit the models: at least one German token, at most <paramref name="sourceSteps"/>, and the English tokens and the end in <paramref name="targetSteps"/>.</summary>
    public static bool Fits(List<string> german, List<string> english, int sourceSteps, int targetSteps) =>
        german.Count >= 1 && german.Count <= sourceSteps && english.Count >= 1 && english.Count < targetSteps;

    public IReadOnlyList<SentencePair> Pairs { get; }

    public int Count => Pairs.Count;

    public int SourceSteps { get; }

    public int TargetSteps { get; }

    /// <summary>[Count, SourceSteps] German ids.</summary>
    public int[] Source { get; }

    /// <summary>[Count, TargetSteps] English ids, the end token, pads.</summary>
    public int[] Target { get; }

    /// <summary>The German tokens per pair (the encoders' valid steps).</summary>
    public int[] Lengths { get; }

    public List<string>[] GermanTokens { get; }

    public List<string>[] EnglishTokens { get; }

    public ReadOnlySpan<int> SourceOf(int index) => Source.AsSpan(index * SourceSteps, SourceSteps);
}
