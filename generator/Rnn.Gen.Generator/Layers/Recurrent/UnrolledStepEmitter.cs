using System;
using System.Collections.Generic;
using System.Globalization;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Layers.Dense;
using Rnn.Gen.Generator.Layers.Gru;
using Rnn.Gen.Generator.Layers.Lstm;
using Rnn.Gen.Generator.Layers.SimpleRnn;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Recurrent;

/// <summary>
/// The unrolled streaming step of a small model: one unidirectional LSTM, GRU or Elman layer with
/// <c>H ≤ <see cref="MaxHidden"/></c> and <c>I ≤ <see cref="MaxInput"/></c>, alone or under one Dense head. Its
/// <c>Step</c> is one method with no loop, no call but the inlined activations, no span and no bounds check: every
/// gate's pre-activations are vectors held in registers for the whole step, each weight vector is loaded once at a
/// constant offset of the packed weights, the state is read at the start and written at the end.
/// </summary>
/// <remarks>
/// The outputs are the general path's, bit for bit: each unit's pre-activation is the same chain of fused multiply-adds
/// in the same order (the bias, then W_ih x over the inputs in order, then W_hh h_prev over the hidden units in order,
/// as <c>VectorKernels.AffinePacked</c> and <c>MultiplyAddPacked</c> sum it), the activations are
/// <c>CellKernels</c>' (<c>Rnn.Gen.Kernels.StepMath</c>: the vector functions for the units in whole vectors of 8,
/// the scalar ones past them, as the cell kernels split them), and the Dense head sums its rows as
/// <c>VectorKernels.MultiplyAdd</c> does. The general step stays as <c>StepGeneral</c>, for hardware without AVX2 and
/// FMA (the JIT drops the branch not taken).
/// </remarks>
internal sealed class UnrolledStepEmitter
{
    /// <summary>The largest hidden size unrolled: the gates of H = 16 fill 4 to 8 vector registers per side.</summary>
    public const int MaxHidden = 16;

    /// <summary>The largest input size unrolled.</summary>
    public const int MaxInput = 16;

    /// <summary>The general path's step, kept as a method of its own.</summary>
    public const string GeneralMethod = "StepGeneral";

    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string Intrinsics = "global::System.Runtime.Intrinsics";
    private const string StepMath = "global::Rnn.Gen.Kernels.StepMath";
    private const string FastActivations = "global::Rnn.Gen.Kernels.FastActivations";
    private const string MathF = "global::System.MathF";

    private readonly RecurrentPlan _layer;
    private readonly RecurrentDirection _direction;
    private readonly LayerEmitter _recurrent;
    private readonly LayerEmitter? _head;

    private UnrolledStepEmitter(RecurrentPlan layer, LayerEmitter recurrent, LayerEmitter? head)
    {
        _layer = layer;
        _direction = layer.Forward;
        _recurrent = recurrent;
        _head = head;
    }

    private int H => _layer.Hidden;

    private int I => _layer.InputSize;

    private int G => (int)_layer.GateSize;

    /// <summary>H is a whole 512-bit vector: a second unrolled step in 16 lanes, for hardware that accelerates them.</summary>
    private bool HasWideVariant => H == 16;

    /// <summary>
    /// The rule: the model's Step is unrolled when its layers are one unidirectional LSTM, GRU or Elman layer with
    /// H ≤ 16 and I ≤ 16 (its input is the model's), optionally followed by one Dense layer; null otherwise.
    /// </summary>
    public static UnrolledStepEmitter? For(ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        if (plan.StreamingUnsupported is not null || plan.TokenVocabulary is not null || plan.Spec.Decoder is not null
            || plan.Spec.Image is not null || plan.Spec.Int8Weights || layers.Count is < 1 or > 2)
        {
            return null;
        }

        if (layers[0].Layer is not RecurrentPlan recurrent || recurrent is not (LstmPlan or GruPlan or SimpleRnnPlan)
            || recurrent.Bidirectional || recurrent.InDecoder || recurrent.Hidden > MaxHidden || recurrent.InputSize > MaxInput)
        {
            return null;
        }

        if (layers.Count == 2 && layers[1].Layer is not DensePlan)
        {
            return null;
        }

        return new UnrolledStepEmitter(recurrent, layers[0], layers.Count == 2 ? layers[1] : null);
    }

