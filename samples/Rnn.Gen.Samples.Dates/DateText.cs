using System;
using System.Globalization;

namespace Rnn.Gen.Samples.Dates;

/// <summary>The ways a date is written in this sample, and the character sets of the model's input and output.</summary>
internal static class DateText
{
    /// <summary>The input characters, one one-hot feature each. Text is lowercased before it is read.</summary>
    public const string InputAlphabet = " ,-.0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>The output characters: the digits and the hyphen of ISO 8601.</summary>
    public const string OutputAlphabet = "0123456789-";

    /// <summary>The styles, with an example each (the date 2026-11-25).</summary>
    public static readonly (string Name, Func<DateOnly, string> Write)[] Styles =
    [
        ("ordinal words, of month", d => $"{OrdinalWords(d.Day)} of {MonthName(d)} {d.Year}"),    // twenty-fifth of november 2026
        ("month day, year", d => $"{MonthName(d)} {d.Day}, {d.Year}"),                            // november 25, 2026
        ("day short month year", d => $"{d.Day} {ShortMonth(d)} {d.Year}"),                       // 25 nov 2026
        ("weekday the nth of month", d => $"{Weekday(d)} the {Ordinal(d.Day)} of {MonthName(d)}, {d.Year}"), // wednesday the 25th of november, 2026
        ("dotted numbers", d => $"{d.Day:00}.{d.Month:00}.{d.Year}"),                             // 25.11.2026
        ("short weekday, day short month", d => $"{Weekday(d)[..3]}, {d.Day} {ShortMonth(d)} {d.Year}"), // wed, 25 nov 2026
        ("month the ordinal words", d => $"{MonthName(d)} the {OrdinalWords(d.Day)}, {d.Year}"),  // november the twenty-fifth, 2026
        ("short month. nth", d => $"{ShortMonth(d)}. {Ordinal(d.Day)}, {d.Year}"),                // nov. 25th, 2026
        ("all words", d => $"{OrdinalWords(d.Day)} of {MonthName(d)}, {YearWords(d.Year)}"),      // twenty-fifth of november, twenty twenty-six
    ];

    private static readonly string[] Numbers =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];

    private static readonly string[] Tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

    private static readonly string[] Units =
    [
        "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
        "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
    ];

    /// <summary>The ISO 8601 form, the model's target: "2026-11-25".</summary>
    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A day of the month as an English ordinal in words: "first" … "thirty-first".</summary>
    public static string OrdinalWords(int day) => day switch
    {
        < 20 => Units[day],
        20 => "twentieth",
        < 30 => "twenty-" + Units[day - 20],
        30 => "thirtieth",
        _ => "thirty-" + Units[day - 30],
    };

    /// <summary>
    /// A year of 1900–2099 as it is said: "nineteen hundred", "nineteen oh five", "nineteen seventy-six", "two thousand",
    /// "two thousand nine", "twenty ten", "twenty twenty-six".
    /// </summary>
    public static string YearWords(int year)
    {
        int century = year / 100, rest = year % 100;
        if (year is >= 2000 and < 2010)
        {
            return rest == 0 ? "two thousand" : "two thousand " + Numbers[rest];
        }

        string head = century == 19 ? "nineteen" : "twenty";
        return rest switch
        {
            0 => head + " hundred",
            < 10 => head + " oh " + Numbers[rest],
            < 20 => head + " " + Numbers[rest],
            _ when rest % 10 == 0 => head + " " + Tens[rest / 10],
            _ => head + " " + Tens[rest / 10] + "-" + Numbers[rest % 10],
        };
    }

    /// <summary>A day of the month as a numeral with its English suffix: "1st", "22nd", "13th".</summary>
    public static string Ordinal(int day)
    {
        string suffix = (day % 10, day / 10) switch
        {
            (_, 1) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        return day.ToString(CultureInfo.InvariantCulture) + suffix;
    }

    private static string MonthName(DateOnly date) =>
        CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(date.Month).ToLowerInvariant();

    private static string ShortMonth(DateOnly date) => MonthName(date)[..3];

    private static string Weekday(DateOnly date) => date.DayOfWeek.ToString().ToLowerInvariant();

    /// <summary>
    /// Writes the one-hot rows of <paramref name="text"/> (lowercased) into <paramref name="input"/> ([steps, 40], cleared
    /// first) and returns its length. Throws a <see cref="FormatException"/> for a character outside the alphabet or a text
    /// longer than the steps.
    /// </summary>
    public static int Encode(string text, Span<float> input)
    {
        string lower = text.ToLowerInvariant();
        int size = InputAlphabet.Length;
        if (lower.Length == 0 || lower.Length * size > input.Length)
        {
            throw new FormatException($"'{text}' has {lower.Length} characters; the model reads 1 to {input.Length / size}.");
        }

        input.Clear();
        for (int t = 0; t < lower.Length; t++)
        {
            int index = InputAlphabet.IndexOf(lower[t]);
            if (index < 0)
            {
                throw new FormatException($"'{text}' has the character '{lower[t]}', which the model does not read (it reads \"{InputAlphabet}\").");
            }

            input[(t * size) + index] = 1f;
        }

        return lower.Length;
    }

    /// <summary>The text of the most probable character at each output step of <paramref name="output"/> ([10, 11]).</summary>
    public static string Decode(ReadOnlySpan<float> output)
    {
        int size = OutputAlphabet.Length;
        var characters = new char[output.Length / size];
        for (int t = 0; t < characters.Length; t++)
        {
            ReadOnlySpan<float> row = output.Slice(t * size, size);
            int best = 0;
            for (int c = 1; c < size; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            characters[t] = OutputAlphabet[best];
        }

        return new string(characters);
    }
}
