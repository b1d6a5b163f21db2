using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// The PyTorch model equivalent to a <see cref="CaseSpec"/>: an <c>nn.Sequential</c>-like list of single-layer modules,
/// recurrent ones with <c>batch_first=True</c>. A recurrent layer that does not return sequences passes only its last
/// step on (<c>h_n</c>: for a bidirectional layer the forward direction's last step and the reverse direction's first);
/// a Linear after a sequence applies at every step (it works on the last dimension). A bidirectional layer's output
/// halves (forward, reverse) merge by its <see cref="MergeMode"/>. With lengths, every recurrent layer runs on
/// <c>pack_padded_sequence</c> of its input and pads its output back with zeros to the case's steps, and the outputs of
/// a Linear at padded steps are zeroed (a mask), as the generated models do.
/// </summary>
internal sealed class TorchModel
{
    private readonly CaseSpec _spec;
    private readonly nn.Module[] _modules;

    public TorchModel(CaseSpec spec, ScalarType dtype)
    {
        _spec = spec;
        _modules = new nn.Module[spec.Layers.Count];
        long features = spec.InputSize;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            _modules[i] = layer.Kind switch
            {
                LayerKind.Lstm => nn.LSTM(features, layer.Size, numLayers: 1, bias: true, batchFirst: true,
                    bidirectional: layer.Bidirectional, dtype: dtype),
                LayerKind.Gru => nn.GRU(features, layer.Size, numLayers: 1, bias: true, batchFirst: true,
                    bidirectional: layer.Bidirectional, dtype: dtype),
                LayerKind.SimpleRnn => nn.RNN(features, layer.Size, numLayers: 1,
                    nonLinearity: layer.Activation == Activation.Relu ? nn.NonLinearities.ReLU : nn.NonLinearities.Tanh,
                    bias: true, batchFirst: true, bidirectional: layer.Bidirectional, dtype: dtype),
                _ => nn.Linear(features, layer.Size, hasBias: true, dtype: dtype),
            };
            features = layer.OutputFeatures;
        }

