using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Serialization;
using Rnn.Gen.Training;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Rnn.Gen.Tests.Reference;

// The model of Reference/Parity/lstm_adam_clip.safetensors (its metadata holds the same declaration).
[RnnModel(inputSize: 3, steps: 8)]
[Lstm(6)]
[Dense(1)]
internal partial class ParityLstmRegressor;

/// <summary>
/// Same-start training parity with libtorch: 20 steps of <see cref="ParityLstmRegressor"/> over 20 fixed batches of 4,
/// MSE (mean over the batch), <c>clip_grad_norm_(0.5)</c> (most steps clip, some do not) and <c>Adam(lr = 0.01)</c>,
/// from the same parameters. The reference program ran it in libtorch in float64 and in float32; the loss of every
/// step, the norm before clipping and the final parameters must agree within 1e-4 relative, by hand (the steps
/// README.md describes), through <see cref="Trainer.TrainOnBatch"/>, and through <see cref="Trainer.Fit(Dataset, IProgress{TrainingProgress}?, System.Threading.CancellationToken)"/>
/// with unshuffled batches of 4.
/// </summary>
public class TrainingParityTests
{
    private const double Tolerance = 1e-4;

    private const string Declaration = """
        [RnnModel(inputSize: 3, steps: 8)]
        [Lstm(6)]
        [Dense(1)]
        internal partial class ParityLstmRegressor;

        """;

    private readonly ITestOutputHelper _output;

    public TrainingParityTests(ITestOutputHelper output) => _output = output;

    private static string FilePath => Path.Combine(AppContext.BaseDirectory, "Reference", "Parity", "lstm_adam_clip.safetensors");

    /// <summary>The reference, with the hyper-parameters read back from its metadata.</summary>
    private sealed class Reference
    {
        public Reference()
        {
            File = SafeTensorsFile.Read(FilePath);
            Assert.Equal(Declaration.Replace("\r\n", "\n", StringComparison.Ordinal), File.Metadata["declaration"]);
            Dictionary<string, string> optimizer = Options(File.Metadata["optimizer"]);
            LearningRate = float.Parse(optimizer["lr"], CultureInfo.InvariantCulture);
            Beta1 = float.Parse(optimizer["beta1"], CultureInfo.InvariantCulture);
            Beta2 = float.Parse(optimizer["beta2"], CultureInfo.InvariantCulture);
            Eps = float.Parse(optimizer["eps"], CultureInfo.InvariantCulture);
            Assert.Equal("0", optimizer["weight_decay"]);
            Assert.Equal("false", optimizer["amsgrad"]);
            MaxNorm = float.Parse(Options(File.Metadata["max_norm"])["max_norm"], CultureInfo.InvariantCulture);
            Batch = int.Parse(File.Metadata["batch"], CultureInfo.InvariantCulture);
            Steps = int.Parse(File.Metadata["steps"], CultureInfo.InvariantCulture);
            Inputs = File["inputs"].ToSingleArray();
            Targets = File["targets"].ToSingleArray();
            Assert.True(File["inputs"].HasShape(new[] { Steps, Batch, ParityLstmRegressor.Steps, ParityLstmRegressor.InputSize }));
            Assert.True(File["targets"].HasShape(new[] { Steps, Batch, ParityLstmRegressor.OutputSize }));
        }

        public SafeTensorsFile File { get; }

        public float LearningRate { get; }

        public float Beta1 { get; }

        public float Beta2 { get; }

        public float Eps { get; }

        public float MaxNorm { get; }

        public int Batch { get; }

        public int Steps { get; }

        public float[] Inputs { get; }

        public float[] Targets { get; }

        public ParityLstmRegressor StartModel()
        {
            var model = new ParityLstmRegressor();
            ReferenceAssert.LoadParameters("parity", model, File, "start/");
            return model;
        }

        public Adam Adam() => new(LearningRate, Beta1, Beta2, Eps);

        public TrainerOptions Options() => new() { Epochs = 1, BatchSize = Batch, Shuffle = false, ClipNorm = MaxNorm };

        private static Dictionary<string, string> Options(string text) =>
            text.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
    }

    /// <summary>The worst relative differences of one run from one libtorch run: per-step loss, norm, final parameters.</summary>
    private sealed record Errors(double Loss, int LossStep, double Norm, double Parameters);

    /// <summary>Compares a run's losses, norms and final parameters with libtorch's <paramref name="precision"/> run.</summary>
    private static Errors Compare(string what, Reference reference, string precision, double[] losses, double[] norms, ParityLstmRegressor model)
    {
        double[] expectedLoss = reference.File[precision + "/loss"].ToDoubleArray();
        double[] expectedNorm = reference.File[precision + "/grad_norm"].ToDoubleArray();
        double worstLoss = 0, worstNorm = 0;
        int worstStep = 0;
        for (int s = 0; s < reference.Steps; s++)
        {
            double loss = Math.Abs(losses[s] - expectedLoss[s]) / Math.Abs(expectedLoss[s]);
            if (!(loss <= Tolerance))
            {
                throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                    $"{what}: the loss of step {s} is {losses[s]:R}, libtorch ({precision}) {expectedLoss[s]:R}: relative difference {loss:G3} > {Tolerance:G2}."));
            }

