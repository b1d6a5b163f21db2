using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Rnn.Gen.Generator.Tests.Infrastructure;
using Xunit;

namespace Rnn.Gen.Generator.Tests;

/// <summary>
/// The generator's registry of layer kinds covers the runtime's layer attributes: an attribute that no kind reads would
/// otherwise be skipped without a word.
/// </summary>
public class LayerKindTests
{
    /// <summary>Every concrete layer attribute of the runtime, with arguments that bind to its constructor.</summary>
    public static TheoryData<string> LayerAttributes()
    {
        var data = new TheoryData<string>();
        foreach (Type type in typeof(LayerAttribute).Assembly.GetExportedTypes()
                     .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract)
                     .OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            System.Reflection.ParameterInfo[] parameters = type.GetConstructors().Single().GetParameters();
            string arguments = string.Join(", ", parameters.Select(p => p.ParameterType == typeof(double) ? "0.1" : "4"));
            string name = type.Name[..^"Attribute".Length];
            data.Add(parameters.Length == 0 ? name : $"{name}({arguments})"); // [GlobalMaxPool1D], no parentheses
        }

        return data;
    }

    /// <summary>
    /// Every model and layer attribute may be written on a class or a struct and more than once, so that the compiler
    /// stays silent and the generator says, once, what is wrong (RNNGEN012 for a struct, RNNGEN031 for a second
    /// [RnnModel] or [Decoder]); an attribute with other targets would add CS0592 or CS0579 beside it.
    /// </summary>
    [Fact]
    public void Every_attribute_has_the_model_targets()
    {
        foreach (Type type in typeof(LayerAttribute).Assembly.GetExportedTypes()
                     .Where(t => (t.IsSubclassOf(typeof(LayerAttribute)) || t == typeof(RnnModelAttribute)) && !t.IsAbstract))
        {
            AttributeUsageAttribute usage = type.GetCustomAttributes(typeof(AttributeUsageAttribute), inherit: false).Cast<AttributeUsageAttribute>().Single();
            Assert.True(usage.ValidOn == (AttributeTargets.Class | AttributeTargets.Struct), $"{type.Name} is valid on {usage.ValidOn}; use RnnModelAttribute.Targets");
            Assert.True(usage.AllowMultiple, $"{type.Name} must allow several uses; the generator reports a repeat that is wrong");
            Assert.False(usage.Inherited, $"{type.Name} must not be inherited: a model's layers are its own declaration's");
        }
    }

    [Theory]
    [MemberData(nameof(LayerAttributes))]
    public void Every_layer_attribute_is_read_by_the_generator(string attribute)
    {
        // Without [RnnModel] the attribute means nothing, and the generator says so: it knows the attribute.
        GeneratorRun run = GeneratorHarness.Run($$"""
            using Rnn.Gen;
            [{{attribute}}]
            public partial class NotAModel { }
            """);
        Diagnostic orphan = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "RNNGEN011");
        Assert.Contains(attribute, orphan.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