        foreach ((string name, Parameter parameter) in NamedParameters())
        {
            if (parameter.dtype != dtype)
            {
                throw new InvalidOperationException($"{spec.Name}: parameter {name} is {parameter.dtype}, expected {dtype}.");
            }
        }
    }

    /// <summary>The state_dict names of the generated-code contract (docs/ARCHITECTURE.md): layer index, a dot, the single-layer module's own name.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        for (int i = 0; i < _modules.Length; i++)
        {
            foreach ((string name, Parameter parameter) in _modules[i].named_parameters())
            {
                yield return ($"{i}.{name}", parameter);
            }
        }
    }

    /// <summary>The fan-in a layer's uniform initialization bound is derived from (hidden size, or Linear's in_features).</summary>
    public int FanIn(int layerIndex) =>
        _spec.Layers[layerIndex].IsRecurrent ? _spec.Layers[layerIndex].Size
        : layerIndex == 0 ? _spec.InputSize : _spec.Layers[layerIndex - 1].OutputFeatures;

    /// <summary>
    /// Runs the model on <paramref name="input"/> <c>[batch, steps, input]</c>: <c>[batch, steps, out]</c> or
    /// <c>[batch, out]</c>. <paramref name="lengths"/> (int64, one per sample) makes it a padded batch.
    /// </summary>
    public Tensor Forward(Tensor input, Tensor? lengths = null)
    {
        Tensor x = input;
        Tensor? mask = lengths is null ? null
            : (torch.arange(input.shape[1], ScalarType.Int64).unsqueeze(0) < lengths.unsqueeze(1)).to(input.dtype).unsqueeze(2);
        for (int i = 0; i < _modules.Length; i++)
        {
            LayerSpec layer = _spec.Layers[i];
            if (layer.IsRecurrent && (layer.Bidirectional || lengths is not null))
            {
                (Tensor sequence, Tensor last) = RunRecurrent(_modules[i], x, lengths);
                x = layer.ReturnSequences ? Merge(layer, sequence.narrow(2, 0, layer.Size), sequence.narrow(2, layer.Size, sequence.shape[2] - layer.Size))
                    : Merge(layer, last[0], last.shape[0] > 1 ? last[1] : last[0]);
                continue;
            }

            switch (_modules[i])
            {
                case LSTM lstm:
                    x = lstm.call(x).Item1;
                    break;
                case GRU gru:
                    x = gru.call(x, null).Item1;
                    break;
                case RNN rnn:
                    x = rnn.call(x, null).Item1;
                    break;
                case Linear linear:
                    x = Activate(linear.call(x), layer.Activation);
                    if (mask is not null && x.dim() == 3)
                    {
                        x = x * mask; // padded steps output zeros, not the Linear's bias
                    }

                    break;
                default:
                    throw new InvalidOperationException("Unknown module.");
            }

            if (layer.IsRecurrent && !layer.ReturnSequences)
            {
                x = x.select(1, x.shape[1] - 1); // only the last step goes on
            }
        }

        return x;
    }

    /// <summary>
    /// One recurrent module on <c>[batch, steps, features]</c>: its output sequence <c>[batch, steps, directions * hidden]</c>
    /// (zeros past each sample's length) and <c>h_n</c> <c>[directions, batch, hidden]</c> (with lengths: the forward
    /// direction at each sample's last valid step, the reverse direction at its first step).
    /// </summary>
    private (Tensor Sequence, Tensor Last) RunRecurrent(nn.Module module, Tensor x, Tensor? lengths)
    {
        if (lengths is null)
        {
            return module switch
            {
                LSTM lstm => Pair(lstm.call(x)),
                GRU gru => gru.call(x, null),
                RNN rnn => rnn.call(x, null),
                _ => throw new InvalidOperationException("Not a recurrent module."),
            };
        }

        var packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first: true, enforce_sorted: false);
        (nn.utils.rnn.PackedSequence output, Tensor last) = module switch
        {
            LSTM lstm => PackedPair(lstm.call(packed)),
            GRU gru => gru.call(packed, null),
            RNN rnn => rnn.call(packed, null),
            _ => throw new InvalidOperationException("Not a recurrent module."),
        };
        Tensor sequence = nn.utils.rnn.pad_packed_sequence(output, batch_first: true, padding_value: 0.0, total_length: _spec.Steps).Item1;
        return (sequence, last);

        static (nn.utils.rnn.PackedSequence, Tensor) PackedPair((nn.utils.rnn.PackedSequence Output, Tensor H, Tensor C) r) => (r.Output, r.H);
    }

    private static (Tensor, Tensor) Pair((Tensor Output, Tensor H, Tensor C) result) => (result.Output, result.H);

    /// <summary>The merge of a layer's forward and reverse features (the forward ones alone for a unidirectional layer).</summary>
    private static Tensor Merge(LayerSpec layer, Tensor forward, Tensor reverse)
    {
        if (!layer.Bidirectional)
        {
            return forward;
        }

        return layer.MergeMode switch
        {
            MergeMode.Concat => torch.cat(new[] { forward, reverse }, -1),
            MergeMode.Sum => forward + reverse,
            MergeMode.Multiply => forward * reverse,
            MergeMode.Average => (forward + reverse) / 2,
            _ => throw new InvalidOperationException($"Unknown merge mode {layer.MergeMode}."),
        };
    }

    /// <summary>A layer's activation as PyTorch applies it (softmax over the last dimension).</summary>
    internal static Tensor Activate(Tensor x, Activation activation) => activation switch
    {
        Activation.Identity => x,
        Activation.Tanh => x.tanh(),
        Activation.Sigmoid => x.sigmoid(),
        Activation.Relu => x.relu(),
        Activation.Softmax => x.softmax(-1),
        _ => throw new InvalidOperationException($"Unknown activation {activation}."),
    };

    /// <summary>The parameters grouped by layer index, for per-layer initialization.</summary>
    public IEnumerable<(int Layer, string Name, Parameter Parameter)> ParametersByLayer() =>
        Enumerable.Range(0, _modules.Length)
            .SelectMany(i => _modules[i].named_parameters().Select(p => (i, $"{i}.{p.name}", p.parameter)));
}
