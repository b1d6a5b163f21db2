using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Rnn.Gen.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// Writes the encoder–decoder and one-to-many references (<c>Decoder/{case}.safetensors</c>, float64) and
/// <c>DecoderReferenceModels.cs</c>, the declarations the generator compiles for them. The PyTorch computation is
/// written out with single-layer <c>nn.LSTM</c> / <c>nn.GRU</c> / <c>nn.RNN</c> modules (<c>batch_first=True</c>) and
/// <c>nn.Linear</c>: the encoder runs over the valid input steps; decoder layer j starts from encoder layer j's
/// <c>h_n</c> (and <c>c_n</c>), or from zeros for one-to-many; the decoder's input at step t is feedback row t − 1
/// (zeros at t = 0), after the model input for one-to-many; the Linear layers apply at every decoder step.
/// </summary>
/// <remarks>
/// Teacher-forced, the feedback rows are the given <c>targets</c> (one-hot rows for token models). Greedy, the decoder
/// runs one step at a time and feeds back the one-hot of the output's argmax (token feedback) or the output itself
/// (output feedback), detached. Gradients are those of <c>sum(output * doutput)</c>. See the README beside the files.
/// </remarks>
internal static class DecoderReferences
{
    public const string Folder = "Decoder";

    public const string ModelsFile = "DecoderReferenceModels.cs";

    /// <summary>The smallest gap between the two most probable tokens at a greedy step that a case may have.</summary>
    private const double MinimumMargin = 1e-3;

    public static void Write(string referenceFolder)
    {
        torch.set_default_dtype(ScalarType.Float64);
        string folder = Path.Combine(referenceFolder, Folder);
        Directory.CreateDirectory(folder);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (DecoderCaseSpec spec in DecoderCases.All)
        {
            spec.Validate();
            if (!names.Add(spec.Name))
            {
                throw new InvalidOperationException($"Two decoder cases are named {spec.Name}.");
            }
        }

        foreach (string stale in Directory.GetFiles(folder, "*.safetensors"))
        {
            File.Delete(stale);
        }

        long total = 0;
        foreach (DecoderCaseSpec spec in DecoderCases.All)
        {
            string path = Path.Combine(folder, spec.Name + ".safetensors");
            string summary = WriteCase(spec, path);
            long size = new FileInfo(path).Length;
            total += size;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{spec.Name,-58} {size,8:N0} B  {summary}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DecoderCases.All.Count} decoder cases, {total:N0} bytes"));
        File.WriteAllText(Path.Combine(referenceFolder, ModelsFile), ModelsSource(), new UTF8Encoding(false));
        Console.WriteLine($"Wrote {ModelsFile}.");
    }

