using Rnn.Gen.Export.Onnx;

namespace Rnn.Gen.Export;

/// <summary><c>[Dense(units)]</c>: nn.Linear (<c>{i}.weight</c> [units, in], <c>{i}.bias</c>) then an activation, at every position.</summary>
public sealed class DenseLayer : LayerArchitecture
{
    /// <summary>Layer <paramref name="index"/>, <paramref name="inputSize"/> → <paramref name="units"/>, then <paramref name="activation"/>.</summary>
    public DenseLayer(int index, int inputSize, int units, Activation activation)
        : base(index, inputSize)
    {
        System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        Units = units;
        Activation = activation;
    }

    /// <summary>Outputs per position.</summary>
    public int Units { get; }

    /// <summary>The activation after the affine map (Softmax over the units).</summary>
    public Activation Activation { get; }

    /// <inheritdoc/>
    public override string Kind => "Dense";

    /// <inheritdoc/>
    public override int OutputSize => Units;

    /// <summary>MatMul by Wᵀ [in, units] (an initializer, transposed once at export), Add the bias, the activation; input dropout is training only.</summary>
    internal override OnnxSequence AddToOnnx(OnnxGraph graph, OnnxSequence input)
    {
        float[] weight = graph.Parameter(this, "weight", Units, InputSize);
        float[] bias = graph.Parameter(this, "bias", Units);
        var transposed = new float[weight.Length];
        for (int u = 0; u < Units; u++)
        {
            for (int i = 0; i < InputSize; i++)
            {
                transposed[(i * Units) + u] = weight[(u * InputSize) + i];
            }
        }

        OnnxSequence x = graph.FeaturesLast(input);
        string weightT = graph.Initializer($"{Index}.weight_t", [InputSize, Units], transposed);
        string b = graph.Initializer($"{Index}.bias", [Units], bias);
        string product = graph.Node("MatMul", x.Name, weightT);
        return graph.Activate(x with { Name = graph.Node("Add", product, b) }, Activation);
    }
}
