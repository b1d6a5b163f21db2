using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using static Rnn.Gen.Generator.Emit.RuntimeNames;

namespace Rnn.Gen.Generator.Emit;

/// <summary>
/// The generated code of <c>Weights = WeightPrecision.Int8</c>: the model's int8 copies of its weight matrices
/// (<c>_int8</c>, an <c>Int8Weights</c>), their indices (<c>Int8Matrices</c>), <c>QuantizeWeights()</c>, which fills
/// them from the float parameters, and the products that Step and Predict run on them. Training never reads them.
/// </summary>
/// <remarks>
/// The matrices are every two-dimensional parameter of the layers whose kind quantizes (<see cref="Int8Support.Quantized"/>:
/// W_ih and W_hh of each recurrent direction, a Dense layer's W), in the parameter table's order. Quantizing follows
/// the parameters as packing does: where the model counts parameter writes (it streams on packed weights), Step and
/// Predict quantize again only after a write; otherwise (nothing packed: Dense layers alone, at one position) at every call.
/// </remarks>
internal static class Int8WeightsCode
{
    /// <summary>The weight matrices the model quantizes, in the parameter table's order.</summary>
    public static List<ParameterPlan> Matrices(ModelPlan plan) =>
        plan.Layers.Where(layer => layer.Spec.Int8 == Int8Support.Quantized)
            .SelectMany(layer => layer.Parameters.Where(parameter => parameter.Shape.Length == 2))
            .ToList();

    /// <summary>The index of <paramref name="weight"/> among the int8 matrices: <c>Int8Matrices.Layer0WeightIh</c>.</summary>
    public static string Matrix(ParameterPlan weight) => "Int8Matrices." + weight.Region.Name.Replace(".", string.Empty);

    /// <summary><c>y = bias + W x</c> on the int8 copy of <paramref name="weight"/>.</summary>
    public static string Affine(string bias, ParameterPlan weight, string x, string y) => $"{Int8Kernels}.Affine({bias}, _int8, {Matrix(weight)}, {x}, {y});";

    /// <summary><c>y += W x</c> on the int8 copy of <paramref name="weight"/>.</summary>
    public static string MultiplyAdd(ParameterPlan weight, string x, string y) => $"{Int8Kernels}.MultiplyAdd(_int8, {Matrix(weight)}, {x}, {y});";

    /// <summary><c>y = bias + W_x x + W_h h</c> on the int8 copies, in one call (an LSTM or Elman step's two products).</summary>
    public static string AffineSum(string bias, ParameterPlan inputWeight, string x, ParameterPlan hiddenWeight, string h, string y) =>
        $"{Int8Kernels}.AffineSum({bias}, _int8, {Matrix(inputWeight)}, {x}, {Matrix(hiddenWeight)}, {h}, {y});";

    /// <summary><c>inputSide = inputBias + W_x x</c> and <c>hiddenSide = hiddenBias + W_h h</c> on the int8 copies, in one call (a GRU step's two products).</summary>
    public static string AffinePair(string inputBias, ParameterPlan inputWeight, string x, string inputSide, string hiddenBias, ParameterPlan hiddenWeight, string h, string hiddenSide) =>
        $"{Int8Kernels}.AffinePair({inputBias}, _int8, {Matrix(inputWeight)}, {x}, {inputSide}, {hiddenBias}, {Matrix(hiddenWeight)}, {h}, {hiddenSide});";

    /// <summary>The statement that brings <c>_int8</c> up to the parameters, run when <paramref name="condition"/> holds (or always, for null).</summary>
    public static string Refresh(ModelPlan plan, string? condition = null)
    {
        List<string> conditions = new();
        if (condition is not null)
        {
            conditions.Add(condition);
        }

        if (plan.TracksParameterWrites)
        {
            conditions.Add("_int8At != _parameterWrites.Value");
        }

        string call = "QuantizeWeights(); // int8 weights from the parameters as they are now";
        return conditions.Count == 0 ? call : $"if ({string.Join(" && ", conditions)}) {call}";
    }

    /// <summary>The fields, the matrix indices and <c>QuantizeWeights()</c>; nothing for a float32 model.</summary>
    public static void EmitMembers(CodeWriter w, ModelPlan plan)
    {
        if (!plan.Spec.Int8Weights)
        {
            return;
        }

        List<ParameterPlan> matrices = Matrices(plan);
        string shapes = string.Join(", ", matrices.Select(m => $"{m.Shape[0].ToString(CultureInfo.InvariantCulture)}, {m.Shape[1].ToString(CultureInfo.InvariantCulture)}"));
        w.Line();
        w.Line($"private readonly {Int8Weights} _int8 = new({shapes}); // Weights = Int8: each weight matrix [rows, columns] quantized per row, for Step and Predict");
        if (plan.TracksParameterWrites)
        {
            w.Line("private int _int8At = -1; // _parameterWrites when _int8 was last quantized: Step and Predict quantize again when they differ");
        }

        w.Line();
        w.Summary("The index of each weight matrix in <c>_int8</c>.");
        using (w.Block("private static class Int8Matrices"))
        {
            for (int i = 0; i < matrices.Count; i++)
            {
                w.Line($"public const int {Matrix(matrices[i]).Substring("Int8Matrices.".Length)} = {i.ToString(CultureInfo.InvariantCulture)}; // {matrices[i].Described}");
            }
        }

        w.Line();
        w.Summary("Quantizes every weight matrix per row into <c>_int8</c> (scale = max|row| / 127), from the float parameters, which training keeps. "
            + (plan.TracksParameterWrites ? "Step and Predict call it after the parameters were handed out for writing." : "Step and Predict call it at every call."));
        using (w.Block("private void QuantizeWeights()"))
        {
            if (plan.TracksParameterWrites)
            {
                w.Line("_int8At = _parameterWrites.Value;");
            }

            w.Line($"{ReadOnlySpan} p = _parameters;");
            foreach (ParameterPlan matrix in matrices)
            {
                w.Line($"_int8.Quantize({Matrix(matrix)}, {CodeWriter.Slice("p", matrix.Region)}); // {matrix.Described}");
            }
        }
    }
}
