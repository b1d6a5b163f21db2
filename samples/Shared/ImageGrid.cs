// Shared by the samples on images (linked into each project by its .csproj, beside a ScottPlot package reference,
// which brings SkiaSharp): grayscale images in a grid, each with a caption, written as one PNG.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SkiaSharp;

namespace Rnn.Gen.Samples;

/// <summary>
/// One image of a grid: <paramref name="Pixels"/> is <c>[Height, Width]</c> row-major, 0 (white background) to 1
/// (black ink); <paramref name="Caption"/> is written under it, in red when <paramref name="Highlight"/>;
/// <paramref name="MarkRow"/> (when set) draws a thin blue line above that pixel row (e.g. where a completion starts).
/// </summary>
internal sealed record GridImage(float[] Pixels, int Height, int Width, string Caption, bool Highlight = false, int? MarkRow = null);

/// <summary>A PNG of grayscale images in rows and columns, each scaled up without smoothing, with its caption under it.</summary>
internal static class ImageGrid
{
    private const int Margin = 8;
    private const float FontSize = 13;

    /// <summary>
    /// Writes <paramref name="images"/> row by row, <paramref name="columns"/> to a row, as a PNG at
    /// <paramref name="path"/> (its folder created when missing); every cell is as large as the largest image, each
    /// pixel <paramref name="scale"/> × <paramref name="scale"/> screen pixels. <paramref name="rowLabels"/> (when set,
    /// one per row) are written left of the rows, <paramref name="title"/> above the grid.
    /// </summary>
    /// <exception cref="ArgumentException">An image whose pixel count is not its height times its width, or row labels that do not match the rows.</exception>
    public static void Save(string path, IReadOnlyList<GridImage> images, int columns, int scale = 3, string? title = null,
        IReadOnlyList<string>? rowLabels = null)
    {
        if (images.Count == 0 || columns < 1 || scale < 1)
        {
            throw new ArgumentException($"Expected at least one image, one column and a scale of at least 1; got {images.Count} images, {columns} columns, scale {scale}.");
        }

        foreach (GridImage image in images)
        {
            if (image.Pixels.Length != image.Height * image.Width)
            {
                throw new ArgumentException($"The image captioned \"{image.Caption}\" has {image.Pixels.Length} pixels, expected {image.Height} × {image.Width}.");
            }
        }

        int rows = (images.Count + columns - 1) / columns;
        if (rowLabels is not null && rowLabels.Count != rows)
        {
            throw new ArgumentException($"Expected {rows} row labels (one per row of {columns} images), got {rowLabels.Count}.");
        }

        using var typeface = SKTypeface.FromFamilyName(ScottPlot.Fonts.Default) ?? SKTypeface.Default;
        using var font = new SKFont(typeface, FontSize);
        using var text = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        using var highlight = new SKPaint { IsAntialias = true, Color = new SKColor(200, 0, 0) };
        using var mark = new SKPaint { Color = new SKColor(40, 90, 220), StrokeWidth = 1 };

        int cellWidth = Math.Max(images.Max(i => i.Width) * scale, (int)Math.Ceiling(images.Max(i => font.MeasureText(i.Caption)))) + Margin;
        int imageHeight = images.Max(i => i.Height) * scale;
        int lineHeight = (int)Math.Ceiling(FontSize * 1.4);
        int cellHeight = imageHeight + lineHeight + Margin;
        int labelWidth = rowLabels is null ? 0 : (int)Math.Ceiling(rowLabels.Max(l => font.MeasureText(l))) + 2 * Margin;
        int titleHeight = title is null ? 0 : lineHeight + Margin;
        int width = Math.Max(labelWidth + columns * cellWidth + Margin, title is null ? 0 : (int)font.MeasureText(title) + 2 * Margin);
        int height = titleHeight + rows * cellHeight + Margin;

        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            if (title is not null)
            {
                canvas.DrawText(title, Margin, Margin + FontSize, SKTextAlign.Left, font, text);
            }

            for (int r = 0; r < rows; r++)
            {
                int top = titleHeight + Margin + r * cellHeight;
                if (rowLabels is not null)
                {
                    canvas.DrawText(rowLabels[r], Margin, top + imageHeight / 2f + FontSize / 2, SKTextAlign.Left, font, text);
                }

                for (int c = 0; c < columns && r * columns + c < images.Count; c++)
                {
                    GridImage image = images[r * columns + c];
                    int left = labelWidth + Margin + c * cellWidth;
                    DrawImage(canvas, image, left, top, scale);
                    if (image.MarkRow is int markRow)
                    {
                        float y = top + markRow * scale - 0.5f;
                        canvas.DrawLine(left - 2, y, left + image.Width * scale + 2, y, mark);
                    }

                    canvas.DrawText(image.Caption, left, top + imageHeight + FontSize + 2, SKTextAlign.Left, font, image.Highlight ? highlight : text);
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

    /// <summary>Each pixel as a gray square: 1 (ink) black, 0 white; values outside [0, 1] are clamped.</summary>
    private static void DrawImage(SKCanvas canvas, GridImage image, int left, int top, int scale)
    {
        using var paint = new SKPaint { IsAntialias = false };
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                byte gray = (byte)Math.Round(255 * (1 - Math.Clamp(image.Pixels[y * image.Width + x], 0f, 1f)));
                paint.Color = new SKColor(gray, gray, gray);
                canvas.DrawRect(left + x * scale, top + y * scale, scale, scale, paint);
            }
        }

        // A thin frame, so that a blank image still shows where it is.
        using var frame = new SKPaint { IsAntialias = false, Color = SKColors.LightGray, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawRect(left - 0.5f, top - 0.5f, image.Width * scale + 1, image.Height * scale + 1, frame);
    }
}
