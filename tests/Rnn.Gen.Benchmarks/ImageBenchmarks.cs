using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Nn = TorchSharp.torch.nn;

namespace Rnn.Gen.Benchmarks;

/// <summary>The MNIST-size stack: Conv2D(16, 3) → MaxPool2D(2) → Conv2D(32, 3) → MaxPool2D(2) → Flatten → Dense(10), ReLU after each convolution.</summary>
[RnnModel(channels: 1, height: 28, width: 28)]
[Conv2D(16, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Conv2D(32, 3, Activation = Activation.Relu)]
[MaxPool2D(2)]
[Flatten]
[Dense(10)]
public sealed partial class MnistConvNet_C1_H28_W28;

/// <summary>
/// The MNIST-size stack against libtorch's <c>nn.Sequential</c> of the same modules (single-threaded, the same weights):
/// one image's <c>Predict</c>, and a training step of 32 images (the batch forward, MSE of the logits against fixed
/// targets, the batch backward, Adam with lr 1e-3).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Convolution)]
public class ImagePeerBenchmarks : MseBatchPeerBenchmarks<MnistConvNet_C1_H28_W28>
{
    protected override string PeerName => "libtorch MNIST stack";

    protected override ITorchBatchPeer CreatePeer(MnistConvNet_C1_H28_W28 model, float[] inputs, float[] targets, int batch) => new TorchImagePeer(model, inputs, targets, batch);
}

/// <summary>nn.Sequential(Conv2d(1, 16, 3), ReLU, MaxPool2d(2), Conv2d(16, 32, 3), ReLU, MaxPool2d(2), Flatten, Linear(800, 10)) in libtorch; MSE; torch.optim.Adam.</summary>
public sealed class TorchImagePeer : ITorchBatchPeer
{
    private readonly TorchSharp.Modules.Sequential _net;
    private readonly TorchSharp.torch.Tensor _x, _batch, _targets;
    private readonly TorchSharp.torch.optim.Optimizer _adam;

    public TorchImagePeer(MnistConvNet_C1_H28_W28 model, float[] inputs, float[] targets, int batch)
    {
        _net = TorchSharp.torch.nn.Sequential(
            ("0", Nn.Conv2d(1, 16, 3)), ("1", Nn.ReLU()), ("2", Nn.MaxPool2d(2)),
            ("3", Nn.Conv2d(16, 32, 3)), ("4", Nn.ReLU()), ("5", Nn.MaxPool2d(2)),
            ("6", Nn.Flatten()), ("7", Nn.Linear(800, 10)));
        // Rnn.Gen's layer indices count the attributes (0 conv, 2 conv, 5 dense); the Sequential's count its modules.
        string[] ours = ["0.weight", "0.bias", "2.weight", "2.bias", "5.weight", "5.bias"];
        string[] theirs = ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"];
        using (TorchSharp.torch.no_grad())
        {
            var parameters = _net.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            for (int i = 0; i < ours.Length; i++)
            {
                ParameterInfo info = MnistConvNet_C1_H28_W28.ParameterLayout.First(p => p.Name == ours[i]);
                using var source = TorchSharp.torch.tensor(model.Parameters.Slice(info.Offset, info.Length).ToArray(), parameters[theirs[i]].shape);
                parameters[theirs[i]].copy_(source);
            }
        }

        _x = TorchSharp.torch.zeros(1, 1, 28, 28);
        _batch = TorchSharp.torch.tensor(inputs, new long[] { batch, 1, 28, 28 }); // [C, H, W] per sample, as Rnn.Gen lays it out
        _targets = TorchSharp.torch.tensor(targets, new long[] { batch, 10 });
        _adam = TorchSharp.torch.optim.Adam(_net.parameters(), lr: 1e-3);
    }

    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        using var noGrad = TorchSharp.torch.no_grad();
        using var scope = TorchSharp.torch.NewDisposeScope();
        using (var accessor = _x.data<float>())
        {
            accessor.CopyFrom(input.ToArray(), 0, 0);
        }

        using var values = _net.call(_x).data<float>();
        values.CopyTo(output, 0, 0);
    }

    public float Step()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        _adam.zero_grad();
        var loss = TorchSharp.torch.nn.functional.mse_loss(_net.call(_batch), _targets);
        loss.backward();
        _adam.step();
        return loss.item<float>();
    }

    public void Dispose()
    {
        _adam.Dispose();
        _x.Dispose();
        _batch.Dispose();
        _targets.Dispose();
        _net.Dispose();
    }
}
