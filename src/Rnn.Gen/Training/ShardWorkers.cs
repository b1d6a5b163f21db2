using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Rnn.Gen.Training;

/// <summary>Work split into numbered shards that may run on different threads at the same time.</summary>
internal interface IShardWork
{
    /// <summary>Runs shard <paramref name="shard"/>; never at the same time as itself, possibly beside other shards.</summary>
    void RunShard(int shard);
}

/// <summary>
/// Long-lived threads that run the shards of a <see cref="Trainer"/>'s batches: with <c>T</c> threads (the calling
/// thread and <c>T − 1</c> workers), thread <c>t</c> runs shards <c>t, t + T, t + 2T, …</c> in that order. The threads
/// start on the first <see cref="Run"/>, and after that a run allocates nothing. They are background threads, ended
/// by <see cref="Dispose"/> or, when the owner forgets to, by the finalizer: between runs they hold no reference to
/// the work, so an abandoned trainer can be collected.
/// </summary>
/// <remarks>
/// A thread that waits (a worker for the next run, the calling thread for the workers) first polls its signal for up
/// to <see cref="SpinTime"/> and only then blocks on it. Waking a blocked thread goes through the operating system and,
/// in a virtual machine, through the host: on a 2-core VM it took a median 1.4 ms, as long as half of a training
/// step, so that two cores were no faster than one. Between the batches of a <c>Fit</c> the gap is far shorter than
/// the spin time (the reduction, clipping and the optimizer step), so the workers never block during training; after
/// the last batch they block within <see cref="SpinTime"/>.
/// </remarks>
internal sealed class ShardWorkers : IDisposable
{
    /// <summary>How long a waiting thread polls before it blocks (2 ms).</summary>
    public static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(2);

    private static readonly long SpinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);

    private readonly Core _core;

    /// <summary>A pool of <paramref name="threads"/> threads in all, the calling thread included (at least 2).</summary>
    public ShardWorkers(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 2);
        _core = new Core(threads);
    }

    ~ShardWorkers() => _core.Stop(join: false);

    /// <summary>Threads that run shards, the calling thread included.</summary>
    public int Threads => _core.Threads;

    /// <summary>Worker threads started and not yet ended (a test seam).</summary>
    public int RunningWorkers => _core.RunningWorkers;

    /// <summary>
    /// Runs shards <c>0 … <paramref name="shards"/> − 1</c> of <paramref name="work"/> and returns when every one has
    /// finished. When shards throw, the exception of the lowest-numbered failing shard is rethrown here (its stack
    /// trace kept) after all threads have stopped: the same one a sequential run of the shards in order would throw.
    /// </summary>
    public void Run(IShardWork work, int shards) => _core.Run(work, shards);

    /// <summary>Ends the worker threads and waits for them.</summary>
    public void Dispose()
    {
        _core.Stop(join: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>What the threads see. It must not reference the owner, except <see cref="_work"/> during a run.</summary>
    private sealed class Core(int threads)
    {
        private readonly Worker[] _workers = new Worker[threads - 1];
        private IShardWork? _work;
        private int _shards;
        private volatile bool _stopping;
        private bool _started;
        private int _running;

        public int Threads { get; } = threads;

        public int RunningWorkers => Volatile.Read(ref _running);

        public void Run(IShardWork work, int shards)
        {
            ObjectDisposedException.ThrowIf(_stopping, typeof(ShardWorkers));
            if (!_started)
            {
                Start();
            }

            _work = work;
            _shards = shards;
            foreach (Worker worker in _workers)
            {
                worker.FailedShard = -1;
                worker.Done.Reset();
                worker.Go.Set();
            }

            Exception? error = null;
            int failedShard = -1;
            int shard = 0;
            try
            {
                for (; shard < shards; shard += Threads)
                {
                    work.RunShard(shard);
                }
            }
            catch (Exception e)
            {
                error = e;
                failedShard = shard;
            }
            finally
            {
                // Even when this thread's shard failed: nothing may still write into the replicas once Run returns.
                foreach (Worker worker in _workers)
                {
                    SpinThenWait(worker.Done);
                }

                _work = null;
            }

            foreach (Worker worker in _workers)
            {
                if (worker.Error is Exception e && (failedShard < 0 || worker.FailedShard < failedShard))
                {
                    error = e;
                    failedShard = worker.FailedShard;
                }

                worker.Error = null;
            }

            if (error is not null)
            {
                ExceptionDispatchInfo.Throw(error);
            }
        }

        public void Stop(bool join)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            if (!_started)
            {
                return;
            }

            foreach (Worker worker in _workers)
            {
                worker.Go.Set();
            }

            if (join)
            {
                foreach (Worker worker in _workers)
                {
                    worker.Thread.Join();
                    worker.Go.Dispose();
                    worker.Done.Dispose();
                }
            }
        }

        private void Start()
        {
            for (int i = 0; i < _workers.Length; i++)
            {
                var worker = new Worker(this, i + 1);
                _workers[i] = worker;

                // The first blocking wait on an event allocates its lock object. Take it here, once, so that no later
                // run allocates on the calling thread when it happens to wait for a worker.
                worker.Done.Wait(millisecondsTimeout: 1);
            }

            foreach (Worker worker in _workers)
            {
                Interlocked.Increment(ref _running);
                worker.Thread.UnsafeStart(); // no ExecutionContext to flow: the thread outlives the call that starts it
            }

            _started = true;
        }

        private void Loop(Worker worker)
        {
            try
            {
                while (true)
                {
                    SpinThenWait(worker.Go);
                    worker.Go.Reset();
                    if (_stopping)
                    {
                        return;
                    }

                    try
                    {
                        RunShardsOf(worker);
                    }
                    finally
                    {
                        worker.Done.Set();
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        // A method of its own, so that no frame of this thread still references the work (and its trainer) while the
        // thread waits for the next run.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void RunShardsOf(Worker worker)
        {
            IShardWork work = _work!;
            int shard = worker.Index;
            try
            {
                for (; shard < _shards; shard += Threads)
                {
                    work.RunShard(shard);
                }
            }
            catch (Exception e)
            {
                // Rethrown on the calling thread; this thread's later shards are not run, as a sequential run would not.
                worker.Error = e;
                worker.FailedShard = shard;
            }
        }

        /// <summary>Polls <paramref name="signal"/> for up to <see cref="SpinTime"/>, then blocks until it is set.</summary>
        private static void SpinThenWait(ManualResetEventSlim signal)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            while (!signal.IsSet)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    signal.Wait();
                    return;
                }

                Thread.SpinWait(10); // a few pause instructions: the other hardware thread of the core keeps running
            }
        }

        /// <summary>One worker thread, its signals and the failure of its last run.</summary>
        private sealed class Worker
        {
            public Worker(Core core, int index)
            {
                Index = index;
                Thread = new Thread(() => core.Loop(this)) { IsBackground = true, Name = $"Rnn.Gen trainer shard worker {index}" };
            }

            public int Index { get; }

            public Thread Thread { get; }

            public ManualResetEventSlim Go { get; } = new(false);

            public ManualResetEventSlim Done { get; } = new(false);

            public Exception? Error { get; set; }

            public int FailedShard { get; set; } = -1;
        }
    }
}
