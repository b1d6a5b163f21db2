using Rnn.Gen.Generator.Parsing;

namespace Rnn.Gen.Generator.Layers.Pooling;

/// <summary>The window of a windowed pooling attribute, 1D or 2D: <c>poolSize</c> and the optional <c>Stride</c>.</summary>
internal static class PoolWindow
{
    /// <summary>
    /// Reads <c>poolSize</c> (the first argument) and <c>Stride</c> (<c>poolSize</c> when not set: windows side by side);
    /// both must be positive, else a diagnostic at the argument. Null when the attribute is malformed (the compiler
    /// reports it) or a value is refused.
    /// </summary>
    public static (int PoolSize, int Stride)? Parse(AttributeReader attribute)
    {
        if (!attribute.TryGetArgument(0, out int poolSize) || attribute.HasMalformedNamedArgument)
        {
            return null; // the compiler reports the malformed attribute
        }

        int stride = attribute.Named<int>("Stride") ?? poolSize;
        bool valid = attribute.CheckPositive($"The pool size of [{attribute.Display}]", poolSize, attribute.ArgumentLocation(0, "poolSize"));
        valid &= attribute.CheckPositive($"The stride of [{attribute.Display}]", stride, attribute.NamedArgumentLocation("Stride"));
        return valid ? (poolSize, stride) : null;
    }
}
