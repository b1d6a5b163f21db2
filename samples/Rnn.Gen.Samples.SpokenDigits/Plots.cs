using System;
using System.Globalization;
using System.Linq;
using NWaves.Transforms;
using NWaves.Windows;
using ScottPlot;

namespace Rnn.Gen.Samples.SpokenDigits;

/// <summary>The sample's PNG plots, drawn with ScottPlot.</summary>
internal static class Plots
{
    private static readonly Color[] LabelColors =
    [
        Colors.DodgerBlue, Colors.Orange, Colors.ForestGreen, Colors.Crimson, Colors.MediumPurple,
        Colors.SaddleBrown, Colors.HotPink, Colors.Gray, Colors.Olive, Colors.DarkCyan,
    ];

    /// <summary>
    /// The stream's spectrogram (0–4 kHz, 10 ms frames), under it the true labels and the labels the model gave frame by
    /// frame through Step, and the model's probability of its top label.
    /// </summary>
    public static void Stream(Windows.Window window, int[] streamed, float[] probabilities, string path, string title)
    {
        // Log power spectrogram: 25 ms Hann windows every 10 ms, 256-point FFT (NWaves).
        var stft = new Stft(Audio.FrameSize, Audio.Hop, WindowType.Hann, 256);
        var spectrogram = stft.Spectrogram(window.Samples);
        int frames = Math.Min(spectrogram.Count, streamed.Length);
        int bins = spectrogram[0].Length;
        var intensities = new double[bins, frames];
        double max = spectrogram.Take(frames).Max(f => f.Max());
        for (int t = 0; t < frames; t++)
        {
            for (int b = 0; b < bins; b++)
            {
                // Row 0 is drawn at the top: the highest frequency first.
                intensities[bins - 1 - b, t] = Math.Max(-80, 10 * Math.Log10((spectrogram[t][b] + 1e-20) / max));
            }
        }

        double seconds = frames / 100.0;
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new CoordinateRect(0, seconds, 0, 4);

        // Two rows of labels under the spectrogram: the truth, then what the model streamed.
        LabelRow(plot, window.Labels, frames, -0.55, -0.15, "said");
        LabelRow(plot, streamed, frames, -1.15, -0.75, "streamed");

        // The probability of the streamed label, as a line under the rows (0 at −2.0, 1 at −1.3).
        double[] xs = Enumerable.Range(0, frames).Select(t => (t + 0.5) / 100.0).ToArray();
        double[] ys = Enumerable.Range(0, frames).Select(t => -2.0 + (0.7 * probabilities[(t * Windows.Labels) + streamed[t]])).ToArray();
        var confidence = plot.Add.ScatterLine(xs, ys);
        confidence.Color = Colors.Black;
        confidence.LineWidth = 1;
        var text = plot.Add.Text("p(streamed label)", 0.01, -1.3);
        text.LabelFontSize = 11;

        plot.Axes.SetLimits(0, seconds, -2.1, 4);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [0, 1, 2, 3, 4, -0.35, -0.95], ["0", "1 kHz", "2 kHz", "3 kHz", "4 kHz", "said", "streamed"]);
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.Font.Automatic();
        plot.SavePng(path, Math.Max(900, (int)(seconds * 110)), 520);
    }

    private static void LabelRow(Plot plot, int[] labels, int frames, double bottom, double top, string name)
    {
        int start = 0;
        for (int t = 1; t <= frames; t++)
        {
            if (t < frames && labels[t] == labels[start])
            {
                continue;
            }

            int label = labels[start];
            if (label != Windows.Silence)
            {
                var box = plot.Add.Rectangle(start / 100.0, t / 100.0, bottom, top);
                box.FillStyle.Color = LabelColors[label].WithAlpha(0.85);
                box.LineStyle.Width = 0;
                if (t - start >= 4)
                {
                    var text = plot.Add.Text(label.ToString(CultureInfo.InvariantCulture), (start + t) / 200.0, (bottom + top) / 2);
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontColor = Colors.White;
                    text.LabelBold = true;
                    text.LabelFontSize = 13;
                }
            }

            start = t;
        }
    }

    /// <summary>A confusion matrix of counts: rows the digit said, columns the digit recognized.</summary>
    public static void Confusion(int[] truth, int[] predicted, string path, string title)
    {
        var counts = new double[10, 10];
        for (int i = 0; i < truth.Length; i++)
        {
            counts[truth[i], predicted[i]]++;
        }

        // One square per cell, its colour the count's share of the largest count (light for none, dark for many).
        var plot = new Plot();
        IColormap colormap = new ScottPlot.Colormaps.Blues().Reversed();
        double max = counts.Cast<double>().Max();
        for (int said = 0; said < 10; said++)
        {
            for (int heard = 0; heard < 10; heard++)
            {
                double y = 9 - said;   // said 0 at the top
                var cell = plot.Add.Rectangle(heard - 0.5, heard + 0.5, y - 0.5, y + 0.5);
                cell.FillStyle.Color = colormap.GetColor(counts[said, heard] / max);
                cell.LineStyle.Width = 0;
                if (counts[said, heard] == 0)
                {
                    continue;
                }

                var text = plot.Add.Text(counts[said, heard].ToString(CultureInfo.InvariantCulture), heard, y);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 12;
                text.LabelFontColor = counts[said, heard] > max / 2 ? Colors.White : Colors.Black;
            }
        }

        double[] positions = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
        string[] names = Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, names);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, names.Reverse().ToArray());
        plot.Axes.SetLimits(-0.5, 9.5, -0.5, 9.5);
        plot.Title(title);
        plot.XLabel("recognized");
        plot.YLabel("said");
        plot.Font.Automatic();
        plot.SavePng(path, 700, 650);
    }
}
