using System;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// <c>Weights = WeightPrecision.Int8</c> against libtorch's float64 reference vectors: the int8 twin of a reference
/// model (the same layers, <see cref="Int8ReferenceModels"/>) loads the case's parameters; its training Forward must
/// still match libtorch within 1e-5 (training stays float32); its Predict and Step must stay within
/// <see cref="Int8Bound"/> of libtorch's outputs (absolute, outputs of these cases are within [−1.5, 1.5]); Step must
/// give Predict's bits. Models with convolutions are among them: their convolutions keep float32 weights, the recurrent
/// and Dense layers around them are quantized.
/// </summary>
public sealed class Int8ReferenceTests(ITestOutputHelper output)
{
    /// <summary>The stated bound: the largest absolute error of an int8 model's Predict or Step over these cases' outputs.</summary>
    public const double Int8Bound = 0.02;

    public static TheoryData<string> Cases() => new(Int8ReferenceModels.CaseNames);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8_inference_is_within_the_stated_bound_of_libtorch(string caseName)
    {
        (double predict, double step) = Measure(caseName);
        output.WriteLine($"{caseName}: max |Predict − libtorch| {predict:G3}, max |Step − libtorch| {step:G3}");
        Assert.True(predict <= Int8Bound, $"{caseName}: Predict's max abs error {predict:G4} exceeds {Int8Bound}");
        Assert.True(step <= Int8Bound, $"{caseName}: Step's max abs error {step:G4} exceeds {Int8Bound}");
    }

    [Fact]
    public void The_errors_are_quantization_not_noise()
    {
        // Over every case, the worst error is within the bound but not at float32's level: the int8 path really ran
        // (a twin that computed in float32 would be within 1e-5).
        double worst = 0;
        foreach (string caseName in Int8ReferenceModels.CaseNames)
        {
            (double predict, double step) = Measure(caseName);
            worst = Math.Max(worst, Math.Max(predict, step));
        }

        output.WriteLine($"worst max abs error over {Int8ReferenceModels.CaseNames.Length} cases: {worst:G3}");
        Assert.InRange(worst, 1e-4, Int8Bound);
    }

    [Fact]
    public void Int8_step_and_predict_allocate_nothing_and_quantize_again_after_a_write()
    {
        IRnnModel model = new Int8_Lstm64Seq_Dense1_I16_T8();
        float[] input = new float[model.Steps * model.InputSize], output = new float[model.OutputSteps * model.OutputSize], step = new float[model.OutputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = MathF.Sin(i);
        }

        model.Predict(input, output);
        model.Step(input.AsSpan(0, model.InputSize), step);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 20; k++)
        {
            model.Predict(input, output);
            model.Step(input.AsSpan(0, model.InputSize), step);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // A parameter write through Parameters is seen by the next Predict: the int8 copies follow the float parameters.
        float first = output[0];
        model.Parameters[model.ParameterCount - 1] += 1f; // the Dense head's bias
        model.Predict(input, output);
        Assert.Equal(first + 1f, output[0], 1e-5f);
    }

    /// <summary>Runs one case: the training Forward against libtorch at 1e-5, then the int8 inference's worst absolute errors.</summary>
    private static (double Predict, double Step) Measure(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(Int8ReferenceModels.CasePath(caseName));
        IRnnModel model = Int8ReferenceModels.Create(caseName);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        int steps = model.Steps, inputSize = model.InputSize, outputSize = model.OutputSize;
        int inputLength = steps * inputSize, outputLength = model.OutputSteps * outputSize;
        float[] input = file["input"].ToSingleArray();
        double[] expected = file["output"].ToDoubleArray();
        int[] lengths = file.TryGetTensor("lengths", out SafeTensor? l) ? ReferenceAssert.Lengths(caseName, l) : [steps];
        int batch = lengths.Length;
        bool manyToMany = model.OutputSteps == steps && file["output"].Shape.Count == (file.TryGetTensor("lengths", out _) ? 3 : 2);

        // Training stays float32: Forward matches libtorch as the float model's does.
        float[] forward = new float[batch * outputLength];
        for (int b = 0; b < batch; b++)
        {
            model.Forward(input.AsSpan(b * inputLength, inputLength), forward.AsSpan(b * outputLength, outputLength), lengths[b]);
        }

        ReferenceAssert.Close(caseName, "output (Forward, int8 model)", file["output"], forward, 1e-5);

        float[] predicted = new float[batch * outputLength];
        for (int b = 0; b < batch; b++)
        {
            model.Predict(input.AsSpan(b * inputLength, inputLength), predicted.AsSpan(b * outputLength, outputLength), lengths[b]);
        }

        double predictError = ReferenceAssert.MaxAbs(expected, predicted);
        if (model.ParameterLayout.Any(p => p.Name.EndsWith("_reverse", StringComparison.Ordinal)))
        {
            return (predictError, 0); // bidirectional: no Step
        }

        if (Int8ReferenceModels.WithoutStep.Contains(caseName))
        {
            // A convolution that reads ahead, or an image's rows as steps: the float model cannot stream, nor can its twin.
            Assert.Throws<InvalidOperationException>(() => model.Step(input.AsSpan(0, inputSize), new float[outputSize]));
            return (predictError, 0);
        }

        float[] streamed = new float[batch * outputLength];
        float[] stepOutput = new float[outputSize];
        for (int b = 0; b < batch; b++)
        {
            model.ResetState();
            for (int t = 0; t < lengths[b]; t++)
            {
                model.Step(input.AsSpan(b * inputLength + t * inputSize, inputSize), stepOutput);
                if (manyToMany)
                {
                    stepOutput.CopyTo(streamed, b * outputLength + t * outputSize);
                }
            }

            if (!manyToMany)
            {
                stepOutput.CopyTo(streamed, b * outputLength);
            }
        }

        // Step runs Predict's products on the same int8 weights and activations: the same bits.
        for (int i = 0; i < streamed.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(streamed[i]) == BitConverter.SingleToInt32Bits(predicted[i]),
                $"{caseName}: Step's output {i} is {streamed[i]:R}, Predict's {predicted[i]:R}");
        }

        return (predictError, ReferenceAssert.MaxAbs(expected, streamed));
    }
}
