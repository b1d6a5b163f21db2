using System;
using System.IO;
using System.Linq;
using System.Threading;
using Rnn.Gen.Initialization;
using Rnn.Gen.Tests.Models;
using Xunit;

namespace Rnn.Gen.Tests.Generated;

/// <summary>
/// Concurrent inference: predictors (<c>CreatePredictor()</c>) on several threads give exactly the single-threaded
/// outputs, and a call that overlaps another on the same instance throws an <see cref="InvalidOperationException"/>
/// naming the safe alternative, instead of computing with buffers the other call is writing.
/// </summary>
public class ConcurrencyTests
{
    private const int Threads = 4;

    /// <summary>Distinct inputs per thread: sample k of thread t is drawn from seed 1000 t + k.</summary>
    private static float[][][] Inputs(int length, int perThread) =>
        Enumerable.Range(0, Threads).Select(t => Enumerable.Range(0, perThread).Select(k => Random(length, (1000 * t) + k)).ToArray()).ToArray();

    private static float[] Random(int length, int seed)
    {
        var random = new SeededRandom(seed);
        float[] values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() * 2f) - 1f;
        }

        return values;
    }

    /// <summary>Runs <paramref name="work"/> on <see cref="Threads"/> threads started together; returns each one's count and rethrows the first failure.</summary>
    private static int[] OnThreads(Func<int, int> work)
    {
        int[] results = new int[Threads];
        Exception?[] failures = new Exception?[Threads];
        using var start = new Barrier(Threads);
        Thread[] threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                results[t] = work(t);
            }
            catch (Exception e)
            {
                failures[t] = e;
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            throw new Xunit.Sdk.XunitException($"A worker thread failed: {failure}");
        }

        return results;
    }

    [Fact]
    public void Predictors_on_several_threads_give_every_output_of_the_single_threaded_reference()
    {
        var model = new Forecaster();
        model.Initialize(11);
        const int perThread = 16, rounds = 12, streamSteps = 200;
        float[][][] inputs = Inputs(Forecaster.Steps * Forecaster.InputSize, perThread);
        float[][][] series = Inputs(streamSteps * Forecaster.InputSize, 1);

        // The references, single-threaded, before any thread starts.
        float[][][] expected = inputs.Select(samples => samples.Select(input =>
        {
            float[] output = new float[Forecaster.OutputSteps * Forecaster.OutputSize];
            model.Predict(input, output);
            return output;
        }).ToArray()).ToArray();
        float[][] expectedStream = series.Select(s =>
        {
            model.ResetState();
            float[] outputs = new float[streamSteps];
            for (int i = 0; i < streamSteps; i++)
            {
                model.Step(s[0].AsSpan(i * Forecaster.InputSize, Forecaster.InputSize), outputs.AsSpan(i, 1));
            }

            return outputs;
        }).ToArray();

        int[] wrong = OnThreads(t =>
        {
            Forecaster.Predictor predictor = model.CreatePredictor();
            float[] output = new float[1], step = new float[1];
            int mismatches = 0;
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < perThread; k++)
                {
                    predictor.Predict(inputs[t][k], output);
                    mismatches += output.SequenceEqual(expected[t][k]) ? 0 : 1;
                }

                predictor.ResetState();
                for (int i = 0; i < streamSteps; i++)
                {
                    predictor.Step(series[t][0].AsSpan(i * Forecaster.InputSize, Forecaster.InputSize), step);
                    mismatches += step[0] == expectedStream[t][i] ? 0 : 1;
                }
            }

            return mismatches;
        });

        Assert.Equal(new int[Threads], wrong);
    }

    [Fact]
    public void Predictors_beam_search_on_several_threads_as_the_model_does()
    {
        var model = new EndTokenTranslator();
        model.Initialize(3);
        const int perThread = 8, rounds = 6;
        var random = new SeededRandom(17);
        float[][][] inputs = Enumerable.Range(0, Threads).Select(_ => Enumerable.Range(0, perThread)
            .Select(_ => Enumerable.Range(0, EndTokenTranslator.Steps).Select(_ => (float)random.NextInt(9)).ToArray()).ToArray()).ToArray();
        (int Length, int[] Tokens)[][] expected = inputs.Select(samples => samples.Select(input =>
        {
            int[] tokens = new int[EndTokenTranslator.OutputSteps];
            return (model.BeamSearch(input, tokens, 4, 0.6f), tokens);
        }).ToArray()).ToArray();

        int[] wrong = OnThreads(t =>
        {
            EndTokenTranslator.Predictor predictor = model.CreatePredictor();
            predictor.ReserveBeam(4);
            int[] tokens = new int[EndTokenTranslator.OutputSteps];
            int mismatches = 0;
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < perThread; k++)
                {
                    int length = predictor.BeamSearch(inputs[t][k], tokens, 4, 0.6f);
                    mismatches += length == expected[t][k].Length && tokens.SequenceEqual(expected[t][k].Tokens) ? 0 : 1;
                }
            }

            return mismatches;
        });

        Assert.Equal(new int[Threads], wrong);
    }

    [Fact]
    public void Sharing_one_instance_across_threads_throws_but_never_returns_a_wrong_output()
    {
        var model = new GruToDense();
        model.Initialize(4);
        const int perThread = 32, rounds = 400;
        float[][][] inputs = Inputs(GruToDense.Steps * GruToDense.InputSize, perThread);
        float[][][] expected = inputs.Select(samples => samples.Select(input =>
        {
            float[] output = new float[GruToDense.OutputSteps * GruToDense.OutputSize];
            model.Predict(input, output);
            return output;
        }).ToArray()).ToArray();

        int refused = 0;
        int[] wrong = OnThreads(t =>
        {
            float[] output = new float[GruToDense.OutputSteps * GruToDense.OutputSize];
            int mismatches = 0;
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < perThread; k++)
                {
                    output.AsSpan().Fill(float.NaN);
                    try
                    {
                        model.Predict(inputs[t][k], output);
                    }
                    catch (InvalidOperationException e) when (e.Message.Contains("CreatePredictor()"))
                    {
                        Interlocked.Increment(ref refused);
                        mismatches += output.All(float.IsNaN) ? 0 : 1; // a refused call writes nothing
                        continue;
                    }

                    mismatches += output.SequenceEqual(expected[t][k]) ? 0 : 1;
                }
            }

            return mismatches;
        });

        // Every call either computed the reference output or was refused before writing; how many were refused
        // depends on timing (it is the calls that overlapped another).
        Assert.Equal(new int[Threads], wrong);
        Assert.InRange(refused, 0, Threads * perThread * rounds);
    }

    /// <summary>
    /// A stream that blocks its first read until released: a model loading weights from it holds the instance
    /// (it is inside <c>LoadWeights</c>) for as long as the test wants, on a thread of its own.
    /// </summary>
    private sealed class GateStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public readonly ManualResetEventSlim Inside = new();
        public readonly ManualResetEventSlim Release = new();

        private void Gate()
        {
            Inside.Set();
            Release.Wait();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Gate();
            return _inner.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            Gate();
            return _inner.Read(buffer);
        }

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _inner.Length;
        public override long Position { get => _inner.Position; set => _inner.Position = value; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>
    /// Runs <paramref name="calls"/> while another thread is inside <c>LoadWeights</c> on the model (blocked reading
    /// its stream); each call must throw the guard's exception without writing <paramref name="written"/>. Then lets
    /// the load finish and checks that the instance takes calls again.
    /// </summary>
    private static void WhileAnotherThreadHolds(IRnnModel model, Action<Stream> loadWeights, float[] written, params (string Name, Action Call)[] calls)
    {
        var saved = new MemoryStream();
        global::Rnn.Gen.Serialization.WeightFile.Save(model, saved);
        float[] parameters = model.Parameters.ToArray();
        using var gate = new GateStream(saved.ToArray());
        Exception? loadFailure = null;
        var loader = new Thread(() =>
        {
            try
            {
                loadWeights(gate);
            }
            catch (Exception e)
            {
                loadFailure = e;
            }
        });
        loader.Start();
        Assert.True(gate.Inside.Wait(TimeSpan.FromSeconds(30)), "the loading thread never reached its stream");
        try
        {
            foreach ((string name, Action call) in calls)
            {
                written.AsSpan().Fill(float.NaN);
                var e = Assert.Throws<InvalidOperationException>(call);
                Assert.Contains("CreatePredictor()", e.Message);
                Assert.Contains(model.GetType().Name, e.Message);
                Assert.True(written.All(float.IsNaN), $"{name} wrote its output although it was refused");
            }
        }
        finally
        {
            gate.Release.Set();
            loader.Join();
        }

        Assert.Null(loadFailure);
        Assert.Equal(parameters, model.Parameters.ToArray()); // the load (of the same weights) completed, and nothing else wrote them
        model.Predict(new float[model.Steps * model.InputSize], new float[model.OutputSteps * model.OutputSize]); // free again
    }

    [Fact]
    public void Every_entry_point_refuses_while_another_call_holds_the_instance()
    {
        var model = new Forecaster();
        float[] input = Random(Forecaster.Steps * Forecaster.InputSize, 1);
        float[] output = new float[Forecaster.OutputSteps * Forecaster.OutputSize];
        float[] inputGradient = new float[input.Length];
        float[] batchInputs = input.Concat(input).ToArray();
        float[] batchOutputs = new float[2 * output.Length];
        model.Forward(input, output);
        model.ForwardBatch(batchInputs, batchOutputs, default);
        WhileAnotherThreadHolds(model, s => model.LoadWeights(s), output,
            ("Predict", () => model.Predict(input, output)),
            ("Predict with a length", () => model.Predict(input, output, 10)),
            ("Step", () => model.Step(input.AsSpan(0, Forecaster.InputSize), output)),
            ("ResetState", model.ResetState),
            ("Forward", () => model.Forward(input, output)),
            ("Backward", () => model.Backward(new float[1])),
            ("Backward with an input gradient", () => model.Backward(new float[1], inputGradient)),
            ("ForwardBatch", () => model.ForwardBatch(batchInputs, batchOutputs, default)),
            ("BackwardBatch", () => model.BackwardBatch(new float[2], default)),
            ("ReserveBatch", () => model.ReserveBatch(4)),
            ("Initialize", () => model.Initialize(2)),
            ("ZeroGradients", model.ZeroGradients),
            ("LoadWeights", () => model.LoadWeights(new MemoryStream())));
    }

    [Fact]
    public void Token_and_decoding_entry_points_refuse_while_another_call_holds_the_instance()
    {
        var tagger = new TokenLstmTagger();
        int[] ids = Enumerable.Range(0, TokenLstmTagger.Steps).Select(i => i % TokenLstmTagger.VocabularySize).ToArray();
        float[] tags = new float[TokenLstmTagger.OutputSteps * TokenLstmTagger.OutputSize];
        float[] tagStep = new float[TokenLstmTagger.OutputSize];
        WhileAnotherThreadHolds(tagger, s => tagger.LoadWeights(s), tags,
            ("Predict(int)", () => tagger.Predict(ids, tags)),
            ("Forward(int)", () => tagger.Forward(ids, tags)),
            ("Step(int)", () => tagger.Step(3, tagStep)),
            ("ForwardBatch(int)", () => tagger.ForwardBatch(ids, tags)));

        var translator = new TokenTranslator();
        int[] source = Enumerable.Range(0, TokenTranslator.Steps).Select(i => i % TokenTranslator.VocabularySize).ToArray();
        float[] probabilities = new float[TokenTranslator.OutputSteps * TokenTranslator.OutputSize];
        float[] asFloats = source.Select(id => (float)id).ToArray();
        WhileAnotherThreadHolds(translator, s => translator.LoadWeights(s), probabilities,
            ("Predict(int)", () => translator.Predict(source, probabilities)),
            ("Generate", () => translator.Generate(asFloats, probabilities, new int[TokenTranslator.OutputSteps], 1f, 0, new SeededRandom(1))),
            ("BeamSearch", () => translator.BeamSearch(asFloats, new int[TokenTranslator.OutputSteps], 2)),
            ("ReserveBeam", () => translator.ReserveBeam(3)),
            ("ForwardTeacherForced", () => translator.ForwardTeacherForced(asFloats, new float[probabilities.Length], probabilities)));
    }

    [Fact]
    public void A_call_that_throws_while_holding_the_instance_releases_it()
    {
        var tagger = new TokenLstmTagger();
        float[] tags = new float[TokenLstmTagger.OutputSteps * TokenLstmTagger.OutputSize];
        Assert.Throws<ArgumentException>(() => tagger.ForwardBatch(new float[3 * TokenLstmTagger.Steps], new float[1], default)); // the batch's shapes are checked inside the guard
        tagger.Predict(new int[TokenLstmTagger.Steps], tags); // free again

        var translator = new TokenTranslator();
        float[] probabilities = new float[TokenTranslator.OutputSteps * TokenTranslator.OutputSize];
        Assert.Throws<InvalidOperationException>(() => translator.Backward(probabilities)); // no Forward yet: thrown inside the guard
        translator.Predict(new int[TokenTranslator.Steps], probabilities);
        Assert.Equal(TokenTranslator.OutputSteps, probabilities.Sum(), 3); // each step's softmax sums to 1
    }
}
