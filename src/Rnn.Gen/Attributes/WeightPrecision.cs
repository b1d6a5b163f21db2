namespace Rnn.Gen;

/// <summary>The precision of the weights a model's inference (<c>Step</c>, <c>Predict</c>, predictors) multiplies: <see cref="RnnModelAttribute.Weights"/>.</summary>
public enum WeightPrecision
{
    /// <summary>The float32 parameters, as training uses them (the default).</summary>
    Float32 = 0,

    /// <summary>
    /// int8 copies of the LSTM, GRU, Elman and Dense weight matrices (Dense layers of 8 units or more: a smaller head
    /// keeps float32, faster there), quantized per row (scale = max|row| / 127) from the
    /// float parameters whenever they change; each product quantizes its activation vector too (7 bits, a scale per
    /// vector). A quarter of the bytes to read per step; training, gradients and weight files stay float32.
    /// </summary>
    Int8 = 1,
}
