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
/// step on; a Linear after a sequence applies at every step (it works on the last dimension).
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
                LayerKind.Lstm => nn.LSTM(features, layer.Size, numLayers: 1, bias: true, batchFirst: true, dtype: dtype),
                LayerKind.Gru => nn.GRU(features, layer.Size, numLayers: 1, bias: true, batchFirst: true, dtype: dtype),
                LayerKind.SimpleRnn => nn.RNN(features, layer.Size, numLayers: 1,
                    nonLinearity: layer.Activation == Activation.Relu ? nn.NonLinearities.ReLU : nn.NonLinearities.Tanh,
                    bias: true, batchFirst: true, dtype: dtype),
                _ => nn.Linear(features, layer.Size, hasBias: true, dtype: dtype),
            };
            features = layer.Size;
        }

        foreach ((string name, Parameter parameter) in NamedParameters())
        {
            if (parameter.dtype != dtype)
            {
                throw new InvalidOperationException($"{spec.Name}: parameter {name} is {parameter.dtype}, expected {dtype}.");
            }
        }
    }

    /// <summary>The state_dict names of DESIGN.md §2: layer index, a dot, the single-layer module's own name.</summary>
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
        : layerIndex == 0 ? _spec.InputSize : _spec.Layers[layerIndex - 1].Size;

    /// <summary>Runs the model on <paramref name="input"/> <c>[batch, steps, input]</c>: <c>[batch, steps, out]</c> or <c>[batch, out]</c>.</summary>
    public Tensor Forward(Tensor input)
    {
        Tensor x = input;
        for (int i = 0; i < _modules.Length; i++)
        {
            LayerSpec layer = _spec.Layers[i];
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
                    x = linear.call(x);
                    x = layer.Activation switch
                    {
                        Activation.Identity => x,
                        Activation.Tanh => x.tanh(),
                        Activation.Sigmoid => x.sigmoid(),
                        Activation.Relu => x.relu(),
                        Activation.Softmax => x.softmax(-1),
                        _ => throw new InvalidOperationException($"Unknown activation {layer.Activation}."),
                    };
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

    /// <summary>The parameters grouped by layer index, for per-layer initialization.</summary>
    public IEnumerable<(int Layer, string Name, Parameter Parameter)> ParametersByLayer() =>
        Enumerable.Range(0, _modules.Length)
            .SelectMany(i => _modules[i].named_parameters().Select(p => (i, $"{i}.{p.name}", p.parameter)));
}
