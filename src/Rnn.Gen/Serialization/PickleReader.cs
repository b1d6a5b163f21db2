using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Rnn.Gen.Serialization;

/// <summary>
/// A restricted reader of the pickle that <c>torch.save(state_dict)</c> writes (<c>data.pkl</c>, protocol 2, and the
/// framing opcodes of protocols 4 and 5). It builds inert values only: strings, integers, floats, booleans, None,
/// tuples, lists, dicts, and the few objects a state_dict is made of (<see cref="PickleStorage"/>,
/// <see cref="PickleTensor"/>, ordered dictionaries). It never imports or calls anything: a <c>GLOBAL</c> is accepted
/// only from a fixed list (<c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>,
/// <c>torch._utils._rebuild_parameter</c> and the float storage types), a <c>REDUCE</c> only applies one of those, and
/// every other global or opcode is refused with an <see cref="InvalidDataException"/> that names it and its byte
/// offset.
/// </summary>
internal sealed class PickleReader
{
    /// <summary>The deepest MARK nesting accepted (a state_dict nests three or four).</summary>
    private const int MaxMarks = 1000;

    /// <summary>The most dimensions a tensor may have.</summary>
    internal const int MaxDimensions = 64;

    private static readonly object MarkObject = new();

    private readonly byte[] _bytes;
    private readonly List<object?> _stack = new();
    private readonly List<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _position;
    private int _opcodeStart;

    private PickleReader(byte[] bytes) => _bytes = bytes;

    /// <summary>The callables a state_dict's pickle may name, and nothing else.</summary>
    internal enum Callable
    {
        OrderedDict,
        RebuildTensorV2,
        RebuildParameter,
    }

    /// <summary>A storage type global (<c>torch.FloatStorage</c> …), as the persistent id of a storage names it.</summary>
    internal sealed record StorageType(string Name, SafeTensorsDType DType);

    /// <summary>A tuple (distinct from a list, which is mutable and built by APPEND).</summary>
    internal sealed record PickleTuple(object?[] Items);

    /// <summary>A dict or an OrderedDict: its entries in insertion order (keys as given; a repeated key is kept twice, for the caller to refuse).</summary>
    internal sealed class PickleDict(bool ordered)
    {
        public bool Ordered { get; } = ordered;

        public List<KeyValuePair<object?, object?>> Entries { get; } = new();
    }

    /// <summary>A storage named by a persistent id: <c>('storage', torch.FloatStorage, key, location, numel)</c>.</summary>
    internal sealed record PickleStorage(string Key, StorageType Type, string Location, long ElementCount);

    /// <summary>What <c>_rebuild_tensor_v2(storage, offset, size, stride, ...)</c> describes: a view of a storage, not yet checked against it.</summary>
    internal sealed record PickleTensor(PickleStorage Storage, long Offset, long[] Shape, long[] Strides);

    /// <summary>Reads a whole pickle: the value its STOP returns. Nothing may follow the STOP.</summary>
    /// <exception cref="InvalidDataException">The pickle is malformed or uses an opcode or global a state_dict does not.</exception>
    public static object? Read(byte[] pickle) => new PickleReader(pickle).Run();

