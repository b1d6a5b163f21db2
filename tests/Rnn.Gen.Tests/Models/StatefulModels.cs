using Rnn.Gen;

// A stateful model trained over windows of 3 steps, and the same layers over the whole 6-step series.
namespace Rnn.Gen.Tests.Models;

[RnnModel(inputSize: 2, steps: 3, Stateful = true)]
[Lstm(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true)]
[SimpleRnn(5, ReturnSequences = true)]
[Dense(2)]
public partial class StatefulWindow;

[RnnModel(inputSize: 2, steps: 6)]
[Lstm(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true)]
[SimpleRnn(5, ReturnSequences = true)]
[Dense(2)]
public partial class StatefulWholeSeries;

[RnnModel(inputSize: 2, steps: 3)]
[Lstm(4, ReturnSequences = true)]
[Gru(3, ReturnSequences = true)]
[SimpleRnn(5, ReturnSequences = true)]
[Dense(2)]
public partial class StatelessWindow;

[RnnModel(inputSize: 2, steps: 3, Stateful = true)]
[Lstm(4, ReturnSequences = true, RecurrentDropout = 0.2)]
[SimpleRnn(5, ReturnSequences = true, RecurrentDropout = 0.3, Dropout = 0.2)]
[Dense(2)]
public partial class StatefulWindowWithDropout;
