using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// The decoder batch path (<see cref="IRnnDecoderBatchModel"/>): ForwardBatchTeacherForced and BackwardBatch against
/// ForwardTeacherForced and Backward sample after sample (which the reference vectors and finite differences check),
/// bit for bit; against finite differences of ForwardBatchTeacherForced itself; shapes and misuse; no allocation.
/// </summary>
public class DecoderBatchTests
{
    /// <summary>Decoders whose feedback is the previous step's output values (the others feed back tokens).</summary>
    private static readonly string[] ValueFeedback =
        [nameof(Seq2SeqValues), nameof(DotAttentionValues), nameof(StackedGeneralAttention), nameof(BidirectionalEncoderValues), nameof(WideTanhValues), nameof(WideLinearAttentionValues), nameof(WideHeadOverDropout)];

    private static IRnnModel Create(string name) => name switch
    {
        nameof(EndTokenSeq2Seq) => new EndTokenSeq2Seq(),
        nameof(EndTokenTranslator) => new EndTokenTranslator(),
        nameof(AdditiveAttentionTranslator) => new AdditiveAttentionTranslator(),
        nameof(ReverserWithAttention) => new ReverserWithAttention(),
        nameof(ReverserWithoutAttention) => new ReverserWithoutAttention(),
        nameof(TinyCaptioner) => new TinyCaptioner(),
        nameof(PooledGruCaptioner) => new PooledGruCaptioner(),
        nameof(WideTanhValues) => new WideTanhValues(),
        nameof(WideLinearAttentionValues) => new WideLinearAttentionValues(),
        nameof(WideHeadOverDropout) => new WideHeadOverDropout(),
        _ => AllModels.Create(name),
    };

    public static TheoryData<string, int, bool> Batches()
    {
        var data = new TheoryData<string, int, bool>();
        string[] names =
        [
            .. AllModels.Decoders, nameof(EndTokenSeq2Seq), nameof(EndTokenTranslator), nameof(AdditiveAttentionTranslator),
            nameof(ReverserWithAttention), nameof(ReverserWithoutAttention), nameof(TinyCaptioner), nameof(PooledGruCaptioner),
            nameof(WideTanhValues), nameof(WideLinearAttentionValues), nameof(WideHeadOverDropout),
        ];
        foreach (string name in names)
        {
            data.Add(name, 1, false);
            data.Add(name, 6, true);
        }

        data.Add(nameof(AdditiveAttentionTranslator), 13, true);
        return data;
    }

