using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rnn.Gen.Generator.Diagnostics;

namespace Rnn.Gen.Generator.Parsing;

/// <summary>
/// One applied attribute, for the code that validates it: its bound arguments, where each argument is written (so a
/// diagnostic points at the argument rather than the whole attribute), and the list the diagnostics go to.
/// </summary>
internal sealed class AttributeReader
{
    private readonly List<DiagnosticInfo> _diagnostics;

    public AttributeReader(AttributeData data, AttributeSyntax syntax, List<DiagnosticInfo> diagnostics)
    {
        Data = data;
        Syntax = syntax;
        _diagnostics = diagnostics;
        Display = string.Join(" ", syntax.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    public AttributeData Data { get; }

    public AttributeSyntax Syntax { get; }

    /// <summary>The attribute as the user wrote it, whitespace collapsed, for messages: <c>Lstm(64, ReturnSequences = true)</c>.</summary>
    public string Display { get; }

    /// <summary>The whole attribute.</summary>
    public Location Location => Syntax.GetLocation();

    /// <summary>
    /// Whether a named argument failed to bind (an unknown constant, a null): the compiler reports it, and the attribute
    /// is not read further.
    /// </summary>
    public bool HasMalformedNamedArgument
    {
        get
        {
            foreach (KeyValuePair<string, TypedConstant> argument in Data.NamedArguments)
            {
                if (argument.Value.Kind == TypedConstantKind.Error || argument.Value.Value is null)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Constructor argument <paramref name="index"/> when it bound to a <typeparamref name="T"/>; false for a malformed attribute (the compiler's error).</summary>
    public bool TryGetArgument<T>(int index, out T value)
        where T : struct
    {
        value = default;
        if (Data.AttributeClass is null or IErrorTypeSymbol || Data.ConstructorArguments.Length <= index)
        {
            return false;
        }

        TypedConstant argument = Data.ConstructorArguments[index];
        if (argument.Kind == TypedConstantKind.Error || argument.Value is not T typed)
        {
            return false;
        }

        value = typed;
        return true;
    }

    /// <summary>The value of named argument <paramref name="name"/> when it is set to a <typeparamref name="T"/>, else null.</summary>
    public T? Named<T>(string name)
        where T : struct
    {
        foreach (KeyValuePair<string, TypedConstant> argument in Data.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is T value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The argument for constructor parameter <paramref name="name"/>, written by name or by position.</summary>
    public Location ArgumentLocation(int position, string name)
    {
        if (Syntax.ArgumentList is { } list)
        {
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                if (argument.NameColon?.Name.Identifier.ValueText == name)
                {
                    return argument.GetLocation();
                }
            }

            int index = 0;
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                if (argument.NameEquals is null && argument.NameColon is null && index++ == position)
                {
                    return argument.GetLocation();
                }
            }
        }

        return Syntax.GetLocation();
    }

    /// <summary>The named argument <c>name = …</c>, or the whole attribute when it is not written.</summary>
    public Location NamedArgumentLocation(string name)
    {
        foreach (AttributeArgumentSyntax argument in Syntax.ArgumentList?.Arguments ?? default)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == name)
            {
                return argument.GetLocation();
            }
        }

        return Syntax.GetLocation();
    }

    public void Report(DiagnosticDescriptor descriptor, Location location, params string[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    /// <summary>Reports <see cref="DiagnosticDescriptors.SizeNotPositive"/> unless <paramref name="value"/> is positive.</summary>
    public bool CheckPositive(string what, int value, Location location)
    {
        if (value > 0)
        {
            return true;
        }

        Report(DiagnosticDescriptors.SizeNotPositive, location, what, value.ToString(CultureInfo.InvariantCulture));
        return false;
    }

    /// <summary>Reports <see cref="DiagnosticDescriptors.NegativeFactor"/> unless <paramref name="value"/> is finite and not negative.</summary>
    public bool CheckFactor(string what, double value, Location location)
    {
        if (value >= 0 && !double.IsInfinity(value))
        {
            return true;
        }

        Report(DiagnosticDescriptors.NegativeFactor, location, what, Display, Format(value));
        return false;
    }

    /// <summary>A factor as messages show it: round-trip, invariant culture.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
