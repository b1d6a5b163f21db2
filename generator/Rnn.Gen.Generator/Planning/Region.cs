using System.Collections.Generic;
using System.Globalization;

namespace Rnn.Gen.Generator.Planning;

/// <summary>
/// A contiguous range of one of the model's float slabs. <see cref="Name"/> is how generated code writes its offset: a
/// named constant such as <c>Layer0.CellState</c>, or for a view into a region that constant plus a literal.
/// </summary>
internal readonly record struct Region(string Name, long Offset, long Length)
{
    public long End => Offset + Length;

    /// <summary>The <paramref name="index"/>-th of equal consecutive blocks of <paramref name="blockLength"/> floats.</summary>
    public Region Block(long index, long blockLength)
    {
        long delta = index * blockLength;
        return new Region(delta == 0 ? Name : $"{Name} + {delta.ToString(CultureInfo.InvariantCulture)}", Offset + delta, blockLength);
    }
}

/// <summary>The model's buffers, as the generated fields name them.</summary>
internal enum Slab
{
    Parameters,
    Cache,
    Work,
    State,
    Scratch,
    Packed,
    BatchShared,
}

/// <summary>One named offset the generated code declares: <c>public const int {Member} = {Offset};</c> in class <c>{Owner}</c>, with what lies there.</summary>
internal sealed record LayoutConstant(string Owner, string Member, long Offset, Slab Slab, string Description);

/// <summary>
/// Hands out consecutive regions of one slab, each named for the generated code; sizes are counted in <see cref="long"/>
/// (checked arithmetic) so that a model too large for an array is detected rather than wrapped.
/// </summary>
/// <param name="slab">The buffer the regions lie in.</param>
/// <param name="constants">Where every region's named offset is recorded, in the order handed out.</param>
/// <param name="alignEveryRegion">
/// Start every region on a multiple of 16 floats and round the size up to one: 64 bytes, a cache line and an AVX-512
/// vector, in a 64-byte-aligned buffer. The activation slabs are laid out so (a vector load that straddles two cache
/// lines costs two), and a batch's per-sample blocks, this size apart, then start on cache lines too.
/// </param>
internal sealed class SlabBuilder(Slab slab, List<LayoutConstant> constants, bool alignEveryRegion = false)
{
    private long _size;

    public Slab Slab => slab;

    public long Size => alignEveryRegion ? RoundUp(_size) : _size;

    /// <summary>The next <paramref name="length"/> floats, named <c>{owner}.{member}</c>; <paramref name="description"/> says what they hold, shape first.</summary>
    public Region Add(string owner, string member, long length, string description)
    {
        if (alignEveryRegion)
        {
            _size = RoundUp(_size);
        }

        var region = new Region($"{owner}.{member}", _size, length);
        constants.Add(new LayoutConstant(owner, member, _size, slab, description));
        _size += length;
        return region;
    }

    /// <summary>As <see cref="Add"/>, starting on a multiple of 16 floats: 64 bytes, a cache line, in a 64-byte-aligned slab.</summary>
    public Region AddAligned(string owner, string member, long length, string description)
    {
        _size = RoundUp(_size);
        return Add(owner, member, length, description);
    }

    private static long RoundUp(long size) => (size + 15) / 16 * 16;
}

/// <summary>The slab builders of one model, handed to each layer kind's planner in turn.</summary>
internal sealed class ModelSlabs
{
    public ModelSlabs()
    {
        Parameters = new SlabBuilder(Slab.Parameters, Constants);
        Cache = new SlabBuilder(Slab.Cache, Constants, alignEveryRegion: true);
        Work = new SlabBuilder(Slab.Work, Constants, alignEveryRegion: true);
        State = new SlabBuilder(Slab.State, Constants);
        Scratch = new SlabBuilder(Slab.Scratch, Constants, alignEveryRegion: true);
        Packed = new SlabBuilder(Slab.Packed, Constants);
        BatchShared = new SlabBuilder(Slab.BatchShared, Constants, alignEveryRegion: true);
    }

    /// <summary>Every named offset, in the order the regions were handed out.</summary>
    public List<LayoutConstant> Constants { get; } = new();

    /// <summary><c>_parameters</c> and <c>_gradients</c>: the flat parameter layout, PyTorch's state_dict order.</summary>
    public SlabBuilder Parameters { get; }

    /// <summary><c>_cache</c>: the input and every activation Backward needs.</summary>
    public SlabBuilder Cache { get; }

    /// <summary><c>_work</c>: gradients flowing between layers and through time.</summary>
    public SlabBuilder Work { get; }

    /// <summary><c>_state</c>: the recurrent state Step keeps between calls.</summary>
    public SlabBuilder State { get; }

    /// <summary><c>_scratch</c>: temporaries of one step.</summary>
    public SlabBuilder Scratch { get; }

    /// <summary><c>_packed</c>: weights in the layouts the kernels read.</summary>
    public SlabBuilder Packed { get; }

    /// <summary>The batch workspace's shared buffer: what the batch path needs once per batch rather than per sample.</summary>
    public SlabBuilder BatchShared { get; }
}

/// <summary>
/// One parameter tensor: its PyTorch <c>state_dict</c> name, its place in the flat buffer, its shape, and the L1/L2
/// penalty factors the layer's attribute declares for it (Keras's regularizers; zero when none).
/// </summary>
internal sealed record ParameterPlan(string Name, Region Region, long[] Shape, double L1, double L2)
{
    /// <summary>The tensor's name and shape for comments: <c>0.weight_ih_l0 [256, 3]</c>.</summary>
    public string Described => $"{Name} [{string.Join(", ", Shape)}]";
}
