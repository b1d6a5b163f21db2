using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// Decoder models with <c>Weights = WeightPrecision.Int8</c> against libtorch's float64 reference vectors (Decoder/ and
/// Attention/): the int8 twin of a reference model (<see cref="Int8DecoderReferenceModels"/>) loads the case's
/// parameters. Its greedy decoding (Predict, the predictor's Predict, Generate at temperature 0) multiplies int8
/// weights and must stay within <see cref="Int8Bound"/> of libtorch's greedy outputs (and attention weights), half the
/// bound of <see cref="Int8ReferenceTests"/> (these cases' worst is 0.0047); BeamSearch of width 1 chooses greedy decoding's tokens. Its training (ForwardTeacherForced, the
/// free-running Forward, Backward) multiplies the float32 weights: the float32 model's bits.
/// </summary>
/// <remarks>
/// A token decoder feeds back the most probable token, and int8 errors may choose another where libtorch's two best
/// outputs are close: from there on the two decodings see different inputs. So the rows are compared through the first
/// step whose margin (libtorch's best output minus its second best) is under <see cref="TokenMargin"/>, twice the bound:
/// up to that step, outputs within the bound cannot change the choice, and the tokens must be libtorch's. (These small
/// random models are often nearly tied: in 5 of the 13 token cases the margin is under 0.02 at the first step, and
/// only that row is compared; the output-feedback cases compare every row.)
/// </remarks>
public sealed class Int8DecoderReferenceTests(ITestOutputHelper output)
{
    /// <summary>The stated bound of these cases: the largest absolute error of an int8 decoding's outputs and attention weights.</summary>
    public const double Int8Bound = 0.01;

    /// <summary>The margin above which an int8 output within the bound chooses libtorch's token.</summary>
    private const double TokenMargin = 2 * Int8Bound;

    public static TheoryData<string> Cases() => new(Int8DecoderReferenceModels.CaseNames);

    private static SafeTensorsFile Read(string caseName) =>
        SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Reference", caseName + ".safetensors"));

