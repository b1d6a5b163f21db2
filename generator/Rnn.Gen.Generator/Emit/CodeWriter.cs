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

    /// <summary><c>span.Slice(offset, length)</c> for a region of a slab.</summary>
    public static string Slice(string span, Region region) => $"{span}.Slice({region.Offset}, {region.Length})";

    /// <summary><c>span.Slice(offset + t * length, length)</c>: block <paramref name="index"/> of a region made of equal blocks.</summary>
    public static string SliceAt(string span, Region region, long blockLength, string index)
    {
        string scaled = index.Contains(" ") ? $"({index}) * {blockLength}" : $"{index} * {blockLength}";
        string start = region.Offset == 0 ? scaled : $"{region.Offset} + {scaled}";
        return $"{span}.Slice({start}, {blockLength})";
    }

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
