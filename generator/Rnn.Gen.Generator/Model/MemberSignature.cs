using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rnn.Gen.Generator.Diagnostics;

namespace Rnn.Gen.Generator.Model;

/// <summary>
/// A member of a class as C# tells members apart, as plain values: its name, and for methods and constructors also
/// the type-parameter count and the parameter types, so that overloads do not clash but a second definition does. The
/// user's members are read from symbols (<see cref="FromSymbol"/>) and the generated ones from the generated source
/// (<see cref="ReadGenerated"/>), both spelled the same way (<c>global::</c>-qualified types), so the list of generated
/// members is never written by hand and cannot drift from what the emitters write.
/// </summary>
/// <param name="Name">The member's name (<c>.ctor</c> for a constructor; a nested type's name with its arity, <c>Layer`1</c>; an explicit interface implementation's name is qualified by the interface).</param>
/// <param name="Parameters">Methods and constructors: the type-parameter count and the parameter types; null for other members.</param>
/// <param name="Description">How a message names the member, e.g. <c>constant 'Steps'</c> or <c>method 'Predict(ReadOnlySpan&lt;float&gt;, Span&lt;float&gt;)'</c>.</param>
internal sealed record MemberSignature(string Name, string? Parameters, string Description)
{
    private static readonly Regex Qualifier = new(@"global::(?:[A-Za-z_][A-Za-z0-9_]*\.)*", RegexOptions.CultureInvariant);

    /// <summary>
    /// Whether the two cannot be members of one class: the same name, unless both are methods (or both constructors)
    /// whose type-parameter counts or parameter types differ (overloads).
    /// </summary>
    public bool ClashesWith(MemberSignature other) =>
        Name == other.Name && (Parameters is null || other.Parameters is null || Parameters == other.Parameters);

    /// <summary>The class's own name as a member would clash with it: C# forbids a member named as its class (CS0542).</summary>
    public static MemberSignature ForClassName(string className) => new(className, null, $"model class '{className}'");

    /// <summary>A member the user declared, or null for one the compiler declared (a default constructor, a backing field).</summary>
    public static MemberSignature? FromSymbol(ISymbol member, string className)
    {
        if (member.IsImplicitlyDeclared)
        {
            return null;
        }

        string name = ExplicitName(member) ?? member.Name;
        switch (member)
        {
            case IFieldSymbol field:
                return new MemberSignature(name, null, $"{(field.IsConst ? "constant" : "field")} '{Simplify(name)}'");
            case IPropertySymbol { IsIndexer: true } indexer:
                return Method("this[]", 0, indexer.Parameters, "indexer", "this", '[', ']');
            case IPropertySymbol:
                return new MemberSignature(name, null, $"property '{Simplify(name)}'");
            case IEventSymbol:
                return new MemberSignature(name, null, $"event '{Simplify(name)}'");
            case INamedTypeSymbol type:
                return new MemberSignature(type.Arity == 0 ? name : $"{name}`{type.Arity}", null, $"nested type '{Simplify(name)}'");
            case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor when IsPrimary(constructor):
                // Every other constructor of a class with a primary constructor must call it, the generated one too:
                // it clashes with any generated constructor, whatever its parameters.
                return new MemberSignature(".ctor", null, $"primary constructor of '{className}'");
            case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor:
                return Method(".ctor", 0, constructor.Parameters, "constructor", className);
            case IMethodSymbol { MethodKind: MethodKind.StaticConstructor }:
                return new MemberSignature(".cctor", string.Empty, $"static constructor '{className}()'");
            case IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise }:
                return null; // part of a property or event, which clashes as a whole
            case IMethodSymbol method:
                return Method(name, method.Arity, method.Parameters, method.MethodKind == MethodKind.Destructor ? "finalizer" : "method", name);
            default:
                return null;
        }

