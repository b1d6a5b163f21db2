using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace Rnn.Gen.Samples.Music;

/// <summary>Piano rolls drawn with ScottPlot: one bar per note, time in quarter notes across, pitch up.</summary>
internal static class PianoRoll
{
    public static void Save(IReadOnlyList<(string Title, List<Note> Notes)> pieces, string path)
    {
        const int RowHeight = 260;
        var multiplot = new Multiplot();
        multiplot.AddPlots(pieces.Count);
        for (int i = 0; i < pieces.Count; i++)
        {
            Plot plot = multiplot.GetPlot(i);
            (string title, List<Note> notes) = pieces[i];
            var palette = new ScottPlot.Palettes.Category10();
            foreach (Note note in notes)
            {
                double left = note.Start / (double)Tokens.StepsPerQuarter, right = (note.Start + note.Length) / (double)Tokens.StepsPerQuarter;
                var bar = plot.Add.Rectangle(left, right, note.Pitch - 0.4, note.Pitch + 0.4);
                bar.FillColor = palette.GetColor(i);
                bar.LineWidth = 0;
            }

            plot.Title(title);
            plot.XLabel("quarter notes");
            plot.YLabel("MIDI pitch");
            if (notes.Count > 0)
            {
                plot.Axes.SetLimits(0, notes.Max(n => n.Start + n.Length) / (double)Tokens.StepsPerQuarter,
                    notes.Min(n => n.Pitch) - 2, notes.Max(n => n.Pitch) + 2);
            }
        }

        multiplot.SavePng(path, 1400, RowHeight * pieces.Count);
    }
}
