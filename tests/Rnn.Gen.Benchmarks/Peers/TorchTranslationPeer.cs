using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rnn.Gen.Benchmarks.Peers;

/// <summary>
/// The translation model in libtorch, float32, as a PyTorch user writes it: <c>nn.Embedding</c> → bidirectional
/// <c>nn.LSTM</c> (batch_first) encoder; the decoder <c>nn.LSTM</c> starts from the two directions' final (h, c)
/// concatenated; Luong's general attention (<c>linear_in</c>, <c>bmm</c>, <c>softmax</c>, <c>linear_out</c> on
/// [context; query], <c>tanh</c>); <c>nn.Linear</c> head. Weights are copied from a generated model by their state_dict
/// names. Training: teacher forcing on a batch, per-sample mean cross-entropy over the steps through each target's end
/// token, <c>torch.optim.Adam</c>. Decoding: beam search written step by step (fairseq's rule, GNMT's length penalty),
/// the same bookkeeping as src/Rnn.Gen/Decoding/BeamSearch.
/// </summary>
public sealed class TorchTranslationPeer : IDisposable
{
    private readonly int _sourceSteps, _targetSteps, _vocabulary, _startToken, _endToken;
    private readonly Embedding _sourceEmbedding, _targetEmbedding;
    private readonly LSTM _encoder, _decoder;
    private readonly Linear _linearIn, _linearOut, _head;
    private readonly Parameter[] _parameters;
    private readonly optim.Optimizer _adam;
    private readonly Tensor _source;
    private readonly long[] _sourceIds;

    /// <param name="model">The generated model whose weights the peer copies (layers 0–5: Embedding, bidirectional LSTM, Embedding, LSTM, Attention, Dense).</param>
    public TorchTranslationPeer(IRnnModel model, int sourceVocabulary, int embedding, int encoderHidden, int decoderHidden,
        int startToken, int endToken)
    {
        (_sourceSteps, _targetSteps, _vocabulary) = (model.Steps, model.OutputSteps, model.OutputSize);
        (_startToken, _endToken) = (startToken, endToken);
        _sourceEmbedding = nn.Embedding(sourceVocabulary, embedding);
        _encoder = nn.LSTM(embedding, encoderHidden, numLayers: 1, bias: true, batchFirst: true, bidirectional: true);
        _targetEmbedding = nn.Embedding(_vocabulary, embedding);
        _decoder = nn.LSTM(embedding, decoderHidden, numLayers: 1, bias: true, batchFirst: true);
        _linearIn = nn.Linear(2 * encoderHidden, decoderHidden, hasBias: false);
        _linearOut = nn.Linear((2 * encoderHidden) + decoderHidden, decoderHidden, hasBias: false);
        _head = nn.Linear(decoderHidden, _vocabulary, hasBias: true);

        Dictionary<string, ParameterInfo> layout = model.ParameterLayout.ToDictionary(p => p.Name);
        using (torch.no_grad())
        {
            foreach ((string name, Parameter parameter) in Named())
            {
                ParameterInfo info = layout.TryGetValue(name, out ParameterInfo? found) ? found
                    : throw new InvalidOperationException($"The generated model has no parameter {name}.");
                if (info.Length != parameter.numel())
                {
                    throw new InvalidOperationException($"{name}: {parameter.numel()} elements in libtorch, {info.Length} in Rnn.Gen.");
                }

                using Tensor source = torch.tensor(model.Parameters.Slice(info.Offset, info.Length).ToArray(), parameter.shape);
                parameter.copy_(source);
            }
        }

        if (Named().Count() != layout.Count)
        {
            throw new InvalidOperationException($"The generated model has {layout.Count} parameter tensors, the peer {Named().Count()}.");
        }

        _parameters = Named().Select(p => p.Parameter).ToArray();
        _adam = torch.optim.Adam(_parameters, lr: 1e-3);
        _source = torch.zeros(new long[] { 1, _sourceSteps }, ScalarType.Int64);
        _sourceIds = new long[_sourceSteps];
    }

    /// <summary>The state_dict names of the generated model's layers 0–5.</summary>
    private IEnumerable<(string Name, Parameter Parameter)> Named() =>
        _sourceEmbedding.named_parameters().Select(p => ("0." + p.name, p.parameter))
            .Concat(_encoder.named_parameters().Select(p => ("1." + p.name, p.parameter)))
            .Concat(_targetEmbedding.named_parameters().Select(p => ("2." + p.name, p.parameter)))
            .Concat(_decoder.named_parameters().Select(p => ("3." + p.name, p.parameter)))
            .Concat(_linearIn.named_parameters().Select(p => ("4.linear_in." + p.name, p.parameter)))
            .Concat(_linearOut.named_parameters().Select(p => ("4.linear_out." + p.name, p.parameter)))
            .Concat(_head.named_parameters().Select(p => ("5." + p.name, p.parameter)));

    /// <summary>The encoder on ids [B, S]: the memory [B, S, 2H] and the decoder's start (h, c), each [1, B, 2H].</summary>
    private (Tensor Memory, Tensor H, Tensor C) Encode(Tensor source)
    {
        (Tensor memory, Tensor h, Tensor c) = _encoder.call(_sourceEmbedding.call(source));
        return (memory, Directions(h), Directions(c));

        // h_n [2, B, H]: forward at the last step, backward at the first, concatenated as [fwd; bwd].
        static Tensor Directions(Tensor state) => torch.cat(new[] { state[0], state[1] }, -1).unsqueeze(0);
    }

