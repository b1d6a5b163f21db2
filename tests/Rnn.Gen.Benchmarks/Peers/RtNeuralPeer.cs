using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Rnn.Gen.Benchmarks.Peers;

/// <summary>
/// RTNeural (compile-time API: ModelT with LSTMLayerT / GRULayerT and DenseT) through the C interface of
/// Peers/RTNeural/rtneural_peer.cpp, built by Peers/RTNeural/build.sh into one shared library per back end and
/// instruction set. The generated model's weights are handed over in PyTorch's layout and rearranged on the C++ side;
/// the setups check that RTNeural's outputs equal Rnn.Gen's. Optional: without <c>--rtneural DIR</c> (the folder
/// build.sh wrote) the RTNeural benchmarks are left out and the results say "not measured".
/// </summary>
public sealed unsafe class RtNeuralPeer : IDisposable
{
    /// <summary>The four builds, by benchmark method name: library file and the name the results table gives it.</summary>
    public static readonly IReadOnlyList<(string Method, string File, string Label)> Variants =
    [
        ("RtNeuralEigenNative", "librtneural_eigen_native.so", "Eigen, -march=native"),
        ("RtNeuralEigenAvx2", "librtneural_eigen_avx2.so", "Eigen, AVX2"),
        ("RtNeuralXsimdNative", "librtneural_xsimd_native.so", "xsimd, -march=native"),
        ("RtNeuralXsimdAvx2", "librtneural_xsimd_avx2.so", "xsimd, AVX2"),
    ];

    private static readonly Dictionary<string, Library> s_libraries = [];

    /// <summary>The folder holding the libraries build.sh wrote; null when RTNeural is not measured.</summary>
    public static string? Directory { get; set; }

    /// <summary>Whether the library behind a benchmark method (one of <see cref="Variants"/>) exists.</summary>
    public static bool Has(string method) =>
        Directory is not null && Variants.Any(v => v.Method == method && File.Exists(Path.Combine(Directory, v.File)));

    public static string Label(string method) => Variants.First(v => v.Method == method).Label;

    private readonly Library _library;
    private nint _handle;

    public RtNeuralPeer(string method, IRnnModel model, CellKind cell, int input, int hidden, bool dense)
    {
        _library = Load(method);
        Dictionary<string, ParameterInfo> layout = model.ParameterLayout.ToDictionary(p => p.Name);
        float[] Get(string name) => layout.TryGetValue(name, out ParameterInfo? info)
            ? model.Parameters.Slice(info.Offset, info.Length).ToArray()
            : throw new InvalidOperationException($"The generated model has no parameter '{name}' (has: {string.Join(", ", layout.Keys)}).");

        float[] wIh = Get("0.weight_ih_l0"), wHh = Get("0.weight_hh_l0"), bIh = Get("0.bias_ih_l0"), bHh = Get("0.bias_hh_l0");
        float[] denseW = dense ? Get("1.weight") : [0f], denseB = dense ? Get("1.bias") : [0f];
        fixed (float* a = wIh, b = wHh, c = bIh, d = bHh, e = denseW, f = denseB)
        {
            _handle = _library.Create(cell == CellKind.Lstm ? 0 : 1, input, hidden, dense ? 1 : 0, a, b, c, d, dense ? e : null, dense ? f : null);
        }

        if (_handle == 0)
        {
            throw new InvalidOperationException($"{_library.Variant}: no RTNeural model compiled for {cell} I={input} H={hidden} dense={dense} (see rtneural_peer.cpp).");
        }
    }

    /// <summary>The back end and instruction set the library reports it was compiled for.</summary>
    public string Variant => _library.Variant;

    public void ResetState() => _library.Reset(_handle);

    public void StepBlock(float[] inputs, float[] outputs, int samples)
    {
        fixed (float* i = inputs, o = outputs)
        {
            _library.StepBlock(_handle, i, o, samples);
        }
    }

    public void Predict(float[] input, float[] output, int steps)
    {
        fixed (float* i = input)
        {
            output[0] = _library.Predict(_handle, i, steps);
        }
    }

    public void Dispose()
    {
        if (_handle != 0)
        {
            _library.Destroy(_handle);
            _handle = 0;
        }
    }

    private static Library Load(string method)
    {
        lock (s_libraries)
        {
            if (!s_libraries.TryGetValue(method, out Library? library))
            {
                string file = Variants.First(v => v.Method == method).File;
                string path = Path.Combine(Directory ?? throw new InvalidOperationException("RTNeural is not measured (no --rtneural DIR)."), file);
                library = new Library(NativeLibrary.Load(path));
                s_libraries[method] = library;
            }

            return library;
        }
    }

    private sealed class Library(nint module)
    {
        public readonly delegate* unmanaged<int, int, int, int, float*, float*, float*, float*, float*, float*, nint> Create =
            (delegate* unmanaged<int, int, int, int, float*, float*, float*, float*, float*, float*, nint>)NativeLibrary.GetExport(module, "rtn_create");
        public readonly delegate* unmanaged<nint, void> Reset = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(module, "rtn_reset");
        public readonly delegate* unmanaged<nint, float*, float*, int, void> StepBlock =
            (delegate* unmanaged<nint, float*, float*, int, void>)NativeLibrary.GetExport(module, "rtn_step_block");
        public readonly delegate* unmanaged<nint, float*, int, float> Predict =
            (delegate* unmanaged<nint, float*, int, float>)NativeLibrary.GetExport(module, "rtn_predict");
        public readonly delegate* unmanaged<nint, void> Destroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(module, "rtn_destroy");
        public string Variant { get; } = Marshal.PtrToStringAnsi(((delegate* unmanaged<nint>)NativeLibrary.GetExport(module, "rtn_variant"))()) ?? "?";
    }
}