    /// <summary>Step's body once the instance is held and the weights packed: the unrolled step where the hardware has AVX2 and FMA, else the general one.</summary>
    public void EmitDispatch(CodeWriter w)
    {
        string fma = $"{Intrinsics}.X86.Fma.IsSupported";
        if (HasWideVariant)
        {
            w.Line($"if ({Intrinsics}.Vector512.IsHardwareAccelerated && {fma}) StepUnrolledWide(inputStep, outputStep); // JIT-time constants: one call remains");
            w.Line($"else if ({Intrinsics}.Vector256.IsHardwareAccelerated && {fma}) StepUnrolled(inputStep, outputStep);");
        }
        else
        {
            w.Line($"if ({Intrinsics}.Vector256.IsHardwareAccelerated && {fma}) StepUnrolled(inputStep, outputStep); // a JIT-time constant: one call remains");
        }

        w.Line($"else {GeneralMethod}(inputStep, outputStep);");
    }

    /// <summary>The general step, and the unrolled one (two for H = 16: 8 and 16 lanes).</summary>
    public void EmitMethods(CodeWriter w, Action generalBody)
    {
        w.Line();
        w.Summary("Step's work on the general path (the kernels over spans), where the hardware lacks what the unrolled step needs; the unrolled step computes the same, bit for bit.");
        using (w.Block($"private void {GeneralMethod}({ReadOnlySpan} inputStep, {Span} outputStep)"))
        {
            generalBody();
        }

        EmitUnrolled(w, "StepUnrolled", wide: false);
        if (HasWideVariant)
        {
            EmitUnrolled(w, "StepUnrolledWide", wide: true);
        }
    }

    /// <summary>A run of hidden units held in one register: 16, 8 or 4 lanes, or one float.</summary>
    private readonly record struct Chunk(int Offset, int Lanes, bool Fast)
    {
        public string Type => Lanes switch
        {
            16 => $"{Intrinsics}.Vector512<float>",
            8 => $"{Intrinsics}.Vector256<float>",
            4 => $"{Intrinsics}.Vector128<float>",
            _ => "float",
        };

        private string Static => Lanes switch
        {
            16 => $"{Intrinsics}.Vector512",
            8 => $"{Intrinsics}.Vector256",
            _ => $"{Intrinsics}.Vector128",
        };

        public bool IsScalar => Lanes == 1;

        /// <summary>The broadcast variable's suffix: one per register type that a step uses.</summary>
        public string Suffix => Lanes switch
        {
            16 or 8 => string.Empty,
            4 => "q",
            _ => "s",
        };

        public string Load(string reference, string offset) => IsScalar ? $"{Unsafe}.Add(ref {reference}, {offset})" : $"{Static}.LoadUnsafe(ref {reference}, {offset})";

        public string Store(string value, string reference, string offset) => IsScalar ? $"{Unsafe}.Add(ref {reference}, {offset}) = {value};" : $"{Static}.StoreUnsafe({value}, ref {reference}, {offset});";

        public string Broadcast(string value) => IsScalar ? value : $"{Static}.Create({value})";

        public string MultiplyAdd(string a, string b, string addend) => IsScalar ? $"{MathF}.FusedMultiplyAdd({a}, {b}, {addend})" : $"{Static}.FusedMultiplyAdd({a}, {b}, {addend})";

        public string One => IsScalar ? "1f" : $"{Static}.Create(1f)";

        public string Relu(string value) => IsScalar ? $"{MathF}.Max({value}, 0f)" : $"{Static}.Max({value}, {Type}.Zero)";

        // CellKernels activates whole vectors of 8 (or 16) with its vector functions and the units past them with the
        // scalar ones: a 128-bit chunk only ever holds such units.
        // Activations = ActivationPrecision.Fast: FastCellKernels' functions, which compute the same bits at every width.
        public string Sigmoid(string value) => Fast ? $"{FastActivations}.Sigmoid({value})" : Lanes == 4 ? $"{StepMath}.SigmoidLanes({value})" : $"{StepMath}.Sigmoid({value})";

        public string Tanh(string value) => Fast ? $"{FastActivations}.Tanh({value})" : Lanes == 4 ? $"{StepMath}.TanhLanes({value})" : $"{StepMath}.Tanh({value})";
    }

