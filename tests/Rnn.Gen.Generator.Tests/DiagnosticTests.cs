using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Rnn.Gen.Generator.Tests.Infrastructure;
using Xunit;

namespace Rnn.Gen.Generator.Tests;

/// <summary>
/// Every diagnostic, triggered at the location it must point to. In each source, <c>[|…|]</c> marks the expected
/// location; the markers are removed before compiling.
/// </summary>
public class DiagnosticTests
{
    [Fact]
    public void RNNGEN001_model_class_not_partial() => Expect("RNNGEN001", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public class [|Model|] { }
        """, "'partial'");

    [Fact]
    public void RNNGEN002_model_size_not_positive() => Expect("RNNGEN002", """
        [RnnModel([|inputSize: 0|], steps: 5)]
        [Lstm(4)]
        public partial class Model;
        """, "input size");

    [Fact]
    public void RNNGEN002_step_count_not_positive() => Expect("RNNGEN002", """
        [RnnModel(3, [|-1|])]
        [Lstm(4)]
        public partial class Model;
        """, "step count");

    [Fact]
    public void RNNGEN002_hidden_size_not_positive() => Expect("RNNGEN002", """
        [RnnModel(3, 5)]
        [Gru([|0|], ReturnSequences = true)]
        public partial class Model;
        """, "hidden size of [Gru(0, ReturnSequences = true)]");

    [Fact]
    public void RNNGEN002_dense_units_not_positive() => Expect("RNNGEN002", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        [Dense([|units: -2|])]
        public partial class Model;
        """, "unit count");

    [Fact]
    public void RNNGEN003_no_layers() => Expect("RNNGEN003", """
        [[|RnnModel(3, 5)|]]
        public partial class Model;
        """, "declares no layers");

    [Fact]
    public void RNNGEN004_recurrent_after_dense() => Expect("RNNGEN004", """
        [RnnModel(3, 5)]
        [Dense(4)]
        [[|Lstm(3)|]]
        public partial class Model;
        """, "[Lstm(3)]");

    [Fact]
    public void RNNGEN005_recurrent_after_last_step_only() => Expect("RNNGEN005", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        [[|SimpleRnn(3)|]]
        [Dense(1)]
        public partial class Model;
        """, "ReturnSequences = true");

    [Fact]
    public void RNNGEN006_layers_split_across_partial_declarations() => Expect("RNNGEN006", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial class Model;

        [[|Dense(1)|]]
        public partial class Model;
        """, "one declaration");

    [Fact]
    public void RNNGEN007_generic_model() => Expect("RNNGEN007", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial class [|Model|]<T>;
        """, "generic");

    [Fact]
    public void RNNGEN007_model_nested_in_generic_type() => Expect("RNNGEN007", """
        public partial class Outer<T>
        {
            [RnnModel(3, 5)]
            [Lstm(4)]
            public partial class [|Model|];
        }
        """, "generic");

    [Fact]
    public void RNNGEN008_containing_type_not_partial() => Expect("RNNGEN008", """
        public class Outer
        {
            [RnnModel(3, 5)]
            [Lstm(4)]
            public partial class [|Model|];
        }
        """, "'Outer'");

    [Fact]
    public void RNNGEN009_model_too_large() => Expect("RNNGEN009", """
        [[|RnnModel(1000, 1000000)|]]
        [Lstm(1000)]
        public partial class Model;
        """, "training cache");

    [Fact]
    public void RNNGEN009_sizes_whose_product_overflows() => Expect("RNNGEN009", """
        [[|RnnModel(int.MaxValue, int.MaxValue)|]]
        [Lstm(int.MaxValue, ReturnSequences = true)]
        [Dense(int.MaxValue)]
        public partial class Model;
        """, "more than");

    [Fact]
    public void RNNGEN010_elman_with_sigmoid() => Expect("RNNGEN010", """
        [RnnModel(3, 5)]
        [SimpleRnn(4, [|Activation = Activation.Sigmoid|])]
        public partial class Model;
        """, "Activation.Tanh, Activation.Relu");

    [Fact]
    public void RNNGEN010_undefined_activation_value() => Expect("RNNGEN010", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        [Dense(2, [|Activation = (Activation)42|])]
        public partial class Model;
        """, "'42'");

    [Fact]
    public void RNNGEN011_layer_without_model() => Expect("RNNGEN011", """
        [[|Lstm(4)|]]
        public partial class NotAModel;
        """, "no [RnnModel]");