        static MemberSignature Method(string key, int arity, IEnumerable<IParameterSymbol> parameters, string kind, string display, char open = '(', char close = ')') =>
            Signature(key, arity, parameters.Select(p => (p.RefKind != RefKind.None, p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))), kind, display, open, close);
    }

    /// <summary>
    /// The members the generated source declares in the model class, which is the class at <paramref name="depth"/>
    /// (the number of types that contain it) named <paramref name="className"/>.
    /// </summary>
    public static EquatableArray<MemberSignature> ReadGenerated(string source, string className, int depth)
    {
        SyntaxNode root = CSharpSyntaxTree.ParseText(source).GetRoot();
        ClassDeclarationSyntax model = root.DescendantNodes().OfType<ClassDeclarationSyntax>()
            .First(c => c.Identifier.ValueText == className && c.Ancestors().OfType<TypeDeclarationSyntax>().Count() == depth);
        var members = new List<MemberSignature>();
        foreach (MemberDeclarationSyntax member in model.Members)
        {
            switch (member)
            {
                case BaseFieldDeclarationSyntax field:
                    string kind = field is EventFieldDeclarationSyntax ? "event" : field.Modifiers.Any(SyntaxKind.ConstKeyword) ? "constant" : "field";
                    members.AddRange(field.Declaration.Variables.Select(v => new MemberSignature(v.Identifier.ValueText, null, $"{kind} '{v.Identifier.ValueText}'")));
                    break;
                case PropertyDeclarationSyntax property:
                    members.Add(Named(property.ExplicitInterfaceSpecifier, property.Identifier, "property"));
                    break;
                case EventDeclarationSyntax @event:
                    members.Add(Named(@event.ExplicitInterfaceSpecifier, @event.Identifier, "event"));
                    break;
                case IndexerDeclarationSyntax indexer:
                    members.Add(Signature("this[]", 0, Parameters(indexer.ParameterList.Parameters), "indexer", "this", '[', ']'));
                    break;
                case BaseTypeDeclarationSyntax type:
                    int arity = (type as TypeDeclarationSyntax)?.TypeParameterList?.Parameters.Count ?? 0;
                    string typeName = type.Identifier.ValueText;
                    members.Add(new MemberSignature(arity == 0 ? typeName : $"{typeName}`{arity}", null, $"nested type '{typeName}'"));
                    break;
                case ConstructorDeclarationSyntax constructor when constructor.Modifiers.Any(SyntaxKind.StaticKeyword):
                    members.Add(new MemberSignature(".cctor", string.Empty, $"static constructor '{className}()'"));
                    break;
                case ConstructorDeclarationSyntax constructor:
                    members.Add(Signature(".ctor", 0, Parameters(constructor.ParameterList.Parameters), "constructor", className));
                    break;
                case MethodDeclarationSyntax method:
                    string methodName = Explicit(method.ExplicitInterfaceSpecifier) + method.Identifier.ValueText;
                    members.Add(Signature(methodName, method.TypeParameterList?.Parameters.Count ?? 0, Parameters(method.ParameterList.Parameters), "method", methodName));
                    break;
                case DestructorDeclarationSyntax:
                    members.Add(Signature("Finalize", 0, Enumerable.Empty<(bool, string)>(), "finalizer", "Finalize"));
                    break;
                default:
                    // Operators and conversions have names no other member can take.
                    break;
            }
        }

        return members.ToEquatableArray();

        static IEnumerable<(bool ByReference, string Type)> Parameters(SeparatedSyntaxList<ParameterSyntax> parameters) =>
            parameters.Select(p => (p.Modifiers.Any(m => m.IsKind(SyntaxKind.RefKeyword) || m.IsKind(SyntaxKind.OutKeyword) || m.IsKind(SyntaxKind.InKeyword)), p.Type!.ToString()));

        static MemberSignature Named(ExplicitInterfaceSpecifierSyntax? explicitInterface, SyntaxToken identifier, string kind)
        {
            string name = Explicit(explicitInterface) + identifier.ValueText;
            return new MemberSignature(name, null, $"{kind} '{Simplify(name)}'");
        }

        static string Explicit(ExplicitInterfaceSpecifierSyntax? specifier) => specifier is null ? string.Empty : Normalize(specifier.Name.ToString()) + ".";
    }

    /// <summary>A member the user declared, where it is (a diagnostic about it points there), and how to resolve a clash.</summary>
    public static DeclaredMember? Declared(ISymbol member, string className)
    {
        if (FromSymbol(member, className) is not { } signature || member.Locations.FirstOrDefault(l => l.IsInSource) is not { } location)
        {
            return null;
        }

        string remedy = member is not IMethodSymbol { MethodKind: MethodKind.Constructor } constructor ? "rename it"
            : IsPrimary(constructor) ? "declare its parameters on an ordinary constructor that calls ': this()' instead"
            : "remove it; to run code at construction, declare a constructor with parameters that calls ': this()'";
        return new DeclaredMember(signature, LocationInfo.From(location), remedy);
    }

    private static bool IsPrimary(IMethodSymbol constructor) =>
        constructor.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is TypeDeclarationSyntax;

    private static MemberSignature Signature(string key, int arity, IEnumerable<(bool ByReference, string Type)> parameters, string kind, string display, char open = '(', char close = ')')
    {
        List<string> types = parameters.Select(p => (p.ByReference ? "ref " : string.Empty) + Normalize(p.Type)).ToList();
        string description = $"{kind} '{Simplify(display)}{open}{string.Join(", ", types.Select(Simplify))}{close}'";
        return new MemberSignature(key, $"{arity}|{string.Join(",", types)}", description);
    }

    /// <summary>
    /// One spelling for a type from a symbol or from syntax: no white space (but after <c>ref</c>), and no nullable
    /// annotations (they do not tell overloads apart).
    /// </summary>
    private static string Normalize(string type) => new(type.Where(c => !char.IsWhiteSpace(c) && c != '?').ToArray());

    /// <summary>Names as a message shows them: <c>global::System.Span&lt;float&gt;</c> as <c>Span&lt;float&gt;</c>.</summary>
    private static string Simplify(string name) => Qualifier.Replace(name, string.Empty);

    /// <summary>An explicit interface implementation's name, qualified as the generated source writes it.</summary>
    private static string? ExplicitName(ISymbol member)
    {
        ISymbol? implemented = member switch
        {
            IMethodSymbol method => method.ExplicitInterfaceImplementations.FirstOrDefault(),
            IPropertySymbol property => property.ExplicitInterfaceImplementations.FirstOrDefault(),
            IEventSymbol @event => @event.ExplicitInterfaceImplementations.FirstOrDefault(),
            _ => null,
        };
        return implemented is null ? null : implemented.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + implemented.Name;
    }
}

/// <summary>A member of the model class that the user declared, where, and what to do when it clashes (for the message).</summary>
internal sealed record DeclaredMember(MemberSignature Signature, LocationInfo Location, string Remedy);
