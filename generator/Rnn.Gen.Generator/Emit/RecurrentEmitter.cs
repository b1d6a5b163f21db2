using System.Collections.Generic;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// What the recurrent layers share: one or two directions, each with a step method and a backward-through-time
/// method; the merge of a bidirectional layer; recurrent dropout. A subclass writes its cell's step and the cell's
/// part of one backward step.
/// </summary>
internal abstract class RecurrentEmitter : LayerEmitter
{
    protected RecurrentEmitter(LayerPlan layer)
        : base(layer)
    {
        Dir = layer.Directions[0];
    }

    /// <summary>The direction whose code is being emitted.</summary>
    protected DirectionPlan Dir { get; private set; }

    protected abstract string CellName { get; }

    public override string Description =>
        $"layer {Layer.Index}, {(Layer.Bidirectional ? "bidirectional " : string.Empty)}{CellName} {In} -> {H}"
        + (Layer.Bidirectional ? $" per direction, merged by {Layer.Spec.MergeMode.ToString().ToLowerInvariant()} into {Layer.OutputSize}" : string.Empty)
        + TrainingOptions;

    protected override ParameterPlan Parameter(string role) => Dir.Parameter(role);

    protected bool HasRecurrentDropout => Layer.Spec.RecurrentDropout > 0;

    /// <summary>The call that draws the current direction's recurrent dropout mask into the cache, one per sequence.</summary>
    private string RecurrentMaskDraw =>
        $"global::Rnn.Gen.Regularization.Noise.FillDropoutMask({CodeWriter.Slice("cache", Dir.Cache["recurrentMask"])}, {Literal(Layer.Spec.RecurrentDropout)}, _trainingRandom)";

    /// <summary>The one-step method of the current direction, e.g. <c>Lstm0Step</c> or <c>Lstm0StepReverse</c>.</summary>
    protected string DirectionStep => StepMethod + (Dir.Reverse ? "Reverse" : string.Empty);

    /// <summary>The backward method of the current direction; for a unidirectional layer it is the layer's.</summary>
    protected string DirectionBackward => !Layer.Bidirectional ? BackwardMethod : BackwardMethod + (Dir.Reverse ? "Reverse" : "Forward");

    /// <summary>Which direction, in comments.</summary>
    protected string DirectionName => !Layer.Bidirectional ? Description : $"{Description}, {(Dir.Reverse ? "reverse" : "forward")} direction";

    /// <summary>The loop over steps in the order the direction runs.</summary>
    protected string ForwardLoop => Dir.Reverse ? $"for (int t = {Len} - 1; t >= 0; t--)" : $"for (int t = 0; t < {Len}; t++)";

    /// <summary>The loop over steps backward through time: the opposite order.</summary>
    protected string BackwardLoop => Dir.Reverse ? $"for (int t = 0; t < {Len}; t++)" : $"for (int t = {Len} - 1; t >= 0; t--)";

    /// <summary>The step the direction starts from the zero state: the first, or for the reverse direction the sample's last valid step.</summary>
    protected string IsFirst => Dir.Reverse ? $"t == {Len} - 1" : "t == 0";

    protected string NotFirst => Dir.Reverse ? $"t < {Len} - 1" : "t > 0";

    /// <summary>The index of the previous step in the direction's order.</summary>
    protected string Previous => Dir.Reverse ? "t + 1" : "t - 1";

    /// <summary>The previous hidden state in the cache, or the zero state at the direction's first step.</summary>
    protected string PreviousHidden(string cache = "cache") => $"{IsFirst} ? {Initial("initialH", cache)} : {CodeWriter.SliceAt(cache, Dir.Cache["h"], H, Previous)}";

    /// <summary>The state a direction starts from: zero, or for a stateful model where the previous Forward ended (kept in the cache).</summary>
    protected string Initial(string region, string cache = "cache") =>
        Layer.HasInitialState ? CodeWriter.Slice(cache, Dir.Cache[region]) : $"new {ReadOnlySpan}(s_zeros, 0, {H})";

    public override void EmitMethods(CodeWriter w)
    {
        for (int i = 0; i < Layer.Directions.Count; i++)
        {
            Dir = Layer.Directions[i];
            if (i > 0)
            {
                w.Line();
            }

            EmitStepMethod(w);
            w.Line();
            EmitBackwardMethod(w);
        }

        Dir = Layer.Directions[0];
        if (Layer.Bidirectional)
        {
            w.Line();
            EmitBidirectionalBackward(w);
        }
    }

    /// <summary>The cell's one-step method for the current direction (streaming and decoding), on the packed weights.</summary>
    protected abstract void EmitStepMethod(CodeWriter w);

    /// <summary>The cache region whose row t receives the input side of step t before the loop (<c>gates</c>, or <c>h</c> for Elman).</summary>
    protected abstract string PreActivationRegion { get; }

    /// <summary>What each pre-activation row starts from: both biases summed (packed), or for GRU b_ih alone.</summary>
    protected virtual string PreActivationBias => Packed("bias");

