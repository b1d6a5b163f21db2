using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// The training runtime's libtorch references: optimizer trajectories (Optimizers/), losses with their gradients
/// (Losses/), gradient clipping and learning-rate schedules (Training/). Every file is float64, written from inputs
/// that are exactly representable in float32 with hyper-parameters that are too, so the float runtime and libtorch
/// solve the same problem. See tests/Rnn.Gen.Tests/Reference/README.md.
/// </summary>
internal static class TrainingReferences
{
    public static void Write(string referenceFolder)
    {
        torch.set_default_dtype(ScalarType.Float64);
        string optimizers = Path.Combine(referenceFolder, "Optimizers");
        string losses = Path.Combine(referenceFolder, "Losses");
        string training = Path.Combine(referenceFolder, "Training");
        foreach (string folder in new[] { optimizers, losses, training })
        {
            Directory.CreateDirectory(folder);
            foreach (string stale in Directory.GetFiles(folder, "*.safetensors"))
            {
                File.Delete(stale);
            }
        }

        OptimizerReferences.Write(optimizers);
        LossReferences.Write(losses);
        ClippingReferences.Write(training);
        ScheduleReferences.Write(training);
        foreach (string folder in new[] { optimizers, losses, training })
        {
            foreach (string file in Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetRelativePath(referenceFolder, file),-40} {new FileInfo(file).Length,9:N0} B"));
            }
        }
    }

    /// <summary>The value as the float the runtime will use, widened back: hyper-parameters both sides agree on.</summary>
    public static double F(double value) => (float)value;

    /// <summary>Rounds every element to float32 and back, so the float runtime reads exactly these numbers.</summary>
    public static Tensor ToFloat32Exact(Tensor tensor) => tensor.to(ScalarType.Float32).to(ScalarType.Float64);

    /// <summary>A seeded generator for one file, from its name (FNV-1a), independent of every other file.</summary>
    public static void Seed(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 16777619;
        }

        torch.manual_seed(hash);
    }

    public static SafeTensorsEntry Entry(string name, Tensor tensor)
    {
        Tensor values = tensor.detach().contiguous();
        if (values.dtype != ScalarType.Float64)
        {
            throw new InvalidOperationException($"{name} is {values.dtype}, expected Float64.");
        }

        return SafeTensorsEntry.F64(name, values.shape.Select(d => (int)d).ToArray(), values.data<double>().ToArray());
    }

    public static SafeTensorsEntry Scalar(string name, double value) => SafeTensorsEntry.F64(name, [1], new[] { value });

    public static SafeTensorsEntry Vector(string name, double[] values) => SafeTensorsEntry.F64(name, [values.Length], values);

    /// <summary><c>key=value;...</c> with round-trip invariant numbers: how a case's options are written in the metadata.</summary>
    public static string Options(params (string Key, object Value)[] options) =>
        string.Join(";", options.Select(o => o.Key + "=" + o.Value switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
            _ => o.Value.ToString(),
        }));

    public static Dictionary<string, string> Metadata(string what)
    {
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["contents"] = what,
            ["dtype"] = "float64; inputs and hyper-parameters exactly representable in float32",
            ["libtorch"] = torch.__version__,
            ["writer"] = "tests/Rnn.Gen.ReferenceVectors",
        };
    }
}