    private static string WriteCase(DecoderCaseSpec spec, string path)
    {
        long seed = Program.Seed(spec.Name);
        torch.manual_seed(seed);
        using DisposeScope scope = torch.NewDisposeScope();
        var model = new DecoderTorchModel(spec);
        using (torch.no_grad())
        {
            foreach ((int layer, string _, Parameter parameter) in model.ParametersByLayer())
            {
                double bound = Math.Min(0.5, 2.0 / Math.Sqrt(model.FanIn(layer)));
                parameter.uniform_(-bound, bound);
            }
        }

        int n = spec.OutputSteps, o = spec.OutputSize;
        int length = spec.Length ?? spec.Steps;
        Tensor input = (torch.rand(new long[] { spec.Steps, spec.InputSize }, ScalarType.Float64) * 2 - 1).detach().requires_grad_(true);
        Tensor targets = spec.EffectiveFeedback == DecoderFeedback.Token
            ? nn.functional.one_hot(torch.randint(o, new long[] { n }, ScalarType.Int64), o).to(ScalarType.Float64)
            : torch.rand(new long[] { n, o }, ScalarType.Float64) * 2 - 1;
        Tensor doutput = torch.rand(new long[] { n, o }, ScalarType.Float64) * 2 - 1;

        // Teacher-forced: output and gradients.
        Tensor output = model.TeacherForced(input, targets, length);
        (output * doutput).sum().backward();
        var entries = new List<SafeTensorsEntry>
        {
            Program.Entry("input", input),
            Program.Entry("targets", targets),
            Program.Entry("output", output),
            Program.Entry("doutput", doutput),
            Program.Entry("grad/input", Gradient(input)),
        };
        var parameters = model.NamedParameters().ToList();
        double maxGradient = 0;
        foreach ((string name, Parameter parameter) in parameters)
        {
            entries.Add(Program.Entry("param/" + name, parameter));
            Tensor grad = Gradient(parameter);
            maxGradient = Math.Max(maxGradient, grad.abs().max().item<double>());
            entries.Add(Program.Entry("grad/" + name, grad));
        }

        CheckPadding(spec, "grad/input", Gradient(input), length);
        ZeroGradients(input, parameters);

        // Greedy decoding (Predict), and the gradients of the free-running pass over its own feedback (Forward).
        (Tensor greedy, Tensor feedback, double margin) = model.Greedy(input, length);
        (greedy * doutput).sum().backward();
        entries.Add(Program.Entry("greedy/output", greedy));
        entries.Add(Program.Entry("greedy/feedback", feedback));
        if (spec.FreeRunningGradients)
        {
            entries.Add(Program.Entry("greedy/grad/input", Gradient(input)));
            foreach ((string name, Parameter parameter) in parameters)
            {
                entries.Add(Program.Entry("greedy/grad/" + name, Gradient(parameter)));
            }
        }

        CheckPadding(spec, "greedy/grad/input", Gradient(input), length);
        if (spec.EffectiveFeedback == DecoderFeedback.Token && !(margin >= MinimumMargin))
        {
            throw new InvalidOperationException($"{spec.Name}: a greedy step's two most probable tokens are {margin:G3} apart; float rounding could choose either.");
        }

        // The step-by-step loop and the whole-sequence teacher-forced run agree when the targets are what greedy fed back.
        using (torch.no_grad())
        {
            double difference = (model.TeacherForced(input, feedback, length) - greedy).abs().max().item<double>();
            if (!(difference < 1e-12))
            {
                throw new InvalidOperationException($"{spec.Name}: teacher forcing on the greedy feedback differs from greedy decoding by {difference:G3}.");
            }
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["case"] = spec.Name,
            ["input_size"] = spec.InputSize.ToString(CultureInfo.InvariantCulture),
            ["steps"] = spec.Steps.ToString(CultureInfo.InvariantCulture),
            ["length"] = length.ToString(CultureInfo.InvariantCulture),
            ["output_steps"] = n.ToString(CultureInfo.InvariantCulture),
            ["output_size"] = o.ToString(CultureInfo.InvariantCulture),
            ["feedback"] = spec.EffectiveFeedback.ToString(),
            ["topology"] = spec.OneToMany ? "one-to-many" : "encoder-decoder",
            ["layers"] = spec.LayersText,
            ["declaration"] = spec.Declaration(),
            ["loss"] = "sum(output * doutput); grad/* are its gradients (teacher-forced), greedy/grad/* those of the greedy run with its feedback detached",
            ["init"] = "parameters U(-a, a), a = min(0.5, 2/sqrt(fan_in)) per layer; input and doutput U(-1, 1); targets U(-1, 1) or one-hot rows of uniform tokens",
            ["dtype"] = "float64",
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["libtorch"] = torch.__version__,
            ["writer"] = "tests/Rnn.Gen.ReferenceVectors",
        };
        if (spec.EffectiveFeedback == DecoderFeedback.Token)
        {
            metadata["greedy_min_margin"] = margin.ToString("R", CultureInfo.InvariantCulture);
        }

        SafeTensorsFile.Write(path, entries, metadata);
        string marginText = spec.EffectiveFeedback == DecoderFeedback.Token ? string.Create(CultureInfo.InvariantCulture, $" greedy margin {margin:G3}") : "";
        return string.Create(CultureInfo.InvariantCulture, $"|out|max {output.abs().max().item<double>(),7:G3} |grad|max {maxGradient,7:G3}{marginText}");
    }

