using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace Rnn.Gen.Benchmarks.Peers;

/// <summary>
/// ONNX Runtime peer: an ONNX model (LSTM or GRU operator, then MatMul + Add for Dense(1)) written from a generated
/// model's weights, run on one thread with IOBinding over pinned buffers (no per-call tensor allocation).
/// </summary>
/// <remarks>
/// The model is written without the onnx package: <see cref="OnnxWriter"/> emits the few protobuf messages needed.
/// Gate orders differ: ONNX's LSTM is i, o, f, c (PyTorch i, f, g, o), its GRU z, r, h (PyTorch r, z, n) and needs
/// linear_before_reset = 1 to compute PyTorch's n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).
/// </remarks>
public sealed class OnnxPeer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly List<OrtValue> _values = [];
    private readonly float[] _x, _h0, _c0, _hn, _cn, _y;
    private readonly bool _lstm, _dense, _streaming;

    /// <summary>
    /// Streaming (steps = 1, the state carried over) or whole-sequence (from a zero state) inference, of one stream or of
    /// <paramref name="batch"/> independent streams at once (X [steps, batch, I], state [1, batch, H]) on
    /// <paramref name="threads"/> intra-op threads.
    /// </summary>
    public OnnxPeer(IRnnModel model, CellKind cell, int input, int hidden, bool dense, int steps, bool streaming, int batch = 1, int threads = 1)
    {
        (_lstm, _dense, _streaming) = (cell == CellKind.Lstm, dense, streaming);
        byte[] onnx = OnnxWriter.Model(model, cell, input, hidden, dense, steps, streaming, batch);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnx, options);
        _binding = _session.CreateIoBinding();
        _x = new float[steps * batch * input];
        _h0 = new float[batch * hidden];
        _c0 = new float[batch * hidden];
        _hn = new float[batch * hidden];
        _cn = new float[batch * hidden];
        _y = new float[batch];
        long[] state = [1, batch, hidden];
        Bind(true, "X", _x, [steps, batch, input]);
        if (streaming)
        {
            Bind(true, "H0", _h0, state);
            if (_lstm)
            {
                Bind(true, "C0", _c0, state);
            }
        }

        Bind(false, "Y_h", _hn, state);
        if (_lstm)
        {
            Bind(false, "Y_c", _cn, state);
        }

        if (dense)
        {
            Bind(false, "Y", _y, [1, batch, 1]);
        }
    }

    public int OutputSize => _dense ? 1 : _h0.Length;

    private void Bind(bool input, string name, float[] buffer, long[] shape)
    {
        OrtValue value = OrtValue.CreateTensorValueFromMemory(buffer, shape);
        _values.Add(value);
        if (input)
        {
            _binding.BindInput(name, value);
        }
        else
        {
            _binding.BindOutput(name, value);
        }
    }

    public void ResetState()
    {
        Array.Clear(_h0);
        Array.Clear(_c0);
    }

    /// <summary>Streams one step per row of <paramref name="inputs"/> [count, I].</summary>
    public void StepBlock(ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        int i = _x.Length, o = OutputSize;
        for (int k = 0; k < count; k++)
        {
            inputs.Slice(k * i, i).CopyTo(_x);
            _session.RunWithBinding(_runOptions, _binding);
            _hn.CopyTo(_h0);
            if (_lstm)
            {
                _cn.CopyTo(_c0);
            }

            (_dense ? _y : _hn).AsSpan().CopyTo(outputs.Slice(k * o, o));
        }
    }

    /// <summary>One step of every stream: <paramref name="inputs"/> [N, I], <paramref name="outputs"/> [N, 1] (Dense) or [N, H].</summary>
    public void Step(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        inputs.CopyTo(_x);
        _session.RunWithBinding(_runOptions, _binding);
        _hn.CopyTo(_h0);
        if (_lstm)
        {
            _cn.CopyTo(_c0);
        }

        (_dense ? _y : _hn).AsSpan().CopyTo(outputs);
    }

    /// <summary>Many-to-one over a whole sequence [steps, I] from a zero state.</summary>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        input.CopyTo(_x);
        _session.RunWithBinding(_runOptions, _binding);
        (_dense ? _y : _hn).AsSpan().CopyTo(output);
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (OrtValue value in _values)
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
    }
}

