using Rnn.Gen.Optimizers;

namespace Rnn.Gen.Training.Schedules;

/// <summary>
/// A learning-rate schedule bound to one optimizer: each <see cref="Step"/> advances it by one epoch (or one optimizer
/// step, as the caller counts) and sets the optimizer's <see cref="IOptimizer.LearningRate"/> for what follows, as
/// PyTorch's <c>torch.optim.lr_scheduler</c> classes do with <c>scheduler.step()</c>.
/// </summary>
/// <remarks>
/// The schedule keeps its learning rate in double, as PyTorch keeps a parameter group's <c>lr</c>, and hands the
/// optimizer the float nearest to it. Its state (<see cref="GetState"/>, <see cref="SetState"/>) goes into a
/// checkpoint beside the optimizer's.
/// </remarks>
public interface ILearningRateSchedule
{
    /// <summary>The optimizer whose learning rate the schedule sets.</summary>
    IOptimizer Optimizer { get; }

    /// <summary>The learning rate the schedule started from: the optimizer's when the schedule was created (PyTorch's <c>base_lrs</c>).</summary>
    double BaseLearningRate { get; }

    /// <summary>The current learning rate, in double (the optimizer has it rounded to float).</summary>
    double LearningRate { get; }

    /// <summary>Steps taken since the schedule was created (PyTorch's <c>last_epoch</c>).</summary>
    long StepCount { get; }

    /// <summary>
    /// Advances the schedule by one epoch (or step) and sets <see cref="Optimizer"/>'s learning rate. Call it after the
    /// epoch's optimizer steps, as PyTorch's <c>scheduler.step()</c>.
    /// </summary>
    /// <param name="metric">
    /// The monitored value of the finished epoch (for example the validation loss). <see cref="ReduceOnPlateau"/>
    /// requires it; the other schedules ignore it.
    /// </param>
    /// <exception cref="System.ArgumentNullException">The schedule needs a metric and none was given.</exception>
    void Step(double? metric = null);

    /// <summary>The schedule's state for a checkpoint: its kind, step count, learning rates and counters.</summary>
    LearningRateScheduleState GetState();

    /// <summary>
    /// Restores a state from <see cref="GetState"/> of a schedule of the same kind and sets the optimizer's learning
    /// rate to the restored one, so that the next <see cref="Step"/> continues as the saved schedule would have.
    /// </summary>
    /// <exception cref="System.ArgumentException">The kind differs or a value is missing or invalid; nothing changes then.</exception>
    void SetState(LearningRateScheduleState state);
}