    /// <summary><see cref="PreActivationBias"/> in words, for the generated comments.</summary>
    protected virtual string PreActivationBiasName => "b_ih + b_hh";

    /// <summary>The backward local holding dL/d(W_ih x + b_ih) of every step, <c>[steps, G]</c>.</summary>
    protected abstract string InputGradientRows { get; }

    /// <summary>The backward local holding dL/d(W_hh h + b_hh) of every step, <c>[steps, G]</c>.</summary>
    protected virtual string HiddenGradientRows => InputGradientRows;

    /// <summary>A region of the current direction's packed weights.</summary>
    protected string Packed(string region) => CodeWriter.Slice("packed", Dir.Packed[region]);

    /// <summary>The local spans the cell's backward step uses, declared before the loop.</summary>
    protected abstract void EmitBackwardLocals(CodeWriter w);

    /// <summary>Before the backward loop, after the locals: what the cell carries back through time starts (LSTM: dc = 0).</summary>
    protected virtual void EmitBackwardStart(CodeWriter w)
    {
    }

    /// <summary>
    /// Inside the backward loop, after <c>dh</c> holds dL/dh_t: the cell's local gradients and its input-side parameter
    /// gradients; returns the span that holds dL/d(W_hh h_(t-1) + b_hh) for the recurrent part.
    /// </summary>
    protected abstract string EmitBackwardStep(CodeWriter w);

    /// <summary>The local that W_hh h_(t-1) of step t adds into: <c>gates</c> (LSTM), <c>gatesHidden</c> (GRU), <c>h</c> (Elman).</summary>
    protected abstract string ProductTarget { get; }

    /// <summary>Where <see cref="ProductTarget"/>'s row of step t lives: the buffer (<c>cache</c> or <c>scratch</c>), the region, and the distance between steps' rows (0 for one row reused).</summary>
    protected abstract (string Buffer, Region Region, long RowStep) ProductRows { get; }

    /// <summary>
    /// The batch path, inside the step loop after the product: the cell update of every running slot in one kernel call
    /// (<c>rows</c> slots, their blocks <c>caches</c>' stride apart). False when the cell has no such kernel: then each
    /// slot runs <see cref="EmitCellUpdate"/>.
    /// </summary>
    protected virtual bool EmitBatchCellUpdate(CodeWriter w, BatchLayout batch) => false;

    /// <summary>
    /// The batch path, backward step t of every running slot in one kernel call: dh += dL/dh_t from above, the cell's
    /// gradients, dh cleared for the product through W_hh. False when the cell has no such kernel (each slot then runs
    /// <see cref="EmitBackwardStep"/>); not asked with recurrent dropout.
    /// </summary>
    protected virtual bool EmitBatchBackwardStep(CodeWriter w, BatchLayout batch) => false;

    /// <summary>
    /// The batch path: <paramref name="region"/>'s row of step <paramref name="step"/> in slot 0's block of
    /// <paramref name="buffer"/> (<c>caches</c>, <c>works</c>), the span a rows kernel walks with the blocks' stride;
    /// a step's row is <paramref name="size"/> floats (0: the region has one row).
    /// </summary>
    protected static string StepRows(string buffer, Region region, long size = 0, string step = "t")
    {
        string offset = region.Offset == 0 ? string.Empty : region.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string row = size == 0 ? string.Empty : $"{(step.Contains(" ") ? $"({step})" : step)} * {size}";
        string sum = offset.Length > 0 && row.Length > 0 ? $"{offset} + {row}" : offset + row;
        return $"{buffer}.Slice({(sum.Length == 0 ? "0" : sum)})";
    }

    /// <summary>What the product target starts from when it is not the pre-activation row (GRU: b_hh), or null.</summary>
    protected virtual string? ProductBias => null;

    /// <summary>Inside the sequence loop, after W_hh h_(t-1) is in <see cref="ProductTarget"/>: the cell's update of step t into the cache (<c>hPrev</c> is declared).</summary>
    protected abstract void EmitCellUpdate(CodeWriter w);

    /// <summary>The work region whose row t holds dL/d(W_hh h_(t-1) + b_hh), what W_hh sends back to h_(t-1).</summary>
    protected abstract string HiddenGradientRegion { get; }

    /// <summary>Declares <see cref="ProductTarget"/> as its row of step t in <paramref name="cache"/> or <paramref name="scratch"/>.</summary>
    private void EmitProductTarget(CodeWriter w, string cache = "cache", string scratch = "scratch")
    {
        (string buffer, Region region, long rowStep) = ProductRows;
        string span = buffer == "cache" ? cache : scratch;
        w.Line($"{Span} {ProductTarget} = {(rowStep > 0 ? CodeWriter.SliceAt(span, region, rowStep, "t") : CodeWriter.Slice(span, region))};");
    }