    [Fact]
    public void RNNGEN012_record() => Expect("RNNGEN012", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial record [|Model|];
        """, "a record");

    [Fact]
    public void RNNGEN012_static_class() => Expect("RNNGEN012", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public static partial class [|Model|];
        """, "a static class");

    [Fact]
    public void RNNGEN012_file_local_class() => Expect("RNNGEN012", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        file partial class [|Model|];
        """, "a file-local class");

    [Fact]
    public void RNNGEN013_softmax_on_one_unit_is_a_warning_and_the_model_is_still_generated()
    {
        GeneratorRun run = Expect("RNNGEN013", """
            [RnnModel(3, 5)]
            [Lstm(4)]
            [[|Dense(1, Activation = Activation.Softmax)|]]
            public partial class Model;
            """, "Sigmoid", DiagnosticSeverity.Warning);
        Assert.Single(run.Sources);
    }

    [Fact]
    public void RNNGEN014_dropout_rate_of_one() => Expect("RNNGEN014", """
        [RnnModel(3, 5)]
        [Lstm(4, [|Dropout = 1.0|])]
        public partial class Model;
        """, "below 1");

    [Fact]
    public void RNNGEN014_negative_recurrent_dropout() => Expect("RNNGEN014", """
        [RnnModel(3, 5)]
        [Gru(4, [|RecurrentDropout = -0.1|])]
        public partial class Model;
        """, "RecurrentDropout");

    [Fact]
    public void RNNGEN015_negative_penalty() => Expect("RNNGEN015", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        [Dense(1, [|KernelL2 = -1e-4|])]
        public partial class Model;
        """, "KernelL2");

    [Fact]
    public void RNNGEN015_infinite_noise() => Expect("RNNGEN015", """
        [RnnModel(3, 5)]
        [GaussianNoise([|double.PositiveInfinity|])]
        [Lstm(4)]
        public partial class Model;
        """, "standard deviation");

    [Fact]
    public void RNNGEN003_noise_alone_is_no_layer() => Expect("RNNGEN003", """
        [[|RnnModel(3, 5)|]]
        [GaussianNoise(0.1)]
        public partial class Model;
        """, "declares no layers");

    [Fact]
    public void RNNGEN016_undefined_merge_mode() => Expect("RNNGEN016", """
        [RnnModel(3, 5)]
        [Lstm(4, Bidirectional = true, [|MergeMode = (MergeMode)9|])]
        public partial class Model;
        """, "'9'");

    [Fact]
    public void RNNGEN017_merge_mode_without_bidirectional_is_a_warning()
    {
        GeneratorRun run = Expect("RNNGEN017", """
            [RnnModel(3, 5)]
            [Gru(4, [|MergeMode = MergeMode.Sum|])]
            public partial class Model;
            """, "Bidirectional = true", DiagnosticSeverity.Warning);
        Assert.Single(run.Sources);
    }

    [Fact]
    public void RNNGEN018_stateful_bidirectional() => Expect("RNNGEN018", """
        [RnnModel(3, 5, Stateful = true)]
        [[|Gru(4, Bidirectional = true)|]]
        public partial class Model;
        """, "Stateful");

    [Fact]
    public void RNNGEN019_decoder_without_recurrent_layer() => Expect("RNNGEN019", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        [[|Decoder(3)|]]
        [Dense(2)]
        public partial class Model;
        """, "no recurrent layer");

    [Fact]
    public void RNNGEN020_decoder_does_not_match_encoder() => Expect("RNNGEN020", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        [[|Decoder(3)|]]
        [Gru(4)]
        [Dense(2)]
        public partial class Model;
        """, "Lstm(4)");

    [Fact]
    public void RNNGEN021_one_to_many_with_several_steps() => Expect("RNNGEN021", """
        [RnnModel(3, 5)]
        [[|Decoder(3)|]]
        [Gru(4)]
        [Dense(2)]
        public partial class Model;
        """, "steps: 1");

    [Fact]
    public void RNNGEN022_stateful_decoder() => Expect("RNNGEN022", """
        [RnnModel(3, 5, [|Stateful = true|])]
        [Gru(4)]
        [Decoder(3)]
        [Gru(4)]
        [Dense(2)]
        public partial class Model;
        """, "Stateful");

    [Fact]
    public void RNNGEN022_bidirectional_in_a_decoder_model() => Expect("RNNGEN022", """
        [RnnModel(3, 5)]
        [Gru(4)]
        [[|Decoder(3)|]]
        [Gru(4, Bidirectional = true, MergeMode = MergeMode.Sum)]
        [Dense(2)]
        public partial class Model;
        """, "Bidirectional");

