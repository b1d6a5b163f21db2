// Shared by the samples that take their data from Debian packages (linked into each project by its .csproj, so every
// sample stays one folder that builds on its own): apt-get to download, dpkg -x to unpack, with no installation.

using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace Rnn.Gen.Samples;

/// <summary>The data cannot be had: no download tool, no network, or a file that is not the expected one.</summary>
internal sealed class DataUnavailableException(string message) : Exception(message);

/// <summary>
/// Debian packages fetched for a sample's data, never installed: <c>apt-get download</c> (or
/// <c>apt-get install --download-only</c> into a folder of the sample's own, for a program with the libraries this
/// machine lacks) and <c>dpkg -x</c>. Neither needs root. A fresh Debian machine has no package lists until
/// <c>apt-get update</c>, and old lists name versions the mirror has dropped; when apt fails for such a reason, this
/// updates the lists and tries once more: as root, the system's (<c>apt-get update</c>, which later runs and other
/// samples reuse); otherwise a private copy in the download folder (<c>apt-get update</c> with
/// <c>Dir::State::Lists</c> pointed there, which needs no root), used for the retry and deleted with the folder.
/// </summary>
internal static class DebianPackages
{
    /// <summary>
    /// Downloads <paramref name="packages"/> (<c>name</c> or <c>name=version</c>) into <paramref name="folder"/> with
    /// <c>apt-get download</c>; returns the paths of the <c>.deb</c> files it wrote.
    /// </summary>
    /// <param name="hint">What the user can do instead (added to every error message).</param>
    /// <exception cref="DataUnavailableException">apt-get is missing or fails, even after <c>apt-get update</c>.</exception>
    public static string[] Download(IReadOnlyList<string> packages, string folder, TextWriter log, string hint)
    {
        RunApt(["download", .. packages], folder, log, hint);
        return DebsIn(folder, packages, hint);
    }