    /// <summary>Inputs (token ids for token encoders), lengths and targets (one-hot rows, with an end token 2 in some samples; or values) of a batch.</summary>
    internal static (float[] Inputs, float[] Targets, int[] Lengths) RandomBatch(IRnnModel model, string name, int batch, bool mixedLengths, SeededRandom random)
    {
        int inputLength = model.Steps * model.InputSize, outputLength = model.OutputSteps * model.OutputSize;
        float[] inputs = GradientCheckTests.RandomVector(random, batch * inputLength, 1.5f);
        if (model is IRnnTokenModel tokens)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = random.NextInt(tokens.VocabularySize);
            }
        }

        int[] lengths = Enumerable.Range(0, batch).Select(b => mixedLengths ? 1 + random.NextInt(model.Steps) : model.Steps).ToArray();
        float[] targets;
        if (ValueFeedback.Contains(name))
        {
            targets = GradientCheckTests.RandomVector(random, batch * outputLength, 1f);
        }
        else
        {
            targets = new float[batch * outputLength];
            for (int b = 0; b < batch; b++)
            {
                for (int t = 0; t < model.OutputSteps; t++)
                {
                    // Token 2 is the end token of the models that have one: every other sample ends at step b % OutputSteps.
                    int token = b % 2 == 1 && t == b % model.OutputSteps ? 2 : 3 + random.NextInt(model.OutputSize - 3);
                    targets[(b * outputLength) + (t * model.OutputSize) + token] = 1f;
                }
            }
        }

        return (inputs, targets, lengths);
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void A_teacher_forced_batch_gives_bit_for_bit_what_its_samples_give_one_by_one(string name, int batch, bool mixedLengths)
    {
        IRnnModel single = Create(name);
        var batched = (IRnnDecoderBatchModel)Create(name);
        single.Initialize(seed: 5);
        batched.Initialize(seed: 5); // the same parameters and the same seed for dropout masks
        var random = new SeededRandom(23);
        (float[] inputs, float[] targets, int[] lengths) = RandomBatch(single, name, batch, mixedLengths, random);
        int inputLength = single.Steps * single.InputSize, outputLength = single.OutputSteps * single.OutputSize;
        float[] dOutputs = GradientCheckTests.RandomVector(random, batch * outputLength, 1f);
        bool tokenInput = single is IRnnTokenModel;

        float[] expectedOutputs = new float[batch * outputLength], expectedInputGradients = new float[inputs.Length];
        single.ZeroGradients();
        for (int b = 0; b < batch; b++)
        {
            single.ForwardTeacherForced(inputs.AsSpan(b * inputLength, inputLength), targets.AsSpan(b * outputLength, outputLength), expectedOutputs.AsSpan(b * outputLength, outputLength), lengths[b]);
            if (tokenInput)
            {
                single.Backward(dOutputs.AsSpan(b * outputLength, outputLength));
            }
            else
            {
                single.Backward(dOutputs.AsSpan(b * outputLength, outputLength), expectedInputGradients.AsSpan(b * inputLength, inputLength));
            }
        }

        float[] outputs = Enumerable.Repeat(7f, batch * outputLength).ToArray(), inputGradients = Enumerable.Repeat(7f, inputs.Length).ToArray();
        batched.ZeroGradients();
        batched.ForwardBatchTeacherForced(inputs, targets, outputs, mixedLengths ? lengths : default);
        batched.BackwardBatch(dOutputs, tokenInput ? default : inputGradients);

        BatchPathTests.AssertBitwise(expectedOutputs, outputs, $"{name} outputs");
        BatchPathTests.AssertBitwise(single.Gradients.ToArray(), batched.Gradients.ToArray(), $"{name} gradients");
        if (!tokenInput)
        {
            BatchPathTests.AssertBitwise(expectedInputGradients, inputGradients, $"{name} input gradients");
        }

        Assert.Contains(batched.Gradients.ToArray(), g => g != 0f);
    }

    [Fact]
    public void After_a_batch_attention_weights_are_the_last_samples()
    {
        AssertLastSamplesWeights(new AdditiveAttentionTranslator(), nameof(AdditiveAttentionTranslator), m => m.AttentionWeights.ToArray()); // a head per sample
        AssertLastSamplesWeights(new WideLinearAttentionValues(), nameof(WideLinearAttentionValues), m => m.AttentionWeights.ToArray()); // a head over the batch
    }

    /// <summary>
    /// The model's AttentionWeights after ForwardBatchTeacherForced (and after BackwardBatch) are bit for bit those of
    /// ForwardTeacherForced on the batch's last sample, and differ from the first sample's.
    /// </summary>
    private static void AssertLastSamplesWeights<TModel>(TModel model, string name, Func<TModel, float[]> weights)
        where TModel : IRnnDecoderBatchModel
    {
        const int batch = 3;
        model.Initialize(seed: 4);
        (float[] inputs, float[] targets, int[] lengths) = RandomBatch(model, name, batch, mixedLengths: true, new SeededRandom(31));
        int inputLength = model.Steps * model.InputSize, outputLength = model.OutputSteps * model.OutputSize;
        float[] output = new float[outputLength];
        model.ForwardTeacherForced(inputs.AsSpan(0, inputLength), targets.AsSpan(0, outputLength), output, lengths[0]);
        float[] first = weights(model);
        model.ForwardTeacherForced(inputs.AsSpan((batch - 1) * inputLength, inputLength), targets.AsSpan((batch - 1) * outputLength, outputLength), output, lengths[batch - 1]);
        float[] last = weights(model);
        Assert.NotEqual(first, last);

        model.ForwardTeacherForced(inputs.AsSpan(0, inputLength), targets.AsSpan(0, outputLength), output, lengths[0]); // the first sample's weights again
        model.ForwardBatchTeacherForced(inputs, targets, new float[batch * outputLength], lengths);
        BatchPathTests.AssertBitwise(last, weights(model), $"{name} attention weights after the batch");
        model.BackwardBatch(GradientCheckTests.RandomVector(new SeededRandom(2), batch * outputLength, 1f), default);
        BatchPathTests.AssertBitwise(last, weights(model), $"{name} attention weights after its backward");
    }

    [Fact]
    public void Steps_after_each_targets_end_token_are_zero_and_carry_no_gradient()
    {
        var model = new AdditiveAttentionTranslator();
        model.Initialize(3);
        int outputLength = AdditiveAttentionTranslator.OutputSteps * AdditiveAttentionTranslator.OutputSize;
        (float[] inputs, float[] targets, int[] lengths) = RandomBatch(model, nameof(AdditiveAttentionTranslator), 4, true, new SeededRandom(8));
        float[] outputs = new float[4 * outputLength];
        model.ForwardBatchTeacherForced(inputs, targets, outputs, lengths);

        // Sample 1 ends at step 1 (token 2 = EndToken): its steps 2 and on are zeros, its steps 0 and 1 probabilities.
        Assert.Equal(AdditiveAttentionTranslator.EndToken, 2);
        ReadOnlySpan<float> sample = outputs.AsSpan(outputLength, outputLength);
        Assert.Equal(1f, Sum(sample.Slice(AdditiveAttentionTranslator.OutputSize, AdditiveAttentionTranslator.OutputSize)), 4);
        Assert.All(sample.Slice(2 * AdditiveAttentionTranslator.OutputSize).ToArray(), v => Assert.Equal(0f, v));

        // A gradient only on sample 1's masked steps adds nothing.
        float[] dOutputs = new float[outputs.Length];
        dOutputs.AsSpan(outputLength + (2 * AdditiveAttentionTranslator.OutputSize), outputLength - (2 * AdditiveAttentionTranslator.OutputSize)).Fill(1f);
        model.ZeroGradients();
        model.BackwardBatch(dOutputs);
        Assert.All(model.Gradients.ToArray(), g => Assert.Equal(0f, g));

        // On its last unmasked step it does.
        dOutputs.AsSpan(outputLength + AdditiveAttentionTranslator.OutputSize, AdditiveAttentionTranslator.OutputSize).Fill(0.5f);
        dOutputs[outputLength + AdditiveAttentionTranslator.OutputSize] = -1f;
        model.BackwardBatch(dOutputs);
        Assert.Contains(model.Gradients.ToArray(), g => g != 0f);
    }

    private static float Sum(ReadOnlySpan<float> values)
    {
        float sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return sum;
    }

    [Theory]
    [InlineData(nameof(DotAttentionValues))]
    [InlineData(nameof(AdditiveAttentionTranslator))]
    public void Batch_gradients_match_finite_differences_of_the_batch_forward(string name)
    {
        var model = (IRnnDecoderBatchModel)Create(name);
        model.Initialize(seed: 7);
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] *= 2f; // out of the gates' linear region, so every derivative matters
        }

        var random = new SeededRandom(41);
        const int Batch = 3;
        (float[] inputs, float[] targets, int[] lengths) = RandomBatch(model, name, Batch, true, random);
        float[] dOutputs = GradientCheckTests.RandomVector(random, Batch * model.OutputSteps * model.OutputSize, 1f);
        bool tokenInput = model is IRnnTokenModel;
        float[] outputs = new float[dOutputs.Length], inputGradients = new float[inputs.Length];
        model.ZeroGradients();
        model.ForwardBatchTeacherForced(inputs, targets, outputs, lengths);
        model.BackwardBatch(dOutputs, tokenInput ? default : inputGradients);
        float[] analytic = model.Gradients.ToArray();

        double Loss()
        {
            float[] y = new float[dOutputs.Length];
            model.ForwardBatchTeacherForced(inputs, targets, y, lengths);
            double loss = 0;
            for (int i = 0; i < y.Length; i++)
            {
                loss += (double)y[i] * dOutputs[i];
            }

            return loss;
        }

        const float Epsilon = 1e-2f;
        int checkedCount = 0;
        foreach (ParameterInfo tensor in model.ParameterLayout)
        {
            int stride = Math.Max(1, tensor.Length / 12);
            for (int k = 0; k < tensor.Length; k += stride)
            {
                int index = tensor.Offset + k;
                float saved = model.Parameters[index];
                model.Parameters[index] = saved + Epsilon;
                double plus = Loss();
                model.Parameters[index] = saved - Epsilon;
                double minus = Loss();
                model.Parameters[index] = saved;
                GradientCheckTests.AssertClose((plus - minus) / (2.0 * Epsilon), analytic[index], $"{name}: d/d {tensor.Name}[{k}]");
                checkedCount++;
            }
        }

        if (!tokenInput)
        {
            for (int b = 0; b < Batch; b++)
            {
                // The valid steps of each sample: padding is not read.
                for (int i = 0; i < lengths[b] * model.InputSize; i++)
                {
                    int index = (b * model.Steps * model.InputSize) + i;
                    float saved = inputs[index];
                    inputs[index] = saved + Epsilon;
                    double plus = Loss();
                    inputs[index] = saved - Epsilon;
                    double minus = Loss();
                    inputs[index] = saved;
                    GradientCheckTests.AssertClose((plus - minus) / (2.0 * Epsilon), inputGradients[index], $"{name}: d/d inputs[{b}][{i}]");
                }
            }
        }

        Assert.True(checkedCount >= model.ParameterLayout.Count);
    }

    [Fact]
    public void A_reserved_batch_trains_allocating_zero_bytes()
    {
        var model = new AdditiveAttentionTranslator();
        (float[] inputs, float[] targets, int[] lengths) = RandomBatch(model, nameof(AdditiveAttentionTranslator), 5, true, new SeededRandom(4));
        float[] outputs = new float[targets.Length], dOutputs = GradientCheckTests.RandomVector(new SeededRandom(5), targets.Length, 1f);
        model.ReserveBatch(5);
        void RunAll()
        {
            for (int i = 0; i < 10; i++)
            {
                model.ForwardBatchTeacherForced(inputs, targets, outputs, lengths);
                model.BackwardBatch(dOutputs);
            }
        }

        Assert.Equal(0, AllocationTests.FewestAllocatedBytes(RunAll));
    }

    [Fact]
    public void Wrong_shapes_and_a_backward_without_forward_throw_naming_what_was_expected()
    {
        var model = new DotAttentionValues();
        int inputLength = DotAttentionValues.Steps * DotAttentionValues.InputSize, outputLength = DotAttentionValues.OutputSteps * DotAttentionValues.OutputSize;
        var inputs = new float[2 * inputLength];
        var targets = new float[2 * outputLength];
        var outputs = new float[2 * outputLength];
        InvalidOperationException noForward = Assert.Throws<InvalidOperationException>(() => model.BackwardBatch(outputs));
        Assert.Contains("call ForwardBatchTeacherForced first", noForward.Message);
        ArgumentException shortTargets = Assert.Throws<ArgumentException>(() => model.ForwardBatchTeacherForced(inputs, new float[outputLength], outputs));
        Assert.Equal("targets", shortTargets.ParamName);
        Assert.Contains($"{2 * outputLength}", shortTargets.Message);
        ArgumentException wrongOutputs = Assert.Throws<ArgumentException>(() => model.ForwardBatchTeacherForced(inputs, new float[3 * outputLength], new float[3 * outputLength]));
        Assert.Equal("outputs", wrongOutputs.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardBatchTeacherForced(inputs, targets, outputs, new[] { 1, DotAttentionValues.Steps + 1 }));

        model.ForwardBatchTeacherForced(inputs, targets, outputs);
        ArgumentException wrongGradients = Assert.Throws<ArgumentException>(() => model.BackwardBatch(new float[outputLength]));
        Assert.Equal("outputGradients", wrongGradients.ParamName);
        Assert.Contains("as the last ForwardBatchTeacherForced", wrongGradients.Message);
    }

    [Fact]
    public void Every_decoder_model_has_the_decoder_batch_path_and_no_free_running_one()
    {
        foreach (string name in AllModels.Decoders)
        {
            IRnnModel model = AllModels.Create(name);
            Assert.True(model is IRnnDecoderBatchModel, name);
            Assert.False(model is IRnnBatchModel, name);
        }

        Assert.False(new Forecaster() is IRnnDecoderBatchModel);
    }
}
