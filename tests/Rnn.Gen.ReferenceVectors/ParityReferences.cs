using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Rnn.Gen.ReferenceVectors.TrainingReferences;

namespace Rnn.Gen.ReferenceVectors;

/// <summary>
/// Same-start training parity: 20 steps of <c>[Lstm(6)] [Dense(1)]</c> with <c>mse_loss</c> (mean over the batch),
/// <c>clip_grad_norm_</c> and <c>torch.optim.Adam</c>, from fixed parameters over 20 fixed mini-batches of 4 samples,
/// run twice in libtorch: in float64 and in float32, from the same float32-exact start and data.
/// </summary>
/// <remarks>
/// <c>Parity/lstm_adam_clip.safetensors</c>: <c>inputs</c> [20, 4, 8, 3] (batch, sample, step, feature),
/// <c>targets</c> [20, 4, 1], <c>start/{name}</c> (the parameters before the first step, by state_dict name), and for
/// each precision (<c>f64/</c>, <c>f32/</c>, both stored as F64) <c>loss</c> [20] (the batch loss each step computes
/// before its update), <c>grad_norm</c> [20] (the total norm <c>clip_grad_norm_</c> returns, before clipping),
/// <c>final/{name}</c> (the parameters after the 20th step). The metadata holds the hyper-parameters.
/// </remarks>
internal static class ParityReferences
{
    public const string FileName = "lstm_adam_clip.safetensors";

    public const int Steps = 20;

    public const int Batch = 4;

    public static CaseSpec Spec { get; } = new(3, 8, new[] { new LayerSpec(LayerKind.Lstm, 6), new LayerSpec(LayerKind.Dense, 1) });

    public const string ClassName = "ParityLstmRegressor";

    private const double LearningRate = 0.01;

    private const double MaxNorm = 0.5;

    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        torch.set_default_dtype(ScalarType.Float64);
        Seed("parity/lstm_adam_clip");
        using DisposeScope scope = torch.NewDisposeScope();

        // The start: U(-a, a), a = min(0.5, 2/sqrt(fan_in)) per layer as the reference cases, rounded to float32.
        var start = new List<(string Name, Tensor Value)>();
        var shapeModel = new TorchModel(Spec, ScalarType.Float64);
        foreach ((int layer, string name, Parameter parameter) in shapeModel.ParametersByLayer())
        {
            double bound = Math.Min(0.5, 2.0 / Math.Sqrt(shapeModel.FanIn(layer)));
            start.Add((name, ToFloat32Exact(torch.rand(parameter.shape, ScalarType.Float64) * (2 * bound) - bound)));
        }

        // A learnable target: a function of the last step and of the mean of a feature, in [-1.5, 1.5].
        Tensor inputs = ToFloat32Exact(torch.rand(new long[] { Steps, Batch, Spec.Steps, Spec.InputSize }, ScalarType.Float64) * 2 - 1);
        Tensor last = inputs.select(2, Spec.Steps - 1);
        Tensor targets = ToFloat32Exact((0.8 * last.select(2, 0) - 0.5 * inputs.select(3, 1).mean(new long[] { 2 }) + 0.3 * last.select(2, 2) * last.select(2, 1) + 0.2)
            .unsqueeze(2));

        var entries = new List<SafeTensorsEntry> { Entry("inputs", inputs), Entry("targets", targets) };
        entries.AddRange(start.Select(p => Entry("start/" + p.Name, p.Value)));

        Run f64 = Train(start, inputs, targets, ScalarType.Float64);
        Run f32 = Train(start, inputs, targets, ScalarType.Float32);
        foreach ((string prefix, Run run) in new[] { ("f64/", f64), ("f32/", f32) })
        {
            entries.Add(Vector(prefix + "loss", run.Losses));
            entries.Add(Vector(prefix + "grad_norm", run.Norms));
            entries.AddRange(run.Final.Select(p => Entry(prefix + "final/" + p.Name, p.Value)));
        }

        int clipped = f64.Norms.Count(n => n > MaxNorm);
        if (clipped == 0 || clipped == Steps)
        {
            throw new InvalidOperationException($"Parity: {clipped} of {Steps} steps clip; choose a max norm that clips some and not others.");
        }

