using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Samples.SpokenDigits;

/// <summary>One espeak-ng voice: an English accent (a language voice) with a variant (the speaker), a speed and a pitch.</summary>
internal sealed record Voice(string Accent, string Variant, int WordsPerMinute, int Pitch)
{
    /// <summary>The argument of <c>espeak-ng -v</c>.</summary>
    public string Name => $"{Accent}+{Variant}";

    /// <summary>The folder of this voice's WAV files in the cache.</summary>
    public string Folder => $"{Accent}+{Variant}_s{WordsPerMinute}_p{Pitch}";
}

/// <summary>One spoken digit: where its WAV file is, its class (0–9), and the voice that says it (null for a human).</summary>
internal sealed record Utterance(string Path, int Digit, Voice? Voice);

/// <summary>
/// The sample's speech: the digits "zero" to "nine" synthesized by espeak-ng in many voices, and the ten digits of the
/// human recordings of the Debian package asterisk-core-sounds-en-wav. Everything is fetched with apt-get (never
/// installed) and kept in the cache folder, so later runs need neither apt nor a network.
/// </summary>
internal static class SpeechData
{
    public static readonly string[] Words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>espeak-ng's English voices (language voices of the gmw family in Debian 12's espeak-ng-data).</summary>
    public static readonly string[] Accents =
        ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc"];

    /// <summary>
    /// The variants (speakers) used: espeak-ng's human-sounding ones (its robots, whisper, croak and the like left out).
    /// Each is spoken in every accent.
    /// </summary>
    public static readonly string[] Variants =
    [
        "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5",
        "Alex", "Alicia", "Andrea", "Andy", "Annie", "Denis", "Gene", "Hugo", "Jacky", "Lee", "Marco", "Michael", "Mike",
        "adam", "anika", "aunty", "belinda", "benjamin", "caleb", "david", "ed", "edward", "grandma", "grandpa", "iven",
        "john", "linda", "max", "norbert", "paul", "pedro", "quincy", "rob", "robert", "steph", "travis", "zac",
        "klatt", "klatt2", "klatt3",
    ];

    /// <summary>The variants held out of training: every accent of these speakers is test data only.</summary>
    public static readonly string[] TestVariants = ["f4", "m7", "Annie", "john", "aunty", "paul", "steph", "klatt3"];

    private static readonly int[] Speeds = [120, 150, 175, 200];   // words per minute (espeak-ng's default is 175)
    private static readonly int[] Pitches = [30, 50, 70];          // 0–99 (default 50)

    /// <summary>The Debian packages.</summary>
    public const string EspeakPackage = "espeak-ng";
    public const string AsteriskPackage = "asterisk-core-sounds-en-wav";
    private const string AsteriskDigits = "usr/share/asterisk/sounds/en_US_f_Allison/digits";

    /// <summary>
    /// Every voice of the sample: each accent with each variant, twice, each time with a speed and a pitch drawn by a
    /// generator seeded with <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyList<Voice> Voices(int seed)
    {
        var random = new SeededRandom(seed);
        var voices = new List<Voice>();
        foreach (string variant in Variants)
        {
            foreach (string accent in Accents)
            {
                var pairs = new HashSet<(int, int)>();
                while (pairs.Count < 2)
                {
                    pairs.Add((Speeds[random.NextInt(Speeds.Length)], Pitches[random.NextInt(Pitches.Length)]));
                }

                voices.AddRange(pairs.Order().Select(p => new Voice(accent, variant, p.Item1, p.Item2)));
            }
        }

        return voices;
    }

    /// <summary>
    /// The utterances of <paramref name="voices"/>, synthesizing with espeak-ng those that are not in the cache yet
    /// (fetching espeak-ng first when needed); <paramref name="progress"/> gets the number done of the total.
    /// </summary>
    public static IReadOnlyList<Utterance> Synthesized(IReadOnlyList<Voice> voices, string cacheFolder, TextWriter log, Action<int, int> progress)
    {
        string wavFolder = Path.Combine(cacheFolder, "espeak-wav");
        var utterances = voices.SelectMany(v => Words.Select((w, digit) => new Utterance(Path.Combine(wavFolder, v.Folder, w + ".wav"), digit, v))).ToList();
        var missing = utterances.Where(u => !File.Exists(u.Path)).ToList();
        if (missing.Count == 0)
        {
            return utterances;
        }

        Espeak espeak = Espeak.Get(Path.Combine(cacheFolder, "espeak-ng"), log);
        log.WriteLine($"Synthesizing {missing.Count} utterances with {espeak.Description} into {wavFolder} (once; later runs use the cached files) ...");
        int done = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Parallel.ForEach(missing, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, u =>
        {
            Voice voice = u.Voice!;
            Directory.CreateDirectory(Path.GetDirectoryName(u.Path)!);
            string temporary = u.Path + ".partial";
            espeak.Speak(Words[u.Digit], voice, temporary);
            File.Move(temporary, u.Path, overwrite: true);
            progress(Interlocked.Increment(ref done), missing.Count);
        });
        log.WriteLine($"Synthesized {missing.Count} utterances in {clock.Elapsed.TotalSeconds:F0} s");
        return utterances;
    }

    /// <summary>The human recordings of "zero" to "nine" (asterisk-core-sounds-en-wav), downloading them first when needed.</summary>
    public static IReadOnlyList<Utterance> Recorded(string cacheFolder, TextWriter log)
    {
        string folder = Path.Combine(cacheFolder, "asterisk-digits");
        var utterances = Enumerable.Range(0, 10).Select(d => new Utterance(Path.Combine(folder, $"{d}.wav"), d, null)).ToList();
        if (utterances.All(u => File.Exists(u.Path)))
        {
            return utterances;
        }

        string hint = $"The sample needs the recordings digits/0.wav … digits/9.wav of the Debian package {AsteriskPackage} once; " +
            $"on a Debian or Ubuntu system it fetches them with apt-get and dpkg. Elsewhere, copy those ten files into {folder} by hand.";
        log.WriteLine($"Downloading the human recordings: `apt-get download {AsteriskPackage}` (18 MB), then `dpkg -x`, into {cacheFolder} " +
            "(once; only the ten digit files are kept) ...");
        string work = Path.Combine(cacheFolder, "download-asterisk");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        try
        {
            string deb = DebianPackages.Download([AsteriskPackage], work, log, hint).Single();
            string unpacked = Path.Combine(work, "unpacked");
            DebianPackages.Extract(deb, unpacked, hint);
            Directory.CreateDirectory(folder);
            foreach (Utterance u in utterances)
            {
                string file = Path.Combine(unpacked, AsteriskDigits, Path.GetFileName(u.Path));
                if (!File.Exists(file))
                {
                    throw new DataUnavailableException($"{Path.GetFileName(deb)} holds no {AsteriskDigits}/{Path.GetFileName(u.Path)}.");
                }

                File.Move(file, u.Path, overwrite: true);
            }

            log.WriteLine($"Cached {utterances.Count} recordings in {folder}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return utterances;
    }
}

/// <summary>
/// The espeak-ng program: unpacked from Debian packages into the cache (with the libraries this machine lacks), or
/// the installed one when the machine has it.
/// </summary>
internal sealed class Espeak
{
    private readonly string _program;
    private readonly Dictionary<string, string> _environment;

    private Espeak(string program, Dictionary<string, string> environment, string description)
    {
        _program = program;
        _environment = environment;
        Description = description;
    }

    /// <summary>What runs, for the log: the program and its version.</summary>
    public string Description { get; }

    private const string Hint = "The sample synthesizes its training speech with espeak-ng once: on a Debian or Ubuntu system it fetches the " +
        "packages with apt-get (no installation, no root needed); elsewhere, install espeak-ng (`apt-get install espeak-ng`, " +
        "`brew install espeak-ng`, …) and run the sample again.";

    /// <summary>
    /// The espeak-ng unpacked under <paramref name="root"/> (fetching it the first time), or the installed one when
    /// apt finds nothing missing.
    /// </summary>
    public static Espeak Get(string root, TextWriter log)
    {
        string program = Path.Combine(root, "usr", "bin", "espeak-ng");
        if (!File.Exists(program))
        {
            string work = root + ".download";
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            Directory.CreateDirectory(work);
            try
            {
                log.WriteLine($"Fetching espeak-ng: `apt-get install --download-only --no-install-recommends espeak-ng` into {work} " +
                    "(its packages and the libraries this machine lacks, about 6 MB on Debian 12; nothing is installed), then `dpkg -x` each into " +
                    $"{root} ...");
                string[] debs = DebianPackages.DownloadWithMissingDependencies([SpeechData.EspeakPackage], work, log, Hint);
                if (debs.Length == 0 && DebianPackages.IsInstalled(SpeechData.EspeakPackage))
                {
                    log.WriteLine("espeak-ng is installed on this machine: using the installed one.");
                    return Installed();
                }

                string unpacking = root + ".partial";
                if (Directory.Exists(unpacking))
                {
                    Directory.Delete(unpacking, recursive: true);
                }

                foreach (string deb in debs)
                {
                    DebianPackages.Extract(deb, unpacking, Hint);
                }

                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }

                Directory.Move(unpacking, root);
                log.WriteLine($"Unpacked {debs.Length} packages ({string.Join(", ", debs.Select(d => Path.GetFileName(d).Split('_')[0]))}) into {root}");
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }

            if (!File.Exists(program))
            {
                throw new DataUnavailableException($"The packages apt fetched hold no usr/bin/espeak-ng. {Hint}");
            }
        }

        // The unpacked libraries and data are not where the program looks by default: the loader gets their folder,
        // espeak-ng its data folder (ESPEAK_DATA_PATH: the folder that holds espeak-ng-data).
        string libraries = Directory.GetDirectories(Path.Combine(root, "usr", "lib"))
            .FirstOrDefault(d => Directory.Exists(Path.Combine(d, "espeak-ng-data")))
            ?? throw new DataUnavailableException($"{root} holds no usr/lib/<architecture>/espeak-ng-data. Delete it and run again. {Hint}");
        var environment = new Dictionary<string, string>
        {
            ["LD_LIBRARY_PATH"] = string.Join(':', new[] { libraries, Path.Combine(libraries, "pulseaudio"), Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") }
                .Where(p => !string.IsNullOrEmpty(p))),
            ["ESPEAK_DATA_PATH"] = libraries,
        };
        return new Espeak(program, environment, Version(program, environment) + $" (unpacked in {root})");
    }

    private static Espeak Installed()
    {
        var environment = new Dictionary<string, string>();
        return new Espeak("espeak-ng", environment, Version("espeak-ng", environment) + " (installed)");
    }

    private static string Version(string program, Dictionary<string, string> environment)
    {
        string version = ExternalProgram.Run(program, ["--version"], Environment.CurrentDirectory, Hint, environment).Trim();
        int data = version.IndexOf("  Data at", StringComparison.Ordinal);
        return data > 0 ? version[..data] : version;
    }

    /// <summary>Writes <paramref name="text"/> spoken by <paramref name="voice"/> to the WAV file <paramref name="path"/> (22,050 Hz, 16 bits, mono).</summary>
    public void Speak(string text, Voice voice, string path)
    {
        ExternalProgram.Run(_program, ["-v", voice.Name, "-s", voice.WordsPerMinute.ToString(), "-p", voice.Pitch.ToString(), "-w", path, text],
            Environment.CurrentDirectory, Hint, _environment);
    }
}
