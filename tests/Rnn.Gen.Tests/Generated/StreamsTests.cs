using System;
using System.Collections.Generic;
using System.Linq;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Many streams (<c>Model.Streams</c>): each stream must compute what the model's own Step computes on a state of its
/// own, bit for bit, whatever the number of streams, the number stepped at each call and the split over threads; the
/// spans and stream indices are checked before anything is written; nothing is allocated per call.
/// </summary>
public class StreamsTests
{
    /// <summary>A model with streams, as the tests drive it.</summary>
    private sealed record Subject(
        string Name,
        Func<IRnnModel> Create,
        Func<IRnnModel, int, IStreams> CreateStreams,
        bool Tokens = false);

    /// <summary>The members of a generated <c>Streams</c> class the tests use.</summary>
    private interface IStreams : IDisposable
    {
        int Capacity { get; }

        int MaxThreads { get; set; }

        int StreamsPerThread { get; }

        void Step(ReadOnlySpan<float> inputs, Span<float> outputs);

        void Reset(int stream);

        void Reset();
    }

    /// <summary>Wraps a generated Streams class (each model has its own nested type) behind <see cref="IStreams"/>.</summary>
    private sealed class Wrapped(
        int capacity, Func<int> getThreads, Action<int> setThreads, int perThread, StepAction step, Action<int> reset, Action resetAll, Action dispose) : IStreams
    {
        public int Capacity => capacity;

        public int MaxThreads { get => getThreads(); set => setThreads(value); }

        public int StreamsPerThread => perThread;

        public void Step(ReadOnlySpan<float> inputs, Span<float> outputs) => step(inputs, outputs);

        public void Reset(int stream) => reset(stream);

        public void Reset() => resetAll();

        public void Dispose() => dispose();
    }

    private delegate void StepAction(ReadOnlySpan<float> inputs, Span<float> outputs);

    private static IStreams Wrap(StreamsLstm.Streams s) => new Wrapped(s.Capacity, () => s.MaxThreads, v => s.MaxThreads = v, s.StreamsPerThread, s.Step, s.Reset, s.Reset, s.Dispose);

    private static IStreams Wrap(StreamsGru.Streams s) => new Wrapped(s.Capacity, () => s.MaxThreads, v => s.MaxThreads = v, s.StreamsPerThread, s.Step, s.Reset, s.Reset, s.Dispose);

    private static IStreams Wrap(StreamsStackedElman.Streams s) => new Wrapped(s.Capacity, () => s.MaxThreads, v => s.MaxThreads = v, s.StreamsPerThread, s.Step, s.Reset, s.Reset, s.Dispose);

    private static IStreams Wrap(StreamsLstmGru.Streams s) => new Wrapped(s.Capacity, () => s.MaxThreads, v => s.MaxThreads = v, s.StreamsPerThread, s.Step, s.Reset, s.Reset, s.Dispose);

    private static IStreams Wrap(StreamsLstmWide.Streams s) => new Wrapped(s.Capacity, () => s.MaxThreads, v => s.MaxThreads = v, s.StreamsPerThread, s.Step, s.Reset, s.Reset, s.Dispose);

    private static IStreams Wrap(StreamsTokens.Streams s) => new Wrapped(s.Capacity, () => s.MaxThreads, v => s.MaxThreads = v, s.StreamsPerThread, s.Step, s.Reset, s.Reset, s.Dispose);

    private static IStreams Wrap(StreamsCausalConvGru.Streams s) => new Wrapped(s.Capacity, () => s.MaxThreads, v => s.MaxThreads = v, s.StreamsPerThread, s.Step, s.Reset, s.Reset, s.Dispose);

    private static readonly Subject[] Subjects =
    {
        new("LSTM(13) + Dense(3)", () => new StreamsLstm(), (m, n) => Wrap(((StreamsLstm)m).CreateStreams(n))),
        new("GRU(37) + Dense(2, softmax)", () => new StreamsGru(), (m, n) => Wrap(((StreamsGru)m).CreateStreams(n))),
        new("Elman(20, tanh) + Elman(16, relu) + Dense(4, tanh)", () => new StreamsStackedElman(), (m, n) => Wrap(((StreamsStackedElman)m).CreateStreams(n))),
        new("LSTM(24) + noise + GRU(16)", () => new StreamsLstmGru(), (m, n) => Wrap(((StreamsLstmGru)m).CreateStreams(n))),
        new("LSTM(128), I = 64, + Dense(1)", () => new StreamsLstmWide(), (m, n) => Wrap(((StreamsLstmWide)m).CreateStreams(n))),
        new("Embedding(29, 6) + LSTM(9) + Dense(3, softmax)", () => new StreamsTokens(), (m, n) => Wrap(((StreamsTokens)m).CreateStreams(n)), Tokens: true),
        new("causal Conv1D(4, 3) + GRU(11) + Dense(1)", () => new StreamsCausalConvGru(), (m, n) => Wrap(((StreamsCausalConvGru)m).CreateStreams(n))),
    };

