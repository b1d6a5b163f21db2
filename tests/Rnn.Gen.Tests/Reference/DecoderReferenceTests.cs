using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// Encoder–decoder and one-to-many models against libtorch (Reference/Decoder, written in float64 by
/// tests/Rnn.Gen.ReferenceVectors with single-layer nn.LSTM / nn.GRU / nn.RNN modules, each decoder layer started from
/// its encoder partner's h_n and c_n): teacher-forced output and the gradients of sum(output * doutput) with respect to
/// every parameter and the input; greedy decoding (Predict, and the free-running Forward with its Backward); and
/// Generate at temperature 0. Tolerances as <see cref="ReferenceVectorTests"/>: outputs 1e-5, gradients 1e-4, relative
/// to the reference's largest magnitude.
/// </summary>
public class DecoderReferenceTests
{
    private const double OutputTolerance = 1e-5;

    private const double GradientTolerance = 1e-4;

    private readonly ITestOutputHelper _output;

    public DecoderReferenceTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in DecoderReferenceModels.CaseNames)
        {
            data.Add(name);
        }

        return data;
    }

    private static string CasePath(string caseName) =>
        Path.Combine(AppContext.BaseDirectory, "Reference", "Decoder", caseName + ".safetensors");

    private sealed record Case(string Name, IRnnModel Model, SafeTensorsFile File, int Length, bool Tokens)
    {
        public int InputLength => Model.Steps * Model.InputSize;

        public int OutputLength => Model.OutputSteps * Model.OutputSize;
    }

    private static Case Load(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(CasePath(caseName));
        IRnnModel model = DecoderReferenceModels.Create(caseName);
        Assert.True(file["input"].HasShape(new[] { model.Steps, model.InputSize }),
            $"{caseName}: the reference input is [{string.Join(", ", file["input"].Shape)}], the model takes [{model.Steps}, {model.InputSize}].");
        foreach (string name in new[] { "targets", "output", "doutput", "greedy/output", "greedy/feedback" })
        {
            Assert.True(file[name].HasShape(new[] { model.OutputSteps, model.OutputSize }),
                $"{caseName}: the reference {name} is [{string.Join(", ", file[name].Shape)}], the model writes [{model.OutputSteps}, {model.OutputSize}].");
        }

        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        int length = int.Parse(file.Metadata["length"], CultureInfo.InvariantCulture);
        return new Case(caseName, model, file, length, file.Metadata["feedback"] == "Token");
    }

    [Fact]
    public void Every_decoder_file_has_a_model_and_every_model_a_file()
    {
        string folder = Path.GetDirectoryName(CasePath("x"))!;
        string[] files = Directory.GetFiles(folder, "*.safetensors").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(DecoderReferenceModels.CaseNames.Order(StringComparer.Ordinal), files);
    }

    [Fact]
    public void The_decoder_cases_cover_every_kind_stacking_and_feedback()
    {
        // LSTM, GRU and Elman encoder–decoders with one and two stacked layers; one-to-many with output and token
        // feedback; hidden sizes that are not multiples of 8 above 8; a padded encoder input.
        var cases = DecoderReferenceModels.CaseNames.Select(n => (Name: n, Meta: SafeTensorsFile.Read(CasePath(n)).Metadata)).ToArray();
        foreach (string kind in new[] { "Lstm", "Gru", "RnnTanh" })
        {
            foreach (int stacked in new[] { 1, 2 })
            {
                Assert.Contains(cases, c => c.Meta["topology"] == "encoder-decoder" && EncoderKinds(c.Name).Length == stacked
                    && EncoderKinds(c.Name).All(k => k.StartsWith(kind, StringComparison.Ordinal)));
            }
        }

        Assert.Contains(cases, c => c.Name.StartsWith("RnnRelu", StringComparison.Ordinal));
        Assert.Contains(cases, c => c.Meta["topology"] == "one-to-many" && c.Meta["feedback"] == "Output");
        Assert.Contains(cases, c => c.Meta["topology"] == "one-to-many" && c.Meta["feedback"] == "Token");
        Assert.Contains(cases, c => c.Meta["topology"] == "encoder-decoder" && c.Meta["feedback"] == "Output" && c.Meta["layers"].Contains("Softmax", StringComparison.Ordinal));
        Assert.Contains(cases, c => int.Parse(c.Meta["length"], CultureInfo.InvariantCulture) < int.Parse(c.Meta["steps"], CultureInfo.InvariantCulture));
        Assert.Contains(DecoderReferenceModels.CaseNames, n => DecoderReferenceModels.Create(n).ParameterLayout
            .Any(p => p.Name.EndsWith("weight_hh_l0", StringComparison.Ordinal) && p.Shape[1] > 8 && p.Shape[1] % 8 != 0));

        static string[] EncoderKinds(string name) => name.Split('_').TakeWhile(t => !t.StartsWith("Dec", StringComparison.Ordinal)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Teacher_forced_forward_and_backward_match_libtorch(string caseName) => TeacherForced(Load(caseName));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Greedy_decoding_matches_libtorch(string caseName) => Greedy(Load(caseName));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generate_at_temperature_zero_is_libtorchs_greedy_decoding(string caseName)
    {
        Case c = Load(caseName);
        if (!c.Tokens || c.Length != c.Model.Steps)
        {
            return; // Generate is for token models and takes every input step
        }

        float[] output = Enumerable.Repeat(7f, c.OutputLength).ToArray();
        var tokens = new int[c.Model.OutputSteps];
        Assert.True(DecoderReferenceModels.TryGenerate(c.Model, c.File["input"].ToSingleArray(), output, tokens, 0f, 0, new SeededRandom(1)));
        ReferenceAssert.Close(caseName, "output (Generate, temperature 0)", c.File["greedy/output"], output, OutputTolerance);
        Assert.Equal(Argmax(c.File["greedy/feedback"].ToDoubleArray(), c.Model.OutputSize), tokens);
    }

    [Fact]
    public void Worst_errors_over_all_decoder_cases()
    {
        // The figures quoted in the notes. Free-running gradients are compared with libtorch's where the file has them,
        // otherwise with this model's teacher-forced pass on libtorch's greedy feedback.
        (double Error, string Case) output = (0, ""), gradient = (0, ""), greedy = (0, ""), free = (0, ""), consistent = (0, "");
        foreach (string name in DecoderReferenceModels.CaseNames)
        {
            (double o, double g) = TeacherForced(Load(name));
            (double p, double f, bool libtorch) = Greedy(Load(name));
            output = o > output.Error ? (o, name) : output;
            gradient = g > gradient.Error ? (g, name) : gradient;
            greedy = p > greedy.Error ? (p, name) : greedy;
            if (libtorch)
            {
                free = f > free.Error ? (f, name) : free;
            }
            else
            {
                consistent = f > consistent.Error ? (f, name) : consistent;
            }
        }

        _output.WriteLine($"{DecoderReferenceModels.CaseNames.Count} decoder cases");
        _output.WriteLine($"teacher-forced output {output.Error:G3} ({output.Case}); gradients {gradient.Error:G3} ({gradient.Case})");
        _output.WriteLine($"greedy output (Predict, Forward) {greedy.Error:G3} ({greedy.Case})");
        _output.WriteLine($"free-running gradients vs libtorch {free.Error:G3} ({free.Case}); vs teacher forcing on the greedy feedback {consistent.Error:G3} ({consistent.Case})");
        Assert.InRange(output.Error, 0, OutputTolerance);
        Assert.InRange(greedy.Error, 0, OutputTolerance);
        Assert.InRange(Math.Max(gradient.Error, Math.Max(free.Error, consistent.Error)), 0, GradientTolerance);
    }

    /// <summary>ForwardTeacherForced, then Backward after one ZeroGradients; output buffers start as garbage.</summary>
    private static (double Output, double Gradient) TeacherForced(Case c)
    {
        float[] input = c.File["input"].ToSingleArray();
        float[] output = Enumerable.Repeat(7f, c.OutputLength).ToArray();
        float[] inputGradient = Enumerable.Repeat(7f, c.InputLength).ToArray();
        DecoderReferenceModels.ForwardTeacherForced(c.Model, input, c.File["targets"].ToSingleArray(), output, c.Length);
        double worstOutput = ReferenceAssert.Close(c.Name, "output (ForwardTeacherForced)", c.File["output"], output, OutputTolerance);

        c.Model.ZeroGradients();
        c.Model.Backward(c.File["doutput"].ToSingleArray(), inputGradient);
        double worstGradient = CompareGradients(c, "grad/", inputGradient, "");
        return (worstOutput, worstGradient);
    }

    /// <summary>
    /// Predict and the free-running Forward against libtorch's step-by-step greedy loop (the same tokens for token
    /// models); then Backward after Forward: against libtorch's gradients of the greedy run where the file has them,
    /// otherwise against this model's teacher-forced pass on libtorch's greedy feedback (the same computation).
    /// </summary>
    private static (double Output, double Gradient, bool AgainstLibtorch) Greedy(Case c)
    {
        IRnnModel model = c.Model;
        int outputSize = model.OutputSize;
        float[] input = c.File["input"].ToSingleArray();
        int[] expectedTokens = Argmax(c.File["greedy/feedback"].ToDoubleArray(), outputSize);

        float[] predicted = Enumerable.Repeat(7f, c.OutputLength).ToArray();
        model.Predict(input, predicted, c.Length);
        double worstOutput = ReferenceAssert.Close(c.Name, "output (Predict, greedy)", c.File["greedy/output"], predicted, OutputTolerance);
        if (c.Tokens)
        {
            Assert.Equal(expectedTokens, Argmax(predicted, outputSize));
        }

        float[] output = Enumerable.Repeat(7f, c.OutputLength).ToArray();
        float[] inputGradient = Enumerable.Repeat(7f, c.InputLength).ToArray();
        model.Forward(input, output, c.Length);
        worstOutput = Math.Max(worstOutput, ReferenceAssert.Close(c.Name, "output (Forward, free-running)", c.File["greedy/output"], output, OutputTolerance));
        model.ZeroGradients();
        model.Backward(c.File["doutput"].ToSingleArray(), inputGradient);
        if (c.File.TryGetTensor("greedy/grad/input", out _))
        {
            return (worstOutput, CompareGradients(c, "greedy/grad/", inputGradient, " (Forward free-running)"), true);
        }

        float[] freeRunning = model.Gradients.ToArray();
        float[] freeInputGradient = inputGradient.ToArray();
        float[] teacher = new float[c.OutputLength];
        DecoderReferenceModels.ForwardTeacherForced(model, input, c.File["greedy/feedback"].ToSingleArray(), teacher, c.Length);
        model.ZeroGradients();
        model.Backward(c.File["doutput"].ToSingleArray(), inputGradient);
        double worst = 0;
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            float[] expected = parameter.Slice(model.Gradients).ToArray();
            worst = Math.Max(worst, ReferenceAssert.Close(c.Name, "grad/" + parameter.Name + " (Forward free-running vs teacher-forced on the greedy feedback)",
                parameter.Shape, expected.Select(v => (double)v).ToArray(), parameter.Slice((Span<float>)freeRunning), GradientTolerance));
        }

        worst = Math.Max(worst, ReferenceAssert.Close(c.Name, "grad/input (Forward free-running vs teacher-forced on the greedy feedback)",
            new[] { model.Steps, model.InputSize }, inputGradient.Select(v => (double)v).ToArray(), freeInputGradient, GradientTolerance));
        return (worstOutput, worst, false);
    }

    private static double CompareGradients(Case c, string prefix, float[] inputGradient, string suffix)
    {
        double worst = 0;
        foreach (ParameterInfo parameter in c.Model.ParameterLayout)
        {
            worst = Math.Max(worst, ReferenceAssert.Close(c.Name, prefix + parameter.Name + suffix, c.File[prefix + parameter.Name],
                parameter.Slice(c.Model.Gradients), GradientTolerance));
        }

        return Math.Max(worst, ReferenceAssert.Close(c.Name, prefix + "input" + suffix, c.File[prefix + "input"], inputGradient, GradientTolerance));
    }

    private static int[] Argmax(ReadOnlySpan<double> rows, int width)
    {
        var tokens = new int[rows.Length / width];
        for (int t = 0; t < tokens.Length; t++)
        {
            int best = 0;
            for (int i = 1; i < width; i++)
            {
                best = rows[t * width + i] > rows[t * width + best] ? i : best;
            }

            tokens[t] = best;
        }

        return tokens;
    }

    private static int[] Argmax(float[] rows, int width) => Argmax(rows.Select(v => (double)v).ToArray(), width);
}
