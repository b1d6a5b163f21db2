using System;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Reference;

// The unidirectional padded cases of Reference/Cases (ReferenceModels.cs), declared again with Streams = true.

[RnnModel(inputSize: 3, steps: 7, Streams = true)]
[Lstm(5, ReturnSequences = true)]
[Dense(2)]
internal partial class StreamsLstm5Seq_Dense2;

[RnnModel(inputSize: 2, steps: 8, Streams = true)]
[Gru(6)]
[Dense(1)]
internal partial class StreamsGru6_Dense1;

[RnnModel(inputSize: 3, steps: 6, Streams = true)]
[SimpleRnn(4, ReturnSequences = true, Activation = Activation.Tanh)]
internal partial class StreamsRnnTanh4Seq;

[RnnModel(inputSize: 2, steps: 6, Streams = true)]
[SimpleRnn(5, Activation = Activation.Relu)]
[Dense(2, Activation = Activation.Tanh)]
internal partial class StreamsRnnRelu5_Dense2Tanh;

[RnnModel(inputSize: 2, steps: 7, Streams = true)]
[Lstm(4, ReturnSequences = true)]
[Gru(3)]
[Dense(1)]
internal partial class StreamsLstm4Seq_Gru3_Dense1;

[RnnModel(inputSize: 3, steps: 6, Streams = true)]
[Gru(5, ReturnSequences = true)]
[Dense(3, Activation = Activation.Softmax)]
internal partial class StreamsGru5Seq_Dense3Softmax;

/// <summary>
/// Many streams against libtorch: each padded case is a batch of samples of different lengths, which here become
/// streams, ordered longest first so that at step t the streams still running are 0 to n_t − 1 (one Streams.Step of
/// n_t streams per time step). Every sample's outputs over its valid steps must equal libtorch's packed run within the
/// forward tolerance, 1e-5 of the largest magnitude.
/// </summary>
public class StreamsReferenceTests
{
    private const double OutputTolerance = 1e-5;

    private delegate void StepAction(ReadOnlySpan<float> inputs, Span<float> outputs);

    public static TheoryData<string> Cases() => new()
    {
        "Lstm5Seq_Dense2_I3_T7_Len7_4_1",
        "Gru6_Dense1_I2_T8_Len5_8_2",
        "RnnTanh4Seq_I3_T6_Len6_3_1",
        "RnnRelu5_Dense2Tanh_I2_T6_Len2_6_4",
        "Lstm4Seq_Gru3_Dense1_I2_T7_Len7_3_1",
        "Gru5Seq_Dense3Softmax_I3_T6_Len4_6_2",
    };

    private static (IRnnModel Model, Func<int, StepAction> Streams) Create(string caseName) => caseName switch
    {
        "Lstm5Seq_Dense2_I3_T7_Len7_4_1" => With(new StreamsLstm5Seq_Dense2(), (m, n) => m.CreateStreams(n).Step),
        "Gru6_Dense1_I2_T8_Len5_8_2" => With(new StreamsGru6_Dense1(), (m, n) => m.CreateStreams(n).Step),
        "RnnTanh4Seq_I3_T6_Len6_3_1" => With(new StreamsRnnTanh4Seq(), (m, n) => m.CreateStreams(n).Step),
        "RnnRelu5_Dense2Tanh_I2_T6_Len2_6_4" => With(new StreamsRnnRelu5_Dense2Tanh(), (m, n) => m.CreateStreams(n).Step),
        "Lstm4Seq_Gru3_Dense1_I2_T7_Len7_3_1" => With(new StreamsLstm4Seq_Gru3_Dense1(), (m, n) => m.CreateStreams(n).Step),
        "Gru5Seq_Dense3Softmax_I3_T6_Len4_6_2" => With(new StreamsGru5Seq_Dense3Softmax(), (m, n) => m.CreateStreams(n).Step),
        _ => throw new ArgumentException(caseName),
    };

    private static (IRnnModel, Func<int, StepAction>) With<T>(T model, Func<T, int, StepAction> streams)
        where T : IRnnModel => (model, n => streams(model, n));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Streams_match_libtorch_over_each_samples_valid_steps(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(ReferenceAssert.CasePath(caseName));
        (IRnnModel model, Func<int, StepAction> createStreams) = Create(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        int[] lengths = ReferenceAssert.Lengths(caseName, file["lengths"]);
        int batch = lengths.Length, steps = model.Steps, inputSize = model.InputSize, outputSize = model.OutputSize;
        int[] order = Enumerable.Range(0, batch).OrderByDescending(b => lengths[b]).ToArray(); // stream r is sample order[r]
        Assert.True(lengths.Distinct().Count() > 1, $"{caseName}: the samples should differ in length");

        float[] input = file["input"].ToSingleArray();
        bool manyToMany = file["output"].Shape.Count == 3;
        int outputLength = manyToMany ? steps * outputSize : outputSize;
        var streamed = new float[batch * outputLength];
        StepAction step = createStreams(batch);
        var rows = new float[batch * inputSize];
        var outputs = new float[batch * outputSize];
        for (int t = 0; t < lengths.Max(); t++)
        {
            int running = lengths.Count(l => l > t);
            for (int r = 0; r < running; r++)
            {
                input.AsSpan((order[r] * steps + t) * inputSize, inputSize).CopyTo(rows.AsSpan(r * inputSize));
            }

            step(rows.AsSpan(0, running * inputSize), outputs.AsSpan(0, running * outputSize));
            for (int r = 0; r < running; r++)
            {
                outputs.AsSpan(r * outputSize, outputSize).CopyTo(streamed.AsSpan(order[r] * outputLength + (manyToMany ? t * outputSize : 0)));
            }
        }

        ReferenceAssert.Close(caseName, "output (Streams.Step over the valid steps)", file["output"], streamed, OutputTolerance);
    }
}
