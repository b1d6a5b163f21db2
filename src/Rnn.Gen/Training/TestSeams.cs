using System.Runtime.CompilerServices;

// The training tests reach one internal seam (Trainer.CheckpointEntriesWriting) to make a checkpoint write fail midway.
[assembly: InternalsVisibleTo("Rnn.Gen.Tests")]

// The benchmarks run workload (d) on the trainer's own worker threads (ShardWorkers), the way Trainer.Fit does.
[assembly: InternalsVisibleTo("Rnn.Gen.Benchmarks")]
