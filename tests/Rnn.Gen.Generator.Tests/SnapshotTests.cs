using System.Linq;
using Microsoft.CodeAnalysis;
using Rnn.Gen.Generator.Tests.Infrastructure;
using Xunit;

namespace Rnn.Gen.Generator.Tests;

/// <summary>The generated source of representative models, compared with reviewed snapshots; each also compiles cleanly.</summary>
public class SnapshotTests
{
    [Fact]
    public void Stacked_lstm_gru_dense_forecaster()
    {
        Check("""
            using Rnn.Gen;
            namespace Weather;

            [RnnModel(inputSize: 3, steps: 50)]
            [Lstm(64, ReturnSequences = true)]
            [Gru(32)]
            [Dense(1)]
            public partial class Forecaster;
            """, "Weather.Forecaster.g.cs");
    }

    [Fact]
    public void Many_streams_of_a_stacked_lstm_gru_with_a_dense_head()
    {
        Check("""
            using Rnn.Gen;
            namespace Sensors;

            [RnnModel(inputSize: 3, steps: 50, Streams = true)]
            [Lstm(64, ReturnSequences = true)]
            [Gru(32)]
            [Dense(1)]
            public partial class Monitor;
            """, "Sensors.Monitor.g.cs");
    }

    [Fact]
    public void Elman_relu_sequence_with_time_distributed_softmax()
    {
        Check("""
            using Rnn.Gen;
            namespace Tagging;

            [RnnModel(inputSize: 12, steps: 20)]
            [SimpleRnn(13, Activation = Activation.Relu, ReturnSequences = true)]
            [Dense(16, Activation = Activation.Tanh)]
            [Dense(5, Activation = Activation.Softmax)]
            internal sealed partial class Tagger;
            """, "Tagging.Tagger.g.cs");
    }

    [Fact]
    public void Nested_model_in_the_global_namespace()
    {
        Check("""
            using Rnn.Gen;

            public static partial class Models
            {
                public partial struct Holder
                {
                    [RnnModel(inputSize: 1, steps: 8)]
                    [Gru(4)]
                    internal partial class Tiny { }
                }
            }
            """, "Models.Holder.Tiny.g.cs");
    }

    [Fact]
    public void Dropout_noise_and_penalties()
    {
        Check("""
            using Rnn.Gen;
            namespace Robust;

            [RnnModel(inputSize: 6, steps: 12)]
            [GaussianNoise(0.1)]
            [Gru(10, ReturnSequences = true, Dropout = 0.2, RecurrentDropout = 0.3, KernelL2 = 1e-4, RecurrentL2 = 1e-4)]
            [Lstm(8, RecurrentDropout = 0.25)]
            [Dense(3, Activation = Activation.Softmax, Dropout = 0.5, BiasL1 = 1e-3)]
            public partial class Classifier;
            """, "Robust.Classifier.g.cs");
    }

    [Fact]
    public void Stacked_bidirectional_layers()
    {
        Check("""
            using Rnn.Gen;
            namespace Reading;

            [RnnModel(inputSize: 5, steps: 9)]
            [Lstm(6, Bidirectional = true, ReturnSequences = true)]
            [Gru(4, Bidirectional = true, MergeMode = MergeMode.Average, Dropout = 0.1)]
            [Dense(2, Activation = Activation.Softmax)]
            public partial class Sentiment;
            """, "Reading.Sentiment.g.cs");
    }

    [Fact]
    public void Stateful_model_for_truncated_bptt()
    {
        Check("""
            using Rnn.Gen;
            namespace Streams;

            [RnnModel(inputSize: 1, steps: 32, Stateful = true)]
            [Lstm(16, ReturnSequences = true)]
            [Dense(1)]
            public partial class NextValue;
            """, "Streams.NextValue.g.cs");
    }

    [Fact]
    public void Embedding_of_token_ids_into_a_gru_classifier()
    {
        Check("""
            using Rnn.Gen;
            namespace Reviews;

            [RnnModel(inputSize: 1, steps: 12)]
            [Embedding(50, 8, PaddingIndex = 0)]
            [Gru(16)]
            [Dense(3, Activation = Activation.Softmax)]
            public partial class WordClassifier;
            """, "Reviews.WordClassifier.g.cs");
    }

    [Fact]
    public void Encoder_decoder_with_token_feedback()
    {
        Check("""
            using Rnn.Gen;
            namespace Dates;

            [RnnModel(inputSize: 40, steps: 30)]
            [Lstm(64)]
            [Decoder(10)]
            [Lstm(64)]
            [Dense(13, Activation = Activation.Softmax)]
            public partial class DateTranslator;
            """, "Dates.DateTranslator.g.cs");
    }

    [Fact]
    public void Token_decoder_with_end_token()
    {
        Check("""
            using Rnn.Gen;
            namespace Spelling;

            [RnnModel(inputSize: 1, steps: 12)]
            [Embedding(30, 8)]
            [Gru(16)]
            [Decoder(10, StartToken = 1, EndToken = 2)]
            [Embedding(40, 8)]
            [Gru(16)]
            [Dense(40, Activation = Activation.Softmax)]
            public partial class Phonemes;
            """, "Spelling.Phonemes.g.cs");
    }

    [Fact]
    public void Attention_over_a_bidirectional_encoder()
    {
        Check("""
            using Rnn.Gen;
            namespace Translation;

            [RnnModel(inputSize: 1, steps: 7)]
            [Embedding(30, 8)]
            [Lstm(6, Bidirectional = true)]
            [Decoder(5, StartToken = 1, EndToken = 2)]
            [Embedding(20, 8)]
            [Lstm(12)]
            [Attention(AttentionScore.General)]
            [Dense(20, Activation = Activation.Softmax)]
            public partial class Translator;
            """, "Translation.Translator.g.cs");
    }

