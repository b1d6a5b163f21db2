using System;
using System.CodeDom.Compiler;
using System.IO;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>An indented writer with "\n" line ends (stable text on every OS) and a few C# helpers.</summary>
internal sealed class CodeWriter
{
    private readonly StringWriter _text = new() { NewLine = "\n" };
    private readonly IndentedTextWriter _writer;

    public CodeWriter() => _writer = new IndentedTextWriter(_text, "    ") { NewLine = "\n" };

    public void Line(string line = "")
    {
        if (line.Length == 0)
        {
            _writer.WriteLineNoTabs(string.Empty);
        }
        else
        {
            _writer.WriteLine(line);
        }
    }

    /// <summary>Writes <paramref name="header"/> (if any), an opening brace, and indents until the returned scope is disposed.</summary>
    public IDisposable Block(string? header = null)
    {
        if (header is not null)
        {
            Line(header);
        }

        Line("{");
        _writer.Indent++;
        return new Scope(this);
    }

    /// <summary>Writes a <c>/// &lt;summary&gt;</c> comment.</summary>
    public void Summary(string text)
    {
        Line("/// <summary>" + text + "</summary>");
    }

    public override string ToString() => _text.ToString();

    /// <summary>Writes the lines of <paramref name="other"/> at this writer's indentation, its blank lines left out.</summary>
    public void Lines(CodeWriter other)
    {
        foreach (string line in other.ToString().Split('\n'))
        {
            if (line.Length > 0)
            {
                Line(line);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="body"/> once per position: inside <c>for (int t = 0; t &lt; count; t++)</c>, or for a
    /// count of one without a loop, the body given <c>0</c> for <c>t</c>.
    /// </summary>
    public void ForEachPosition(string count, Action<string> body)
    {
        if (count == "1")
        {
            body("0");
            return;
        }

        using (Block($"for (int t = 0; t < {count}; t++)"))
        {
            body("t");
        }
    }

    /// <summary><c>span.Slice(Layer0.Gates, length)</c> for a region of a slab.</summary>
    public static string Slice(string span, Region region) => $"{span}.Slice({region.Name}, {region.Length})";

    /// <summary><c>span.Slice(Layer0.Gates + t * length, length)</c>: block <paramref name="index"/> of a region made of equal blocks.</summary>
    public static string SliceAt(string span, Region region, long blockLength, string index) =>
        $"{span}.Slice({Offset(region, blockLength, index)}, {blockLength})";

    /// <summary>The start of block <paramref name="index"/> of <paramref name="region"/>: <c>Layer0.Gates + t * 256</c>, or the region's name for block 0.</summary>
    public static string Offset(Region region, long blockLength, string index)
    {
        string scaled = Times(index, blockLength);
        return scaled == "0" ? region.Name : $"{region.Name} + {scaled}";
    }

    /// <summary><c>count * size</c> as generated code writes it: no factor of one, and <c>0</c> for a count of zero.</summary>
    public static string Times(string count, long size)
    {
        if (count == "0" || size == 0)
        {
            return "0";
        }

        string literal = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (count == "1")
        {
            return literal;
        }

        string factor = count.Contains(" ") ? $"({count})" : count;
        return size == 1 ? count : $"{factor} * {literal}";
    }

    /// <summary>
    /// The first <paramref name="count"/> blocks of <paramref name="size"/> floats of span expression
    /// <paramref name="span"/>, which holds <paramref name="total"/>: <c>span.Slice(0, length * 64)</c>, or the span
    /// itself when the count covers it.
    /// </summary>
    public static string Prefix(string span, string count, long size, long total) =>
        long.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long blocks) && blocks * size == total
            ? span
            : $"{span}.Slice(0, {Times(count, size)})";

    private sealed class Scope : IDisposable
    {
        private readonly CodeWriter _owner;

        public Scope(CodeWriter owner) => _owner = owner;

        public void Dispose()
        {
            _owner._writer.Indent--;
            _owner.Line("}");
        }
    }
}
