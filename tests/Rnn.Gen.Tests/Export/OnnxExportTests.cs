using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Export;

/// <summary>
/// ExportOnnx: every layer kind and combination runs in ONNX Runtime (Microsoft.ML.OnnxRuntime) on a batch of random
/// inputs and gives what the model's own Predict gives each sample, within 1e-5; what cannot be exported is refused.
/// </summary>
public sealed class OnnxExportTests
{
    private const double Tolerance = 1e-5;

    /// <summary>Every model the export is checked on, by name: each kind, stacked, bidirectional with every merge mode, many-to-one and sequences.</summary>
    private static readonly Dictionary<string, Func<IRnnModel>> s_models = new()
    {
        // One cell, many-to-one and sequences.
        ["LSTM -> Dense"] = () => new LstmToDense(),
        ["LSTM sequence -> Dense tanh"] = () => new WideLstmSequence(),
        ["GRU -> Dense tanh"] = () => new GruToDense(),
        ["GRU sequence -> Dense sigmoid -> Dense"] = () => new WideGruSequenceTwoDense(),
        ["Elman tanh -> Dense sigmoid"] = () => new ElmanTanhToDense(),
        ["Elman relu sequence -> Dense relu"] = () => new ElmanReluSequence(),
        ["LSTM sequence alone"] = () => new LstmSequenceOnly(),
        ["GRU last step alone"] = () => new GruLastStepOnly(),
        ["Dense only, softmax head"] = () => new DenseOnly(),

        // Stacked.
        ["LSTM sequence -> GRU -> Dense (Forecaster)"] = () => new Forecaster(),
        ["GRU sequence -> Elman -> Dense softmax"] = () => new StackedThreeCells(),
        ["bidirectional LSTM sequence -> GRU sequence -> Elman -> softmax"] = () => new OnnxWideStack(),
        ["stateful LSTM -> GRU -> Elman sequences"] = () => new StatefulWindow(),

        // Bidirectional, every merge mode, many-to-one and sequences.
        ["bidirectional LSTM concat last"] = () => new BiLstmConcatToDense(),
        ["bidirectional GRU concat sequence"] = () => new BiGruWithDropout(),
        ["bidirectional GRU sum sequence -> Elman multiply last"] = () => new StackedBiGruSumElmanMultiply(),
        ["bidirectional Elman relu average sequence -> LSTM concat sequence"] = () => new BiElmanAverageBiLstmSequence(),
        ["bidirectional Elman sum last"] = () => new PaddedBiElmanLastLong(),
        ["bidirectional GRU sum last"] = () => new OnnxBiGruSumLast(),
        ["bidirectional LSTM average last"] = () => new OnnxBiLstmAverageLast(),
        ["bidirectional GRU multiply sequence"] = () => new OnnxBiGruMultiplySequence(),

        // Training-only layers: dropout and noise are identities at inference.
        ["dropout, recurrent dropout, penalties"] = () => new RegularizedStack(),
        ["Elman sequence, noise, dropout"] = () => new RegularizedElmanSequence(),

        // Convolution and pooling.
        ["Conv1D relu -> MaxPool1D -> GRU -> Dense"] = () => new ConvPoolGru(),
        ["causal dilated Conv1D -> GRU sequence"] = () => new CausalConvGruSequence(),
        ["LSTM sequence -> strided dilated Conv1D -> GlobalAveragePool1D"] = () => new LstmConvGlobalAverage(),
        ["same Conv1D (even kernel) -> AvgPool1D -> GlobalMaxPool1D"] = () => new SameConvPools(),
        ["strided Conv1D head"] = () => new ConvHead(),
        ["Conv1D -> bidirectional GRU sequence -> GlobalMaxPool1D"] = () => new ConvBiGruGlobalMax(),
        ["noise -> Dense -> causal Conv1D -> Dense"] = () => new DenseCausalConvDense(),
        ["stateful causal Conv1D -> LSTM"] = () => new StatefulCausalConvLstm(),
        ["two Conv1D, two pools"] = () => new TwoConvsTwoPools(),

        // Token ids.
        ["Embedding -> GRU -> softmax"] = () => new TokenGruClassifier(),
        ["Embedding -> LSTM sequence"] = () => new TokenLstmTagger(),
        ["Embedding -> bidirectional GRU"] = () => new TokenBidirectional(),
        ["Embedding -> Conv1D -> MaxPool1D -> GRU -> softmax"] = () => new TokenConvPoolGru(),
        ["Embedding -> same Conv1D -> AvgPool1D -> bidirectional LSTM"] = () => new TokenConvBiLstm(),
        ["Embedding -> Conv1D -> bidirectional GRU -> softmax (sentiment)"] = () => new OnnxTokenSentiment(),

        // Images: one image [batch, C, H, W] or frames [batch, T, C, H, W].
        ["MNIST stack: Conv2D -> MaxPool2D -> Conv2D -> MaxPool2D -> Flatten -> softmax"] = () => new OnnxMnistSoftmax(),
        ["same Conv2D (odd kernel) -> AvgPool2D -> rectangular Conv2D -> GlobalAveragePool2D"] = () => new SmallConvNet(),
        ["strided dilated Conv2D -> overlapping MaxPool2D -> Flatten -> softmax"] = () => new StridedConvMaxPool(),
        ["same dilated Conv2D (uneven splits, rectangular) -> strided Conv2D"] = () => new OnnxSameSplitsStride(),
        ["rectangular 3x1 strided Conv2D"] = () => new Reference.Conv2DRect3x1Stride2_C3_H9_W6(),
        ["same rectangular 2x4 Conv2D"] = () => new Reference.Conv2DRect2x4Same_C2_H5_W7(),
        ["MaxPool2D 3, stride 2"] = () => new Reference.MaxPool3Stride2_C2_H7_W9(),
        ["AvgPool2D 3, stride 1"] = () => new Reference.AvgPool3Stride1_C2_H5_W6(),
        ["Conv2D -> GlobalAveragePool2D -> softmax"] = () => new Reference.Conv2DGlobalAverageDense_C2_H6_W6(),
        ["rows -> LSTM sequence"] = () => new RowsLstm(),
        ["rows -> LSTM last"] = () => new Reference.RowsLstmDense_C2_H5_W6(),
        ["noise -> rows -> bidirectional LSTM sequence"] = () => new OnnxNoiseRowsBiLstm(),
        ["columns -> GRU sequence"] = () => new Reference.ColumnsGruSeqDense_C2_H4_W6(),
        ["Conv2D -> rows -> GRU"] = () => new Reference.Conv2DRowsGruDense_C1_H8_W7(),
        ["frames: Conv2D -> MaxPool2D -> Flatten -> LSTM"] = () => new Reference.FramesConvPoolFlattenLstm_T4_C2_H6_W6(),
        ["frames: Conv2D -> Flatten -> GRU"] = () => new FramesConvGru(),
        ["frames: same Conv2D -> GlobalAveragePool2D -> GRU sequence"] = () => new Reference.FramesConvGlobalAverageGruSeq_T5_C1_H5_W5(),
        ["frames: rectangular Conv2D -> strided AvgPool2D -> bidirectional GRU sequence"] = () => new OnnxFramesAvgPoolBiGru(),
    };

