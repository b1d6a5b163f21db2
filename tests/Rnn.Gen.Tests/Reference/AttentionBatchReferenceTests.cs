using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using Xunit;

namespace Rnn.Gen.Tests.Reference;

/// <summary>
/// The attention reference cases (Reference/Attention, libtorch) run through the decoder batch path: each case's
/// sample three times in one batch (its padding length each time), beside a shorter copy, with the reference's dL/doutput
/// on the second copy only. Every copy's output must be libtorch's teacher-forced output (1e-5), and the batch's
/// gradients libtorch's (1e-4), as AttentionReferenceTests checks the one-sample path.
/// </summary>
public class AttentionBatchReferenceTests
{
    private const double OutputTolerance = 1e-5;

    private const double GradientTolerance = 1e-4;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in AttentionReferenceModels.CaseNames)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_batch_of_the_reference_sample_matches_libtorch(string caseName)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Reference", "Attention", caseName + ".safetensors"));
        IRnnModel model = AttentionReferenceModels.Create(caseName);
        var batch = Assert.IsAssignableFrom<IRnnDecoderBatchModel>(model);
        ReferenceAssert.LoadParameters(caseName, model, file, "param/");
        int length = int.Parse(file.Metadata["length"], CultureInfo.InvariantCulture);
        bool tokenEncoder = file.Metadata["encoder"].StartsWith("tokens", StringComparison.Ordinal);
        int inputLength = model.Steps * model.InputSize, outputLength = model.OutputSteps * model.OutputSize;

        // Samples: the reference three times, and before them a copy one step shorter (when it can be) whose gradient is zero.
        const int Count = 4;
        float[] input = file["input"].ToSingleArray(), targets = file["targets"].ToSingleArray(), doutput = file["doutput"].ToSingleArray();
        float[] inputs = new float[Count * inputLength], allTargets = new float[Count * outputLength], dOutputs = new float[Count * outputLength];
        int[] lengths = new int[Count];
        for (int b = 0; b < Count; b++)
        {
            input.CopyTo(inputs, b * inputLength);
            targets.CopyTo(allTargets, b * outputLength);
            lengths[b] = b == 0 ? Math.Max(1, length - 1) : length;
        }

        doutput.CopyTo(dOutputs, 2 * outputLength);
        float[] outputs = Enumerable.Repeat(7f, Count * outputLength).ToArray();
        float[] inputGradients = Enumerable.Repeat(7f, Count * inputLength).ToArray();
        model.ZeroGradients();
        batch.ForwardBatchTeacherForced(inputs, allTargets, outputs, lengths);
        batch.BackwardBatch(dOutputs, tokenEncoder ? default : inputGradients);

        for (int b = 1; b < Count; b++)
        {
            ReferenceAssert.Close(caseName, $"output (ForwardBatchTeacherForced, sample {b})", file["output"], outputs.AsSpan(b * outputLength, outputLength), OutputTolerance);
        }

        foreach (ParameterInfo parameter in model.ParameterLayout)
        {
            ReferenceAssert.Close(caseName, "grad/" + parameter.Name + " (BackwardBatch)", file["grad/" + parameter.Name], parameter.Slice(model.Gradients), GradientTolerance);
        }

        if (!tokenEncoder)
        {
            ReferenceAssert.Close(caseName, "grad/input (BackwardBatch, sample 2)", file["grad/input"], inputGradients.AsSpan(2 * inputLength, inputLength), GradientTolerance);
            Assert.All(inputGradients.AsSpan(inputLength, inputLength).ToArray(), g => Assert.Equal(0f, g)); // no gradient on sample 1
        }
    }
}
