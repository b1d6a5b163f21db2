using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Layers.Recurrent;

/// <summary>
/// Emits one direction of a recurrent layer: its one-step method, its pass over the sequence (one sample, or a batch in
/// lockstep), its backward pass through time and its parameter gradients. What every cell shares is written here; a
/// cell says where its pre-activations and products lie and writes its own step and its part of one backward step.
/// An instance belongs to one direction for its whole life.
/// </summary>
internal abstract partial class CellEmitter
{
    protected CellEmitter(LayerEmitter owner, RecurrentPlan layer, RecurrentDirection direction)
    {
        Owner = owner;
        Layer = layer;
        Direction = direction;
    }

    public RecurrentPlan Layer { get; }

    public RecurrentDirection Direction { get; }

    /// <summary>The layer's emitter: its description and method names.</summary>
    public LayerEmitter Owner { get; }

    /// <summary>The cell in descriptions: <c>LSTM</c>, <c>GRU</c>, <c>Elman RNN (tanh)</c>.</summary>
    public abstract string CellName { get; }

    protected int H => Layer.Hidden;

    protected int In => Layer.InputSize;

    protected long G => Layer.GateSize;

    /// <summary>How many H-long gates <see cref="G"/> stacks; the step products pass it so that they store the gates in the vectors the cell reads them in.</summary>
    protected int Gates => Layer.Gates;

