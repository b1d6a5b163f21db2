using System;
using Rnn.Gen.Data;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

public class SequencePaddingTests
{
    [Fact]
    public void Pads_at_the_end_and_records_lengths()
    {
        PaddedBatch batch = SequencePadding.Pad(new[] { new float[] { 1, 2, 3, 4 }, new float[] { 5, 6 } }, steps: 3, features: 2);
        Assert.Equal(new[] { 2, 1 }, batch.Lengths);
        Assert.Equal(new float[] { 1, 2, 3, 4, 0, 0, 5, 6, 0, 0, 0, 0 }, batch.Inputs);
        Assert.Equal(new float[] { 5, 6, 0, 0, 0, 0 }, batch.Sample(1).ToArray());
    }

    [Fact]
    public void Refuses_bad_sequences_and_truncates_only_when_asked()
    {
        Assert.Contains("multiple of 2", Assert.Throws<ArgumentException>(() => SequencePadding.Pad(new[] { new float[] { 1, 2, 3 } }, 3, 2)).Message, StringComparison.Ordinal);
        Assert.Contains("positive multiple", Assert.Throws<ArgumentException>(() => SequencePadding.Pad(new[] { Array.Empty<float>() }, 3, 2)).Message, StringComparison.Ordinal);
        Assert.Contains("truncate", Assert.Throws<ArgumentException>(() => SequencePadding.Pad(new[] { new float[8] }, 3, 2)).Message, StringComparison.Ordinal);
        PaddedBatch batch = SequencePadding.Pad(new[] { new float[] { 1, 2, 3, 4, 5, 6, 7, 8 } }, 3, 2, truncate: true);
        Assert.Equal(3, batch.Lengths[0]);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, batch.Inputs);
    }

    [Fact]
    public void A_padded_batch_feeds_the_length_overloads()
    {
        var model = new PaddedStackLong();
        model.Initialize(1);
        PaddedBatch batch = SequencePadding.Pad(new[] { new float[21], new float[6] }, PaddedStackLong.Steps, PaddedStackLong.InputSize);
        float[] output = new float[PaddedStackLong.OutputSize];
        for (int i = 0; i < batch.Count; i++)
        {
            model.Predict(batch.Sample(i), output, batch.Lengths[i]);
        }

        Assert.Equal(new[] { 7, 2 }, batch.Lengths);
    }
}