    /// <summary>
    /// Inside the sequence loop, after the input side of step t is in its pre-activation row: W_hh h_(t-1) from the
    /// packed <c>whhT</c>, then the cell's update into the cache.
    /// </summary>
    private void EmitSequenceStep(CodeWriter w, string hRecurrent)
    {
        EmitProductTarget(w);
        if (ProductBias is { } bias)
        {
            w.Line($"{Kernels}.AffinePacked({bias}, whhT, {hRecurrent}, {ProductTarget}, {Gates}); // W_hh h_({Previous}) + b_hh");
        }
        else
        {
            w.Line($"{Kernels}.MultiplyAddPacked(whhT, {hRecurrent}, {ProductTarget}, {Gates}); // + W_hh h_({Previous})");
        }

        EmitCellUpdate(w);
    }

    /// <summary>Whether dh is cleared before the recurrent part adds dL/dh_(t-1) (false when the cell sends some directly, as GRU).</summary>
    protected virtual bool ClearsHiddenGradient => true;

    /// <summary>Where the batch path sums W_ih's gradient transposed (narrow inputs), or null.</summary>
    private Region? TransposedInputGradient => Dir.TransposedInputWeightGradient;

    /// <summary>The method that adds a direction's parameter gradients (and dL/dx) once its loop has the gate gradients of every step.</summary>
    protected string DirectionGradients => DirectionBackward + "Gradients";

    private void EmitBackwardMethod(CodeWriter w)
    {
        w.Summary($"Backward through time for {DirectionName}: adds the parameter gradients and, when <paramref name=\"dx\"/> is not empty, adds dL/dx for every step.");
        using (w.Block($"private void {DirectionBackward}({BackwardParameters})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} dOut = {CodeWriter.Slice("work", Dir.Work["dH"])}; // dL/dh_t from {(Layer.Bidirectional ? "the merge" : "the layer above")}");
            w.Line($"{Span} dh = {CodeWriter.Slice("work", Dir.Work["dh"])}; // dL/dh_t, carried back through time");
            EmitBackwardLocals(w);
            EmitBackwardStart(w);
            w.Line("dh.Clear();");
            w.Line("// Through time: the pre-activation gradients of every step, and dL/dh carried back through W_hh.");
            using (w.Block(BackwardLoop))
            {
                w.Line($"{Kernels}.Add(dOut.Slice(t * {H}, {H}), dh);");
                string gradient = EmitBackwardStep(w);
                if (ClearsHiddenGradient)
                {
                    w.Line("dh.Clear();");
                }

                EmitRecurrentBackward(w, gradient);
            }

            w.Line($"{DirectionGradients}(cache, work, length, xs, dx{(TransposedInputGradient is null ? string.Empty : ", default")});");
        }

        w.Line();
        w.Summary($"After the loop of {DirectionName} (one sample, or each sample of a batch): the parameter gradients of every step at once, and dL/dx."
            + (TransposedInputGradient is null ? string.Empty : " <paramref name=\"dWihT\"/>, when not empty, receives W_ih's gradient in place of the parameter gradients, transposed."));
        using (w.Block($"private void {DirectionGradients}({BackwardParameters}{(TransposedInputGradient is null ? string.Empty : $", {Span} dWihT")})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} g = _gradients;");
            EmitBackwardLocals(w);
            EmitInputDropoutBackwardStart(w);
            EmitParameterGradients(w);
            if (!Layer.Bidirectional)
            {
                EmitInputDropoutBackwardEnd(w);
            }
        }
    }

    /// <summary>Backward, inside the loop: dL/dh_(t-1) through W_hh, except at the direction's first step (where truncated BPTT stops, or the zero state is).</summary>
    private void EmitRecurrentBackward(CodeWriter w, string gradient)
    {
        if (Layer.StartsFromEncoder)
        {
            // At the first step dL/dh goes on to the decoder's start state, which the encoder's final state receives.
            EmitHiddenGradient(w, gradient);
            return;
        }

        using (w.Block($"if ({NotFirst})"))
        {
            EmitHiddenGradient(w, gradient);
        }
    }