    /// <summary>The steps the direction runs: the sample's valid <c>length</c>, or all of a decoder's steps.</summary>
    protected string Len => Layer.InDecoder ? Layer.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture) : "length";

    protected bool HasRecurrentDropout => Direction.RecurrentMask is not null;

    /// <summary><c>Weights = WeightPrecision.Int8</c>: Step and Predict multiply the int8 copies of W_ih and W_hh (<see cref="Int8WeightsCode"/>); not in the float32 twin of decoding (<see cref="LayerEmitter.Float32Weights"/>).</summary>
    protected bool Int8 => Owner.Int8Products;

    /// <summary>What a step's products read, for its comment: the packed weights, or the int8 ones (and the packed bias sum, <paramref name="packedBias"/>).</summary>
    protected string ProductsRead(bool packedBias) =>
        !Int8 ? "on the packed weights" : packedBias ? "on the int8 weights and the packed bias sum" : "on the int8 weights";

    /// <summary>The one-step method of the direction, e.g. <c>Lstm0Step</c> or <c>Lstm0StepReverse</c> (<c>Lstm0StepFloat32</c> in an int8 model's float32 twin of decoding).</summary>
    public string DirectionStep => Owner.StepMethod + (Direction.Reverse ? "Reverse" : string.Empty) + (Owner.Float32Weights ? "Float32" : string.Empty);

    /// <summary>The backward method of the direction; for a unidirectional layer it is the layer's.</summary>
    public string DirectionBackward => !Layer.Bidirectional ? Owner.BackwardMethod : Owner.BackwardMethod + (Direction.Reverse ? "Reverse" : "Forward");

    /// <summary>The method that adds the direction's parameter gradients (and dL/dx) once its loop has the gate gradients of every step.</summary>
    public string DirectionGradients => DirectionBackward + "Gradients";

    /// <summary>Which direction, in comments.</summary>
    public string DirectionName => !Layer.Bidirectional ? Owner.Description : $"{Owner.Description}, {(Direction.Reverse ? "reverse" : "forward")} direction";

    /// <summary>The loop over steps in the order the direction runs.</summary>
    protected string ForwardLoop => Direction.Reverse ? $"for (int t = {Len} - 1; t >= 0; t--)" : $"for (int t = 0; t < {Len}; t++)";

    /// <summary>The loop over steps backward through time: the opposite order.</summary>
    protected string BackwardLoop => Direction.Reverse ? $"for (int t = 0; t < {Len}; t++)" : $"for (int t = {Len} - 1; t >= 0; t--)";

    /// <summary>The step the direction starts from its start state: the first, or for the reverse direction the sample's last valid step.</summary>
    protected string IsFirst => Direction.Reverse ? $"t == {Len} - 1" : "t == 0";

    protected string NotFirst => Direction.Reverse ? $"t < {Len} - 1" : "t > 0";

    /// <summary>The index of the previous step in the direction's order.</summary>
    protected string Previous => Direction.Reverse ? "t + 1" : "t - 1";

    /// <summary>The previous hidden state in the cache, or the start state at the direction's first step.</summary>
    protected string PreviousHidden(string cache = "cache") => $"{IsFirst} ? {Initial(Direction.InitialHidden, cache)} : {CodeWriter.SliceAt(cache, Direction.Hidden, H, Previous)}";

    /// <summary>The state a direction starts from: zero, or (stateful models, decoders) the start kept in the cache.</summary>
    protected string Initial(Region? initial, string cache = "cache") =>
        initial is { } region ? CodeWriter.Slice(cache, region) : $"new {ReadOnlySpan}(s_zeros, 0, {H})";

    /// <summary>A region of the packed weights.</summary>
    protected static string Packed(Region region) => CodeWriter.Slice("packed", region);

    /// <summary>A parameter tensor's span over the parameters (<c>p</c>) or gradients (<c>g</c>).</summary>
    protected static string Param(ParameterPlan parameter, string span = "p") => LayerEmitter.Param(parameter, span);

    /// <summary>The call that draws the direction's recurrent dropout mask into the cache, one per sequence.</summary>
    public string RecurrentMaskDraw =>
        $"{Noise}.FillDropoutMask({CodeWriter.Slice("cache", Direction.RecurrentMask!.Value)}, {LayerEmitter.Literal(Layer.Recurrent.Options.RecurrentDropout)}, _trainingRandom)";

    // ---- What each cell says about itself ----

    /// <summary>Where the cell's rows lie and what the shared loops call them; see <see cref="CellShape"/>.</summary>
    public abstract CellShape Shape { get; }

    /// <summary>The cell's one-step method for the direction (streaming and decoding), on the packed weights.</summary>
    public abstract void EmitStepMethod(CodeWriter w);

    /// <summary>One streaming step of the direction on state slab <paramref name="state"/>.</summary>
    public abstract void EmitInferenceCall(CodeWriter w, string input, string state);

    /// <summary>The local spans the cell's backward step uses, declared before the loop.</summary>
    protected abstract void EmitBackwardLocals(CodeWriter w);

    /// <summary>Before the backward loop, after the locals: what the cell carries back through time starts (LSTM: dc).</summary>
    protected virtual void EmitBackwardStart(CodeWriter w)
    {
    }

    /// <summary>
    /// Inside the backward loop, after <c>dh</c> holds dL/dh_t: the cell's local gradients; returns the span that holds
    /// dL/d(W_hh h_(t-1) + b_hh) for the recurrent part.
    /// </summary>
    protected abstract string EmitBackwardStep(CodeWriter w);

    /// <summary>Inside the sequence loop, after W_hh h_(t-1) is in <see cref="ProductTarget"/>: the cell's update of step t into the cache (<c>hPrev</c> is declared).</summary>
    protected abstract void EmitCellUpdate(CodeWriter w);

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

    // ---- What every cell shares ----

    /// <summary>Inside <c>PackWeights</c>: the direction's W_ih and W_hh transposed, and the summed biases.</summary>
    public void EmitPack(CodeWriter w)
    {
        w.Line($"// {DirectionName}: W_ih^T [{In}, {G}], W_hh^T [{H}, {G}]{(Shape.PackedBias is null ? string.Empty : ", b_ih + b_hh")}.");
        w.Line($"{MatrixKernels}.Transpose({Param(Direction.WeightIh)}, {G}, {In}, {Packed(Direction.PackedInputWeights)});");
        w.Line($"{MatrixKernels}.Transpose({Param(Direction.WeightHh)}, {G}, {H}, {Packed(Direction.PackedHiddenWeights)});");
        if (Shape.PackedBias is { } bias)
        {
            w.Line($"{Param(Direction.BiasIh)}.CopyTo({Packed(bias)});");
            w.Line($"{VectorKernels}.Add({Param(Direction.BiasHh)}, {Packed(bias)});");
        }
    }

    /// <summary>Declares the product target as its row of step t in <c>cache</c> or <c>scratch</c>.</summary>
    private void EmitProductTarget(CodeWriter w)
    {
        (bool inCache, Region region, long rowStep) = Shape.ProductRows;
        string span = inCache ? "cache" : "scratch";
        w.Line($"{Span} {Shape.ProductTarget} = {(rowStep > 0 ? CodeWriter.SliceAt(span, region, rowStep, "t") : CodeWriter.Slice(span, region))};");
    }

    /// <summary>
    /// Inside the sequence loop, after the input side of step t is in its pre-activation row: W_hh h_(t-1) from the
    /// packed W_hh^T, then the cell's update into the cache. On int8 weights, inference runs both products of step t
    /// here in one pass (<see cref="Int8WeightsCode.AffineSum"/>, or <see cref="Int8WeightsCode.AffinePair"/> when the
    /// hidden side has its own bias), as Step does: the same bits as the two products apart.
    /// </summary>
    private void EmitSequenceStep(CodeWriter w, string hRecurrent, string inputs)
    {
        EmitProductTarget(w);
        string x = $"{inputs}.Slice({CodeWriter.Times("t", In)}, {In})";
        if (Shape.ProductBias is { } bias)
        {
            w.Line($"{(Int8 ? "if (training) " : string.Empty)}{VectorKernels}.AffinePacked({bias}, whhT, {hRecurrent}, {Shape.ProductTarget}, {Gates}); // W_hh h_({Previous}) + b_hh");
            if (Int8)
            {
                string inputRow = $"pre.Slice({CodeWriter.Times("t", G)}, {G})"; // the pre-activation row EmitInputSide declares
                w.Line($"else {Int8WeightsCode.AffinePair(Shape.PreActivationBias, Direction.WeightIh, x, inputRow, bias, Direction.WeightHh, hRecurrent, Shape.ProductTarget)} // inference: {Shape.PreActivationBiasName} + the int8 W_ih x_t, b_hh + the int8 W_hh h_({Previous}), one pass as Step");
            }
        }
        else
        {
            w.Line($"{(Int8 ? "if (training) " : string.Empty)}{VectorKernels}.MultiplyAddPacked(whhT, {hRecurrent}, {Shape.ProductTarget}, {Gates}); // + W_hh h_({Previous})");
            if (Int8)
            {
                w.Line($"else {Int8WeightsCode.AffineSum(Shape.PreActivationBias, Direction.WeightIh, x, Direction.WeightHh, hRecurrent, Shape.ProductTarget)} // inference: {Shape.PreActivationBiasName} + the int8 W_ih x_t + W_hh h_({Previous}), one pass as Step");
            }
        }

        EmitCellUpdate(w);
    }

    /// <summary>One direction over the sequence: the start state, the input side of every step at once, then the recurrence.</summary>
    public void EmitForward(CodeWriter w, string inputs)
    {
        if (Layer.Stateful)
        {
            w.Line("// Stateful: training starts where the previous Forward ended, and keeps that start for Backward; Predict starts from zero.");
            foreach (CarriedState carried in Direction.CarriedStates)
            {
                string start = CodeWriter.Slice("cache", carried.Initial!.Value);
                w.Line($"if (training) new {ReadOnlySpan}(_carry, {carried.State.Name}, {H}).CopyTo({start}); else {start}.Clear();");
            }
        }

        if (HasRecurrentDropout)
        {
            w.Line($"// Recurrent dropout (rate {LayerEmitter.Format(Layer.Recurrent.Options.RecurrentDropout)}), in training only: one mask on h_(t-1) for the whole sequence, in W_hh h_(t-1) only.");
            w.Line($"if (training) {RecurrentMaskDraw};");
        }

        EmitInputSide(w, inputs);
        w.Line($"{ReadOnlySpan} whhT = {Packed(Direction.PackedHiddenWeights)};");
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
                    w.Line($"{Span} hMasked = {CodeWriter.SliceAt("cache", Direction.MaskedHidden!.Value, H, "t")};");
                    w.Line($"{VectorKernels}.Multiply(hPrev, {CodeWriter.Slice("cache", Direction.RecurrentMask!.Value)}, hMasked);");
                    w.Line("hRecurrent = hMasked;");
                }
            }

            EmitSequenceStep(w, hRecurrent, inputs);
        }

        if (Layer.Stateful)
        {
            w.Line("// Training: the state at the last valid step is where the next Forward starts.");
            using (w.Block("if (training)"))
            {
                foreach (CarriedState carried in Direction.CarriedStates)
                {
                    w.Line($"{CodeWriter.SliceAt("cache", carried.Sequence, H, "length - 1")}.CopyTo(new {Span}(_carry, {carried.State.Name}, {H}));");
                }
            }
        }

        if (!Layer.InDecoder)
        {
            w.Line($"{CodeWriter.Slice("cache", Direction.Hidden)}.Slice({CodeWriter.Times("length", H)}).Clear(); // steps past the sample's length output zeros");
        }
    }

    /// <summary>The direction's input side of every step at once, into its pre-activation rows (in training only, on int8 weights).</summary>
    private void EmitInputSide(CodeWriter w, string inputs)
    {
        w.Line(Int8
            ? $"// Training: the input side of every step at once, one matrix product (row t = {Shape.PreActivationBiasName} + W_ih x_t); inference on int8 weights computes it in the loop, with W_hh h_({Previous}), as Step."
            : $"// The input side of every step at once, one matrix product: row t = {Shape.PreActivationBiasName} + W_ih x_t.");
        w.Line($"{Span} pre = {CodeWriter.Slice("cache", Shape.PreActivation)};");
        string copy = $"for (int t = 0; t < {Len}; t++) {Shape.PreActivationBias}.CopyTo(pre.Slice({CodeWriter.Times("t", G)}, {G}));";
        string product = $"{MatrixKernels}.MultiplyAdd({inputs}.Slice(0, {CodeWriter.Times(Len, In)}), {Packed(Direction.PackedInputWeights)}, pre.Slice(0, {CodeWriter.Times(Len, G)}), {Len}, {In}, {G});";
        if (!Int8)
        {
            w.Line(copy);
            w.Line(product);
            return;
        }

        using (w.Block("if (training)"))
        {
            w.Line(copy);
            w.Line(product);
        }
    }

    /// <summary>The backward-through-time method of the direction, and the method that adds its parameter gradients after the loop.</summary>
    public void EmitBackwardMethods(CodeWriter w)
    {
        Region? transposed = Direction.TransposedInputWeightGradient;
        w.Summary($"Backward through time for {DirectionName}: adds the parameter gradients and, when <paramref name=\"dx\"/> is not empty, adds dL/dx for every step.");
        using (w.Block($"private void {DirectionBackward}({LayerEmitter.BackwardParameters})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} dOut = {CodeWriter.Slice("work", Direction.HiddenGradient)}; // dL/dh_t from {(Layer.Bidirectional ? "the merge" : "the layer above")}");
            w.Line($"{Span} dh = {CodeWriter.Slice("work", Direction.CarriedHiddenGradient)}; // dL/dh_t, carried back through time");
            EmitBackwardLocals(w);
            EmitBackwardStart(w);
            if (Layer.Partner?.OutputState is { } start && !Layer.InDecoder)
            {
                string gradient = start.Gradient.Length == H ? CodeWriter.Slice("work", start.Gradient) : $"{CodeWriter.Slice("work", start.Gradient)}.Slice({Direction.FinalStateOffset}, {H})";
                w.Line($"{gradient}.CopyTo(dh); // dL/dh of the final state, from the decoder's start state");
            }
            else
            {
                w.Line("dh.Clear();");
            }
            w.Line("// Through time: the pre-activation gradients of every step, and dL/dh carried back through W_hh.");
            using (w.Block(BackwardLoop))
            {
                w.Line($"{VectorKernels}.Add(dOut.Slice({CodeWriter.Times("t", H)}, {H}), dh);");
                string gradient = EmitBackwardStep(w);
                if (Shape.ClearsHiddenGradient)
                {
                    w.Line("dh.Clear();");
                }

                EmitRecurrentBackward(w, gradient);
            }

            w.Line($"{DirectionGradients}(cache, work, length, xs, dx{(transposed is null ? string.Empty : ", default")});");
        }

        w.Line();
        w.Summary($"After the loop of {DirectionName} (one sample, or each sample of a batch): the parameter gradients of every step at once, and dL/dx."
            + (transposed is null ? string.Empty : " <paramref name=\"dWihT\"/>, when not empty, receives W_ih's gradient in place of the parameter gradients, transposed."));
        using (w.Block($"private void {DirectionGradients}({LayerEmitter.BackwardParameters}{(transposed is null ? string.Empty : $", {Span} dWihT")})"))
        {
            w.Line($"{ReadOnlySpan} p = _parameters;");
            w.Line($"{Span} g = _gradients;");
            EmitBackwardLocals(w);
            InputDropoutCode.EmitBackwardStart(w, Layer.InputDropout);
            EmitParameterGradients(w);
            if (!Layer.Bidirectional)
            {
                InputDropoutCode.EmitBackwardEnd(w, Layer.InputDropout, Layer.Steps, In);
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
        string input = Shape.InputGradientRows, hidden = Shape.HiddenGradientRows;
        string all = CodeWriter.Times(Len, G);
        string xs = $"xs.Slice(0, {CodeWriter.Times(Len, In)})";
        w.Line("// The parameter gradients of every step at once: biases sum the rows, weights are Σ_t dG_t ⊗ (what they multiplied).");
        w.Line($"{MatrixKernels}.AddRowSums({input}.Slice(0, {all}), {Len}, {Param(Direction.BiasIh, "g")});");
        w.Line($"{MatrixKernels}.AddRowSums({hidden}.Slice(0, {all}), {Len}, {Param(Direction.BiasHh, "g")});");
        string inputWeights = $"{MatrixKernels}.TransposeMultiplyAdd({input}.Slice(0, {all}), {xs}, {Param(Direction.WeightIh, "g")}, {G}, {Len}, {In}); // Σ_t dG_t x_t^T";
        if (Direction.TransposedInputWeightGradient is null)
        {
            w.Line(inputWeights);
        }
        else
        {
            w.Line($"if (dWihT.IsEmpty) {inputWeights}");
            w.Line($"else {MatrixKernels}.TransposeMultiplyAdd({xs}, {input}.Slice(0, {all}), dWihT, {In}, {Len}, {G}); // the same sums, each the same chain, into W_ih's gradient held transposed (rows of {G} are whole vectors)");
        }

        if (HasRecurrentDropout)
        {
            // Every step's W_hh saw the masked h_(t-1) kept in the cache (zero, or the start state, at the first step).
            w.Line($"{MatrixKernels}.TransposeMultiplyAdd({hidden}.Slice(0, {all}), {CodeWriter.Slice("cache", Direction.MaskedHidden!.Value)}.Slice(0, {CodeWriter.Times(Len, H)}), {Param(Direction.WeightHh, "g")}, {G}, {Len}, {H}); // Σ_t dG_t (mask h_(t-1))^T");
        }
        else
        {
            // Step t's W_hh saw h_(t-1) (h_(t+1) in the reverse direction): the rows of h shifted by one step.
            string rest = $"({Len} - 1)";
            string h = CodeWriter.Slice("cache", Direction.Hidden);
            (string gradientRows, string hiddenRows) = Direction.Reverse
                ? ($"{hidden}.Slice(0, {rest} * {G})", $"{h}.Slice({H}, {rest} * {H})")
                : ($"{hidden}.Slice({G}, {rest} * {G})", $"{h}.Slice(0, {rest} * {H})");
            w.Line($"{MatrixKernels}.TransposeMultiplyAdd({gradientRows}, {hiddenRows}, {Param(Direction.WeightHh, "g")}, {G}, {rest}, {H}); // Σ_t dG_t h_({Previous})^T past the first step");
            if (Layer.HasInitialState)
            {
                string first = Direction.Reverse ? $"{Len} - 1" : "0";
                w.Line($"{VectorKernels}.OuterAdd({hidden}.Slice({CodeWriter.Times(first, G)}, {G}), {Initial(Direction.InitialHidden)}, {Param(Direction.WeightHh, "g")}); // the first step saw the start state");
            }
        }

        w.Line($"if (!dx.IsEmpty) {MatrixKernels}.MultiplyAdd({input}.Slice(0, {all}), {Param(Direction.WeightIh)}, dx.Slice(0, {CodeWriter.Times(Len, In)}), {Len}, {G}, {In}); // dL/dx_t = W_ih^T dG_t");
    }

    /// <summary>dL/dh_(t-1) through W_hh (and the recurrent dropout mask), added into <c>dh</c>.</summary>
    private void EmitHiddenGradient(CodeWriter w, string gradient)
    {
        if (HasRecurrentDropout)
        {
            w.Line($"{Span} dMasked = {CodeWriter.Slice("work", Direction.MaskedHiddenGradient!.Value)};");
            w.Line("dMasked.Clear();");
            w.Line($"{VectorKernels}.TransposeMultiplyAdd({Param(Direction.WeightHh)}, {gradient}, dMasked);");
            w.Line($"{VectorKernels}.Multiply(dMasked, {CodeWriter.Slice("cache", Direction.RecurrentMask!.Value)}, dMasked); // through the recurrent dropout mask");
            w.Line($"{VectorKernels}.Add(dMasked, dh); // to h_({Previous})");
        }
        else
        {
            w.Line($"{VectorKernels}.TransposeMultiplyAdd({Param(Direction.WeightHh)}, {gradient}, dh); // to h_({Previous})");
        }
    }

    /// <summary>
    /// The batch path's forward pass of the (forward, only) direction after the dropout masks are drawn, in lockstep: at
    /// each step one product over the rows of every running slot writes the pre-activations, bias + W_ih x_t + W_hh
    /// h_(t-1) (one pass over the rows, both weight matrices loaded once for the batch; GRU's hidden side, which the
    /// reset gate scales, is a product of its own), and each slot's cell update follows. Each element is the chain the
    /// one-sample path computes. <paramref name="inputs"/> is where the layer's input lies in each slot's cache block.
    /// </summary>
    public void EmitBatchSteps(CodeWriter w, BatchLayout batch, Region inputs)
    {
        (bool inCache, Region target, long rowStep) = Shape.ProductRows;
        long targetStride = inCache ? batch.Cache : batch.Scratch;
        string targetRows = BatchLayout.StepRows(inCache ? "caches" : "scratches", target, rowStep);
        string sourceRows = HasRecurrentDropout ? BatchLayout.StepRows("caches", Direction.MaskedHidden!.Value, H) : BatchLayout.StepRows("caches", Direction.Hidden, H, "t - 1");
        string inputRows = BatchLayout.StepRows("caches", inputs, In);
        Region pre = Shape.PreActivation;
        bool fused = inCache && pre == target && rowStep == G; // LSTM, Elman: the product target is the pre-activation row
        bool hiddenSideFromBias = !fused && Shape.ProductBias is not null && !HasRecurrentDropout; // GRU: b_hh + W_hh h_(t-1) in one product
        using (w.Block())
        {
            w.Line($"{ReadOnlySpan} wihT = {Packed(Direction.PackedInputWeights)};");
            w.Line($"{ReadOnlySpan} whhT = {Packed(Direction.PackedHiddenWeights)};");
            using (w.Block("for (int t = 0; t < maxLength; t++)"))
            {
                w.Line("int rows = _batch.Running(t); // the samples still running are slots 0 to rows - 1 (longest first)");
                if (!fused)
                {
                    w.Line($"{MatrixKernels}.AffineRows({Shape.PreActivationBias}, {inputRows}, {batch.Cache}, wihT, {BatchLayout.StepRows("caches", pre, G)}, {batch.Cache}, rows, {In}, {G}); // {Shape.PreActivationBiasName} + W_ih x_t of every running sample");
                }

                if ((!inCache && !hiddenSideFromBias) || HasRecurrentDropout)
                {
                    using (w.Block("for (int s = 0; s < rows; s++)"))
                    {
                        w.Line(batch.SlotCache());
                        if (!inCache)
                        {
                            w.Line(batch.SlotScratch());
                            EmitProductTarget(w);
                            if (Shape.ProductBias is { } bias)
                            {
                                w.Line($"{bias}.CopyTo({Shape.ProductTarget});");
                            }
                        }

                        if (HasRecurrentDropout)
                        {
                            w.Line($"{VectorKernels}.Multiply({PreviousHidden()}, {CodeWriter.Slice("cache", Direction.RecurrentMask!.Value)}, {CodeWriter.SliceAt("cache", Direction.MaskedHidden!.Value, H, "t")}); // the h_(t - 1) W_hh sees, through the recurrent dropout mask");
                        }
                    }
                }

                if (fused)
                {
                    w.Line($"if (t == 0) {MatrixKernels}.AffineRows({Shape.PreActivationBias}, {inputRows}, {batch.Cache}, wihT, {targetRows}, {targetStride}, rows, {In}, {G}); // {Shape.PreActivationBiasName} + W_ih x_0 of every sample (h_(-1) = 0)");
                    w.Line($"else {MatrixKernels}.AffineRows({Shape.PreActivationBias}, {inputRows}, {batch.Cache}, wihT, {sourceRows}, {batch.Cache}, whhT, {targetRows}, {targetStride}, rows, {In}, {H}, {G}); // {Shape.PreActivationBiasName} + W_ih x_t + W_hh h_(t - 1) of every running sample");
                }
                else if (hiddenSideFromBias)
                {
                    w.Line($"if (t == 0) {MatrixKernels}.AffineRows({Shape.ProductBias}, caches, 0, default, {targetRows}, {targetStride}, rows, 0, {G}); // b_hh alone at the first step (h_(-1) = 0)");
                    w.Line($"else {MatrixKernels}.AffineRows({Shape.ProductBias}, {sourceRows}, {batch.Cache}, whhT, {targetRows}, {targetStride}, rows, {H}, {G}); // b_hh + W_hh h_(t - 1) of every running sample");
                }
                else
                {
                    w.Line($"if (t > 0) {MatrixKernels}.MultiplyAddRows({sourceRows}, {batch.Cache}, whhT, {targetRows}, {targetStride}, rows, {H}, {G}); // + W_hh h_(t - 1) of every running sample (zero at the first step)");
                }

                if (!EmitBatchCellUpdate(w, batch))
                {
                    using (w.Block("for (int s = 0; s < rows; s++)"))
                    {
                        w.Line(batch.SlotCache());
                        if (!inCache)
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
            w.Line($"caches.Slice(s * {batch.Cache} + {Direction.Hidden.Name}, {Direction.Hidden.Length}).Slice({CodeWriter.Times("_batch.Length(s)", H)}).Clear(); // steps past the sample's length output zeros");
        }
    }

    /// <summary>
    /// The batch path's backward pass of the direction: backward through time in lockstep (each running slot's cell
    /// gradients, then one matrix product per step sends dL/dh_(t-1) of every running slot back through W_hh), then
    /// each sample's parameter gradients in batch order, so they add up as sample after sample would.
    /// <paramref name="gradientsCall"/> writes the call of one sample's <see cref="DirectionGradients"/> (slot <c>s</c>
    /// of batch sample <c>b</c>) with extra arguments.
    /// </summary>
    public void EmitBatchBackward(CodeWriter w, BatchLayout batch, System.Action<CodeWriter, string, string> gradientsCall)
    {
        Region dRecurrent = Direction.MaskedHiddenGradient ?? Direction.CarriedHiddenGradient;
        w.Line($"// {Owner.Description}: backward through time in lockstep over the running samples.");
        using (w.Block("for (int s = 0; s < batch; s++)"))
        {
            w.Line(batch.SlotWork());
            w.Line($"{CodeWriter.Slice("work", Direction.CarriedHiddenGradient)}.Clear();");
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
                    w.Line($"{Span} dh = {CodeWriter.Slice("work", Direction.CarriedHiddenGradient)};");
                    EmitBackwardLocals(w);
                    w.Line($"{VectorKernels}.Add({CodeWriter.SliceAt("work", Direction.HiddenGradient, H, "t")}, dh);");
                    EmitBackwardStep(w);
                    if (Shape.ClearsHiddenGradient)
                    {
                        w.Line("dh.Clear();");
                    }

                    if (HasRecurrentDropout)
                    {
                        w.Line($"{CodeWriter.Slice("work", Direction.MaskedHiddenGradient!.Value)}.Clear();");
                    }
                }
            }

            string gradientRows = BatchLayout.StepRows("works", Shape.HiddenSideGradients, G);
            using (w.Block("if (t > 0)"))
            {
                w.Line($"{MatrixKernels}.MultiplyAddRows({gradientRows}, {batch.Work}, {Param(Direction.WeightHh)}, {BatchLayout.StepRows("works", dRecurrent)}, {batch.Work}, rows, {G}, {H}); // dL/dh_(t - 1) of every running sample, through W_hh");
                if (HasRecurrentDropout)
                {
                    using (w.Block("for (int s = 0; s < rows; s++)"))
                    {
                        w.Line(batch.SlotCache(readOnly: true));
                        w.Line(batch.SlotWork());
                        w.Line($"{Span} dMasked = {CodeWriter.Slice("work", Direction.MaskedHiddenGradient!.Value)};");
                        w.Line($"{VectorKernels}.Multiply(dMasked, {CodeWriter.Slice("cache", Direction.RecurrentMask!.Value)}, dMasked); // through the recurrent dropout mask");
                        w.Line($"{VectorKernels}.Add(dMasked, {CodeWriter.Slice("work", Direction.CarriedHiddenGradient)});");
                    }
                }
            }
        }

        w.Line("// The parameter gradients, sample by sample in batch order.");
        if (Direction.TransposedInputWeightGradient is not Region transposed)
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
            w.Line($"{Span} dWihT = _batch.Shared.Slice({transposed.Name}, {transposed.Length});");
            w.Line($"{MatrixKernels}.Transpose({Param(Direction.WeightIh, "_gradients.Span")}, {G}, {In}, dWihT); // W_ih's gradient as [{In}, {G}] while the samples add into it (exact copies, in and out)");
            using (w.Block("for (int b = 0; b < batch; b++)"))
            {
                batch.DeclareSampleInBatchOrder(w);
                gradientsCall(w, DirectionGradients, ", dWihT");
            }

            w.Line($"{MatrixKernels}.Transpose(dWihT, {In}, {G}, {Param(Direction.WeightIh, "_gradients.Span")});");
        }
    }
}

/// <summary>
/// What a cell looks like to the loops every cell shares: where the input side of each step is written before the
/// recurrence, where W_hh h_(t-1) is added, and what backward calls its gradient rows.
/// </summary>
/// <param name="PreActivation">The cache region whose row t receives the input side of step t before the loop (the gates, or h for Elman).</param>
/// <param name="PreActivationBias">What each pre-activation row starts from: both biases summed (packed), or for GRU b_ih alone.</param>
/// <param name="PreActivationBiasName"><paramref name="PreActivationBias"/> in words, for the generated comments.</param>
/// <param name="ProductTarget">The local that W_hh h_(t-1) of step t adds into: <c>gates</c> (LSTM), <c>gatesHidden</c> (GRU), <c>h</c> (Elman).</param>
/// <param name="ProductRows">Where the product target's row of step t lives: in the cache (true) or scratch, the region, and the distance between steps' rows (0 for one row reused).</param>
/// <param name="ProductBias">What the product target starts from when it is not the pre-activation row (GRU: b_hh), or null.</param>
/// <param name="InputGradientRows">The backward local holding dL/d(W_ih x + b_ih) of every step, <c>[steps, G]</c>.</param>
/// <param name="HiddenGradientRows">The backward local holding dL/d(W_hh h + b_hh) of every step (the same as the input side's when the biases add up).</param>
/// <param name="HiddenSideGradients">The work region whose row t holds dL/d(W_hh h_(t-1) + b_hh), what W_hh sends back to h_(t-1).</param>
/// <param name="ClearsHiddenGradient">Whether dh is cleared before the recurrent part adds dL/dh_(t-1) (false when the cell sends some directly, as GRU).</param>
/// <param name="PackedBias">The packed sum b_ih + b_hh, for cells whose biases add up (not GRU: b_hn sits inside the reset gate).</param>
/// <param name="ForwardNote">What the training pass keeps, for its comment.</param>
internal sealed record CellShape(
    Region PreActivation,
    string PreActivationBias,
    string PreActivationBiasName,
    string ProductTarget,
    (bool InCache, Region Region, long RowStep) ProductRows,
    string? ProductBias,
    string InputGradientRows,
    string HiddenGradientRows,
    Region HiddenSideGradients,
    bool ClearsHiddenGradient,
    Region? PackedBias,
    string ForwardNote = ", keeping what backward needs");