    private static IRnnModel Load(string caseName, SafeTensorsFile file, bool int8)
    {
        IRnnModel model = int8 ? Int8DecoderReferenceModels.Create(caseName) : Int8DecoderReferenceModels.CreateFloat(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        return model;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8_decoding_is_within_the_stated_bound_of_libtorch(string caseName)
    {
        double error = Measure(caseName, out int compared);
        output.WriteLine($"{caseName}: max |Predict − libtorch| {error:G3} over {compared} rows");
        Assert.True(error <= Int8Bound, $"{caseName}: the int8 decoding's max abs error {error:G4} exceeds {Int8Bound}");
    }

    [Fact]
    public void The_decoder_errors_are_quantization_not_noise()
    {
        // Over every case, the worst error is within the bound but not at float32's level: the int8 products really
        // ran in the decoder and encoder (a twin that decoded in float32 would be within 1e-5 of libtorch).
        double worst = 0;
        string worstCase = "";
        foreach (string caseName in Int8DecoderReferenceModels.CaseNames)
        {
            double error = Measure(caseName, out _);
            (worst, worstCase) = error > worst ? (error, caseName) : (worst, worstCase);
        }

        output.WriteLine($"worst max abs error over {Int8DecoderReferenceModels.CaseNames.Length} cases: {worst:G3} ({worstCase})");
        Assert.InRange(worst, 1e-4, Int8Bound);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8_training_is_the_float_models_bit_for_bit_batch_path_too(string caseName)
    {
        SafeTensorsFile file = Read(caseName);
        IRnnModel int8 = Load(caseName, file, int8: true), float32 = Load(caseName, file, int8: false);
        int length = int.Parse(file.Metadata["length"], CultureInfo.InvariantCulture);
        float[] input = file["input"].ToSingleArray(), targets = file["targets"].ToSingleArray(), doutput = file["doutput"].ToSingleArray();
        bool tokenEncoder = file.Metadata.TryGetValue("encoder", out string? encoder) && encoder.StartsWith("tokens", StringComparison.Ordinal);

        // A Predict first: the int8 model has quantized its weights, and training must not read them.
        int8.Predict(input, new float[int8.OutputSteps * int8.OutputSize], length);
        foreach (bool teacherForced in new[] { true, false })
        {
            string pass = teacherForced ? "ForwardTeacherForced" : "Forward (free-running)";
            (float[] Output, float[] Gradients, float[] InputGradient) Run(IRnnModel model)
            {
                float[] result = new float[model.OutputSteps * model.OutputSize];
                float[] inputGradient = tokenEncoder ? [] : new float[input.Length]; // token ids have no gradient
                if (teacherForced)
                {
                    model.ForwardTeacherForced(input, targets, result, length);
                }
                else
                {
                    model.Forward(input, result, length);
                }

                model.ZeroGradients();
                if (tokenEncoder)
                {
                    model.Backward(doutput);
                }
                else
                {
                    model.Backward(doutput, inputGradient);
                }

                return (result, model.Gradients.ToArray(), inputGradient);
            }

            var expected = Run(float32);
            var actual = Run(int8);
            AssertBits(caseName, pass + " output", expected.Output, actual.Output);
            AssertBits(caseName, pass + " gradients", expected.Gradients, actual.Gradients);
            AssertBits(caseName, pass + " input gradient", expected.InputGradient, actual.InputGradient);
        }

        // The batch path: two samples (the case's, and its reversed steps), teacher-forced, then BackwardBatch.
        float[] inputs = [.. input, .. Enumerable.Range(0, int8.Steps).Reverse().SelectMany(t => input.Skip(t * int8.InputSize).Take(int8.InputSize))];
        float[] batchTargets = [.. targets, .. targets], batchGradients = [.. doutput, .. doutput];
        int[] lengths = [length, length];
        (float[] Outputs, float[] Gradients, float[] InputGradients) Batch(IRnnModel model)
        {
            var batch = (IRnnDecoderBatchModel)model;
            float[] outputs = new float[batchTargets.Length], inputGradients = tokenEncoder ? [] : new float[inputs.Length];
            batch.ForwardBatchTeacherForced(inputs, batchTargets, outputs, lengths);
            model.ZeroGradients();
            batch.BackwardBatch(batchGradients, inputGradients);
            return (outputs, model.Gradients.ToArray(), inputGradients);
        }

        var expectedBatch = Batch(float32);
        var actualBatch = Batch(int8);
        AssertBits(caseName, "ForwardBatchTeacherForced outputs", expectedBatch.Outputs, actualBatch.Outputs);
        AssertBits(caseName, "BackwardBatch gradients", expectedBatch.Gradients, actualBatch.Gradients);
        AssertBits(caseName, "BackwardBatch input gradients", expectedBatch.InputGradients, actualBatch.InputGradients);
    }

    [Fact]
    public void Int8_predict_and_beam_search_allocate_nothing_and_quantize_again_after_a_write()
    {
        const string caseName = "Attention/AttnTokBiLstmConcatGeneral";
        SafeTensorsFile file = Read(caseName);
        var model = (Int8_AttnTokBiLstmConcatGeneral)Load(caseName, file, int8: true);
        float[] input = file["input"].ToSingleArray(), predicted = new float[Int8_AttnTokBiLstmConcatGeneral.OutputSteps * Int8_AttnTokBiLstmConcatGeneral.OutputSize];
        int[] tokens = new int[Int8_AttnTokBiLstmConcatGeneral.OutputSteps];
        model.ReserveBeam(3);
        model.Predict(input, predicted);
        model.BeamSearch(input, tokens, 3);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 20; k++)
        {
            model.Predict(input, predicted);
            model.BeamSearch(input, tokens, 3);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // A write through Parameters reaches the next decoding's int8 weights: scaling the head's weight by 2 changes
        // its logits, so the probabilities change.
        float[] first = predicted.ToArray();
        ParameterInfo head = ((IRnnModel)model).ParameterLayout.Last(p => p.Shape.Count == 2);
        Span<float> weight = head.Slice(model.Parameters);
        for (int i = 0; i < weight.Length; i++)
        {
            weight[i] *= 2f;
        }

        model.Predict(input, predicted);
        Assert.NotEqual(first, predicted);
    }

    /// <summary>
    /// The int8 twin's greedy decodings against libtorch's: Predict (the error returned, through the comparable rows),
    /// and for token models the tokens, Generate at temperature 0 and the predictor (Predict's bits) and BeamSearch of
    /// width 1 (Predict's tokens).
    /// </summary>
    private static double Measure(string caseName, out int compared)
    {
        SafeTensorsFile file = Read(caseName);
        IRnnModel model = Load(caseName, file, int8: true);
        int length = int.Parse(file.Metadata["length"], CultureInfo.InvariantCulture);
        bool tokenModel = file.Metadata["feedback"] == "Token";
        int outputSize = model.OutputSize, outputSteps = model.OutputSteps;
        float[] input = file["input"].ToSingleArray();
        double[] expected = file["greedy/output"].ToDoubleArray();

        float[] predicted = Enumerable.Repeat(7f, outputSteps * outputSize).ToArray();
        model.Predict(input, predicted, length);

        // The rows libtorch's choices make comparable: all of them when outputs are fed back; for tokens, through the
        // first row whose margin is under TokenMargin.
        compared = outputSteps;
        if (tokenModel)
        {
            for (int t = 0; t < outputSteps; t++)
            {
                double[] row = expected.AsSpan(t * outputSize, outputSize).ToArray();
                if (row.All(v => v == 0))
                {
                    break; // after the end token, which both chose: zero rows, compared as they are
                }

                double[] sorted = row.OrderDescending().ToArray();
                if (sorted[0] - sorted[1] < TokenMargin)
                {
                    compared = t + 1;
                    break;
                }

                Assert.True(Argmax(row) == Argmax(predicted.AsSpan(t * outputSize, outputSize)),
                    $"{caseName}: step {t} chose token {Argmax(predicted.AsSpan(t * outputSize, outputSize))}, libtorch {Argmax(row)} (margin {sorted[0] - sorted[1]:G3})");
            }
        }

        double worst = 0;
        for (int i = 0; i < compared * outputSize; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - predicted[i]));
        }

        ReadOnlySpan<float> weights = Int8DecoderReferenceModels.AttentionWeights(model);
        if (!weights.IsEmpty)
        {
            double[] expectedWeights = file["greedy/attention"].ToDoubleArray();
            int rowLength = expectedWeights.Length / outputSteps;
            for (int i = 0; i < compared * rowLength; i++)
            {
                worst = Math.Max(worst, Math.Abs(expectedWeights[i] - weights[i]));
            }
        }

        // The predictor computes what the model computes, on int8 weights of its own.
        float[] fromPredictor = new float[predicted.Length];
        model.CreatePredictor().Predict(input, fromPredictor, length);
        AssertBits(caseName, "predictor's Predict", predicted, fromPredictor);

        if (tokenModel)
        {
            int[] greedy = Enumerable.Range(0, outputSteps).Select(t => Argmax(predicted.AsSpan(t * outputSize, outputSize))).ToArray();
            int decoded = greedy.Length;
            if (file.Metadata.ContainsKey("end_token"))
            {
                int end = int.Parse(file.Metadata["end_token"], CultureInfo.InvariantCulture);
                int at = Array.IndexOf(greedy, end);
                decoded = at < 0 ? decoded : at + 1;
            }

            int[] beam = new int[outputSteps];
            Assert.True(Int8DecoderReferenceModels.TryBeamSearch(model, input, beam, 1, length, out int steps));
            Assert.Equal(decoded, steps);
            Assert.Equal(greedy.Take(decoded), beam.Take(decoded));

            if (length == model.Steps)
            {
                float[] generated = new float[predicted.Length];
                int[] tokens = new int[outputSteps];
                Assert.True(Int8DecoderReferenceModels.TryGenerate(model, input, generated, tokens, 0f, 0, new SeededRandom(1)));
                AssertBits(caseName, "Generate at temperature 0", predicted, generated);
                Assert.Equal(greedy.Take(decoded), tokens.Take(decoded));
            }
        }

        return worst;
    }

    private static void AssertBits(string caseName, string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{caseName}: {what} [{i}] is {actual[i]:R}, expected {expected[i]:R}");
        }
    }

    private static int Argmax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
        {
            best = row[i] > row[best] ? i : best;
        }

        return best;
    }

    private static int Argmax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
        {
            best = row[i] > row[best] ? i : best;
        }

        return best;
    }
}
