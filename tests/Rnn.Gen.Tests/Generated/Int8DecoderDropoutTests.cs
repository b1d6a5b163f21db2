using System;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Training an int8 decoder with dropout: the free-running Forward decodes through the float32 twin of decoding
/// (<c>DecodeFloat32</c>), so with dropout in the decoder (input, recurrent and head dropout) its outputs, gradients and
/// dropout masks must be the float32 model's, bit for bit, call after call; and Predict (on the int8 weights) between
/// the calls must not draw from the training randomness.
/// </summary>
public class Int8DecoderDropoutTests
{
    [Fact]
    public void Free_running_forward_with_dropout_is_the_float_models_bit_for_bit() =>
        SameTraining(new DropoutOutputDecoder(), new DropoutOutputDecoderInt8());

    [Fact]
    public void Free_running_forward_with_dropout_and_token_feedback_is_the_float_models_bit_for_bit() =>
        SameTraining(new DropoutTokenDecoder(), new DropoutTokenDecoderInt8());

    private static void SameTraining(IRnnModel float32, IRnnModel int8)
    {
        float32.Initialize(seed: 11);
        int8.Initialize(seed: 11);
        Assert.Equal(float32.Parameters.ToArray(), int8.Parameters.ToArray());

        var random = new Random(3);
        bool tokens = float32 is IRnnTokenModel;
        float[] input = new float[float32.Steps * float32.InputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = tokens ? random.Next(1, ((IRnnTokenModel)float32).VocabularySize) : (float)(random.NextDouble() * 2 - 1);
        }

        float[] doutput = new float[float32.OutputSteps * float32.OutputSize];
        for (int i = 0; i < doutput.Length; i++)
        {
            doutput[i] = (float)(random.NextDouble() - 0.5);
        }

        float[] firstOutput = [];
        for (int call = 0; call < 3; call++)
        {
            (float[] expectedOutput, float[] expectedGradients) = Train(float32, input, doutput, tokens);
            (float[] actualOutput, float[] actualGradients) = Train(int8, input, doutput, tokens);
            Assert.True(expectedOutput.AsSpan().SequenceEqual(actualOutput), $"call {call}: the int8 model's Forward output differs from the float model's");
            Assert.True(expectedGradients.AsSpan().SequenceEqual(actualGradients), $"call {call}: the int8 model's gradients differ from the float model's");
            if (call == 0)
            {
                firstOutput = expectedOutput;
            }
            else
            {
                Assert.False(firstOutput.AsSpan().SequenceEqual(expectedOutput), "dropout should draw new masks at every call");
            }

            // Inference between training calls: int8 products, no draw from the training randomness.
            float[] predicted = new float[doutput.Length], predictedFloat = new float[doutput.Length];
            int8.Predict(input, predicted);
            float32.Predict(input, predictedFloat);
            Assert.False(predicted.AsSpan().SequenceEqual(predictedFloat), "Predict of the int8 model should multiply int8 weights");
        }
    }

    private static (float[] Output, float[] Gradients) Train(IRnnModel model, float[] input, float[] doutput, bool tokens)
    {
        float[] output = new float[doutput.Length];
        model.Forward(input, output);
        model.ZeroGradients();
        if (tokens)
        {
            model.Backward(doutput);
        }
        else
        {
            model.Backward(doutput, new float[input.Length]);
        }

        return (output, model.Gradients.ToArray());
    }
}