    public static TheoryData<string> ModelNames => new(s_models.Keys);

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Onnx_runtime_computes_what_predict_computes(string name)
    {
        IRnnModel model = s_models[name]();
        model.Initialize(seed: 7);
        double worst = CompareWithOnnxRuntime(model, Export(model), batch: 3, seed: 11);
        Assert.True(worst <= Tolerance, $"{name}: ONNX Runtime differs from Predict by {worst:G3}");
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void With_a_lengths_input_onnx_runtime_computes_what_padded_predict_computes(string name)
    {
        IRnnModel model = s_models[name]();
        model.Initialize(seed: 9);
        using var stream = new MemoryStream();
        Rnn.Gen.Export.Onnx.OnnxExporter.Export(model, stream, lengthsInput: true);
        double worst = CompareWithOnnxRuntime(model, stream.ToArray(), batch: 5, seed: 13, padded: true);
        Assert.True(worst <= Tolerance, $"{name}: ONNX Runtime differs from the padded Predict by {worst:G3}");
    }

    [Fact]
    public void Export_to_a_file_writes_a_graph_onnx_runtime_loads()
    {
        var model = new Forecaster();
        model.Initialize(seed: 3);
        string folder = Directory.CreateTempSubdirectory("rnngen-onnx-").FullName;
        try
        {
            string path = Path.Combine(folder, "forecaster.onnx");
            model.ExportOnnx(path);
            Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(folder).Select(Path.GetFileName)); // no temporary file left
            Assert.True(CompareWithOnnxRuntime(model, File.ReadAllBytes(path), batch: 2, seed: 5) <= Tolerance);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_graph_has_a_batch_dimension_named_batch_and_the_declared_shapes()
    {
        var model = new StackedThreeCells();
        model.Initialize(seed: 1);
        using var session = new InferenceSession(Export(model));
        NodeMetadata input = session.InputMetadata["input"], output = session.OutputMetadata["output"];
        Assert.Equal(new[] { -1, StackedThreeCells.Steps, StackedThreeCells.InputSize }, input.Dimensions);
        Assert.Equal("batch", input.SymbolicDimensions[0]);
        Assert.Equal(typeof(float), input.ElementType);
        Assert.Equal(new[] { -1, StackedThreeCells.OutputSteps, StackedThreeCells.OutputSize }, output.Dimensions);
        Assert.Equal("batch", output.SymbolicDimensions[0]);

        using var tokens = new InferenceSession(Export(new TokenGruClassifier()));
        Assert.Equal(typeof(long), tokens.InputMetadata["input"].ElementType);
        Assert.Equal(new[] { -1, TokenGruClassifier.Steps }, tokens.InputMetadata["input"].Dimensions);
    }

    [Fact]
    public void An_image_model_reads_images_and_a_frames_model_frames()
    {
        using var image = new InferenceSession(Export(new OnnxMnistSoftmax()));
        Assert.Equal(new[] { -1, 1, 28, 28 }, image.InputMetadata["input"].Dimensions);
        Assert.Equal("batch", image.InputMetadata["input"].SymbolicDimensions[0]);
        Assert.Equal(new[] { -1, 1, 10 }, image.OutputMetadata["output"].Dimensions);

        using var frames = new InferenceSession(Export(new OnnxFramesAvgPoolBiGru()));
        Assert.Equal(new[] { -1, 4, 2, 7, 6 }, frames.InputMetadata["input"].Dimensions);
        Assert.Equal(new[] { -1, 4, 2 }, frames.OutputMetadata["output"].Dimensions);

        var conv = Assert.IsType<Rnn.Gen.Export.Conv2DLayer>(OnnxSameSplitsStride.Architecture.Layers[1]);
        Assert.Equal((new Rnn.Gen.Export.ImageInput(3, 7, 8), 2, 3, 3, ConvPadding.Same), (conv.Image, conv.KernelHeight, conv.KernelWidth, conv.Dilation, conv.Padding));
        Assert.Equal(new Rnn.Gen.Export.ImageInput(2, 7, 8), OnnxSameSplitsStride.Architecture.Image);
        var layers = OnnxSameSplitsStride.Architecture.Layers;
        Assert.Equal([2 * 7 * 8, 3 * 7 * 8, 2 * 7 * 8, 3 * 3 * 4, 3 * 3 * 4], layers.Select(l => l.InputSize));
        Assert.Equal(layers.Skip(1).Select(l => l.InputSize), layers.SkipLast(1).Select(l => l.OutputSize)); // each output size is the next layer's input
    }

    [Fact]
    public void The_export_follows_the_parameters_as_they_are_at_the_call()
    {
        // Weights loaded or trained after construction are the ones exported: change one bias and export again.
        var model = new GruToDense();
        model.Initialize(seed: 2);
        byte[] before = Export(model);
        model.GetParameter("1.bias")[0] += 0.5f;
        byte[] after = Export(model);
        Assert.NotEqual(before, after);
        Assert.True(CompareWithOnnxRuntime(model, after, batch: 2, seed: 4) <= Tolerance);
        Assert.True(CompareWithOnnxRuntime(model, before, batch: 2, seed: 4) > 1e-2); // the old graph has the old bias
    }

    [Fact]
    public void The_same_model_exports_the_same_bytes()
    {
        var first = new OnnxTokenSentiment();
        var second = new OnnxTokenSentiment();
        first.Initialize(seed: 5);
        second.Initialize(seed: 5);
        Assert.Equal(Export(first), Export(second));
    }

    [Theory]
    [InlineData(nameof(Seq2SeqTokens))]
    [InlineData(nameof(Seq2SeqValues))]
    [InlineData(nameof(OneToManyTokens))]
    [InlineData(nameof(TokenTranslator))]
    [InlineData(nameof(AdditiveAttentionTranslator))]
    public void A_decoder_is_refused_by_name_and_nothing_is_written(string name)
    {
        IRnnModel model = name switch
        {
            nameof(Seq2SeqTokens) => new Seq2SeqTokens(),
            nameof(Seq2SeqValues) => new Seq2SeqValues(),
            nameof(OneToManyTokens) => new OneToManyTokens(),
            nameof(AdditiveAttentionTranslator) => new AdditiveAttentionTranslator(), // its decoder is layers 3 on: the attention is one of them
            _ => new TokenTranslator(),
        };
        string folder = Directory.CreateTempSubdirectory("rnngen-onnx-").FullName;
        try
        {
            string path = Path.Combine(folder, "decoder.onnx");
            var error = Assert.Throws<NotSupportedException>(() => Rnn.Gen.Export.Onnx.OnnxExporter.Export(model, path));
            Assert.Contains($"{name} cannot be exported to ONNX: its decoder (layers {model.Architecture!.Decoder!.FirstLayer} on", error.Message);
            Assert.Contains("ONNX Loop", error.Message);
            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_architecture_describes_each_layer()
    {
        var architecture = OnnxTokenSentiment.Architecture;
        Assert.True(architecture.TokenInput);
        Assert.Equal(["Embedding", "Conv1D", "Gru", "Dense"], architecture.Layers.Select(l => l.Kind));
        var gru = Assert.IsType<Rnn.Gen.Export.RecurrentLayer>(architecture.Layers[2]);
        Assert.Equal((6, 5, true, MergeMode.Concat, 10), (gru.InputSize, gru.Hidden, gru.Bidirectional, gru.MergeMode, gru.OutputSize));
        Assert.Equal(new Rnn.Gen.Export.DecoderArchitecture(2, 4), Seq2SeqTokens.Architecture.Decoder);
        Assert.True(StatefulWindow.Architecture.Stateful);
    }

    private static byte[] Export(IRnnModel model)
    {
        using var stream = new MemoryStream();
        switch (model)
        {
            case GruToDense gru:
                gru.ExportOnnx(stream);
                break;
            default:
                Rnn.Gen.Export.Onnx.OnnxExporter.Export(model, stream);
                break;
        }

        return stream.ToArray();
    }

    /// <summary>The fewest valid steps the model's Predict accepts: 1, or more when convolution or pooling windows need them.</summary>
    private static int FewestSteps(IRnnModel model)
    {
        var output = new float[model.OutputSteps * model.OutputSize];
        for (int length = 1; ; length++)
        {
            try
            {
                if (model is IRnnTokenModel tokens)
                {
                    tokens.Predict(new int[model.Steps], output, length);
                }
                else
                {
                    model.Predict(new float[model.Steps * model.InputSize], output, length);
                }

                return length;
            }
            catch (ArgumentOutOfRangeException) when (length < model.Steps)
            {
            }
        }
    }

    /// <summary>The float input's shape: [batch, Steps, InputSize]; an image model's [batch, C, H, W] (one image) or [batch, Steps, C, H, W] (frames).</summary>
    private static long[] InputShape(IRnnModel model, int batch) => model.Architecture!.Image switch
    {
        { } image when model.Steps == 1 => [batch, image.Channels, image.Height, image.Width],
        { } image => [batch, model.Steps, image.Channels, image.Height, image.Width],
        null => [batch, model.Steps, model.InputSize],
    };

    /// <summary>
    /// Runs <paramref name="onnx"/> in ONNX Runtime on <paramref name="batch"/> random samples at once (token ids for a
    /// token model) and returns the largest difference from the model's Predict on each sample, relative above 1.
    /// </summary>
    private static double CompareWithOnnxRuntime(IRnnModel model, byte[] onnx, int batch, int seed, bool padded = false)
    {
        var random = new SeededRandom(seed);
        int steps = model.Steps, outputLength = model.OutputSteps * model.OutputSize;
        var expected = new float[batch * outputLength];

        // Padded: sample b has lengths[b] valid steps (the first all of them, another the fewest the windows allow), the
        // rest padding holding values as random as the valid steps', which must not matter.
        int fewest = padded ? FewestSteps(model) : steps;
        long[] lengths = Enumerable.Range(0, batch).Select(b => b == 0 ? steps : b == 1 ? fewest : fewest + random.NextInt(steps - fewest + 1)).Select(l => (long)l).ToArray();
        using var session = new InferenceSession(onnx);
        using var runOptions = new RunOptions();
        OrtValue input;
        if (model is IRnnTokenModel tokens)
        {
            var ids = new long[batch * steps];
            for (int i = 0; i < ids.Length; i++)
            {
                ids[i] = random.NextInt(tokens.VocabularySize);
            }

            for (int b = 0; b < batch; b++)
            {
                int[] sample = ids.AsSpan(b * steps, steps).ToArray().Select(id => (int)id).ToArray();
                tokens.Predict(sample, expected.AsSpan(b * outputLength, outputLength), padded ? (int)lengths[b] : steps);
            }

            input = OrtValue.CreateTensorValueFromMemory(ids, [batch, steps]);
        }
        else
        {
            int sampleLength = steps * model.InputSize;
            var x = new float[batch * sampleLength];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (2 * random.NextSingle()) - 1;
            }

            for (int b = 0; b < batch; b++)
            {
                model.Predict(x.AsSpan(b * sampleLength, sampleLength), expected.AsSpan(b * outputLength, outputLength), padded ? (int)lengths[b] : steps);
            }

            input = OrtValue.CreateTensorValueFromMemory(x, InputShape(model, batch));
        }

        using OrtValue lengthsValue = OrtValue.CreateTensorValueFromMemory(lengths, [batch]);
        using (input)
        {
            using IDisposableReadOnlyCollection<OrtValue> outputs = padded
                ? session.Run(runOptions, ["input", "lengths"], [input, lengthsValue], ["output"])
                : session.Run(runOptions, ["input"], [input], ["output"]);
            OrtValue output = outputs[0];
            Assert.Equal(new long[] { batch, model.OutputSteps, model.OutputSize }, output.GetTensorTypeAndShape().Shape);
            ReadOnlySpan<float> actual = output.GetTensorDataAsSpan<float>();
            double worst = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.False(float.IsNaN(actual[i]), $"ONNX Runtime output {i} is NaN");
                worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i])));
            }

            return worst;
        }
    }
}
