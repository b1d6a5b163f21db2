using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// Encoder–decoder models with a global attention layer against libtorch (Reference/Attention, written in float64 by
/// tests/Rnn.Gen.ReferenceVectors from the attention contract's formulas: Dot, General and Additive scores, float and
/// token encoders, bidirectional encoders merged by Concat and Sum, padded encoder inputs, stacked layers, output
/// feedback, end tokens). Teacher-forced output, attention weights and the gradients of sum(output * doutput) with
/// respect to every parameter and a float input; greedy decoding (Predict, the free-running Forward and its Backward,
/// BeamSearch of width 1). Tolerances as the other reference tests: outputs and weights 1e-5, gradients 1e-4, relative
/// to the reference's largest magnitude.
/// </summary>
public class AttentionReferenceTests
{
    private const double OutputTolerance = 1e-5;

    private const double GradientTolerance = 1e-4;

    private readonly ITestOutputHelper _output;

    public AttentionReferenceTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in AttentionReferenceModels.CaseNames)
        {
            data.Add(name);
        }

        return data;
    }

    private static string CasePath(string caseName) =>
        Path.Combine(AppContext.BaseDirectory, "Reference", "Attention", caseName + ".safetensors");

    private sealed record Case(string Name, IRnnModel Model, SafeTensorsFile File, int Length, bool Tokens, bool TokenEncoder)
    {
        public int OutputLength => Model.OutputSteps * Model.OutputSize;

        public int WeightsLength => Model.OutputSteps * Model.Steps;
    }

    private static Case Load(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(CasePath(caseName));
        IRnnModel model = AttentionReferenceModels.Create(caseName);
        Assert.True(file["input"].HasShape(new[] { model.Steps, model.InputSize }),
            $"{caseName}: the reference input is [{string.Join(", ", file["input"].Shape)}], the model takes [{model.Steps}, {model.InputSize}].");
        foreach (string name in new[] { "targets", "output", "doutput", "greedy/output", "greedy/feedback" })
        {
            Assert.True(file[name].HasShape(new[] { model.OutputSteps, model.OutputSize }),
                $"{caseName}: the reference {name} is [{string.Join(", ", file[name].Shape)}], the model writes [{model.OutputSteps}, {model.OutputSize}].");
        }

        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        int length = int.Parse(file.Metadata["length"], CultureInfo.InvariantCulture);
        return new Case(caseName, model, file, length, file.Metadata["feedback"] == "Token", file.Metadata["encoder"].StartsWith("tokens", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_attention_file_has_a_model_declared_as_its_metadata_says()
    {
        string folder = Path.GetDirectoryName(CasePath("x"))!;
        string[] files = Directory.GetFiles(folder, "*.safetensors").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(AttentionReferenceModels.CaseNames.Order(StringComparer.Ordinal), files);
        string source = File.ReadAllText(Path.Combine(SourceFolder(), "AttentionReferenceModels.cs")).ReplaceLineEndings("\n");
        foreach (string name in files)
        {
            Assert.Contains(SafeTensorsFile.Read(CasePath(name)).Metadata["declaration"], source, StringComparison.Ordinal);
        }
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    [Fact]
    public void The_attention_cases_cover_every_score_kind_encoder_and_end()
    {
        var cases = AttentionReferenceModels.CaseNames.Select(n => SafeTensorsFile.Read(CasePath(n)).Metadata).ToArray();
        foreach (string score in new[] { "Dot", "General", "Additive" })
        {
            Assert.Contains(cases, m => m["score"] == score);
        }

        foreach (string kind in new[] { "[Lstm(", "[Gru(" })
        {
            Assert.Contains(cases, m => m["declaration"].Contains(kind, StringComparison.Ordinal));
        }

        Assert.Contains(cases, m => m["declaration"].Contains("Bidirectional = true)]", StringComparison.Ordinal)); // Concat
        Assert.Contains(cases, m => m["declaration"].Contains("MergeMode = MergeMode.Sum", StringComparison.Ordinal));
        Assert.Contains(cases, m => m["declaration"].Contains("Units = ", StringComparison.Ordinal));
        Assert.Contains(cases, m => m["encoder"] == "floats");
        Assert.Contains(cases, m => m["encoder"] != "floats");
        Assert.Contains(cases, m => m["feedback"] == "Output");
        Assert.Contains(cases, m => int.Parse(m["length"], CultureInfo.InvariantCulture) < int.Parse(m["steps"], CultureInfo.InvariantCulture));
        Assert.Contains(cases, m => m["declaration"].Contains("Bidirectional = true", StringComparison.Ordinal)
            && int.Parse(m["length"], CultureInfo.InvariantCulture) < int.Parse(m["steps"], CultureInfo.InvariantCulture));

        // End tokens: teacher forcing masks steps, and greedy decoding stops before the last step.
        Assert.Contains(cases, m => m.TryGetValue("teacher_forced_steps", out string? steps) && steps != m["output_steps"]);
        Assert.Contains(cases, m => m.ContainsKey("end_token") && m["greedy_steps"] != m["output_steps"]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Teacher_forced_forward_weights_and_backward_match_libtorch(string caseName) => TeacherForced(Load(caseName));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Greedy_decoding_and_its_weights_match_libtorch(string caseName) => Greedy(Load(caseName));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Beam_search_of_width_one_is_libtorchs_greedy_decoding(string caseName)
    {
        Case c = Load(caseName);
        var tokens = new int[c.Model.OutputSteps];
        if (!AttentionReferenceModels.TryBeamSearch(c.Model, c.File["input"].ToSingleArray(), tokens, c.Length, out int steps))
        {
            Assert.False(c.Tokens);
            return; // output feedback: no tokens to search
        }

        int expectedSteps = int.Parse(c.File.Metadata["greedy_steps"], CultureInfo.InvariantCulture);
        Assert.Equal(expectedSteps, steps);
        int[] expected = Argmax(c.File["greedy/feedback"].ToDoubleArray(), c.Model.OutputSize);
        Assert.Equal(expected.Take(steps), tokens.Take(steps));
        Assert.All(tokens.Skip(steps), t => Assert.Equal(-1, t));
    }

    [Fact]
    public void Worst_errors_over_all_attention_cases()
    {
        (double Error, string Case) output = (0, ""), weights = (0, ""), gradient = (0, ""), greedy = (0, ""), free = (0, "");
        foreach (string name in AttentionReferenceModels.CaseNames)
        {
            (double o, double w, double g) = TeacherForced(Load(name));
            (double p, double f) = Greedy(Load(name));
            output = o > output.Error ? (o, name) : output;
            weights = w > weights.Error ? (w, name) : weights;
            gradient = g > gradient.Error ? (g, name) : gradient;
            greedy = p > greedy.Error ? (p, name) : greedy;
            free = f > free.Error ? (f, name) : free;
        }

        _output.WriteLine($"{AttentionReferenceModels.CaseNames.Count} attention cases");
        _output.WriteLine($"teacher-forced output {output.Error:G3} ({output.Case}); attention weights {weights.Error:G3} ({weights.Case}); gradients {gradient.Error:G3} ({gradient.Case})");
        _output.WriteLine($"greedy output and weights {greedy.Error:G3} ({greedy.Case}); free-running gradients {free.Error:G3} ({free.Case})");
        Assert.InRange(Math.Max(output.Error, Math.Max(weights.Error, greedy.Error)), 0, OutputTolerance);
        Assert.InRange(Math.Max(gradient.Error, free.Error), 0, GradientTolerance);
    }

    /// <summary>ForwardTeacherForced, the weights, then Backward after one ZeroGradients; output buffers start as garbage.</summary>
    private static (double Output, double Weights, double Gradient) TeacherForced(Case c)
    {
        float[] input = c.File["input"].ToSingleArray();
        float[] output = Enumerable.Repeat(7f, c.OutputLength).ToArray();
        c.Model.ForwardTeacherForced(input, c.File["targets"].ToSingleArray(), output, c.Length);
        double worstOutput = ReferenceAssert.Close(c.Name, "output (ForwardTeacherForced)", c.File["output"], output, OutputTolerance);
        double worstWeights = ReferenceAssert.Close(c.Name, "attention (ForwardTeacherForced)", c.File["attention"], AttentionReferenceModels.AttentionWeights(c.Model), OutputTolerance);

        c.Model.ZeroGradients();
        float[] inputGradient = Backward(c);
        return (worstOutput, worstWeights, CompareGradients(c, "grad/", inputGradient, ""));
    }

    /// <summary>Backward of doutput; a float encoder's input gradient (garbage first), none for token ids.</summary>
    private static float[] Backward(Case c)
    {
        float[] doutput = c.File["doutput"].ToSingleArray();
        if (c.TokenEncoder)
        {
            c.Model.Backward(doutput);
            return Array.Empty<float>();
        }

        float[] inputGradient = Enumerable.Repeat(7f, c.Model.Steps * c.Model.InputSize).ToArray();
        c.Model.Backward(doutput, inputGradient);
        return inputGradient;
    }

    /// <summary>
    /// Predict and the free-running Forward against libtorch's step-by-step greedy loop, their weights too; then Backward
    /// after Forward: against libtorch's gradients of the greedy run where the file has them, otherwise against this
    /// model's teacher-forced pass on libtorch's greedy feedback (the same computation).
    /// </summary>
    private static (double Output, double Gradient) Greedy(Case c)
    {
        IRnnModel model = c.Model;
        float[] input = c.File["input"].ToSingleArray();
        float[] predicted = Enumerable.Repeat(7f, c.OutputLength).ToArray();
        model.Predict(input, predicted, c.Length);
        double worst = ReferenceAssert.Close(c.Name, "output (Predict, greedy)", c.File["greedy/output"], predicted, OutputTolerance);
        worst = Math.Max(worst, ReferenceAssert.Close(c.Name, "attention (Predict, greedy)", c.File["greedy/attention"], AttentionReferenceModels.AttentionWeights(model), OutputTolerance));
        if (c.Tokens)
        {
            Assert.Equal(Argmax(c.File["greedy/feedback"].ToDoubleArray(), model.OutputSize), Argmax(predicted.Select(v => (double)v).ToArray(), model.OutputSize));
        }

        float[] output = Enumerable.Repeat(7f, c.OutputLength).ToArray();
        model.Forward(input, output, c.Length);
        worst = Math.Max(worst, ReferenceAssert.Close(c.Name, "output (Forward, free-running)", c.File["greedy/output"], output, OutputTolerance));
        worst = Math.Max(worst, ReferenceAssert.Close(c.Name, "attention (Forward, free-running)", c.File["greedy/attention"], AttentionReferenceModels.AttentionWeights(model), OutputTolerance));
        model.ZeroGradients();
        float[] inputGradient = Backward(c);
        if (c.File.TryGetTensor("greedy/grad/" + model.ParameterLayout[0].Name, out _))
        {
            return (worst, CompareGradients(c, "greedy/grad/", inputGradient, " (Forward free-running)"));
        }

        float[] freeRunning = model.Gradients.ToArray();
        float[] freeInputGradient = inputGradient.ToArray();
        float[] teacher = new float[c.OutputLength];
        model.ForwardTeacherForced(input, c.File["greedy/feedback"].ToSingleArray(), teacher, c.Length);
        model.ZeroGradients();
        inputGradient = Backward(c);
        double gradient = 0;
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            float[] expected = parameter.Slice(model.Gradients).ToArray();
            gradient = Math.Max(gradient, ReferenceAssert.Close(c.Name, "grad/" + parameter.Name + " (Forward free-running vs teacher-forced on the greedy feedback)",
                parameter.Shape, expected.Select(v => (double)v).ToArray(), parameter.Slice((Span<float>)freeRunning), GradientTolerance));
        }

        if (!c.TokenEncoder)
        {
            gradient = Math.Max(gradient, ReferenceAssert.Close(c.Name, "grad/input (Forward free-running vs teacher-forced on the greedy feedback)",
                new[] { model.Steps, model.InputSize }, inputGradient.Select(v => (double)v).ToArray(), freeInputGradient, GradientTolerance));
        }

        return (worst, gradient);
    }

    private static double CompareGradients(Case c, string prefix, float[] inputGradient, string suffix)
    {
        double worst = 0;
        foreach (ParameterInfo parameter in c.Model.ParameterLayout)
        {
            worst = Math.Max(worst, ReferenceAssert.Close(c.Name, prefix + parameter.Name + suffix, c.File[prefix + parameter.Name],
                parameter.Slice(c.Model.Gradients), GradientTolerance));
        }

        return c.TokenEncoder ? worst
            : Math.Max(worst, ReferenceAssert.Close(c.Name, prefix + "input" + suffix, c.File[prefix + "input"], inputGradient, GradientTolerance));
    }

    private static int[] Argmax(double[] rows, int width)
    {
        var tokens = new int[rows.Length / width];
        for (int t = 0; t < tokens.Length; t++)
        {
            int best = 0;
            for (int i = 1; i < width; i++)
            {
                best = rows[(t * width) + i] > rows[(t * width) + best] ? i : best;
            }

            tokens[t] = best;
        }

        return tokens;
    }
}