    private object? Run()
    {
        while (true)
        {
            _opcodeStart = _position;
            byte opcode = ReadByte();
            switch (opcode)
            {
                case 0x80: // PROTO
                    byte protocol = ReadByte();
                    if (protocol is < 2 or > 5)
                    {
                        throw Error($"pickle protocol {protocol}; torch.save writes protocol 2 (up to 5 is read)");
                    }

                    break;
                case 0x95: // FRAME: an 8-byte length; the frame's opcodes follow inline
                    Take(8);
                    break;
                case (byte)'.': // STOP
                    object? result = Pop();
                    if (_position != _bytes.Length)
                    {
                        throw Error($"{_bytes.Length - _position} bytes follow the pickle's STOP");
                    }

                    return result;
                case (byte)'(': // MARK
                    if (_marks.Count >= MaxMarks)
                    {
                        throw Error($"more than {MaxMarks} nested MARKs");
                    }

                    _marks.Add(_stack.Count);
                    _stack.Add(MarkObject);
                    break;
                case (byte)'0': // POP
                    Pop();
                    break;
                case (byte)'1': // POP_MARK
                    PopToMark();
                    break;
                case (byte)'2': // DUP
                    Push(Peek());
                    break;
                case (byte)'N': // NONE
                    Push(null);
                    break;
                case 0x88: // NEWTRUE
                    Push(true);
                    break;
                case 0x89: // NEWFALSE
                    Push(false);
                    break;
                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
                    break;
                case (byte)'K': // BININT1
                    Push((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
                    break;
                case 0x8a: // LONG1
                    Push(ReadLong(ReadByte()));
                    break;
                case (byte)'G': // BINFLOAT: big-endian double
                    Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                    break;
                case (byte)'X': // BINUNICODE
                    Push(ReadString(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    Push(ReadString(ReadByte()));
                    break;
                case 0x8d: // BINUNICODE8
                    Push(ReadString(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))));
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(new PickleTuple(Array.Empty<object?>()));
                    break;
                case 0x85: // TUPLE1
                    Push(new PickleTuple(new[] { Pop() }));
                    break;
                case 0x86: // TUPLE2
                {
                    object? second = Pop();
                    object? first = Pop();
                    Push(new PickleTuple(new[] { first, second }));
                    break;
                }

                case 0x87: // TUPLE3
                {
                    object? third = Pop();
                    object? second = Pop();
                    object? first = Pop();
                    Push(new PickleTuple(new[] { first, second, third }));
                    break;
                }

                case (byte)'t': // TUPLE
                    Push(new PickleTuple(PopToMark()));
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(new List<object?>());
                    break;
                case (byte)'l': // LIST
                    Push(new List<object?>(PopToMark()));
                    break;
                case (byte)'a': // APPEND
                {
                    object? item = Pop();
                    Expect<List<object?>>(Peek(), "APPEND's target").Add(item);
                    break;
                }

                case (byte)'e': // APPENDS
                {
                    object?[] items = PopToMark();
                    Expect<List<object?>>(Peek(), "APPENDS's target").AddRange(items);
                    break;
                }

                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDict(ordered: false));
                    break;
                case (byte)'d': // DICT
                {
                    object?[] items = PopToMark();
                    var dict = new PickleDict(ordered: false);
                    AddPairs(dict, items);
                    Push(dict);
                    break;
                }

                case (byte)'s': // SETITEM
                {
                    object? value = Pop();
                    object? key = Pop();
                    Expect<PickleDict>(Peek(), "SETITEM's target").Entries.Add(new(key, value));
                    break;
                }

                case (byte)'u': // SETITEMS
                {
                    object?[] items = PopToMark();
                    AddPairs(Expect<PickleDict>(Peek(), "SETITEMS's target"), items);
                    break;
                }

                case (byte)'q': // BINPUT
                    _memo[ReadByte()] = Peek();
                    break;
                case (byte)'r': // LONG_BINPUT
                    _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek();
                    break;
                case 0x94: // MEMOIZE
                    _memo[_memo.Count] = Peek();
                    break;
                case (byte)'h': // BINGET
                    Push(Recall(ReadByte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))));
                    break;
                case (byte)'c': // GLOBAL: "module\nname\n"
                {
                    string module = ReadLine();
                    string name = ReadLine();
                    Push(Global(module, name));
                    break;
                }

                case 0x93: // STACK_GLOBAL
                {
                    object? name = Pop();
                    object? module = Pop();
                    if (module is not string m || name is not string n)
                    {
                        throw Error("STACK_GLOBAL without a module and a name as strings");
                    }

                    Push(Global(m, n));
                    break;
                }

                case (byte)'Q': // BINPERSID
                    Push(PersistentLoad(Pop()));
                    break;
                case (byte)'R': // REDUCE
                {
                    object? arguments = Pop();
                    object? callable = Pop();
                    Push(Reduce(callable, arguments));
                    break;
                }

                case (byte)'b': // BUILD
                {
                    object? state = Pop();
                    Build(Peek(), state);
                    break;
                }

                default:
                    throw Error($"opcode 0x{opcode:x2} ({OpcodeName(opcode)}) is not one a state_dict's pickle uses; it is refused, and nothing in the file is run");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The whitelist: what GLOBAL may name, REDUCE may apply, BINPERSID may load and BUILD may set.
    // ---------------------------------------------------------------------------------------------------------------

    private object Global(string module, string name)
    {
        switch (module, name)
        {
            case ("collections", "OrderedDict"):
                return Callable.OrderedDict;
            case ("torch._utils", "_rebuild_tensor_v2"):
                return Callable.RebuildTensorV2;
            case ("torch._utils", "_rebuild_parameter"):
                return Callable.RebuildParameter;
            case ("torch", "FloatStorage"):
                return new StorageType(name, SafeTensorsDType.F32);
            case ("torch", "DoubleStorage"):
                return new StorageType(name, SafeTensorsDType.F64);
            case ("torch", "HalfStorage"):
                return new StorageType(name, SafeTensorsDType.F16);
            case ("torch", "BFloat16Storage"):
                return new StorageType(name, SafeTensorsDType.BF16);
        }

        if (module == "torch" && name.EndsWith("Storage", StringComparison.Ordinal))
        {
            throw Error($"the storage type torch.{name} is not a float storage; parameters load from torch.FloatStorage, "
                + "DoubleStorage, HalfStorage or BFloat16Storage (float32, float64, float16, bfloat16) only");
        }

        throw Error($"the pickle names the global '{module}.{name}', which a state_dict does not use; only collections.OrderedDict, "
            + "torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and the float storage types are accepted. "
            + "The file is refused unread: nothing in it is run");
    }

    private object PersistentLoad(object? id)
    {
        // torch.save's persistent id of a storage: ('storage', storage type, key, location, element count).
        if (id is PickleTuple { Items: [string tag, var type, var key, var location, var count] } && tag == "storage")
        {
            if (type is not StorageType storageType)
            {
                throw Error("a storage's persistent id does not name a storage type");
            }

            if (key is not string k || location is not string l || count is not long n)
            {
                throw Error("a storage's persistent id is not ('storage', type, key, location, element count)");
            }

            if (n < 0)
            {
                throw Error($"storage '{k}' has a negative element count ({n})");
            }

            return new PickleStorage(k, storageType, l, n);
        }

        throw Error("a persistent id that is not a storage's ('storage', type, key, location, element count)");
    }

    private object? Reduce(object? callable, object? arguments)
    {
        if (arguments is not PickleTuple { Items: var args })
        {
            throw Error("REDUCE's arguments are not a tuple");
        }

        switch (callable)
        {
            case Callable.OrderedDict:
            {
                // OrderedDict() or OrderedDict(pairs); torch.save writes OrderedDict() and PyBridge OrderedDict(()).
                var dict = new PickleDict(ordered: true);
                if (args.Length == 1 && args[0] is PickleTuple or List<object?>)
                {
                    IReadOnlyList<object?> pairs = args[0] is PickleTuple t ? t.Items : (List<object?>)args[0]!;
                    foreach (object? pair in pairs)
                    {
                        if (pair is not PickleTuple { Items: [var key, var value] })
                        {
                            throw Error("OrderedDict(...) with an argument that is not a sequence of pairs");
                        }

                        dict.Entries.Add(new(key, value));
                    }
                }
                else if (args.Length != 0)
                {
                    throw Error($"OrderedDict(...) with {args.Length} arguments");
                }

                return dict;
            }

            case Callable.RebuildTensorV2:
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (args is not [PickleStorage storage, long offset, PickleTuple size, PickleTuple stride, bool, PickleDict hooks, ..]
                    || args.Length > 7)
                {
                    throw Error("_rebuild_tensor_v2's arguments are not (storage, offset, size, stride, requires_grad, backward_hooks)");
                }

                if (hooks.Entries.Count != 0)
                {
                    throw Error("a tensor with backward hooks (a state_dict has none)");
                }

                return new PickleTensor(storage, offset, Integers(size, "size"), Integers(stride, "stride"));
            case Callable.RebuildParameter:
                // (data, requires_grad, backward_hooks): the parameter is its data.
                if (args is not [PickleTensor data, bool, PickleDict parameterHooks] || parameterHooks.Entries.Count != 0)
                {
                    throw Error("_rebuild_parameter's arguments are not (tensor, requires_grad, empty backward_hooks)");
                }

                return data;
            case StorageType type:
                throw Error($"torch.{type.Name} called as a function (a storage is only named by a persistent id)");
            default:
                throw Error($"REDUCE applies {Describe(callable)}, which is not a callable");
        }
    }

    private void Build(object? target, object? state)
    {
        // An OrderedDict state_dict carries one attribute, _metadata (module versions): BUILD sets it, and it is ignored.
        if (target is not PickleDict { Ordered: true } || state is not PickleDict attributes)
        {
            throw Error($"BUILD sets the state of {Describe(target)}; only an OrderedDict's attributes (its _metadata) may be set");
        }

        foreach (KeyValuePair<object?, object?> attribute in attributes.Entries)
        {
            if (attribute.Key is not string)
            {
                throw Error("BUILD with an attribute name that is not a string");
            }
        }
    }

    private long[] Integers(PickleTuple tuple, string what)
    {
        if (tuple.Items.Length > MaxDimensions)
        {
            throw Error($"a tensor {what} of {tuple.Items.Length} dimensions (at most {MaxDimensions} are read)");
        }

        var values = new long[tuple.Items.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = tuple.Items[i] is long value ? value : throw Error($"a tensor {what} entry that is not an integer");
        }

        return values;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading bytes and the stack
    // ---------------------------------------------------------------------------------------------------------------

    private byte ReadByte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count > _bytes.Length - _position)
        {
            throw Error($"the pickle ends inside an opcode (it needs {count} more bytes, {_bytes.Length - _position} are left)");
        }

        ReadOnlySpan<byte> span = _bytes.AsSpan(_position, (int)count);
        _position += (int)count;
        return span;
    }

