using System;
using System.Linq;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;

namespace Rnn.Gen.Generator.Layers;

/// <summary>The options several layer kinds share, read and validated the same way for each: dropout rates, penalties, activations.</summary>
internal static class LayerOptions
{
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
