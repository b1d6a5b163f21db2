// Shared by the samples on MNIST digits (linked into each project by its .csproj): augmentation by small shifts.

using System;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Samples;

/// <summary>Training digits with shifted copies: more handwriting positions from the same images, seeded.</summary>
internal static class DigitShifts
{
    /// <summary>
    /// The pixels of <paramref name="images"/> and, after them, <paramref name="copies"/> copies of each (all images
    /// once, then all again, …), each shifted by a random offset of up to <paramref name="maxShift"/> pixels on each
    /// axis, drawn from <paramref name="random"/> and never (0, 0); the labels in the same order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="copies"/> is negative, or <paramref name="maxShift"/> is not in [1, 27].</exception>
    public static (float[] Pixels, int[] Labels) WithShiftedCopies(MnistImages images, int copies, int maxShift, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(copies);
        if (maxShift < 1 || maxShift >= MnistImages.Side)
        {
            throw new ArgumentOutOfRangeException(nameof(maxShift), maxShift, $"Expected a shift of 1 to {MnistImages.Side - 1} pixels.");
        }

        int count = images.Count * (1 + copies);
        var pixels = new float[count * MnistImages.PixelCount];
        var labels = new int[count];
        images.Pixels.CopyTo(pixels, 0);
        images.Labels.CopyTo(labels, 0);
        for (int copy = 1; copy <= copies; copy++)
        {
            for (int i = 0; i < images.Count; i++)
            {
                int dx, dy;
                do
                {
                    dx = random.NextInt((2 * maxShift) + 1) - maxShift;
                    dy = random.NextInt((2 * maxShift) + 1) - maxShift;
                }
                while (dx == 0 && dy == 0);

                int target = (copy * images.Count) + i;
                Shift(images.Image(i), dx, dy, pixels.AsSpan(target * MnistImages.PixelCount, MnistImages.PixelCount));
                labels[target] = images.Labels[i];
            }
        }

        return (pixels, labels);
    }

    /// <summary>
    /// <paramref name="image"/> (28 × 28) moved <paramref name="dx"/> pixels right and <paramref name="dy"/> down
    /// (negative: left, up) into <paramref name="shifted"/>, which must be blank: what moves out is lost, what moves in
    /// stays blank.
    /// </summary>
    public static void Shift(ReadOnlySpan<float> image, int dx, int dy, Span<float> shifted)
    {
        const int Side = MnistImages.Side;
        int fromX = Math.Max(0, -dx), toX = Math.Max(0, dx), width = Side - Math.Abs(dx);
        for (int y = Math.Max(0, dy); y < Math.Min(Side, Side + dy); y++)
        {
            image.Slice(((y - dy) * Side) + fromX, width).CopyTo(shifted.Slice((y * Side) + toX, width));
        }
    }
}
