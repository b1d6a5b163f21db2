using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Rnn.Gen.Serialization;

/// <summary>
/// Saves and loads a model's parameters as a safetensors file whose tensor names are the model's
/// <see cref="IRnnModel.ParameterLayout"/> names, the same as the equivalent PyTorch model's <c>state_dict</c>.
/// A file written by PyTorch (<c>safetensors.torch.save_file(model.state_dict(), path)</c>) loads directly, and a file
/// saved here loads into PyTorch with <c>model.load_state_dict(safetensors.torch.load_file(path))</c>.
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

    /// <summary>Loads the parameters of <paramref name="model"/> from a safetensors stream; see <see cref="Load(IRnnModel, SafeTensorsFile)"/>.</summary>
    public static void Load(IRnnModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        Load(model, SafeTensorsFile.Read(stream));
    }

    /// <summary>Loads the parameters of <paramref name="model"/> from a safetensors file; see <see cref="Load(IRnnModel, SafeTensorsFile)"/>.</summary>
    public static void Load(IRnnModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        SafeTensorsFile file = SafeTensorsFile.Read(path);
        try
        {
            Load(model, file);
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
    /// <exception cref="InvalidDataException">The file does not match the model; the message lists the problems, first one first.</exception>
    public static void Load(IRnnModel model, SafeTensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        IReadOnlyList<ParameterInfo> layout = CheckedLayout(model);
        float[] staged = ReadParameters(model, layout, file, prefix: "", f32Only: false, "The weights do not match");
        Span<float> parameters = model.Parameters;
        foreach (ParameterInfo parameter in layout)
        {
            staged.AsSpan(parameter.Offset, parameter.Length).CopyTo(parameters.Slice(parameter.Offset, parameter.Length));
        }
    }

    /// <summary>
    /// The strict reading of <see cref="Load(IRnnModel, SafeTensorsFile)"/>, shared with training checkpoints: the
    /// tensors named <paramref name="prefix"/> + a parameter's name, converted into a new array laid out as the model's
    /// <see cref="IRnnModel.Parameters"/>. Every parameter must be there with its shape, and no other tensor may carry
    /// the prefix; with <paramref name="f32Only"/> only F32 is accepted (a checkpoint resumes bit for bit).
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file does not match the model: "<paramref name="mismatch"/> <c>Model</c>: " and the problems, first one first.
    /// </exception>
    internal static float[] ReadParameters(
        IRnnModel model, IReadOnlyList<ParameterInfo> layout, SafeTensorsFile file, string prefix, bool f32Only, string mismatch)
    {
        var staged = new float[model.ParameterCount];
        var problems = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (ParameterInfo parameter in layout)
        {
            string name = prefix + parameter.Name;
            expected.Add(name);
            if (!file.TryGetTensor(name, out SafeTensor? tensor))
            {
                problems.Add($"missing tensor '{name}' [{string.Join(", ", parameter.Shape)}]");
            }
            else if (!tensor.HasShape(parameter.Shape))
            {
                problems.Add($"tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}], the model's is [{string.Join(", ", parameter.Shape)}]");
            }
            else if (f32Only ? tensor.DType != SafeTensorsDType.F32 : !SafeTensorsDTypes.IsConvertibleFloat(tensor.DType))
            {
                problems.Add($"tensor '{name}' has dtype {tensor.DType}; parameters load from {(f32Only ? "F32 only (a checkpoint resumes bit for bit)" : "F32, F64, F16 or BF16")}");
            }
            else
            {
                tensor.CopyTo(staged.AsSpan(parameter.Offset, parameter.Length));
            }
        }

        foreach (SafeTensor tensor in file.Tensors)
        {
            if (tensor.Name.StartsWith(prefix, StringComparison.Ordinal) && !expected.Contains(tensor.Name))
            {
                problems.Add($"unexpected tensor '{tensor.Name}' (the model has no such parameter)");
            }
        }

        if (problems.Count > 0)
        {
            const int Shown = 8;
            string more = problems.Count > Shown ? $"; and {problems.Count - Shown} more" : "";
            throw new InvalidDataException(
                $"{mismatch} {model.GetType().Name}: {string.Join("; ", problems.Take(Shown))}{more}. Nothing was loaded.");
        }

        return staged;
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
