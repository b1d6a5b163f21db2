using System;
using System.Buffers.Binary;
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
/// Writes the libtorch reference vectors of tests/Rnn.Gen.Tests/Reference: one safetensors file of float64 tensors per
/// case (parameters, input, output, output gradient, and the gradients of sum(output * doutput)), the model
/// declarations the generator compiles for them (ReferenceModels.cs), and the weight files of the weights round-trip;
/// then the training references, the same-start training parity (Parity/) and the encoder–decoder cases (Decoder/).
/// See tests/Rnn.Gen.Tests/Reference/README.md for how to run it.
/// </summary>
internal static class Program
{
    private const string ReferenceFolder = "tests/Rnn.Gen.Tests/Reference";

    private static int Main(string[] args)
    {
        // --training-only: write only the training runtime's references (optimizers, losses, clipping, schedules).
        // --parity-only: only the same-start training parity (Parity/); --decoder-only: only the decoder cases (Decoder/);
        // --embedding-only: only the models whose first layer is an Embedding (Embedding/).
        // --conv-only: only the convolution and pooling cases (Conv/); --image-only: only the image cases (Image/).
        // --pytorch-only: only the PyTorch checkpoints written by TorchSharp.PyBridge (PyTorch/).
        // --caption-only: only the captioning cases (Caption/); --attention-only: only the attention cases (Attention/).
        bool trainingOnly = args.Contains("--training-only");
        bool convOnly = args.Contains("--conv-only");
        bool parityOnly = args.Contains("--parity-only");
        bool decoderOnly = args.Contains("--decoder-only");
        bool embeddingOnly = args.Contains("--embedding-only");
        bool pytorchOnly = args.Contains("--pytorch-only");
        bool imageOnly = args.Contains("--image-only");
        bool captionOnly = args.Contains("--caption-only");
        bool attentionOnly = args.Contains("--attention-only");
        args = args.Where(a => a is not ("--training-only" or "--parity-only" or "--decoder-only" or "--embedding-only" or "--conv-only" or "--pytorch-only" or "--image-only" or "--caption-only" or "--attention-only")).ToArray();
        string root = args.Length > 0 ? Path.GetFullPath(args[0]) : FindRepositoryRoot();
        string reference = Path.Combine(root, ReferenceFolder);
        if (trainingOnly || parityOnly || decoderOnly || embeddingOnly || convOnly || pytorchOnly || imageOnly || captionOnly || attentionOnly)
        {
            torch.set_num_threads(1);
            Console.WriteLine($"libtorch {torch.__version__}, writing under {ReferenceFolder}");
            if (trainingOnly)
            {
                TrainingReferences.Write(reference);
            }

            if (parityOnly)
            {
                ParityReferences.Write(Path.Combine(reference, "Parity"));
            }

            if (decoderOnly)
            {
                DecoderReferences.Write(reference);
            }

            if (embeddingOnly)
            {
                EmbeddingReferences.Write(reference);
            }

            if (convOnly)
            {
                ConvReferences.Write(reference);
            }

            if (pytorchOnly)
            {
                PyTorchReferences.Write(reference);
            }

            if (imageOnly)
            {
                ImageReferences.Write(reference);
            }

            if (captionOnly)
            {
                CaptionReferences.Write(reference);
            }

            if (attentionOnly)
            {
                AttentionReferences.Write(reference);
            }

            return 0;
        }

        string casesFolder = Path.Combine(reference, "Cases");
        string weightsFolder = Path.Combine(reference, "Weights");
        Directory.CreateDirectory(casesFolder);
        Directory.CreateDirectory(weightsFolder);

        torch.set_default_dtype(ScalarType.Float64);
        torch.set_num_threads(1);
        Console.WriteLine($"libtorch {torch.__version__}, writing under {ReferenceFolder}");

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (CaseSpec spec in Cases.All)
        {
            spec.Validate();
            if (!names.Add(spec.Name))
            {
                throw new InvalidOperationException($"Two cases are named {spec.Name}.");
            }
        }

        // Stale cases would be tested against models that no longer exist: start from an empty folder.
        foreach (string stale in Directory.GetFiles(casesFolder, "*.safetensors"))
        {
            File.Delete(stale);
        }

        long totalBytes = 0;
        foreach (CaseSpec spec in Cases.All)
        {
            string path = Path.Combine(casesFolder, spec.Name + ".safetensors");
            CaseSummary summary = WriteCase(spec, path);
            long size = new FileInfo(path).Length;
            totalBytes += size;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{spec.Name,-52} {size,9:N0} B  |out|max {summary.MaxOutput,9:G4}  |grad|max {summary.MaxGradient,9:G4}  |dx|max {summary.MaxInputGradient,9:G4}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Cases.All.Count} cases, {totalBytes:N0} bytes"));

        WeightFiles.Write(weightsFolder);
        File.WriteAllText(Path.Combine(reference, "ReferenceModels.cs"), ReferenceModelsSource(), new UTF8Encoding(false));
        Console.WriteLine("Wrote ReferenceModels.cs and the weight files.");
        TrainingReferences.Write(reference);
        ParityReferences.Write(Path.Combine(reference, "Parity"));
        DecoderReferences.Write(reference);
        EmbeddingReferences.Write(reference);
        ConvReferences.Write(reference);
        PyTorchReferences.Write(reference);
        ImageReferences.Write(reference);
        CaptionReferences.Write(reference);
        AttentionReferences.Write(reference);
        return 0;
    }