        double lossGap = f64.Losses.Zip(f32.Losses, (a, b) => Math.Abs(a - b) / Math.Abs(a)).Max();
        double paramScale = f64.Final.Max(p => p.Value.abs().max().item<double>());
        double paramGap = f64.Final.Zip(f32.Final, (a, b) => (a.Value - b.Value).abs().max().item<double>()).Max() / paramScale;

        Dictionary<string, string> metadata = Metadata(
            $"same-start training parity: {Steps} steps of {ClassName} (mse_loss mean over the batch, clip_grad_norm_, Adam), in float64 (f64/) and float32 (f32/)");
        metadata["declaration"] = Declaration();
        metadata["optimizer"] = Options(("lr", F(LearningRate)), ("beta1", F(0.9)), ("beta2", F(0.999)), ("eps", F(1e-8)), ("weight_decay", 0.0), ("amsgrad", false));
        metadata["max_norm"] = Options(("max_norm", F(MaxNorm)));
        metadata["batch"] = Batch.ToString(CultureInfo.InvariantCulture);
        metadata["steps"] = Steps.ToString(CultureInfo.InvariantCulture);
        metadata["step"] = "optimizer.zero_grad(); loss = mse_loss(model(inputs[s]), targets[s]); loss.backward(); clip_grad_norm_(parameters, max_norm); optimizer.step()";
        metadata["init"] = "start U(-a, a), a = min(0.5, 2/sqrt(fan_in)) per layer; inputs U(-1, 1); targets 0.8 x[T-1,0] - 0.5 mean_t x[t,1] + 0.3 x[T-1,2] x[T-1,1] + 0.2; all rounded to float32";
        metadata["clipped_steps"] = string.Join(",", Enumerable.Range(0, Steps).Where(s => f64.Norms[s] > MaxNorm));
        metadata["float32_gap"] = Options(("loss", lossGap), ("final_params", paramGap));
        SafeTensorsFile.Write(Path.Combine(folder, FileName), entries, metadata);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Parity/{FileName}: loss {f64.Losses[0]:G4} -> {f64.Losses[^1]:G4}, grad norms {f64.Norms.Min():G3}..{f64.Norms.Max():G3} ({clipped} of {Steps} steps clipped), "
            + $"float32 vs float64: loss {lossGap:G3}, final parameters {paramGap:G3}, {new FileInfo(Path.Combine(folder, FileName)).Length:N0} B"));
    }

    /// <summary>The model declaration the test compiles (written into the metadata so the test can check it is the same).</summary>
    public static string Declaration() => Spec.Declaration().Replace("class " + Spec.Name + ";", "class " + ClassName + ";", StringComparison.Ordinal);

    private sealed record Run(double[] Losses, double[] Norms, List<(string Name, Tensor Value)> Final);

    private static Run Train(List<(string Name, Tensor Value)> start, Tensor inputs, Tensor targets, ScalarType dtype)
    {
        var model = new TorchModel(Spec, dtype);
        var parameters = model.NamedParameters().ToList();
        using (torch.no_grad())
        {
            foreach ((string name, Parameter parameter) in parameters)
            {
                parameter.copy_(start.Single(p => p.Name == name).Value.to(dtype));
            }
        }

        optim.Optimizer optimizer = optim.Adam(parameters.Select(p => p.Parameter), F(LearningRate), F(0.9), F(0.999), F(1e-8), 0, false);
        var losses = new double[Steps];
        var norms = new double[Steps];
        for (int s = 0; s < Steps; s++)
        {
            optimizer.zero_grad();
            Tensor output = model.Forward(inputs[s].to(dtype));
            Tensor loss = nn.functional.mse_loss(output, targets[s].to(dtype));
            loss.backward();
            losses[s] = loss.to(ScalarType.Float64).item<double>();
            norms[s] = nn.utils.clip_grad_norm_(parameters.Select(p => p.Parameter), F(MaxNorm));
            optimizer.step();
        }

        return new Run(losses, norms, parameters.Select(p => (p.Name, p.Parameter.detach().to(ScalarType.Float64).clone())).ToList());
    }
}
