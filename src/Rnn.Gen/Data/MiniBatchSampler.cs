using System;
using Rnn.Gen.Initialization;

namespace Rnn.Gen.Data;

/// <summary>
/// Splits the sample indices <c>0 … Count−1</c> into mini-batches, in a new seeded random order each epoch (as
/// PyTorch's <c>DataLoader(shuffle=True)</c> draws a fresh permutation per epoch) or in order. The last batch holds the
/// remainder and may be smaller (<c>drop_last=False</c>).
/// </summary>
/// <remarks>
/// The sampler's whole state is its current order and its generator's state: a checkpoint that saves both
/// (<see cref="Order"/>, <see cref="RandomState"/>) and restores them (<see cref="Restore"/>) continues the same
/// sequence of batches. No call allocates after construction.
/// </remarks>
public sealed class MiniBatchSampler
{
    private readonly int[] _order;
    private SeededRandom _random;

    /// <summary>A sampler over <paramref name="count"/> samples.</summary>
    /// <param name="count">Number of samples, at least one.</param>
    /// <param name="batchSize">Samples per batch, at least one (a batch larger than the dataset holds all of it).</param>
    /// <param name="shuffle">Whether each epoch draws a new random order; otherwise batches follow the sample order.</param>
    /// <param name="seed">Seed of the shuffling generator.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> or <paramref name="batchSize"/> is zero or negative.</exception>
    public MiniBatchSampler(int count, int batchSize, bool shuffle, long seed)
    {
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Expected at least one sample.");
        }

        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Expected a batch size of at least 1.");
        }

        Count = count;
        BatchSize = batchSize;
        Shuffle = shuffle;
        BatchCount = (int)(((long)count + batchSize - 1) / batchSize);
        _order = new int[count];
        ResetOrder();
        _random = new SeededRandom(seed);
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Samples per batch (the last batch of an epoch may hold fewer).</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch draws a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Batches per epoch: <c>ceil(Count / BatchSize)</c>.</summary>
    public int BatchCount { get; }

    /// <summary>The current epoch's order of the sample indices.</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>The shuffling generator's state, to save with a checkpoint.</summary>
    public (uint, uint, uint, uint) RandomState => _random.State;

    /// <summary>Starts an epoch: draws a new random permutation of the samples when shuffling.</summary>
    public void NextEpoch()
    {
        if (Shuffle)
        {
            ResetOrder();
            _random.Shuffle(_order.AsSpan());
        }
    }

    /// <summary>The sample indices of batch <paramref name="index"/> of the current epoch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, BatchCount)</c>.</exception>
    public ReadOnlySpan<int> Batch(int index)
    {
        if ((uint)index >= (uint)BatchCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected a batch index in [0, {BatchCount}).");
        }

        int start = index * BatchSize;
        return _order.AsSpan(start, Math.Min(BatchSize, Count - start));
    }

    /// <summary>Sets the order and the generator to a state saved from <see cref="Order"/> and <see cref="RandomState"/>.</summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="order"/> is not a permutation of <c>0 … Count−1</c>, or the generator state is all zero.
    /// </exception>
    public void Restore(ReadOnlySpan<int> order, (uint, uint, uint, uint) randomState)
    {
        CheckPermutation(order, Count);
        SeededRandom random = SeededRandom.FromState(randomState);
        order.CopyTo(_order);
        _random = random;
    }

    /// <summary>Throws unless <paramref name="order"/> is a permutation of <c>0 … count−1</c>.</summary>
    internal static void CheckPermutation(ReadOnlySpan<int> order, int count)
    {
        if (order.Length != count)
        {
            throw new ArgumentException($"Expected an order of {count} sample indices, got {order.Length}.", nameof(order));
        }

        var seen = new bool[count];
        foreach (int index in order)
        {
            if ((uint)index >= (uint)count || seen[index])
            {
                throw new ArgumentException($"The order is not a permutation of 0…{count - 1} (index {index}).", nameof(order));
            }

            seen[index] = true;
        }
    }

    private void ResetOrder()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }
    }
}