    private static Tensor Gradient(Tensor tensor) => tensor.grad ?? throw new InvalidOperationException("A tensor has no gradient.");

    private static void ZeroGradients(Tensor input, List<(string Name, Parameter Parameter)> parameters)
    {
        input.grad!.zero_();
        foreach ((string _, Parameter parameter) in parameters)
        {
            parameter.grad!.zero_();
        }
    }

    private static void CheckPadding(DecoderCaseSpec spec, string what, Tensor inputGradient, int length)
    {
        if (length < spec.Steps && inputGradient.narrow(0, length, spec.Steps - length).abs().max().item<double>() != 0)
        {
            throw new InvalidOperationException($"{spec.Name}: {what} is not zero past the valid steps.");
        }
    }

    private static string ModelsSource()
    {
        var text = new StringBuilder();
        text.Append("""
            // <auto-generated>
            // Written by tests/Rnn.Gen.ReferenceVectors; do not edit. To regenerate, see tests/Rnn.Gen.Tests/Reference/README.md.
            // One model per encoder-decoder or one-to-many reference case in Decoder/; the source generator implements each of them.
            // </auto-generated>
            #nullable enable

            using System;
            using System.Collections.Generic;

            namespace Rnn.Gen.Tests.Reference;

            """);
        text.Append('\n');
        foreach (DecoderCaseSpec spec in DecoderCases.All)
        {
            text.Append(spec.Declaration()).Append('\n');
        }

        text.Append("""
            /// <summary>The decoder reference cases by name (the file names in Decoder/ without extension).</summary>
            internal static class DecoderReferenceModels
            {
                /// <summary>Every case, in the order the reference program lists them.</summary>
                public static IReadOnlyList<string> CaseNames { get; } = new[]
                {

            """);
        foreach (DecoderCaseSpec spec in DecoderCases.All)
        {
            text.Append("        \"").Append(spec.Name).Append("\",\n");
        }

        text.Append("""
                };

                /// <summary>A new, uninitialized model of the case named <paramref name="caseName"/>.</summary>
                public static global::Rnn.Gen.IRnnModel Create(string caseName) => caseName switch
                {

            """);
        foreach (DecoderCaseSpec spec in DecoderCases.All)
        {
            text.Append("        \"").Append(spec.Name).Append("\" => new ").Append(spec.Name).Append("(),\n");
        }

        text.Append("""
                    _ => throw new ArgumentException($"No decoder reference case is named '{caseName}'.", nameof(caseName)),
                };

                /// <summary>The model's <c>ForwardTeacherForced(input, targets, output, length)</c>.</summary>
                public static void ForwardTeacherForced(global::Rnn.Gen.IRnnModel model, ReadOnlySpan<float> input, ReadOnlySpan<float> targets, Span<float> output, int length)
                {
                    switch (model)
                    {

            """);
        foreach (DecoderCaseSpec spec in DecoderCases.All)
        {
            text.Append("            case ").Append(spec.Name).Append(" m: m.ForwardTeacherForced(input, targets, output, length); return;\n");
        }

        text.Append("""
                        default: throw new ArgumentException($"{model.GetType().Name} is not a decoder reference model.", nameof(model));
                    }
                }

                /// <summary>The model's <c>Generate</c> (token models only); false for a model that feeds back outputs.</summary>
                public static bool TryGenerate(global::Rnn.Gen.IRnnModel model, ReadOnlySpan<float> input, Span<float> output, Span<int> tokens, float temperature, int topK, global::Rnn.Gen.Initialization.SeededRandom random)
                {
                    switch (model)
                    {

            """);
        foreach (DecoderCaseSpec spec in DecoderCases.All.Where(s => s.EffectiveFeedback == DecoderFeedback.Token))
        {
            text.Append("            case ").Append(spec.Name).Append(" m: m.Generate(input, output, tokens, temperature, topK, random); return true;\n");
        }

        text.Append("""
                        default: return false;
                    }
                }
            }

            """);
        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}

/// <summary>The PyTorch computation of a <see cref="DecoderCaseSpec"/>, written out with single-layer modules.</summary>
internal sealed class DecoderTorchModel
{
    private readonly DecoderCaseSpec _spec;
    private readonly nn.Module[] _modules;

