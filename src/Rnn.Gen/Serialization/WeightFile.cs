using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Rnn.Gen.Serialization;

/// <summary>
/// Saves and loads a model's parameters as a safetensors file whose tensor names are the model's
/// <see cref="IRnnModel.ParameterLayout"/> names, the same as the equivalent PyTorch model's <c>state_dict</c>.
/// A file written by PyTorch (<c>safetensors.torch.save_file(model.state_dict(), path)</c>) loads directly, and a file
/// saved here loads into PyTorch with <c>model.load_state_dict(safetensors.torch.load_file(path))</c>. Loading also
/// reads PyTorch's own checkpoints (<c>torch.save(model.state_dict(), path)</c>, see <see cref="PyTorchFile"/>), and
/// takes a name map for files named by module attribute rather than by layer position.
/// </summary>
public static class WeightFile
{
    /// <summary>The metadata written when the caller gives none: PyTorch's tools read <c>format = pt</c> as "a state_dict".</summary>
    public static IReadOnlyDictionary<string, string> DefaultMetadata { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };

    /// <summary>
    /// Writes every parameter of <paramref name="model"/> as an F32 tensor (bit-exact) to <paramref name="stream"/>, with
    /// <paramref name="metadata"/> (or <see cref="DefaultMetadata"/>) and the data's SHA-256 under
    /// <see cref="SafeTensorsFile.DataHashKey"/>, which loading verifies.
    /// </summary>
    public static void Save(IRnnModel model, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        List<SafeTensorsEntry> entries = Entries(model);
        SafeTensorsFile.Write(stream, entries, SafeTensorsFile.WithDataHash(entries, metadata ?? DefaultMetadata));
    }

    /// <summary>
    /// Writes every parameter of <paramref name="model"/> as an F32 tensor at <paramref name="path"/>, atomically: a
    /// crash or an error never leaves a partial file under that name. The metadata and the data's SHA-256 are as
    /// <see cref="Save(IRnnModel, Stream, IReadOnlyDictionary{string, string}?)"/> writes them.
    /// </summary>
    public static void Save(IRnnModel model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        List<SafeTensorsEntry> entries = Entries(model);
        SafeTensorsFile.Write(path, entries, SafeTensorsFile.WithDataHash(entries, metadata ?? DefaultMetadata));
    }

    /// <summary>
    /// Loads the parameters of <paramref name="model"/> from a stream holding a safetensors file or a PyTorch checkpoint
    /// (<c>torch.save(model.state_dict())</c>), told apart by their first bytes; see <see cref="Load(IRnnModel, SafeTensorsFile, IReadOnlyDictionary{string, string}?)"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is in neither format, is malformed, or does not match the model; nothing was loaded.</exception>
    public static void Load(IRnnModel model, Stream stream, IReadOnlyDictionary<string, string>? nameMap = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Load(model, WeightFormat.Read(stream), nameMap);
    }

