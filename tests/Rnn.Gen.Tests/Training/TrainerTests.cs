using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Rnn.Gen.Data;
using Rnn.Gen.Optimizers;
using Rnn.Gen.Training;
using Rnn.Gen.Training.Schedules;
using Xunit;

namespace Rnn.Gen.Tests.Training;

/// <summary>Reports progress synchronously (unlike <see cref="Progress{T}"/>), so tests can act on a report.</summary>
internal sealed class ProgressRecorder(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
{
    public List<TrainingProgress> Reports { get; } = new();

    public void Report(TrainingProgress value)
    {
        Reports.Add(value);
        onReport?.Invoke(value);
    }
}

/// <summary>The trainer's loop: averaging, shuffling, validation, early stopping, progress, cancellation, errors.</summary>
public class TrainerTests
{
    private static TinyRegressor NewRegressor(int seed = 1)
    {
        var model = new TinyRegressor();
        model.Initialize(seed);
        return model;
    }

    [Fact]
    public void One_batch_of_B_samples_has_the_mean_of_the_B_per_sample_gradients()
    {
        var model = NewRegressor();
        Dataset data = TrainingData.Regression(model, 7, seed: 2);
        int[] batch = { 6, 0, 3, 2, 5 };

        // By hand: each sample alone, its gradient collected, then averaged in double.
        double[] expected = new double[((IRnnModel)model).ParameterCount];
        float[] output = new float[1], gradient = new float[1];
        foreach (int i in batch)
        {
            model.ZeroGradients();
            model.Forward(data.Input(i), output);
            Losses.MeanSquaredError(output, data.Target(i), gradient);
            model.Backward(gradient);
            for (int p = 0; p < expected.Length; p++)
            {
                expected[p] += model.Gradients[p] / (double)batch.Length;
            }
        }

        float[] before = model.Parameters.ToArray();
        var trainer = new Trainer(model, new Sgd(learningRate: 0f), MeanSquaredErrorLoss.Instance);
        BatchResult result = trainer.TrainOnBatch(data, batch);

        Assert.False(result.Skipped);
        Assert.Equal(before, model.Parameters.ToArray()); // lr 0: the step changes nothing
        for (int p = 0; p < expected.Length; p++)
        {
            Assert.True(Math.Abs(model.Gradients[p] - expected[p]) <= 1e-6 + 1e-5 * Math.Abs(expected[p]),
                $"gradient {p}: {model.Gradients[p]} vs {expected[p]}");
        }

        double meanLoss = batch.Average(i => Losses.MeanSquaredError(Predict(model, data, i), data.Target(i)));
        Assert.Equal(meanLoss, result.Loss, 1e-6);
        Assert.Equal(Math.Sqrt(expected.Sum(g => g * g)), result.GradientNorm, 1e-5);
    }

    [Fact]
    public void A_many_to_many_batch_averages_over_samples_and_the_loss_over_steps()
    {
        var model = new TinySequence();
        model.Initialize(3);
        Dataset data = TrainingData.Regression(model, 4, seed: 8);
        double[] expected = new double[((IRnnModel)model).ParameterCount];
        float[] output = new float[8], gradient = new float[8];
        for (int i = 0; i < 4; i++)
        {
            model.ZeroGradients();
            model.Forward(data.Input(i), output);
            Losses.MeanSquaredError(output, data.Target(i), gradient);
            model.Backward(gradient);
            for (int p = 0; p < expected.Length; p++)
            {
                expected[p] += model.Gradients[p] / 4.0;
            }
        }

        var trainer = new Trainer(model, new Sgd(0f), MeanSquaredErrorLoss.Instance);
        trainer.TrainOnBatch(data, new[] { 0, 1, 2, 3 });
        for (int p = 0; p < expected.Length; p++)
        {
            Assert.Equal(expected[p], model.Gradients[p], 1e-6);
        }
    }

    [Fact]
    public void Sgd_with_learning_rate_1_moves_the_parameters_by_the_averaged_gradient()
    {
        var model = NewRegressor(4);
        Dataset data = TrainingData.Regression(model, 3, seed: 4);
        float[] before = model.Parameters.ToArray();
        var trainer = new Trainer(model, new Sgd(1f), MeanSquaredErrorLoss.Instance);
        trainer.TrainOnBatch(data, new[] { 0, 1, 2 });
        for (int p = 0; p < before.Length; p++)
        {
            Assert.Equal(before[p] - model.Gradients[p], model.Parameters[p]);
        }
    }

    [Fact]
    public void A_stateful_model_trains_on_windows_in_order_and_starts_again_each_epoch()
    {
        var model = new TinyStateful();
        model.Initialize(2);
        Dataset data = TrainingData.Regression(model, 7, seed: 3);
        var trainer = new Trainer(model, new Sgd(0.1f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 2, BatchSize = 3, Shuffle = false });
        trainer.Fit(data);

        // By hand: the same windows in order, the state reset at each epoch, one SGD step per batch of 3, 3, 1.
        var manual = new TinyStateful();
        manual.Initialize(2);
        var sgd = new Sgd(0.1f);
        float[] output = new float[1], gradient = new float[1];
        for (int epoch = 0; epoch < 2; epoch++)
        {
            manual.ResetState();
            for (int start = 0; start < 7; start += 3)
            {
                int count = Math.Min(3, 7 - start);
                manual.ZeroGradients();
                for (int i = start; i < start + count; i++)
                {
                    manual.Forward(data.Input(i), output);
                    Losses.MeanSquaredError(output, data.Target(i), gradient);
                    gradient[0] *= (float)(1.0 / count);
                    manual.Backward(gradient);
                }

                sgd.Step(manual.Parameters, manual.Gradients);
            }
        }

        Assert.Equal(manual.Parameters.ToArray(), model.Parameters.ToArray());
    }

    [Fact]
    public void The_same_seed_trains_bit_identical_models_and_another_seed_does_not()
    {
        float[] Train(long seed)
        {
            var model = NewRegressor();
            var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 3, BatchSize = 4, Seed = seed });
            trainer.Fit(TrainingData.Regression(model, 18, seed: 5));
            return model.Parameters.ToArray();
        }

        float[] a = Train(11), b = Train(11), c = Train(12);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Fit_reports_every_batch_and_every_epoch()
    {
        var model = NewRegressor();
        Dataset training = TrainingData.Regression(model, 10, seed: 6);
        Dataset validation = TrainingData.Regression(model, 4, seed: 7);
        var recorder = new ProgressRecorder();
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 3, BatchSize = 4 });
        TrainingResult result = trainer.Fit(training, validation, recorder);

        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(3, result.EpochsCompleted);
        Assert.Equal(9, result.BatchesCompleted);
        Assert.Equal(3, result.History.Count);
        List<TrainingProgress> batches = recorder.Reports.Where(r => r.Phase == TrainingPhase.Batch).ToList();
        List<TrainingProgress> epochs = recorder.Reports.Where(r => r.Phase == TrainingPhase.Epoch).ToList();
        Assert.Equal(9, batches.Count);
        Assert.Equal(3, epochs.Count);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), batches.Select(r => r.BatchesCompleted));
        Assert.Equal(new[] { 1, 2, 3, 1, 2, 3, 1, 2, 3 }, batches.Select(r => r.Batch));
        Assert.All(batches, r => Assert.Equal(3, r.Batches));
        Assert.All(batches, r => Assert.Null(r.ValidationLoss));
        Assert.All(recorder.Reports, r => Assert.Equal(3, r.Epochs));
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(e + 1, epochs[e].Epoch);
            Assert.Equal(result.History[e].TrainingLoss, epochs[e].TrainingLoss);
            Assert.Equal(result.History[e].ValidationLoss, epochs[e].ValidationLoss);
            Assert.Equal(batches[3 * e + 2].TrainingLoss, epochs[e].TrainingLoss); // the running mean ends at the epoch's mean
        }

        // The validation loss of the last epoch is the loss of the final model on the validation set.
        Assert.Equal(trainer.Evaluate(validation).Loss, result.History[^1].ValidationLoss);
        Assert.True(result.History[^1].TrainingLoss < result.History[0].TrainingLoss);
    }

    [Fact]
    public void A_validation_split_is_taken_from_the_training_data()
    {
        var model = NewRegressor();
        Dataset data = TrainingData.Regression(model, 20, seed: 6);
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance,
            new TrainerOptions { Epochs = 2, BatchSize = 5, ValidationSplit = 0.25, Seed = 3 });
        var recorder = new ProgressRecorder();
        TrainingResult result = trainer.Fit(data, recorder);
        Assert.Equal(6, result.BatchesCompleted); // 15 training samples in batches of 5, twice
        Assert.NotNull(result.History[1].ValidationLoss);
        (_, Dataset validation) = data.Split(0.25, 3);
        Assert.Equal(trainer.Evaluate(validation).Loss, result.History[1].ValidationLoss);

        var both = new Trainer(NewRegressor(), new Adam(), MeanSquaredErrorLoss.Instance, new TrainerOptions { ValidationSplit = 0.2 });
        Assert.Throws<ArgumentException>(() => both.Fit(data, validation));
    }

    [Fact]
    public void Classifiers_report_accuracy()
    {
        var model = new TinyClassifier();
        model.Initialize(2);
        Dataset training = TrainingData.Classification(model, 120, seed: 1);
        Dataset validation = TrainingData.Classification(model, 40, seed: 2);
        var trainer = new Trainer(model, new Adam(0.02f), new SoftmaxCrossEntropyLoss(), new TrainerOptions { Epochs = 15, BatchSize = 16, Seed = 1 });
        TrainingResult result = trainer.Fit(training, validation);

        Assert.All(result.History, m => Assert.NotNull(m.TrainingAccuracy));
        Assert.True(result.History[^1].ValidationAccuracy > 0.75, $"validation accuracy {result.History[^1].ValidationAccuracy}");
        Assert.True(result.History[^1].TrainingLoss < result.History[0].TrainingLoss);

        // Evaluate's accuracy is the fraction of samples whose largest logit is the class.
        int correct = 0;
        float[] logits = new float[3];
        for (int i = 0; i < validation.Count; i++)
        {
            model.Predict(validation.Input(i), logits);
            int best = Array.IndexOf(logits, logits.Max());
            correct += best == validation.ClassIndices(i)[0] ? 1 : 0;
        }

        Assert.Equal((double)correct / validation.Count, trainer.Evaluate(validation).Accuracy);
    }

    [Fact]
    public void Training_learns_the_regression_task()
    {
        var model = NewRegressor();
        Dataset training = TrainingData.Regression(model, 200, seed: 1);
        Dataset test = TrainingData.Regression(model, 50, seed: 2);
        var trainer = new Trainer(model, new Adam(0.02f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 20, BatchSize = 16, ClipNorm = 1f });
        double before = trainer.Evaluate(test).Loss;
        trainer.Fit(training);
        double after = trainer.Evaluate(test).Loss;
        Assert.True(after < before * 0.3, $"test MSE {before} → {after}");
    }

    [Fact]
    public void The_losses_wrap_the_runtime_functions()
    {
        float[] output = { 0.5f, -1f, 2f }, target = { 0f, -1f, 4f }, gradient = new float[3], expected = new float[3];
        Assert.Equal(Losses.MeanSquaredError(output, target, expected), MeanSquaredErrorLoss.Instance.Compute(output, target, gradient));
        Assert.Equal(expected, gradient);
        Assert.Equal(Losses.MeanAbsoluteError(output, target, expected), MeanAbsoluteErrorLoss.Instance.Compute(output, target, gradient));
        Assert.Equal(expected, gradient);
        Assert.Equal(Losses.Huber(output, target, expected, 0.5f), new HuberLoss(0.5f).Compute(output, target, gradient));
        Assert.Equal(expected, gradient);
        float[] probabilities = { 0f, 1f, 0.25f };
        Assert.Equal(Losses.BinaryCrossEntropyWithLogits(output, probabilities, expected), BinaryCrossEntropyWithLogitsLoss.Instance.Compute(output, probabilities, gradient));
        Assert.Equal(expected, gradient);
        int[] classes = { 2 };
        Assert.Equal(Losses.SoftmaxCrossEntropy(output, classes, expected, 0.1f), new SoftmaxCrossEntropyLoss(0.1f).Compute(output, classes, gradient));
        Assert.Equal(expected, gradient);
        Assert.Equal(Losses.MeanSquaredError(output, target, expected), new ValueLoss("mse", Losses.MeanSquaredError).Compute(output, target, gradient));
        Assert.Throws<NotSupportedException>(() => MeanSquaredErrorLoss.Instance.Compute(output, classes, gradient));
        Assert.Throws<NotSupportedException>(() => new SoftmaxCrossEntropyLoss().Compute(output, target, gradient));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxCrossEntropyLoss(1.5f));
    }

    // ----- learning-rate schedules -----

    [Fact]
    public void An_epoch_schedule_steps_after_each_epoch()
    {
        var model = NewRegressor();
        var adam = new Adam(0.04f);
        var trainer = new Trainer(model, adam, MeanSquaredErrorLoss.Instance,
            new TrainerOptions { Epochs = 5, BatchSize = 4, Schedule = new StepDecay(adam, stepSize: 2, gamma: 0.5) });
        var recorder = new ProgressRecorder();
        TrainingResult result = trainer.Fit(TrainingData.Regression(model, 8, 1), recorder);
        Assert.Equal(new[] { 0.04f, 0.04f, 0.02f, 0.02f, 0.01f }, result.History.Select(m => m.LearningRate));
        Assert.Equal(0.01f, adam.LearningRate); // for a sixth epoch: 0.04 · 0.5^floor(5 / 2)
        Assert.Equal(new[] { 0.04f, 0.04f, 0.04f, 0.04f, 0.02f }, recorder.Reports.Where(r => r.Phase == TrainingPhase.Batch).Take(5).Select(r => r.LearningRate));
    }

    [Fact]
    public void Reduce_on_plateau_watches_the_validation_loss_by_default()
    {
        var model = NewRegressor();
        var sgd = new Sgd(0f); // nothing changes, so every epoch after the first is a plateau
        var plateau = new ReduceOnPlateau(sgd, factor: 0.5, patience: 0);
        var trainer = new Trainer(model, sgd, MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 3, BatchSize = 4, Schedule = plateau });
        Dataset validation = TrainingData.Regression(model, 4, 2);
        TrainingResult result = trainer.Fit(TrainingData.Regression(model, 8, 1), validation);
        Assert.Equal(result.History[0].ValidationLoss!.Value, plateau.Best, 12);
        Assert.Equal(3, plateau.StepCount);

        var accuracy = new Trainer(model, sgd, MeanSquaredErrorLoss.Instance,
            new TrainerOptions { Schedule = plateau, ScheduleMetric = MonitoredMetric.ValidationAccuracy });
        Assert.Throws<InvalidOperationException>(() => accuracy.Fit(TrainingData.Regression(model, 8, 1), validation));
    }

    [Fact]
    public void A_batch_schedule_steps_after_each_step_that_was_taken()
    {
        var model = NewRegressor();
        var adam = new Adam(0.1f);
        var warmup = new WarmupCosine(adam, warmupSteps: 4, totalSteps: 10);
        var trainer = new Trainer(model, adam, MeanSquaredErrorLoss.Instance,
            new TrainerOptions { Epochs = 2, BatchSize = 4, Schedule = warmup, ScheduleInterval = ScheduleInterval.Batch });
        var recorder = new ProgressRecorder();
        trainer.Fit(TrainingData.Regression(model, 12, 1), recorder);
        Assert.Equal(6, warmup.StepCount);
        float[] rates = recorder.Reports.Where(r => r.Phase == TrainingPhase.Batch).Select(r => r.LearningRate).ToArray();
        Assert.Equal(Enumerable.Range(0, 6).Select(t => (float)warmup.RateAt(t)), rates);
    }

    [Fact]
    public void A_schedule_of_another_optimizer_is_refused()
    {
        var model = NewRegressor();
        ArgumentException e = Assert.Throws<ArgumentException>(() => new Trainer(model, new Adam(), MeanSquaredErrorLoss.Instance,
            new TrainerOptions { Schedule = new StepDecay(new Adam(), 1) }));
        Assert.Contains("another optimizer", e.Message);
    }

    // ----- early stopping -----

    [Fact]
    public void Early_stopping_follows_Keras_patience_and_min_delta()
    {
        var rule = new EarlyStopping { Monitor = MonitoredMetric.ValidationLoss, Patience = 2, MinDelta = 0.1f };
        var state = new EarlyStoppingState(rule);
        float[] weights = new float[1];

        // 1.0 best; 0.95 (not better by > 0.1) wait 1; 0.85 better → best, wait 0; 0.8, 0.8 → wait 1, 2 → stop.
        Assert.False(state.Update(rule, 1, 1.0, weights));
        Assert.False(state.Update(rule, 2, 0.95, weights));
        Assert.Equal(1, state.Wait);
        Assert.False(state.Update(rule, 3, 0.85, weights));
        Assert.Equal(0, state.Wait);
        Assert.Equal(3, state.BestEpoch);
        Assert.False(state.Update(rule, 4, 0.8, weights));
        Assert.True(state.Update(rule, 5, 0.8, weights));
        Assert.Equal(0.85, state.Best);
    }

    [Fact]
    public void Early_stopping_on_accuracy_wants_higher_values_and_honours_baseline_and_warm_up()
    {
        var rule = new EarlyStopping { Monitor = MonitoredMetric.TrainingAccuracy, Patience = 1, Baseline = 0.9, StartFromEpoch = 2 };
        var state = new EarlyStoppingState(rule);
        float[] weights = new float[1];
        Assert.False(state.Update(rule, 1, 0.1, weights)); // warm-up, not watched
        Assert.Equal(0, state.BestEpoch);
        Assert.False(state.Update(rule, 2, 0.5, weights)); // better than -∞ but not the baseline: wait stays 1
        Assert.Equal(1, state.Wait);
        Assert.Equal(0.5, state.Best);
        Assert.False(state.Update(rule, 3, 0.6, weights)); // better, still below the baseline: wait 2, but an improving epoch never stops
        Assert.Equal(2, state.Wait);
        Assert.True(state.Update(rule, 4, 0.55, weights)); // no improvement: wait 3 ≥ patience 1
    }

    [Fact]
    public void Patience_zero_never_stops_after_the_first_epoch()
    {
        var rule = new EarlyStopping { Monitor = MonitoredMetric.TrainingLoss, Patience = 0 };
        var state = new EarlyStoppingState(rule);
        Assert.False(state.Update(rule, 1, double.NaN, new float[1])); // NaN never improves, but epoch 1 never stops
        Assert.False(state.Update(rule, 2, 5, new float[1]));
        Assert.True(state.Update(rule, 3, 5, new float[1]));
    }

    [Fact]
    public void Training_stops_early_and_restores_the_best_weights()
    {
        // The validation targets are the negated training targets: as training fits one, the other gets worse.
        var model = NewRegressor();
        Dataset training = TrainingData.Regression(model, 40, seed: 3);
        float[] inputs = Enumerable.Range(0, 40).SelectMany(i => training.Input(i).ToArray()).ToArray();
        float[] negated = Enumerable.Range(0, 40).Select(i => -training.Target(i)[0]).ToArray();
        var validation = Dataset.ForModel(model, inputs, negated);

        var parametersByEpoch = new List<float[]>();
        var recorder = new ProgressRecorder(r =>
        {
            if (r.Phase == TrainingPhase.Epoch)
            {
                parametersByEpoch.Add(model.Parameters.ToArray());
            }
        });
        var trainer = new Trainer(model, new Adam(0.02f), MeanSquaredErrorLoss.Instance, new TrainerOptions
        {
            Epochs = 50,
            BatchSize = 8,
            EarlyStopping = new EarlyStopping { Patience = 3, RestoreBestWeights = true },
        });
        TrainingResult result = trainer.Fit(training, validation, recorder);

        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.True(result.EpochsCompleted < 50);
        int best = result.BestEpoch!.Value;
        Assert.Equal(result.EpochsCompleted, best + 3); // stopped after 3 epochs without improvement
        Assert.Equal(result.History.Min(m => m.ValidationLoss), result.History[best - 1].ValidationLoss);
        Assert.Equal(result.History[best - 1].ValidationLoss, result.BestValue);
        Assert.True(result.RestoredBestWeights);
        Assert.Equal(parametersByEpoch[best - 1], model.Parameters.ToArray());
        Assert.NotEqual(parametersByEpoch[^1], model.Parameters.ToArray());
    }

    [Fact]
    public void Without_restoring_the_model_keeps_the_last_weights()
    {
        var model = NewRegressor();
        var trainer = new Trainer(model, new Sgd(0f), MeanSquaredErrorLoss.Instance, new TrainerOptions
        {
            Epochs = 10,
            BatchSize = 8,
            EarlyStopping = new EarlyStopping { Monitor = MonitoredMetric.TrainingLoss, Patience = 2 },
        });
        TrainingResult result = trainer.Fit(TrainingData.Regression(model, 16, 1));

        // Learning rate 0: the loss never changes, so epoch 1 stays best and training stops at epoch 3.
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.Equal(3, result.EpochsCompleted);
        Assert.Equal(1, result.BestEpoch);
        Assert.False(result.RestoredBestWeights);
    }

    [Fact]
    public void Early_stopping_on_a_validation_metric_needs_a_validation_set()
    {
        var model = NewRegressor();
        var trainer = new Trainer(model, new Adam(), MeanSquaredErrorLoss.Instance, new TrainerOptions { EarlyStopping = new EarlyStopping() });
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(TrainingData.Regression(model, 4, 1)));
        Assert.Contains("no validation set", e.Message);

        var accuracy = new Trainer(model, new Adam(), MeanSquaredErrorLoss.Instance,
            new TrainerOptions { EarlyStopping = new EarlyStopping { Monitor = MonitoredMetric.TrainingAccuracy } });
        e = Assert.Throws<InvalidOperationException>(() => accuracy.Fit(TrainingData.Regression(model, 4, 1)));
        Assert.Contains("no accuracy", e.Message);
    }

    // ----- cancellation -----

    [Fact]
    public void Cancellation_stops_between_batches_and_a_second_call_continues()
    {
        var model = NewRegressor();
        Dataset data = TrainingData.Regression(model, 20, seed: 2);
        using var cancellation = new CancellationTokenSource();
        var recorder = new ProgressRecorder(r =>
        {
            if (r.BatchesCompleted == 7)
            {
                cancellation.Cancel();
            }
        });
        var options = new TrainerOptions { Epochs = 4, BatchSize = 6 };
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, options);
        TrainingResult stopped = trainer.Fit(data, recorder, cancellation.Token);

        Assert.Equal(StopReason.Cancelled, stopped.StopReason);
        Assert.Equal(7, stopped.BatchesCompleted); // the batch that saw the request finished; none started after it
        Assert.Equal(1, stopped.EpochsCompleted);
        Assert.Equal(7, recorder.Reports.Count(r => r.Phase == TrainingPhase.Batch));

        TrainingResult finished = trainer.Fit(data);
        Assert.Equal(StopReason.Completed, finished.StopReason);
        Assert.Equal(16, finished.BatchesCompleted);

        var straight = NewRegressor();
        new Trainer(straight, new Adam(0.01f), MeanSquaredErrorLoss.Instance, options).Fit(data);
        Assert.Equal(straight.Parameters.ToArray(), model.Parameters.ToArray());
    }

    [Fact]
    public void A_token_cancelled_before_the_start_trains_nothing()
    {
        var model = NewRegressor();
        float[] before = model.Parameters.ToArray();
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance);
        TrainingResult result = trainer.Fit(TrainingData.Regression(model, 5, 1), null, new CancellationToken(canceled: true));
        Assert.Equal(StopReason.Cancelled, result.StopReason);
        Assert.Equal(0, result.BatchesCompleted);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    // ----- non-finite values -----

    [Fact]
    public void Batches_with_non_finite_gradients_are_skipped_counted_and_reported()
    {
        var model = NewRegressor();
        Dataset clean = TrainingData.Regression(model, 6, seed: 1);
        float[] inputs = Enumerable.Range(0, 6).SelectMany(i => clean.Input(i).ToArray()).ToArray();
        inputs[3 * 10 + 4] = float.NaN; // sample 3 poisons any batch it is in
        float[] targets = Enumerable.Range(0, 6).Select(i => clean.Target(i)[0]).ToArray();
        Dataset data = Dataset.ForModel(model, inputs, targets);

        var recorder = new ProgressRecorder();
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 3, BatchSize = 2, ClipNorm = 1f });
        TrainingResult result = trainer.Fit(data, recorder);

        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(9, result.BatchesCompleted);
        Assert.Equal(3, result.SkippedBatches); // one batch per epoch holds sample 3
        Assert.All(result.History, m => Assert.Equal(1, m.SkippedBatches));
        Assert.All(result.History, m => Assert.True(double.IsFinite(m.TrainingLoss)));
        Assert.Equal(3, recorder.Reports.Last().SkippedBatches);
        Assert.Contains(recorder.Reports, r => float.IsNaN(r.GradientNorm));
        Assert.True(model.Parameters.ToArray().All(float.IsFinite));
        Assert.Equal(6, ((Adam)trainer.Optimizer).StepCount); // skipped steps leave the optimizer alone
    }

    [Fact]
    public void The_stop_policy_ends_the_run_before_the_bad_step()
    {
        var model = NewRegressor();
        float[] inputs = new float[4 * 10];
        inputs[0] = float.NaN;
        var data = Dataset.ForModel(model, inputs, new float[4]);
        float[] before = model.Parameters.ToArray();
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance,
            new TrainerOptions { Epochs = 2, BatchSize = 4, NonFiniteGradients = NonFiniteGradientPolicy.Stop });
        TrainingResult result = trainer.Fit(data);
        Assert.Equal(StopReason.NonFiniteGradients, result.StopReason);
        Assert.Equal(0, result.BatchesCompleted);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Clipping_by_value_and_by_norm_applies_to_the_averaged_gradients()
    {
        var model = NewRegressor();
        Dataset data = TrainingData.Regression(model, 4, seed: 9);
        var trainer = new Trainer(model, new Sgd(0f), MeanSquaredErrorLoss.Instance, new TrainerOptions { ClipValue = 1e-3f, ClipNorm = 1e-3f });
        BatchResult result = trainer.TrainOnBatch(data, new[] { 0, 1, 2, 3 });
        Assert.True(result.GradientNorm > 1e-3f, "the reported norm is before clipping");
        Assert.All(model.Gradients.ToArray(), g => Assert.InRange(g, -1e-3f, 1e-3f));
        double norm = Math.Sqrt(model.Gradients.ToArray().Sum(g => (double)g * g));
        Assert.True(norm <= 1e-3 * (1 + 1e-5), $"norm after clipping {norm}");
    }

    // ----- errors -----

    [Fact]
    public void Datasets_that_do_not_fit_the_model_are_refused_naming_the_sizes()
    {
        var model = NewRegressor();
        var trainer = new Trainer(model, new Adam(), MeanSquaredErrorLoss.Instance);

        var sequence = new TinySequence();
        ArgumentException e = Assert.Throws<ArgumentException>(() => trainer.Fit(TrainingData.Regression(sequence, 3, 1)));
        Assert.Contains("[4, 2] (8 floats)", e.Message);
        Assert.Contains("the model expects [5, 2] (10 floats)", e.Message);
        Assert.Equal("training", e.ParamName);

        var wrongOutputs = new Dataset(new float[20], new float[4], 5, 2, 1, 2);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(TrainingData.Regression(model, 3, 1), wrongOutputs));
        Assert.Contains("targets are [1, 2]", e.Message);
        Assert.Contains("need [1, 1] (1 floats)", e.Message);
        Assert.Equal("validation", e.ParamName);

        var classes = new Dataset(new float[20], new[] { 0, 1 }, 5, 2, 1);
        e = Assert.Throws<ArgumentException>(() => trainer.Evaluate(classes));
        Assert.Contains("compares with values", e.Message);

        e = Assert.Throws<ArgumentException>(() => trainer.TrainOnBatch(TrainingData.Regression(model, 3, 1), ReadOnlySpan<int>.Empty));
        Assert.Contains("at least one sample", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainOnBatch(TrainingData.Regression(model, 3, 1), new[] { 3 }));
    }

    [Fact]
    public void Class_indices_beyond_the_model_outputs_are_refused()
    {
        var model = new TinyClassifier();
        var trainer = new Trainer(model, new Adam(), new SoftmaxCrossEntropyLoss());
        var data = new Dataset(new float[12], new[] { 5 }, 4, 3, 1);
        ArgumentException e = Assert.Throws<ArgumentException>(() => trainer.Fit(data));
        Assert.Contains("outside [0, 3)", e.Message);
    }

    [Fact]
    public void Options_refuse_invalid_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Epochs = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { BatchSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { ValidationSplit = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { ClipNorm = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { ClipValue = float.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { CheckpointEveryBatches = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping { Patience = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping { StartFromEpoch = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping { MinDelta = float.NaN });
    }

    // ----- allocation -----

    [Fact]
    public void A_training_step_and_an_evaluation_allocate_nothing()
    {
        var model = NewRegressor();
        Dataset data = TrainingData.Regression(model, 16, seed: 1);
        var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { ClipNorm = 1f, ClipValue = 5f });
        int[] batch = { 0, 3, 5, 7, 9, 11 };
        trainer.TrainOnBatch(data, batch); // first step: the optimizer allocates its state, the JIT warms up
        trainer.Evaluate(data);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            trainer.TrainOnBatch(data, batch);
            trainer.Evaluate(data);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void More_batches_per_epoch_allocate_nothing_more()
    {
        // Fit allocates for its setup and per epoch; the batches in between allocate nothing.
        long AllocatedBy(int samples)
        {
            var model = NewRegressor();
            Dataset data = TrainingData.Regression(model, samples, seed: 1);
            var trainer = new Trainer(model, new Adam(0.01f), MeanSquaredErrorLoss.Instance, new TrainerOptions { Epochs = 2, BatchSize = 2, Shuffle = true });
            var progress = new CountingProgress();
            _ = data.ContentHash;
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Fit(data, progress);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        AllocatedBy(8); // warm-up
        long small = AllocatedBy(8), large = AllocatedBy(40);

        // The only per-sample setup allocations are the sampler's order array and its bookkeeping (≤ 8 bytes per sample).
        Assert.True(large - small <= 8 * (40 - 8), $"{small} bytes for 8 samples, {large} for 40");
    }

    private sealed class CountingProgress : IProgress<TrainingProgress>
    {
        public int Count;

        public void Report(TrainingProgress value) => Count++;
    }

    private static float[] Predict(IRnnModel model, Dataset data, int index)
    {
        float[] output = new float[model.OutputSteps * model.OutputSize];
        model.Predict(data.Input(index), output);
        return output;
    }
}
