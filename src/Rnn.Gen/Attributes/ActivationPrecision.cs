namespace Rnn.Gen;

/// <summary>How a model's inference computes the sigmoid and tanh of its LSTM and GRU cells: <see cref="RnnModelAttribute.Activations"/>.</summary>
public enum ActivationPrecision
{
    /// <summary>Within a few float ulps of the exact values, training and inference alike (the default).</summary>
    Exact = 0,

    /// <summary>
    /// Inference (<c>Step</c>, <c>Predict</c>, predictors, streams) computes the LSTM and GRU gates' sigmoid and tanh
    /// with a rational approximation (no exponential, a shorter chain of dependent instructions): at most 4e-7 from
    /// the exact tanh and 2.5e-7 from the exact sigmoid, absolute (see <c>Kernels.FastActivations</c>). Training (<c>Forward</c>,
    /// <c>Backward</c>, the batch path) keeps the exact ones, so gradients are unchanged.
    /// </summary>
    Fast = 1,
}