    /// <summary>
    /// Loads the parameters of <paramref name="model"/> from a safetensors file or a PyTorch checkpoint (<c>.pt</c>,
    /// <c>.pth</c>: <c>torch.save(model.state_dict(), path)</c>), told apart by their first bytes, not by the name;
    /// see <see cref="Load(IRnnModel, SafeTensorsFile, IReadOnlyDictionary{string, string}?)"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is in neither format, is malformed, or does not match the model; the message starts with the path; nothing was loaded.</exception>
    public static void Load(IRnnModel model, string path, IReadOnlyDictionary<string, string>? nameMap = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        IReadOnlyList<SafeTensor> tensors = WeightFormat.Read(path);
        try
        {
            Load(model, tensors, nameMap);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Copies the file's tensors into <paramref name="model"/>'s parameters, strictly, as PyTorch's
    /// <c>load_state_dict(strict=True)</c>: every parameter of the layout must be in the file with the same shape, and
    /// the file may hold no other tensor (its <c>__metadata__</c> is ignored; the data's SHA-256, when recorded, was
    /// verified when the file was read). F32, F64, F16 and BF16 are accepted and
    /// converted to float. Either every parameter is loaded or none is: the tensors are converted into a staging
    /// buffer and copied into the model only once all of them have passed.
    /// </summary>
    /// <param name="model">The model whose parameters are set.</param>
    /// <param name="file">The tensors.</param>
    /// <param name="nameMap">
    /// Optional: the model's name (a <see cref="IRnnModel.ParameterLayout"/> name such as <c>0.weight_ih_l0</c>) of each
    /// file name it holds, for a file named by module attribute (<c>lstm.weight_ih_l0</c>, <c>fc.weight</c>) rather than
    /// by layer position. Names it does not hold are taken as they are; each of its keys must name a tensor of the file.
    /// </param>
    /// <exception cref="InvalidDataException">
    /// The file does not match the model; the message lists the problems, first one first, and when names differ the
    /// names on both sides (the map to write).
    /// </exception>
    public static void Load(IRnnModel model, SafeTensorsFile file, IReadOnlyDictionary<string, string>? nameMap = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        Load(model, file.Tensors, nameMap);
    }

    /// <summary>
    /// Copies the checkpoint's tensors into <paramref name="model"/>'s parameters, strictly and all or nothing, as
    /// <see cref="Load(IRnnModel, SafeTensorsFile, IReadOnlyDictionary{string, string}?)"/> does (float32, float64,
    /// float16 and bfloat16 storages are converted to float).
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint does not match the model; the message lists the problems and, when names differ, the names on both sides.</exception>
    public static void Load(IRnnModel model, PyTorchFile file, IReadOnlyDictionary<string, string>? nameMap = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        Load(model, file.Tensors, nameMap);
    }

    private static void Load(IRnnModel model, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? nameMap)
    {
        IReadOnlyList<ParameterInfo> layout = CheckedLayout(model);
        float[] staged = ReadParameters(model, layout, tensors, nameMap, prefix: "", f32Only: false, "The weights do not match", listNames: true);
        Span<float> parameters = model.Parameters;
        foreach (ParameterInfo parameter in layout)
        {
            staged.AsSpan(parameter.Offset, parameter.Length).CopyTo(parameters.Slice(parameter.Offset, parameter.Length));
        }
    }

    /// <summary>
    /// The strict reading of <see cref="Load(IRnnModel, SafeTensorsFile, IReadOnlyDictionary{string, string}?)"/>, shared with training checkpoints: the
    /// tensors named <paramref name="prefix"/> + a parameter's name, converted into a new array laid out as the model's
    /// <see cref="IRnnModel.Parameters"/>. Every parameter must be there with its shape, and no other tensor may carry
    /// the prefix; with <paramref name="f32Only"/> only F32 is accepted (a checkpoint resumes bit for bit).
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file does not match the model: "<paramref name="mismatch"/> <c>Model</c>: " and the problems, first one first.
    /// </exception>
    internal static float[] ReadParameters(
        IRnnModel model, IReadOnlyList<ParameterInfo> layout, SafeTensorsFile file, string prefix, bool f32Only, string mismatch) =>
        ReadParameters(model, layout, file.Tensors, nameMap: null, prefix, f32Only, mismatch, listNames: false);

    /// <summary>
    /// The strict reading over any list of tensors (a safetensors file's or a PyTorch checkpoint's), each known by its
    /// name after <paramref name="nameMap"/>. With <paramref name="listNames"/>, a mismatch of names also lists the
    /// names on both sides, so that the user sees the map to write.
    /// </summary>
    private static float[] ReadParameters(IRnnModel model, IReadOnlyList<ParameterInfo> layout, IReadOnlyList<SafeTensor> tensors,
        IReadOnlyDictionary<string, string>? nameMap, string prefix, bool f32Only, string mismatch, bool listNames)
    {
        var staged = new float[model.ParameterCount];
        var problems = new List<string>();

        // Each tensor under the name it loads as; what it is called in the file, for the messages.
        var byName = new Dictionary<string, SafeTensor>(tensors.Count, StringComparer.Ordinal);
        var mapped = new List<(string Name, SafeTensor Tensor)>(tensors.Count);
        bool namesDiffer = false;
        if (nameMap is not null)
        {
            var fileNames = new HashSet<string>(tensors.Select(t => t.Name), StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> pair in nameMap)
            {
                if (!fileNames.Contains(pair.Key))
                {
                    problems.Add($"the name map renames '{pair.Key}', which the file does not hold");
                    namesDiffer = true;
                }
            }
        }

        foreach (SafeTensor tensor in tensors)
        {
            string name = nameMap is not null && nameMap.TryGetValue(tensor.Name, out string? renamed) ? renamed : tensor.Name;
            if (byName.TryGetValue(name, out SafeTensor? other))
            {
                problems.Add($"tensors '{other.Name}' and '{tensor.Name}' both load as '{name}'");
                namesDiffer = true;
                continue;
            }

            byName.Add(name, tensor);
            mapped.Add((name, tensor));
        }

        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (ParameterInfo parameter in layout)
        {
            string name = prefix + parameter.Name;
            expected.Add(name);
            if (!byName.TryGetValue(name, out SafeTensor? tensor))
            {
                problems.Add($"missing tensor '{name}' [{string.Join(", ", parameter.Shape)}]");
                namesDiffer = true;
                continue;
            }

            string called = tensor.Name == name ? $"'{name}'" : $"'{tensor.Name}' (as '{name}')";
            if (!tensor.HasShape(parameter.Shape))
            {
                problems.Add($"tensor {called} has shape [{string.Join(", ", tensor.Shape)}], the model's is [{string.Join(", ", parameter.Shape)}]");
            }
            else if (f32Only ? tensor.DType != SafeTensorsDType.F32 : !SafeTensorsDTypes.IsConvertibleFloat(tensor.DType))
            {
                problems.Add($"tensor {called} has dtype {tensor.DType}; parameters load from {(f32Only ? "F32 only (a checkpoint resumes bit for bit)" : "F32, F64, F16 or BF16")}");
            }
            else
            {
                tensor.CopyTo(staged.AsSpan(parameter.Offset, parameter.Length));
            }
        }

        foreach ((string name, SafeTensor tensor) in mapped)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && !expected.Contains(name))
            {
                problems.Add(tensor.Name == name
                    ? $"unexpected tensor '{name}' (the model has no such parameter)"
                    : $"unexpected tensor '{tensor.Name}' (as '{name}'; the model has no such parameter)");
                namesDiffer = true;
            }
        }

        if (problems.Count > 0)
        {
            const int Shown = 8;
            string more = problems.Count > Shown ? $"; and {problems.Count - Shown} more" : "";
            string names = listNames && namesDiffer ? NameLists(layout, tensors, nameMap) : "";
            throw new InvalidDataException(
                $"{mismatch} {model.GetType().Name}: {string.Join("; ", problems.Take(Shown))}{more}. Nothing was loaded.{names}");
        }

        return staged;
    }

