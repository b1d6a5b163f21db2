using System;

namespace Rnn.Gen.Decoding;

/// <summary>
/// The bookkeeping of beam-search decoding for a generated decoder (its <c>BeamSearch</c> member runs the decoder's
/// steps, this class chooses the beams): each live beam's recurrent state and tokens, the candidates of a step, the
/// finished hypotheses and the best one. Deterministic, and allocation-free once a width is reserved.
/// </summary>
/// <remarks>
/// <para>A step: every live beam runs the decoder one step from its own state and <see cref="Expand"/> offers its
/// candidates, <c>score + log p(token)</c> (scores are sums of log-probabilities, in double). <see cref="Advance"/>
/// ranks the candidates (higher score first; ties: the lower beam, then the lower token, so width 1 chooses what
/// <see cref="TokenSampler.MostProbable"/> chooses, bit for bit) and walks the first 2 × width: a candidate that ends in
/// the end token finishes a hypothesis when it ranks among the first width, any other continues as a beam until width
/// beams live (fairseq's rule; at most one end candidate per beam, so width continuing candidates are always there).
/// Decoding stops when width hypotheses have finished, no beam lives, or the last step is done; the beams alive then
/// finish at full length.</para>
/// <para>Each beam has a block of its own (<see cref="Blocks"/>, <see cref="BlockLength"/> floats apart): its recurrent
/// state first, then a record of <c>recordLength</c> floats that goes with the beam from step to step as its state and
/// tokens do (the generated decoder keeps there the attention weights of the beam's steps), then temporaries of the
/// step. A continuing candidate's beam gets a copy of its parent's state and record; a finished hypothesis keeps its
/// record, and <see cref="BestRecord"/> is the returned one's. The decoder may step every live beam at once through
/// the blocks (each weight read once for all of them, <see cref="ProbabilityRows"/> for the outputs) or one beam after
/// another: the candidates and the result are the same.</para>
/// <para>Hypotheses are compared by <c>log P(Y) / lp(Y)</c> with GNMT's length penalty
/// <c>lp(Y) = ((5 + |Y|) / 6)^α</c> (Wu et al. 2016), <c>|Y|</c> counting the end token and α the
/// <c>lengthPenalty</c>; α = 0 compares log-probabilities, larger α favours longer hypotheses. Ties: the first to
/// finish.</para>
/// </remarks>
public sealed class BeamSearch
{
    private readonly int _stateLength;
    private readonly int _blockLength, _recordOffset, _recordLength, _carriedLength; // a beam's block: state, record at _recordOffset, temporaries; the first _carriedLength floats go to its children
    private readonly int _steps;
    private readonly int _vocabulary;
    private float[] _states = Array.Empty<float>(), _nextStates = Array.Empty<float>(); // [capacity, blockLength]: each live beam's block
    private float[] _probabilityRows = Array.Empty<float>(); // [capacity, vocabulary]
    private float[] _finishedRecords = Array.Empty<float>(); // [capacity, recordLength]
    private int[] _tokens = Array.Empty<int>(), _nextTokens = Array.Empty<int>(); // [capacity, steps]: each live beam's tokens so far
    private double[] _scores = Array.Empty<double>(), _nextScores = Array.Empty<double>(); // [capacity]: each live beam's log-probability
    private double[] _candidateScores = Array.Empty<double>(); // [2 · capacity], best first
    private int[] _candidateBeams = Array.Empty<int>(), _candidateTokens = Array.Empty<int>();
    private int[] _finishedTokens = Array.Empty<int>(); // [capacity, steps]
    private int[] _finishedLengths = Array.Empty<int>();
    private double[] _finishedScores = Array.Empty<double>(), _finishedRanks = Array.Empty<double>(); // log-probability, and it over the length penalty
    private readonly float[] _probabilities;
    private int _width, _active, _finished, _step, _candidates, _endToken, _best;
    private double _lengthPenalty;

    /// <summary>A search over a decoder whose state is <paramref name="stateLength"/> floats, for up to <paramref name="steps"/> steps over <paramref name="vocabulary"/> tokens.</summary>
    public BeamSearch(int stateLength, int steps, int vocabulary)
        : this(stateLength, steps, vocabulary, stateLength, stateLength, 0)
    {
    }