    /// <summary>Luong's general attention: queries [B, T, Hd] over the memory [B, S, He] (keys = linear_in(memory)): h~ [B, T, Hd].</summary>
    private Tensor Attend(Tensor query, Tensor memory, Tensor keys)
    {
        Tensor weights = torch.softmax(query.bmm(keys.transpose(1, 2)), -1);
        Tensor context = weights.bmm(memory);
        return torch.tanh(_linearOut.call(torch.cat(new[] { context, query }, -1)));
    }

    /// <summary>Teacher forcing: the log-probabilities [B, T, V] for source ids [B, S] and decoder input ids [B, T].</summary>
    public Tensor LogProbabilities(Tensor source, Tensor decoderInput)
    {
        (Tensor memory, Tensor h, Tensor c) = Encode(source);
        Tensor query = _decoder.call(_targetEmbedding.call(decoderInput), (h, c)).Item1;
        return _head.call(Attend(query, memory, _linearIn.call(memory))).log_softmax(-1);
    }

    /// <summary>
    /// One training step: zero_grad, the teacher-forced forward, the mean over the batch of each sample's mean
    /// cross-entropy over its steps through the end token (<paramref name="mask"/> [B, T], 1 there), backward,
    /// Adam. Returns the loss before the update.
    /// </summary>
    public float Step(Tensor source, Tensor decoderInput, Tensor targets, Tensor mask)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        _adam.zero_grad();
        Tensor logp = LogProbabilities(source, decoderInput);
        Tensor nll = -logp.gather(2, targets.unsqueeze(2)).squeeze(2);
        Tensor loss = ((nll * mask).sum(1) / mask.sum(1)).mean();
        loss.backward();
        _adam.step();
        return loss.item<float>();
    }

    /// <summary>
    /// Beam search over one source sentence: the encoder once, then per step every live beam's decoder step as one
    /// batch, candidates score + log p (float64), the best 2·width; an end candidate among the first width finishes a
    /// hypothesis, others continue until width beams live. Hypotheses rank by log P / ((5 + |Y|) / 6)^α. Writes the
    /// best one's tokens (-1 after it) and returns its length.
    /// </summary>
    public int BeamSearch(ReadOnlySpan<int> source, Span<int> tokens, int width, double lengthPenalty)
    {
        using var noGrad = torch.no_grad();
        using DisposeScope scope = torch.NewDisposeScope();
        for (int s = 0; s < _sourceSteps; s++)
        {
            _sourceIds[s] = source[s];
        }

        using (var ids = _source.data<long>())
        {
            ids.CopyFrom(_sourceIds, 0, 0);
        }

        (Tensor memory, Tensor h, Tensor c) = Encode(_source);
        Tensor keys = _linearIn.call(memory);
        var beams = new List<int[]> { Array.Empty<int>() };
        var scores = new List<double> { 0 };
        var finished = new List<(int[] Tokens, double Score, double Rank)>();
        for (int step = 0; step < _targetSteps && beams.Count > 0 && finished.Count < width; step++)
        {
            int live = beams.Count;
            long[] last = beams.Select(b => (long)(step == 0 ? _startToken : b[^1])).ToArray();
            Tensor input = _targetEmbedding.call(torch.tensor(last, new long[] { live, 1 }));
            (Tensor output, h, c) = _decoder.call(input, (h, c));
            Tensor attended = Attend(output, memory.expand(live, -1, -1), keys.expand(live, -1, -1));
            Tensor logp = _head.call(attended.squeeze(1)).log_softmax(-1).to(ScalarType.Float64);
            Tensor candidates = (torch.tensor(scores.ToArray()).unsqueeze(1) + logp).reshape(-1);
            (Tensor best, Tensor index) = candidates.topk(Math.Min(2 * width, (int)candidates.numel()));
            double[] bestScores = best.data<double>().ToArray();
            long[] bestIndices = index.data<long>().ToArray();

            var nextBeams = new List<int[]>();
            var nextScores = new List<double>();
            var parents = new List<long>();
            for (int rank = 0; rank < bestIndices.Length && nextBeams.Count < width; rank++)
            {
                int beam = (int)(bestIndices[rank] / _vocabulary), token = (int)(bestIndices[rank] % _vocabulary);
                int[] hypothesis = beams[beam].Append(token).ToArray();
                if (token == _endToken)
                {
                    if (rank < width && finished.Count < width)
                    {
                        finished.Add((hypothesis, bestScores[rank], Rank(bestScores[rank], hypothesis.Length, lengthPenalty)));
                    }

                    continue;
                }

                nextBeams.Add(hypothesis);
                nextScores.Add(bestScores[rank]);
                parents.Add(beam);
            }

            Tensor parent = torch.tensor(parents.ToArray());
            (h, c) = (h.index_select(1, parent), c.index_select(1, parent));
            (beams, scores) = (nextBeams, nextScores);
            if (step == _targetSteps - 1)
            {
                for (int beam = 0; beam < beams.Count && finished.Count < width; beam++)
                {
                    finished.Add((beams[beam], scores[beam], Rank(scores[beam], beams[beam].Length, lengthPenalty)));
                }
            }
        }

        (int[] Tokens, double Score, double Rank) result = finished[0];
        foreach (var hypothesis in finished.Skip(1))
        {
            result = hypothesis.Rank > result.Rank ? hypothesis : result;
        }

        tokens.Fill(-1);
        result.Tokens.CopyTo(tokens);
        return result.Tokens.Length;

        static double Rank(double score, int length, double alpha) => score / (alpha == 0 ? 1.0 : Math.Pow((5.0 + length) / 6.0, alpha));
    }

    public void Dispose()
    {
        _adam.Dispose();
        _source.Dispose();
        foreach (nn.Module module in new nn.Module[] { _sourceEmbedding, _encoder, _targetEmbedding, _decoder, _linearIn, _linearOut, _head })
        {
            module.Dispose();
        }
    }
}