    /// <summary>
    /// Backward, after the loop: the parameter gradients summed over the steps as matrix products, which reuse each
    /// weight row across all steps instead of one outer product per step; and dL/dx of every step.
    /// </summary>
    private void EmitParameterGradients(CodeWriter w)
    {
        string input = InputGradientRows, hidden = HiddenGradientRows;
        string all = $"{Len} * {G}";
        w.Line("// The parameter gradients of every step at once: biases sum the rows, weights are Σ_t dG_t ⊗ (what they multiplied).");
        w.Line($"{Matrix}.AddRowSums({input}.Slice(0, {all}), {Len}, {Param("bias_ih", "g")});");
        w.Line($"{Matrix}.AddRowSums({hidden}.Slice(0, {all}), {Len}, {Param("bias_hh", "g")});");
        string inputWeights = $"{Matrix}.TransposeMultiplyAdd({input}.Slice(0, {all}), xs.Slice(0, {Len} * {In}), {Param("weight_ih", "g")}, {G}, {Len}, {In}); // Σ_t dG_t x_t^T";
        if (TransposedInputGradient is null)
        {
            w.Line(inputWeights);
        }
        else
        {
            w.Line($"if (dWihT.IsEmpty) {inputWeights}");
            w.Line($"else {Matrix}.TransposeMultiplyAdd(xs.Slice(0, {Len} * {In}), {input}.Slice(0, {all}), dWihT, {In}, {Len}, {G}); // the same sums, each the same chain, into W_ih's gradient held transposed (rows of {G} are whole vectors)");
        }
        if (HasRecurrentDropout)
        {
            // Every step's W_hh saw the masked h_(t-1) kept in the cache (zero, or the start state, at the first step).
            w.Line($"{Matrix}.TransposeMultiplyAdd({hidden}.Slice(0, {all}), {CodeWriter.Slice("cache", Dir.Cache["maskedHidden"])}.Slice(0, {Len} * {H}), {Param("weight_hh", "g")}, {G}, {Len}, {H}); // Σ_t dG_t (mask h_(t-1))^T");
        }
        else
        {
            // Step t's W_hh saw h_(t-1) (h_(t+1) in the reverse direction): the rows of h shifted by one step.
            string rest = $"({Len} - 1)";
            string h = CodeWriter.Slice("cache", Dir.Cache["h"]);
            (string gradientRows, string hiddenRows) = Dir.Reverse
                ? ($"{hidden}.Slice(0, {rest} * {G})", $"{h}.Slice({H}, {rest} * {H})")
                : ($"{hidden}.Slice({G}, {rest} * {G})", $"{h}.Slice(0, {rest} * {H})");
            w.Line($"{Matrix}.TransposeMultiplyAdd({gradientRows}, {hiddenRows}, {Param("weight_hh", "g")}, {G}, {rest}, {H}); // Σ_t dG_t h_({Previous})^T past the first step");
            if (Layer.HasInitialState)
            {
                string first = Dir.Reverse ? $"({Len} - 1)" : "0";
                w.Line($"{Kernels}.OuterAdd({hidden}.Slice({first} * {G}, {G}), {Initial("initialH")}, {Param("weight_hh", "g")}); // the first step saw the start state");
            }
        }

        w.Line($"if (!dx.IsEmpty) {Matrix}.MultiplyAdd({input}.Slice(0, {all}), {Param("weight_ih")}, dx.Slice(0, {Len} * {In}), {Len}, {G}, {In}); // dL/dx_t = W_ih^T dG_t");
    }

    /// <summary>dL/dh_(t-1) through W_hh (and the recurrent dropout mask), added into <c>dh</c>.</summary>
    private void EmitHiddenGradient(CodeWriter w, string gradient)
    {
        if (HasRecurrentDropout)
        {
            w.Line($"{Span} dMasked = {CodeWriter.Slice("work", Dir.Work["dMaskedHidden"])};");
            w.Line("dMasked.Clear();");
            w.Line($"{Kernels}.TransposeMultiplyAdd({Param("weight_hh")}, {gradient}, dMasked);");
            w.Line($"{Kernels}.Multiply(dMasked, {CodeWriter.Slice("cache", Dir.Cache["recurrentMask"])}, dMasked); // through the recurrent dropout mask");
            w.Line($"{Kernels}.Add(dMasked, dh); // to h_({Previous})");
        }
        else
        {
            w.Line($"{Kernels}.TransposeMultiplyAdd({Param("weight_hh")}, {gradient}, dh); // to h_({Previous})");
        }
    }

    public override void EmitTrainingForward(CodeWriter w, string inputs)
    {
        inputs = EmitInputDropout(w, inputs);
        foreach (DirectionPlan direction in Layer.Directions)
        {
            Dir = direction;
            w.Line($"// {DirectionName}, every step{(Layer.Kind == LayerKind.SimpleRnn ? "; backward needs only the hidden states" : ", keeping what backward needs")}.");
            using (w.Block())
            {
                EmitDirectionForward(w, inputs);
            }
        }

        Dir = Layer.Directions[0];
        if (Layer.Bidirectional)
        {
            EmitMerge(w);
        }
    }

