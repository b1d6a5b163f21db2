using System;
using System.Linq;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;

namespace Rnn.Gen.Generator.Layers;

/// <summary>The options several layer kinds share, read and validated the same way for each: dropout rates, penalties, activations.</summary>
internal static class LayerOptions
{
    /// <summary>
    /// What every convolution reads: <c>filters</c> and <c>kernelSize</c> (the constructor's first two arguments) and the
    /// named <c>Stride</c> and <c>Dilation</c> (1 when not set), each with a diagnostic when not positive (then
    /// <c>Valid</c> is false). Null when an argument is malformed: the compiler reports that.
    /// </summary>
    public static (int Filters, int KernelSize, int Stride, int Dilation, bool Valid)? Convolution(AttributeReader attribute)
    {
        if (!attribute.TryGetArgument(0, out int filters) || !attribute.TryGetArgument(1, out int kernelSize))
        {
            return null;
        }

        bool valid = attribute.CheckPositive($"The filter count of [{attribute.Display}]", filters, attribute.ArgumentLocation(0, "filters"));
        valid &= attribute.CheckPositive($"The kernel size of [{attribute.Display}]", kernelSize, attribute.ArgumentLocation(1, "kernelSize"));
        if (attribute.HasMalformedNamedArgument)
        {
            return null;
        }

        int stride = attribute.Named<int>("Stride") ?? 1;
        int dilation = attribute.Named<int>("Dilation") ?? 1;
        valid &= attribute.CheckPositive($"The stride of [{attribute.Display}]", stride, attribute.NamedArgumentLocation("Stride"));
        valid &= attribute.CheckPositive($"The dilation of [{attribute.Display}]", dilation, attribute.NamedArgumentLocation("Dilation"));
        return (filters, kernelSize, stride, dilation, valid);
    }

    /// <summary>A dropout rate named <paramref name="name"/> (0 when not set); null, with a diagnostic, outside [0, 1).</summary>
    public static double? Dropout(AttributeReader attribute, string name)
    {
        double rate = attribute.Named<double>(name) ?? 0;
        if (rate >= 0 && rate < 1)
        {
            return rate;
        }

        attribute.Report(DiagnosticDescriptors.DropoutOutOfRange, attribute.NamedArgumentLocation(name), name, attribute.Display, AttributeReader.Format(rate));
        return null;
    }

    /// <summary>The L1/L2 penalty factors (0 when not set); null, with a diagnostic for each, when one is negative or infinite.</summary>
    public static Penalties? ReadPenalties(AttributeReader attribute)
    {
        double[] factors = Penalties.ArgumentNames.Select(name => attribute.Named<double>(name) ?? 0).ToArray();
        bool valid = true;
        for (int i = 0; i < factors.Length; i++)
        {
            valid &= attribute.CheckFactor(Penalties.ArgumentNames[i], factors[i], attribute.NamedArgumentLocation(Penalties.ArgumentNames[i]));
        }

        return valid ? new Penalties(factors[0], factors[1], factors[2], factors[3], factors[4], factors[5]) : null;
    }

    /// <summary>The <c>Activation</c> argument (<paramref name="fallback"/> when not set); null, with a diagnostic, when it is not one of <paramref name="allowed"/>.</summary>
    public static ActivationKind? Activation(AttributeReader attribute, ActivationKind fallback, params ActivationKind[] allowed)
    {
        ActivationKind activation = attribute.Named<int>("Activation") is int value ? (ActivationKind)value : fallback;
        if (Array.IndexOf(allowed, activation) >= 0)
        {
            return activation;
        }

        string shown = Enum.IsDefined(typeof(ActivationKind), activation) ? $"Activation.{activation}" : ((int)activation).ToString(System.Globalization.CultureInfo.InvariantCulture);
        attribute.Report(
            DiagnosticDescriptors.UnsupportedActivation,
            attribute.NamedArgumentLocation("Activation"),
            attribute.Display,
            shown,
            string.Join(", ", allowed.Select(a => $"Activation.{a}")));
        return null;
    }
}