    [Fact]
    public void RNNGEN020_bidirectional_encoder_needs_the_merged_size() => Expect("RNNGEN020", """
        [RnnModel(3, 5)]
        [Gru(4, Bidirectional = true)]
        [[|Decoder(3)|]]
        [Gru(4)]
        [Dense(2)]
        public partial class Model;
        """, "Gru(4) bidirectional, so Gru(8)");

    [Fact]
    public void RNNGEN046_attention_outside_a_decoder() => Expect("RNNGEN046", """
        [RnnModel(3, 5)]
        [Lstm(4, ReturnSequences = true)]
        [[|Attention(AttentionScore.Dot)|]]
        [Dense(2)]
        public partial class Model;
        """, "put [Decoder(outputSteps)] above");

    [Fact]
    public void RNNGEN047_attention_not_above_the_top_recurrent_layer() => Expect("RNNGEN047", """
        [RnnModel(3, 5)]
        [Lstm(4, ReturnSequences = true)]
        [Lstm(4)]
        [Decoder(3)]
        [Lstm(4)]
        [[|Attention(AttentionScore.General)|]]
        [Lstm(4)]
        [Dense(2, Activation = Activation.Softmax)]
        public partial class Model;
        """, "comes after it");

    [Fact]
    public void RNNGEN047_attention_after_a_dense_layer() => Expect("RNNGEN047", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        [Decoder(3)]
        [Lstm(4)]
        [Dense(4)]
        [[|Attention(AttentionScore.General)|]]
        [Dense(2, Activation = Activation.Softmax)]
        public partial class Model;
        """, "the layer before it is [Dense(4)]");

    [Fact]
    public void RNNGEN048_attention_without_a_recurrent_encoder() => Expect("RNNGEN048", """
        [RnnModel(4, 1)]
        [Decoder(3)]
        [Lstm(4)]
        [[|Attention(AttentionScore.General)|]]
        [Dense(2, Activation = Activation.Softmax)]
        public partial class Model;
        """, "no encoder");

    [Fact]
    public void RNNGEN049_units_without_an_additive_score() => Expect("RNNGEN049", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        [Decoder(3)]
        [Lstm(4)]
        [Attention(AttentionScore.General, [|Units = 8|])]
        [Dense(2, Activation = Activation.Softmax)]
        public partial class Model;
        """, "remove Units or use AttentionScore.Additive");

    [Fact]
    public void RNNGEN049_unknown_score() => Expect("RNNGEN049", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        [Decoder(3)]
        [Lstm(4)]
        [Attention([|(AttentionScore)7|])]
        [Dense(2, Activation = Activation.Softmax)]
        public partial class Model;
        """, "is not an AttentionScore");

    [Fact]
    public void RNNGEN002_additive_units_not_positive() => Expect("RNNGEN002", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        [Decoder(3)]
        [Lstm(4)]
        [Attention(AttentionScore.Additive, [|Units = 0|])]
        [Dense(2, Activation = Activation.Softmax)]
        public partial class Model;
        """, "Units");

    [Fact]
    public void RNNGEN050_bidirectional_encoder_merged_by_product() => Expect("RNNGEN050", """
        [RnnModel(3, 5)]
        [Gru(4, Bidirectional = true, [|MergeMode = MergeMode.Multiply|])]
        [Decoder(3)]
        [Gru(4)]
        [Dense(2)]
        public partial class Model;
        """, "merged by Multiply");

    [Fact]
    public void RNNGEN023_token_feedback_without_softmax() => Expect("RNNGEN023", """
        [RnnModel(3, 1)]
        [[|Decoder(3, Feedback = DecoderFeedback.Token)|]]
        [Gru(4)]
        [Dense(2)]
        public partial class Model;
        """, "Softmax");

    [Fact]
    public void RNNGEN024_padding_index_outside_the_vocabulary() => Expect("RNNGEN024", """
        [RnnModel(1, 5)]
        [Embedding(100, 8, [|PaddingIndex = 100|])]
        [Gru(4)]
        public partial class Model;
        """, "0 to 99");

    [Fact]
    public void RNNGEN015_negative_embeddings_penalty() => Expect("RNNGEN015", """
        [RnnModel(1, 5)]
        [Embedding(100, 8, [|EmbeddingsL2 = -0.5|])]
        [Gru(4)]
        public partial class Model;
        """, "EmbeddingsL2");

    [Fact]
    public void RNNGEN024_negative_padding_index() => Expect("RNNGEN024", """
        [RnnModel(1, 5)]
        [Embedding(100, 8, [|PaddingIndex = -1|])]
        [Gru(4)]
        public partial class Model;
        """, "negative ids");