    /// <summary>One direction over the sequence: pack the weights, the input side of every step at once, then the recurrence.</summary>
    private void EmitDirectionForward(CodeWriter w, string inputs)
    {
        if (Layer.Stateful)
        {
            w.Line("// Stateful: training starts where the previous Forward ended, and keeps that start for Backward; Predict starts from zero.");
            EmitStartState(w, "initialH", "h");
            if (Dir.Cache.ContainsKey("initialC"))
            {
                EmitStartState(w, "initialC", "c");
            }
        }

        if (HasRecurrentDropout)
        {
            w.Line($"// Recurrent dropout (rate {Format(Layer.Spec.RecurrentDropout)}), in training only: one mask on h_(t-1) for the whole sequence, in W_hh h_(t-1) only.");
            w.Line($"if (training) {RecurrentMaskDraw};");
        }

        EmitInputSide(w, inputs);
        w.Line($"{ReadOnlySpan} whhT = {Packed("whhT")};");
        using (w.Block(ForwardLoop))
        {
            w.Line($"{ReadOnlySpan} hPrev = {PreviousHidden()};");
            string hRecurrent = "hPrev";
            if (HasRecurrentDropout)
            {
                hRecurrent = "hRecurrent";
                w.Line($"{ReadOnlySpan} hRecurrent = hPrev;");
                using (w.Block("if (training)"))
                {
                    w.Line($"{Span} hMasked = {CodeWriter.SliceAt("cache", Dir.Cache["maskedHidden"], H, "t")};");
                    w.Line($"{Kernels}.Multiply(hPrev, {CodeWriter.Slice("cache", Dir.Cache["recurrentMask"])}, hMasked);");
                    w.Line("hRecurrent = hMasked;");
                }
            }

            EmitSequenceStep(w, hRecurrent);
        }

        if (Layer.Stateful)
        {
            w.Line("// Training: the state at the last valid step is where the next Forward starts.");
            using (w.Block("if (training)"))
            {
                w.Line($"{CodeWriter.SliceAt("cache", Dir.Cache["h"], H, "length - 1")}.CopyTo(new {Span}(_carry, {Dir.State["h"].Offset}, {H}));");
                if (Dir.Cache.ContainsKey("initialC"))
                {
                    w.Line($"{CodeWriter.SliceAt("cache", Dir.Cache["c"], H, "length - 1")}.CopyTo(new {Span}(_carry, {Dir.State["c"].Offset}, {H}));");
                }
            }
        }

        if (!Layer.InDecoder)
        {
            w.Line($"{CodeWriter.Slice("cache", Dir.Cache["h"])}.Slice(length * {H}).Clear(); // steps past the sample's length output zeros");
        }
    }

    /// <summary>
    /// The batch path's forward pass of a (unidirectional, not stateful) recurrent layer, in lockstep: at each step one
    /// product over the rows of every running slot writes the pre-activations, bias + W_ih x_t + W_hh h_(t-1) (one pass
    /// over the rows, both weight matrices loaded once for the batch; GRU's hidden side, which the reset gate scales, is a
    /// product of its own), and each slot's cell update follows. Each element is the chain the one-sample path computes.
    /// </summary>
    public override void EmitBatchForward(CodeWriter w, BatchLayout batch, string name, string source, Region sourceRegion)
    {
        Region inputs = HasInputDropout ? Layer.Cache["maskedInput"] : sourceRegion;
        if (HasInputDropout || HasRecurrentDropout)
        {
            w.Line($"// {Description}: each sample's dropout masks, then every step in lockstep over the running samples.");
            using (w.Block("for (int s = 0; s < batch; s++)"))
            {
                batch.DeclareSlot(w);
                w.Line($"{ReadOnlySpan} {name} = {source};");
                EmitInputDropout(w, name);
                if (HasRecurrentDropout)
                {
                    w.Line($"{RecurrentMaskDraw}; // recurrent dropout, one mask per sequence");
                }
            }
        }
        else
        {
            w.Line($"// {Description}: every step in lockstep over the running samples.");
        }

        (string buffer, Region target, long rowStep) = ProductRows;
        bool targetInScratch = buffer == "scratch";
        long targetStride = targetInScratch ? batch.Scratch : batch.Cache;
        string targetRows = StepRows(targetInScratch ? "scratches" : "caches", target, rowStep);
        string sourceRows = HasRecurrentDropout ? StepRows("caches", Dir.Cache["maskedHidden"], H) : StepRows("caches", Dir.Cache["h"], H, "t - 1");
        string inputRows = StepRows("caches", inputs, In);
        Region pre = Dir.Cache[PreActivationRegion];
        bool fused = buffer == "cache" && pre == target && rowStep == G; // LSTM, Elman: the product target is the pre-activation row
        bool hiddenSideFromBias = !fused && ProductBias is not null && !HasRecurrentDropout; // GRU: b_hh + W_hh h_(t-1) in one product
        using (w.Block())
        {
            w.Line($"{ReadOnlySpan} wihT = {Packed("wihT")};");
            w.Line($"{ReadOnlySpan} whhT = {Packed("whhT")};");
            using (w.Block("for (int t = 0; t < maxLength; t++)"))
            {
                w.Line("int rows = _batch.Running(t); // the samples still running are slots 0 to rows - 1 (longest first)");
                if (!fused)
                {
                    w.Line($"{Matrix}.AffineRows({PreActivationBias}, {inputRows}, {batch.Cache}, wihT, {StepRows("caches", pre, G)}, {batch.Cache}, rows, {In}, {G}); // {PreActivationBiasName} + W_ih x_t of every running sample");
                }

                if ((targetInScratch && !hiddenSideFromBias) || HasRecurrentDropout)
                {
                    using (w.Block("for (int s = 0; s < rows; s++)"))
                    {
                        w.Line(batch.SlotCache());
                        if (targetInScratch)
                        {
                            w.Line(batch.SlotScratch());
                            EmitProductTarget(w);
                            if (ProductBias is { } bias)
                            {
                                w.Line($"{bias}.CopyTo({ProductTarget});");
                            }
                        }

                        if (HasRecurrentDropout)
                        {
                            w.Line($"{Kernels}.Multiply({PreviousHidden()}, {CodeWriter.Slice("cache", Dir.Cache["recurrentMask"])}, {CodeWriter.SliceAt("cache", Dir.Cache["maskedHidden"], H, "t")}); // the h_(t - 1) W_hh sees, through the recurrent dropout mask");
                        }
                    }
                }

                if (fused)
                {
                    w.Line($"if (t == 0) {Matrix}.AffineRows({PreActivationBias}, {inputRows}, {batch.Cache}, wihT, {targetRows}, {targetStride}, rows, {In}, {G}); // {PreActivationBiasName} + W_ih x_0 of every sample (h_(-1) = 0)");
                    w.Line($"else {Matrix}.AffineRows({PreActivationBias}, {inputRows}, {batch.Cache}, wihT, {sourceRows}, {batch.Cache}, whhT, {targetRows}, {targetStride}, rows, {In}, {H}, {G}); // {PreActivationBiasName} + W_ih x_t + W_hh h_(t - 1) of every running sample");
                }
                else if (hiddenSideFromBias)
                {
                    w.Line($"if (t == 0) {Matrix}.AffineRows({ProductBias}, caches, 0, default, {targetRows}, {targetStride}, rows, 0, {G}); // b_hh alone at the first step (h_(-1) = 0)");
                    w.Line($"else {Matrix}.AffineRows({ProductBias}, {sourceRows}, {batch.Cache}, whhT, {targetRows}, {targetStride}, rows, {H}, {G}); // b_hh + W_hh h_(t - 1) of every running sample");
                }
                else
                {
                    w.Line($"if (t > 0) {Matrix}.MultiplyAddRows({sourceRows}, {batch.Cache}, whhT, {targetRows}, {targetStride}, rows, {H}, {G}); // + W_hh h_(t - 1) of every running sample (zero at the first step)");
                }

                if (!EmitBatchCellUpdate(w, batch))
                {
                    using (w.Block("for (int s = 0; s < rows; s++)"))
                    {
                        w.Line(batch.SlotCache());
                        if (targetInScratch)
                        {
                            w.Line(batch.SlotScratch());
                        }

                        w.Line($"{ReadOnlySpan} hPrev = {PreviousHidden()};");
                        EmitProductTarget(w);
                        EmitCellUpdate(w);
                    }
                }
            }
        }

        using (w.Block("for (int s = 0; s < batch; s++)"))
        {
            w.Line($"caches.Slice(s * {batch.Cache} + {Dir.Cache["h"].Offset}, {Dir.Cache["h"].Length}).Slice(_batch.Length(s) * {H}).Clear(); // steps past the sample's length output zeros");
        }
    }

