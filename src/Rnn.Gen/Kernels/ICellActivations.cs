using System.Runtime.Intrinsics;

namespace Rnn.Gen.Kernels;

/// <summary>
/// The sigmoid and tanh a cell applies to vectors of <typeparamref name="TVector"/>: what the one LSTM and GRU cell loop of
/// <see cref="CellKernels"/> is generic over. A readonly struct implements it (the exact or the fast activations), so the
/// JIT compiles one loop per activations and width with the calls inlined.
/// </summary>
internal interface ICellActivations<TVector>
    where TVector : struct
{
    static abstract TVector Sigmoid(TVector x);

    static abstract TVector Tanh(TVector x);
}

/// <summary>
/// A cell's activations at every width the cell loop runs: 16 lanes, 8 lanes and the single floats past them (the
/// split is in <see cref="CellKernels"/>' remarks).
/// </summary>
internal interface ICellActivations : ICellActivations<Vector512<float>>, ICellActivations<Vector256<float>>, ICellActivations<float>
{
}
