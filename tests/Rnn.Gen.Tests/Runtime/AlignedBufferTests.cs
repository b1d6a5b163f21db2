using System;
using System.Runtime.CompilerServices;
using Xunit;

namespace Rnn.Gen.Tests.Runtime;

/// <summary><see cref="AlignedBuffer"/>: the packed weights start on a 64-byte boundary, hold their length, start zeroed, and stay put.</summary>
public class AlignedBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(24)]
    [InlineData(65536)]
    public unsafe void Starts_on_a_cache_line_with_the_length_asked_for_all_zero(int length)
    {
        for (int i = 0; i < 20; i++) // allocations land at different addresses; every one is aligned
        {
            var buffer = new AlignedBuffer(length);
            Span<float> span = buffer;
            Assert.Equal(length, span.Length);
            Assert.Equal(length, buffer.Length);
            if (length > 0)
            {
                Assert.Equal(0, (long)Unsafe.AsPointer(ref span[0]) % 64);
                Assert.All(span.ToArray(), v => Assert.Equal(0f, v));
                span[length - 1] = 3f;
                ReadOnlySpan<float> again = buffer;
                Assert.Equal(3f, again[length - 1]);
            }
        }
    }

    [Fact]
    public unsafe void Stays_at_its_address_across_collections()
    {
        var buffer = new AlignedBuffer(1000);
        long before = (long)Unsafe.AsPointer(ref buffer.Span[0]);
        for (int i = 0; i < 3; i++)
        {
            _ = new byte[100_000];
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        Assert.Equal(before, (long)Unsafe.AsPointer(ref buffer.Span[0]));
    }

    [Fact]
    public void A_negative_length_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer(-1));
}