    /// <summary>
    /// The batch path's backward pass of the layer: backward through time in lockstep (each running slot's cell
    /// gradients, then one matrix product per step sends dL/dh_(t-1) of every running slot back through W_hh), then
    /// each sample's parameter gradients in batch order, so they add up as sample after sample would.
    /// <paramref name="gradientsCall"/> writes the call of one sample's
    /// <see cref="DirectionGradients"/> (slot <c>s</c> of batch sample <c>b</c>).
    /// </summary>
    public void EmitBatchBackward(CodeWriter w, BatchLayout batch, System.Action<CodeWriter, string, string> gradientsCall)
    {
        string dRecurrent = HasRecurrentDropout ? "dMaskedHidden" : "dh";
        w.Line($"// {Description}: backward through time in lockstep over the running samples.");
        using (w.Block("for (int s = 0; s < batch; s++)"))
        {
            w.Line(batch.SlotWork());
            w.Line($"{CodeWriter.Slice("work", Dir.Work["dh"])}.Clear();");
            using (w.Block())
            {
                EmitBackwardLocals(w);
                EmitBackwardStart(w);
            }
        }

        using (w.Block("for (int t = maxLength - 1; t >= 0; t--)"))
        {
            w.Line("int rows = _batch.Running(t);");
            if (HasRecurrentDropout || !EmitBatchBackwardStep(w, batch))
            {
                using (w.Block("for (int s = 0; s < rows; s++)"))
                {
                    w.Line(batch.SlotCache(readOnly: true));
                    w.Line(batch.SlotWork());
                    w.Line($"{Span} dh = {CodeWriter.Slice("work", Dir.Work["dh"])};");
                    EmitBackwardLocals(w);
                    w.Line($"{Kernels}.Add({CodeWriter.SliceAt("work", Dir.Work["dH"], H, "t")}, dh);");
                    EmitBackwardStep(w);
                    if (ClearsHiddenGradient)
                    {
                        w.Line("dh.Clear();");
                    }

                    if (HasRecurrentDropout)
                    {
                        w.Line($"{CodeWriter.Slice("work", Dir.Work["dMaskedHidden"])}.Clear();");
                    }
                }
            }

            string gradientRows = StepRows("works", Dir.Work[HiddenGradientRegion], G);
            using (w.Block("if (t > 0)"))
            {
                w.Line($"{Matrix}.MultiplyAddRows({gradientRows}, {batch.Work}, {Param("weight_hh")}, {StepRows("works", Dir.Work[dRecurrent])}, {batch.Work}, rows, {G}, {H}); // dL/dh_(t - 1) of every running sample, through W_hh");
                if (HasRecurrentDropout)
                {
                    using (w.Block("for (int s = 0; s < rows; s++)"))
                    {
                        w.Line(batch.SlotCache(readOnly: true));
                        w.Line(batch.SlotWork());
                        w.Line($"{Span} dMasked = {CodeWriter.Slice("work", Dir.Work["dMaskedHidden"])};");
                        w.Line($"{Kernels}.Multiply(dMasked, {CodeWriter.Slice("cache", Dir.Cache["recurrentMask"])}, dMasked); // through the recurrent dropout mask");
                        w.Line($"{Kernels}.Add(dMasked, {CodeWriter.Slice("work", Dir.Work["dh"])});");
                    }
                }
            }
        }

        w.Line("// The parameter gradients, sample by sample in batch order.");
        if (TransposedInputGradient is not Region transposed)
        {
            using (w.Block("for (int b = 0; b < batch; b++)"))
            {
                batch.DeclareSampleInBatchOrder(w);
                gradientsCall(w, DirectionGradients, string.Empty);
            }

            return;
        }

        using (w.Block())
        {
            w.Line($"{Span} dWihT = _batch.Shared.Slice({transposed.Offset}, {transposed.Length});");
            w.Line($"{Matrix}.Transpose({Param("weight_ih", "_gradients.Span")}, {G}, {In}, dWihT); // W_ih's gradient as [{In}, {G}] while the samples add into it (exact copies, in and out)");
            using (w.Block("for (int b = 0; b < batch; b++)"))
            {
                batch.DeclareSampleInBatchOrder(w);
                gradientsCall(w, DirectionGradients, ", dWihT");
            }

            w.Line($"{Matrix}.Transpose(dWihT, {In}, {G}, {Param("weight_ih", "_gradients.Span")});");
        }
    }

