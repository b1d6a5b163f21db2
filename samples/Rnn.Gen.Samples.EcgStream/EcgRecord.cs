using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Rnn.Gen.Samples.EcgStream;

/// <summary>
/// Five minutes of an electrocardiogram at 360 Hz (108,000 samples, in mV): lead MLII of record 208 of the MIT-BIH
/// Arrhythmia Database, 19:35 to 24:35, as SciPy ships it (<c>scipy.misc.electrocardiogram()</c>). The file,
/// <c>scipy/misc/ecg.dat</c>, is a zip holding <c>ecg.npy</c> (uint16; mV = (v − 1024) / 200). The first run takes it
/// from the Debian package <c>python3-scipy</c> (<c>apt-get download</c>, then <c>dpkg -x</c>) and keeps it in a cache
/// folder, so later runs need neither apt nor a network.
/// </summary>
internal static class EcgRecord
{
    /// <summary>The Debian package and version that hold the file.</summary>
    public const string DebianPackage = "python3-scipy";
    public const string DebianVersion = "1.10.1-2";

    /// <summary>Samples per second.</summary>
    public const int SampleRate = 360;

    private const string FileName = "ecg.dat";
    private const string PathInPackage = "usr/lib/python3/dist-packages/scipy/misc/ecg.dat";
    private const int ExpectedSamples = 108_000;
    private const string NpySha256 = "32efa9c3781f028e107f9919c66ad652aa238a8da763b4f59e57f5c00b7790f3";

    /// <summary>The record in millivolts, downloading it into <paramref name="cacheFolder"/> first when it is not there.</summary>
    /// <exception cref="DataUnavailableException">The file is not in the cache and cannot be had, or is not the expected one.</exception>
    public static float[] LoadMillivolts(string cacheFolder, TextWriter log)
    {
        Directory.CreateDirectory(cacheFolder);
        string path = Path.Combine(cacheFolder, FileName);
        if (!File.Exists(path))
        {
            Download(cacheFolder, path, log);
        }

        byte[] npy;
        try
        {
            using ZipArchive zip = ZipFile.OpenRead(path);
            ZipArchiveEntry entry = zip.GetEntry("ecg.npy") ?? throw new DataUnavailableException($"{path} holds no ecg.npy.");
            using Stream stream = entry.Open();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            npy = memory.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataUnavailableException($"{path} is not a zip file ({e.Message}). Delete it and run again to download it anew.");
        }

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(npy));
        if (sha256 != NpySha256)
        {
            throw new DataUnavailableException(
                $"The ecg.npy in {path} is not SciPy's (SHA-256 {sha256}, expected {NpySha256}). Delete it and run again to download it anew.");
        }

        ushort[] raw = ReadNpyUInt16(npy);
        return Array.ConvertAll(raw, v => (v - 1024) / 200f);
    }

    /// <summary>
    /// The values of a one-dimensional NumPy array of little-endian uint16 (<c>.npy</c> format 1.0–3.0): the magic
    /// string, the version, the header's length, a header that is a Python dict literal, then the raw values.
    /// </summary>
    private static ushort[] ReadNpyUInt16(byte[] npy)
    {
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        if (npy.Length < 10 || !npy.AsSpan(0, 6).SequenceEqual(magic))
        {
            throw new DataUnavailableException("ecg.npy is not a NumPy .npy file.");
        }

        int major = npy[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(npy.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(npy.AsSpan(8));
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        string header = Encoding.Latin1.GetString(npy, major == 1 ? 10 : 12, headerLength);
        Match shape = Regex.Match(header, @"'shape':\s*\((\d+),\)");
        if (!header.Contains("'descr': '<u2'") || !header.Contains("'fortran_order': False") || !shape.Success)
        {
            throw new DataUnavailableException($"ecg.npy is not a one-dimensional array of little-endian uint16: {header.Trim()}");
        }

        int count = int.Parse(shape.Groups[1].Value);
        if (count != ExpectedSamples || npy.Length - dataStart != count * 2)
        {
            throw new DataUnavailableException($"ecg.npy holds {count} values in {npy.Length - dataStart} bytes; expected {ExpectedSamples} values.");
        }

        var values = new ushort[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt16LittleEndian(npy.AsSpan(dataStart + (2 * i)));
        }

        return values;
    }

    /// <summary>
    /// Fetches the Debian package with <c>apt-get download</c> (after <c>apt-get update</c> when the package lists are
    /// missing or out of date, see <see cref="DebianPackages"/>), unpacks it with <c>dpkg -x</c> and keeps the one file.
    /// </summary>
    private static void Download(string cacheFolder, string path, TextWriter log)
    {
        log.WriteLine($"Downloading the data: `apt-get download {DebianPackage}={DebianVersion}` (15 MB), then `dpkg -x`, into {cacheFolder} " +
            "(once; later runs use the cached file) ...");
        string hint = $"The sample needs the file scipy/misc/{FileName} once. On Debian 12 (or a system with its package lists) " +
            $"it takes it from the package {DebianPackage} {DebianVersion} with apt-get and dpkg. Elsewhere, copy {FileName} from the scipy/misc/ folder " +
            $"of any SciPy from 1.1 to 1.11 (for example from the wheel that `pip download scipy==1.10.1` fetches) into {cacheFolder} by hand.";
        string work = Path.Combine(cacheFolder, "download");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        try
        {
            string deb = DebianPackages.Download([$"{DebianPackage}={DebianVersion}"], work, log, hint).Single();
            string unpacked = Path.Combine(work, "unpacked");
            DebianPackages.Extract(deb, unpacked, hint);
            string file = Path.Combine(unpacked, PathInPackage);
            if (!File.Exists(file))
            {
                throw new DataUnavailableException($"{Path.GetFileName(deb)} holds no {PathInPackage}.");
            }

            File.Move(file, path, overwrite: true);
            log.WriteLine($"Cached {FileName} ({new FileInfo(path).Length / 1024} KB) in {cacheFolder}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