    private string ReadString(ulong length)
    {
        ReadOnlySpan<byte> bytes = Take(length > int.MaxValue ? long.MaxValue : (long)length);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("a string that is not valid UTF-8");
        }
    }

    // GLOBAL's module and name: printable ASCII up to a newline, at most 256 bytes each.
    private string ReadLine()
    {
        int end = Array.IndexOf(_bytes, (byte)'\n', _position, Math.Min(257, _bytes.Length - _position));
        if (end < 0)
        {
            throw Error("GLOBAL without a newline-terminated module and name of at most 256 bytes");
        }

        for (int i = _position; i < end; i++)
        {
            if (_bytes[i] is < 0x20 or > 0x7e)
            {
                throw Error("GLOBAL with a module or name that is not printable ASCII");
            }
        }

        string line = Encoding.ASCII.GetString(_bytes, _position, end - _position);
        _position = end + 1;
        return line;
    }

    // LONG1: a little-endian two's-complement integer of n bytes; a state_dict's integers fit in 8.
    private long ReadLong(int length)
    {
        if (length > 8)
        {
            throw Error($"an integer of {length} bytes (at most 8 are read)");
        }

        ReadOnlySpan<byte> bytes = Take(length);
        long value = 0;
        for (int i = length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0)
        {
            value -= 1L << (8 * length); // sign-extend
        }

        return value;
    }