    /// <summary>One direction's input side of every step at once, into its pre-activation rows.</summary>
    private void EmitInputSide(CodeWriter w, string inputs)
    {
        w.Line($"// The input side of every step at once, one matrix product: row t = {PreActivationBiasName} + W_ih x_t.");
        w.Line($"{Span} pre = {CodeWriter.Slice("cache", Dir.Cache[PreActivationRegion])};");
        w.Line($"for (int t = 0; t < {Len}; t++) {PreActivationBias}.CopyTo(pre.Slice(t * {G}, {G}));");
        w.Line($"{Matrix}.MultiplyAdd({inputs}.Slice(0, {Len} * {In}), {Packed("wihT")}, pre.Slice(0, {Len} * {G}), {Len}, {In}, {G});");
    }

    /// <summary>Inside <c>PackWeights</c>: every direction's W_ih and W_hh transposed, and the summed biases.</summary>
    public override void EmitPack(CodeWriter w)
    {
        foreach (DirectionPlan direction in Layer.Directions)
        {
            Dir = direction;
            w.Line($"// {DirectionName}: W_ih^T [{In}, {G}], W_hh^T [{H}, {G}]{(Dir.Packed.ContainsKey("bias") ? ", b_ih + b_hh" : string.Empty)}.");
            w.Line($"{Matrix}.Transpose({Param("weight_ih")}, {G}, {In}, {Packed("wihT")});");
            w.Line($"{Matrix}.Transpose({Param("weight_hh")}, {G}, {H}, {Packed("whhT")});");
            if (Dir.Packed.ContainsKey("bias"))
            {
                w.Line($"{Param("bias_ih")}.CopyTo({Packed("bias")});");
                w.Line($"{Kernels}.Add({Param("bias_hh")}, {Packed("bias")});");
            }
        }

        Dir = Layer.Directions[0];
    }

    /// <summary>Stateful: the start state in the cache, from the carried state in training, zero for Predict.</summary>
    private void EmitStartState(CodeWriter w, string region, string state)
    {
        string start = CodeWriter.Slice("cache", Dir.Cache[region]);
        w.Line($"if (training) new {ReadOnlySpan}(_carry, {Dir.State[state].Offset}, {H}).CopyTo({start}); else {start}.Clear();");
    }

    public override void EmitInferenceStep(CodeWriter w, string input, string state) => EmitInferenceCall(w, input, state);

    /// <summary>One streaming step of the (forward, only) direction on state slab <paramref name="state"/>.</summary>
    protected abstract void EmitInferenceCall(CodeWriter w, string input, string state);

    public override string InferenceOutput(string state) => CodeWriter.Slice(state, Dir.State["h"]);