/// <summary>Writes the ONNX protobuf (ModelProto, IR version 8, opset 17) of a single recurrent layer + optional Dense(1).</summary>
public static class OnnxWriter
{
    public static byte[] Model(IRnnModel model, CellKind cell, int input, int hidden, bool dense, int steps, bool streaming, int batch = 1)
    {
        Dictionary<string, float[]> p = model.ParameterLayout.ToDictionary(e => e.Name, e => model.Parameters.Slice(e.Offset, e.Length).ToArray());
        bool lstm = cell == CellKind.Lstm;
        // PyTorch's gate blocks, in the order ONNX wants them.
        int[] order = lstm ? [0, 3, 1, 2] : [1, 0, 2];
        int gates = order.Length;
        float[] w = Reorder(p["0.weight_ih_l0"], order, hidden * input);
        float[] r = Reorder(p["0.weight_hh_l0"], order, hidden * hidden);
        float[] b = [.. Reorder(p["0.bias_ih_l0"], order, hidden), .. Reorder(p["0.bias_hh_l0"], order, hidden)];

        var graph = new Proto();
        var node = new Proto();
        string[] inputs = lstm
            ? ["X", "W", "R", "B", "", streaming ? "H0" : "", streaming ? "C0" : ""]
            : ["X", "W", "R", "B", "", streaming ? "H0" : ""];
        foreach (string name in inputs.Reverse().SkipWhile(n => n.Length == 0).Reverse())
        {
            node.String(1, name);
        }

        foreach (string name in lstm ? new[] { "", "Y_h", "Y_c" } : ["", "Y_h"])
        {
            node.String(2, name);
        }

        node.String(3, "rnn");
        node.String(4, lstm ? "LSTM" : "GRU");
        node.Message(5, IntAttribute("hidden_size", hidden));
        if (!lstm)
        {
            node.Message(5, IntAttribute("linear_before_reset", 1));
        }

        graph.Message(1, node);
        if (dense)
        {
            var matMul = new Proto();
            matMul.String(1, "Y_h").String(1, "WdT").String(2, "Yd").String(3, "dense_matmul").String(4, "MatMul");
            graph.Message(1, matMul);
            var add = new Proto();
            add.String(1, "Yd").String(1, "bd").String(2, "Y").String(3, "dense_add").String(4, "Add");
            graph.Message(1, add);
        }

        graph.String(2, "rnn_gen_peer");
        graph.Message(5, Tensor("W", [1, gates * hidden, input], w));
        graph.Message(5, Tensor("R", [1, gates * hidden, hidden], r));
        graph.Message(5, Tensor("B", [1, 2 * gates * hidden], b));
        if (dense)
        {
            graph.Message(5, Tensor("WdT", [hidden, 1], p["1.weight"])); // [1, H] row-major is [H, 1] transposed
            graph.Message(5, Tensor("bd", [1], p["1.bias"]));
        }

        graph.Message(11, ValueInfo("X", [steps, batch, input]));
        if (streaming)
        {
            graph.Message(11, ValueInfo("H0", [1, batch, hidden]));
            if (lstm)
            {
                graph.Message(11, ValueInfo("C0", [1, batch, hidden]));
            }
        }

        graph.Message(12, ValueInfo("Y_h", [1, batch, hidden]));
        if (lstm)
        {
            graph.Message(12, ValueInfo("Y_c", [1, batch, hidden]));
        }

        if (dense)
        {
            graph.Message(12, ValueInfo("Y", [1, batch, 1]));
        }

        var opset = new Proto().String(1, "").Varint(2, 17);
        var modelProto = new Proto().Varint(1, 8).String(2, "Rnn.Gen.Benchmarks").Message(7, graph).Message(8, opset);
        return modelProto.ToArray();
    }

    private static float[] Reorder(float[] source, int[] order, int block)
    {
        var result = new float[source.Length];
        for (int k = 0; k < order.Length; k++)
        {
            Array.Copy(source, order[k] * block, result, k * block, block);
        }

        return result;
    }

    private static Proto IntAttribute(string name, long value) => new Proto().String(1, name).Varint(3, value).Varint(20, 2); // type INT

    private static Proto Tensor(string name, long[] dims, float[] values)
    {
        var t = new Proto();
        foreach (long d in dims)
        {
            t.Varint(1, d);
        }

        return t.Varint(2, 1).String(8, name).Bytes(9, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()); // FLOAT, raw_data
    }

    private static Proto ValueInfo(string name, long[] dims)
    {
        var shape = new Proto();
        foreach (long d in dims)
        {
            shape.Message(1, new Proto().Varint(1, d));
        }

        var tensorType = new Proto().Varint(1, 1).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    /// <summary>A protobuf message under construction: fields appended in the order written.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _stream = new();

        public Proto Varint(int field, long value)
        {
            Key(field, 0);
            WriteVarint((ulong)value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public Proto Bytes(int field, byte[] value)
        {
            Key(field, 2);
            WriteVarint((ulong)value.Length);
            _stream.Write(value);
            return this;
        }

        public byte[] ToArray() => _stream.ToArray();

        private void Key(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.WriteByte((byte)value);
        }
    }
}
