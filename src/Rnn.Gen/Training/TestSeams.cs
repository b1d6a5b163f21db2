using System.Runtime.CompilerServices;

// The training tests reach one internal seam (Trainer.CheckpointEntriesWriting) to make a checkpoint write fail midway.
[assembly: InternalsVisibleTo("Rnn.Gen.Tests")]