    [Fact]
    public void RNNGEN024_vocabulary_beyond_exact_floats() => Expect("RNNGEN024", """
        [RnnModel(1, 5)]
        [Embedding([|20000000|], 8)]
        [Gru(4)]
        public partial class Model;
        """, "2^24");

    [Fact]
    public void RNNGEN025_embedding_after_another_layer() => Expect("RNNGEN025", """
        [RnnModel(1, 5)]
        [Gru(4, ReturnSequences = true)]
        [[|Embedding(10, 8)|]]
        [Dense(2)]
        public partial class Model;
        """, "first layer");

    [Fact]
    public void RNNGEN025_embedding_with_more_than_one_input_feature() => Expect("RNNGEN025", """
        [RnnModel(3, 5)]
        [[|Embedding(10, 8)|]]
        [Gru(4)]
        public partial class Model;
        """, "inputSize: 1");

    [Fact]
    public void RNNGEN025_embedding_inside_a_decoder() => Expect("RNNGEN025", """
        [RnnModel(1, 5)]
        [Embedding(10, 8)]
        [Gru(4)]
        [Decoder(3)]
        [Gru(4, ReturnSequences = true)]
        [[|Embedding(10, 8)|]]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class Model;
        """, "decoder's first layer");

    [Fact]
    public void RNNGEN025_decoder_embedding_of_another_vocabulary() => Expect("RNNGEN025", """
        [RnnModel(1, 5)]
        [Embedding(10, 8)]
        [Gru(4)]
        [[|Decoder(3)|]]
        [Embedding(12, 8)]
        [Gru(4)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class Model;
        """, "vocabulary (12)");

    [Fact]
    public void RNNGEN025_decoder_embedding_without_token_feedback() => Expect("RNNGEN025", """
        [RnnModel(1, 5)]
        [Embedding(10, 8)]
        [Gru(4)]
        [[|Decoder(3, Feedback = DecoderFeedback.Output)|]]
        [Embedding(10, 8)]
        [Gru(4)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class Model;
        """, "feed back tokens");

    [Fact]
    public void RNNGEN058_fast_activations_without_an_lstm_or_gru() => Expect("RNNGEN058", """
        [RnnModel(3, 5, [|Activations = ActivationPrecision.Fast|])]
        [SimpleRnn(4)]
        [Dense(1)]
        public partial class Model;
        """, "has no LSTM or GRU layer");

    [Fact]
    public void RNNGEN053_int8_weights_on_a_model_of_small_dense_layers() => Expect("RNNGEN053", """
        [RnnModel(3, 5, [|Weights = WeightPrecision.Int8|])]
        [Dense(4, Activation = Activation.Relu)]
        [Dense(7)]
        public partial class Model;
        """, "of 8 units or more, and Model has none");

    [Fact]
    public void RNNGEN053_int8_weights_on_convolutions_and_a_head() => Expect("RNNGEN053", """
        [RnnModel(3, 12, [|Weights = WeightPrecision.Int8|])]
        [Conv1D(32, 3)]
        [GlobalAveragePool1D]
        [Dense(5, Activation = Activation.Softmax)]
        public partial class Model;
        """, "remove Weights = WeightPrecision.Int8");

