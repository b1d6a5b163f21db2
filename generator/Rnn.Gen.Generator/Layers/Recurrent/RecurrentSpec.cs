using System;
using Rnn.Gen.Generator.Diagnostics;
using Rnn.Gen.Generator.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Parsing;

namespace Rnn.Gen.Generator.Layers.Recurrent;

/// <summary>Mirror of <c>Rnn.Gen.MergeMode</c>: how a bidirectional layer combines its two directions.</summary>
internal enum MergeModeKind
{
    Concat = 0,
    Sum = 1,
    Multiply = 2,
    Average = 3,
}

/// <summary>What every recurrent layer declares, whatever its cell.</summary>
/// <param name="Hidden">The hidden size, per direction.</param>
/// <param name="ReturnSequences">Return every step (true) or the last (false).</param>
/// <param name="Bidirectional">Run a second direction from the last step to the first.</param>
/// <param name="MergeMode">How a bidirectional layer merges its directions.</param>
/// <param name="Dropout">Input dropout rate in [0, 1), training only.</param>
/// <param name="RecurrentDropout">Recurrent (variational) dropout rate in [0, 1) on h_(t-1) in W_hh h_(t-1), training only.</param>
/// <param name="Penalties">Keras-style L1/L2 penalties per tensor kind.</param>
internal sealed record RecurrentOptions(int Hidden, bool ReturnSequences, bool Bidirectional, MergeModeKind MergeMode, double Dropout, double RecurrentDropout, Penalties Penalties);

/// <summary>A recurrent layer of any cell: its <see cref="RecurrentOptions"/>; each cell's spec derives from it.</summary>
internal abstract record RecurrentSpec(RecurrentOptions Options) : LayerSpec
{
    public override Int8Support Int8 => Int8Support.Quantized;

    public int Hidden => Options.Hidden;

    public bool Bidirectional => Options.Bidirectional;

    public override bool IsRecurrent => true;

    public override bool ReturnsSequence => Options.ReturnSequences;

    public override bool ReadsWholeSequence => Options.Bidirectional;

    public override string Signature => $"{Kind.Name}({Hidden})";

    public override string DecoderSignature => Options.Bidirectional ? $"{Kind.Name}({OutputSize(0)})" : Signature;

    public override string? UnmergeableFinalStates =>
        Options.Bidirectional && Options.MergeMode is not (MergeModeKind.Concat or MergeModeKind.Sum) ? Options.MergeMode.ToString() : null;

    public override LayerSpec ReturningSequence() => this with { Options = Options with { ReturnSequences = true } };

    /// <summary>The cell's declared activation (the Elman cell's Tanh or Relu), or null for cells with fixed activations.</summary>
    public virtual ActivationKind? CellActivation => null;

    public override int OutputSize(int inputSize) => Options.Bidirectional && Options.MergeMode == MergeModeKind.Concat ? 2 * Hidden : Hidden;
}

/// <summary>
/// What the recurrent kinds share: one attribute shape (<c>[Lstm(hiddenSize, …)]</c>) read and validated the same way,
/// one plan of one or two directions, one layer emitter; each kind adds its cell.
/// </summary>
internal abstract class RecurrentKind<TSpec, TPlan> : LayerKind<TSpec, TPlan>
    where TSpec : RecurrentSpec
    where TPlan : RecurrentPlan
{
    public sealed override LayerSpec? Parse(AttributeReader attribute)
    {
        if (!attribute.TryGetArgument(0, out int hidden))
        {
            return null; // the compiler reports the malformed attribute
        }

        bool valid = attribute.CheckPositive($"The hidden size of [{attribute.Display}]", hidden, attribute.ArgumentLocation(0, "hiddenSize"));
        if (attribute.HasMalformedNamedArgument)
        {
            return null;
        }

        double? dropout = LayerOptions.Dropout(attribute, "Dropout");
        double? recurrentDropout = LayerOptions.Dropout(attribute, "RecurrentDropout");
        Penalties? penalties = LayerOptions.ReadPenalties(attribute);
        ActivationKind? activation = CellActivation(attribute);
        bool bidirectional = attribute.Named<bool>("Bidirectional") ?? false;
        MergeModeKind? mergeMode = attribute.Named<int>("MergeMode") is int mode ? (MergeModeKind)mode : null;
        if (mergeMode is { } merge && !Enum.IsDefined(typeof(MergeModeKind), merge))
        {
            attribute.Report(DiagnosticDescriptors.UnsupportedMergeMode, attribute.NamedArgumentLocation("MergeMode"), attribute.Display,
                ((int)merge).ToString(System.Globalization.CultureInfo.InvariantCulture));
            valid = false;
        }
        else if (mergeMode is not null && !bidirectional)
        {
            attribute.Report(DiagnosticDescriptors.MergeModeWithoutBidirectional, attribute.NamedArgumentLocation("MergeMode"), attribute.Display);
        }

        if (!valid || dropout is null || recurrentDropout is null || penalties is null || activation is null)
        {
            return null;
        }

        var options = new RecurrentOptions(hidden, attribute.Named<bool>("ReturnSequences") ?? false, bidirectional, mergeMode ?? MergeModeKind.Concat, dropout.Value, recurrentDropout.Value, penalties);
        return CreateSpec(options, activation.Value);
    }

    /// <summary>The cell's activation option, validated (null with a diagnostic); cells without one return <see cref="ActivationKind.Identity"/>.</summary>
    protected virtual ActivationKind? CellActivation(AttributeReader attribute) => ActivationKind.Identity;

    /// <summary>The kind's spec from the validated options.</summary>
    protected abstract TSpec CreateSpec(RecurrentOptions options, ActivationKind activation);

    protected sealed override LayerEmitter CreateEmitter(TPlan plan) => new RecurrentEmitter(plan, (owner, direction) => CreateCell(owner, plan, direction));

    /// <summary>The emitter of one direction of the kind's cell, for the layer emitter <paramref name="owner"/>.</summary>
    protected abstract CellEmitter CreateCell(LayerEmitter owner, TPlan plan, RecurrentDirection direction);
}
