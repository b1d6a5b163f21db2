// A consumer of the Rnn.Gen NuGet package: the generator inside the package must emit the model, the runtime must
// train it. Run by .ci/package-check; exits non-zero when anything is off.
using System;
using Rnn.Gen;
using Rnn.Gen.Optimizers;

var model = new PackagedModel();
model.Initialize(seed: 1);
var adam = new Adam(learningRate: 0.01f);
float[] input = new float[PackagedModel.Steps * PackagedModel.InputSize];
float[] output = new float[PackagedModel.OutputSize];
float[] gradient = new float[PackagedModel.OutputSize];
for (int i = 0; i < input.Length; i++)
{
    input[i] = MathF.Sin(i);
}

float first = 0, last = 0;
for (int step = 0; step < 50; step++)
{
    model.ZeroGradients();
    model.Forward(input, output);
    float loss = Losses.MeanSquaredError(output, [0.5f], gradient);
    model.Backward(gradient);
    adam.Step(model.Parameters, model.Gradients);
    if (step == 0)
    {
        first = loss;
    }

    last = loss;
}

Console.WriteLine($"package check: {PackagedModel.ParameterCount} parameters, loss {first:G4} -> {last:G4}");
return last < first / 10 ? 0 : 1;

[RnnModel(inputSize: 2, steps: 6)]
[Gru(8)]
[Dense(1)]
public partial class PackagedModel;
