using System;
using System.IO;
using System.Runtime.CompilerServices;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit;

namespace Rnn.Gen.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot assertions for generated source: compares with <c>Snapshots/{Test}#{hint}.verified.cs</c> beside the tests.
/// On a mismatch writes <c>.received.cs</c> next to it and fails with the first differing line. Set RNNGEN_ACCEPT=1 to
/// accept received text as the new snapshot (refused when CI is set, so CI can never bless its own output).
/// </summary>
public static class Snapshot
{
    public static void Verify(string actual, string hintName, [CallerMemberName] string test = "", [CallerFilePath] string callerFile = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        string stem = Path.Combine(folder, $"{test}#{Path.GetFileNameWithoutExtension(hintName)}");
        string verifiedPath = stem + ".verified.cs";
        string receivedPath = stem + ".received.cs";
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        string? verified = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (verified == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        bool accept = Environment.GetEnvironmentVariable("RNNGEN_ACCEPT") == "1" && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        if (accept)
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        if (verified is null)
        {
            Assert.Fail($"No snapshot {Path.GetFileName(verifiedPath)} yet; review {Path.GetFileName(receivedPath)} and accept it with RNNGEN_ACCEPT=1.");
        }

        Assert.Fail($"Generated source differs from {Path.GetFileName(verifiedPath)}: {FirstDifference(verified!, actual)}. " +
            $"Review {Path.GetFileName(receivedPath)}; accept it with RNNGEN_ACCEPT=1 if the change is intended.");
    }

    /// <summary>The first differing line, as "line N: expected '…', got '…'".</summary>
    public static string FirstDifference(string expected, string actual)
    {
        DiffPaneModel diff = InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false);
        int line = 0;
        string? removed = null;
        foreach (DiffPiece piece in diff.Lines)
        {
            switch (piece.Type)
            {
                case ChangeType.Unchanged:
                    line++;
                    if (removed is not null)
                    {
                        return $"line {line - 1}: expected '{removed.Trim()}', the line is missing";
                    }

                    break;
                case ChangeType.Deleted:
                    removed ??= piece.Text;
                    line++;
                    break;
                case ChangeType.Inserted:
                    return removed is null
                        ? $"line {line + 1}: unexpected '{piece.Text.Trim()}'"
                        : $"line {line}: expected '{removed.Trim()}', got '{piece.Text.Trim()}'";
            }
        }

        return removed is null ? "texts differ only in line endings or a final newline" : $"line {line}: expected '{removed.Trim()}', the line is missing";
    }
}
