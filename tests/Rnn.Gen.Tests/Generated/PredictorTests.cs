using System;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// A predictor (<c>CreatePredictor()</c>) computes what its model computes, bit for bit, from the model's current
/// parameters, with a streaming state of its own; and a new model holds the parameters of <c>Initialize(0)</c>.
/// </summary>
public class PredictorTests
{
    public static TheoryData<string> Models => AllModels.EveryModelData();

    private static float[] Input(IRnnModel model, int seed)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, model.Steps * model.InputSize).Select(_ => (random.NextSingle() * 2f) - 1f).ToArray();
    }

    private static float[] Predict(Action<float[]> predict, IRnnModel model)
    {
        float[] output = new float[model.OutputSteps * model.OutputSize];
        predict(output);
        return output;
    }

    private static float[] Stream(IRnnModel model, Action reset, Action<ReadOnlyMemory<float>, float[]> step, float[] input)
    {
        reset();
        float[] outputs = new float[model.Steps * model.OutputSize];
        for (int t = 0; t < model.Steps; t++)
        {
            float[] output = new float[model.OutputSize];
            step(input.AsMemory(t * model.InputSize, model.InputSize), output);
            output.CopyTo(outputs, t * model.OutputSize);
        }

        return outputs;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_predictor_predicts_and_streams_as_its_model_and_follows_its_parameters(string name) =>
        CheckPredictor(AllModels.Create(name), AllModels.Streams(name), Math.Min(2, AllModels.Create(name).Steps));

    [Theory]
    [InlineData(nameof(CausalConvGruSequence), true, 1)]
    [InlineData(nameof(DenseCausalConvDense), true, 2)]
    [InlineData(nameof(ConvPoolGru), false, 4)]
    [InlineData(nameof(StatefulWindow), true, 2)]
    public void Convolution_and_stateful_predictors_predict_and_stream_as_their_models(string name, bool streams, int length) =>
        CheckPredictor(name == nameof(StatefulWindow) ? new StatefulWindow() : ConvolutionModels.Create(name), streams, length);

    private static void CheckPredictor(IRnnModel model, bool streams, int length)
    {
        model.Initialize(3);
        IRnnPredictor predictor = model.CreatePredictor();
        Assert.Equal((model.InputSize, model.Steps, model.OutputSize, model.OutputSteps), (predictor.InputSize, predictor.Steps, predictor.OutputSize, predictor.OutputSteps));
        float[] input = Input(model, 8);
        float[] expected = Predict(o => model.Predict(input, o), model);
        Assert.Equal(expected, Predict(o => predictor.Predict(input, o), model));
        Assert.Equal(Predict(o => model.Predict(input, o, length), model), Predict(o => predictor.Predict(input, o, length), model));

        if (streams)
        {
            float[] modelStream = Stream(model, model.ResetState, (x, y) => model.Step(x.Span, y), input);
            Assert.Equal(modelStream, Stream(model, predictor.ResetState, (x, y) => predictor.Step(x.Span, y), input));

            // The predictor's state is its own: the model stepping meanwhile does not move it.
            predictor.ResetState();
            float[] first = new float[model.OutputSize];
            model.Step(input.AsSpan(0, model.InputSize), first);
            predictor.Step(input.AsSpan(0, model.InputSize), first);
            Assert.Equal(modelStream.AsSpan(0, model.OutputSize).ToArray(), first);
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => predictor.Step(input.AsSpan(0, model.InputSize), new float[model.OutputSize]));
        }

        // Training the model (here: writing its parameters as an optimizer does) changes what the predictor computes,
        // Step's packed weights included.
        Span<float> parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] *= 0.75f;
        }

        float[] trained = Predict(o => model.Predict(input, o), model);
        Assert.NotEqual(expected, trained);
        Assert.Equal(trained, Predict(o => predictor.Predict(input, o), model));
        if (streams)
        {
            Assert.Equal(
                Stream(model, model.ResetState, (x, y) => model.Step(x.Span, y), input),
                Stream(model, predictor.ResetState, (x, y) => predictor.Step(x.Span, y), input));
        }

        model.Initialize(4);
        Assert.Equal(Predict(o => model.Predict(input, o), model), Predict(o => predictor.Predict(input, o), model));
    }

    [Fact]
    public void Token_predictors_read_ids_and_generate_as_their_models()
    {
        var tagger = new TokenLstmTagger();
        TokenLstmTagger.Predictor taggerPredictor = tagger.CreatePredictor();
        int[] ids = Enumerable.Range(0, TokenLstmTagger.Steps).Select(i => (i * 5) % TokenLstmTagger.VocabularySize).ToArray();
        float[] expected = new float[TokenLstmTagger.OutputSteps * TokenLstmTagger.OutputSize], actual = new float[expected.Length];
        tagger.Predict(ids, expected, 5);
        taggerPredictor.Predict(ids, actual, 5);
        Assert.Equal(expected, actual);
        tagger.ResetState();
        taggerPredictor.ResetState();
        float[] modelStep = new float[TokenLstmTagger.OutputSize], predictorStep = new float[TokenLstmTagger.OutputSize];
        foreach (int id in ids)
        {
            tagger.Step(id, modelStep);
            taggerPredictor.Step(id, predictorStep);
            Assert.Equal(modelStep, predictorStep);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => taggerPredictor.Step(TokenLstmTagger.VocabularySize, predictorStep));

        var translator = new TokenTranslator();
        TokenTranslator.Predictor translatorPredictor = translator.CreatePredictor();
        float[] source = Enumerable.Range(0, TokenTranslator.Steps).Select(i => (float)((i * 2) % TokenTranslator.VocabularySize)).ToArray();
        float[] modelProbabilities = new float[TokenTranslator.OutputSteps * TokenTranslator.OutputSize], predictorProbabilities = new float[modelProbabilities.Length];
        int[] modelTokens = new int[TokenTranslator.OutputSteps], predictorTokens = new int[TokenTranslator.OutputSteps];
        translator.Generate(source, modelProbabilities, modelTokens, 1.5f, 3, new SeededRandom(9));
        translatorPredictor.Generate(source, predictorProbabilities, predictorTokens, 1.5f, 3, new SeededRandom(9));
        Assert.Equal(modelTokens, predictorTokens);
        Assert.Equal(modelProbabilities, predictorProbabilities);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_new_model_holds_the_parameters_of_Initialize_0(string name)
    {
        IRnnModel fresh = AllModels.Create(name);
        IRnnModel seeded = AllModels.Create(name);
        seeded.Initialize(5);
        Assert.NotEqual(fresh.Parameters.ToArray(), seeded.Parameters.ToArray());
        seeded.Initialize(0);
        Assert.Equal(seeded.Parameters.ToArray(), fresh.Parameters.ToArray());
        Assert.Equal(seeded.TrainingRandom!.State, fresh.TrainingRandom!.State);
        Assert.Contains(fresh.Parameters.ToArray(), v => v != 0f);
    }
}