    public static TheoryData<int, int> SubjectsAndCounts()
    {
        var data = new TheoryData<int, int>();
        for (int i = 0; i < Subjects.Length; i++)
        {
            foreach (int n in new[] { 1, 3, 17, 64 })
            {
                data.Add(i, n);
            }
        }

        return data;
    }

    public static TheoryData<int> SubjectIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Subjects.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    /// <summary>The streams stepped at call t: all of them, then fewer (down to one), then all again.</summary>
    private static int Active(int capacity, int t) => Math.Max(1, capacity - (t % 4) * (capacity / 3 + 1));

    private static float[] Inputs(Subject subject, IRnnModel model, int streams, int calls, int seed)
    {
        var random = new SeededRandom(seed);
        var inputs = new float[calls * streams * model.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = subject.Tokens ? (int)(random.NextSingle() * 29) % 29 : 2 * random.NextSingle() - 1;
        }

        return inputs;
    }

    /// <summary>Runs <paramref name="calls"/> steps of the streams; returns every call's outputs, stream-major rows of what each call wrote.</summary>
    private static float[][] RunStreams(IStreams streams, IRnnModel model, float[] inputs, int calls)
    {
        int capacity = streams.Capacity, inputSize = model.InputSize, outputSize = model.OutputSize;
        var result = new float[calls][];
        for (int t = 0; t < calls; t++)
        {
            int n = Active(capacity, t);
            result[t] = Enumerable.Repeat(float.NaN, n * outputSize).ToArray(); // garbage: every element must be written
            streams.Step(inputs.AsSpan(t * capacity * inputSize, n * inputSize), result[t]);
        }

        return result;
    }

    /// <summary>The same steps, stream after stream, through a predictor's Step (the single-stream path) from a zero state.</summary>
    private static float[][] RunOneByOne(IRnnModel model, float[] inputs, int capacity, int calls)
    {
        int inputSize = model.InputSize, outputSize = model.OutputSize;
        IRnnPredictor predictor = model.CreatePredictor();
        var result = new float[calls][];
        for (int t = 0; t < calls; t++)
        {
            result[t] = new float[Active(capacity, t) * outputSize];
        }

        for (int s = 0; s < capacity; s++)
        {
            predictor.ResetState();
            for (int t = 0; t < calls; t++)
            {
                if (s < Active(capacity, t))
                {
                    predictor.Step(inputs.AsSpan((t * capacity + s) * inputSize, inputSize), result[t].AsSpan(s * outputSize, outputSize));
                }
            }
        }

        return result;
    }

