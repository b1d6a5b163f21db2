using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Serialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// A model packs its weights once per parameter change, not once per call (docs/ARCHITECTURE.md, "Packed weights"):
/// after every member that can change the parameters, every entry point that reads the packed copy computes what a
/// fresh model with the same parameters computes, bit for bit. The model has computed on every path before the change,
/// so a change that the packing missed leaves that path on the old weights, and the comparison fails.
/// </summary>
public class PackedWeightsTests
{
    public enum Change
    {
        Initialize,
        ParametersSpan,
        GetParameter,
        LoadWeights,
        AdamStep,
    }

    private static readonly string[] ModelNames =
    [
        .. AllModels.All, .. AllModels.Stochastic, .. AllModels.Bidirectional, .. AllModels.Decoders,
        nameof(ConvPoolGru), nameof(CausalConvGruSequence), nameof(DenseCausalConvDense),
    ];

    /// <summary>Models whose Forward draws dropout masks or noise: Forward and the batch path are left out.</summary>
    private static readonly string[] Stochastic = [.. AllModels.Stochastic, nameof(DenseCausalConvDense)];

    public static TheoryData<string, Change> Cases()
    {
        var data = new TheoryData<string, Change>();
        foreach (string name in ModelNames)
        {
            foreach (Change change in Enum.GetValues<Change>())
            {
                data.Add(name, change);
            }
        }

        return data;
    }

    private static IRnnModel Create(string name) =>
        ModelNames.Take(ModelNames.Length - 3).Contains(name) ? AllModels.Create(name) : ConvolutionModels.Create(name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_entry_point_follows_a_parameter_change(string name, Change change)
    {
        IRnnModel model = Create(name);
        Start(model);
        IRnnPredictor predictor = model.CreatePredictor();
        bool deterministic = !Stochastic.Contains(name);
        float[] input = Input(model, 5);

        // Every path packs (or reads) the weights of seed 1 first.
        List<float[]> before = Outputs(model, predictor, input, deterministic);

        IRnnModel reference = Create(name);
        Start(reference);
        Apply(change, model);
        Apply(change, reference);

        // The reference has never computed: whatever it packs, it packs from the changed parameters.
        List<float[]> expected = Outputs(reference, reference.CreatePredictor(), input, deterministic);
        List<float[]> actual = Outputs(model, predictor, input, deterministic);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.False(before[i].AsSpan().SequenceEqual(expected[i]), $"{name}, {change}: path {i} must see a different output after the change");
            Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"{name}, {change}: path {i} computed on weights packed before the change");
        }
    }

    [Fact]
    public void Computing_again_without_a_change_gives_the_same_outputs()
    {
        var model = new LstmToDense();
        IRnnPredictor predictor = model.CreatePredictor();
        float[] input = Input(model, 2);
        List<float[]> first = Outputs(model, predictor, input, deterministic: true);
        List<float[]> second = Outputs(model, predictor, input, deterministic: true);
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i], second[i]);
        }
    }

    private delegate Span<float> GetParameterMethod(string name);

    /// <summary>
    /// The starting parameters: uniform in [−0.5, 0.5], larger than PyTorch's initialization, so that no ReLU head starts
    /// dead (ElmanReluSequence's outputs are all zero after both <c>Initialize(1)</c> and <c>Initialize(7)</c>).
    /// </summary>
    private static void Start(IRnnModel model)
    {
        model.Initialize(1); // the training randomness too
        GradientCheckTests.RandomVector(new SeededRandom(21), model.ParameterCount, 0.5f).CopyTo(model.Parameters);
    }

    /// <summary>The same change on any model of the same class, from the same starting parameters.</summary>
    private static void Apply(Change change, IRnnModel model)
    {
        switch (change)
        {
            case Change.Initialize:
                model.Initialize(7);
                break;
            case Change.ParametersSpan:
                Span<float> parameters = model.Parameters;
                for (int i = 0; i < parameters.Length; i++)
                {
                    parameters[i] = (parameters[i] * 0.75f) + 0.01f;
                }

                break;
            case Change.GetParameter:
                // Every generated model has GetParameter; IRnnModel does not.
                var getParameter = model.GetType().GetMethod("GetParameter")!.CreateDelegate<GetParameterMethod>(model);
                foreach (ParameterInfo tensor in model.ParameterLayout)
                {
                    Span<float> values = getParameter(tensor.Name);
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = -values[i];
                    }
                }

                break;
            case Change.LoadWeights:
                IRnnModel source = Create(model.GetType().Name);
                source.Initialize(11);
                using (var stream = new MemoryStream())
                {
                    WeightFile.Save(source, stream);
                    stream.Position = 0;
                    WeightFile.Load(model, stream);
                }

                break;
            case Change.AdamStep:
                GradientCheckTests.RandomVector(new SeededRandom(9), model.ParameterCount, 1f).CopyTo(model.Gradients);
                new Adam(learningRate: 0.05f).Step(model.Parameters, model.Gradients);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "Every change is applied.");
        }
    }

    /// <summary>
    /// The outputs of every entry point that reads packed weights: Predict, the predictor's Predict, and where the model
    /// has them (deterministic models only for the training passes) Forward, the batch path and Step.
    /// </summary>
    private static List<float[]> Outputs(IRnnModel model, IRnnPredictor predictor, float[] input, bool deterministic)
    {
        int outputLength = model.OutputSteps * model.OutputSize;
        var outputs = new List<float[]>();
        float[] output = new float[outputLength];
        model.Predict(input, output);
        outputs.Add(output);
        output = new float[outputLength];
        predictor.Predict(input, output);
        outputs.Add(output);
        if (deterministic)
        {
            output = new float[outputLength];
            model.Forward(input, output);
            outputs.Add(output);
            if (model is IRnnBatchModel batch)
            {
                float[] inputs = [.. input, .. input.Reverse()];
                output = new float[2 * outputLength];
                batch.ForwardBatch(inputs, output, [model.Steps, model.Steps]);
                outputs.Add(output);
            }
        }

        if (Streams(model))
        {
            model.ResetState();
            output = new float[model.Steps * model.OutputSize];
            for (int t = 0; t < model.Steps; t++)
            {
                model.Step(input.AsSpan(t * model.InputSize, model.InputSize), output.AsSpan(t * model.OutputSize, model.OutputSize));
            }

            outputs.Add(output);
        }

        return outputs;
    }

    private static bool Streams(IRnnModel model) =>
        model is ConvPoolGru ? false : model is CausalConvGruSequence or DenseCausalConvDense || AllModels.Streams(model.GetType().Name);

    /// <summary>Values in [−1, 1], or valid ids (as floats) for a token model; reversed, still valid.</summary>
    private static float[] Input(IRnnModel model, int seed)
    {
        var random = new SeededRandom(seed);
        return model is IRnnTokenModel tokens
            ? Enumerable.Range(0, model.Steps * model.InputSize).Select(i => (float)((i * 7 + seed) % tokens.VocabularySize)).ToArray()
            : Enumerable.Range(0, model.Steps * model.InputSize).Select(_ => (random.NextSingle() * 2f) - 1f).ToArray();
    }
}
