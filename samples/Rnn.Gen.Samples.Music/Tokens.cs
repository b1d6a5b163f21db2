using System;
using System.Collections.Generic;
using System.Linq;
using NAudio.Midi;

namespace Rnn.Gen.Samples.Music;

/// <summary>A note (or, with <see cref="Tokens.Rest"/> as pitch, a rest) on the sixteenth-note grid: start and length in grid steps.</summary>
internal readonly record struct Note(int Pitch, int Start, int Length);

/// <summary>
/// The token vocabulary: a piece is its melody (the highest note sounding at each onset, drums left out) as pairs
/// of tokens, a pitch or a rest followed by a duration, after one <see cref="Start"/> token.
/// <list type="bullet">
/// <item>0: start of a piece</item>
/// <item>1: rest</item>
/// <item>2–61: pitches MIDI 36 (C2) to 95 (B6); a note outside that range is moved by octaves into it</item>
/// <item>62–77: durations of 1 to 16 sixteenths; a longer note or rest is cut to a whole note</item>
/// </list>
/// </summary>
internal static class Tokens
{
    public const int Vocabulary = 78;
    public const int Start = 0;
    public const int Rest = 1;
    public const int FirstPitch = 2;
    public const int LowestPitch = 36;
    public const int PitchCount = 60;
    public const int FirstDuration = FirstPitch + PitchCount; // 62
    public const int MaxDuration = 16;

    /// <summary>Grid steps per quarter note.</summary>
    public const int StepsPerQuarter = 4;

    /// <summary>Whether <paramref name="token"/> is a pitch or the rest (what comes after a duration or the start).</summary>
    public static bool IsEvent(int token) => token is >= Rest and < FirstDuration;

    /// <summary>Whether <paramref name="token"/> is a duration (what comes after a pitch or a rest).</summary>
    public static bool IsDuration(int token) => token is >= FirstDuration and < Vocabulary;

    public static string Name(int token) => token switch
    {
        Start => "<start>",
        Rest => "rest",
        < FirstDuration => PitchName(token - FirstPitch + LowestPitch),
        _ => $"{token - FirstDuration + 1}/16",
    };

    private static string PitchName(int midi) => $"{new[] { "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B" }[midi % 12]}{(midi / 12) - 1}";

    /// <summary>
    /// The melody of <paramref name="file"/> on the sixteenth-note grid (a skyline): at each onset the highest note
    /// that starts there (any channel but 10, the drums), unless the melody note before it is still sounding and
    /// higher; each melody note is held until its end or the next melody onset, whichever comes first, and a gap
    /// before the next onset is a rest.
    /// </summary>
    public static List<Note> Melody(MidiFile file)
    {
        double grid = file.DeltaTicksPerQuarterNote / (double)StepsPerQuarter;
        var highest = new Dictionary<int, (int Pitch, int End)>();
        for (int track = 0; track < file.Tracks; track++)
        {
            foreach (MidiEvent e in file.Events[track])
            {
                if (e is NoteOnEvent { Velocity: > 0, OffEvent: not null } on && on.Channel != 10)
                {
                    int start = (int)Math.Round(on.AbsoluteTime / grid);
                    int end = Math.Max(start + 1, (int)Math.Round(on.OffEvent.AbsoluteTime / grid));
                    if (!highest.TryGetValue(start, out var current) || on.NoteNumber > current.Pitch)
                    {
                        highest[start] = (on.NoteNumber, end);
                    }
                }
            }
        }

        // The skyline: an onset whose highest note is below the melody note still sounding is accompaniment (a bass
        // note under a held melody note, say) and is skipped; otherwise it cuts the melody note before it short.
        var kept = new List<(int Start, int Pitch, int End)>();
        foreach (int start in highest.Keys.Order())
        {
            (int pitch, int end) = highest[start];
            if (kept.Count > 0 && start < kept[^1].End && pitch < kept[^1].Pitch)
            {
                continue;
            }

            if (kept.Count > 0)
            {
                kept[^1] = kept[^1] with { End = Math.Min(kept[^1].End, start) };
            }

            kept.Add((start, pitch, end));
        }

        var melody = new List<Note>();
        for (int i = 0; i < kept.Count; i++)
        {
            melody.Add(new Note(kept[i].Pitch, kept[i].Start, kept[i].End - kept[i].Start));
            if (i + 1 < kept.Count && kept[i + 1].Start > kept[i].End)
            {
                melody.Add(new Note(Rest, kept[i].End, kept[i + 1].Start - kept[i].End));
            }
        }

        return melody;
    }

    /// <summary>The tokens of a melody, transposed by <paramref name="semitones"/>: start, then pitch-or-rest and duration per note.</summary>
    public static int[] Encode(IReadOnlyList<Note> melody, int semitones = 0)
    {
        var tokens = new List<int>(1 + (2 * melody.Count)) { Start };
        foreach (Note note in melody)
        {
            tokens.Add(note.Pitch == Rest ? Rest : PitchToken(note.Pitch + semitones));
            tokens.Add(FirstDuration + Math.Clamp(note.Length, 1, MaxDuration) - 1);
        }

        return tokens.ToArray();
    }

    private static int PitchToken(int midi)
    {
        while (midi < LowestPitch)
        {
            midi += 12;
        }

        while (midi >= LowestPitch + PitchCount)
        {
            midi -= 12;
        }

        return FirstPitch + midi - LowestPitch;
    }

    /// <summary>The notes of a token sequence (the start token and a pair out of order are skipped).</summary>
    public static List<Note> Decode(IReadOnlyList<int> tokens)
    {
        var notes = new List<Note>();
        int time = 0;
        for (int i = 0; i + 1 < tokens.Count; i++)
        {
            if (IsEvent(tokens[i]) && IsDuration(tokens[i + 1]))
            {
                int length = tokens[i + 1] - FirstDuration + 1;
                if (tokens[i] != Rest)
                {
                    notes.Add(new Note(tokens[i] - FirstPitch + LowestPitch, time, length));
                }

                time += length;
                i++;
            }
        }

        return notes;
    }

    /// <summary>Writes <paramref name="notes"/> as a one-track MIDI file: piano, 480 ticks per quarter note, <paramref name="beatsPerMinute"/>.</summary>
    public static void WriteMidi(IReadOnlyList<Note> notes, string path, int beatsPerMinute = 110)
    {
        const int TicksPerQuarter = 480, Tick = TicksPerQuarter / StepsPerQuarter, Channel = 1;
        var events = new MidiEventCollection(1, TicksPerQuarter);
        IList<MidiEvent> track = events.AddTrack();
        track.Add(new TempoEvent(60_000_000 / beatsPerMinute, 0));
        track.Add(new PatchChangeEvent(0, Channel, 0)); // acoustic grand piano
        long end = 0;
        foreach (Note note in notes)
        {
            var on = new NoteOnEvent((long)note.Start * Tick, Channel, note.Pitch, 80, (note.Length * Tick) - 10);
            track.Add(on);
            track.Add(on.OffEvent);
            end = Math.Max(end, on.OffEvent.AbsoluteTime);
        }

        track.Add(new MetaEvent(MetaEventType.EndTrack, 0, end + TicksPerQuarter));
        events.PrepareForExport();
        MidiFile.Export(path, events);
    }
}
