using System;
using System.IO;

namespace Rnn.Gen.Serialization;

/// <summary>Opening a file for one of the readers of this folder, so that every error in its data names the path.</summary>
internal static class DataFile
{
    /// <summary>
    /// Opens <paramref name="path"/> for reading (shared, 64 KB buffer) and runs <paramref name="read"/> on it; an
    /// <see cref="InvalidDataException"/> comes out with the path before its message, the original as its inner exception.
    /// </summary>
    internal static T Read<T>(string path, Func<Stream, T> read)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            return read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
