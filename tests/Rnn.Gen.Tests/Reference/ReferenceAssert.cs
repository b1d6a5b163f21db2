using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;
using Xunit.Sdk;

namespace Rnn.Gen.Tests.Reference;

/// <summary>Loading reference files and comparing float results with float64 references on a relative measure.</summary>
internal static class ReferenceAssert
{
    public static string CasePath(string caseName) =>
        Path.Combine(AppContext.BaseDirectory, "Reference", "Cases", caseName + ".safetensors");

    public static string WeightsPath(string fileName) =>
        Path.Combine(AppContext.BaseDirectory, "Reference", "Weights", fileName);

    /// <summary>
    /// Fails unless max |actual - expected| / max |expected| is within <paramref name="tolerance"/> (an all-zero
    /// reference is compared absolutely). The message names the case, the tensor, the worst element and both values.
    /// </summary>
    public static double Close(string caseName, string tensor, IReadOnlyList<int> shape, ReadOnlySpan<double> expected,
        ReadOnlySpan<float> actual, double tolerance)
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{caseName}: {tensor} has {actual.Length} elements, the reference has {expected.Length}.");
        }

        double scale = 0;
        foreach (double value in expected)
        {
            scale = Math.Max(scale, Math.Abs(value));
        }

        double worst = -1;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(error))
            {
                error = double.PositiveInfinity;
            }

            if (error > worst)
            {
                worst = error;
                worstIndex = i;
            }
        }

        double relative = worst / (scale > 0 ? scale : 1);
        if (worstIndex >= 0 && !(relative <= tolerance))
        {
            throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                $"{caseName}: {tensor} differs from libtorch: max |error| / max |reference| = {relative:G3} > {tolerance:G2}; "
                + $"worst element {worstIndex} {Index(shape, worstIndex)}: expected {expected[worstIndex]:R}, actual {actual[worstIndex]:R} "
                + $"(max |reference| {scale:G4})."));
        }

        return relative;
    }

    /// <summary>As the other overload; returns the relative error measured.</summary>
    public static double Close(string caseName, string tensor, SafeTensor expected, ReadOnlySpan<float> actual, double tolerance) =>
        Close(caseName, tensor, expected.Shape, expected.ToDoubleArray(), actual, tolerance);

    /// <summary>Copies every <c>{prefix}{name}</c> tensor of the file into the model's parameters, checking the names both ways.</summary>
    public static void LoadParameters(string caseName, IRnnModel model, SafeTensorsFile file, string prefix)
    {
        var layoutNames = new HashSet<string>(StringComparer.Ordinal);
        Span<float> parameters = model.Parameters;
        int covered = 0;
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            layoutNames.Add(parameter.Name);
            if (!file.TryGetTensor(prefix + parameter.Name, out SafeTensor? tensor))
            {
                throw new XunitException($"{caseName}: the model has parameter {parameter.Name}, the reference has no {prefix}{parameter.Name}.");
            }

            if (!tensor.HasShape(parameter.Shape))
            {
                throw new XunitException(
                    $"{caseName}: {parameter.Name} is [{string.Join(", ", parameter.Shape)}] in the model, [{string.Join(", ", tensor.Shape)}] in the reference.");
            }

            tensor.CopyTo(parameter.Slice(parameters));
            covered += parameter.Length;
        }

        foreach (SafeTensor tensor in file.Tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            if (!layoutNames.Contains(tensor.Name[prefix.Length..]))
            {
                throw new XunitException($"{caseName}: the reference has {tensor.Name}, the model has no parameter {tensor.Name[prefix.Length..]}.");
            }
        }

        if (covered != model.ParameterCount)
        {
            throw new XunitException($"{caseName}: the layout covers {covered} parameters, ParameterCount is {model.ParameterCount}.");
        }
    }

    /// <summary>The largest |expected − actual| over two vectors of one length (the error a looser model, int8 or fast, states against libtorch).</summary>
    public static double MaxAbs(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        return worst;
    }

    /// <summary>The per-sample lengths of a padded case (<c>lengths</c>: I64 as PyTorch's, or a float tensor of whole numbers).</summary>
    public static int[] Lengths(string caseName, SafeTensor tensor)
    {
        if (tensor.Shape.Count != 1)
        {
            throw new XunitException($"{caseName}: lengths is [{string.Join(", ", tensor.Shape)}], expected one dimension.");
        }

        var lengths = new int[tensor.ElementCount];
        for (int i = 0; i < lengths.Length; i++)
        {
            double value = tensor.DType switch
            {
                SafeTensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(tensor.Data.Span[(i * sizeof(long))..]),
                SafeTensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(tensor.Data.Span[(i * sizeof(int))..]),
                _ => tensor.ToDoubleArray()[i],
            };
            if (value != Math.Floor(value) || value < 1 || value > int.MaxValue)
            {
                throw new XunitException($"{caseName}: lengths[{i}] = {value} is not a positive whole number.");
            }

            lengths[i] = (int)value;
        }

        return lengths;
    }

    private static string Index(IReadOnlyList<int> shape, int flat)
    {
        var index = new int[shape.Count];
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }

        return "[" + string.Join(", ", index) + "]";
    }

    /// <summary>
    /// A float model against a reference case of <c>input</c>, <c>output</c>, <c>doutput</c>, <c>param/*</c>,
    /// <c>grad/*</c> and optionally <c>lengths</c> (a padded batch): Forward and Backward sample after sample (output
    /// buffers start as garbage, so every element must be written), Predict, and the batch path with the lengths; the
    /// outputs within <paramref name="outputTolerance"/>, every parameter gradient (summed over the batch) and the input
    /// gradient within <paramref name="gradientTolerance"/>.
    /// </summary>
    public static void MatchesEveryPath(string caseName, IRnnModel model, SafeTensorsFile file, double outputTolerance, double gradientTolerance)
    {
        LoadParameters(caseName, model, file, "param/");
        int[] lengths = file.TryGetTensor("lengths", out SafeTensor? tensor) ? Lengths(caseName, tensor) : new[] { model.Steps };
        int batch = lengths.Length, inputLength = model.Steps * model.InputSize, outputLength = model.OutputSteps * model.OutputSize;
        float[] input = file["input"].ToSingleArray();
        float[] doutput = file["doutput"].ToSingleArray();
        Xunit.Assert.Equal(batch * inputLength, input.Length);
        Xunit.Assert.Equal(batch * outputLength, file["output"].ElementCount);

        float[] output = Enumerable.Repeat(7f, batch * outputLength).ToArray();
        float[] inputGradient = Enumerable.Repeat(7f, batch * inputLength).ToArray();
        model.ZeroGradients();
        for (int b = 0; b < batch; b++)
        {
            model.Forward(input.AsSpan(b * inputLength, inputLength), output.AsSpan(b * outputLength, outputLength), lengths[b]);
            model.Backward(doutput.AsSpan(b * outputLength, outputLength), inputGradient.AsSpan(b * inputLength, inputLength));
        }

        Close(caseName, "output (Forward)", file["output"], output, outputTolerance);
        CloseGradients(caseName, model, file, inputGradient, "Backward", gradientTolerance);

        float[] predicted = Enumerable.Repeat(7f, batch * outputLength).ToArray();
        for (int b = 0; b < batch; b++)
        {
            model.Predict(input.AsSpan(b * inputLength, inputLength), predicted.AsSpan(b * outputLength, outputLength), lengths[b]);
        }

        Close(caseName, "output (Predict)", file["output"], predicted, outputTolerance);

        var batched = (IRnnBatchModel)model;
        float[] outputs = Enumerable.Repeat(7f, batch * outputLength).ToArray(), inputGradients = new float[batch * inputLength];
        batched.ZeroGradients();
        batched.ForwardBatch(input, outputs, lengths);
        batched.BackwardBatch(doutput, inputGradients);
        Close(caseName, "output (ForwardBatch)", file["output"], outputs, outputTolerance);
        CloseGradients(caseName, model, file, inputGradients, "BackwardBatch", gradientTolerance);
    }

    /// <summary>Every parameter gradient (summed over the batch) and the input gradient against the reference's.</summary>
    private static void CloseGradients(string caseName, IRnnModel model, SafeTensorsFile file, float[] inputGradient, string pass, double tolerance)
    {
        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            Close(caseName, $"grad/{parameter.Name} ({pass})", file["grad/" + parameter.Name], parameter.Slice(model.Gradients), tolerance);
        }

        Close(caseName, $"grad/input ({pass})", file["grad/input"], inputGradient, tolerance);
    }
}