    /// <summary>Training forward: the merged output of a bidirectional layer.</summary>
    private void EmitMerge(CodeWriter w)
    {
        Region forward = Layer.Directions[0].Cache["h"], reverse = Layer.Directions[1].Cache["h"];
        w.Line(Layer.SequenceOut
            ? $"// Merge the directions at every step ({Layer.Spec.MergeMode.ToString().ToLowerInvariant()}; concat puts the forward features first, as PyTorch)."
            : $"// Merge the forward direction's last step with the reverse direction's first (its last), as PyTorch's h_n ({Layer.Spec.MergeMode.ToString().ToLowerInvariant()}).");
        if (Layer.SequenceOut)
        {
            using (w.Block("for (int t = 0; t < length; t++)"))
            {
                EmitMergeAt(w, CodeWriter.SliceAt("cache", forward, H, "t"), CodeWriter.SliceAt("cache", reverse, H, "t"), CodeWriter.SliceAt("cache", Layer.Output, Layer.OutputSize, "t"));
            }

            w.Line($"{CodeWriter.Slice("cache", Layer.Output)}.Slice(length * {Layer.OutputSize}).Clear();");
        }
        else
        {
            using (w.Block())
            {
                EmitMergeAt(w, CodeWriter.SliceAt("cache", forward, H, "length - 1"), CodeWriter.SliceAt("cache", reverse, H, "0"), CodeWriter.Slice("cache", Layer.Output));
            }
        }
    }

    private void EmitMergeAt(CodeWriter w, string forward, string reverse, string output)
    {
        w.Line($"{ReadOnlySpan} hf = {forward}, hr = {reverse};");
        w.Line($"{Span} merged = {output};");
        switch (Layer.Spec.MergeMode)
        {
            case MergeModeKind.Concat:
                w.Line($"hf.CopyTo(merged.Slice(0, {H}));");
                w.Line($"hr.CopyTo(merged.Slice({H}, {H}));");
                break;
            case MergeModeKind.Sum:
                w.Line($"for (int j = 0; j < {H}; j++) merged[j] = hf[j] + hr[j];");
                break;
            case MergeModeKind.Multiply:
                w.Line($"for (int j = 0; j < {H}; j++) merged[j] = hf[j] * hr[j];");
                break;
            default:
                w.Line($"for (int j = 0; j < {H}; j++) merged[j] = 0.5f * (hf[j] + hr[j]);");
                break;
        }
    }

    /// <summary>Backward of a bidirectional layer: through the merge into each direction, then each direction.</summary>
    private void EmitBidirectionalBackward(CodeWriter w)
    {
        DirectionPlan forward = Layer.Directions[0], reverse = Layer.Directions[1];
        w.Summary($"Backward for {Description}: through the merge, then backward through time in each direction.");
        using (w.Block($"private void {BackwardMethod}({BackwardParameters})"))
        {
            w.Line($"{Span} dForward = {CodeWriter.Slice("work", forward.Work["dH"])};");
            w.Line($"{Span} dReverse = {CodeWriter.Slice("work", reverse.Work["dH"])};");
            if (!Layer.SequenceOut)
            {
                w.Line("dForward.Clear();");
                w.Line("dReverse.Clear();");
                EmitMergeBackwardAt(w, CodeWriter.Slice("work", Layer.OutputGradient), "(length - 1)", "0", forward, reverse);
            }
            else
            {
                w.Line("dForward.Clear();");
                w.Line("dReverse.Clear();");
                using (w.Block("for (int t = 0; t < length; t++)"))
                {
                    EmitMergeBackwardAt(w, CodeWriter.SliceAt("work", Layer.OutputGradient, Layer.OutputSize, "t"), "t", "t", forward, reverse);
                }
            }

            Dir = forward;
            w.Line($"{DirectionBackward}(cache, work, length, xs, dx);");
            Dir = reverse;
            w.Line($"{DirectionBackward}(cache, work, length, xs, dx);");
            Dir = forward;
            EmitInputDropoutBackwardEnd(w);
        }
    }

    private void EmitMergeBackwardAt(CodeWriter w, string dMerged, string forwardStep, string reverseStep, DirectionPlan forward, DirectionPlan reverse)
    {
        w.Line($"{ReadOnlySpan} dm = {dMerged};");
        w.Line($"{Span} df = dForward.Slice({forwardStep} * {H}, {H}), dr = dReverse.Slice({reverseStep} * {H}, {H});");
        switch (Layer.Spec.MergeMode)
        {
            case MergeModeKind.Concat:
                w.Line($"dm.Slice(0, {H}).CopyTo(df);");
                w.Line($"dm.Slice({H}, {H}).CopyTo(dr);");
                break;
            case MergeModeKind.Sum:
                w.Line("dm.CopyTo(df);");
                w.Line("dm.CopyTo(dr);");
                break;
            case MergeModeKind.Multiply:
                w.Line($"{ReadOnlySpan} hf = {CodeWriter.SliceAt("cache", forward.Cache["h"], H, forwardStep)}, hr = {CodeWriter.SliceAt("cache", reverse.Cache["h"], H, reverseStep)};");
                w.Line($"for (int j = 0; j < {H}; j++) {{ df[j] = dm[j] * hr[j]; dr[j] = dm[j] * hf[j]; }}");
                break;
            default:
                w.Line($"for (int j = 0; j < {H}; j++) {{ df[j] = 0.5f * dm[j]; dr[j] = 0.5f * dm[j]; }}");
                break;
        }
    }
}
