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
/// <paramref name="Size"/> is the hidden size of a recurrent layer or the units of a Dense layer. A bidirectional
/// recurrent layer is PyTorch's single-layer <c>bidirectional=True</c> module, its two directions merged by
/// <paramref name="MergeMode"/>.
/// </summary>
internal sealed record LayerSpec(
    LayerKind Kind,
    int Size,
    bool ReturnSequences = false,
    Activation Activation = Activation.Identity,
    bool Bidirectional = false,
    MergeMode MergeMode = MergeMode.Concat)
{
    public bool IsRecurrent => Kind != LayerKind.Dense;

    /// <summary>Features per output step: twice the hidden size for a bidirectional layer that concatenates.</summary>
    public int OutputFeatures => Bidirectional && MergeMode == MergeMode.Concat ? 2 * Size : Size;

    /// <summary>
    /// A short token for case names: <c>Lstm8Seq</c>, <c>RnnRelu7</c>, <c>Dense2Tanh</c>; bidirectional layers start
    /// with <c>Bi</c> and name a merge mode other than concatenation: <c>BiGru5Seq</c>, <c>BiLstm4SumSeq</c>.
    /// </summary>
    public string Token
    {
        get
        {
            string kind = Kind switch
            {
                LayerKind.Lstm => "Lstm",
                LayerKind.Gru => "Gru",
                LayerKind.SimpleRnn => $"Rnn{Activation}",
                _ => "Dense",
            };
            if (!IsRecurrent)
            {
                return Activation == Activation.Identity ? $"Dense{Size}" : $"Dense{Size}{Activation}";
            }

            string merge = Bidirectional && MergeMode != MergeMode.Concat ? MergeMode.ToString() : "";
            return $"{(Bidirectional ? "Bi" : "")}{kind}{Size}{merge}{(ReturnSequences ? "Seq" : "")}";
        }
    }

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

            if (Bidirectional)
            {
                arguments.Add("Bidirectional = true");
                if (MergeMode != MergeMode.Concat)
                {
                    arguments.Add($"MergeMode = MergeMode.{MergeMode}");
                }
            }

            if (Kind == LayerKind.SimpleRnn || (Kind == LayerKind.Dense && Activation != Activation.Identity))
            {
                arguments.Add($"Activation = Activation.{Activation}");
            }

            return $"[{Kind}({string.Join(", ", arguments)})]";
        }
    }
}

/// <summary>
/// A reference case: a model with fixed sizes, named after its layers, input size and steps. With
/// <paramref name="Lengths"/> it is a padded case: a batch of samples padded at the end to <paramref name="Steps"/>, one
/// valid length per sample (run through <c>pack_padded_sequence</c>), named with the lengths: <c>..._T7_Len7_4_1</c>.
/// </summary>
internal sealed record CaseSpec(int InputSize, int Steps, IReadOnlyList<LayerSpec> Layers, IReadOnlyList<int>? Lengths = null)
{
    public string Name => $"{string.Join("_", Layers.Select(l => l.Token))}_I{InputSize}_T{Steps}"
        + (Lengths is null ? "" : "_Len" + string.Join("_", Lengths));

    /// <summary>Whether the output is a sequence (the last recurrent layer returns sequences).</summary>
    public bool ManyToMany => Layers.Last(l => l.IsRecurrent).ReturnSequences;

    public int OutputSize => Layers[^1].OutputFeatures;

    public bool Padded => Lengths is not null;

    /// <summary>One sample's output shape, with the batch dimension first for a padded case.</summary>
    public int[] OutputShape
    {
        get
        {
            int[] sample = ManyToMany ? new[] { Steps, OutputSize } : new[] { OutputSize };
            return Lengths is null ? sample : sample.Prepend(Lengths.Count).ToArray();
        }
    }

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

            if (!layer.IsRecurrent && layer.Bidirectional)
            {
                throw new InvalidOperationException($"{Name}: only recurrent layers are bidirectional.");
            }

            if (!layer.Bidirectional && layer.MergeMode != MergeMode.Concat)
            {
                throw new InvalidOperationException($"{Name}: a merge mode needs a bidirectional layer.");
            }
        }

        if (Lengths is not null && (Lengths.Count < 2 || Lengths.Any(l => l < 1 || l > Steps) || Lengths.Distinct().Count() < 2))
        {
            throw new InvalidOperationException($"{Name}: a padded case needs at least two samples of different lengths in [1, {Steps}].");
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