    private sealed record CaseSummary(double MaxOutput, double MaxGradient, double MaxInputGradient);

    private static CaseSummary WriteCase(CaseSpec spec, string path)
    {
        long seed = Seed(spec.Name);
        torch.manual_seed(seed);
        using DisposeScope scope = torch.NewDisposeScope();
        var model = new TorchModel(spec, ScalarType.Float64);

        // Non-default parameters: U(-a, a) with a = min(0.5, 2 / sqrt(fan_in)), wide enough that every gate works away
        // from its resting point, narrow enough that the wide layers do not saturate.
        using (torch.no_grad())
        {
            foreach ((int layer, string _, Parameter parameter) in model.ParametersByLayer())
            {
                double bound = Math.Min(0.5, 2.0 / Math.Sqrt(model.FanIn(layer)));
                parameter.uniform_(-bound, bound);
            }
        }

        // A padded case is a batch, one sample per length; its input past each length is random too (it must not matter).
        int batch = spec.Lengths?.Count ?? 1;
        Tensor? lengths = spec.Lengths is null ? null : torch.tensor(spec.Lengths.Select(l => (long)l).ToArray(), ScalarType.Int64);
        Tensor input = (torch.rand(new long[] { batch, spec.Steps, spec.InputSize }, ScalarType.Float64) * 2 - 1)
            .detach().requires_grad_(true);
        Tensor output = model.Forward(input, lengths);
        output = spec.Padded ? output : output.squeeze(0);
        Tensor doutput = torch.rand(output.shape, ScalarType.Float64) * 2 - 1;
        Tensor loss = (output * doutput).sum();
        loss.backward();

        int[] outputShape = spec.OutputShape;
        if (!output.shape.Select(d => (int)d).SequenceEqual(outputShape))
        {
            throw new InvalidOperationException($"{spec.Name}: output shape [{string.Join(", ", output.shape)}], expected [{string.Join(", ", outputShape)}].");
        }

        var parameters = new List<SafeTensorsEntry>();
        var gradients = new List<SafeTensorsEntry>();
        double maxGradient = 0;
        foreach ((string name, Parameter parameter) in model.NamedParameters())
        {
            Tensor grad = parameter.grad ?? throw new InvalidOperationException($"{spec.Name}: {name} has no gradient.");
            parameters.Add(Entry("param/" + name, parameter));
            gradients.Add(Entry("grad/" + name, grad));
            maxGradient = Math.Max(maxGradient, grad.abs().max().item<double>());
        }

        Tensor inputGradient = input.grad ?? throw new InvalidOperationException($"{spec.Name}: the input has no gradient.");
        var entries = new List<SafeTensorsEntry>();
        if (lengths is not null)
        {
            CheckPadded(spec, model, input, lengths, output, inputGradient);
            byte[] bytes = new byte[batch * sizeof(long)];
            for (int b = 0; b < batch; b++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(b * sizeof(long)), spec.Lengths![b]);
            }

            entries.Add(SafeTensorsEntry.Raw("lengths", SafeTensorsDType.I64, new[] { batch }, bytes));
        }