    public DecoderTorchModel(DecoderCaseSpec spec)
    {
        _spec = spec;
        IReadOnlyList<LayerSpec> layers = spec.Layers;
        _modules = new nn.Module[layers.Count];
        int encoderCount = spec.Encoder.Count, decoderCount = spec.Decoder.Count;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerSpec layer = layers[i];
            long features = i == encoderCount ? spec.DecoderInputSize
                : i == 0 ? spec.InputSize
                : layers[i - 1].Size;
            _modules[i] = layer.Kind switch
            {
                LayerKind.Lstm => nn.LSTM(features, layer.Size, numLayers: 1, bias: true, batchFirst: true, dtype: ScalarType.Float64),
                LayerKind.Gru => nn.GRU(features, layer.Size, numLayers: 1, bias: true, batchFirst: true, dtype: ScalarType.Float64),
                LayerKind.SimpleRnn => nn.RNN(features, layer.Size, numLayers: 1,
                    nonLinearity: layer.Activation == Activation.Relu ? nn.NonLinearities.ReLU : nn.NonLinearities.Tanh,
                    bias: true, batchFirst: true, dtype: ScalarType.Float64),
                _ => nn.Linear(features, layer.Size, hasBias: true, dtype: ScalarType.Float64),
            };
        }

        if (encoderCount + decoderCount + spec.Head.Count != _modules.Length)
        {
            throw new InvalidOperationException($"{spec.Name}: layer count.");
        }
    }

    private int EncoderCount => _spec.Encoder.Count;

    private int DecoderCount => _spec.Decoder.Count;

