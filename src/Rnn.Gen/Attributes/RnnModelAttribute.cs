using System;

namespace Rnn.Gen;

/// <summary>
/// Declares a fixed-size recurrent model on a <c>partial class</c>. The source generator emits the model's forward pass,
/// backward pass through time, streaming step and parameter table, specialized for exactly these sizes.
/// </summary>
/// <remarks>
/// Layers are declared with further attributes on the same declaration, in order (<see cref="LstmAttribute"/>,
/// <see cref="GruAttribute"/>, <see cref="SimpleRnnAttribute"/>, <see cref="DenseAttribute"/>).
/// One sample's input is <c>[steps, inputSize]</c>, time-major and row-major.
/// </remarks>
// The usage is wider than what the generator accepts, so that its diagnostics say what to do, once: a second
// [RnnModel] is RNNGEN031 (not the compiler's CS0579), a struct is RNNGEN012 (not CS0592 on every attribute).
[AttributeUsage(Targets, AllowMultiple = true, Inherited = false)]
public sealed class RnnModelAttribute : Attribute
{
    /// <summary>
    /// Where the model and layer attributes may be written: classes, and structs so that the generator rather than the
    /// compiler reports them (a model is a class). Every layer attribute uses the same targets.
    /// </summary>
    internal const AttributeTargets Targets = AttributeTargets.Class | AttributeTargets.Struct;

    /// <summary>Declares a model whose samples are <paramref name="steps"/> time steps of <paramref name="inputSize"/> features.</summary>
    public RnnModelAttribute(int inputSize, int steps)
    {
        InputSize = inputSize;
        Steps = steps;
    }

    /// <summary>
    /// Declares a model whose samples are one image each, <c>[channels, height, width]</c> as PyTorch lays it out
    /// (<see cref="Steps"/> 1, <see cref="InputSize"/> <c>channels · height · width</c>), for the image layers
    /// (<see cref="Conv2DAttribute"/>, pooling, <see cref="FlattenAttribute"/>, <see cref="RowsAsStepsAttribute"/>).
    /// </summary>
    public RnnModelAttribute(int channels, int height, int width)
        : this(1, channels, height, width)
    {
    }

    /// <summary>
    /// Declares a model whose samples are sequences of <paramref name="steps"/> frames, <c>[steps, channels, height,
    /// width]</c>: the image layers run on every frame, and <see cref="FlattenAttribute"/> makes each frame the feature
    /// vector of its step for the recurrent layers that follow.
    /// </summary>
    public RnnModelAttribute(int steps, int channels, int height, int width)
    {
        Steps = steps;
        Channels = channels;
        Height = height;
        Width = width;
        InputSize = (int)Math.Min(int.MaxValue, (long)channels * height * width);
    }

    /// <summary>Channels of an image input (0 for a model of feature vectors).</summary>
    public int Channels { get; }

    /// <summary>Rows of an image input (0 for a model of feature vectors).</summary>
    public int Height { get; }

    /// <summary>Columns of an image input (0 for a model of feature vectors).</summary>
    public int Width { get; }

    /// <summary>Features per time step.</summary>
    public int InputSize { get; }

    /// <summary>Time steps per sample.</summary>
    public int Steps { get; }

    /// <summary>
    /// Train over consecutive windows of a long series (Keras's <c>stateful=True</c>): each <c>Forward</c> starts from
    /// the state the previous one ended in, and <c>Backward</c> stops at the window's start (truncated backpropagation
    /// through time). <c>ResetState()</c> starts a new series; <c>Predict</c> still starts from zero.
    /// </summary>
    public bool Stateful { get; set; }

    /// <summary>
    /// Generate <c>CreateStreams(capacity)</c> and the nested <c>Streams</c> class: many independent streams (a server's
    /// sensors), each with its own state, stepped together with one matrix product per recurrent layer for all of them.
    /// Needs a model that <c>Step</c> can stream (RNNGEN055 otherwise).
    /// </summary>
    public bool Streams { get; set; }

    /// <summary>
    /// The precision of the weights <c>Step</c>, <c>Predict</c> and predictors multiply: <see cref="WeightPrecision.Int8"/>
    /// quantizes the LSTM, GRU, Elman and Dense weight matrices per row for inference (about 4 times fewer bytes per step;
    /// the error against float32 is stated in the README); a Dense layer of fewer than 8 units, convolutions and
    /// attention keep float32 weights, and a model with nothing to quantize is refused (RNNGEN053). Training and weight
    /// files stay float32.
    /// </summary>
    public WeightPrecision Weights { get; set; }

    /// <summary>
    /// How inference computes the LSTM and GRU cells' sigmoid and tanh: <see cref="ActivationPrecision.Fast"/> uses a
    /// rational approximation with a shorter dependency chain, within a stated error (see <see cref="ActivationPrecision"/>);
    /// training keeps the exact activations. Needs an LSTM or GRU layer (RNNGEN058) and no [Decoder] (RNNGEN059).
    /// </summary>
    public ActivationPrecision Activations { get; set; }
}