            double norm = Math.Abs(norms[s] - expectedNorm[s]) / expectedNorm[s];
            if (!(norm <= Tolerance))
            {
                throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                    $"{what}: the gradient norm of step {s} is {norms[s]:R}, libtorch ({precision}) {expectedNorm[s]:R}: relative difference {norm:G3} > {Tolerance:G2}."));
            }

            (worstLoss, worstStep) = loss > worstLoss ? (loss, s) : (worstLoss, worstStep);
            worstNorm = Math.Max(worstNorm, norm);
        }

        double worstParameter = 0;
        foreach (ParameterInfo parameter in ((IRnnModel)model).ParameterLayout)
        {
            worstParameter = Math.Max(worstParameter, ReferenceAssert.Close($"{what} vs libtorch {precision}", "final " + parameter.Name,
                reference.File[$"{precision}/final/{parameter.Name}"], parameter.Slice(model.Parameters), Tolerance));
        }

        return new Errors(worstLoss, worstStep, worstNorm, worstParameter);
    }

    private void Report(string what, Reference reference, double[] losses, double[] norms, ParityLstmRegressor model)
    {
        foreach (string precision in new[] { "f64", "f32" })
        {
            Errors e = Compare(what, reference, precision, losses, norms, model);
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{what} vs libtorch {precision}: worst loss {e.Loss:G3} (step {e.LossStep}), gradient norm {e.Norm:G3}, final parameters {e.Parameters:G3}"));
        }
    }

    [Fact]
    public void The_reference_clips_some_steps_and_not_others()
    {
        var reference = new Reference();
        double[] norms = reference.File["f64/grad_norm"].ToDoubleArray();
        Assert.Contains(norms, n => n > reference.MaxNorm);
        Assert.Contains(norms, n => n < reference.MaxNorm);
        double[] losses = reference.File["f64/loss"].ToDoubleArray();
        Assert.True(losses[^1] < losses[0], "the reference run learns");
    }

    [Fact]
    public void Hand_written_steps_follow_libtorch()
    {
        // ZeroGradients; per sample Forward, MSE gradient scaled by 1/batch, Backward; ClipByGlobalNorm; Adam.Step.
        var reference = new Reference();
        ParityLstmRegressor model = reference.StartModel();
        Adam adam = reference.Adam();
        int inputLength = ParityLstmRegressor.Steps * ParityLstmRegressor.InputSize, outputLength = ParityLstmRegressor.OutputSize;
        var output = new float[outputLength];
        var gradient = new float[outputLength];
        var losses = new double[reference.Steps];
        var norms = new double[reference.Steps];
        for (int s = 0; s < reference.Steps; s++)
        {
            model.ZeroGradients();
            double sum = 0;
            for (int b = 0; b < reference.Batch; b++)
            {
                int sample = s * reference.Batch + b;
                model.Forward(reference.Inputs.AsSpan(sample * inputLength, inputLength), output);
                sum += Losses.MeanSquaredError(output, reference.Targets.AsSpan(sample * outputLength, outputLength), gradient);
                for (int i = 0; i < gradient.Length; i++)
                {
                    gradient[i] *= 1f / reference.Batch;
                }

                model.Backward(gradient);
            }

            losses[s] = sum / reference.Batch;
            norms[s] = GradientClipping.ClipByGlobalNorm(model.Gradients, reference.MaxNorm);
            adam.Step(model.Parameters, model.Gradients);
        }

        Report("hand-written steps", reference, losses, norms, model);
    }

    [Fact]
    public void Trainer_TrainOnBatch_follows_libtorch()
    {
        var reference = new Reference();
        ParityLstmRegressor model = reference.StartModel();
        var trainer = new Trainer(model, reference.Adam(), MeanSquaredErrorLoss.Instance, reference.Options());
        Dataset data = Dataset.ForModel(model, reference.Inputs, reference.Targets);
        var losses = new double[reference.Steps];
        var norms = new double[reference.Steps];
        for (int s = 0; s < reference.Steps; s++)
        {
            int[] batch = Enumerable.Range(s * reference.Batch, reference.Batch).ToArray();
            BatchResult result = trainer.TrainOnBatch(data, batch);
            Assert.False(result.Skipped);
            losses[s] = result.Loss;
            norms[s] = result.GradientNorm;
        }

        Report("Trainer.TrainOnBatch", reference, losses, norms, model);
    }

    [Fact]
    public void Trainer_Fit_with_unshuffled_batches_follows_libtorch()
    {
        // One epoch over the 80 samples in order, batches of 4: the same 20 steps. The progress reports give the running
        // mean sample loss of the epoch, from which each batch's loss follows, and each batch's norm before clipping.
        var reference = new Reference();
        ParityLstmRegressor model = reference.StartModel();
        var trainer = new Trainer(model, reference.Adam(), MeanSquaredErrorLoss.Instance, reference.Options());
        Dataset data = Dataset.ForModel(model, reference.Inputs, reference.Targets);
        var reports = new List<TrainingProgress>();
        TrainingResult result = trainer.Fit(data, new Collect(reports));
        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(reference.Steps, result.BatchesCompleted);

        TrainingProgress[] batches = reports.Where(r => r.Phase == TrainingPhase.Batch).ToArray();
        Assert.Equal(reference.Steps, batches.Length);
        var losses = new double[reference.Steps];
        var norms = new double[reference.Steps];
        for (int s = 0; s < reference.Steps; s++)
        {
            Assert.Equal(s + 1, batches[s].Batch);
            double before = s == 0 ? 0 : batches[s - 1].TrainingLoss * s;
            losses[s] = batches[s].TrainingLoss * (s + 1) - before;
            norms[s] = batches[s].GradientNorm;
        }

        Report("Trainer.Fit", reference, losses, norms, model);
        double epochLoss = reference.File["f64/loss"].ToDoubleArray().Average();
        Assert.InRange(Math.Abs(result.History[0].TrainingLoss - epochLoss) / epochLoss, 0, Tolerance);
    }

    /// <summary>Collects the reports synchronously (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class Collect(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