    /// <summary>The state_dict names: real layers in declaration order (the Decoder marker is not a layer).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        for (int i = 0; i < _modules.Length; i++)
        {
            foreach ((string name, Parameter parameter) in _modules[i].named_parameters())
            {
                yield return ($"{i}.{name}", parameter);
            }
        }
    }

    public IEnumerable<(int Layer, string Name, Parameter Parameter)> ParametersByLayer() =>
        Enumerable.Range(0, _modules.Length)
            .SelectMany(i => _modules[i].named_parameters().Select(p => (i, $"{i}.{p.name}", p.parameter)));

    /// <summary>Hidden size for a recurrent layer, in_features for a Linear one.</summary>
    public int FanIn(int layer)
    {
        IReadOnlyList<LayerSpec> layers = _spec.Layers;
        if (layers[layer].IsRecurrent)
        {
            return layers[layer].Size;
        }

        return layer == EncoderCount + DecoderCount ? _spec.Decoder[^1].Size : layers[layer - 1].Size;
    }

    /// <summary>The encoder over the first <paramref name="length"/> steps of <paramref name="input"/> [T, I]: each layer's final state.</summary>
    private List<State> Encode(Tensor input, int length)
    {
        var states = new List<State>();
        Tensor x = input.narrow(0, 0, length).unsqueeze(0);
        for (int i = 0; i < EncoderCount; i++)
        {
            (x, State state) = Run(_modules[i], x, null);
            states.Add(state);
        }

        return states;
    }

    /// <summary>Teacher-forced: the decoder's input at step t is targets row t − 1 (zeros at t = 0). Output [N, O].</summary>
    public Tensor TeacherForced(Tensor input, Tensor targets, int length)
    {
        int n = _spec.OutputSteps, o = _spec.OutputSize;
        List<State> initial = Encode(input, length);
        Tensor fed = torch.cat(new[] { torch.zeros(new long[] { 1, o }, ScalarType.Float64), targets.narrow(0, 0, n - 1) }, 0);
        Tensor x = _spec.OneToMany ? torch.cat(new[] { input.expand(n, _spec.InputSize), fed }, 1) : fed;
        x = x.unsqueeze(0);
        for (int j = 0; j < DecoderCount; j++)
        {
            (x, _) = Run(_modules[EncoderCount + j], x, _spec.OneToMany ? null : initial[j]);
        }

        return Head(x).squeeze(0);
    }

    /// <summary>
    /// Greedy decoding one step at a time: the outputs [N, O], what was fed back after each step [N, O] (one-hot of the
    /// argmax, or the output, detached), and the smallest gap between the two largest outputs of any step.
    /// </summary>
    public (Tensor Output, Tensor Feedback, double Margin) Greedy(Tensor input, int length)
    {
        int n = _spec.OutputSteps, o = _spec.OutputSize;
        List<State> encoder = Encode(input, length);
        var states = new State?[DecoderCount];
        for (int j = 0; j < DecoderCount; j++)
        {
            states[j] = _spec.OneToMany ? null : encoder[j];
        }

        Tensor fed = torch.zeros(new long[] { 1, o }, ScalarType.Float64);
        var outputs = new List<Tensor>();
        var fedBack = new List<Tensor>();
        double margin = double.PositiveInfinity;
        for (int t = 0; t < n; t++)
        {
            Tensor x = _spec.OneToMany ? torch.cat(new[] { input, fed }, 1) : fed; // [1, width]
            x = x.unsqueeze(0); // [1, 1, width]
            for (int j = 0; j < DecoderCount; j++)
            {
                (x, State state) = Run(_modules[EncoderCount + j], x, states[j]);
                states[j] = state;
            }

            Tensor y = Head(x).reshape(1, o);
            outputs.Add(y);
            if (_spec.EffectiveFeedback == DecoderFeedback.Token)
            {
                Tensor sorted = y.detach().flatten().sort(descending: true).Values;
                margin = Math.Min(margin, o > 1 ? (sorted[0] - sorted[1]).item<double>() : double.PositiveInfinity);
                long token = y.detach().flatten().argmax().item<long>();
                fed = nn.functional.one_hot(torch.tensor(new[] { token }), o).to(ScalarType.Float64);
            }
            else
            {
                fed = y.detach().clone();
            }

            fedBack.Add(fed);
        }

        return (torch.cat(outputs.ToArray(), 0), torch.cat(fedBack.ToArray(), 0), margin);
    }

    private Tensor Head(Tensor x)
    {
        for (int k = EncoderCount + DecoderCount; k < _modules.Length; k++)
        {
            x = ((Linear)_modules[k]).call(x);
            x = _spec.Layers[k].Activation switch
            {
                Activation.Identity => x,
                Activation.Tanh => x.tanh(),
                Activation.Sigmoid => x.sigmoid(),
                Activation.Relu => x.relu(),
                Activation.Softmax => x.softmax(-1),
                _ => throw new InvalidOperationException($"Unknown activation {_spec.Layers[k].Activation}."),
            };
        }

        return x;
    }

    /// <summary>A recurrent layer's state: h [1, 1, H] and, for an LSTM, c.</summary>
    private sealed record State(Tensor H, Tensor? C);

    /// <summary>One recurrent module over x [1, steps, features] from <paramref name="initial"/> (zeros when null).</summary>
    private static (Tensor Output, State Final) Run(nn.Module module, Tensor x, State? initial)
    {
        switch (module)
        {
            case LSTM lstm:
            {
                (Tensor output, Tensor h, Tensor c) = initial is null ? lstm.call(x) : lstm.call(x, (initial.H, initial.C!));
                return (output, new State(h, c));
            }

            case GRU gru:
            {
                (Tensor output, Tensor h) = gru.call(x, initial?.H);
                return (output, new State(h, null));
            }

            case RNN rnn:
            {
                (Tensor output, Tensor h) = rnn.call(x, initial?.H);
                return (output, new State(h, null));
            }

            default:
                throw new InvalidOperationException("Not a recurrent module.");
        }
    }
}
