namespace Rnn.Gen.Kernels;

/// <summary>A block size known to the JIT: kernels generic over it keep exactly that many accumulators in registers.</summary>
internal interface IBlockSize
{
    /// <summary>The number of rows or vectors in the block.</summary>
    static abstract int Value { get; }
}

/// <summary>The block sizes the register-blocked kernels are instantiated with.</summary>
internal static class Block
{
#pragma warning disable CS1591 // the names say it
    internal readonly struct One : IBlockSize { public static int Value => 1; }
    internal readonly struct Two : IBlockSize { public static int Value => 2; }
    internal readonly struct Three : IBlockSize { public static int Value => 3; }
    internal readonly struct Four : IBlockSize { public static int Value => 4; }
    internal readonly struct Five : IBlockSize { public static int Value => 5; }
    internal readonly struct Six : IBlockSize { public static int Value => 6; }
    internal readonly struct Seven : IBlockSize { public static int Value => 7; }
    internal readonly struct Eight : IBlockSize { public static int Value => 8; }
    internal readonly struct Nine : IBlockSize { public static int Value => 9; }
    internal readonly struct Ten : IBlockSize { public static int Value => 10; }
    internal readonly struct Eleven : IBlockSize { public static int Value => 11; }
    internal readonly struct Twelve : IBlockSize { public static int Value => 12; }
    internal readonly struct Thirteen : IBlockSize { public static int Value => 13; }
    internal readonly struct Fourteen : IBlockSize { public static int Value => 14; }
    internal readonly struct Fifteen : IBlockSize { public static int Value => 15; }
    internal readonly struct Sixteen : IBlockSize { public static int Value => 16; }
#pragma warning restore CS1591
}