    [Fact]
    public void One_to_many_with_output_feedback()
    {
        Check("""
            using Rnn.Gen;
            namespace Curves;

            [RnnModel(inputSize: 3, steps: 1)]
            [Decoder(16)]
            [Gru(12)]
            [Dense(2)]
            public partial class CurveFromParameters;
            """, "Curves.CurveFromParameters.g.cs");
    }

    [Fact]
    public void Convolution_pooling_gru_dense()
    {
        Check("""
            using Rnn.Gen;
            namespace Audio;

            [RnnModel(inputSize: 3, steps: 12)]
            [Conv1D(5, 3, Activation = Activation.Relu)]
            [MaxPool1D(2)]
            [Gru(4)]
            [Dense(2)]
            public partial class Keyword;
            """, "Audio.Keyword.g.cs");
    }

    [Fact]
    public void Dense_only_model_applies_at_every_step()
    {
        Check("""
            using Rnn.Gen;
            namespace Features;

            [RnnModel(inputSize: 4, steps: 3)]
            [Dense(2, Activation = Activation.Sigmoid)]
            public partial class PerStep;
            """, "Features.PerStep.g.cs");
    }

    [Fact]
    public void Image_classifier_conv2d_pooling_flatten_dense()
    {
        Check("""
            using Rnn.Gen;
            namespace Digits;

            [RnnModel(channels: 1, height: 12, width: 12)]
            [GaussianNoise(0.1)]
            [Conv2D(4, 3, Activation = Activation.Relu)]
            [MaxPool2D(2)]
            [Conv2D(6, 3, Padding = ConvPadding.Same, Stride = 1, Dilation = 2)]
            [AvgPool2D(2, Stride = 1)]
            [Flatten]
            [Dense(10, Activation = Activation.Softmax)]
            public partial class DigitNet;
            """, "Digits.DigitNet.g.cs");
    }

    [Fact]
    public void Frames_through_conv2d_into_a_gru()
    {
        Check("""
            using Rnn.Gen;
            namespace Video;

            [RnnModel(steps: 4, channels: 2, height: 6, width: 5)]
            [Conv2D(3, 3, KernelWidth = 2, Stride = 2, Activation = Activation.Tanh)]
            [GlobalAveragePool2D]
            [Gru(4)]
            [Dense(2)]
            public partial class Clip;
            """, "Video.Clip.g.cs");
    }

    [Fact]
    public void Image_rows_as_steps_of_an_lstm()
    {
        Check("""
            using Rnn.Gen;
            namespace Scan;

            [RnnModel(channels: 2, height: 5, width: 4)]
            [ColumnsAsSteps]
            [Lstm(3, ReturnSequences = true)]
            [Dense(1)]
            public partial class Columns;
            """, "Scan.Columns.g.cs");
    }

    [Fact]
    public void Image_captioner_features_start_the_decoder()
    {
        Check("""
            using Rnn.Gen;
            namespace Captions;

            [RnnModel(channels: 1, height: 6, width: 10)]
            [Conv2D(2, 3, Activation = Activation.Relu)]
            [MaxPool2D(2)]
            [Flatten]
            [Dense(4, Activation = Activation.Tanh)]
            [Decoder(3, StartToken = 1)]
            [Embedding(5, 2)]
            [Lstm(4)]
            [Dense(5, Activation = Activation.Softmax)]
            public partial class Captioner;
            """, "Captions.Captioner.g.cs");
    }

    [Fact]
    public void Int8_weights_for_step_and_predict()
    {
        // Dense(16) multiplies its int8 W; the Dense(2) head keeps float32 (fewer than 8 units).
        Check("""
            using Rnn.Gen;
            namespace Sensors;

            [RnnModel(inputSize: 4, steps: 20, Weights = WeightPrecision.Int8)]
            [Lstm(16, ReturnSequences = true)]
            [Gru(8)]
            [Dense(16, Activation = Activation.Relu)]
            [Dense(2, Activation = Activation.Tanh)]
            public partial class Quantized;
            """, "Sensors.Quantized.g.cs");
    }

    [Fact]
    public void Int8_weights_for_a_decoder_with_its_float32_twin()
    {
        // Decode (Predict) on the int8 products; DecodeFloat32 (the free-running Forward's greedy pass) on the float32
        // ones, with the GRU steps as Gru0StepFloat32 and Gru1StepFloat32; ForwardCore's products float32 when training.
        Check("""
            using Rnn.Gen;
            namespace Curves;

            [RnnModel(inputSize: 3, steps: 6, Weights = WeightPrecision.Int8)]
            [Gru(8)]
            [Decoder(4, Feedback = DecoderFeedback.Output)]
            [Gru(8)]
            [Dense(3, Activation = Activation.Tanh)]
            public partial class QuantizedDecoder;
            """, "Curves.QuantizedDecoder.g.cs");
    }

    [Fact]
    public void Fast_activations_for_an_unrolled_lstm_and_streams()
    {
        // Inference calls FastCellKernels and the unrolled step FastActivations; Forward keeps CellKernels (training).
        Check("""
            using Rnn.Gen;
            namespace Sensors;

            [RnnModel(inputSize: 2, steps: 10, Activations = ActivationPrecision.Fast, Streams = true)]
            [Lstm(12)]
            [Dense(1)]
            public partial class FastTiny;
            """, "Sensors.FastTiny.g.cs");
    }

    private static void Check(string source, string hintName, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Equal(new[] { hintName }, run.Sources.Select(s => s.HintName));
        Snapshot.Verify(run.Source(hintName), hintName, test);

        // The same input gives the same text, byte for byte.
        Assert.Equal(run.Source(hintName), GeneratorHarness.Run(source).Source(hintName));
    }
}
