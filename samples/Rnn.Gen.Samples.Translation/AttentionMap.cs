using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SkiaSharp;

namespace Rnn.Gen.Samples.Translation;

/// <summary>
/// A heat map of attention weights as a PNG: one row per English token written, one column per German token read,
/// each cell's darkness its weight (white 0, black 1), the German tokens above the columns, the English left of the
/// rows, the weight written in cells of at least 0.1. Drawn with SkiaSharp (which ScottPlot brings).
/// </summary>
internal static class AttentionMap
{
    private const int Cell = 34;
    private const int Margin = 10;
    private const float FontSize = 13;

    /// <summary>
    /// Writes the map of <paramref name="weights"/> (<c>[rows, stride]</c> row-major, of which the first
    /// <c>target.Count</c> rows and <c>source.Count</c> columns are drawn) to <paramref name="path"/> (its folder
    /// created when missing), with <paramref name="title"/> above it (one or more lines, separated by <c>\n</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The weights do not hold the rows and columns of the tokens.</exception>
    public static void Save(string path, ReadOnlySpan<float> weights, int stride, IReadOnlyList<string> source, IReadOnlyList<string> target, string title)
    {
        if (source.Count == 0 || target.Count == 0 || source.Count > stride || weights.Length < target.Count * stride)
        {
            throw new ArgumentException(
                $"Expected at least {target.Count} rows of {stride} weights ({target.Count * stride}) for {source.Count} source and {target.Count} target tokens; got {weights.Length}.");
        }

        using var typeface = SKTypeface.FromFamilyName(ScottPlot.Fonts.Default) ?? SKTypeface.Default;
        using var font = new SKFont(typeface, FontSize);
        using var small = new SKFont(typeface, FontSize - 3);
        using var ink = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        using var light = new SKPaint { IsAntialias = true, Color = SKColors.White };
        using var fill = new SKPaint { IsAntialias = false };
        using var frame = new SKPaint { IsAntialias = false, Color = SKColors.LightGray, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };

        float labelWidth = 0, columnLabelHeight = 0;
        foreach (string token in target)
        {
            labelWidth = Math.Max(labelWidth, font.MeasureText(token));
        }

        foreach (string token in source)
        {
            columnLabelHeight = Math.Max(columnLabelHeight, font.MeasureText(token));
        }

        int left = Margin + (int)Math.Ceiling(labelWidth) + Margin;
        string[] titleLines = title.Split('\n');
        float lineHeight = FontSize * 1.5f;
        int titleHeight = (int)Math.Ceiling(titleLines.Length * lineHeight + FontSize * 0.2f);
        int top = Margin + titleHeight + (int)Math.Ceiling(columnLabelHeight) + Margin;
        int width = Math.Max(left + source.Count * Cell + Margin, (int)titleLines.Max(l => font.MeasureText(l)) + 2 * Margin);
        int height = top + target.Count * Cell + Margin;

        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            for (int l = 0; l < titleLines.Length; l++)
            {
                canvas.DrawText(titleLines[l], Margin, Margin + FontSize + l * lineHeight, SKTextAlign.Left, font, ink);
            }

            // German tokens above the columns, written upwards.
            for (int s = 0; s < source.Count; s++)
            {
                canvas.Save();
                canvas.Translate(left + s * Cell + Cell / 2f + FontSize / 3, top - Margin / 2f);
                canvas.RotateDegrees(-90);
                canvas.DrawText(source[s], 0, 0, SKTextAlign.Left, font, ink);
                canvas.Restore();
            }

            for (int t = 0; t < target.Count; t++)
            {
                int y = top + t * Cell;
                canvas.DrawText(target[t], left - Margin, y + Cell / 2f + FontSize / 3, SKTextAlign.Right, font, ink);
                for (int s = 0; s < source.Count; s++)
                {
                    float weight = Math.Clamp(weights[t * stride + s], 0f, 1f);
                    byte gray = (byte)Math.Round(255 * (1 - weight));
                    fill.Color = new SKColor(gray, gray, gray);
                    int x = left + s * Cell;
                    canvas.DrawRect(x, y, Cell, Cell, fill);
                    canvas.DrawRect(x + 0.5f, y + 0.5f, Cell - 1, Cell - 1, frame);
                    if (weight >= 0.1f)
                    {
                        canvas.DrawText(weight.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), x + Cell / 2f, y + Cell / 2f + 4,
                            SKTextAlign.Center, small, weight > 0.5f ? light : ink);
                    }
                }
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        string temporary = path + ".tmp";
        using (FileStream file = File.Create(temporary))
        {
            png.SaveTo(file);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
