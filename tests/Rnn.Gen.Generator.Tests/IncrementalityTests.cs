using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Rnn.Gen.Generator.Tests.Infrastructure;
using Xunit;
using TrackingNames = Rnn.Gen.Generator.RnnModelGenerator.TrackingNames;

namespace Rnn.Gen.Generator.Tests;

/// <summary>The pipeline does no work for edits that cannot change a model, and redoes it for edits that do.</summary>
public class IncrementalityTests
{
    private const string Model = """
        using Rnn.Gen;
        namespace App;

        [RnnModel(inputSize: 3, steps: 10)]
        [Lstm(8, ReturnSequences = true)]
        [Dense(2)]
        public partial class Forecaster
        {
            public int UserMember() => 1;
        }
        """;

    private const string Other = """
        namespace App;
        public class Unrelated { public int Value => 1; }
        """;

    [Fact]
    public void An_edit_in_another_file_leaves_every_step_cached()
    {
        (GeneratorRun second, _) = RunTwice(Model, Other, Model, Other.Replace("=> 1", "=> 2", System.StringComparison.Ordinal));
        AssertAllOutputs(second, TrackingNames.Parse, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(second, TrackingNames.Models, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(second, TrackingNames.Generated, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.All(
            second.Driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void An_edit_to_the_model_class_that_keeps_its_attributes_changes_no_model()
    {
        (GeneratorRun second, _) = RunTwice(Model, Other, Model.Replace("=> 1", "=> 42", System.StringComparison.Ordinal), Other);
        AssertAllOutputs(second, TrackingNames.Parse, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertAllOutputs(second, TrackingNames.Models, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void An_edit_that_only_moves_the_model_plans_and_emits_nothing_again()
    {
        (GeneratorRun second, _) = RunTwice(Model, Other, "// a line above moves every declaration below it\n" + Model, Other);
        AssertAllOutputs(second, TrackingNames.Models, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertAllOutputs(second, TrackingNames.Generated, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void A_size_change_modifies_the_model_and_its_source()
    {
        (GeneratorRun second, GeneratorRun first) = RunTwice(Model, Other, Model.Replace("Lstm(8,", "Lstm(9,", System.StringComparison.Ordinal), Other);
        AssertAllOutputs(second, TrackingNames.Parse, IncrementalStepRunReason.Modified);
        AssertAllOutputs(second, TrackingNames.Models, IncrementalStepRunReason.Modified);
        AssertAllOutputs(second, TrackingNames.Generated, IncrementalStepRunReason.Modified);
        Assert.NotEqual(first.Source("App.Forecaster.g.cs"), second.Source("App.Forecaster.g.cs"));
        Assert.Contains("LSTM 3 -> 9", second.Source("App.Forecaster.g.cs"), System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_clashing_member_added_in_another_file_is_reported_and_the_model_is_not_planned_again()
    {
        (GeneratorRun second, _) = RunTwice(Model, Other, Model, Other + "public partial class Forecaster { public const int Steps = 10; }\n");
        Diagnostic clash = Assert.Single(second.GeneratorDiagnostics);
        Assert.Equal("RNNGEN030", clash.Id);
        Assert.Equal("Model1.cs", clash.Location.GetLineSpan().Path);
        Assert.Empty(second.Sources);
        AssertAllOutputs(second, TrackingNames.Models, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertAllOutputs(second, TrackingNames.Generated, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(second, TrackingNames.Output, IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void An_edit_that_moves_the_user_members_changes_no_output()
    {
        (GeneratorRun second, _) = RunTwice(Model, Other, Model.Replace("public int UserMember", "\n\n    public int UserMember", System.StringComparison.Ordinal), Other);
        AssertAllOutputs(second, TrackingNames.Generated, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(second, TrackingNames.Output, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        Assert.Single(second.Sources);
    }

    private static (GeneratorRun Second, GeneratorRun First) RunTwice(string model, string other, string newModel, string newOther)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(model, other);
        GeneratorRun first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);
        Assert.Empty(first.CompilationDiagnostics);

        SyntaxTree[] trees = compilation.SyntaxTrees.ToArray();
        CSharpCompilation edited = compilation;
        if (newModel != model)
        {
            edited = edited.ReplaceSyntaxTree(trees[0], CSharpSyntaxTree.ParseText(newModel, GeneratorHarness.ParseOptions, trees[0].FilePath));
        }

        if (newOther != other)
        {
            edited = edited.ReplaceSyntaxTree(trees[1], CSharpSyntaxTree.ParseText(newOther, GeneratorHarness.ParseOptions, trees[1].FilePath));
        }

        return (GeneratorHarness.Run(first.Driver, edited), first);
    }

    private static void AssertAllOutputs(GeneratorRun run, string step, params IncrementalStepRunReason[] allowed)
    {
        IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>> steps =
            run.Driver.GetRunResult().Results.Single().TrackedSteps;
        Assert.True(steps.ContainsKey(step), $"step {step} was not tracked");
        var reasons = steps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.Contains(r, allowed));
    }
}
