using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Samples;
using Xunit;

namespace Rnn.Gen.Samples.Tests;

public class DigitShiftTests
{
    private const int Side = MnistImages.Side;

    /// <summary>An image whose pixel (x, y) is <c>1 + y · 28 + x</c>, so every pixel says where it came from.</summary>
    private static float[] Numbered() => Enumerable.Range(1, MnistImages.PixelCount).Select(p => (float)p).ToArray();

    [Theory]
    [InlineData(2, 1)]
    [InlineData(-1, 2)]
    [InlineData(0, -2)]
    [InlineData(-2, -1)]
    public void A_shift_moves_every_pixel_by_the_offset_and_leaves_the_rest_blank(int dx, int dy)
    {
        float[] image = Numbered();
        var shifted = new float[MnistImages.PixelCount];

        DigitShifts.Shift(image, dx, dy, shifted);

        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                int fromX = x - dx, fromY = y - dy;
                float expected = fromX is >= 0 and < Side && fromY is >= 0 and < Side ? image[(fromY * Side) + fromX] : 0f;
                Assert.Equal(expected, shifted[(y * Side) + x]);
            }
        }
    }

    [Fact]
    public void Copies_follow_the_originals_with_their_labels_each_shifted_within_the_limit()
    {
        var images = new MnistImages([.. Numbered(), .. Numbered().Select(p => p + 10000)], [3, 7], [0, 0]);

        (float[] pixels, int[] labels) = DigitShifts.WithShiftedCopies(images, copies: 2, maxShift: 2, new SeededRandom(5));

        Assert.Equal([3, 7, 3, 7, 3, 7], labels);
        Assert.Equal(images.Pixels, pixels.AsSpan(0, 2 * MnistImages.PixelCount).ToArray());
        for (int k = 2; k < 6; k++)
        {
            // The centre pixel of a copy came from within 2 pixels of the centre, of its own original, and not from the centre.
            float centre = pixels[(k * MnistImages.PixelCount) + (14 * Side) + 14];
            int source = (int)(centre % 10000) - 1, original = (int)(centre / 10000);
            Assert.Equal(k % 2, original);
            Assert.InRange(Math.Abs((source % Side) - 14), 0, 2);
            Assert.InRange(Math.Abs((source / Side) - 14), 0, 2);
            Assert.NotEqual((14 * Side) + 14, source);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_copies()
    {
        var images = new MnistImages(Numbered(), [1], [0]);

        (float[] first, _) = DigitShifts.WithShiftedCopies(images, copies: 3, maxShift: 2, new SeededRandom(9));
        (float[] second, _) = DigitShifts.WithShiftedCopies(images, copies: 3, maxShift: 2, new SeededRandom(9));

        Assert.Equal(first, second);
    }
}