    /// <summary>
    /// A search whose beams each have a block of <paramref name="blockLength"/> floats: the decoder's state
    /// (<paramref name="stateLength"/> floats) first, a record of <paramref name="recordLength"/> floats at
    /// <paramref name="recordOffset"/> (at or after the state) that each beam carries and each finished hypothesis keeps,
    /// the rest the step's temporaries.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A length is negative, the steps or vocabulary not positive, or the record does not lie between the state and the block's end.</exception>
    public BeamSearch(int stateLength, int steps, int vocabulary, int blockLength, int recordOffset, int recordLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stateLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabulary);
        ArgumentOutOfRangeException.ThrowIfNegative(recordLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(recordOffset, stateLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockLength, recordOffset + recordLength);
        (_stateLength, _steps, _vocabulary) = (stateLength, steps, vocabulary);
        (_blockLength, _recordOffset, _recordLength) = (blockLength, recordOffset, recordLength);
        _carriedLength = recordLength == 0 ? stateLength : recordOffset + recordLength;
        _probabilities = new float[vocabulary];
    }

    /// <summary>The widest search the buffers hold without allocating.</summary>
    public int Capacity { get; private set; }

    /// <summary>Where the decoder writes one step's probabilities before <see cref="Expand"/>, <c>[vocabulary]</c>.</summary>
    public Span<float> Probabilities => _probabilities;

    /// <summary>Floats from one beam's block to the next in <see cref="Blocks"/>.</summary>
    public int BlockLength => _blockLength;

    /// <summary>
    /// The blocks of the live beams, <c>[<see cref="Active"/>, <see cref="BlockLength"/>]</c>: beam b's state at
    /// <c>b · BlockLength</c>, its record after it. The decoder steps the states in place; the span moves at every
    /// <see cref="Advance"/>, so take it again at each step.
    /// </summary>
    public Span<float> Blocks => _states.AsSpan(0, _active * _blockLength);

    /// <summary>Where the decoder may write every live beam's probabilities before <see cref="Expand"/>, <c>[<see cref="Active"/>, vocabulary]</c>.</summary>
    public Span<float> ProbabilityRows => _probabilityRows.AsSpan(0, _active * _vocabulary);

    /// <summary>The record of the hypothesis the last <see cref="Result"/> returned, <c>[recordLength]</c>: as its beam left it at the step it finished.</summary>
    public ReadOnlySpan<float> BestRecord => _finishedRecords.AsSpan(_best * _recordLength, _recordLength);

    /// <summary>The live beams at this step.</summary>
    public int Active => _active;

    /// <summary>The step the live beams decode next (0 at the start).</summary>
    public int Step => _step;

    /// <summary>The log-probability of the best hypothesis of the last search (after <see cref="Result"/>).</summary>
    public double BestScore { get; private set; }

    /// <summary>Allocates the buffers of a search <paramref name="width"/> beams wide, once; narrower searches reuse them.</summary>
    public void Reserve(int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (width <= Capacity)
        {
            return;
        }

        _states = new float[(long)width * _blockLength];
        _nextStates = new float[(long)width * _blockLength];
        _probabilityRows = new float[(long)width * _vocabulary];
        _finishedRecords = new float[(long)width * _recordLength];
        _tokens = new int[width * _steps];
        _nextTokens = new int[width * _steps];
        _scores = new double[width];
        _nextScores = new double[width];
        _candidateScores = new double[2 * width];
        _candidateBeams = new int[2 * width];
        _candidateTokens = new int[2 * width];
        _finishedTokens = new int[width * _steps];
        _finishedLengths = new int[width];
        _finishedScores = new double[width];
        _finishedRanks = new double[width];
        Capacity = width;
    }

