using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Rnn.Gen.Generator.Tests.Infrastructure;
using Xunit;

namespace Rnn.Gen.Generator.Tests;

/// <summary>
/// RNNGEN030 covers every member the generator emits, whatever the model: the compiler lists the members of a compiled
/// model, the test declares a member like each one (a field of the same name; a method or constructor with the same
/// parameter types), and each must be reported on its own declaration, with no source generated. A member that a
/// new emitter adds is covered without a change here, and one the generator's reading of its own source missed fails.
/// </summary>
public class GeneratedMemberTests
{
    public static TheoryData<string> Models() => new()
    {
        "[RnnModel(3, 12)] [Conv1D(5, 3)] [MaxPool1D(2)] [Lstm(4, ReturnSequences = true)] [Gru(4, Bidirectional = true)] [Dense(2, KernelL2 = 1e-4)]",
        "[RnnModel(1, 12)] [Embedding(50, 8)] [Gru(16)] [Dense(3, Activation = Activation.Softmax)]",
        "[RnnModel(1, 6)] [Embedding(10, 4)] [Gru(8)] [Decoder(5, StartToken = 1)] [Embedding(10, 4)] [Gru(8)] [Dense(10, Activation = Activation.Softmax)]",
        "[RnnModel(3, 1)] [Decoder(4)] [Gru(6)] [Dense(2)]",
        "[RnnModel(2, 8, Stateful = true)] [GaussianNoise(0.1)] [Lstm(4, ReturnSequences = true, Dropout = 0.2)] [Dense(1)]",
        "[RnnModel(4, 8)] [Lstm(16)] [Dense(1)]", // the unrolled step's members (StepGeneral, StepUnrolled, StepUnrolledWide)
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_generated_member_redeclared_by_the_user_is_reported_on_the_user_member(string attributes)
    {
        string model = $"using Rnn.Gen;\nnamespace Clash;\n{attributes}\npublic partial class Model;\n";
        GeneratorRun plain = GeneratorHarness.Run(model);
        Assert.Empty(plain.CompilationDiagnostics);
        INamedTypeSymbol type = plain.Output.GetTypeByMetadataName("Clash.Model")!;

        // One user declaration per generated member, each on its own line; remember where its name is.
        var source = new StringBuilder("namespace Clash;\npublic partial class Model\n{\n");
        var expected = new List<TextSpan>();
        int count = 0;
        foreach (ISymbol member in type.GetMembers().Where(m => !m.IsImplicitlyDeclared))
        {
            string? declaration = Redeclare(member, count);
            if (declaration is null)
            {
                continue;
            }

            string name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? "Model" : member.Name;
            source.Append("    ");
            expected.Add(new TextSpan(source.Length + declaration.IndexOf(" " + name + (member is IMethodSymbol ? "(" : string.Empty), StringComparison.Ordinal) + 1, name.Length));
            source.Append(declaration).Append('\n');
            count++;
        }

        source.Append("}\n");
        Assert.True(count > 40, $"only {count} generated members were found");

        GeneratorRun run = GeneratorHarness.Run(model, source.ToString());
        Assert.Empty(run.Sources);
        List<Diagnostic> clashes = run.GeneratorDiagnostics.Where(d => d.Id == "RNNGEN030").ToList();
        Assert.Equal(run.GeneratorDiagnostics.Length, clashes.Count);
        string text = source.ToString();
        Assert.Equal(
            expected.Select(span => text.Substring(span.Start, span.Length) + "@" + span.Start).OrderBy(s => s, StringComparer.Ordinal),
            clashes.Select(d => text.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length) + "@" + d.Location.SourceSpan.Start).OrderBy(s => s, StringComparer.Ordinal));
    }

    /// <summary>A user member that C# would not allow beside <paramref name="member"/>, or null for members a user cannot redeclare (accessors, explicit interface implementations).</summary>
    private static string? Redeclare(ISymbol member, int index)
    {
        switch (member)
        {
            case IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.Ordinary } method:
                string parameters = string.Join(", ", method.Parameters.Select((p, i) =>
                    (p.RefKind == RefKind.None ? string.Empty : "ref ") + p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + " p" + i));
                string typeParameters = method.Arity == 0 ? string.Empty : "<" + string.Join(", ", method.TypeParameters.Select(t => t.Name)) + ">";
                return method.MethodKind == MethodKind.Constructor
                    ? $"public Model({parameters}) {{ }}"
                    : $"public void {method.Name}{typeParameters}({parameters}) {{ }}";
            case IMethodSymbol:
                return null;
            case IPropertySymbol { ExplicitInterfaceImplementations.Length: > 0 }:
                return null;
            case IFieldSymbol or IPropertySymbol or IEventSymbol or INamedTypeSymbol:
                return $"private int {member.Name} = {index};";
            default:
                return null;
        }
    }
}
