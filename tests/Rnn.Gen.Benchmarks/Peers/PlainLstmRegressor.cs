using System;
using System.Numerics.Tensors;

namespace Rnn.Gen.Benchmarks.Peers;

/// <summary>
/// The plain C# training peer: LSTM (many-to-one) + Dense, sizes taken at run time, forward with the activations kept
/// and backpropagation through time written the straightforward way (TensorPrimitives per row). Parameters and
/// gradients in one flat buffer each with the generated model's layout (PyTorch's state_dict order), so the same
/// runtime clipping and optimizer apply and the gradients can be compared with the generated model's.
/// </summary>
public sealed class PlainLstmRegressor
{
    private readonly int _i, _h, _o, _steps;
    private readonly int _oWhh, _oBih, _oBhh, _oWd, _oBd;
    private readonly float[] _x, _gates, _c, _tanhC, _hs; // per step: input, activated gates, c, tanh(c), h
    private readonly float[] _dh, _dc, _dGates, _dhNext;
    private readonly float[] _zeros;

    public PlainLstmRegressor(int inputSize, int hiddenSize, int outputSize, int steps)
    {
        (_i, _h, _o, _steps) = (inputSize, hiddenSize, outputSize, steps);
        int g = 4 * hiddenSize;
        _oWhh = g * inputSize;
        _oBih = _oWhh + g * hiddenSize;
        _oBhh = _oBih + g;
        _oWd = _oBhh + g;
        _oBd = _oWd + outputSize * hiddenSize;
        Parameters = new float[_oBd + outputSize];
        Gradients = new float[Parameters.Length];
        _x = new float[steps * inputSize];
        _gates = new float[steps * g];
        _c = new float[steps * hiddenSize];
        _tanhC = new float[steps * hiddenSize];
        _hs = new float[steps * hiddenSize];
        _dh = new float[hiddenSize];
        _dc = new float[hiddenSize];
        _dGates = new float[g];
        _dhNext = new float[hiddenSize];
        _zeros = new float[hiddenSize];
    }

    public float[] Parameters { get; }
    public float[] Gradients { get; }

    public void ZeroGradients() => Array.Clear(Gradients);

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int n = _h, m = _i;
        float[] p = Parameters;
        input.CopyTo(_x);
        for (int t = 0; t < _steps; t++)
        {
            ReadOnlySpan<float> x = new(_x, t * m, m);
            ReadOnlySpan<float> hPrev = t == 0 ? _zeros : new ReadOnlySpan<float>(_hs, (t - 1) * n, n);
            ReadOnlySpan<float> cPrev = t == 0 ? _zeros : new ReadOnlySpan<float>(_c, (t - 1) * n, n);
            Span<float> gates = new(_gates, t * 4 * n, 4 * n);
            for (int r = 0; r < 4 * n; r++)
            {
                gates[r] = p[_oBih + r] + p[_oBhh + r]
                    + TensorPrimitives.Dot(new ReadOnlySpan<float>(p, r * m, m), x)
                    + TensorPrimitives.Dot(new ReadOnlySpan<float>(p, _oWhh + r * n, n), hPrev);
            }

            for (int j = 0; j < n; j++)
            {
                float i = Sigmoid(gates[j]), f = Sigmoid(gates[n + j]), g = MathF.Tanh(gates[2 * n + j]), o = Sigmoid(gates[3 * n + j]);
                (gates[j], gates[n + j], gates[2 * n + j], gates[3 * n + j]) = (i, f, g, o);
                float c = f * cPrev[j] + i * g, tc = MathF.Tanh(c);
                _c[t * n + j] = c;
                _tanhC[t * n + j] = tc;
                _hs[t * n + j] = o * tc;
            }
        }

        ReadOnlySpan<float> hLast = new(_hs, (_steps - 1) * n, n);
        for (int r = 0; r < _o; r++)
        {
            output[r] = p[_oBd + r] + TensorPrimitives.Dot(new ReadOnlySpan<float>(p, _oWd + r * n, n), hLast);
        }
    }

    public void Backward(ReadOnlySpan<float> outputGradient)
    {
        int n = _h, m = _i;
        float[] p = Parameters, gr = Gradients, dh = _dh, dc = _dc, dG = _dGates;
        ReadOnlySpan<float> hLast = new(_hs, (_steps - 1) * n, n);
        Array.Clear(dh);
        Array.Clear(dc);
        for (int r = 0; r < _o; r++)
        {
            float d = outputGradient[r];
            gr[_oBd + r] += d;
            Span<float> gw = new(gr, _oWd + r * n, n);
            TensorPrimitives.MultiplyAdd(hLast, d, gw, gw);
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(p, _oWd + r * n, n), d, dh, dh);
        }

        for (int t = _steps - 1; t >= 0; t--)
        {
            ReadOnlySpan<float> gates = new(_gates, t * 4 * n, 4 * n);
            ReadOnlySpan<float> cPrev = t == 0 ? _zeros : new ReadOnlySpan<float>(_c, (t - 1) * n, n);
            for (int j = 0; j < n; j++)
            {
                float i = gates[j], f = gates[n + j], g = gates[2 * n + j], o = gates[3 * n + j], tc = _tanhC[t * n + j];
                float dcj = dc[j] + dh[j] * o * (1f - tc * tc);
                dG[j] = dcj * g * i * (1f - i);
                dG[n + j] = dcj * cPrev[j] * f * (1f - f);
                dG[2 * n + j] = dcj * i * (1f - g * g);
                dG[3 * n + j] = dh[j] * tc * o * (1f - o);
                dc[j] = dcj * f;
            }

            TensorPrimitives.Add(dG, new ReadOnlySpan<float>(gr, _oBih, 4 * n), new Span<float>(gr, _oBih, 4 * n));
            TensorPrimitives.Add(dG, new ReadOnlySpan<float>(gr, _oBhh, 4 * n), new Span<float>(gr, _oBhh, 4 * n));
            ReadOnlySpan<float> x = new(_x, t * m, m);
            Array.Clear(_dhNext);
            for (int r = 0; r < 4 * n; r++)
            {
                Span<float> gw = new(gr, r * m, m);
                TensorPrimitives.MultiplyAdd(x, dG[r], gw, gw);
            }

            if (t > 0)
            {
                ReadOnlySpan<float> hPrev = new(_hs, (t - 1) * n, n);
                for (int r = 0; r < 4 * n; r++)
                {
                    Span<float> gw = new(gr, _oWhh + r * n, n);
                    TensorPrimitives.MultiplyAdd(hPrev, dG[r], gw, gw);
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(p, _oWhh + r * n, n), dG[r], _dhNext, _dhNext);
                }
            }

            _dhNext.CopyTo(dh);
        }
    }
}
