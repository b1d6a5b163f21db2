using Rnn.Gen;

// Pairs of models with the same layers and different step counts: a padded sample on the long one must behave
// exactly as its valid prefix on the short one (same parameters, same layout).
namespace Rnn.Gen.Tests.Models;

[RnnModel(inputSize: 3, steps: 7)]
[Lstm(5, ReturnSequences = true)]
[Gru(4)]
[Dense(2)]
public partial class PaddedStackLong;

[RnnModel(inputSize: 3, steps: 4)]
[Lstm(5, ReturnSequences = true)]
[Gru(4)]
[Dense(2)]
public partial class PaddedStackShort;

[RnnModel(inputSize: 2, steps: 6)]
[Gru(5, Bidirectional = true, ReturnSequences = true)]
[Dense(3, Activation = Activation.Tanh)]
public partial class PaddedBiGruSequenceLong;

[RnnModel(inputSize: 2, steps: 4)]
[Gru(5, Bidirectional = true, ReturnSequences = true)]
[Dense(3, Activation = Activation.Tanh)]
public partial class PaddedBiGruSequenceShort;

[RnnModel(inputSize: 2, steps: 6)]
[SimpleRnn(4, Bidirectional = true, MergeMode = MergeMode.Sum)]
[Dense(2)]
public partial class PaddedBiElmanLastLong;

[RnnModel(inputSize: 2, steps: 3)]
[SimpleRnn(4, Bidirectional = true, MergeMode = MergeMode.Sum)]
[Dense(2)]
public partial class PaddedBiElmanLastShort;

[RnnModel(inputSize: 3, steps: 5)]
[Lstm(4, ReturnSequences = true)]
public partial class PaddedLstmSequenceLong;

[RnnModel(inputSize: 3, steps: 2)]
[Lstm(4, ReturnSequences = true)]
public partial class PaddedLstmSequenceShort;