    /// <summary>The hidden units in registers: whole vectors of 8 (or one of 16), then at most one of 4, then single floats.</summary>
    private List<Chunk> Chunks(bool wide)
    {
        var chunks = new List<Chunk>();
        int j = 0;
        if (wide)
        {
            for (; j + 16 <= H; j += 16)
            {
                chunks.Add(new Chunk(j, 16, _layer.Context.FastActivations));
            }
        }

        for (; j + 8 <= H; j += 8)
        {
            chunks.Add(new Chunk(j, 8, _layer.Context.FastActivations));
        }

        if (j + 4 <= H)
        {
            chunks.Add(new Chunk(j, 4, _layer.Context.FastActivations));
            j += 4;
        }

        for (; j < H; j++)
        {
            chunks.Add(new Chunk(j, 1, _layer.Context.FastActivations));
        }

        return chunks;
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string At(Region region, long delta) => region.Name.Length == 0 ? N(delta) : delta == 0 ? region.Name : $"{region.Name} + {N(delta)}";

    private void EmitUnrolled(CodeWriter w, string name, bool wide)
    {
        List<Chunk> chunks = Chunks(wide);
        string lanes = wide ? "16 lanes (AVX-512)" : "vectors of 8 lanes (AVX2)";
        w.Line();
        w.Summary($"Step unrolled for {_recurrent.Description}{(_head is null ? string.Empty : " and " + _head.Description)}, in {lanes}: the gates in registers, every weight vector loaded once at a constant offset, no loop, span or bounds check. The same arithmetic in the same order as {GeneralMethod}, so the same outputs, bit for bit.");
        using (w.Block($"private void {name}({ReadOnlySpan} inputStep, {Span} outputStep)"))
        {
            w.Line($"ref float x = ref {Marshal}.GetReference(inputStep); // [{N(I)}], its length checked by Step");
            w.Line($"ref float y = ref {Marshal}.GetReference(outputStep); // [{N(_head?.Layer is DensePlan head ? head.Units : H)}], its length checked by Step");
            w.Line($"ref float s = ref {Marshal}.GetArrayDataReference(_state);");
            w.Line("ref float w = ref _packed.Start;");
            if (_layer is GruPlan || _head is not null)
            {
                w.Line("ref float p = ref _parameters.Start;");
            }

            switch (_layer)
            {
                case LstmPlan:
                    EmitLstm(w, chunks, (LstmDirection)_direction);
                    break;
                case GruPlan:
                    EmitGru(w, chunks, (GruDirection)_direction);
                    break;
                default:
                    EmitElman(w, chunks, (SimpleRnnPlan)_layer, (SimpleRnnDirection)_direction);
                    break;
            }

            EmitHead(w);
        }
    }

    /// <summary>Declares accumulator <c>{gate}{c}</c> of every gate and chunk from <paramref name="bias"/> at <paramref name="biasRegion"/>, gates stacked H apart.</summary>
    private void EmitStart(CodeWriter w, List<Chunk> chunks, string[] gates, string bias, Region biasRegion)
    {
        for (int g = 0; g < gates.Length; g++)
        {
            for (int c = 0; c < chunks.Count; c++)
            {
                Chunk chunk = chunks[c];
                w.Line($"{chunk.Type} {gates[g]}{c} = {chunk.Load(bias, At(biasRegion, (g * H) + chunk.Offset))};");
            }
        }
    }

    /// <summary>
    /// Adds <c>Σ_k v[k] · wT[k, :]</c> into the accumulators, k in order: for each k one broadcast per register type and
    /// one fused multiply-add per gate and chunk (the chains of every gate advance together).
    /// </summary>
    private void EmitProduct(CodeWriter w, List<Chunk> chunks, string[] gates, string vector, string source, Region sourceRegion, int count, Region weights)
    {
        var types = new List<Chunk>();
        foreach (Chunk chunk in chunks)
        {
            if (!types.Exists(t => t.Lanes == chunk.Lanes))
            {
                types.Add(chunk);
            }
        }

        for (int k = 0; k < count; k++)
        {
            string element = $"{Unsafe}.Add(ref {source}, {At(sourceRegion, k)})";
            foreach (Chunk type in types)
            {
                w.Line($"{type.Type} {vector}{N(k)}{type.Suffix} = {type.Broadcast(element)};");
            }

            for (int g = 0; g < gates.Length; g++)
            {
                for (int c = 0; c < chunks.Count; c++)
                {
                    Chunk chunk = chunks[c];
                    string acc = gates[g] + c;
                    w.Line($"{acc} = {chunk.MultiplyAdd(chunk.Load("w", At(weights, ((long)k * G) + (g * H) + chunk.Offset)), vector + N(k) + chunk.Suffix, acc)};");
                }
            }
        }
    }

    private static Region Whole(string name, long length) => new(name, 0, length);

    private void EmitLstm(CodeWriter w, List<Chunk> chunks, LstmDirection d)
    {
        string[] gates = { "i", "f", "g", "o" };
        w.Line("// Pre-activations of the gates i, f, g, o: b_ih + b_hh, + W_ih x over the inputs in order, + W_hh h_prev over the hidden units in order.");
        EmitStart(w, chunks, gates, "w", d.PackedBias);
        EmitProduct(w, chunks, gates, "x", "x", Whole(string.Empty, I), I, d.PackedInputWeights);
        EmitProduct(w, chunks, gates, "h", "s", d.StateHidden, H, d.PackedHiddenWeights);
        w.Line("// The cell: i, f, o = sigmoid, g = tanh; c = f c_prev + i g; h = o tanh(c).");
        for (int c = 0; c < chunks.Count; c++)
        {
            Chunk chunk = chunks[c];
            w.Line($"{chunk.Type} c{c} = {chunk.MultiplyAdd(chunk.Sigmoid($"f{c}"), chunk.Load("s", At(d.StateCell, chunk.Offset)), $"{chunk.Sigmoid($"i{c}")} * {chunk.Tanh($"g{c}")}")};");
            w.Line($"{chunk.Type} hNew{c} = {chunk.Sigmoid($"o{c}")} * {chunk.Tanh($"c{c}")};");
        }

        for (int c = 0; c < chunks.Count; c++)
        {
            Chunk chunk = chunks[c];
            w.Line(chunk.Store($"c{c}", "s", At(d.StateCell, chunk.Offset)));
        }

        EmitStoreHidden(w, chunks);
    }

    private void EmitGru(CodeWriter w, List<Chunk> chunks, GruDirection d)
    {
        string[] inputSide = { "xr", "xz", "xn" };
        string[] hiddenSide = { "hr", "hz", "hn" };
        w.Line("// Both sides of the gates r, z, n: b_ih + W_ih x over the inputs in order, and b_hh + W_hh h_prev over the hidden units in order.");
        EmitStart(w, chunks, inputSide, "p", d.BiasIh.Region);
        EmitStart(w, chunks, hiddenSide, "p", d.BiasHh.Region);
        EmitProduct(w, chunks, inputSide, "x", "x", Whole(string.Empty, I), I, d.PackedInputWeights);
        EmitProduct(w, chunks, hiddenSide, "h", "s", d.StateHidden, H, d.PackedHiddenWeights);
        w.Line("// The cell: r, z = sigmoid of both sides; n = tanh(x_n + r hn); h = (1 - z) n + z h_prev.");
        for (int c = 0; c < chunks.Count; c++)
        {
            Chunk chunk = chunks[c];
            w.Line($"{chunk.Type} r{c} = {chunk.Sigmoid($"xr{c} + hr{c}")};");
            w.Line($"{chunk.Type} z{c} = {chunk.Sigmoid($"xz{c} + hz{c}")};");
            w.Line($"{chunk.Type} n{c} = {chunk.Tanh(chunk.MultiplyAdd($"r{c}", $"hn{c}", $"xn{c}"))};");
            w.Line($"{chunk.Type} hNew{c} = (({chunk.One} - z{c}) * n{c}) + (z{c} * {chunk.Load("s", At(d.StateHidden, chunk.Offset))});");
        }

        EmitStoreHidden(w, chunks);
    }

    /// <summary>The new h (<c>hNew{c}</c>) into the state, and into the output when h is the output.</summary>
    private void EmitStoreHidden(CodeWriter w, List<Chunk> chunks)
    {
        for (int c = 0; c < chunks.Count; c++)
        {
            Chunk chunk = chunks[c];
            w.Line(chunk.Store($"hNew{c}", "s", At(_direction.StateHidden, chunk.Offset)));
            if (_head is null)
            {
                w.Line(chunk.Store($"hNew{c}", "y", N(chunk.Offset)) + " // the output is h");
            }
        }
    }

    private void EmitElman(CodeWriter w, List<Chunk> chunks, SimpleRnnPlan layer, SimpleRnnDirection d)
    {
        string[] pre = { "a" };
        w.Line("// The pre-activation: b_ih + b_hh, + W_ih x over the inputs in order, + W_hh h_prev over the hidden units in order.");
        EmitStart(w, chunks, pre, "w", d.PackedBias);
        EmitProduct(w, chunks, pre, "x", "x", Whole(string.Empty, I), I, d.PackedInputWeights);
        EmitProduct(w, chunks, pre, "h", "s", d.StateHidden, H, d.PackedHiddenWeights);
        if (layer.Activation == ActivationKind.Relu)
        {
            w.Line("// h = relu(a), as VectorKernels.Relu (IEEE maximum with 0).");
            for (int c = 0; c < chunks.Count; c++)
            {
                Chunk chunk = chunks[c];
                w.Line($"{chunk.Type} hNew{c} = {chunk.Relu($"a{c}")};");
            }

            EmitStoreHidden(w, chunks);
            return;
        }

        // tanh is VectorKernels.Tanh's (TensorPrimitives): in the scratch row the general step applies it in, then copied.
        w.Line("// h = tanh(a), by the general step's own call on the same scratch row, then into the state.");
        w.Line("ref float scratch = ref _scratch.Start;");
        for (int c = 0; c < chunks.Count; c++)
        {
            Chunk chunk = chunks[c];
            w.Line(chunk.Store($"a{c}", "scratch", At(d.ScratchPreActivation, chunk.Offset)));
        }

        w.Line($"{Span} pre = {Marshal}.CreateSpan(ref {Unsafe}.Add(ref scratch, {d.ScratchPreActivation.Name}), {N(H)});");
        w.Line(ActivationCode.Apply(ActivationKind.Tanh, "pre"));
        for (int c = 0; c < chunks.Count; c++)
        {
            Chunk chunk = chunks[c];
            w.Line($"{chunk.Type} hNew{c} = {chunk.Load("scratch", At(d.ScratchPreActivation, chunk.Offset))};");
        }

        EmitStoreHidden(w, chunks);
    }

    /// <summary>
    /// The output: h itself, or the Dense head on it. A linear head whose rows <c>VectorKernels.MultiplyAdd</c> sums one
    /// at a time (fewer than 4 rows, or fewer than 8 inputs; at least 2) is summed here in the same order, reading the
    /// new h back from the state (the stores forward to the loads); any other head calls its own step method.
    /// </summary>
    private void EmitHead(CodeWriter w)
    {
        Region hidden = _direction.StateHidden;
        if (_head is null)
        {
            return; // written with the state
        }

        var dense = (DensePlan)_head.Layer;
        bool inline = dense.Dense.Activation == ActivationKind.Identity && H >= 2 && (dense.Units < 4 || H < 8) && !dense.PacksTransposed; // a packed head sums as its own step
        if (!inline)
        {
            w.Line($"{_head.StepMethod}(new global::System.ReadOnlySpan<float>(_state, {hidden.Name}, {N(H)}), outputStep); // {_head.Description}");
            return;
        }

        w.Line($"// {_head.Description}: y = b + W h, each row summed as VectorKernels.MultiplyAdd sums it.");
        string v256 = $"{Intrinsics}.Vector256", v128 = $"{Intrinsics}.Vector128";
        for (int r = 0; r < dense.Units; r++)
        {
            long row = (long)r * H;
            string weight(long j) => At(dense.Weight.Region, row + j);
            int j = 0;
            string sum = $"sum{r}";
            if (H >= 8)
            {
                // Two accumulators over pairs of 8, then one for a last 8, reduced by Vector256.Sum.
                w.Line($"{v256}<float> a{r}0 = {v256}<float>.Zero, a{r}1 = {v256}<float>.Zero;");
                for (; j + 16 <= H; j += 16)
                {
                    w.Line($"a{r}0 = {v256}.FusedMultiplyAdd({v256}.LoadUnsafe(ref p, {weight(j)}), {v256}.LoadUnsafe(ref s, {At(hidden, j)}), a{r}0);");
                    w.Line($"a{r}1 = {v256}.FusedMultiplyAdd({v256}.LoadUnsafe(ref p, {weight(j + 8)}), {v256}.LoadUnsafe(ref s, {At(hidden, j + 8)}), a{r}1);");
                }

                for (; j + 8 <= H; j += 8)
                {
                    w.Line($"a{r}0 = {v256}.FusedMultiplyAdd({v256}.LoadUnsafe(ref p, {weight(j)}), {v256}.LoadUnsafe(ref s, {At(hidden, j)}), a{r}0);");
                }

                w.Line($"float {sum} = {v256}.Sum(a{r}0 + a{r}1);");
            }
            else if (H >= 4)
            {
                w.Line($"{v128}<float> a{r}0 = {v128}<float>.Zero;");
                for (; j + 4 <= H; j += 4)
                {
                    w.Line($"a{r}0 = {v128}.FusedMultiplyAdd({v128}.LoadUnsafe(ref p, {weight(j)}), {v128}.LoadUnsafe(ref s, {At(hidden, j)}), a{r}0);");
                }

                w.Line($"float {sum} = {v128}.Sum(a{r}0);");
            }
            else
            {
                w.Line($"float {sum} = 0f;");
            }

            for (; j < H; j++)
            {
                w.Line($"{sum} = {MathF}.FusedMultiplyAdd({Unsafe}.Add(ref p, {weight(j)}), {Unsafe}.Add(ref s, {At(hidden, j)}), {sum});");
            }

            w.Line($"{Unsafe}.Add(ref y, {N(r)}) = {Unsafe}.Add(ref p, {At(dense.Bias.Region, r)}) + {sum};");
        }
    }
}