    /// <summary>
    /// Starts a search <paramref name="width"/> beams wide from one beam in <paramref name="state"/> (the decoder's
    /// start state); <paramref name="endToken"/> -1 for a decoder without one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The width is not positive, or the length penalty is negative or not finite.</exception>
    /// <exception cref="ArgumentException">The state is not the decoder's state length.</exception>
    public void Start(int width, float lengthPenalty, int endToken, ReadOnlySpan<float> state)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (!(lengthPenalty >= 0f) || float.IsInfinity(lengthPenalty))
        {
            throw new ArgumentOutOfRangeException(nameof(lengthPenalty), lengthPenalty, "The length penalty (GNMT's α) must be finite and not negative; 0 compares log-probabilities.");
        }

        if (state.Length != _stateLength)
        {
            throw new ArgumentException($"Expected a decoder state of {_stateLength} floats, got {state.Length}.", nameof(state));
        }

        Reserve(width);
        (_width, _lengthPenalty, _endToken) = (width, lengthPenalty, endToken);
        state.CopyTo(_states);
        _states.AsSpan(_stateLength, _carriedLength - _stateLength).Clear(); // the first beam's record
        _scores[0] = 0;
        (_active, _finished, _step, _candidates) = (1, 0, 0, 0);
    }

    /// <summary>The recurrent state of live beam <paramref name="beam"/>: the decoder steps it in place.</summary>
    public Span<float> State(int beam) => _states.AsSpan(CheckBeam(beam) * _blockLength, _stateLength);

    /// <summary>The record of live beam <paramref name="beam"/>, <c>[recordLength]</c>: the decoder writes it in place.</summary>
    public Span<float> Record(int beam) => _states.AsSpan((CheckBeam(beam) * _blockLength) + _recordOffset, _recordLength);

    /// <summary>The token live beam <paramref name="beam"/> chose at the previous step (its next input); -1 at step 0.</summary>
    public int LastToken(int beam) => _step == 0 ? -1 : _tokens[(CheckBeam(beam) * _steps) + _step - 1];

    /// <summary>Offers the candidates of live beam <paramref name="beam"/> from the probabilities of its step (<see cref="Probabilities"/> when empty).</summary>
    public void Expand(int beam, ReadOnlySpan<float> probabilities)
    {
        CheckBeam(beam);
        if (probabilities.IsEmpty)
        {
            probabilities = _probabilities;
        }

        if (probabilities.Length != _vocabulary)
        {
            throw new ArgumentException($"Expected {_vocabulary} probabilities, got {probabilities.Length}.", nameof(probabilities));
        }

        double score = _scores[beam];
        int keep = _endToken < 0 ? _width : 2 * _width;
        double floor = Floor(score, keep);
        for (int token = 0; token < probabilities.Length; token++)
        {
            if (probabilities[token] <= floor)
            {
                continue; // below the worst kept candidate whatever the rounding: no logarithm to take
            }

            double candidate = score + Math.Log(probabilities[token]);
            if (_candidates == keep && !(candidate > _candidateScores[keep - 1]))
            {
                continue;
            }

            // Insert after every candidate at least as good: earlier beams and tokens stay first on ties.
            int position = _candidates < keep ? _candidates++ : keep - 1;
            while (position > 0 && candidate > _candidateScores[position - 1])
            {
                _candidateScores[position] = _candidateScores[position - 1];
                _candidateBeams[position] = _candidateBeams[position - 1];
                _candidateTokens[position] = _candidateTokens[position - 1];
                position--;
            }

            _candidateScores[position] = candidate;
            _candidateBeams[position] = beam;
            _candidateTokens[position] = token;
            if (_candidates == keep)
            {
                floor = Floor(score, keep);
            }
        }
    }

    /// <summary>
    /// A probability at or below which a token of a beam scored <paramref name="score"/> cannot enter the full
    /// candidate list (-1 while it is not full): exp(worst kept − score), lowered by a relative 1e-9, far more than the
    /// rounding of <c>score + log p</c> in double (NaN when the worst is, which skips nothing), so that a token skipped for
    /// it is one the exact comparison rejects.
    /// Skipping these leaves the candidates as they were; it spares the logarithm of most of a large vocabulary.
    /// </summary>
    private double Floor(double score, int keep) =>
        _candidates < keep ? -1.0 : Math.Min(Math.Exp(_candidateScores[keep - 1] - score) * (1.0 - 1e-9), double.MaxValue); // finite: an infinite probability is compared exactly

    /// <summary>Chooses the next beams from the offered candidates; false when the search is over (call <see cref="Result"/>).</summary>
    public bool Advance()
    {
        int next = 0;
        for (int rank = 0; rank < _candidates && next < _width; rank++)
        {
            int beam = _candidateBeams[rank], token = _candidateTokens[rank];
            double score = _candidateScores[rank];
            if (token == _endToken)
            {
                if (rank < _width && _finished < _width)
                {
                    Finish(_tokens.AsSpan(beam * _steps, _step), token, score, beam, _states);
                }

                continue;
            }

            _states.AsSpan(beam * _blockLength, _carriedLength).CopyTo(_nextStates.AsSpan(next * _blockLength, _carriedLength));
            _tokens.AsSpan(beam * _steps, _step).CopyTo(_nextTokens.AsSpan(next * _steps));
            _nextTokens[(next * _steps) + _step] = token;
            _nextScores[next] = score;
            next++;
        }

        (_states, _nextStates) = (_nextStates, _states);
        (_tokens, _nextTokens) = (_nextTokens, _tokens);
        (_scores, _nextScores) = (_nextScores, _scores);
        _active = next;
        _candidates = 0;
        _step++;
        if (_step == _steps)
        {
            // The last step: the beams alive finish at full length, best first (they are ranked).
            for (int beam = 0; beam < _active && _finished < _width; beam++)
            {
                Finish(_tokens.AsSpan(beam * _steps, _steps - 1), _tokens[(beam * _steps) + _steps - 1], _scores[beam], beam, _states);
            }

            _active = 0;
        }

        if (_finished == _width)
        {
            _active = 0; // enough hypotheses finished: the beams still alive are dropped
        }

        return _active > 0;
    }

    /// <summary>
    /// Writes the best hypothesis's tokens to <paramref name="tokens"/> (-1 after its end) and returns its length
    /// (through the end token, when it has one).
    /// </summary>
    public int Result(Span<int> tokens)
    {
        if (tokens.Length != _steps)
        {
            throw new ArgumentException($"Expected {_steps} tokens, got {tokens.Length}.", nameof(tokens));
        }

        if (_active > 0 || _finished == 0)
        {
            throw new InvalidOperationException("The search is not over: call Advance until it returns false.");
        }

        int best = 0;
        for (int i = 1; i < _finished; i++)
        {
            if (_finishedRanks[i] > _finishedRanks[best])
            {
                best = i;
            }
        }

        int length = _finishedLengths[best];
        _finishedTokens.AsSpan(best * _steps, length).CopyTo(tokens);
        tokens.Slice(length).Fill(-1);
        BestScore = _finishedScores[best];
        _best = best;
        return length;
    }

    /// <summary>GNMT's length penalty, <c>((5 + length) / 6)^α</c>.</summary>
    public static double LengthPenalty(int length, double alpha) => alpha == 0 ? 1.0 : Math.Pow((5.0 + length) / 6.0, alpha);

    private void Finish(ReadOnlySpan<int> prefix, int last, double score, int beam, float[] blocks)
    {
        blocks.AsSpan((beam * _blockLength) + _recordOffset, _recordLength).CopyTo(_finishedRecords.AsSpan(_finished * _recordLength, _recordLength));
        Span<int> row = _finishedTokens.AsSpan(_finished * _steps, _steps);
        prefix.CopyTo(row);
        row[prefix.Length] = last;
        int length = prefix.Length + 1;
        _finishedLengths[_finished] = length;
        _finishedScores[_finished] = score;
        _finishedRanks[_finished] = score / LengthPenalty(length, _lengthPenalty);
        _finished++;
    }

    private int CheckBeam(int beam)
    {
        if ((uint)beam >= (uint)_active)
        {
            throw new ArgumentOutOfRangeException(nameof(beam), beam, $"Expected a live beam, 0 to {_active - 1}.");
        }

        return beam;
    }
}