    private static void AssertBitIdentical(float[][] expected, float[][] actual, string what)
    {
        for (int t = 0; t < expected.Length; t++)
        {
            for (int i = 0; i < expected[t].Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(expected[t][i]) != BitConverter.SingleToInt32Bits(actual[t][i]))
                {
                    Assert.Fail($"{what}: call {t}, element {i} of its outputs: Step gives {expected[t][i]:R}, the streams {actual[t][i]:R}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(SubjectsAndCounts))]
    public void Each_stream_computes_what_Step_computes_bit_for_bit(int subjectIndex, int capacity)
    {
        Subject subject = Subjects[subjectIndex];
        IRnnModel model = subject.Create();
        model.Initialize(7);
        const int calls = 9;
        float[] inputs = Inputs(subject, model, capacity, calls, seed: capacity);
        float[][] expected = RunOneByOne(model, inputs, capacity, calls);
        using IStreams streams = subject.CreateStreams(model, capacity);
        streams.MaxThreads = 1;
        AssertBitIdentical(expected, RunStreams(streams, model, inputs, calls), $"{subject.Name}, {capacity} streams, one thread");
        Assert.Contains(expected, row => row.Any(v => v != 0)); // the outputs say something
    }

    [Fact]
    public void Splitting_the_streams_over_threads_changes_no_bit()
    {
        Subject subject = Subjects.Single(s => s.Name.StartsWith("LSTM(128)", StringComparison.Ordinal));
        IRnnModel model = subject.Create();
        model.Initialize(3);
        const int capacity = 64, calls = 6;
        float[] inputs = Inputs(subject, model, capacity, calls, seed: 11);
        float[][] expected = RunOneByOne(model, inputs, capacity, calls);
        using IStreams streams = subject.CreateStreams(model, capacity);
        Assert.InRange(streams.StreamsPerThread, 2, capacity / 2); // a step of 64 streams is split into 2 or more ranges
        Assert.Equal(1, streams.MaxThreads); // splitting is opt-in
        foreach (int threads in new[] { 1, 2, 3, 4 })
        {
            streams.Reset();
            streams.MaxThreads = threads;
            AssertBitIdentical(expected, RunStreams(streams, model, inputs, calls), $"{subject.Name}, {capacity} streams on up to {threads} threads");
        }
    }

    [Theory]
    [MemberData(nameof(SubjectIndices))]
    public void Reset_of_one_stream_starts_it_over_and_leaves_the_others(int subjectIndex)
    {
        Subject subject = Subjects[subjectIndex];
        IRnnModel model = subject.Create();
        model.Initialize(2);
        const int capacity = 5;
        float[] inputs = Inputs(subject, model, capacity, 2, seed: 4);
        using IStreams streams = subject.CreateStreams(model, capacity);
        var first = new float[capacity * model.OutputSize];
        var second = new float[capacity * model.OutputSize];
        var afterReset = new float[capacity * model.OutputSize];
        streams.Step(inputs.AsSpan(0, capacity * model.InputSize), first);
        streams.Step(inputs.AsSpan(capacity * model.InputSize, capacity * model.InputSize), second);
        streams.Reset();
        streams.Step(inputs.AsSpan(0, capacity * model.InputSize), first); // every stream one step in again
        streams.Reset(2);
        streams.Step(inputs.AsSpan(capacity * model.InputSize, capacity * model.InputSize), afterReset);

        // Stream 2 took its second input from a zero state; the others continued, as in the first run.
        IRnnPredictor predictor = model.CreatePredictor();
        var fromZero = new float[model.OutputSize];
        predictor.Step(inputs.AsSpan((capacity + 2) * model.InputSize, model.InputSize), fromZero);
        int o = model.OutputSize;
        for (int s = 0; s < capacity; s++)
        {
            Assert.Equal(s == 2 ? fromZero : second.AsSpan(s * o, o).ToArray(), afterReset.AsSpan(s * o, o).ToArray());
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => streams.Reset(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => streams.Reset(capacity));
    }

    [Fact]
    public void Streams_follow_parameter_changes_as_Step_does()
    {
        var model = new StreamsLstm();
        model.Initialize(1);
        using StreamsLstm.Streams streams = model.CreateStreams(2);
        float[] x = { 0.5f, -0.25f, 1f, 0.125f, -1f, 0.5f, -0.25f, 1f, 0.125f, -1f };
        var before = new float[6];
        streams.Step(x, before);
        model.Initialize(2); // new parameters: the next step repacks
        streams.Reset();
        var after = new float[6];
        streams.Step(x, after);
        var expected = new float[3];
        StreamsLstm.Predictor predictor = model.CreatePredictor();
        predictor.Step(x.AsSpan(0, 5), expected);
        Assert.Equal(expected, after.AsSpan(0, 3).ToArray());
        Assert.NotEqual(before.AsSpan(0, 3).ToArray(), expected);
    }

    [Fact]
    public void Wrong_spans_and_capacities_throw_before_anything_is_written()
    {
        var model = new StreamsLstm(); // I = 5, O = 3
        using StreamsLstm.Streams streams = model.CreateStreams(4);
        var outputs = new float[12];
        Array.Fill(outputs, 42f);
        var good = new float[8 * 5];
        streams.Step(good.AsSpan(0, 10), outputs.AsSpan(0, 6));
        float[] written = outputs.ToArray();

        ArgumentException e = Assert.Throws<ArgumentException>(() => streams.Step(new float[11], new float[6]));
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("multiple of 5", e.Message, StringComparison.Ordinal);
        Assert.Contains("1 to 4", e.Message, StringComparison.Ordinal);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => streams.Step(ReadOnlySpan<float>.Empty, Span<float>.Empty)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => streams.Step(new float[25], new float[15])).ParamName); // 5 streams > capacity 4
        e = Assert.Throws<ArgumentException>(() => streams.Step(new float[10], outputs.AsSpan(0, 5)));
        Assert.Equal("outputs", e.ParamName);
        Assert.Contains("must have 6 elements", e.Message, StringComparison.Ordinal);
        Assert.Equal(written, outputs);

        // The states did not move: the next step equals a step from the same state on another Streams.
        using StreamsLstm.Streams twin = model.CreateStreams(4);
        var expected = new float[6];
        twin.Step(good.AsSpan(0, 10), expected);
        twin.Step(good.AsSpan(10, 10), expected);
        var actual = new float[6];
        streams.Step(good.AsSpan(10, 10), actual);
        Assert.Equal(expected, actual);

        Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateStreams(0)).ParamName);
        Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateStreams(int.MaxValue)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => streams.MaxThreads = 0);
    }

    [Fact]
    public void Token_streams_refuse_an_id_outside_the_vocabulary()
    {
        var model = new StreamsTokens();
        using StreamsTokens.Streams streams = model.CreateStreams(3);
        var outputs = new float[9];
        streams.Step(new float[] { 1, 28, 0 }, outputs);
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => streams.Step(new float[] { 1, 29, 0 }, outputs));
        Assert.Contains("29", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => streams.Step(new float[] { 1.5f }, outputs.AsSpan(0, 3)));
    }

    [Fact]
    public void A_step_allocates_nothing_on_one_thread_or_split()
    {
        var model = new StreamsLstmWide();
        using StreamsLstmWide.Streams streams = model.CreateStreams(64);
        streams.MaxThreads = 2;
        var inputs = new float[64 * 64];
        var outputs = new float[64];
        for (int i = 0; i < 20; i++)
        {
            streams.Step(inputs, outputs); // warm up: the JIT, and the workers start
            streams.Step(inputs.AsSpan(0, 64), outputs.AsSpan(0, 1));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            streams.Step(inputs, outputs);
            streams.Step(inputs.AsSpan(0, 64), outputs.AsSpan(0, 1));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
