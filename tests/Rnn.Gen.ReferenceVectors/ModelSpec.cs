using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>The kinds of layer a reference case can declare (the attributes of the same names).</summary>
internal enum LayerKind
{
    Lstm,
    Gru,
    SimpleRnn,
    Dense,
}

/// <summary>
/// One layer of a case: the attribute the generated model declares and the PyTorch module it maps to.
/// <paramref name="Size"/> is the hidden size of a recurrent layer or the units of a Dense layer.
/// </summary>
internal sealed record LayerSpec(LayerKind Kind, int Size, bool ReturnSequences = false, Activation Activation = Activation.Identity)
{
    public bool IsRecurrent => Kind != LayerKind.Dense;

    /// <summary>A short token for case names: <c>Lstm8Seq</c>, <c>RnnRelu7</c>, <c>Dense2Tanh</c>.</summary>
    public string Token => Kind switch
    {
        LayerKind.Lstm => $"Lstm{Size}{(ReturnSequences ? "Seq" : "")}",
        LayerKind.Gru => $"Gru{Size}{(ReturnSequences ? "Seq" : "")}",
        LayerKind.SimpleRnn => $"Rnn{Activation}{Size}{(ReturnSequences ? "Seq" : "")}",
        _ => Activation == Activation.Identity ? $"Dense{Size}" : $"Dense{Size}{Activation}",
    };

    /// <summary>The attribute as C# source, for example <c>[Lstm(8, ReturnSequences = true)]</c>.</summary>
    public string Attribute
    {
        get
        {
            var arguments = new List<string> { Size.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (IsRecurrent && ReturnSequences)
            {
                arguments.Add("ReturnSequences = true");
            }

            if (Kind == LayerKind.SimpleRnn || (Kind == LayerKind.Dense && Activation != Activation.Identity))
            {
                arguments.Add($"Activation = Activation.{Activation}");
            }

            return $"[{Kind}({string.Join(", ", arguments)})]";
        }
    }
}

/// <summary>A reference case: a model with fixed sizes, named after its layers, input size and steps.</summary>
internal sealed record CaseSpec(int InputSize, int Steps, IReadOnlyList<LayerSpec> Layers)
{
    public string Name => $"{string.Join("_", Layers.Select(l => l.Token))}_I{InputSize}_T{Steps}";

    /// <summary>Whether the output is a sequence (the last recurrent layer returns sequences).</summary>
    public bool ManyToMany => Layers.Last(l => l.IsRecurrent).ReturnSequences;

    public int OutputSize => Layers[^1].Size;

    public int[] OutputShape => ManyToMany ? new[] { Steps, OutputSize } : new[] { OutputSize };

    /// <summary>Checks what the generator requires: recurrent layers first, only the last may drop the sequence.</summary>
    public void Validate()
    {
        bool sequence = true;
        bool seenDense = false;
        foreach (LayerSpec layer in Layers)
        {
            if (layer.IsRecurrent)
            {
                if (!sequence || seenDense)
                {
                    throw new InvalidOperationException($"{Name}: a recurrent layer needs a sequence input from a recurrent layer.");
                }

                sequence = layer.ReturnSequences;
            }
            else
            {
                seenDense = true;
            }

            if (layer.Kind == LayerKind.SimpleRnn && layer.Activation is not (Activation.Tanh or Activation.Relu))
            {
                throw new InvalidOperationException($"{Name}: SimpleRnn takes Tanh or Relu.");
            }
        }

        if (!Layers[0].IsRecurrent)
        {
            throw new InvalidOperationException($"{Name}: the first layer must be recurrent.");
        }
    }

    /// <summary>The model declaration the generator compiles for this case.</summary>
    public string Declaration()
    {
        var text = new StringBuilder();
        text.Append("[RnnModel(inputSize: ").Append(InputSize).Append(", steps: ").Append(Steps).Append(")]\n");
        foreach (LayerSpec layer in Layers)
        {
            text.Append(layer.Attribute).Append('\n');
        }

        text.Append("internal partial class ").Append(Name).Append(";\n");
        return text.ToString();
    }

    /// <summary>A one-line description of the layers for the file's metadata.</summary>
    public string LayersText => string.Join(" ", Layers.Select(l => l.Attribute));
}