        entries.AddRange(new[]
        {
            Entry("input", spec.Padded ? input : input.squeeze(0)),
            Entry("output", output),
            Entry("doutput", doutput),
            Entry("grad/input", spec.Padded ? inputGradient : inputGradient.squeeze(0)),
        });
        entries.AddRange(parameters);
        entries.AddRange(gradients);

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["case"] = spec.Name,
            ["input_size"] = spec.InputSize.ToString(CultureInfo.InvariantCulture),
            ["steps"] = spec.Steps.ToString(CultureInfo.InvariantCulture),
            ["output_shape"] = $"[{string.Join(", ", outputShape)}]",
            ["layers"] = spec.LayersText,
            ["declaration"] = spec.Declaration(),
            ["loss"] = "sum(output * doutput); grad/* are its gradients",
            ["init"] = "parameters U(-a, a), a = min(0.5, 2/sqrt(fan_in)) per layer; input and doutput U(-1, 1)",
            ["dtype"] = "float64",
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["libtorch"] = torch.__version__,
            ["writer"] = "tests/Rnn.Gen.ReferenceVectors",
        };
        if (spec.Lengths is not null)
        {
            metadata["lengths"] = $"[{string.Join(", ", spec.Lengths)}]";
            metadata["padding"] = "a batch of samples padded at the end to steps, run through pack_padded_sequence / pad_packed_sequence; "
                + "padded steps output zeros (Linear outputs masked); input, output, doutput and grad/input have the batch first; "
                + "parameter gradients are summed over the batch";
        }

        SafeTensorsFile.Write(path, entries, metadata);

        return new CaseSummary(
            output.abs().max().item<double>(), maxGradient, inputGradient.abs().max().item<double>());
    }

    /// <summary>
    /// Checks a padded batch against the same model run on each sample's valid prefix alone (no packing): equal outputs
    /// over the valid steps, zeros past them, and no input gradient for the padding. Guards the packing, the batch
    /// order of <c>h_n</c> and the masks.
    /// </summary>
    private static void CheckPadded(CaseSpec spec, TorchModel model, Tensor input, Tensor lengths, Tensor output, Tensor inputGradient)
    {
        using var _ = torch.no_grad();
        for (int b = 0; b < spec.Lengths!.Count; b++)
        {
            int length = spec.Lengths[b];
            Tensor prefix = model.Forward(input.narrow(0, b, 1).narrow(1, 0, length)).squeeze(0);
            Tensor padded = output[b];
            Tensor valid = spec.ManyToMany ? padded.narrow(0, 0, length) : padded;
            double difference = (valid - prefix).abs().max().item<double>();
            double past = spec.ManyToMany && length < spec.Steps ? padded.narrow(0, length, spec.Steps - length).abs().max().item<double>() : 0;
            double padGradient = length < spec.Steps ? inputGradient[b].narrow(0, length, spec.Steps - length).abs().max().item<double>() : 0;
            if (!(difference < 1e-12) || past != 0 || padGradient != 0)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{spec.Name}: sample {b} (length {length}): packed vs prefix {difference:G3}, output past the length {past:G3}, input gradient past it {padGradient:G3}."));
            }
        }
    }

    internal static SafeTensorsEntry Entry(string name, Tensor tensor)
    {
        Tensor values = tensor.detach().contiguous();
        if (values.dtype != ScalarType.Float64)
        {
            throw new InvalidOperationException($"{name} is {values.dtype}, expected Float64.");
        }

        return SafeTensorsEntry.F64(name, values.shape.Select(d => (int)d).ToArray(), values.data<double>().ToArray());
    }

    // FNV-1a of the case name: each case's random numbers depend on nothing but its name.
    internal static long Seed(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }

    private static string FindRepositoryRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Rnn.Gen.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run from inside the repository (no Rnn.Gen.sln above the current folder), or pass its root.");
    }

    private static string ReferenceModelsSource()
    {
        var text = new StringBuilder();
        text.Append("""
            // <auto-generated>
            // Written by tests/Rnn.Gen.ReferenceVectors; do not edit. To regenerate, see tests/Rnn.Gen.Tests/Reference/README.md.
            // One model per reference case in Cases/; the source generator implements each of them.
            // </auto-generated>
            #nullable enable

            using System;
            using System.Collections.Generic;

            namespace Rnn.Gen.Tests.Reference;

            """);
        text.Append('\n');
        foreach (CaseSpec spec in Cases.All)
        {
            text.Append(spec.Declaration()).Append('\n');
        }

        text.Append("// The model of the weight files in Weights/ (").Append(WeightFiles.BaseName).Append(".*.safetensors).\n");
        text.Append(WeightFiles.Spec.Declaration().Replace("class " + WeightFiles.Spec.Name + ";", "class " + WeightFiles.ClassName + ";", StringComparison.Ordinal));
        text.Append('\n');

        text.Append("""
            /// <summary>The reference cases by name (the file names in Cases/ without extension).</summary>
            internal static class ReferenceModels
            {
                /// <summary>Every case, in the order the reference program lists them.</summary>
                public static IReadOnlyList<string> CaseNames { get; } = new[]
                {

            """);
        foreach (CaseSpec spec in Cases.All)
        {
            text.Append("        \"").Append(spec.Name).Append("\",\n");
        }

        text.Append("""
                };

                /// <summary>A new, uninitialized model of the case named <paramref name="caseName"/>.</summary>
                public static global::Rnn.Gen.IRnnModel Create(string caseName) => caseName switch
                {

            """);
        foreach (CaseSpec spec in Cases.All)
        {
            text.Append("        \"").Append(spec.Name).Append("\" => new ").Append(spec.Name).Append("(),\n");
        }

        text.Append("""
                    _ => throw new ArgumentException($"No reference case is named '{caseName}'.", nameof(caseName)),
                };
            }

            """);
        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
