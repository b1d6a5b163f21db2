using System;
using System.Collections.Generic;
using Rnn.Gen.Generator.Model;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>The code of an activation and of its derivative, for the layers that declare one (Dense, Elman).</summary>
internal static class ActivationCode
{
    /// <summary>Code that applies <paramref name="activation"/> in place to <paramref name="span"/>; empty for the identity.</summary>
    public static string Apply(ActivationKind activation, string span) => activation switch
    {
        ActivationKind.Identity => string.Empty,
        ActivationKind.Tanh => $"{VectorKernels}.Tanh({span});",
        ActivationKind.Sigmoid => $"{VectorKernels}.Sigmoid({span});",
        ActivationKind.Relu => $"{VectorKernels}.Relu({span});",
        ActivationKind.Softmax => $"{VectorKernels}.Softmax({span});",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "The parser admits no other activation."),
    };

    /// <summary>
    /// Lines that turn dL/dy in <paramref name="gradient"/> into dL/dz in place, given the activation's output
    /// <paramref name="output"/> (every derivative used here is a function of the output).
    /// </summary>
    public static IEnumerable<string> Backward(ActivationKind activation, string output, string gradient, int length)
    {
        switch (activation)
        {
            case ActivationKind.Identity:
                break;
            case ActivationKind.Tanh:
                yield return $"for (int j = 0; j < {length}; j++) {gradient}[j] *= 1f - {output}[j] * {output}[j]; // tanh' = 1 - y^2";
                break;
            case ActivationKind.Sigmoid:
                yield return $"for (int j = 0; j < {length}; j++) {gradient}[j] *= {output}[j] * (1f - {output}[j]); // sigmoid' = y (1 - y)";
                break;
            case ActivationKind.Relu:
                yield return $"for (int j = 0; j < {length}; j++) if ({output}[j] <= 0f) {gradient}[j] = 0f; // relu' = [y > 0]";
                break;
            case ActivationKind.Softmax:
                yield return $"{VectorKernels}.SoftmaxBackward({output}, {gradient}); // dz = y (dy - <dy, y>)";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "The parser admits no other activation.");
        }
    }
}