    private object? Recall(long index) =>
        _memo.TryGetValue(index, out object? value) ? value : throw Error($"memo entry {index} is read before it is written");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count - 1))
        {
            throw Error("an opcode finds no value on the stack");
        }

        return _stack[^1];
    }

    private object? Pop()
    {
        object? value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object?[] PopToMark()
    {
        if (_marks.Count == 0)
        {
            throw Error("an opcode needs a MARK and none is open");
        }

        int mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        object?[] items = _stack.GetRange(mark + 1, _stack.Count - mark - 1).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private void AddPairs(PickleDict dict, object?[] items)
    {
        if (items.Length % 2 != 0)
        {
            throw Error("a dict built from an odd number of keys and values");
        }

        for (int i = 0; i < items.Length; i += 2)
        {
            dict.Entries.Add(new(items[i], items[i + 1]));
        }
    }

    private T Expect<T>(object? value, string what) where T : class =>
        value as T ?? throw Error($"{what} is {Describe(value)}");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string => "a string",
        long => "an integer",
        double => "a float",
        bool => "a boolean",
        PickleTuple => "a tuple",
        List<object?> => "a list",
        PickleDict { Ordered: true } => "an OrderedDict",
        PickleDict => "a dict",
        PickleStorage => "a storage",
        PickleTensor => "a tensor",
        Callable or StorageType => "a global",
        _ => "a value",
    };

    private InvalidDataException Error(string problem) => new($"data.pkl, byte {_opcodeStart}: {problem}.");

    private static string OpcodeName(byte opcode) => opcode switch
    {
        (byte)'c' => "GLOBAL",
        (byte)'i' => "INST",
        (byte)'o' => "OBJ",
        0x81 => "NEWOBJ",
        0x92 => "NEWOBJ_EX",
        (byte)'P' => "PERSID",
        (byte)'S' => "STRING",
        (byte)'T' => "BINSTRING",
        (byte)'U' => "SHORT_BINSTRING",
        (byte)'V' => "UNICODE",
        (byte)'I' => "INT",
        (byte)'L' => "LONG",
        (byte)'F' => "FLOAT",
        (byte)'p' => "PUT",
        (byte)'g' => "GET",
        0x8b => "LONG4",
        0x82 => "EXT1",
        0x83 => "EXT2",
        0x84 => "EXT4",
        (byte)'B' => "BINBYTES",
        (byte)'C' => "SHORT_BINBYTES",
        0x8e => "BINBYTES8",
        0x8f => "EMPTY_SET",
        0x90 => "ADDITEMS",
        0x91 => "FROZENSET",
        0x96 => "BYTEARRAY8",
        0x97 => "NEXT_BUFFER",
        0x98 => "READONLY_BUFFER",
        _ => "unknown",
    };
}
