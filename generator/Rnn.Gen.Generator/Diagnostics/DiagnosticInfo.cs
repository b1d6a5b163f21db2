using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Rnn.Gen.Generator.Model;

namespace Rnn.Gen.Generator.Diagnostics;

/// <summary>
/// A diagnostic held as plain values (descriptor, file, span, message arguments) so it can cross pipeline stages
/// and compare equal across runs; turned into a <see cref="Diagnostic"/> only when reported.
/// </summary>
internal sealed record DiagnosticInfo(
    DiagnosticDescriptor Descriptor,
    string FilePath,
    TextSpan Span,
    LinePositionSpan LineSpan,
    EquatableArray<string> MessageArguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] messageArguments)
    {
        location ??= Location.None;
        FileLinePositionSpan lineSpan = location.GetLineSpan();
        return new DiagnosticInfo(
            descriptor,
            lineSpan.Path ?? string.Empty,
            location.SourceSpan,
            lineSpan.Span,
            messageArguments.ToEquatableArray());
    }

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo location, params string[] messageArguments) =>
        new(descriptor, location.FilePath, location.Span, location.LineSpan, messageArguments.ToEquatableArray());

    public Diagnostic ToDiagnostic()
    {
        Location location = new LocationInfo(FilePath, Span, LineSpan).ToLocation();
        object[] arguments = new object[MessageArguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = MessageArguments[i];
        }

        return Diagnostic.Create(Descriptor, location, arguments);
    }
}

/// <summary>A source location held as plain values, so that it can cross pipeline stages and compare equal across runs.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo From(Location location)
    {
        FileLinePositionSpan lineSpan = location.GetLineSpan();
        return new LocationInfo(lineSpan.Path ?? string.Empty, location.SourceSpan, lineSpan.Span);
    }

    public Location ToLocation() => FilePath.Length == 0 ? Location.None : Location.Create(FilePath, Span, LineSpan);
}