    /// <summary>
    /// Downloads <paramref name="packages"/> and every package they depend on that this machine lacks (apt's own
    /// choice, recommendations left out) into <paramref name="folder"/>, with <c>apt-get install --download-only</c>
    /// pointed at that folder instead of apt's cache: nothing is installed and no lock of the system's is taken, so
    /// it works without root. Returns the paths of the <c>.deb</c> files, none when everything is installed already.
    /// </summary>
    /// <exception cref="DataUnavailableException">apt-get is missing or fails, even after <c>apt-get update</c>.</exception>
    public static string[] DownloadWithMissingDependencies(IReadOnlyList<string> packages, string folder, TextWriter log, string hint)
    {
        Directory.CreateDirectory(Path.Combine(folder, "partial"));
        RunApt(
            ["install", "--download-only", "--no-install-recommends", "--yes", "-o", $"Dir::Cache::archives={Path.GetFullPath(folder)}",
                "-o", "Debug::NoLocking=1", .. packages],
            folder, log, hint);
        return Directory.GetFiles(folder, "*.deb").Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Unpacks the files of <paramref name="deb"/> under <paramref name="destination"/> with <c>dpkg -x</c> (no installation).</summary>
    /// <exception cref="DataUnavailableException">dpkg is missing or fails.</exception>
    public static void Extract(string deb, string destination, string hint)
    {
        ExternalProgram.Run("dpkg", ["-x", deb, destination], Path.GetDirectoryName(Path.GetFullPath(deb))!, hint);
    }

    /// <summary>Whether <paramref name="package"/> is installed on this machine (<c>dpkg-query</c>; false when dpkg is missing).</summary>
    public static bool IsInstalled(string package)
    {
        ProgramResult? result = ExternalProgram.TryRun("dpkg-query", ["--show", "--showformat=${db:Status-Status}", package], Environment.CurrentDirectory);
        return result is { ExitCode: 0 } && result.Output.Trim() == "installed";
    }

    /// <summary>
    /// Runs apt-get with <paramref name="arguments"/>; when it fails because the package lists are missing or out of
    /// date, updates them (the system's as root, else a private copy under <paramref name="folder"/>) and tries once more.
    /// </summary>
    private static void RunApt(string[] arguments, string folder, TextWriter log, string hint)
    {
        string command = $"apt-get {string.Join(' ', arguments)}";
        ProgramResult first = ExternalProgram.TryRun("apt-get", arguments, folder)
            ?? throw new DataUnavailableException($"Could not run apt-get: this is not a Debian-like system, or apt-get is not on the PATH. {hint}");
        if (first.ExitCode == 0)
        {
            return;
        }

        if (!ListsMissingOrOutdated(first.Error))
        {
            throw new DataUnavailableException($"`{command}` failed (exit code {first.ExitCode}):{Environment.NewLine}{first.LastLines()}{Environment.NewLine}{hint}");
        }

        string why = $"`{command}` failed: apt's package lists are missing or out of date (a fresh machine has none until `apt-get update`):" +
            $"{Environment.NewLine}{first.LastLines()}{Environment.NewLine}";

        // Not root: apt-get update cannot write the system's lists, but it can write lists of its own into a folder
        // of ours, and the retry reads those (the caches of parsed lists are turned off so that the system's stale
        // ones are not read instead).
        string? privateLists = Environment.IsPrivilegedProcess ? null : Path.Combine(Path.GetFullPath(folder), "apt-lists");
        string[] listOptions = privateLists is null
            ? []
            : ["-o", $"Dir::State::Lists={privateLists}/", "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=", "-o", "Debug::NoLocking=1"];
        try
        {
            if (privateLists is null)
            {
                log.WriteLine($"{why}Running `apt-get update` (as root), then trying once more ...");
            }
            else
            {
                Directory.CreateDirectory(Path.Combine(privateLists, "partial"));
                log.WriteLine($"{why}Updating a private copy of the package lists in {privateLists} (no root needed; about 14 MB), then trying once more ...");
            }

            ProgramResult update = ExternalProgram.TryRun("apt-get", [.. listOptions, "update"], folder)
                ?? throw new DataUnavailableException($"Could not run `apt-get update`. {hint}");
            if (update.ExitCode != 0)
            {
                throw new DataUnavailableException(
                    $"`apt-get update` failed (exit code {update.ExitCode}):{Environment.NewLine}{update.LastLines()}{Environment.NewLine}" +
                    $"Check the network and /etc/apt/sources.list, run `apt-get update` by hand until it succeeds, then run the sample again. {hint}");
            }

            ProgramResult second = ExternalProgram.TryRun("apt-get", [.. listOptions, .. arguments], folder)
                ?? throw new DataUnavailableException($"Could not run apt-get. {hint}");
            if (second.ExitCode != 0)
            {
                // apt-get update exits with 0 when a mirror cannot be reached; its warnings say so.
                string updateWarnings = update.Error.Trim().Length > 0
                    ? $"`apt-get update` warned:{Environment.NewLine}{update.LastLines()}{Environment.NewLine}"
                    : "";
                throw new DataUnavailableException(
                    $"`{command}` failed again after `apt-get update` (exit code {second.ExitCode}):{Environment.NewLine}{second.LastLines()}{Environment.NewLine}" +
                    updateWarnings +
                    $"Either the mirrors could not be reached, or the package (or this version of it) is not in the archives that /etc/apt/sources.list names. {hint}");
            }

            log.WriteLine("apt-get succeeded after `apt-get update`.");
        }
        finally
        {
            if (privateLists is not null && Directory.Exists(privateLists))
            {
                Directory.Delete(privateLists, recursive: true);
            }
        }
    }

    /// <summary>
    /// apt's messages for a package or version its lists do not know (no lists, or lists from another release), and
    /// for a file the mirror no longer has (lists older than the mirror's).
    /// </summary>
    private static bool ListsMissingOrOutdated(string error) =>
        error.Contains("Unable to locate package", StringComparison.Ordinal)
        || error.Contains("was not found", StringComparison.Ordinal)
        || error.Contains("has no installation candidate", StringComparison.Ordinal)
        || error.Contains("Can't select candidate version", StringComparison.Ordinal)
        || error.Contains("404", StringComparison.Ordinal);

    private static string[] DebsIn(string folder, IReadOnlyList<string> packages, string hint)
    {
        string[] debs = Directory.GetFiles(folder, "*.deb").Order(StringComparer.Ordinal).ToArray();
        if (debs.Length < packages.Count)
        {
            throw new DataUnavailableException(
                $"`apt-get download {string.Join(' ', packages)}` wrote {debs.Length} .deb files into {folder}, expected {packages.Count}. {hint}");
        }

        return debs;
    }
}

/// <summary>What a program that ran printed, and its exit code.</summary>
internal sealed record ProgramResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty lines of the error output (or of the output when the error output is empty).</summary>
    public string LastLines(int count = 5) =>
        string.Join(Environment.NewLine, (Error.Trim().Length > 0 ? Error : Output).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).TakeLast(count));
}

/// <summary>Runs the command-line tools the samples fetch and make their data with.</summary>
internal static class ExternalProgram
{
    /// <summary>Runs <paramref name="program"/> to its end; null when it cannot be started (not installed).</summary>
    public static ProgramResult? TryRun(string program, IReadOnlyList<string> arguments, string folder,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception)
        {
            return null;
        }

        if (process is null)
        {
            return null;
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new ProgramResult(process.ExitCode, output, error.Result);
        }
    }

    /// <summary>Runs <paramref name="program"/> to its end and returns its output.</summary>
    /// <exception cref="DataUnavailableException">It cannot be started, or exits with an error; the message ends with <paramref name="hint"/>.</exception>
    public static string Run(string program, IReadOnlyList<string> arguments, string folder, string hint,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ProgramResult result = TryRun(program, arguments, folder, environment)
            ?? throw new DataUnavailableException($"Could not run {program} (is it installed and on the PATH?). {hint}");
        if (result.ExitCode != 0)
        {
            throw new DataUnavailableException(
                $"`{program} {string.Join(' ', arguments)}` failed (exit code {result.ExitCode}):{Environment.NewLine}{result.LastLines()}{Environment.NewLine}{hint}");
        }

        return result.Output;
    }
}
