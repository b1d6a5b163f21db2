using System;
using System.Numerics.Tensors;

namespace Rnn.Gen.Benchmarks.Peers;

/// <summary>
/// The plain C# peer: recurrent cells that take their sizes at run time, written the straightforward way (one
/// <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per gate row, scalar activations).
/// What Rnn.Gen's compile-time specialization is measured against. Weights in PyTorch's layout and gate order, so they
/// are copied from a generated model and the outputs compared.
/// </summary>
public abstract class PlainCell
{
    protected PlainCell(int inputSize, int hiddenSize, int gateCount)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        WeightIh = new float[gateCount * hiddenSize * inputSize];
        WeightHh = new float[gateCount * hiddenSize * hiddenSize];
        BiasIh = new float[gateCount * hiddenSize];
        BiasHh = new float[gateCount * hiddenSize];
        H = new float[hiddenSize];
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public float[] WeightIh { get; }
    public float[] WeightHh { get; }
    public float[] BiasIh { get; }
    public float[] BiasHh { get; }

    /// <summary>The hidden state, kept between <see cref="Step"/> calls.</summary>
    public float[] H { get; }

    public int ParameterCount => WeightIh.Length + WeightHh.Length + BiasIh.Length + BiasHh.Length;

    /// <summary>Copies the parameters from a flat buffer in PyTorch's state_dict order (weight_ih, weight_hh, bias_ih, bias_hh).</summary>
    public void Load(ReadOnlySpan<float> parameters)
    {
        int o = 0;
        foreach (float[] tensor in new[] { WeightIh, WeightHh, BiasIh, BiasHh })
        {
            parameters.Slice(o, tensor.Length).CopyTo(tensor);
            o += tensor.Length;
        }
    }

    public virtual void ResetState() => Array.Clear(H);

    /// <summary>One time step on the kept state; the new hidden state is <see cref="H"/>.</summary>
    public abstract void Step(ReadOnlySpan<float> x);

    protected static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}

/// <summary>PyTorch's LSTM cell, gates i, f, g, o.</summary>
public sealed class PlainLstmCell : PlainCell
{
    private readonly float[] _c;
    private readonly float[] _gates;

    public PlainLstmCell(int inputSize, int hiddenSize) : base(inputSize, hiddenSize, 4)
    {
        _c = new float[hiddenSize];
        _gates = new float[4 * hiddenSize];
    }

    public override void ResetState()
    {
        base.ResetState();
        Array.Clear(_c);
    }

    public override void Step(ReadOnlySpan<float> x)
    {
        int n = HiddenSize, m = InputSize;
        float[] gates = _gates, h = H, c = _c;
        for (int r = 0; r < 4 * n; r++)
        {
            gates[r] = BiasIh[r] + BiasHh[r]
                + TensorPrimitives.Dot(new ReadOnlySpan<float>(WeightIh, r * m, m), x)
                + TensorPrimitives.Dot(new ReadOnlySpan<float>(WeightHh, r * n, n), h);
        }

        for (int j = 0; j < n; j++)
        {
            float i = Sigmoid(gates[j]), f = Sigmoid(gates[n + j]), g = MathF.Tanh(gates[2 * n + j]), o = Sigmoid(gates[3 * n + j]);
            c[j] = f * c[j] + i * g;
            h[j] = o * MathF.Tanh(c[j]);
        }
    }
}

/// <summary>PyTorch's GRU cell, gates r, z, n with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).</summary>
public sealed class PlainGruCell : PlainCell
{
    private readonly float[] _gi;
    private readonly float[] _gh;

    public PlainGruCell(int inputSize, int hiddenSize) : base(inputSize, hiddenSize, 3)
    {
        _gi = new float[3 * hiddenSize];
        _gh = new float[3 * hiddenSize];
    }

    public override void Step(ReadOnlySpan<float> x)
    {
        int n = HiddenSize, m = InputSize;
        float[] gi = _gi, gh = _gh, h = H;
        for (int r = 0; r < 3 * n; r++)
        {
            gi[r] = BiasIh[r] + TensorPrimitives.Dot(new ReadOnlySpan<float>(WeightIh, r * m, m), x);
            gh[r] = BiasHh[r] + TensorPrimitives.Dot(new ReadOnlySpan<float>(WeightHh, r * n, n), h);
        }

        for (int j = 0; j < n; j++)
        {
            float rj = Sigmoid(gi[j] + gh[j]), z = Sigmoid(gi[n + j] + gh[n + j]);
            float nj = MathF.Tanh(gi[2 * n + j] + rj * gh[2 * n + j]);
            h[j] = (1f - z) * nj + z * h[j];
        }
    }
}

/// <summary>nn.Linear: y = W x + b, W [out, in] row-major.</summary>
public sealed class PlainDense
{
    public PlainDense(int inputSize, int outputSize)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Weight = new float[outputSize * inputSize];
        Bias = new float[outputSize];
    }

    public int InputSize { get; }
    public int OutputSize { get; }
    public float[] Weight { get; }
    public float[] Bias { get; }

    public void Load(ReadOnlySpan<float> parameters)
    {
        parameters.Slice(0, Weight.Length).CopyTo(Weight);
        parameters.Slice(Weight.Length, Bias.Length).CopyTo(Bias);
    }

    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int r = 0; r < OutputSize; r++)
        {
            y[r] = Bias[r] + TensorPrimitives.Dot(new ReadOnlySpan<float>(Weight, r * InputSize, InputSize), x);
        }
    }
}

/// <summary>A cell, optionally followed by Dense, streaming or over whole sequences (many-to-one).</summary>
public sealed class PlainModel
{
    private readonly PlainCell _cell;
    private readonly PlainDense? _dense;

    public PlainModel(PlainCell cell, PlainDense? dense)
    {
        _cell = cell;
        _dense = dense;
    }

    public int InputSize => _cell.InputSize;
    public int OutputSize => _dense?.OutputSize ?? _cell.HiddenSize;

    public static PlainModel Create(bool gru, int inputSize, int hiddenSize, bool dense, ReadOnlySpan<float> parameters)
    {
        PlainCell cell = gru ? new PlainGruCell(inputSize, hiddenSize) : new PlainLstmCell(inputSize, hiddenSize);
        cell.Load(parameters);
        PlainDense? head = null;
        if (dense)
        {
            head = new PlainDense(hiddenSize, 1);
            head.Load(parameters.Slice(cell.ParameterCount));
        }

        return new PlainModel(cell, head);
    }

    public void ResetState() => _cell.ResetState();

    public void Step(ReadOnlySpan<float> x, Span<float> y)
    {
        _cell.Step(x);
        if (_dense is null)
        {
            _cell.H.CopyTo(y);
        }
        else
        {
            _dense.Apply(_cell.H, y);
        }
    }

    /// <summary>Many-to-one inference from a zero state over <paramref name="input"/> [steps, InputSize].</summary>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        _cell.ResetState();
        int steps = input.Length / InputSize;
        for (int t = 0; t < steps; t++)
        {
            _cell.Step(input.Slice(t * InputSize, InputSize));
        }

        if (_dense is null)
        {
            _cell.H.CopyTo(output);
        }
        else
        {
            _dense.Apply(_cell.H, output);
        }
    }
}
