using System;
using System.Collections.Generic;

namespace Rnn.Gen.Export.Onnx;

/// <summary>
/// The ONNX messages the exporter writes (onnx/onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto,
/// TensorProto, ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto), each a function of its fields. The
/// field numbers are onnx.proto's; repeated scalars are written unpacked, as onnx.proto (proto2) declares them.
/// </summary>
internal static class OnnxProto
{
    /// <summary>The ONNX IR version of opset 17's release (ONNX 1.12).</summary>
    public const long IrVersion = 8;

    /// <summary>TensorProto.DataType: FLOAT.</summary>
    public const int Float = 1;

    /// <summary>TensorProto.DataType: INT32.</summary>
    public const int Int32 = 6;

    /// <summary>TensorProto.DataType: INT64.</summary>
    public const int Int64 = 7;

    public static ProtoWriter Model(ProtoWriter graph, long opset, string producerVersion, string docString) => new ProtoWriter()
        .Varint(1, IrVersion)                                    // ir_version
        .String(2, "Rnn.Gen")                                    // producer_name
        .String(3, producerVersion)                              // producer_version
        .String(6, docString)                                    // doc_string
        .Message(7, graph)                                       // graph
        .Message(8, new ProtoWriter().String(1, string.Empty).Varint(2, opset)); // opset_import: the default domain

    public static ProtoWriter Graph(string name, string docString, IEnumerable<ProtoWriter> nodes, IEnumerable<ProtoWriter> initializers, IEnumerable<ProtoWriter> inputs, ProtoWriter output)
    {
        var graph = new ProtoWriter();
        foreach (ProtoWriter node in nodes)
        {
            graph.Message(1, node);                              // node
        }

        graph.String(2, name);                                   // name
        foreach (ProtoWriter initializer in initializers)
        {
            graph.Message(5, initializer);                       // initializer
        }

        graph.String(10, docString);                             // doc_string
        foreach (ProtoWriter input in inputs)
        {
            graph.Message(11, input);                            // input
        }

        return graph.Message(12, output);                        // output
    }

    public static ProtoWriter Node(string name, string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, IEnumerable<OnnxAttribute> attributes)
    {
        var node = new ProtoWriter();
        foreach (string input in inputs)
        {
            node.String(1, input);                               // input ("" for an omitted optional input)
        }

        foreach (string output in outputs)
        {
            node.String(2, output);                              // output
        }

        node.String(3, name).String(4, opType);                  // name, op_type
        foreach (OnnxAttribute attribute in attributes)
        {
            node.Message(5, attribute.ToProto());                // attribute
        }

        return node;
    }

    /// <summary>A float tensor, its values as raw_data (little-endian).</summary>
    public static ProtoWriter Tensor(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values)
    {
        var tensor = new ProtoWriter();
        foreach (long dim in dims)
        {
            tensor.Varint(1, dim);                               // dims
        }

        return tensor.Varint(2, Float).String(8, name).Floats(9, values); // data_type, name, raw_data
    }

    /// <summary>An int64 tensor (shapes, axes, indices), its values as raw_data (little-endian).</summary>
    public static ProtoWriter Tensor(string name, ReadOnlySpan<long> dims, ReadOnlySpan<long> values)
    {
        var tensor = new ProtoWriter();
        foreach (long dim in dims)
        {
            tensor.Varint(1, dim);
        }

        byte[] raw = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        }

        return tensor.Varint(2, Int64).String(8, name).Bytes(9, raw);
    }

    /// <summary>A graph input or output: its name, element type and shape, each dimension a size or a symbolic name (<c>batch</c>).</summary>
    public static ProtoWriter ValueInfo(string name, int elementType, IEnumerable<object> dims)
    {
        var shape = new ProtoWriter();
        foreach (object dim in dims)
        {
            var dimension = dim is string symbol
                ? new ProtoWriter().String(2, symbol)            // dim_param
                : new ProtoWriter().Varint(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture)); // dim_value
            shape.Message(1, dimension);                         // TensorShapeProto.dim
        }

        var tensorType = new ProtoWriter().Varint(1, elementType).Message(2, shape); // TypeProto.Tensor: elem_type, shape
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType)); // name, type.tensor_type
    }
}

/// <summary>A node's attribute (AttributeProto): a name and one value of an int, ints, float, string or strings.</summary>
internal readonly struct OnnxAttribute
{
    private readonly string _name;
    private readonly int _type;
    private readonly long[]? _ints;
    private readonly float _float;
    private readonly string[]? _strings;

    private OnnxAttribute(string name, int type, long[]? ints = null, float value = 0, string[]? strings = null)
    {
        _name = name;
        _type = type;
        _ints = ints;
        _float = value;
        _strings = strings;
    }

    public static OnnxAttribute Int(string name, long value) => new(name, 2, ints: [value]);

    public static OnnxAttribute Ints(string name, params long[] values) => new(name, 7, ints: values);

    public static OnnxAttribute Float(string name, float value) => new(name, 1, value: value);

    public static OnnxAttribute String(string name, string value) => new(name, 3, strings: [value]);

    public static OnnxAttribute Strings(string name, params string[] values) => new(name, 8, strings: values);

    public ProtoWriter ToProto()
    {
        var attribute = new ProtoWriter().String(1, _name);     // name
        switch (_type)
        {
            case 1:
                attribute.Float(2, _float);                      // f
                break;
            case 2:
                attribute.Varint(3, _ints![0]);                  // i
                break;
            case 3:
                attribute.String(4, _strings![0]);               // s
                break;
            case 7:
                foreach (long value in _ints!)
                {
                    attribute.Varint(8, value);                  // ints
                }

                break;
            case 8:
                foreach (string value in _strings!)
                {
                    attribute.String(9, value);                  // strings
                }

                break;
            default:
                throw new InvalidOperationException($"No attribute type {_type} is written.");
        }

        return attribute.Varint(20, _type);                      // type: FLOAT 1, INT 2, STRING 3, INTS 7, STRINGS 8
    }
}