    // Both sides' names and shapes, in their own order, and how to bridge them: what a user needs to write a name map.
    private static string NameLists(IReadOnlyList<ParameterInfo> layout, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? nameMap)
    {
        const int Listed = 64;
        static string List(IEnumerable<string> items, int count) =>
            string.Join(", ", items.Take(Listed)) + (count > Listed ? $", and {count - Listed} more" : "");

        string file = List(tensors.Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]"), tensors.Count);
        string model = List(layout.Select(p => $"{p.Name} [{string.Join(", ", p.Shape)}]"), layout.Count);
        string map = nameMap is null
            ? "Pass a name map from the file's names to the model's (LoadWeights(path, nameMap))"
            : $"The name map given renames {nameMap.Count} of them";
        return $" The file's tensors: {file}. The model's parameters: {model}. {map}.";
    }

    /// <summary>One F32 entry per parameter of <paramref name="layout"/>, named <paramref name="prefix"/> + its name, over <paramref name="parameters"/>.</summary>
    internal static List<SafeTensorsEntry> Entries(IReadOnlyList<ParameterInfo> layout, float[] parameters, string prefix)
    {
        var entries = new List<SafeTensorsEntry>(layout.Count);
        foreach (ParameterInfo parameter in layout)
        {
            entries.Add(SafeTensorsEntry.F32(prefix + parameter.Name, parameter.Shape.ToArray(),
                new ReadOnlyMemory<float>(parameters, parameter.Offset, parameter.Length)));
        }

        return entries;
    }

    private static List<SafeTensorsEntry> Entries(IRnnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Entries(CheckedLayout(model), model.Parameters.ToArray(), prefix: "");
    }

    // A model's own description must be consistent before any file is trusted against it.
    private static IReadOnlyList<ParameterInfo> CheckedLayout(IRnnModel model)
    {
        IReadOnlyList<ParameterInfo> layout = model.ParameterLayout;
        int count = model.ParameterCount;
        if (model.Parameters.Length != count)
        {
            throw new ArgumentException($"{model.GetType().Name}: Parameters has {model.Parameters.Length} elements, ParameterCount says {count}.", nameof(model));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ParameterInfo parameter in layout)
        {
            if (!names.Add(parameter.Name))
            {
                throw new ArgumentException($"{model.GetType().Name}: the parameter layout names '{parameter.Name}' twice.", nameof(model));
            }

            if ((long)parameter.Offset + parameter.Length > count)
            {
                throw new ArgumentException($"{model.GetType().Name}: parameter {parameter} runs past the {count} parameters.", nameof(model));
            }
        }

        return layout;
    }
}