    [Fact]
    public void Int8_weights_on_a_dense_layer_of_8_units_generate()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using Rnn.Gen;
            [RnnModel(3, 5, Weights = WeightPrecision.Int8)]
            [Dense(8, Activation = Activation.Relu)]
            [Dense(7)]
            public partial class Model;
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        string code = run.Source("Model.g.cs");
        Assert.Contains("_int8.Quantize(Int8Matrices.Layer0Weight,", code, System.StringComparison.Ordinal);
        Assert.DoesNotContain("Int8Matrices.Layer1Weight", code, System.StringComparison.Ordinal); // the Dense(7) head keeps float32
    }

    [Theory]
    [InlineData("[Gru(16, Bidirectional = true)] [Dense(1)]")]
    [InlineData("[Embedding(20, 8)] [Lstm(16, Bidirectional = true)] [Decoder(4, StartToken = 1)] [Embedding(20, 8)] [Lstm(32)] [Dense(20, Activation = Activation.Softmax)]")]
    public void Int8_models_with_a_recurrent_layer_quantize_once_per_parameter_change(string layers)
    {
        GeneratorRun run = GeneratorHarness.Run($"using Rnn.Gen;\n[RnnModel(1, 6, Weights = WeightPrecision.Int8)] {layers} public partial class Model;");
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        string code = run.Source("Model.g.cs");
        string[] calls = code.Split('\n').Where(line => line.Contains("QuantizeWeights();", System.StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(calls);
        Assert.All(calls, line => Assert.Contains("_int8At != _parameterWrites.Value", line, System.StringComparison.Ordinal));
    }

    [Fact]
    public void RNNGEN059_fast_activations_on_a_decoder_model() => Expect("RNNGEN059", """
        [RnnModel(3, 5, [|Activations = ActivationPrecision.Fast|])]
        [Lstm(4)]
        [Decoder(3)]
        [Lstm(4)]
        [Dense(6)]
        public partial class Model;
        """, "models without a [Decoder]");

    [Fact]
    public void RNNGEN045_end_token_outside_the_heads_tokens() => Expect("RNNGEN045", """
        [RnnModel(3, 5)]
        [Gru(4)]
        [Decoder(3, [|EndToken = 6|])]
        [Gru(4)]
        [Dense(6, Activation = Activation.Softmax)]
        public partial class Model;
        """, "0 to 5");

    [Fact]
    public void RNNGEN045_end_token_without_token_feedback() => Expect("RNNGEN045", """
        [RnnModel(3, 5)]
        [Gru(4)]
        [Decoder(3, Feedback = DecoderFeedback.Output, [|EndToken = 1|])]
        [Gru(4)]
        [Dense(6)]
        public partial class Model;
        """, "feeds back tokens");

    [Fact]
    public void RNNGEN055_streams_on_a_bidirectional_model() => Expect("RNNGEN055", """
        [[|RnnModel(3, 5, Streams = true)|]]
        [Gru(4, Bidirectional = true)]
        [Dense(2)]
        public partial class Model;
        """, "bidirectional layer, whose reverse direction needs the whole sequence. Remove Streams = true");

    [Fact]
    public void RNNGEN055_streams_on_a_decoder() => Expect("RNNGEN055", """
        [[|RnnModel(3, 5, Streams = true)|]]
        [Gru(4)]
        [Decoder(3)]
        [Gru(4)]
        [Dense(2)]
        public partial class Model;
        """, "decodes a whole output sequence from its input.");

    [Fact]
    public void RNNGEN055_streams_on_an_abstract_model() => Expect("RNNGEN055", """
        [[|RnnModel(3, 5, Streams = true)|]]
        [Gru(4)]
        public abstract partial class Model;
        """, "The class is abstract");

    [Fact]
    public void RNNGEN055_streams_on_int8_weights() => Expect("RNNGEN055", """
        [[|RnnModel(3, 5, Streams = true, Weights = WeightPrecision.Int8)|]]
        [Gru(4)]
        public partial class Model;
        """, "int8 ones");

    [Fact]
    public void RNNGEN024_start_token_outside_the_decoder_vocabulary() => Expect("RNNGEN024", """
        [RnnModel(1, 5)]
        [Embedding(10, 8)]
        [Gru(4)]
        [Decoder(3, [|StartToken = 10|])]
        [Embedding(10, 8)]
        [Gru(4)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class Model;
        """, "0 to 9");

    [Fact]
    public void RNNGEN002_conv_kernel_size_not_positive() => Expect("RNNGEN002", """
        [RnnModel(3, 5)]
        [Conv1D(4, [|0|])]
        public partial class Model;
        """, "kernel size of [Conv1D(4, 0)]");

    [Fact]
    public void RNNGEN002_conv_dilation_not_positive() => Expect("RNNGEN002", """
        [RnnModel(3, 5)]
        [Conv1D(4, 2, [|Dilation = 0|])]
        public partial class Model;
        """, "dilation");

    [Fact]
    public void RNNGEN022_convolution_in_a_decoder_model() => Expect("RNNGEN022", """
        [RnnModel(3, 5)]
        [Conv1D(4, 2)]
        [Gru(4)]
        [[|Decoder(3)|]]
        [Gru(4)]
        [Dense(2)]
        public partial class Model;
        """, "Conv1D cannot be combined with [Decoder]");

    [Fact]
    public void RNNGEN026_convolution_with_empty_output() => Expect("RNNGEN026", """
        [RnnModel(3, 5)]
        [Conv1D(4, 3)]
        [[|Conv1D(4, 2, Dilation = 3)|]]
        public partial class Model;
        """, "the sequence it reads has 3 steps");

    [Fact]
    public void RNNGEN027_convolution_after_the_last_step() => Expect("RNNGEN027", """
        [RnnModel(3, 5)]
        [Gru(4)]
        [[|Conv1D(4, 2)|]]
        public partial class Model;
        """, "returns one position");

    [Fact]
    public void RNNGEN027_recurrent_layer_after_global_pooling() => Expect("RNNGEN027", """
        [RnnModel(3, 5)]
        [Conv1D(4, 2)]
        [GlobalMaxPool1D]
        [[|Gru(4)|]]
        public partial class Model;
        """, "global pooling");

    [Fact]
    public void RNNGEN028_same_padding_with_stride() => Expect("RNNGEN028", """
        [RnnModel(3, 8)]
        [Conv1D(4, 3, Padding = ConvPadding.Same, [|Stride = 2|])]
        public partial class Model;
        """, "ConvPadding.Same");

    [Fact]
    public void RNNGEN028_causal_padding_with_stride() => Expect("RNNGEN028", """
        [RnnModel(3, 8)]
        [Conv1D(4, 3, [|Stride = 2|], Padding = ConvPadding.Causal)]
        public partial class Model;
        """, "ConvPadding.Causal");

    [Fact]
    public void RNNGEN029_unknown_padding() => Expect("RNNGEN029", """
        [RnnModel(3, 8)]
        [Conv1D(4, 3, [|Padding = (ConvPadding)7|])]
        public partial class Model;
        """, "Padding = 7");

    [Fact]
    public void RNNGEN012_struct_is_one_diagnostic_not_one_per_attribute()
    {
        GeneratorRun run = Expect("RNNGEN012", """
            [RnnModel(3, 5)]
            [Lstm(4)]
            [Dense(1)]
            public partial struct [|Model|];
            """, "a struct");
        Assert.Empty(run.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)); // no CS0592
    }

    [Fact]
    public void RNNGEN012_record_struct() => Expect("RNNGEN012", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial record struct [|Model|];
        """, "a record struct");

    [Fact]
    public void RNNGEN030_constant_with_a_generated_name()
    {
        GeneratorRun run = Expect("RNNGEN030", """
            [RnnModel(3, 5)]
            [Lstm(4)]
            public partial class Model
            {
                public const int [|Steps|] = 5;
            }
            """, "The constant 'Steps' clashes with the constant 'Steps' that Rnn.Gen generates for the model 'Model'; rename it");
        Assert.Empty(run.CompilationDiagnostics); // no CS0102 in generated code: nothing is generated
    }

    [Fact]
    public void RNNGEN030_method_with_a_generated_signature() => Expect("RNNGEN030", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial class Model
        {
            public int [|Predict|](System.ReadOnlySpan<float> features, System.Span<float> result) => 0;
        }
        """, "method 'Predict(ReadOnlySpan<float>, Span<float>)'");

    [Fact]
    public void RNNGEN030_parameterless_constructor() => Expect("RNNGEN030", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial class Model
        {
            public [|Model|]() { }
        }
        """, "constructor 'Model()' that Rnn.Gen generates for the model 'Model'; remove it");

    [Fact]
    public void RNNGEN030_primary_constructor() => Expect("RNNGEN030", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial class [|Model|](int seed)
        {
            public int Seed => seed;
        }
        """, "primary constructor of 'Model' clashes with the constructor 'Model()'");

    [Fact]
    public void RNNGEN030_nested_class_named_as_a_layer() => Expect("RNNGEN030", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial class Model
        {
            private sealed class [|Layer0|] { }
        }
        """, "nested type 'Layer0'");

    [Fact]
    public void RNNGEN030_member_on_another_partial_declaration() => Expect("RNNGEN030", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial class Model;

        public partial class Model
        {
            public float[] [|Gradients|] { get; } = new float[1];
        }
        """, "property 'Gradients'");

    [Fact]
    public void RNNGEN030_model_class_named_as_a_generated_member() => Expect("RNNGEN030", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial class [|Parameters|];
        """, "model class 'Parameters' clashes with the property 'Parameters' that Rnn.Gen generates for the model 'Parameters'; rename the class");

    [Fact]
    public void Overloads_and_other_names_beside_the_generated_members_compile()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using Rnn.Gen;
            [RnnModel(3, 5)]
            [Lstm(4)]
            public partial class Model
            {
                public Model(int seed) : this() => Initialize(seed);
                public void Predict(float[] input, float[] output) => Predict((System.ReadOnlySpan<float>)input, (System.Span<float>)output);
                public int Predict<T>(System.ReadOnlySpan<float> input, System.Span<float> output) => 0;
                public const int Horizon = 5;
                private sealed class Layer { }
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Sources);
        Assert.Empty(run.CompilationDiagnostics);
    }

    [Fact]
    public void RNNGEN031_repeated_model_attribute()
    {
        GeneratorRun run = Expect("RNNGEN031", """
            [RnnModel(3, 5)]
            [[|RnnModel(4, 5)|]]
            [Lstm(4)]
            public partial class Model;
            """, "[RnnModel] appears more than once on 'Model'");
        Assert.Empty(run.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)); // no CS0579
    }

    [Fact]
    public void RNNGEN031_model_attribute_on_two_partial_declarations() => Expect("RNNGEN031", """
        [RnnModel(3, 5)]
        [Lstm(4)]
        public partial class Model;

        [[|RnnModel(3, 5)|]]
        public partial class Model;
        """, "remove this one");

    [Fact]
    public void RNNGEN031_repeated_decoder_is_one_diagnostic_and_no_mismatch() => Expect("RNNGEN031", """
        [RnnModel(3, 5)]
        [Gru(4)]
        [Decoder(3)]
        [Gru(4)]
        [[|Decoder(2)|]]
        [Gru(4)]
        [Dense(2)]
        public partial class Model;
        """, "[Decoder] appears more than once on 'Model'; a model has one decoder");

    [Fact]
    public void RNNGEN032_model_that_allocates_gigabytes_is_a_warning_stating_the_size()
    {
        // LSTM 1 -> 23000: 4·23000·(1 + 23000 + 2) = 2,116,276,000 parameters, 8,465,104,000 bytes = 8,073 MB, and as
        // much again for the gradients; each buffer still fits in an array, so only the memory tells.
        GeneratorRun run = Expect("RNNGEN032", """
            [[|RnnModel(1, 1)|]]
            [Lstm(23000)]
            public partial class Model;
            """, "parameters 8,073 MB", DiagnosticSeverity.Warning);
        Assert.Contains("gradients 8,073 MB", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        Assert.Single(run.Sources);
    }

    [Fact]
    public void RNNGEN002_image_size_not_positive() => Expect("RNNGEN002", """
        [RnnModel(channels: 1, [|height: 0|], width: 5)]
        [Flatten]
        [Dense(2)]
        public partial class Model;
        """, "The image height of [RnnModel]");

    [Fact]
    public void RNNGEN002_pool_stride_zero_is_refused_in_1d() => Expect("RNNGEN002", """
        [RnnModel(3, 8)]
        [MaxPool1D(2, [|Stride = 0|])]
        [Dense(2)]
        public partial class Model;
        """, "The stride of [MaxPool1D(2, Stride = 0)]");

    [Fact]
    public void RNNGEN002_pool_stride_zero_is_refused_in_2d_as_in_1d() => Expect("RNNGEN002", """
        [RnnModel(channels: 1, height: 8, width: 8)]
        [AvgPool2D(2, [|Stride = 0|])]
        [Flatten]
        [Dense(2)]
        public partial class Model;
        """, "The stride of [AvgPool2D(2, Stride = 0)]");

    [Fact]
    public void RNNGEN009_image_too_large_for_an_array() => Expect("RNNGEN009", """
        [[|RnnModel(3, 50000, 50000)|]]
        [Flatten]
        [Dense(2)]
        public partial class Model;
        """, "needs 7500000000 floats for its input image");

    [Fact]
    public void RNNGEN022_image_layers_with_a_recurrent_encoder() => Expect("RNNGEN022", """
        [RnnModel(1, 6, 6)]
        [Conv2D(2, 3)]
        [RowsAsSteps]
        [Lstm(4)]
        [[|Decoder(3)|]]
        [Lstm(4)]
        [Dense(3, Activation = Activation.Softmax)]
        public partial class Model;
        """, "Conv2D cannot be combined with [Decoder]: an image encoder hands its features to the decoder's start state");

    [Fact]
    public void RNNGEN040_image_features_of_another_size_than_the_decoder_state() => Expect("RNNGEN040", """
        [RnnModel(1, 6, 6)]
        [Conv2D(2, 3)]
        [Flatten]
        [[|Decoder(3)|]]
        [Lstm(4)]
        [Dense(3, Activation = Activation.Softmax)]
        public partial class Model;
        """, "output vector (32 features) becomes the start state h_0 of the decoder's first recurrent layer Lstm(4), which has 4; end the encoder with [Dense(4)]");

    [Fact]
    public void RNNGEN040_dense_encoder_of_another_size_than_the_decoder_state() => Expect("RNNGEN040", """
        [RnnModel(inputSize: 3, steps: 1)]
        [Dense(6)]
        [[|Decoder(3)|]]
        [Gru(5)]
        [Dense(2)]
        public partial class Model;
        """, "(6 features)");

    [Fact]
    public void RNNGEN028_conv2d_same_padding_with_stride() => Expect("RNNGEN028", """
        [RnnModel(1, 8, 8)]
        [Conv2D(4, 3, Padding = ConvPadding.Same, [|Stride = 2|])]
        public partial class Model;
        """, "ConvPadding.Same");

    [Fact]
    public void RNNGEN035_image_layer_without_an_image() => Expect("RNNGEN035", """
        [RnnModel(3, 5)]
        [[|Conv2D(4, 2)|]]
        public partial class Model;
        """, "the model's input is a vector of features per step");

    [Fact]
    public void RNNGEN035_image_layer_after_flatten() => Expect("RNNGEN035", """
        [RnnModel(1, 6, 6)]
        [Flatten]
        [[|MaxPool2D(2)|]]
        public partial class Model;
        """, "the layer before it outputs a vector per step");

    [Fact]
    public void RNNGEN036_dense_after_an_image() => Expect("RNNGEN036", """
        [RnnModel(1, 6, 6)]
        [Conv2D(2, 3)]
        [[|Dense(10)|]]
        public partial class Model;
        """, "outputs an image [2, 4, 4]; add [Flatten] before it (the image as one vector of 32 features");

    [Fact]
    public void RNNGEN036_recurrent_layer_after_frames() => Expect("RNNGEN036", """
        [RnnModel(4, 1, 6, 6)]
        [[|Lstm(8)|]]
        public partial class Model;
        """, "[RowsAsSteps]");

    [Fact]
    public void RNNGEN037_empty_image() => Expect("RNNGEN037", """
        [RnnModel(1, 6, 6)]
        [Conv2D(2, 3)]
        [[|Conv2D(2, 3, Dilation = 2)|]]
        public partial class Model;
        """, "reads an image [2, 4, 4] and would output an empty one, [2, 0, 0]");

    [Fact]
    public void RNNGEN037_pool_larger_than_the_image() => Expect("RNNGEN037", """
        [RnnModel(3, 2, 5)]
        [[|AvgPool2D(3)|]]
        public partial class Model;
        """, "[3, 0, 1]");

    [Fact]
    public void RNNGEN038_causal_conv2d() => Expect("RNNGEN038", """
        [RnnModel(1, 8, 8)]
        [Conv2D(4, 3, [|Padding = ConvPadding.Causal|])]
        public partial class Model;
        """, "Padding = ConvPadding.Causal");

    [Fact]
    public void RNNGEN038_unknown_conv2d_padding() => Expect("RNNGEN038", """
        [RnnModel(1, 8, 8)]
        [Conv2D(4, 3, [|Padding = (ConvPadding)9|])]
        public partial class Model;
        """, "Padding = 9");

    [Fact]
    public void RNNGEN039_rows_of_frames() => Expect("RNNGEN039", """
        [RnnModel(steps: 3, channels: 1, height: 6, width: 6)]
        [[|RowsAsSteps|]]
        [Gru(4)]
        public partial class Model;
        """, "each sample is 3 frames");

    [Fact]
    public void Every_descriptor_has_a_test()
    {
        string[] ids = typeof(Rnn.Gen.Generator.RnnModelGenerator).Assembly
            .GetType("Rnn.Gen.Generator.Diagnostics.DiagnosticDescriptors")!
            .GetFields()
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .ToArray();
        string[] tested = typeof(DiagnosticTests).GetMethods().Select(m => m.Name.Split('_')[0]).Distinct().ToArray();
        Assert.Equal(48, ids.Length);
        Assert.All(ids, id => Assert.Contains(id, tested));
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    private static GeneratorRun Expect(string id, string markedSource, string messagePart, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        int start = markedSource.IndexOf("[|", System.StringComparison.Ordinal);
        int end = markedSource.IndexOf("|]", System.StringComparison.Ordinal) - 2;
        Assert.True(start >= 0 && end >= start, "the test source must mark the expected location with [|...|]");
        string body = markedSource.Replace("[|", string.Empty, System.StringComparison.Ordinal).Replace("|]", string.Empty, System.StringComparison.Ordinal);
        const string header = "using Rnn.Gen;\n";
        GeneratorRun run = GeneratorHarness.Run(header + body);

        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(new TextSpan(header.Length + start, end - start), diagnostic.Location.SourceSpan);
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(message.Contains(messagePart, System.StringComparison.Ordinal), $"'{messagePart}' is not in the message: {message}");
        if (severity == DiagnosticSeverity.Error)
        {
            Assert.Empty(run.Sources);
        }

        return run;
    }
}
