using System.Globalization;

namespace Rnn.Gen.Generator.Planning;

/// <summary>
/// How a layer that slides a window over time (a valid convolution, pooling) turns its input's valid length L into its
/// output's, PyTorch's arithmetic on the valid prefix: <c>floor((L + Padding − Span) / Stride) + 1</c>, where
/// <paramref name="Span"/> is the window's reach, <c>Dilation · (kernelSize − 1) + 1</c>. The output steps past that
/// length are zero and receive no gradient, as a recurrent layer's padded steps.
/// </summary>
/// <param name="Padding">Zeros added to the sequence in all (0 for valid convolutions and pooling).</param>
/// <param name="Span">Steps one window covers.</param>
/// <param name="Stride">Steps between two windows.</param>
internal sealed record LengthMap(int Padding, int Span, int Stride)
{
    /// <summary>The shortest input with one window: <c>Span − Padding</c>, at least 1.</summary>
    public int MinInput => System.Math.Max(1, Span - Padding);

    /// <summary>The output length of an input of <paramref name="length"/> steps (0 or less: no window fits).</summary>
    public int Apply(int length) => length + Padding - Span < 0 ? 0 : ((length + Padding - Span) / Stride) + 1;

    /// <summary>The same as C# for generated code, of an int expression at least <see cref="MinInput"/>: <c>(length - 3) / 2 + 1</c>.</summary>
    public string Expression(string length)
    {
        int reach = Span - Padding;
        string operand = length.Contains(" ") ? $"({length})" : length;
        string shifted = reach == 0 ? operand : reach > 0 ? $"{operand} - {Text(reach)}" : $"{operand} + {Text(-reach)}";
        return Stride == 1
            ? (reach == 1 ? length : reach > 0 ? $"{operand} - {Text(reach - 1)}" : $"{operand} + {Text(1 - reach)}")
            : $"({shifted}) / {Text(Stride)} + 1";
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
